"""SkuCast's headless command line: ``python main.py <command> ...``.

Exit codes: 0 success; 2 bad input or bad arguments (a message in Chinese and
English on stderr, never a traceback); 1 only for a genuine bug.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from core.cli.archive import COMMANDS as ARCHIVE_COMMANDS
from core.cli.archive import add_archive_commands
from core.cli.basket import COMMANDS as BASKET_COMMANDS
from core.cli.basket import add_basket_command
from core.cli.common import (
    EXIT_BUG,
    EXIT_INPUT,
    EXIT_OK,
    Parser,
    add_cleaning_args,
    add_import_args,
    import_file,
)
from core.cli.decide import COMMANDS as DECISION_COMMANDS
from core.cli.decide import add_decision_commands
from core.cli.forecast import COMMANDS as FORECAST_COMMANDS
from core.cli.forecast import add_forecast_commands
from core.cli.plan import COMMANDS as PLAN_COMMANDS
from core.cli.plan import add_plan_command
from core.cli.purchase import COMMANDS as PURCHASE_COMMANDS
from core.cli.purchase import add_purchase_commands
from core.data import dataset_summary, format_summary
from core.errors import InputError, SkuCastError
from core.parallel import Workers, configure
from core.sample import write_sample


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument(
        "--lang",
        choices=["zh", "en", "both"],
        default=argparse.SUPPRESS,
        help="language of messages (default: both)",
    )
    common.add_argument(
        "--jobs",
        type=int,
        default=argparse.SUPPRESS,
        metavar="N",
        help="worker processes for per-product work (default: every core; 1: none)",
    )
    common.add_argument(
        "--dask",
        default=argparse.SUPPRESS,
        metavar="ADDRESS",
        help="spread per-product work over a Dask cluster: tcp://host:8786, or local:N "
        "(needs pip install 'skucast[dask]')",
    )
    frozen = getattr(sys, "frozen", False)  # a PyInstaller bundle: SkuCast / skucast-cli
    parser = Parser(
        prog=Path(sys.executable).stem if frozen else "python main.py",
        parents=[common],
        description="SkuCast: sales and product-lifecycle forecasting, offline.",
        epilog="The desktop app: run without a command to open it; --demo opens it on the "
        "bundled sample shop; a .skucast project as the only argument opens that project; "
        "--self-test [DIR] checks the installation; --screenshots DIR writes a picture of every view.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=Parser, required=True)
    p = sub.add_parser(
        "inspect", parents=[common], help="check a sales file: mapping, frequency, problems"
    )
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser(
        "sample", parents=[common], help="write the bundled sample shop (GBK CSV) to a file"
    )
    p.add_argument("--out", required=True, help="output CSV path")
    p.add_argument("--seed", type=int, default=None, help="generator seed")
    p.add_argument("--encoding", default="gbk", help="output encoding (default gbk)")

    add_forecast_commands(sub, common)

    add_decision_commands(sub, common)
    add_purchase_commands(sub, common)
    add_archive_commands(sub, common)
    add_basket_command(sub, common)
    add_plan_command(sub, common)
    return parser


def cmd_inspect(args: argparse.Namespace) -> int:
    imported = import_file(args)
    summary = dataset_summary(imported.cleaning.dataset)
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(format_summary(summary, args.lang))
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    kwargs = {} if args.seed is None else {"seed": args.seed}
    sales, stages = write_sample(args.out, encoding=args.encoding, **kwargs)
    print(f"{sales}\n{stages}")
    return EXIT_OK


def _commands() -> dict:
    return {
        "inspect": cmd_inspect,
        "sample": cmd_sample,
        **FORECAST_COMMANDS,
        **DECISION_COMMANDS,
        **PURCHASE_COMMANDS,
        **ARCHIVE_COMMANDS,
        **BASKET_COMMANDS,
        **PLAN_COMMANDS,
    }


def _configure_workers(args: argparse.Namespace) -> None:
    """Where per-product work runs (:mod:`core.parallel`), from ``--jobs`` and ``--dask``."""
    jobs, dask = getattr(args, "jobs", None), getattr(args, "dask", None)
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs}: give 1 or more worker processes.",
                         f"--jobs {jobs}：工作进程数须为 1 或更多。")  # fmt: skip
    configure(Workers(jobs=jobs, dask=dask))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit code (see module doc)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a GBK or cp1252 console must not crash us
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    lang = "both"
    try:
        args = build_parser().parse_args(argv)
        args.lang = lang = getattr(args, "lang", "both")
        _configure_workers(args)
        return _commands()[args.command](args)
    except SkuCastError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INPUT if isinstance(exc, InputError) else EXIT_BUG
    except KeyboardInterrupt:
        print("已中断 / Interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print(
            "内存不足，请导入更小的文件。\nOut of memory: import a smaller file.", file=sys.stderr
        )
        return EXIT_INPUT
