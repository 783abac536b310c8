"""SkuCast entry point: the desktop app by default, the headless CLI for subcommands.

``python main.py``            open the app
``python main.py --demo``     open the app on the bundled sample shop
``python main.py inspect F``  headless commands (see ``python main.py --help``)
"""

import os
import sys

GUI_FLAGS = {"--demo", "--self-test", "--screenshots"}
#: A project given as the only argument (the installers' file association) opens the app.
PROJECT_SUFFIX = ".skucast"


def wants_gui(argv: list[str]) -> bool:
    """True when ``argv`` asks for the window rather than a headless command."""
    return not argv or argv[0] in GUI_FLAGS or argv[0].lower().endswith(PROJECT_SUFFIX)


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    # A frozen app starts its training process as itself with --multiprocessing-fork:
    # that run must become the child before anything reads the arguments.
    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    if wants_gui(argv):
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
    args = sys.argv[1:]
    code = main(args)
    if wants_gui(args):
        # PySide's atexit cleanup destroys the window while Python finalises and crashes
        # in pyqtgraph's scene teardown in ~1 run of 3 (exit 139 after a clean run): Qt is
        # finished here, so leave without finalisation.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
