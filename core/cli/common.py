"""What every command of the CLI shares: the parser, the import, cleaning and model flags,
the prepare step and the model factory.

The commands (:mod:`.main`, :mod:`.forecast`, :mod:`.decide`) build on these and import
nothing private from one another. The prepare step is the window's:
:func:`core.analysis.run_import` (read, import, clean) then :func:`core.data.model_frames`;
the models come from :class:`core.forecast.TrainSettings`, as in the Train view.
"""

from __future__ import annotations

import argparse
import sys

from core.analysis import run_import
from core.cli.progress import TerminalProgress
from core.data import OPTIONAL_ROLES, CleaningOptions, ImportOptions, model_frames, require_active
from core.errors import InputError
from core.festivals import REGIONS
from core.forecast import TrainSettings, check_levels, load_params
from core.text import pick

__all__ = [
    "EXIT_BUG",
    "EXIT_INPUT",
    "EXIT_OK",
    "Parser",
    "add_cleaning_args",
    "add_import_args",
    "add_model_args",
    "cleaning_options",
    "csv_list",
    "import_options",
    "interval_levels",
    "model_factory",
    "positive",
    "prepare",
    "terminal_progress",
    "train_settings",
]


#: Exit codes: success, a genuine bug, bad input or bad arguments.
EXIT_OK, EXIT_BUG, EXIT_INPUT = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are bilingual and raise :class:`InputError`."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse hook
        raise InputError(f"{message}\n{self.format_usage().strip()}", f"命令行参数有误：{message}")


def csv_list(text: str) -> list[str]:
    """An argparse type: comma-separated names."""
    return [part.strip() for part in text.split(",") if part.strip()]


def add_import_args(parser: argparse.ArgumentParser) -> None:
    """The column and format flags shared by every command that reads a sales file."""
    parser.add_argument("file", help="sales file: CSV (optionally .gz) or XLSX")
    g = parser.add_argument_group("import")
    g.add_argument("--encoding", help="text encoding (default: detect; e.g. utf-8, gbk)")
    g.add_argument("--sep", help="CSV separator (default: detect among , ; tab |)")
    g.add_argument("--sheet", help="XLSX sheet to read")
    g.add_argument("--date-col", help="the date column")
    g.add_argument("--id-cols", type=csv_list, help="product ID column(s), e.g. store,item")
    g.add_argument("--target-col", help="the quantity-sold column")
    g.add_argument("--feature-cols", type=csv_list, help="extra feature columns, comma-separated")
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
    g.add_argument(
        "--keep-non-products",
        action="store_true",
        help="keep postage, discount, fee and voucher lines (POST, D, 运费 ...) as products",
    )
    g.add_argument(
        "--merge-case-codes",
        action="store_true",
        help="read product codes that differ only in letter case (85123A, 85123a) as one "
        "product (default: report them)",
    )
    g.add_argument(
        "--count-rows",
        action="store_true",
        help="count each row as one unit sold, for order exports with a row per unit and no "
        "quantity column (wins over any quantity column)",
    )


def add_cleaning_args(parser: argparse.ArgumentParser) -> None:
    """Cleaning choices (defaults documented in :mod:`core.data.cleaning`)."""
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
    g.add_argument(
        "--stockouts",
        choices=["impute", "keep"],
        default="impute",
        help="stock-out days (stock 0, or zeros too long for the product): train on the "
        "demand estimated from their neighbours, or on the sales as sold (default: impute)",
    )


def cleaning_options(args: argparse.Namespace):
    """Build :class:`~core.data.cleaning.CleaningOptions` from parsed arguments."""
    return CleaningOptions(
        duplicates=args.duplicates,
        negatives=args.negatives,
        fill=args.fill,
        outliers=args.outliers,
        stockouts=getattr(args, "stockouts", "impute"),
    )


def import_options(args: argparse.Namespace):
    """Build :class:`~core.data.importer.ImportOptions` from parsed arguments."""

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
        keep_non_products=getattr(args, "keep_non_products", False),
        merge_case_codes=getattr(args, "merge_case_codes", False),
        count_rows=getattr(args, "count_rows", False),
    )


def _unescape(sep: str | None) -> str | None:
    return {"\\t": "\t", "tab": "\t"}.get(sep, sep) if sep else sep


def positive(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def add_model_args(p: argparse.ArgumentParser) -> None:
    """The model flags of every command that trains a model."""
    g = p.add_argument_group("model")
    g.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    g.add_argument("--epochs", type=positive, help="deep model: maximum training epochs")
    g.add_argument("--params", help="deep model settings from `tune` (JSON)")
    g.add_argument("--region", choices=list(REGIONS), default=None,
                   help="holidays and shopping festivals (default: the region the file "
                        "points to, e.g. a Country column; else CN)")  # fmt: skip
    g.add_argument("--events", help="your own event calendar CSV (date,event[,end_date])")


def import_file(args):
    """:func:`core.analysis.run_import` of ``args.file``; a big file's reading shows a bar."""
    bar = TerminalProgress(args.lang)
    try:
        return run_import(args.file, import_options(args), cleaning_options(args),
                          on_progress=lambda e: bar(e) if "bytes_total" in e else None)  # fmt: skip
    finally:
        bar.close()


def prepare(args, announce: bool = True, need_active: bool = True):
    """Import and clean the file as the window does, then :func:`core.data.model_frames`.

    Returns ``(dataset, frames)``: the cleaned dataset and its
    :class:`~core.data.ModelFrames` (products aligned to the last date, discontinued ones
    set aside: see :mod:`core.data.alignment`). ``announce`` prints what the alignment did;
    ``need_active`` refuses a file where no product is left to forecast.
    """
    # only the cleaned dataset is kept: the raw table and the change list go before the
    # alignment copies the shop (about 1.9 GB at 50,000 products)
    dataset = import_file(args).cleaning.dataset
    choose_region(args, dataset, announce)
    frames = model_frames(dataset)
    for line in frames.describe(args.lang) if announce else ():
        print(line, file=sys.stderr)
    if need_active:
        require_active(frames)
    return dataset, frames


def choose_region(args, dataset, announce: bool = True) -> None:
    """Set ``args.region`` where ``--region`` was not given: the region the data suggests
    (:func:`core.data.region.suggest_region`, said on stderr), else ``CN``."""
    if getattr(args, "region", "CN") is not None:
        return
    found = dataset.roles.get("region")
    args.region = found["region"] if found else "CN"
    if found and announce:
        zh = found.get("evidence_zh") or found["evidence"]
        print(pick(args.lang, f"Holidays and festivals: {args.region}, from {found['evidence']} "
                              "(--region to change).",
                   f"节假日与购物节：{args.region}，依据：{zh}（可用 --region 更改）。"),
              file=sys.stderr)  # fmt: skip


def train_settings(args, model: str, horizon: int | None) -> TrainSettings:
    """The :class:`~core.forecast.TrainSettings` of the model flags, as the Train view
    would make them: ``--params`` (a ``tune`` file) wins over ``--seed`` and ``--region``;
    ``--epochs`` and ``horizon`` win over ``--params``."""
    settings = TrainSettings(model=model, horizon=horizon, region=args.region or "CN",
                             random_state=args.seed, events_path=args.events)  # fmt: skip
    params = load_params(args.params) if args.params else {}
    if args.epochs:
        params["epochs"] = args.epochs
    if horizon is not None:
        params["horizon"] = horizon
    return settings.with_params(params)


def model_factory(name: str, args, horizon: int | None, freq: str):
    """A zero-argument factory of a fresh model ``name`` (see :func:`train_settings`)."""
    return train_settings(args, name, horizon).factory(name, freq)


def interval_levels(args) -> list[int]:
    """The interval levels asked for (default 80)."""
    return check_levels(args.level or [80])


def terminal_progress(args) -> TerminalProgress:
    """A progress bar on stderr in the language of the messages."""
    return TerminalProgress(args.lang)
