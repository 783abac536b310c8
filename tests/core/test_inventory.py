"""Tests of the reorder advice taken from the forecast distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from core.errors import InputError
from core.recommend import (
    MAX_COVER_DAYS,
    InventoryOptions,
    apply_budget,
    recommend_inventory,
    rho_for,
)


def normal_forecast(uid="A", mean=10.0, sd=3.0, periods=28, start="2026-01-01", spike=None):
    """A forecast whose bands are those of a normal demand per day."""
    ds = pd.date_range(start, periods=periods, freq="D")
    mu = np.full(periods, mean)
    if spike is not None:
        mu[spike] *= 5
    fc = pd.DataFrame({"unique_id": uid, "ds": ds, "forecast": mu})
    for level in (50, 80, 95):
        z = norm.ppf(1 - (100 - level) / 200)
        fc[f"lo_{level}"], fc[f"hi_{level}"] = mu - z * sd, mu + z * sd
    return fc


def test_order_up_to_matches_normal_theory_for_independent_and_tied_days():
    fc = normal_forecast()
    free = recommend_inventory(fc, options=InventoryOptions(rho=0.0)).iloc[0]
    tied = recommend_inventory(fc, options=InventoryOptions(rho=1.0)).iloc[0]
    z = norm.ppf(0.95)
    assert free["demand_protection"] == pytest.approx(140, rel=0.02)
    assert free["order_up_to"] == pytest.approx(140 + z * 3 * np.sqrt(14), rel=0.03)
    assert tied["order_up_to"] == pytest.approx(140 + z * 3 * 14, rel=0.04)
    assert free["reorder_point"] == pytest.approx(70 + z * 3 * np.sqrt(7), rel=0.03)
    # safety stock = reorder point - demand over the 7-day lead time
    assert free["safety_stock"] == pytest.approx(z * 3 * np.sqrt(7), rel=0.08)  # 13.1
    assert tied["safety_stock"] == pytest.approx(z * 3 * 7, rel=0.08)  # 34.5


def test_safety_stock_is_the_reorder_point_above_lead_time_demand():
    """Lead time 1 day, review 27: S covers 28 days but the safety stock only the lead
    time, so it stays below the reorder point (S - mean over 28 days would be ~26 units,
    above a reorder point of ~15)."""
    fc = normal_forecast(mean=10.0, sd=3.0, periods=28)
    opts = InventoryOptions(lead_time=1, review_period=27, rho=0.0)
    row = recommend_inventory(fc, options=opts).iloc[0]
    z = norm.ppf(0.95)
    assert row["forecast_lead_time"] == pytest.approx(10, rel=0.02)
    assert row["reorder_point"] == pytest.approx(10 + z * 3, rel=0.02)  # 14.9
    assert row["safety_stock"] == pytest.approx(z * 3, rel=0.08)  # 4.9
    assert row["safety_stock"] == pytest.approx(row["reorder_point"] - row["forecast_lead_time"])
    assert row["order_up_to"] == pytest.approx(280 + z * 3 * np.sqrt(28), rel=0.02)  # 306


def test_safety_stock_never_exceeds_the_reorder_point():
    fc = pd.concat([normal_forecast(u, mean=m, sd=sd) for u, m, sd in
                    (("slow", 0.4, 1.0), ("mid", 5.0, 4.0), ("fast", 60.0, 9.0))])  # fmt: skip
    for lead, review, level in ((1, 14, 0.99), (7, 7, 0.8), (14, 0, 0.95)):
        opts = InventoryOptions(lead_time=lead, review_period=review, service_level=level)
        out = recommend_inventory(fc, options=opts)
        assert (out["safety_stock"] >= 0).all()
        assert (out["safety_stock"] <= out["reorder_point"] + 1e-9).all()
        assert (out["reorder_point"] <= out["order_up_to"] + 1e-9).all()


def test_order_quantity_respects_stock_moq_and_packs():
    fc = normal_forecast()
    stock = pd.DataFrame({"unique_id": ["A"], "on_hand": [100.0], "on_order": [20.0],
                          "unit_cost": [4.0]})  # fmt: skip
    opts = InventoryOptions(moq=30, pack_size=12)
    row = recommend_inventory(fc, stock, options=opts).iloc[0]
    gap = row["order_up_to"] - 120
    assert row["order_qty"] == max(30, np.ceil(gap / 12) * 12)
    assert row["order_qty"] % 12 == 0 and row["order_value"] == row["order_qty"] * 4
    assert "Order" in row["reason_en"] and "订货" in row["reason_zh"]
    # without MOQ and packs the order fills the gap to S exactly, and says so
    free = recommend_inventory(fc, stock).iloc[0]
    s_units = np.ceil(free["order_up_to"])
    assert free["order_qty"] == s_units - 120
    assert f"Order {s_units - 120:.0f} now" in free["reason_en"]
    assert f"order-up-to level {s_units:.0f}." in free["reason_en"]
    plenty = stock.assign(on_hand=400.0)
    row = recommend_inventory(fc, plenty, options=opts).iloc[0]
    assert row["order_qty"] == 0 and row["excess_stock"] == pytest.approx(420 - row["order_up_to"])


def test_days_of_cover_and_stockout_date():
    fc = normal_forecast()
    row = recommend_inventory(fc, pd.DataFrame({"unique_id": ["A"], "on_hand": [35.0]})).iloc[0]
    assert row["days_of_cover"] == pytest.approx(3.5)
    assert row["stockout_date"] == "2026-01-04"


def test_lifecycle_changes_the_policy():
    fc = pd.concat([normal_forecast(u) for u in ("M", "D", "I", "X")])
    stages = pd.DataFrame({"unique_id": ["M", "D", "I", "X"],
                           "stage": ["maturity", "decline", "introduction", "inactive"]})  # fmt: skip
    out = recommend_inventory(fc, stages=stages).set_index("unique_id")
    assert out.loc["D", "safety_stock"] == 0
    # no buffer: expected demand over the lead time (7 x 10) and over lead time + review
    assert out.loc["D", "reorder_point"] == pytest.approx(out.loc["D", "forecast_lead_time"])
    assert out.loc["D", "reorder_point"] == pytest.approx(70, rel=0.02)
    assert out.loc["D", "order_up_to"] == pytest.approx(140, rel=0.02)
    assert out.loc["D", "order_up_to"] < out.loc["M", "order_up_to"] - 20
    assert out.loc["M", "safety_stock"] == pytest.approx(
        out.loc["M", "reorder_point"] - out.loc["M", "forecast_lead_time"]
    )
    # the service level stated is the one used, whatever the stage (issue 14)
    assert out.loc["I", "service_level"] == 0.95 and out.loc["M", "service_level"] == 0.95
    assert "80%" not in out.loc["I", "reason_en"] and "80%" not in out.loc["I", "reason_zh"]
    assert out.loc["I", "safety_stock"] == pytest.approx(out.loc["M", "safety_stock"], rel=0.1)
    assert out.loc["X", "order_qty"] == 0 and "停售" in out.loc["X", "reason_zh"]
    assert "unknown" in out.loc["M", "reason_en"]  # no stock figure given: said plainly


def test_a_festival_inside_the_lead_time_raises_the_order():
    calm = recommend_inventory(normal_forecast()).iloc[0]
    peak = recommend_inventory(normal_forecast(spike=4)).iloc[0]
    assert peak["forecast_lead_time"] == pytest.approx(calm["forecast_lead_time"] + 40, rel=0.03)
    assert peak["order_qty"] > calm["order_qty"] + 30


def test_weekly_periods_and_per_product_lead_times():
    fc = normal_forecast(periods=6).assign(ds=pd.date_range("2026-01-05", periods=6, freq="W-MON"))
    stock = pd.DataFrame({"unique_id": ["A"], "lead_time": [21.0]})
    row = recommend_inventory(fc, stock, period_days=7).iloc[0]
    assert row["forecast_lead_time"] == pytest.approx(30, rel=0.03)  # 3 weeks x 10
    assert row["demand_protection"] == pytest.approx(40, rel=0.03)  # + 1 week review


def test_reproducible_and_refuses_bad_input():
    fc = normal_forecast()
    a, b = recommend_inventory(fc), recommend_inventory(fc)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(InputError, match="forecast further"):
        recommend_inventory(normal_forecast(periods=10))
    with pytest.raises(InputError):
        recommend_inventory(fc, options=InventoryOptions(service_level=1.2))
    with pytest.raises(InputError):
        recommend_inventory(fc, options=InventoryOptions(pack_size=0))


def test_budget_keeps_the_orders_that_protect_most_margin():
    fc = pd.concat([normal_forecast("cheap_margin"), normal_forecast("rich_margin")])
    stock = pd.DataFrame({"unique_id": ["cheap_margin", "rich_margin"], "unit_cost": [5.0, 5.0]})
    advice = recommend_inventory(fc, stock)
    total = advice["order_value"].sum()
    margin = pd.Series({"cheap_margin": 1.0, "rich_margin": 20.0})
    cut = apply_budget(advice, total * 0.6, margin, pack=10).set_index("unique_id")
    assert cut.loc["rich_margin", "priority"] == 1
    assert cut.loc["rich_margin", "budget_cut"] == 0
    assert cut.loc["cheap_margin", "order_qty"] % 10 == 0
    assert cut["order_value"].sum() <= total * 0.6 + 1e-9
    assert cut.loc["cheap_margin", "budget_cut"] > 0


def test_high_service_level_follows_the_normal_tail():
    """Beyond the 95 % band the quantiles continue a normal, not a straight line."""
    fc = normal_forecast()
    opts = InventoryOptions(lead_time=1, service_level=0.99, random_state=1)
    row = recommend_inventory(fc, options=opts).iloc[0]
    assert row["reorder_point"] == pytest.approx(10 + norm.ppf(0.99) * 3, rel=0.02)


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_default_reorder_point_reaches_its_service_level(level):
    """Daily errors correlated at 0.3 (as measured on real sales): the default copula
    gives a reorder point that the lead-time demand stays under ``level`` of the time."""
    fc = normal_forecast(sd=4.0)
    rop = recommend_inventory(fc, options=InventoryOptions(service_level=level)).iloc[0]
    rng = np.random.default_rng(5)
    common = rng.standard_normal((20000, 1))
    own = rng.standard_normal((20000, 7))
    days = 10.0 + 4.0 * (np.sqrt(0.3) * common + np.sqrt(0.7) * own)
    achieved = (days.sum(axis=1) <= rop["reorder_point"]).mean()
    assert achieved == pytest.approx(level, abs=0.015)


def test_rho_follows_the_forecaster():
    assert rho_for("lstm") == 0.0
    assert rho_for("ets") == rho_for(None) == InventoryOptions().rho == 0.3


def test_lstm_rho_reaches_the_level_when_daily_errors_do_not_carry_over():
    """Independent daily errors (as the LSTM's were measured): with ``rho_for("lstm")``
    the 95 % reorder point is the 95 % point of the lead-time demand, ~70 + 1.645 x 4 x
    sqrt(7) = 87.4; the default 0.3 would hold ~99 % of lead times."""
    fc = normal_forecast(sd=4.0)
    rng = np.random.default_rng(6)
    lead = (10.0 + 4.0 * rng.standard_normal((20000, 7))).sum(axis=1)
    for rho, share in ((rho_for("lstm"), 0.95), (0.3, 0.99)):
        rop = recommend_inventory(fc, options=InventoryOptions(rho=rho)).iloc[0]["reorder_point"]
        assert (lead <= rop).mean() == pytest.approx(share, abs=0.01)
    rop = recommend_inventory(fc, options=InventoryOptions(rho=0.0)).iloc[0]["reorder_point"]
    assert rop == pytest.approx(70 + norm.ppf(0.95) * 4 * np.sqrt(7), rel=0.02)


def skewed_forecast(uid="S", periods=28, hi=(0.3, 1.0, 2.0)):
    """A slow mover: the median and every low band are 0, the high bands are not."""
    fc = pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2026-01-01", periods=periods),
                       "forecast": 0.0})  # fmt: skip
    for level, h in zip((50, 80, 95), hi, strict=True):
        fc[f"lo_{level}"], fc[f"hi_{level}"] = 0.0, h
    return fc


def test_days_of_cover_of_a_slow_mover_is_read_at_its_expected_sales():
    """6 on hand, a median of 0 but about 2 expected in 7 days: about 3 weeks of cover,
    not thousands of days (issue 14, 0020500)."""
    stock = pd.DataFrame({"unique_id": ["S"], "on_hand": [6.0]})
    row = recommend_inventory(skewed_forecast(), stock).iloc[0]
    rate = row["forecast_lead_time"] / 7
    assert 0.1 < rate < 0.6
    assert row["days_of_cover"] == pytest.approx(6 / rate, rel=0.1)
    assert row["stockout_date"] is not None


def test_days_of_cover_is_capped_or_empty_when_no_sales_are_expected():
    stock = pd.DataFrame({"unique_id": ["T", "Z", "E"], "on_hand": [500.0, 5.0, 0.0]})
    fc = pd.concat([skewed_forecast("T", hi=(0.0, 0.01, 0.05)), skewed_forecast("Z", hi=(0, 0, 0)),
                    skewed_forecast("E", hi=(0, 0, 0))])  # fmt: skip
    out = recommend_inventory(fc, stock).set_index("unique_id")
    assert out.loc["T", "days_of_cover"] == MAX_COVER_DAYS
    assert np.isnan(out.loc["Z", "days_of_cover"]) and out.loc["Z", "stockout_date"] is None
    assert "No sales expected" in out.loc["Z", "reason_en"]
    assert "预计无销售" in out.loc["Z", "reason_zh"]
    assert out.loc["E", "days_of_cover"] == 0


def test_one_products_lead_time_leaves_the_others_alone():
    """Each product draws its own scenarios (issue 14: a lead time of 30 for one product
    moved another's safety stock from 7 to 6)."""
    fc = pd.concat([normal_forecast(u, mean=m, sd=s, periods=40)
                    for u, m, s in (("A", 3, 2), ("B", 40, 9), ("C", 1, 1))])  # fmt: skip
    base = recommend_inventory(fc).set_index("unique_id")
    stock = pd.DataFrame({"unique_id": ["B"], "lead_time": [30.0], "service_level": [0.99]})
    moved = recommend_inventory(fc, stock).set_index("unique_id")
    pd.testing.assert_frame_equal(base.loc[["A", "C"]], moved.loc[["A", "C"]])
    assert moved.loc["B", "reorder_point"] > base.loc["B", "reorder_point"]
    # and a product's figures do not depend on which other products are in the table
    alone = recommend_inventory(fc[fc["unique_id"] == "C"]).set_index("unique_id")
    pd.testing.assert_frame_equal(alone.loc[["C"]], base.loc[["C"]])


def test_days_of_cover_does_not_depend_on_the_lead_time():
    fc = normal_forecast(periods=40, spike=[20, 21])
    stock = pd.DataFrame({"unique_id": ["A"], "on_hand": [300.0]})
    short = recommend_inventory(fc, stock, options=InventoryOptions(lead_time=7)).iloc[0]
    long = recommend_inventory(fc, stock, options=InventoryOptions(lead_time=30)).iloc[0]
    assert short["days_of_cover"] == long["days_of_cover"] == pytest.approx(30, rel=0.01)
