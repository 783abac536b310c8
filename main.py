"""SkuCast entry point: the desktop app by default, the headless CLI for subcommands.

``python main.py``            open the app
``python main.py --demo``     open the app on the bundled sample shop
``python main.py inspect F``  headless commands (see ``python main.py --help``)
"""

import sys

GUI_FLAGS = {"--demo", "--self-test", "--screenshots"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in GUI_FLAGS:
        from ui.platform_check import display_problem

        problem = display_problem()
        if problem:  # before importing Qt: Qt aborts the process without a display
            print(problem, file=sys.stderr)
            return 2
        from ui.app import run

        return run(argv)
    from core.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
