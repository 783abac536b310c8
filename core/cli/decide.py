"""The decision commands of the CLI: ``lifecycle``, ``recommend`` and ``simulate``.

They read a sales file with the import and cleaning flags of ``inspect``; results go to
``--out`` (CSV/XLSX) and a short summary to stdout (see :mod:`core.cli.main` for exit codes).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import pandas as pd

from core.analysis import fit_model, lifecycle_tables, make_forecast, periods_needed
from core.cli.common import (
    add_cleaning_args,
    add_import_args,
    add_model_args,
    model_factory,
    positive,
    prepare,
    terminal_progress,
    train_settings,
)
from core.data import ids_first, read_stock, stock_from_data, write_table
from core.forecast import MODEL_NAMES, default_horizon
from core.lifecycle import STAGE_NAMES
from core.recommend import (
    InventoryOptions,
    SupplierResolution,
    read_suppliers,
    recommendations,
    resolve_suppliers,
    rho_for,
    simulate_policy,
)
from core.text import CELL, pick

__all__ = ["COMMANDS", "Advice", "add_advice_args", "add_decision_commands", "run_advice"]


def _inventory_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("inventory")
    g.add_argument("--lead-time", type=float, default=7.0, help="days from order to arrival")
    g.add_argument("--service-level", type=float, default=0.95, help="e.g. 0.95")
    g.add_argument("--review-period", type=float, default=7.0, help="days between orders")
    g.add_argument("--moq", type=float, default=1.0, help="minimum order quantity")
    g.add_argument("--pack-size", type=float, default=1.0, help="units per pack")


def add_advice_args(p: argparse.ArgumentParser) -> None:
    """The flags of every command that makes the reorder advice (``recommend``, ``orders``):
    import, cleaning, inventory, stock, suppliers and model."""
    add_import_args(p)
    add_cleaning_args(p)
    _inventory_args(p)
    p.add_argument("--stock", help="stock file: ID columns, on hand (库存), optional on order")
    p.add_argument("--suppliers", help="supplier table (.csv/.xlsx): supplier, lead time, MOQ, "
                                       "pack size, unit cost per product, category or default")  # fmt: skip
    p.add_argument("--horizon", type=positive, help="forecast periods (default: enough)")
    p.add_argument("--model", default="lstm", choices=MODEL_NAMES, help="default lstm")
    add_model_args(p)


def add_decision_commands(sub, common) -> None:
    """Register ``lifecycle``, ``recommend`` and ``simulate`` on the subparsers ``sub``."""
    p = sub.add_parser("lifecycle", parents=[common], help="lifecycle stage of every product")
    add_import_args(p)
    add_cleaning_args(p)
    p.add_argument("--out", required=True, help="output .csv or .xlsx")
    p.add_argument("--history", help="also write every period's stage here (.csv/.xlsx)")
    p = sub.add_parser("recommend", parents=[common], help="how much to order, promote or clear")
    add_advice_args(p)
    p.add_argument("--out", required=True, help="output .csv or .xlsx")
    p = sub.add_parser("simulate", parents=[common], help="replay the advice on past weeks")
    add_import_args(p)
    add_cleaning_args(p)
    _inventory_args(p)
    p.add_argument("--weeks", type=positive, default=8, help="review periods to replay")
    p.add_argument("--model", default="ets", choices=MODEL_NAMES,
                   help="forecaster refitted at each review (default ets)")  # fmt: skip
    p.add_argument("--per-product", help="write per-product figures (.csv/.xlsx) here")
    add_model_args(p)


def _options(args):
    # the error correlation across days belongs to the forecaster (see core.recommend.inventory)
    opts = InventoryOptions(lead_time=args.lead_time, review_period=args.review_period,
                            service_level=args.service_level, moq=args.moq,
                            pack_size=args.pack_size, rho=rho_for(args.model),
                            random_state=args.seed)  # fmt: skip
    opts.check()
    return opts


# --------------------------------------------------------------------- lifecycle
def cmd_lifecycle(args: argparse.Namespace) -> int:
    dataset, frames = prepare(args, announce=False, need_active=False)
    # with --history both tables come from one fit of the life curves
    progress = terminal_progress(args)
    try:
        table, history = lifecycle_tables(frames, dataset.freq, history=bool(args.history),
                                          on_progress=progress)  # fmt: skip
    finally:
        progress.close()
    out = pd.DataFrame({
        "unique_id": table["unique_id"],
        "stage": table["stage"],
        "stage_name": [pick(args.lang, *STAGE_NAMES[s], sep=CELL) for s in table["stage"]],
        "confidence": table["confidence"].round(2),
        "reason": [pick(args.lang, e, z, sep=CELL) for e, z in zip(table["reason_en"],
                                                          table["reason_zh"], strict=True)],
        "next_stage": table["next_stage"],
        "next_stage_date": table["next_stage_date"],
    })  # fmt: skip
    write_table(ids_first(out, dataset), args.out)
    if args.history:
        write_table(ids_first(history, dataset), args.history)
    counts = table["stage"].value_counts().to_dict()
    print(pick(args.lang, f"{len(table)} products by stage: {counts}; written to {args.out}",
               f"{len(table)} 个商品的阶段分布：{counts}；已写入 {args.out}"))  # fmt: skip
    return 0


# --------------------------------------------------------------------- recommend
@dataclass
class Advice:
    """What :func:`run_advice` made: the inputs, the forecast and the advice table."""

    dataset: object
    frames: object
    options: InventoryOptions
    forecast: pd.DataFrame
    table: pd.DataFrame
    stock_given: bool
    suppliers: SupplierResolution | None = None


def run_advice(args: argparse.Namespace) -> Advice:
    """The advice of the :func:`add_advice_args` flags: import, stock, supplier table
    (its lead time, MOQ, pack size and unit cost per product go to the advice through the
    stock table; what it resolved is printed to stderr), forecast, stages, advice."""
    opts = _options(args)
    dataset, frames = prepare(args)
    stock = read_stock(args.stock, dataset) if args.stock else stock_from_data(frames.frame)
    stock_given, suppliers = stock is not None, None
    if getattr(args, "suppliers", None):
        suppliers = resolve_suppliers(read_suppliers(args.suppliers, dataset), dataset)
        for line in suppliers.describe(args.lang):
            print(line, file=sys.stderr)
        stock = suppliers.merge_into(stock)
    # the model forecasts its usual horizon (as in the window), or further where the longest
    # lead time of any product needs it: a lead time alone never changes the model trained
    horizon = periods_needed(dataset.freq, opts, stock,
                             args.horizon or default_horizon(dataset.freq))  # fmt: skip
    progress = terminal_progress(args)
    try:
        model = fit_model(frames, dataset.freq, train_settings(args, args.model, horizon),
                          on_progress=progress)  # fmt: skip
    finally:
        progress.close()
    fc = make_forecast(model, horizon, levels=(50, 80, 95))
    del model  # its history and network are not needed for the stages and the advice
    stages, _ = lifecycle_tables(frames, dataset.freq, forecast=fc, history=False)
    table = recommendations(frames, dataset.freq, fc, stages, stock, opts,
                            region=args.region or "CN", lang=args.lang)  # fmt: skip
    return Advice(dataset, frames, opts, fc, table, stock_given, suppliers)


def cmd_recommend(args: argparse.Namespace) -> int:
    run = run_advice(args)
    dataset, table = run.dataset, run.table
    if run.suppliers is not None:
        used = run.suppliers.filled(run.options)[["unique_id", "supplier", "lead_time"]]
        table = table.merge(used, on="unique_id", how="left")
    write_table(ids_first(table, dataset), args.out)
    orders = int((table["order_qty"] > 0).sum())
    actions = table["promotion"].value_counts().to_dict()
    print(pick(args.lang,
               f"{len(table)} products: {orders} to order now; promotion advice {actions}; "
               f"written to {args.out}",
               f"{len(table)} 个商品：{orders} 个需要立即订货；促销建议 {actions}；"
               f"已写入 {args.out}"))  # fmt: skip
    if not run.stock_given:
        print(pick(args.lang, "No stock figures given (--stock or a 库存 column): stock taken as 0.",
                   "未提供库存（--stock 或 库存 列）：库存按 0 计算。"))  # fmt: skip
    return 0


# ---------------------------------------------------------------------- simulate
def cmd_simulate(args: argparse.Namespace) -> int:
    opts = _options(args)
    dataset, frames = prepare(args)
    factory = model_factory(args.model, args, None, dataset.freq)
    progress = terminal_progress(args)
    try:
        result = simulate_policy(frames.frame, dataset.freq, factory, reviews=args.weeks,
                                 options=opts, on_progress=progress)  # fmt: skip
    finally:
        progress.close()
    table = result.summary.copy()
    table["fill_rate"] = (100 * table["fill_rate"]).round(1)
    print(table.round(1).to_string(index=False))
    print(result.verdict(args.lang if args.lang in ("en", "zh") else "both"))
    if args.per_product:
        write_table(ids_first(result.per_product, dataset), args.per_product)
    return 0


COMMANDS = {"lifecycle": cmd_lifecycle, "recommend": cmd_recommend, "simulate": cmd_simulate}
