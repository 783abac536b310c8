"""Tests of promotion effects and the promote / hold / clear advice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.recommend import festival_calendar, promotion_effects, recommend_promotion


def history(uid="A", days=200, promo_every=30, promo_len=3, with_price=True):
    """Base 10 a day; promotions double sales; the 7 days after drop to 7; price moves
    along a known elasticity of -2 on ordinary days."""
    ds = pd.date_range("2025-01-01", periods=days, freq="D")
    promo = np.zeros(days)
    for start in range(20, days - promo_len, promo_every):
        promo[start : start + promo_len] = 1
    price = 20 * (1 + 0.1 * np.sin(np.arange(days) / 9))
    y = 10 * (price / 20) ** -2.0
    y = np.where(promo > 0, 2 * y, y)
    after = np.zeros(days, bool)
    for end in np.flatnonzero((promo > 0) & (np.roll(promo, -1) == 0)):
        after[end + 1 : end + 8] = True
    y = np.where(after & (promo == 0), 0.7 * y, y)
    frame = pd.DataFrame({"unique_id": uid, "ds": ds, "y": y, "promo": promo})
    return frame.assign(price=price) if with_price else frame


def test_effects_are_measured_where_the_data_can_tell():
    fx = promotion_effects(history()).iloc[0]
    assert fx["evidence"] == "measured" and fx["promo_periods"] == 18
    assert fx["uplift"] == pytest.approx(1.0, abs=0.08)
    assert fx["post_dip"] == pytest.approx(-0.3, abs=0.05)
    assert fx["elasticity"] == pytest.approx(-2.0, abs=0.05)
    assert fx["elasticity_evidence"] == "measured"


def test_effects_say_when_the_data_cannot_tell():
    few = promotion_effects(history(days=60, promo_every=100)).iloc[0]
    assert few["evidence"] == "too_few" and np.isnan(few["uplift"])
    none = promotion_effects(history().drop(columns=["promo", "price"])).iloc[0]
    assert none["evidence"] == "no_data" and none["elasticity_evidence"] == "no_data"


def test_effects_do_not_depend_on_the_row_order():
    shop = pd.concat([history(uid=7), history(uid=12, promo_every=25), history(uid=3, days=60, promo_every=100)],
                     ignore_index=True)  # fmt: skip
    sorted_fx = promotion_effects(shop)
    # numeric IDs keep the numeric order a group-by gives, written as text
    assert sorted_fx["unique_id"].tolist() == ["3", "7", "12"]
    assert sorted_fx["evidence"].tolist() == ["too_few", "measured", "measured"]
    shuffled = promotion_effects(shop.sample(frac=1.0, random_state=4))
    pd.testing.assert_frame_equal(shuffled, sorted_fx)
    flag = shop.assign(promo=shop["promo"].astype("boolean"))
    flag.loc[5, "promo"] = pd.NA  # a nullable flag's gap reads as no promotion
    assert promotion_effects(flag)["evidence"].tolist() == ["too_few", "measured", "measured"]


def test_festival_calendar_by_region():
    cn = festival_calendar("2026-06-01", "2026-12-31", "CN")
    assert list(cn["name_en"]) == ["618", "Double 11", "Double 12"]
    assert cn["date"].dt.strftime("%m-%d").tolist() == ["06-18", "11-11", "12-12"]
    us = festival_calendar("2026-11-01", "2026-11-30", "US")
    assert us["date"].iloc[0] == pd.Timestamp("2026-11-27")
    gb = festival_calendar("2026-11-01", "2026-12-31", "GB")
    assert list(gb["name_en"]) == ["Black Friday", "Christmas", "Boxing Day"]
    assert gb["window_start"].dt.strftime("%m-%d").tolist() == ["11-20", "12-01", "12-26"]
    assert "Double 11" not in set(gb["name_en"]) and "圣诞节" in set(gb["name_zh"])
    assert "Christmas" not in set(festival_calendar("2026-11-01", "2026-12-31", "CN")["name_en"])


def _inputs(stage, on_hand, on_order=0.0, excess=0.0, cover=20.0):
    fx = promotion_effects(history())
    stages = pd.DataFrame({"unique_id": ["A"], "stage": [stage]})
    inv = pd.DataFrame({"unique_id": ["A"], "on_hand": [on_hand], "on_order": [on_order],
                        "days_of_cover": [cover], "excess_stock": [excess]})  # fmt: skip
    fc = pd.DataFrame({"unique_id": "A", "ds": pd.date_range("2026-10-01", periods=28),
                       "forecast": 10.0})  # fmt: skip
    return fx, stages, inv, fc


def test_promote_ahead_of_double_11_when_stock_covers_the_uplift():
    row = recommend_promotion(*_inputs("maturity", on_hand=2000)).iloc[0]
    assert row["action"] == "promote"
    assert (row["window_start"], row["window_end"]) == ("2026-10-13", "2026-11-11")
    assert "Double 11" in row["reason_en"] and "双11" in row["reason_zh"]


def test_hold_when_stock_cannot_cover_the_uplift():
    row = recommend_promotion(*_inputs("growth", on_hand=100, on_order=50)).iloc[0]
    assert row["action"] == "hold" and "cannot cover" in row["reason_en"]


def test_clear_a_declining_product_at_the_elasticity_depth():
    row = recommend_promotion(*_inputs("decline", on_hand=600, cover=60)).iloc[0]
    assert row["action"] == "clear"
    # 600 units in 30 days at 10 a day needs +100% sales; elasticity -2 -> 1 - 2**-0.5
    assert row["depth"] == pytest.approx(1 - 2**-0.5, abs=0.01)
    assert row["window_end"] == "2026-10-30"
    assert "清仓" in row["reason_zh"]


def test_clear_excess_cover_and_hold_new_products():
    row = recommend_promotion(*_inputs("maturity", on_hand=5000, excess=4000, cover=500)).iloc[0]
    assert row["action"] == "clear" and "500 days" in row["reason_en"]
    row = recommend_promotion(*_inputs("introduction", on_hand=2000)).iloc[0]
    assert row["action"] == "hold" and "新品" in row["reason_zh"]


def test_hold_when_the_data_cannot_tell():
    fx, stages, inv, fc = _inputs("maturity", on_hand=2000)
    fx = promotion_effects(history().drop(columns=["promo"]))
    row = recommend_promotion(fx, stages, inv, fc).iloc[0]
    assert row["action"] == "hold" and "cannot tell" in row["reason_en"]


def test_declining_stock_that_sells_out_at_full_price_is_not_discounted():
    """51 units at 10 a day last 5 days, well inside the 30-day clearance window."""
    row = recommend_promotion(*_inputs("decline", on_hand=51, cover=5.1)).iloc[0]
    assert row["action"] == "hold" and row["depth"] == 0
    assert "51 on hand sell at full price in about 5 days" in row["reason_en"]
    assert "无需清仓" in row["reason_zh"]
    row = recommend_promotion(*_inputs("decline", on_hand=0, cover=0)).iloc[0]
    assert row["action"] == "hold" and "nothing on hand" in row["reason_en"]


def test_stock_just_short_of_the_promotion_reads_with_a_decimal():
    """Two weeks at 10 a day with a +100% uplift need 280; 279.6 on hand is short,
    and the reason must not read "stock (280) cannot cover the 280"."""
    fx, stages, inv, fc = _inputs("maturity", on_hand=279.6)
    fx["uplift"] = 1.0
    quiet = fc.assign(ds=pd.date_range("2026-02-01", periods=len(fc)))  # no festival near
    row = recommend_promotion(fx, stages, inv, quiet)
    text = row.iloc[0]["reason_en"]
    assert row.iloc[0]["action"] == "hold"
    assert "stock (279.6) cannot cover the 280.0 expected" in text


def test_a_new_product_with_a_large_opening_stock_is_not_cleared():
    row = recommend_promotion(*_inputs("new", on_hand=92, excess=60, cover=99)).iloc[0]
    assert row["action"] == "hold" and "New on the market" in row["reason_en"]


def test_weekly_forecast_is_read_per_day():
    """The same demand (10 a day) as a weekly forecast of 70 gives the same depth."""
    fx, stages, inv, fc = _inputs("decline", on_hand=600, cover=60)
    weekly = pd.DataFrame({"unique_id": "A", "forecast": 70.0,
                           "ds": pd.date_range("2026-10-05", periods=6, freq="W-MON")})  # fmt: skip
    row = recommend_promotion(fx, stages, inv, weekly).iloc[0]
    assert row["action"] == "clear"
    assert row["depth"] == pytest.approx(1 - 2**-0.5, abs=0.01)


def test_clearing_excess_cover_does_not_depend_on_the_order_up_to_level():
    """Issue 14: a mature product was cleared at a 95% service level and promoted at 99%,
    because "excess" was measured above the order-up-to level S, which grows with the
    service level and the lead time. The excess is now the stock above
    ``cover_limit_days`` of expected sales, the same whatever S is."""
    for excess in (0.0, 50.0, 4000.0):
        row = recommend_promotion(*_inputs("maturity", on_hand=5000, excess=excess,
                                           cover=500)).iloc[0]  # fmt: skip
        assert row["action"] == "clear"
        assert "Clear 4100 units" in row["reason_en"]  # 5000 - 90 days x 10 a day


def test_never_clear_zero_units():
    """Issue 14: 0020500 was told to "clear 0 units"."""
    row = recommend_promotion(*_inputs("maturity", on_hand=900.4, excess=0.4,
                                       cover=90.04)).iloc[0]  # fmt: skip
    assert row["action"] != "clear"
    row = recommend_promotion(*_inputs("decline", on_hand=0.4, cover=40)).iloc[0]
    assert row["action"] != "clear" and "Clear 0" not in row["reason_en"]


def test_the_expected_daily_sales_of_the_inventory_table_are_used():
    """The median of a slow mover is 0; the advice reads its expected (mean) sales."""
    fx, stages, inv, fc = _inputs("decline", on_hand=600, cover=60)
    inv["demand_per_day"] = 5.0
    row = recommend_promotion(fx, stages, inv, fc.assign(forecast=0.0)).iloc[0]
    # 600 units in 30 days at 5 a day needs +300% sales; elasticity -2 -> 1 - 4**-0.5
    assert row["action"] == "clear" and row["depth"] == pytest.approx(0.5, abs=0.01)
