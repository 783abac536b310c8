"""Tests of core.lifecycle.stages: stages of synthetic life curves, reasons, transitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import core.lifecycle.stages as lifecycle
from benchmarks.lifecycle_bed import make_bed
from core.data import load_dataset
from core.errors import InputError
from core.lifecycle import (
    STAGE_NAMES,
    STAGES,
    classify_lifecycle,
    fit_trend,
    lifecycle_with_history,
    period_rates,
    plateau_span,
    quiet_runs,
    stage_history,
)
from core.lifecycle.trend import STIFFER
from core.sample import SAMPLE_PATH

END = pd.Timestamp("2025-12-30")


def life_share(age, t_peak, plateau=0.0, stretch=0.5, r=60.0):
    """Bass rate relative to its peak with a plateau and a slower decline (as the sample)."""
    a = np.log(r) / t_peak
    after = np.maximum(age - t_peak - plateau, 0.0) * stretch
    u = np.where(age < t_peak, age - t_peak, after)
    return 1.0 / np.cosh(a * u / 2.0) ** 2


def product(uid, launch_days_ago, t_peak, plateau=0.0, level=30.0, seed=0, stop_days_ago=0,
            double11=False, promos=True, stretch=0.5, r=60.0, yearly=0.3):  # fmt: skip
    """Daily rows of one product: weekly + yearly seasonality, noise, promotion spikes."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(
        END - pd.Timedelta(days=launch_days_ago), END - pd.Timedelta(days=stop_days_ago)
    )
    age = (days - days[0]).days.to_numpy(dtype=float)
    weekly = np.array([1.1, 0.95, 0.9, 0.93, 0.97, 1.0, 1.15])[days.dayofweek]
    yearly = np.exp(yearly * np.cos(2 * np.pi * (days.dayofyear - 200) / 365.25))
    promo = np.zeros(len(days))
    if promos:
        for start in rng.integers(0, len(days), size=len(days) // 90):
            promo[start : start + 4] = 1.0
    lam = level * life_share(age, t_peak, plateau, stretch, r) * weekly * yearly * (1 + 1.5 * promo)
    if double11:
        d11 = (days.month == 11) & (days.day == 11)
        lam = np.where(d11, lam * 8, lam)
        promo = np.where(d11, 1.0, promo)
    y = rng.poisson(lam * rng.gamma(8, 1 / 8, size=len(days)))
    return pd.DataFrame({"unique_id": uid, "ds": days, "y": y.astype(float), "promo": promo})


@pytest.fixture(scope="module")
def shop():
    parts = [
        product("mature", 900, 150, plateau=2000, double11=True, seed=1),
        product("growth", 90, 160, seed=2),
        product("decline", 420, 90, plateau=60, seed=3),
        product("intro", 60, 200, r=150, seed=4),
        product("new", 20, 60, seed=5),
        product("stopped", 500, 80, plateau=30, stop_days_ago=120, seed=6),
    ]
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def result(shop):
    return classify_lifecycle(shop, "D").set_index("unique_id")


@pytest.mark.parametrize(
    "uid, stage",
    [("mature", "maturity"), ("growth", "growth"), ("decline", "decline"),
     ("new", "new"), ("stopped", "inactive")],
)  # fmt: skip
def test_stage_of_known_curves(result, uid, stage):
    assert result.loc[uid, "stage"] == stage


def test_early_launch_is_introduction_or_growth(result):
    # the shop's other launches (decline, stopped) tell how far a launch rises
    assert result.loc["intro", "stage"] in ("introduction", "growth")


def test_stages_and_names_agree():
    assert set(STAGE_NAMES) == set(STAGES)
    assert STAGE_NAMES["maturity"] == ("Maturity", "成熟期")


def test_double11_spike_does_not_flip_maturity():
    plain = product("m", 900, 150, plateau=2000, seed=7)
    spiked = product("m", 900, 150, plateau=2000, double11=True, seed=7)
    for as_of in ("2025-11-13", "2025-11-20"):
        before = classify_lifecycle(plain, "D", as_of=as_of).loc[0, "stage"]
        after = classify_lifecycle(spiked, "D", as_of=as_of).loc[0, "stage"]
        assert after == before
        assert after != "growth"
    assert classify_lifecycle(spiked, "D").loc[0, "stage"] == "maturity"


def test_reasons_in_both_languages_with_numbers(result):
    for uid in result.index:
        en, zh = result.loc[uid, "reason_en"], result.loc[uid, "reason_zh"]
        assert en and zh and any(ch.isdigit() for ch in en) and any(ch.isdigit() for ch in zh)
    assert "of its peak level" in result.loc["mature", "reason_en"]
    assert "峰值水平" in result.loc["mature", "reason_zh"]
    assert "rising" in result.loc["growth", "reason_en"] and "增长" in result.loc["growth", "reason_zh"]
    assert "无销售" in result.loc["stopped", "reason_zh"]


def test_confidence_in_range_and_lower_near_a_threshold(result):
    assert result["confidence"].between(0, 1).all()
    clear = classify_lifecycle(product("a", 420, 90, plateau=60, seed=3), "D")
    # about 0.8 of the peak at the end: right on the maturity / decline threshold
    edge = classify_lifecycle(product("b", 192, 90, plateau=60, seed=3), "D")
    assert edge.loc[0, "confidence"] < clear.loc[0, "confidence"]


def test_share_and_peak_reported(result):
    assert result.loc["mature", "share_of_peak"] >= 0.8
    assert result.loc["decline", "share_of_peak"] < 0.8
    assert result.loc["decline", "peak_date"] < END


def test_forecast_decline_gives_next_stage_inside_forecast():
    rows = product("m", 900, 150, plateau=2000, promos=False, seed=8)
    level = rows["y"].tail(56).mean()
    dates = pd.date_range(END + pd.Timedelta(days=1), periods=84)
    fc = pd.DataFrame({"unique_id": "m", "ds": dates, "forecast": level * np.linspace(1, 0.3, 84)})
    out = classify_lifecycle(rows, "D", forecast=fc)
    assert out.loc[0, "stage"] == "maturity"
    assert out.loc[0, "next_stage"] == "decline"
    assert dates[0] <= out.loc[0, "next_stage_date"] <= dates[-1]


def test_flat_forecast_gives_no_transition():
    rows = product("m", 900, 150, plateau=2000, promos=False, seed=8)
    dates = pd.date_range(END + pd.Timedelta(days=1), periods=84)
    fc = pd.DataFrame({"unique_id": "m", "ds": dates, "forecast": rows["y"].tail(56).mean()})
    assert classify_lifecycle(rows, "D", forecast=fc).loc[0, "next_stage"] is None


def test_a_forecast_below_the_curves_level_is_no_transition_on_its_first_day():
    """Issue 14: half the sample's mature products were "decline from 2025-12-31": a flat
    forecast sitting lower than the fitted curve's level crossed the 80 % line on its
    first day. Only a change inside the forecast dates a transition."""
    rows = product("m", 900, 150, plateau=2000, promos=False, seed=8)
    dates = pd.date_range(END + pd.Timedelta(days=1), periods=84)
    level = rows["y"].tail(56).mean()
    for low in (0.75, 0.6):
        fc = pd.DataFrame({"unique_id": "m", "ds": dates, "forecast": low * level})
        out = classify_lifecycle(rows, "D", forecast=fc).iloc[0]
        assert out["stage"] == "maturity" and out["next_stage"] is None
        assert pd.isna(out["next_stage_date"])
        assert "no change of stage expected within the forecast" in out["reason_en"]
        assert "预测期内预计不会进入下一阶段" in out["reason_zh"]
    # a forecast that falls from where it starts still dates the decline, after day 1
    fc = pd.DataFrame({"unique_id": "m", "ds": dates,
                       "forecast": 0.75 * level * np.linspace(1, 0.3, 84)})  # fmt: skip
    out = classify_lifecycle(rows, "D", forecast=fc).iloc[0]
    assert out["next_stage"] == "decline" and dates[7] <= out["next_stage_date"] <= dates[-1]


def test_growth_dated_by_the_shops_finished_launches():
    """Launches of the shop that peaked after about 22 weeks date a 15-week-old riser."""
    done = [product(f"old{i}", 700 - 30 * i, 150 + 5 * i, plateau=60, seed=30 + i) for i in range(5)]
    riser = product("riser", 105, 160, seed=2, promos=False)
    out = classify_lifecycle(pd.concat([*done, riser]), "D").set_index("unique_id")
    assert out.loc["riser", "stage"] == "growth"
    assert out.loc["riser", "next_stage"] == "maturity"
    assert END < out.loc["riser", "next_stage_date"] <= END + pd.Timedelta(days=120)


def test_maturity_dated_by_the_categorys_plateaus():
    """Products of a category whose plateaus lasted 40-50 weeks: a product 30 weeks into
    its plateau declines in about 15 weeks; with no finished products, nothing is said."""
    done = [product(f"old{i}", 900 - 20 * i, 90, plateau=300 + 14 * i, seed=40 + i, promos=False,
                    yearly=0) for i in range(5)]  # fmt: skip
    mature = product("m", 90 + 210, 90, plateau=2000, seed=50, promos=False, yearly=0)
    shop = pd.concat([*done, mature]).assign(category="mugs")
    out = classify_lifecycle(shop, "D").set_index("unique_id")
    assert out.loc["m", "stage"] == "maturity" and out.loc["m", "next_stage"] == "decline"
    assert END + pd.Timedelta(days=28) <= out.loc["m", "next_stage_date"] <= END + pd.Timedelta(days=200)
    alone = classify_lifecycle(mature, "D").iloc[0]
    assert alone["next_stage"] is None and pd.isna(alone["next_stage_date"])
    assert "too few finished products" in alone["reason_en"]


def test_stage_history_agrees_with_last_date(shop, result):
    hist = stage_history(shop, "D")
    last = hist.groupby("unique_id").tail(1).set_index("unique_id")["stage"]
    assert (last == result["stage"]).all()
    assert set(hist["stage"]) <= set(STAGES)
    decline = hist[hist["unique_id"] == "decline"]["stage"]
    order = decline.map({s: i for i, s in enumerate(STAGES)}).to_numpy()
    assert (np.diff(order) >= 0).all()  # never goes backwards
    assert {"maturity", "decline"} <= set(decline) and decline.iloc[0] in ("new", "introduction")


def test_both_tables_from_one_fit_equal_the_two_calls(shop, result, monkeypatch):
    """What the forecast step uses: the same stages and history, curves fitted once."""
    calls, real = [], lifecycle._products
    monkeypatch.setattr(lifecycle, "_products", lambda *a, **k: calls.append(1) or real(*a, **k))
    stages, hist = lifecycle_with_history(shop, "D")
    assert len(calls) == 1
    pd.testing.assert_frame_equal(stages.set_index("unique_id"), result)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(hist, stage_history(shop, "D"))


def test_weekly_data(shop):
    weekly = shop[shop["unique_id"].isin(["mature", "decline"])].copy()
    weekly["ds"] = weekly["ds"].dt.to_period("W-SUN").dt.start_time
    weekly = weekly.groupby(["unique_id", "ds"], as_index=False)[["y", "promo"]].sum()
    out = classify_lifecycle(weekly, "W-MON").set_index("unique_id")["stage"]
    assert out.to_dict() == {"decline": "decline", "mature": "maturity"}


def test_stock_out_is_not_decline():
    rows = product("m", 900, 150, plateau=2000, promos=False, seed=9)
    rows["stock"] = 50.0
    gap = rows["ds"] > END - pd.Timedelta(days=20)
    rows.loc[gap, ["y", "stock"]] = 0.0
    assert classify_lifecycle(rows, "D").loc[0, "stage"] == "maturity"


def test_bad_input():
    with pytest.raises(InputError):
        classify_lifecycle(pd.DataFrame({"ds": [END], "y": [1.0]}), "D")
    rows = product("m", 100, 60)
    with pytest.raises(InputError):
        classify_lifecycle(rows, "D", forecast=pd.DataFrame({"unique_id": ["m"]}))


def test_sample_shop_accuracy():
    stages_path = SAMPLE_PATH.with_name("sample_shop_stages.csv")
    if not SAMPLE_PATH.exists() or not stages_path.exists():
        pytest.skip("sample shop not shipped")
    ds = load_dataset(SAMPLE_PATH)
    runs = pd.read_csv(stages_path, dtype={"商品编码": str}).sort_values("end")
    last = runs.groupby("商品编码").tail(1).set_index("商品编码")
    truth = last["stage"].where(
        (ds.frame["ds"].max() - pd.to_datetime(last["end"])).dt.days <= 90, "inactive"
    )
    out = classify_lifecycle(ds.frame, ds.freq).set_index("unique_id")["stage"]
    assert (out == truth.reindex(out.index)).mean() >= 0.85


def _shop_of_mature(n, days, seed, season=None, end=END):
    """``n`` long-mature products over ``days`` days (optional shared yearly cycle)."""
    parts = []
    for i in range(n):
        rows = product(f"m{i}", days, 150, plateau=5000, seed=seed + i, promos=False, yearly=0)
        rows = rows[rows["ds"] <= end]
        if season is not None:
            rows["y"] = np.random.default_rng(seed + i).poisson(season(rows["ds"]) * rows["y"])
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def test_shop_wide_shutdown_at_the_end_is_not_decline():
    """The Spring Festival shutdown hits every product: pooled, it is the calendar."""
    shop = _shop_of_mature(10, 500, seed=20)
    shut = shop["ds"] > END - pd.Timedelta(days=15)
    shop.loc[shut, "y"] = np.random.default_rng(1).binomial(shop.loc[shut, "y"].astype(int), 0.2)
    stages = classify_lifecycle(shop, "D")["stage"]
    assert (stages == "maturity").all()


def test_seasonal_product_in_its_low_season_is_not_decline():
    """Two years of a flat product whose summer sales are three times its winter's: cut
    as the season falls, it is a mature product in its low season."""
    rng = np.random.default_rng(11)
    days = pd.date_range("2023-11-01", "2025-11-15")
    season = np.exp(0.55 * np.cos(2 * np.pi * (days.dayofyear.to_numpy() - 200) / 365.25))
    rows = pd.DataFrame({"unique_id": "s", "ds": days, "y": rng.poisson(12 * season).astype(float)})
    out = classify_lifecycle(rows, "D").iloc[0]
    assert out["stage"] == "maturity"
    assert "yearly season taken out" in out["reason_en"] and "季节性" in out["reason_zh"]


def test_slow_mover_noise_is_not_decline():
    rng = np.random.default_rng(3)
    days = pd.date_range(END - pd.Timedelta(days=700), END)
    rows = pd.DataFrame({"unique_id": "slow", "ds": days, "y": rng.poisson(0.2, len(days))})
    assert classify_lifecycle(rows, "D").loc[0, "stage"] == "maturity"


def test_sold_out_days_are_censored():
    """Days that end with stock 0 sold what was there, not what was wanted."""
    rows = product("m", 900, 150, plateau=2000, promos=False, seed=9)
    rows["stock"] = 50.0
    tail = rows["ds"] > END - pd.Timedelta(days=30)
    rows.loc[tail, "y"] = np.minimum(rows.loc[tail, "y"], 3.0)
    rows.loc[tail, "stock"] = 0.0
    assert classify_lifecycle(rows, "D").loc[0, "stage"] == "maturity"


def test_too_few_sales_for_a_curve_are_maturity():
    days = pd.date_range(END - pd.Timedelta(days=60), END)
    y = np.zeros(len(days))
    y[[5, 30, 58]] = 1.0
    rows = pd.DataFrame({"unique_id": "rare", "ds": days, "y": y})
    assert classify_lifecycle(rows, "D").loc[0, "stage"] == "maturity"


def test_reason_of_a_plateau_gives_its_share_and_peak_date(result):
    en, zh = result.loc["mature", "reason_en"], result.loc["mature", "reason_zh"]
    share = round(100 * result.loc["mature", "share_of_peak"])
    assert f"{share}% of its peak level" in en and f"{share}%" in zh
    peak = pd.Timestamp(en.split("peak level (")[1][:10])
    assert END - pd.Timedelta(days=900) <= peak <= END
    assert "%" in result.loc["decline", "reason_en"] and "of its peak level" in result.loc["decline", "reason_en"]


def test_slow_mover_drop_to_a_quarter_is_decline_with_the_numbers():
    """A slow mover selling 0.5 a day sells 0.12 a day for its last 4 weeks (3 units
    where 14 were due): clearly below its level, and the reason says by how much."""
    rng = np.random.default_rng(2)
    days = pd.date_range(END - pd.Timedelta(days=700), END)
    lam = np.where(days > END - pd.Timedelta(days=28), 0.12, 0.5)
    rows = pd.DataFrame({"unique_id": "slow", "ds": days, "y": rng.poisson(lam).astype(float)})
    out = classify_lifecycle(rows, "D").iloc[0]
    assert out["stage"] == "decline" and out["share_of_peak"] < 0.75 and out["change_8w"] < -0.1
    assert "of its peak level" in out["reason_en"] and "峰值水平" in out["reason_zh"]


def test_reasons_never_contradict_the_stage():
    """On a shop of the independent test bed every reason follows its stage."""
    bed = make_bed(101, 10)
    out = classify_lifecycle(bed.frame, bed.freq)
    words = {"introduction": "rising", "growth": "rising", "maturity": "of its peak level",
             "decline": "of its peak level"}  # fmt: skip
    for _, row in out[out["stage"].isin(list(words))].iterrows():
        assert words[row["stage"]] in row["reason_en"], row["reason_en"]
        if row["stage"] in ("maturity", "decline"):
            assert "rising" not in row["reason_en"]
        if row["stage"] == "decline":
            assert "flat" not in row["reason_en"] and "within the noise" not in row["reason_en"]


def test_uncounted_stock_out_inside_steady_sales_is_not_decline():
    """No stock column: 18 days without a sale where 20 a day were selling is a stock-out."""
    rows = product("m", 900, 150, plateau=2000, promos=False, seed=12, yearly=0)
    gap = (rows["ds"] > END - pd.Timedelta(days=24)) & (rows["ds"] <= END - pd.Timedelta(days=6))
    rows.loc[gap, "y"] = 0.0
    out = classify_lifecycle(rows, "D").iloc[0]
    assert out["stage"] == "maturity"
    assert "18 days without sales read as sold out" in out["reason_en"]
    assert "18 个天无销售视为缺货" in out["reason_zh"] or "无销售视为缺货" in out["reason_zh"]


def test_quiet_runs_only_where_the_rate_makes_zeros_unlikely():
    y = np.r_[np.full(40, 5.0), np.zeros(5), np.full(40, 5.0)]
    assert quiet_runs(y).sum() == 5
    slow = np.r_[np.full(40, 0.2), np.zeros(5), np.full(40, 0.2)]
    assert quiet_runs(slow).sum() == 0  # at 0.2 a day, 5 quiet days are ordinary
    assert quiet_runs(np.r_[np.full(40, 5.0), np.zeros(2), np.full(40, 5.0)]).sum() == 0


def test_launch_with_a_busy_first_fortnight_is_introduction():
    """Six weeks of rows rising ~13 %/week, the first fortnight at 40 % of today's rate."""
    days = pd.date_range(END - pd.Timedelta(days=41), END)
    y = np.random.default_rng(7).poisson(20 + 1.2 * np.arange(len(days))).astype(float)
    out = classify_lifecycle(pd.DataFrame({"unique_id": "f", "ds": days, "y": y}), "D").iloc[0]
    assert out["stage"] == "introduction" and "rising" in out["reason_en"]


def test_rows_of_a_day_pooled_a_dry_day_left_out_a_missing_day_sold_nothing():
    ds = pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-04"])
    rows = pd.DataFrame({"ds": ds, "y": [1.0, 2, np.nan, 4], "stock": [5.0, 0, np.nan, 1]})
    # one week, Jan 1-7: Jan 1 ran dry (lowest stock 0), Jan 3 has no figure
    r = period_rates(rows, "D", pd.Timestamp("2024-01-07"))
    assert (r.days.tolist(), r.units.tolist()) == ([5.0], [4.0])


def test_plateau_span_runs_through_a_noisy_dip():
    """First to last period near the peak; finished once fallen away after a seen rise."""
    flat = np.r_[np.zeros(8), -0.3, np.zeros(11)]  # a dip under the band (log 0.85 = -0.16)
    rise, fall = np.linspace(-3, 0, 10), np.linspace(0, -1.5, 10)
    assert plateau_span(np.concatenate([rise, flat, fall])) == (9, 31, True)
    assert plateau_span(np.concatenate([rise, flat])) == (9, 30, False)  # still on it
    assert plateau_span(np.concatenate([flat, fall]))[2] is False  # its start unseen


def test_plateau_older_than_every_finished_case_is_called_overdue():
    """The shop's plateaus lasted ~20-30 weeks; one 60 weeks on is overdue. Its sales are
    still flat, so no decline is called inside 8 weeks: the call comes just after."""
    done = [product(f"old{i}", 700 - 20 * i, 90, plateau=150 + 14 * i, seed=60 + i,
                    promos=False, yearly=0) for i in range(5)]  # fmt: skip
    mature = product("m", 90 + 420, 90, plateau=2000, seed=70, promos=False, yearly=0)
    out = classify_lifecycle(pd.concat([*done, mature]), "D").set_index("unique_id").loc["m"]
    assert out["stage"] == "maturity" and out["next_stage"] == "decline"
    assert 60 <= (out["next_stage_date"] - END).days <= 70


def test_overdue_plateau_already_falling_is_called_within_8_weeks():
    """The same shop; this plateau ended 6 weeks ago and its level falls some 5 % a week,
    still near the peak (maturity): the decline is called inside the 8 weeks."""
    done = [product(f"old{i}", 700 - 20 * i, 90, plateau=150 + 14 * i, seed=60 + i,
                    promos=False, yearly=0) for i in range(5)]  # fmt: skip
    falling = product("m", 90 + 420, 90, plateau=420 - 42, seed=70, promos=False, yearly=0)
    out = classify_lifecycle(pd.concat([*done, falling]), "D").set_index("unique_id").loc["m"]
    assert out["stage"] == "maturity" and out["next_stage"] == "decline"
    assert 0 < (out["next_stage_date"] - END).days <= 57


def test_level_stiffness_is_each_products_own():
    """A precise seller's sharp corner keeps the flexible level (a plateau 16 weeks after a
    4-week ramp is mature); an over-dispersed slow seller's level is the stiff one, and a
    refit (as with the shop's calendar) keeps the stiffness chosen the first time."""
    days = pd.date_range("2025-01-01", periods=140)
    ramp = np.clip(0.05 + np.arange(140.0) / 28, 0, 1)
    slow_days = pd.date_range("2025-01-01", periods=224)
    slow_ramp = np.clip(0.05 + np.arange(224.0) / 56, 0, 1)
    for seed in range(3):
        rng = np.random.default_rng(seed)
        sharp = pd.DataFrame({"unique_id": "s", "ds": days, "y": rng.poisson(100 * ramp).astype(float)})
        assert fit_trend(period_rates(sharp, "D", days[-1])).stiffness == 1.0
        assert classify_lifecycle(sharp, "D").loc[0, "stage"] == "maturity"
        noisy = rng.poisson(4 * slow_ramp * rng.gamma(1.5, 1 / 1.5, len(slow_days))).astype(float)
        rates = period_rates(pd.DataFrame({"ds": slow_days, "y": noisy}), "D", slow_days[-1])
        stiff = fit_trend(rates)
        assert stiff.stiffness == STIFFER[-1]
        refit = fit_trend(rates, np.full(len(rates.t), 0.1), stiff.stiffness)
        assert refit.stiffness == stiff.stiffness
        assert np.allclose(refit.level, stiff.level - 0.1, atol=1e-3)  # the calendar's 0.1 moved out
