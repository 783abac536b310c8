"""The forecast archive on the command line: ``archive score``.

``python main.py forecast sales.csv ... --archive FILE`` keeps each week's forecast (with
the seasonal naive beside it) in the archive; ``python main.py archive score sales.csv``
scores every archived run against the sales the file now holds and prints one line per
run (see :mod:`core.analysis.archive_score` for the figures).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.analysis import archive_path, score_runs, worst_products
from core.cli.common import Parser, add_cleaning_args, add_import_args, positive, prepare
from core.data import ids_first, write_table
from core.errors import InputError
from core.text import pick

__all__ = ["COMMANDS", "add_archive_commands"]

RUN_COLUMNS = ["run_id", "data_end", "model", "products", "n", "mase", "bias", "total_error",
               "hit_80", "snaive_mase", "fva"]  # fmt: skip


def add_archive_commands(sub, common) -> None:
    """Register ``archive score`` on the subparsers ``sub``."""
    p = sub.add_parser("archive", parents=[common], help="score the archived forecasts")
    inner = p.add_subparsers(dest="archive_command", parser_class=Parser, required=True)
    s = inner.add_parser("score", parents=[common], help="score every archived run on the sales")
    add_import_args(s)
    add_cleaning_args(s)
    s.add_argument("--archive", help="archive file (default: <sales file>.skucast-archive.sqlite)")
    s.add_argument("--per-product", help="write the per-product scores (.csv/.xlsx) here")
    s.add_argument("--worst", type=positive, default=0, help="also list the N worst products")


def cmd_score(args: argparse.Namespace) -> int:
    path = Path(args.archive or archive_path(args.file))
    if not path.is_file():  # scoring reads: a mistyped name must not leave an empty archive
        raise InputError(
            f"No forecast archive at {path}: run forecast --archive first, or give --archive.",
            f"找不到预测存档 {path}：请先运行 forecast --archive，或用 --archive 指定。",
        )
    dataset, _ = prepare(args, announce=False, need_active=False)
    per_run, per_product = score_runs(path, dataset.frame)
    if per_run.empty:
        print(pick(args.lang, f"No runs archived in {path}.", f"{path} 中没有存档的运行。"))
        return 0
    table = per_run[RUN_COLUMNS].assign(data_end=per_run["data_end"].dt.date)
    print(table.round(3).to_string(index=False))
    if args.per_product:
        write_table(ids_first(per_product.round(4), dataset), args.per_product)
    if args.worst:
        worst = worst_products(per_product, dataset.frame, n=args.worst)
        reason = worst["reason_zh"] if args.lang == "zh" else worst["reason_en"]
        shown = worst[["run_id", "unique_id", "n", "mase", "total_error"]].assign(reason=reason)
        print(shown.round(3).to_string(index=False))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    return {"score": cmd_score}[args.archive_command](args)


COMMANDS = {"archive": cmd_archive}
