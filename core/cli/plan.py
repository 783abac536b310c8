"""The ``plan`` command: the whole weekly loop, headless, for a scheduled task.

``python main.py plan FILE [--suppliers S.csv] [--archive FILE_OR_DIR] --out DIR
[the flags of recommend] [--po-layout generic|jushuitan|wangdiantong] [--budget N]``

One line per step on stdout, then a summary:

1. the advice exactly as ``recommend`` makes it (:func:`core.cli.decide.run_advice`: the
   same import, cleaning, inventory, stock, supplier and model flags);
2. the purchase orders by supplier, as ``orders`` makes them;
3. the run saved in the forecast archive (:func:`core.analysis.save_run`): the model's
   forecast, the seasonal naive of the same data beside it, the stages and the advice.
   A run of the same data end and model replaces the older one, so planning twice on the
   same data keeps one run;
4. every archived run scored against the sales the file now holds
   (:func:`core.analysis.score_runs`), the worst-forecast products named;
5. the files, in ``DIR`` (created if missing):

   ``recommendations.xlsx``
       the advice, one row per product, with the supplier, lead time and stock on hand
       it was made with (XLSX: the file people open);
   ``purchase_orders.xlsx`` and ``purchase_orders.csv``
       the order lines in ``--po-layout``; the totals per supplier are the second sheet
       of the generic XLSX, else ``purchase_orders_totals.xlsx`` / ``.csv``;
   ``accuracy.csv``
       one row per archived run: ``run_id, data_end, model, products, n, mase,
       snaive_mase, fva, bias, snaive_bias, total_error, hit_80, snaive_hit_80``
       (:mod:`core.analysis.archive_score`; empty figures: not scored yet);
   ``report.html``
       the printable report (:mod:`core.analysis.weekly_report`) in ``--lang``
       (``both``: 中文 / English).

The archive: ``--archive FILE`` is that file; ``--archive DIR`` (an existing folder, or a
name ending in ``/``) means ``DIR/<sales file name>.skucast-archive.sqlite``; without it,
the archive lies beside the sales file (:func:`core.analysis.archive_path`). Either way,
give the weekly export the same name every week, or name the archive file, so that all
weeks land in one archive.

Nothing is written before everything is computed. Bad input (a missing sales file, an
``--out`` that is a file or cannot be written, an archive from a newer SkuCast) ends with
exit 2 and a message in both languages before the archive or any file is touched; each
file is written whole or not at all (a temporary file renamed into place).
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from core.analysis import (
    WeeklyReport,
    archive_path,
    archive_version,
    lifecycle_tables,
    list_runs,
    overview_task,
    save_run,
    score_archive,
    with_inputs,
    write_report,
)
from core.cli.decide import add_advice_args, run_advice
from core.data import ids_first, product_names, read_stock, stock_from_data, write_table
from core.errors import InputError
from core.recommend import (
    PRESETS,
    PurchaseOptions,
    build_orders,
    last_prices,
    read_layout,
    write_orders,
)
from core.text import pick

__all__ = ["ACCURACY_COLUMNS", "COMMANDS", "add_plan_command", "plan_archive"]

#: Columns of ``accuracy.csv``.
ACCURACY_COLUMNS = ["run_id", "data_end", "model", "products", "n", "mase", "snaive_mase",
                    "fva", "bias", "snaive_bias", "total_error", "hit_80", "snaive_hit_80"]  # fmt: skip
#: Worst-forecast products the report lists (each product once, at its worst run).
WORST = 10
LEVELS = (50, 80, 95)


def add_plan_command(sub, common) -> None:
    """Register ``plan`` on the subparsers ``sub``."""
    p = sub.add_parser("plan", parents=[common],
                       help="the weekly loop: advice, purchase orders, archive, accuracy, "
                            "printable report")  # fmt: skip
    add_advice_args(p)
    g = p.add_argument_group("weekly plan")
    g.add_argument("--archive", help="forecast archive file, or a folder for "
                                     "<sales file name>.skucast-archive.sqlite "
                                     "(default: beside the sales file)")  # fmt: skip
    g.add_argument("--po-layout", default="generic", choices=list(PRESETS),
                   help="columns of the purchase order files (default generic)")  # fmt: skip
    g.add_argument("--layout-file", help="your own purchase order columns (see orders)")
    g.add_argument("--budget", type=float, help="cash for all orders together")
    g.add_argument("--order-date", help="date the orders are placed (default: first forecast day)")
    g.add_argument("--warehouse", default="", help="receiving warehouse code (旺店通 收货仓编号)")
    g.add_argument("--buyer", default="", help="buyer name (采购员)")
    p.add_argument("--out", required=True, help="folder for the files (created if missing)")


# ------------------------------------------------------------------------ checks
def _out_folder(text: str) -> Path:
    """``--out`` as a folder that can be written, checked without creating anything."""
    out = Path(text)
    existing = out
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"--out {out}: not a folder that can be written ({existing} is "
                         f"{'a file' if existing.is_file() else 'read-only'}).",
                         f"--out {out}：不是可写入的文件夹（{existing} "
                         f"{'是文件' if existing.is_file() else '不可写'}）。")  # fmt: skip
    return out


def plan_archive(sales_file, archive: str | None = None) -> Path:
    """The archive of a plan: ``archive`` itself, ``archive/<sales file
    name>.skucast-archive.sqlite`` for a folder (existing, or a name ending in ``/``), or
    the archive beside ``sales_file`` (see module doc)."""
    if not archive:
        return archive_path(sales_file)
    if Path(archive).is_dir() or archive.endswith(("/", "\\")):
        return archive_path(Path(archive) / Path(sales_file).name)
    return Path(archive)


def _check_archive(path: Path, folder_form: bool) -> None:
    if path.is_file():
        archive_version(path)  # a newer, damaged or foreign file is refused here, before any work
    elif not folder_form and not path.parent.is_dir():
        raise InputError(f"--archive {path}: the folder {path.parent} does not exist.",
                         f"--archive {path}：文件夹 {path.parent} 不存在。")  # fmt: skip


# ------------------------------------------------------------------------ steps
def _stock(args, run) -> pd.DataFrame | None:
    """The stock the advice was made with (as :func:`run_advice` reads it)."""
    stock = read_stock(args.stock, run.dataset) if args.stock else stock_from_data(run.frames.frame)
    return stock if run.suppliers is None else run.suppliers.merge_into(stock)


def _advice_table(run, stock: pd.DataFrame | None) -> pd.DataFrame:
    """The advice with the supplier, lead time, service level and stock on hand of each
    product (as the window's table shows them: :func:`core.analysis.with_inputs`)."""
    table = run.table
    if run.suppliers is not None:
        used = run.suppliers.filled(run.options)[["unique_id", "supplier"]]
        table = table.merge(used, on="unique_id", how="left")
    return with_inputs(table, stock, run.options)


def _orders(args, run):
    layout = args.po_layout
    if args.layout_file:
        layout = read_layout(args.layout_file, extra_fields=run.dataset.mapping.ids)
    purchase = PurchaseOptions(order_date=args.order_date or run.forecast["ds"].min(),
                               budget=args.budget, warehouse=args.warehouse,
                               buyer=args.buyer)  # fmt: skip
    orders = build_orders(run.table, run.suppliers, run.options, purchase,
                          products=run.dataset.series, prices=last_prices(run.frames.frame))  # fmt: skip
    return orders, layout


def _save(args, run, stages, table, path: Path) -> int:
    frame = run.frames.frame
    horizon = int(run.forecast.groupby("unique_id")["ds"].nunique().max())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create the archive folder {path.parent}: {exc.strerror}.",
                         f"无法创建存档文件夹 {path.parent}：{exc.strerror}。") from exc  # fmt: skip
    return save_run(path, data_end=frame["ds"].max(), model=args.model, freq=run.dataset.freq,
                    forecast=run.forecast, history=frame, stages=stages, recommendations=table,
                    source=args.file, settings={"command": "plan", "horizon": horizon,
                                                "levels": list(LEVELS)})  # fmt: skip


def _scores(path: Path, sales: pd.DataFrame):
    """``accuracy.csv``'s table and the worst products (each once, at its worst run)."""
    per_run, worst = score_archive(path, sales, WORST)
    accuracy = per_run[ACCURACY_COLUMNS].assign(
        data_end=per_run["data_end"].dt.strftime("%Y-%m-%d")
    )
    return per_run, accuracy, worst


def _write(out: Path, table, dataset, orders, layout, accuracy, report, lang) -> list[Path]:
    paths = [write_table(ids_first(table, dataset), out / "recommendations.xlsx")]
    for ext in (".xlsx", ".csv"):
        paths += write_orders(orders, out / f"purchase_orders{ext}", layout, lang)
    paths.append(write_table(accuracy, out / "accuracy.csv"))
    paths.append(write_report(out / "report.html", report, lang))
    return paths


def _say(args, en: str, zh: str) -> None:
    print(pick(args.lang, en, zh))


# ------------------------------------------------------------------------ command
def cmd_plan(args: argparse.Namespace) -> int:
    out = _out_folder(args.out)
    archive = plan_archive(args.file, args.archive)
    _check_archive(archive, bool(args.archive) and archive != Path(args.archive))
    run = run_advice(args)
    dataset, freq = run.dataset, run.dataset.freq
    stock = _stock(args, run)
    stages, _ = lifecycle_tables(run.frames, freq, forecast=run.forecast, history=False)
    table = _advice_table(run, stock)
    k = int((table["order_qty"] > 0).sum())
    _say(args, f"1/5 Advice ({args.model}): {len(table)} products, {k} to order now.",
         f"1/5 建议（{args.model}）：{len(table)} 个商品，{k} 个需要立即订货。")  # fmt: skip
    orders, layout = _orders(args, run)
    value = f"{orders.total_value:,.2f}" if np.isfinite(orders.total_value) else "-"
    _say(args, f"2/5 Purchase orders: {len(orders.totals)} (one per supplier), "
               f"{len(orders.lines)} lines, total value {value}.",
         f"2/5 采购单：{len(orders.totals)} 张、{len(orders.lines)} 行，总金额 {value}。")  # fmt: skip
    run_id = _save(args, run, stages, table, archive)
    n_runs = len(list_runs(archive))
    _say(args, f"3/5 Archive: run {run_id} saved in {archive} (runs archived: {n_runs}).",
         f"3/5 存档：第 {run_id} 次运行已保存到 {archive}（共 {n_runs} 次运行）。")  # fmt: skip
    per_run, accuracy, worst = _scores(archive, dataset.frame)
    _say_scores(args, per_run)
    overview = overview_task(table, stages, run.frames, freq, stock=stock, archive=archive,
                             region=args.region or "CN")  # fmt: skip
    report = WeeklyReport(as_of=pd.Timestamp(run.frames.frame["ds"].max()),
                          source=Path(args.file).name, model=args.model, overview=overview,
                          orders=orders, suppliers_given=run.suppliers is not None,
                          accuracy=per_run, worst=worst, names=product_names(dataset, ids_when_unnamed=False),
                          made_at=datetime.now().strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    paths = _write(out, table, dataset, orders, layout, accuracy, report, args.lang)
    names = ", ".join(p.name for p in paths)
    _say(args, f"5/5 Written to {out}: {names}.", f"5/5 已写入 {out}：{names}。")
    _notes(args, run)
    n = len(orders.lines)  # after the budget
    _say(args, f"Done: {n} products to order, purchase orders: {len(orders.totals)} ({value}); "
               f"print {out / 'report.html'} from a browser.",
         f"完成：{n} 个商品需订货，共 {len(orders.totals)} 张采购单（{value}）；"
         f"可在浏览器中打开并打印 {out / 'report.html'}。")  # fmt: skip
    return 0


def _say_scores(args, per_run: pd.DataFrame) -> None:
    scored = per_run[per_run["n"] > 0]
    if scored.empty:
        _say(args, f"4/5 Accuracy: no archived run can be scored yet (runs: {len(per_run)}).",
             f"4/5 准确率：存档中的运行暂时都无法评分（共 {len(per_run)} 次）。")  # fmt: skip
        return
    last = scored.iloc[-1]
    day = f"{last['data_end']:%Y-%m-%d}"
    _say(args, f"4/5 Accuracy: {len(scored)} of {len(per_run)} runs scored; latest ({day}) "
               f"MASE {last['mase']:.3f}, seasonal naive {last['snaive_mase']:.3f}.",
         f"4/5 准确率：{len(per_run)} 次运行中 {len(scored)} 次已评分；最近一次（{day}）"
         f"MASE {last['mase']:.3f}，季节性朴素法 {last['snaive_mase']:.3f}。")  # fmt: skip


def _notes(args, run) -> None:
    if run.suppliers is None:
        _say(args, "No supplier table (--suppliers): one order without a supplier, no unit costs.",
             "未提供供应商表（--suppliers）：所有商品合为一张无供应商、无单价的采购单。")  # fmt: skip
    if not run.stock_given:
        _say(args, "No stock figures given (--stock or a 库存 column): stock taken as 0.",
             "未提供库存（--stock 或 库存 列）：库存按 0 计算。")  # fmt: skip


COMMANDS = {"plan": cmd_plan}
