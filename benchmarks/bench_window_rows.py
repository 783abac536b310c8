"""Benchmark: the window's product lists with 50,000 products.

Times, offscreen and painted (``processEvents`` + ``repaint`` after every action), the
product picker of the Forecast view (:class:`ui.widgets.product_picker.ProductPicker`)
and the Recommendations table (:class:`ui.widgets.advice_table.AdviceTable`) on
generated tables of ``--products`` rows: filling them, typing a search (the time per
keystroke, ``SKU0123`` typed one character at a time: the first keystrokes match every
row), choosing a filter, sorting by a column (a header click), and choosing a product in
the Forecast view: the lookups of its rows in the shop's tables (history of
``--periods`` periods per product, forecast, stage history) and the chart's redraw.
Each figure is the median of ``--runs`` runs (a fresh widget for each fill). Prints
Markdown.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_window_rows [--products 50000]
        [--runs 5] [--periods 104]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STAGES = ("introduction", "growth", "maturity", "decline", "inactive", "new")
TYPED = "SKU0123"


def ranking(n: int, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A :func:`core.data.sales_ranking` table and lifecycle stages for ``n`` products."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"SKU{i:06d}" for i in range(n)])
    names = np.array([f"商品 {i % 977} 款 {i % 13}" for i in range(n)])
    table = pd.DataFrame({"unique_id": ids, "label": np.char.add(np.char.add(ids, "  "), names),
                          "total": rng.gamma(1.5, 300, n).round(0),
                          "category": [f"类目{i % 20:02d}" for i in range(n)]})  # fmt: skip
    table = table.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
    stages = pd.DataFrame({"unique_id": ids, "stage": rng.choice(STAGES, n)})
    return table, stages


def advice(n: int, seed: int = 6) -> tuple[pd.DataFrame, SimpleNamespace]:
    """A :func:`core.analysis.recommend_task` table and the dataset it names."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"SKU{i:06d}" for i in range(n)])
    order = np.where(rng.random(n) < 0.4, rng.integers(1, 500, n), 0).astype(float)
    action = rng.choice(["promote", "hold", "clear"], n, p=[0.1, 0.8, 0.1])
    order[action == "clear"] = 0.0
    table = pd.DataFrame({
        "unique_id": ids, "stage": rng.choice(STAGES[:5], n), "service_level": 0.95,
        "forecast_lead_time": rng.gamma(2, 40, n).round(1),
        "safety_stock": rng.gamma(2, 10, n).round(1), "order_qty": order,
        "days_of_cover": rng.uniform(0, 200, n).round(1),
        "stockout_date": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
        "promotion": action, "promotion_window": "", "discount": np.where(action == "clear", 0.3, 0.0),
        "reason_en": "Order now: stock runs out before the next delivery.",
        "reason_zh": "立即订货：库存撑不到下次到货。", "lead_time": 7.0, "on_hand": rng.integers(0, 300, n).astype(float),
    })  # fmt: skip
    table["reorder_point"] = (table["safety_stock"] + table["forecast_lead_time"]).round(1)
    series = pd.DataFrame({"unique_id": ids, "sku": ids,
                           "name": [f"商品 {i % 977} 款 {i % 13}" for i in range(n)]})  # fmt: skip
    return table, SimpleNamespace(series=series, mapping=SimpleNamespace(ids=["sku"]))


def shop_rows(n: int, periods: int, seed: int = 7) -> dict:
    """History (``periods`` weeks per product), forecast (13 weeks), stage history."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"SKU{i:06d}" for i in range(n)])
    dates = pd.date_range("2024-01-01", periods=periods, freq="W-MON")
    future = pd.date_range(dates[-1] + pd.Timedelta(days=7), periods=13, freq="W-MON")
    full = pd.DataFrame({"unique_id": np.repeat(ids, periods), "ds": np.tile(dates, n),
                         "y": rng.poisson(5, n * periods).astype(float)})  # fmt: skip
    fc = pd.DataFrame({"unique_id": np.repeat(ids, 13), "ds": np.tile(future, n),
                       "forecast": rng.gamma(2, 2, n * 13)})  # fmt: skip
    for level in (80, 95):
        fc[f"lo_{level}"] = fc["forecast"] * (0.5 if level == 80 else 0.3)
        fc[f"hi_{level}"] = fc["forecast"] * (1.5 if level == 80 else 1.8)
    fc["median"] = fc["forecast"]
    history = full[["unique_id", "ds"]].assign(stage=rng.choice(STAGES[:4], len(full)))
    return {"full": full, "forecast": fc, "stage_history": history}


def _settle(widget) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    widget.repaint()
    QApplication.processEvents()


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_picker(n: int, runs: int) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.widgets.product_picker import ProductPicker

    table, stages = ranking(n)
    out: dict[str, list[float]] = {"fill": [], "keystroke": [], "clear search": [],
                                   "filter by stage": [], "sort": []}  # fmt: skip
    for _ in range(runs):
        picker = ProductPicker()
        picker.resize(320, 800)
        picker.show()
        _settle(picker)
        out["fill"].append(_timed(lambda p=picker: (p.set_products(table, stages), _settle(p))))
        assert picker.model.rowCount() == n
        t0 = time.perf_counter()
        for ch in TYPED:
            QTest.keyClicks(picker.search, ch)
            _settle(picker)
        out["keystroke"].append((time.perf_counter() - t0) / len(TYPED))
        assert 0 < picker.model.rowCount() < n
        out["clear search"].append(_timed(lambda p=picker: (p.search.clear(), _settle(p))))
        stage = picker.stage.findData("decline")
        out["filter by stage"].append(_timed(lambda p=picker, i=stage: (
            p.stage.setCurrentIndex(i), _settle(p))))  # fmt: skip
        picker.stage.setCurrentIndex(0)
        _settle(picker)
        out["sort"].append(_timed(lambda p=picker: (
            p.table.sortByColumn(0, Qt.SortOrder.AscendingOrder), _settle(p))))  # fmt: skip
        picker.deleteLater()
        _settle(picker)
    return out


def bench_advice(n: int, runs: int) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt

    from ui.widgets.advice_table import AdviceTable

    table, dataset = advice(n)
    out: dict[str, list[float]] = {"fill": [], "filter (needs ordering)": [], "sort": [],
                                   "choose a row": []}  # fmt: skip
    for _ in range(runs):
        widget = AdviceTable(on_edit=lambda *_: None)
        widget.resize(1300, 700)
        widget.show()
        _settle(widget)
        out["fill"].append(_timed(lambda w=widget: (w.show_advice(table, dataset), _settle(w))))
        assert widget.model.rowCount() == n
        col = list(widget.model.frame.columns).index("order_qty")
        out["sort"].append(_timed(lambda w=widget, c=col: (
            w.table.sortByColumn(c, Qt.SortOrder.DescendingOrder), _settle(w))))  # fmt: skip
        index = widget.filter_combo.findData("order")
        out["filter (needs ordering)"].append(_timed(lambda w=widget, i=index: (
            w.filter_combo.setCurrentIndex(i), _settle(w))))  # fmt: skip
        out["choose a row"].append(_timed(lambda w=widget: (w.table.selectRow(5), _settle(w))))
        widget.deleteLater()
        _settle(widget)
    return out


def bench_chart(n: int, periods: int, runs: int) -> dict[str, list[float]]:
    """Choosing a product in the Forecast view: its rows looked up by a mask over each
    table (the view before), by the view's :class:`core.data.ProductRows` (the first
    product after new data builds the index, later ones look it up), then drawn."""
    from core.data import ProductRows
    from ui.widgets.forecast_plot import ForecastPlot

    rows = shop_rows(n, periods)
    full, fc, sh = rows["full"], rows["forecast"], rows["stage_history"]
    plot = ForecastPlot()
    plot.resize(820, 600)
    plot.show()
    _settle(plot)
    rng = np.random.default_rng(1)
    out: dict[str, list[float]] = {"look up the product's rows (masks, before)": [],
                                   "first product after new data (ProductRows index)": [],
                                   "next product (ProductRows)": [], "draw the chart": []}  # fmt: skip

    def by_mask(uid: str):
        history = full[full["unique_id"] == uid][["ds", "y"]].sort_values("ds")
        mine = fc[fc["unique_id"] == uid]
        stages = sh[(sh["unique_id"] == uid) & (sh["ds"] >= history["ds"].min())]
        return history, mine, stages

    for _ in range(runs):
        uid = f"SKU{int(rng.integers(0, n)):06d}"
        t0 = time.perf_counter()
        history, mine, stages = by_mask(uid)
        out["look up the product's rows (masks, before)"].append(time.perf_counter() - t0)
        index = ProductRows()
        t0 = time.perf_counter()
        got = [index.rows(name, t, uid) for name, t in (("full", full), ("fc", fc), ("sh", sh))]
        out["first product after new data (ProductRows index)"].append(time.perf_counter() - t0)
        other = f"SKU{int(rng.integers(0, n)):06d}"
        t0 = time.perf_counter()
        [index.rows(name, t, other) for name, t in (("full", full), ("fc", fc), ("sh", sh))]
        out["next product (ProductRows)"].append(time.perf_counter() - t0)
        assert len(got[0]) == len(history) and len(got[1]) == len(mine)
        t0 = time.perf_counter()
        plot.set_data(history, mine, stages=stages, step_days=7.0)
        _settle(plot)
        out["draw the chart"].append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--periods", type=int, default=104)
    parser.add_argument("--skip", default="", help="comma list of picker,advice,chart")
    args = parser.parse_args()
    from ui.qapp import make_app

    app = make_app([])  # noqa: F841 - kept alive for the widgets
    skip = set(filter(None, args.skip.split(",")))
    print(f"{args.products:,} products, median of {args.runs} runs (ms; min-max)\n")
    print("| widget | action | ms |")
    print("|---|---|---|")
    parts = {"picker": lambda: bench_picker(args.products, args.runs),
             "advice": lambda: bench_advice(args.products, args.runs),
             "chart": lambda: bench_chart(args.products, args.periods, args.runs)}  # fmt: skip
    for name, run in parts.items():
        if name in skip:
            continue
        for action, times in run().items():
            ms = [1000 * t for t in times]
            print(f"| {name} | {action} | {statistics.median(ms):.0f} "
                  f"({min(ms):.0f}-{max(ms):.0f}) |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
