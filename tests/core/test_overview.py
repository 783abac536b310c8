"""The Overview: attention items, stage mix and ABC x XYZ, on a hand-made shop whose
counts are worked out by hand below and on the sample shop with real advice.

The hand-made Recommendations table (lead time 7 days, data end 2025-06-30):

=====  =====  =======  =====  ======  ========  =========  ========  =======  ==========
id     order  on hand  cover  stage   earlier   next       promo     price    unit cost
=====  =====  =======  =====  ======  ========  =========  ========  =======  ==========
P1     10     5        3      mat     mat       -          hold      2        -
P2     0      0        0      growth  growth    -          hold      3        -
P3     0      500      200    mat     mat       -          clear     4        -
P4     0      20       NaN    decl    decl      -          clear     -        -
P5     0      50       20     mat     growth    decl +30d  promote   5        -
P6     3      unknown  NaN    decl    mat       -          hold      6        1.5
P7     0      0        NaN    inact   inact     -          hold      1        -
P8     0      40       10     mat     mat       decl +57d  hold      1        -
P9     0      40       10     growth  -         decl +56d  hold      1        -
=====  =====  =======  =====  ======  ========  =========  ========  =======  ==========

- order: P1, P6; value 10 x 2 (price) + 3 x 1.5 (cost) = 24.5, basis ``cost+price``;
- stock-out now: P2 (P7 is inactive); within the lead time: P1 (3 days < 7);
- excess: P3 (200 days: 500 - 500 x 90 / 200 = 275 units x 4 = 1100) and P4 (no sales
  expected: all 20 units, no price: no value), 295 units, value 1100;
- stage changed: P5 (growth -> maturity), P6 (maturity -> decline); P9 has no earlier stage;
- entering decline within 8 weeks: P5 (30 days) and P9 (56 days), not P8 (57 days);
- promote: P5.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.analysis import (
    ATTENTION,
    FILTERS,
    PreviousRun,
    abc_xyz,
    advice_view,
    build_overview,
    effective_stock,
    fit_model,
    lifecycle_tables,
    make_forecast,
    overview_task,
    recommend_task,
    save_run,
    unit_values,
)
from core.data import ImportOptions, clean, load_dataset, model_frames
from core.forecast import TrainSettings
from core.recommend import InventoryOptions
from core.sample import SAMPLE_PATH

END = pd.Timestamp("2025-06-30")
IDS = [f"P{i}" for i in range(1, 10)]


def _hand_table() -> pd.DataFrame:
    nan = np.nan
    rows = [  # id, order, on_hand, cover, stage, promotion
        ("P1", 10, 5, 3, "maturity", "hold"), ("P2", 0, 0, 0, "growth", "hold"),
        ("P3", 0, 500, 200, "maturity", "clear"), ("P4", 0, 20, nan, "decline", "clear"),
        ("P5", 0, 50, 20, "maturity", "promote"), ("P6", 3, nan, nan, "decline", "hold"),
        ("P7", 0, 0, nan, "inactive", "hold"), ("P8", 0, 40, 10, "maturity", "hold"),
        ("P9", 0, 40, 10, "growth", "hold"),
    ]  # fmt: skip
    t = pd.DataFrame(rows, columns=["unique_id", "order_qty", "on_hand", "days_of_cover",
                                    "stage", "promotion"])  # fmt: skip
    t["order_qty"] = t["order_qty"].astype(float)
    t["lead_time"] = 7.0
    t["forecast_lead_time"] = 10.0
    t["stockout_date"] = None
    t["promotion_window"] = ""
    return t


def _hand_stages() -> pd.DataFrame:
    days = {"P5": 30, "P8": 57, "P9": 56}
    stages = _hand_table()[["unique_id", "stage"]].copy()
    stages["next_stage"] = [("decline" if u in days else None) for u in stages["unique_id"]]
    stages["next_stage_date"] = [END + pd.Timedelta(days=days[u]) if u in days else pd.NaT
                                 for u in stages["unique_id"]]  # fmt: skip
    return stages


def _hand_sales() -> pd.DataFrame:
    prices = {"P1": 2, "P2": 3, "P3": 4, "P4": np.nan, "P5": 5, "P6": 6, "P7": 1, "P8": 1,
              "P9": 1}  # fmt: skip
    days = pd.date_range(END - pd.Timedelta(days=59), END, freq="D")
    return pd.DataFrame([{"unique_id": u, "ds": d, "y": 1.0, "price": p}
                         for u, p in prices.items() for d in days])  # fmt: skip


def _previous() -> PreviousRun:
    before = _hand_table()[["unique_id", "stage"]]
    before = before[before["unique_id"] != "P9"].copy()
    before.loc[before["unique_id"] == "P5", "stage"] = "growth"
    before.loc[before["unique_id"] == "P6", "stage"] = "maturity"
    return PreviousRun(before, END - pd.Timedelta(days=7), "archive")


@pytest.fixture
def hand():
    stock = pd.DataFrame({"unique_id": ["P6"], "unit_cost": [1.5]})
    sales = _hand_sales()
    return build_overview(_hand_table(), _hand_stages(), sales, "D", previous=_previous(),
                          values=unit_values(sales, stock))  # fmt: skip


def test_hand_made_counts(hand):
    got = {i.key: set(i.ids) for i in hand.items}
    assert got == {"order": {"P1", "P6"}, "stockout_now": {"P2"}, "stockout_lead": {"P1"},
                   "excess": {"P3", "P4"}, "stage_changed": {"P5", "P6"},
                   "decline_soon": {"P5", "P9"}, "promote": {"P5"}}  # fmt: skip
    assert all(i.count == len(i.ids) for i in hand.items)
    order = hand.item("order")
    assert order.value == pytest.approx(24.5) and order.value_basis == "cost+price"
    assert order.ids == ("P1", "P6")  # the larger order value first
    assert order.figures["units"] == 13 and order.detail == {"P1": 10.0, "P6": 3.0}
    excess = hand.item("excess")
    assert excess.value == pytest.approx(1100) and excess.figures["units"] == pytest.approx(295)
    assert excess.ids == ("P3", "P4") and excess.value_basis == "price"
    assert hand.item("stage_changed").figures["moves"] == {"growth>maturity": 1,
                                                           "maturity>decline": 1}  # fmt: skip
    assert hand.item("decline_soon").ids == ("P5", "P9")  # the nearer date first
    assert hand.item("decline_soon").detail["P9"] == "2025-08-25"
    assert hand.item("accuracy") is None  # nothing scored
    assert hand.stage_mix == {"growth": 2, "maturity": 4, "decline": 2, "inactive": 1}


def test_predicates_are_the_recommendations_filters(hand):
    t = hand.table
    assert ATTENTION["order"] is FILTERS["order"] and ATTENTION["promote"] is FILTERS["promote"]
    for key in ("order", "promote"):
        assert set(t.loc[FILTERS[key](t), "unique_id"]) == set(hand.item(key).ids)


def test_without_earlier_stages_or_values():
    sales = _hand_sales().drop(columns="price")
    ov = build_overview(_hand_table(), _hand_stages(), sales, "D")
    assert ov.item("stage_changed").count == 0
    assert ov.item("order").value is None and ov.item("order").value_basis == "units"
    assert ov.abc_basis == "units"


def _weekly(uid: str, weeks: dict, price: float) -> list[dict]:
    """Sales of ``uid`` on the last day of each week ``k`` back from the data end."""
    return [{"unique_id": uid, "ds": END - pd.Timedelta(days=7 * k), "y": float(y), "price": price}
            for k, y in weeks.items()]  # fmt: skip


def _abc_sales() -> pd.DataFrame:
    rows = (_weekly("steady", {k: 10 for k in range(52)}, 700 / 520)
            + _weekly("every_other", {k: 2 for k in range(51, -1, -2)}, 150 / 52)
            + _weekly("spike", {51: 100}, 1.0)
            + _weekly("new", {k: 5 for k in range(4)}, 2.5))  # fmt: skip
    # a sale older than 52 weeks is outside the window
    rows.append({"unique_id": "steady", "ds": END - pd.Timedelta(days=400), "y": 1e6,
                 "price": 1.0})  # fmt: skip
    return pd.DataFrame(rows)


def test_abc_xyz_by_hand():
    """Values 700 / 150 / 100 / 50: the products above hold 0, 70, 85 and 95 % -> A A B C.
    Weekly demand: constant (CV 0, X), 2 every other week (mean 1, sd 1: CV 1, Y), one
    spike (CV sqrt(51), Z), four weeks only (Z: too short)."""
    ids = ["steady", "every_other", "spike", "new"]
    classes, basis = abc_xyz(_abc_sales(), "D", ids, END)
    c = classes.set_index("unique_id")
    assert basis == "value" and list(classes["unique_id"]) == ids
    assert c["value"].round(6).tolist() == [700, 150, 100, 50]
    assert c["abc"].tolist() == ["A", "A", "B", "C"]
    assert c["xyz"].tolist() == ["X", "Y", "Z", "Z"]
    assert c.loc["every_other", "cv"] == pytest.approx(1.0)
    assert c.loc["spike", "cv"] == pytest.approx(np.sqrt(51))
    assert c["periods"].tolist() == [52, 52, 52, 4]
    # by units where no price is known: 520, 52, 100, 20 -> above: 0, 75, 90, 97 %
    classes, basis = abc_xyz(_abc_sales().drop(columns="price"), "D", ids, END)
    assert basis == "units" and classes["abc"].tolist() == ["A", "B", "A", "C"]


def test_archive_gives_the_earlier_stages_and_the_accuracy(tmp_path):
    """A run archived a week before: its stages and its forecast (1 too high on each of
    the 7 days where 1 a day sold: WAPE 100 %) are what the Overview reads."""
    path = tmp_path / "shop.skucast-archive.sqlite"
    cut = END - pd.Timedelta(days=7)
    days = pd.date_range(cut + pd.Timedelta(days=1), periods=7, freq="D")
    forecast = pd.DataFrame([{"unique_id": u, "ds": d, "forecast": 2.0, "median": 2.0,
                              "lo_80": 1.0, "hi_80": 3.0} for u in ("P1", "P5") for d in days])  # fmt: skip
    save_run(path, data_end=cut, model="ets", freq="D", forecast=forecast,
             stages=_previous().stages)  # fmt: skip
    sales = _hand_sales()
    ov = overview_task(_hand_table(), _hand_stages(), SimpleNamespace(full=sales), "D",
                       archive=path)  # fmt: skip
    assert set(ov.item("stage_changed").ids) == {"P5", "P6"}
    assert ov.item("stage_changed").figures["source"] == "archive"
    acc = ov.item("accuracy")
    assert acc.count == 2 and acc.value == pytest.approx(0.0)
    assert acc.figures["wape"] == pytest.approx(1.0) and acc.figures["hit_80"] == 1.0
    assert acc.view == "forecast"
    # a damaged archive is passed over: the stage history is the fallback
    path.write_bytes(b"not sqlite")
    ov = overview_task(_hand_table(), _hand_stages(), SimpleNamespace(full=sales), "D",
                       archive=path)  # fmt: skip
    assert ov.item("accuracy") is None and ov.item("stage_changed").count == 0


# ---------------------------------------------------------------------- the sample shop
@pytest.fixture(scope="module")
def sample():
    """The sample shop with a seasonal-naive forecast and its real advice."""
    dataset = clean(load_dataset(SAMPLE_PATH, ImportOptions())).dataset
    frames = model_frames(dataset)
    model = fit_model(frames, dataset.freq, TrainSettings(model="snaive", levels=[80, 95]))
    fc = make_forecast(model, 28, levels=[80, 95])
    stages, history = lifecycle_tables(frames, dataset.freq, forecast=fc)
    stock = effective_stock(frames, None, None)
    table = recommend_task(model, frames, dataset.freq, fc, stages, stock,
                           InventoryOptions()).table  # fmt: skip
    ov = overview_task(table, stages, frames, dataset.freq, stage_history=history, stock=stock)
    return SimpleNamespace(dataset=dataset, frames=frames, stages=stages, history=history,
                           table=table, overview=ov)  # fmt: skip


def test_sample_counts_match_the_recommendations_filters(sample):
    t, ov = sample.table, sample.overview
    for key, item in (("order", ov.item("order")), ("promote", ov.item("promote"))):
        shown = advice_view(t, sample.dataset, key, str, str, "en")
        assert item.count == len(shown) == int(FILTERS[key](t).sum())
        assert set(item.ids) == set(shown["unique_id"])
    on_hand, cover = t["on_hand"], t["days_of_cover"]
    expected = {
        "stockout_now": (on_hand <= 0) & t["stage"].ne("inactive"),
        "stockout_lead": (on_hand > 0) & (cover < t["lead_time"]),
        "excess": (on_hand > 0) & ((cover > 90) | cover.isna()),
    }
    for key, rows in expected.items():
        assert set(ov.item(key).ids) == set(t.loc[rows, "unique_id"]), key
    assert ov.item("order").count > 10 and ov.item("stockout_lead").count > 0
    # every item lists products of the Recommendations table only
    assert all(set(i.ids) <= set(t["unique_id"]) for i in ov.items)


def test_sample_values_and_stages(sample):
    t, ov, full = sample.table, sample.overview, sample.frames.full
    price = full.dropna(subset=["price"]).sort_values("ds").groupby("unique_id")["price"].last()
    orders = t[t["order_qty"] > 0]
    assert ov.item("order").value == pytest.approx(
        float((orders["order_qty"] * orders["unique_id"].map(price)).sum())
    )
    assert ov.item("order").value_basis == "price"
    # stage changed: the stage history a week before the data end
    end = full["ds"].max()
    week = sample.history[sample.history["ds"] == end - pd.Timedelta(days=7)]
    before = week.set_index("unique_id")["stage"]
    now = t.set_index("unique_id")["stage"]
    changed = {u for u in now.index if u in before.index and before[u] != now[u]}
    assert set(ov.item("stage_changed").ids) == changed
    stages = sample.stages.set_index("unique_id")
    for uid in ov.item("decline_soon").ids:
        assert stages.loc[uid, "next_stage"] == "decline"
        assert stages.loc[uid, "next_stage_date"] <= end + pd.Timedelta(weeks=8)
    assert ov.stage_mix == sample.stages["stage"].value_counts().to_dict()
    assert sum(ov.stage_mix.values()) == sample.dataset.n_series


def test_sample_abc_xyz(sample):
    ov, t = sample.overview, sample.table
    assert ov.abc_basis == "value" and int(ov.abc_xyz.to_numpy().sum()) == len(t)
    c = ov.classes
    share = c.groupby("abc")["share"].sum()
    assert 0.80 <= share["A"] < 0.80 + c.loc[c["abc"] == "A", "share"].max()
    assert share["C"] <= 0.05 + 1e-9
    assert (c.loc[c["xyz"] == "X", "cv"] <= 0.5).all()
    for abc in "ABC":
        for xyz in "XYZ":
            assert len(ov.cell_ids(abc, xyz)) == ov.abc_xyz.loc[abc, xyz]
