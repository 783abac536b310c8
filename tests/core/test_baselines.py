"""Tests of the statsforecast baselines on tiny synthetic frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError, NotFittedError
from core.models.baselines import (
    BASELINES,
    CrostonForecaster,
    ETSForecaster,
    MSTLForecaster,
    SeasonalNaiveForecaster,
    TSBForecaster,
    default_season,
    make_baseline,
)
from core.periods import horizon_dates

LEVELS = (80, 95)
NAMES = sorted(BASELINES)


def make_frame(n_series: int, n_periods: int, freq: str, start: str, seed: int = 0):
    """Positive series with a weekly-ish pattern, noise and an extra feature column."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=n_periods, freq=freq)
    rows = []
    for i in range(n_series):
        pattern = 10 + 3 * np.sin(2 * np.pi * np.arange(n_periods) / 7) + i
        y = np.maximum(pattern + rng.normal(0, 1, n_periods), 0)
        rows.append(pd.DataFrame({"unique_id": f"p{i}", "ds": dates, "y": y, "price": 9.9}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def daily():
    return make_frame(3, 70, "D", "2024-01-01")


@pytest.fixture(scope="module")
def weekly():
    return make_frame(2, 110, "W-MON", "2021-01-04", seed=1)


@pytest.fixture(scope="module")
def daily_fc(daily):
    """Fitted model and its 14-day forecast at two levels, per baseline name."""
    out = {}
    for name in NAMES:
        model = make_baseline(name).fit(daily, "D")
        out[name] = (model, model.predict(14, levels=LEVELS))
    return out


@pytest.fixture(scope="module")
def weekly_fc(weekly):
    return {name: make_baseline(name).fit(weekly, "W-MON").predict(8, LEVELS) for name in NAMES}


def check_dates(fc: pd.DataFrame, history: pd.DataFrame, horizon: int, freq: str) -> None:
    for uid, part in fc.groupby("unique_id"):
        last = history.loc[history["unique_id"] == uid, "ds"].max()
        expected = horizon_dates(last, horizon, freq)
        assert list(part["ds"]) == list(expected)


@pytest.mark.parametrize("name", NAMES)
def test_predict_before_fit_raises(name):
    with pytest.raises(NotFittedError):
        make_baseline(name).predict(3)


def _daily_small():
    return make_frame(1, 30, "D", "2024-03-01")


@pytest.mark.parametrize("name", NAMES)
def test_fit_returns_self_and_params_round_trip(name):
    model = make_baseline(name)
    assert model.fit(_daily_small(), "D") is model
    clone = BASELINES[name](**model.get_params())
    assert clone.get_params() == model.get_params()


@pytest.mark.parametrize("name", NAMES)
def test_output_shape_and_daily_dates(name, daily, daily_fc):
    _, fc = daily_fc[name]
    cols = ["unique_id", "ds", "forecast", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert list(fc.columns) == cols
    assert len(fc) == 3 * 14
    check_dates(fc, daily, 14, "D")


@pytest.mark.parametrize("name", NAMES)
def test_weekly_dates_continue(name, weekly, weekly_fc):
    fc = weekly_fc[name]
    assert len(fc) == 2 * 8
    check_dates(fc, weekly, 8, "W-MON")


@pytest.mark.parametrize("name", NAMES)
def test_bands_ordered_and_nested(name, daily_fc, weekly_fc):
    for fc in (daily_fc[name][1], weekly_fc[name]):
        values = fc[["forecast", "lo_80", "hi_80", "lo_95", "hi_95"]].to_numpy()
        assert np.isfinite(values).all() and (values >= 0).all()
        assert (fc["lo_80"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["hi_80"]).all()
        assert (fc["lo_95"] <= fc["lo_80"]).all() and (fc["hi_80"] <= fc["hi_95"]).all()


def test_seasonal_naive_repeats_last_week():
    pattern = np.array([1, 5, 2, 8, 3, 0, 4], dtype=float)
    dates = pd.date_range("2024-01-01", periods=28, freq="D")
    frame = pd.DataFrame({"unique_id": "a", "ds": dates, "y": np.tile(pattern, 4)})
    fc = SeasonalNaiveForecaster().fit(frame, "D").predict(14)
    np.testing.assert_allclose(fc["forecast"], np.tile(pattern, 2))


def test_ets_constant_series():
    dates = pd.date_range("2024-01-01", periods=40, freq="D")
    frame = pd.DataFrame({"unique_id": "a", "ds": dates, "y": 4.0})
    fc = ETSForecaster().fit(frame, "D").predict(10)
    np.testing.assert_allclose(fc["forecast"], 4.0, atol=1e-6)


@pytest.mark.parametrize("model", [CrostonForecaster(), TSBForecaster()], ids=["croston", "tsb"])
def test_intermittent_rate(model):
    y = np.zeros(80)
    y[[5, 17, 30, 41, 55, 70, 77]] = [3, 1, 4, 2, 5, 1, 2]
    dates = pd.date_range("2024-01-01", periods=80, freq="D")
    fc = model.fit(pd.DataFrame({"unique_id": "a", "ds": dates, "y": y}), "D").predict(10)
    assert (fc["forecast"] > 0).all() and (fc["forecast"] < y.max()).all()


def test_short_series_fall_back(daily):
    short = make_frame(1, 10, "D", "2024-02-01").assign(unique_id="short")
    tiny = make_frame(1, 3, "D", "2024-02-01").assign(unique_id="tiny")
    frame = pd.concat([daily, short, tiny], ignore_index=True)
    snaive = SeasonalNaiveForecaster().fit(frame, "D")
    assert set(snaive.fallbacks_) == {"short", "tiny"}
    ets = ETSForecaster().fit(frame, "D")
    assert "non-seasonal ETS" in ets.fallbacks_["short"]
    assert "mean" in ets.fallbacks_["tiny"]
    assert set(MSTLForecaster().fit(frame, "D").fallbacks_) == {"short", "tiny"}
    croston = CrostonForecaster().fit(frame, "D")
    fc = croston.predict(14, levels=LEVELS)
    assert set(croston.interval_fallbacks_) == {"short", "tiny"}
    assert fc.groupby("unique_id").size().eq(14).all()
    for model in (snaive, ets):
        assert model.predict(14, LEVELS)[["forecast", "lo_95", "hi_95"]].notna().all().all()


def test_mstl_yearly_season_only_with_two_years():
    long = make_frame(1, 800, "D", "2020-01-01")
    model = MSTLForecaster().fit(long, "D")
    assert model.plan_.iloc[0] == "mstl:7,365" and not model.fallbacks_
    assert MSTLForecaster().fit(long.tail(400), "D").plan_.iloc[0] == "mstl:7"


def test_default_season():
    assert [default_season(f) for f in ("D", "W-MON", "W-SUN", "MS", "h")] == [7, 52, 52, 12, 1]


def test_unknown_name_and_method():
    with pytest.raises(InputError) as err:
        make_baseline("prophet")
    assert "prophet" in err.value.en and "未知" in err.value.zh
    with pytest.raises(InputError):
        CrostonForecaster(method="bogus").fit(_daily_small(), "D")
