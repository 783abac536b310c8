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

from core.errors import InputError, SkuCastError

EXIT_OK, EXIT_BUG, EXIT_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are bilingual and raise :class:`InputError`."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse hook
        raise InputError(f"{message}\n{self.format_usage().strip()}", f"命令行参数有误：{message}")


def _csv_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_import_args(parser: argparse.ArgumentParser) -> None:
    """The column and format flags shared by every command that reads a sales file."""
    from core.schema import OPTIONAL_ROLES

    parser.add_argument("file", help="sales file: CSV (optionally .gz) or XLSX")
    g = parser.add_argument_group("import")
    g.add_argument("--encoding", help="text encoding (default: detect; e.g. utf-8, gbk)")
    g.add_argument("--sep", help="CSV separator (default: detect among , ; tab |)")
    g.add_argument("--sheet", help="XLSX sheet to read")
    g.add_argument("--date-col", help="the date column")
    g.add_argument("--id-cols", type=_csv_list, help="product ID column(s), e.g. store,item")
    g.add_argument("--target-col", help="the quantity-sold column")
    g.add_argument("--feature-cols", type=_csv_list, help="extra feature columns, comma-separated")
    for role in OPTIONAL_ROLES:
        g.add_argument(
            f"--{role}-col",
            metavar="COL",
            help=f"the {role} column (default: found from the headers; '' for none)",
        )
    g.add_argument("--layout", default="auto", choices=["auto", "long", "wide", "orders"])
    g.add_argument("--freq", help="force the frequency (D, W-MON, MS)")
    g.add_argument("--start-date", help="date of d_1 in a wide table with day-number columns")
    g.add_argument("--calendar", help="calendar CSV with columns d,date for day-number columns")
    order = g.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_true",
        default=None,
        help="read 01/02/2024 as 1 February",
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_false", help="read 01/02/2024 as 2 January"
    )


def add_cleaning_args(parser: argparse.ArgumentParser) -> None:
    """Cleaning choices (defaults documented in :mod:`core.cleaning`)."""
    g = parser.add_argument_group("cleaning")
    g.add_argument(
        "--duplicates",
        choices=["sum", "mean", "last"],
        default="sum",
        help="rows sharing a product and date (default: sum)",
    )
    g.add_argument(
        "--negatives",
        choices=["zero", "keep"],
        default="zero",
        help="negative quantities, e.g. returns (default: zero)",
    )
    g.add_argument(
        "--fill",
        choices=["zero", "ffill", "linear", "mean", "median"],
        default="zero",
        help="missing periods and values (default: zero)",
    )
    g.add_argument(
        "--outliers",
        choices=["none", "iqr", "sigma"],
        default="none",
        help="clip outliers per product (default: none)",
    )


def cleaning_options(args: argparse.Namespace):
    """Build :class:`~core.cleaning.CleaningOptions` from parsed arguments."""
    from core.cleaning import CleaningOptions

    return CleaningOptions(
        duplicates=args.duplicates, negatives=args.negatives, fill=args.fill, outliers=args.outliers
    )


def import_options(args: argparse.Namespace):
    """Build :class:`~core.importer.ImportOptions` from parsed arguments."""
    from core.importer import ImportOptions
    from core.schema import OPTIONAL_ROLES

    return ImportOptions(
        encoding=args.encoding,
        sep=_unescape(args.sep),
        sheet=args.sheet,
        date_col=args.date_col,
        id_cols=args.id_cols,
        target_col=args.target_col,
        feature_cols=args.feature_cols,
        roles={
            r: getattr(args, f"{r}_col")
            for r in OPTIONAL_ROLES
            if getattr(args, f"{r}_col", None) is not None
        }
        or None,
        layout=args.layout,
        dayfirst=args.dayfirst,
        start_date=args.start_date,
        calendar=args.calendar,
        freq=args.freq,
    )


def _unescape(sep: str | None) -> str | None:
    return {"\\t": "\t", "tab": "\t"}.get(sep, sep) if sep else sep


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--lang",
        choices=["zh", "en", "both"],
        default=argparse.SUPPRESS,
        help="language of messages (default: both)",
    )
    frozen = getattr(sys, "frozen", False)  # a PyInstaller bundle: SkuCast / skucast-cli
    parser = _Parser(
        prog=Path(sys.executable).stem if frozen else "python main.py",
        parents=[common],
        description="SkuCast: sales and product-lifecycle forecasting, offline.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)
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
    from core.cli_forecast import add_forecast_commands

    add_forecast_commands(sub, common, add_import_args, add_cleaning_args)
    from core.cli_decide import add_decision_commands

    add_decision_commands(sub, common, add_import_args, add_cleaning_args)
    return parser


def cmd_inspect(args: argparse.Namespace) -> int:
    from core.cleaning import clean
    from core.importer import load_dataset
    from core.summary import dataset_summary, format_summary

    dataset = load_dataset(args.file, import_options(args))
    cleaned = clean(dataset, cleaning_options(args))
    summary = dataset_summary(cleaned.dataset)
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(format_summary(summary, args.lang))
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    from core.sample import write_sample

    kwargs = {} if args.seed is None else {"seed": args.seed}
    sales, stages = write_sample(args.out, encoding=args.encoding, **kwargs)
    print(f"{sales}\n{stages}")
    return EXIT_OK


def _commands() -> dict:
    from core.cli_decide import COMMANDS as DECISION_COMMANDS
    from core.cli_forecast import COMMANDS as FORECAST_COMMANDS

    return {"inspect": cmd_inspect, "sample": cmd_sample, **FORECAST_COMMANDS, **DECISION_COMMANDS}


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
