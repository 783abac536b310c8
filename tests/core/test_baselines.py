"""Tests of the statsforecast baselines on tiny synthetic frames."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from statsforecast import StatsForecast
from statsforecast import models as sfm

from core.errors import CancelledError, InputError, NotFittedError
from core.forecast.models.baselines import (
    BASELINES,
    CrostonForecaster,
    ETSForecaster,
    MSTLForecaster,
    SeasonalNaiveForecaster,
    TSBForecaster,
    make_baseline,
    stl_jumps,
)
from core.periods import default_season, horizon_dates

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
    cols = ["unique_id", "ds", "forecast", "median", "lo_80", "hi_80", "lo_95", "hi_95"]
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
        values = fc[["forecast", "median", "lo_80", "hi_80", "lo_95", "hi_95"]].to_numpy()
        assert np.isfinite(values).all() and (values >= 0).all()
        assert (fc["lo_80"] <= fc["median"]).all() and (fc["median"] <= fc["hi_80"]).all()
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


def test_seasonal_naive_repeats_last_year_from_one_season_on():
    """A weekly product of 70 weeks (over a year, under two) repeats its weeks of a year
    before; one of 55 weeks (a season and 3) falls back to the last value."""
    rng = np.random.default_rng(4)
    dates = pd.date_range("2023-01-01", periods=70, freq="W-SUN")
    y = 20 + 10 * np.sin(np.arange(70) * 2 * np.pi / 52) + rng.integers(0, 5, 70)
    year = pd.DataFrame({"unique_id": "year", "ds": dates, "y": y})
    young = year.tail(55).assign(unique_id="young")
    model = SeasonalNaiveForecaster().fit(pd.concat([year, young]), "W-SUN")
    assert set(model.fallbacks_) == {"young"} and "a season of 52" in model.fallbacks_["young"]
    fc = model.predict(8, LEVELS).set_index("unique_id")
    np.testing.assert_allclose(fc.loc["year", "forecast"], y[18:26])
    np.testing.assert_allclose(fc.loc["young", "forecast"], y[-1])
    assert (fc.loc["year", "hi_95"] > fc.loc["year", "forecast"]).all()


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


# ------------------------------------------------------------ history limit
def _level_shift(n_old: int, n_new: int) -> pd.DataFrame:
    """One product selling ~1000 a day for ``n_old`` days, then ~10 for ``n_new`` days."""
    rng = np.random.default_rng(3)
    week = 1 + 0.2 * np.sin(2 * np.pi * np.arange(n_old + n_new) / 7)
    level = np.r_[np.full(n_old, 1000.0), np.full(n_new, 10.0)]
    y = level * week + rng.normal(0, 0.5, n_old + n_new)
    dates = pd.date_range("2023-01-01", periods=n_old + n_new, freq="D")
    return pd.DataFrame({"unique_id": "a", "ds": dates, "y": y})


def test_max_history_fits_only_the_recent_periods():
    frame = _level_shift(300, 70)
    model = ETSForecaster(model="ANA", max_history=70).fit(frame, "D")
    assert model.history_limit_ == 70 and model.lengths_.iloc[0] == 70
    assert model.history_["y"].max() < 20
    fc = model.predict(14)
    assert fc["forecast"].between(5, 15).all()
    same = ETSForecaster(model="ANA", max_history=None).fit(frame.tail(70), "D").predict(14)
    pd.testing.assert_frame_equal(fc, same)


def test_max_history_limits_mstl_seasons():
    long = make_frame(1, 800, "D", "2020-01-01")
    model = MSTLForecaster(max_history=400).fit(long, "D")
    assert model.plan_.iloc[0] == "mstl:7" and model.lengths_.iloc[0] == 400


def test_auto_settings_follow_the_frequency(daily, weekly):
    ets = ETSForecaster().fit(daily, "D")
    assert (ets.history_limit_, ets.spec_) == (365, "AZA")
    assert ets.get_params() == {
        "season_length": None,
        "model": "auto",
        "max_history": "auto",
        "festivals": True,
        "region": "CN",
        "events_path": None,
    }
    weekly_ets = ETSForecaster().fit(weekly, "W-MON")
    assert (weekly_ets.history_limit_, weekly_ets.spec_) == (None, "ZZZ")
    assert MSTLForecaster().fit(daily, "D").history_limit_ == 4 * 365 + 1
    assert MSTLForecaster().fit(weekly, "W-MON").history_limit_ is None


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "all"])
def test_bad_max_history_raises(bad, daily):
    with pytest.raises(InputError) as err:
        ETSForecaster(max_history=bad).fit(daily, "D")
    assert "max_history" in err.value.en and "max_history" in err.value.zh


@pytest.mark.parametrize("bad", ["XYZ", "ZZ", "NNN", 3])
def test_bad_ets_model_raises(bad, daily):
    with pytest.raises(InputError):
        ETSForecaster(model=bad).fit(daily, "D")


def test_stl_jumps_only_for_long_seasons():
    assert stl_jumps([7, 365]) == {"trend_jump": 18, "low_pass_jump": 18}
    assert stl_jumps([7]) == {} and stl_jumps([12]) == {}


def test_sparse_stl_matches_exact_decomposition():
    t = np.arange(900)
    y = 50 + 10 * np.sin(2 * np.pi * t / 365) + 5 * np.sin(2 * np.pi * t / 7) + 0.02 * t
    y = y + np.random.default_rng(4).normal(0, 1, t.size)
    dates = pd.date_range("2020-01-01", periods=t.size, freq="D")
    frame = pd.DataFrame({"unique_id": "a", "ds": dates, "y": y})
    fc = MSTLForecaster().fit(frame, "D").predict(60)
    exact = sfm.MSTL([7, 365], trend_forecaster=sfm.AutoETS(model="ZNN"), alias="m")
    ref = StatsForecast(models=[exact], freq="D").forecast(h=60, df=frame)["m"].to_numpy()
    np.testing.assert_allclose(fc["forecast"], ref, rtol=0.01)


# --------------------------------------------------- chunks, progress, cancel
def _several(n: int = 5) -> pd.DataFrame:
    return make_frame(n, 40, "D", "2024-01-01", seed=2)


@pytest.mark.parametrize("name", ["ets", "croston"])
def test_chunked_predict_equals_one_call(name):
    frame = _several()
    whole = make_baseline(name).fit(frame, "D").predict(7, LEVELS)
    model = make_baseline(name).fit(frame, "D")
    model.chunk_size = 2
    pd.testing.assert_frame_equal(model.predict(7, LEVELS), whole)


def test_predict_reports_progress_per_chunk():
    events = []
    model = ETSForecaster().fit(_several(), "D", on_progress=events.append)
    model.chunk_size = 2
    model.predict(7)
    assert events[0] == {"stage": "fit", "n_series": 5}
    assert events[1:] == [{"stage": "predict", "done": d, "total": 5} for d in (2, 4, 5)]


def test_cancel_during_predict_stops_after_first_chunk():
    events = []
    started = lambda: any(e["stage"] == "predict" for e in events)  # noqa: E731
    model = ETSForecaster().fit(_several(), "D", on_progress=events.append, should_stop=started)
    model.chunk_size = 2
    with pytest.raises(CancelledError):
        model.predict(7)
    assert [e.get("done") for e in events if e["stage"] == "predict"] == [2]


def test_callables_stay_out_of_params_and_copies():
    model = ETSForecaster(max_history=30)
    model.fit(_several(), "D", on_progress=lambda info: None, should_stop=lambda: False)
    assert model.get_params() == {
        "season_length": None,
        "model": "auto",
        "max_history": 30,
        "festivals": True,
        "region": "CN",
        "events_path": None,
    }
    for clone in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert not hasattr(clone, "_should_stop") and not hasattr(clone, "_on_progress")
        pd.testing.assert_frame_equal(clone.predict(7), model.predict(7))
