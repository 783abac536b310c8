"""The ``ensemble`` model (LSTM + LightGBM + best statistical model) on a generated shop
and the bundled sample shop, with a tiny LSTM and a short LightGBM."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.errors import CancelledError, InputError, NotFittedError
from core.forecast import (
    DEFAULT_CANDIDATES,
    MODEL_NAMES,
    AutoForecaster,
    EnsembleForecaster,
    TrainSettings,
    evaluate,
    load_forecaster,
    make_model,
    save_forecaster,
    summarize,
)
from core.forecast.models.ensemble import combine_forecasts
from core.sample import SAMPLE_PATH
from tests.core.test_cli import run_cli
from tests.core.test_lgbm import seasonal_shop, split

TINY = {"units": 8, "lookback": 14, "horizon": 14, "epochs": 3, "windows_per_epoch": 256,
        "batch_size": 64, "patience": 2, "random_state": 3}  # fmt: skip
FAST = {"n_estimators": 40, "n_jobs": 1}
MEMBERS = {"lstm": TINY, "lgbm": FAST}
HOLDOUT = 14
#: Weighted, so the inner validation scores every member (the median needs only the stats).
FIT = {"member_params": MEMBERS, "combine": "weighted"}


@pytest.fixture(scope="module")
def shop():
    return split(seasonal_shop(n_series=6, days=400), HOLDOUT)


@pytest.fixture(scope="module")
def fitted(shop):
    history, _ = shop
    events = []
    model = EnsembleForecaster(**FIT).fit(history, "D", on_progress=events.append)
    return model, model.predict(HOLDOUT, levels=(80, 95)), events


def mase(forecast, shop) -> float:
    history, holdout = shop
    return float(summarize(evaluate(forecast, holdout, history, 7, levels=()))["mase"])


def test_registered_for_the_cli_auto_the_settings_and_the_form():
    assert "ensemble" in MODEL_NAMES and "ensemble" in DEFAULT_CANDIDATES
    assert isinstance(make_model("ensemble"), EnsembleForecaster)
    built = TrainSettings(model="ensemble", epochs=5, random_state=7).factory("ensemble", "D")()
    assert built.member_params["lstm"]["epochs"] == 5
    assert built.member_params["lgbm"]["random_state"] == 7
    auto = TrainSettings(model="auto", epochs=5).factory("auto", "D")()
    assert auto.model_params["ensemble"]["member_params"]["lstm"]["epochs"] == 5


def test_predict_before_fit_and_bad_settings_raise(shop):
    with pytest.raises(NotFittedError):
        EnsembleForecaster().predict(7)
    for bad in ({"combine": "vote"}, {"weighting": "global"}, {"members": ("lgbm", "lgbm")}):
        with pytest.raises(InputError):
            EnsembleForecaster(**bad).fit(shop[0], "D")


def test_forecast_columns_non_negative_and_bands_in_order(fitted, shop):
    model, fc, _ = fitted
    assert list(fc.columns) == ["unique_id", "ds", "forecast", "median",
                                "lo_80", "hi_80", "lo_95", "hi_95"]  # fmt: skip
    assert fc.groupby("unique_id").size().eq(HOLDOUT).all() and fc["unique_id"].nunique() == 6
    assert fc["ds"].min() == shop[1]["ds"].min()
    values = fc.iloc[:, 2:].to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all()
    order = fc[["lo_95", "lo_80", "median", "hi_80", "hi_95"]].to_numpy()
    assert (np.diff(order, axis=1) >= -1e-9).all()
    assert {u["member"] for u in model.members_} == {"lstm", "lgbm", "stats"}
    assert model.validation_ == "ok" and not model.failures_


def test_weights_follow_the_backtest_errors(fitted):
    model, _, _ = fitted
    w = model.weights()
    assert list(w.columns) == ["lstm", "lgbm", "stats"]
    assert np.allclose(w.sum(axis=1), 1.0) and (w.to_numpy() > 0).all()
    scores = model.scores_.set_index("unique_id")[["lstm", "lgbm", "stats"]]
    assert scores.notna().all().all()
    # over the products the member with the lowest error gets the most weight
    assert w.mean().idxmax() == scores.mean().idxmin()
    assert w.mean().idxmin() == scores.mean().idxmax()
    model.weighting = "group"  # the group's weights: the same for every product
    try:
        assert np.allclose(model.weights().std(), 0.0)
    finally:
        model.weighting = "product"
    assert set(model.stat_choice_["model"]) <= {"ets", "snaive"}


def test_combinations_are_column_by_column():
    keys = {"unique_id": ["a", "a"], "ds": pd.to_datetime(["2024-01-01", "2024-01-02"])}
    frames = {n: pd.DataFrame({**keys, "forecast": [v, v + 1]}) for n, v in
              (("x", 1.0), ("y", 4.0), ("z", 10.0))}  # fmt: skip
    frames["z"] = frames["z"].iloc[:1]  # z has no forecast for the second day
    med = combine_forecasts(frames, None, "median", ["forecast"])
    assert med["forecast"].tolist() == [4.0, 3.5]
    weights = pd.DataFrame({"x": [0.5], "y": [0.25], "z": [0.25]}, index=["a"])
    got = combine_forecasts(frames, weights, "weighted", ["forecast"])["forecast"].tolist()
    assert got == pytest.approx([0.5 * 1 + 0.25 * 4 + 0.25 * 10, (0.5 * 2 + 0.25 * 5) / 0.75])


def test_no_worse_than_the_worst_member_and_near_the_best(fitted, shop):
    """Measured (seed 3): members 0.76 / 0.59 / 0.63, weighted 0.58, median 0.56."""
    model, fc, _ = fitted
    members = {n: mase(f, shop) for n, f in model.member_forecasts(HOLDOUT).items()}
    ensemble = mase(fc, shop)
    assert ensemble < max(members.values()) - 0.05
    assert ensemble <= min(members.values()) * 1.05
    model.combine = "median"
    try:
        assert mase(model.predict(HOLDOUT), shop) <= min(members.values()) * 1.05
    finally:
        model.combine = "weighted"


def test_progress_reports_the_steps_and_member_epochs(fitted):
    _, _, events = fitted
    steps = [(e["step"], e["model"]) for e in events if e.get("stage") == "ensemble"]
    assert ("validate", "lstm") in steps and ("fit", "stats") in steps
    fits = [e for e in events if e.get("step") == "fit"]
    assert fits[-1]["done"] == fits[-1]["total"]
    assert any(e.get("stage") == "train" and e.get("member") == "lstm" for e in events)


def test_cancel_stops_the_fit(shop):
    calls = iter(range(1000))
    with pytest.raises(CancelledError):
        EnsembleForecaster(**FIT).fit(
            shop[0], "D", should_stop=lambda: next(calls) >= 3)


def test_the_same_seed_gives_the_same_forecast(fitted, shop):
    """The default (median) refitted gives the fitted members' median to the last digit,
    and validates only the statistical candidates."""
    model, _, _ = fitted
    again = EnsembleForecaster(member_params=MEMBERS).fit(shop[0], "D")
    assert again.combine == "median" and again.scores_["lstm"].isna().all()
    assert again.scores_["stats"].notna().all()
    model.combine = "median"
    try:
        expected = model.predict(HOLDOUT, levels=(80, 95))
    finally:
        model.combine = "weighted"
    pd.testing.assert_frame_equal(again.predict(HOLDOUT, levels=(80, 95)), expected)


def test_save_and_load_give_identical_forecasts(fitted, tmp_path):
    model, fc, _ = fitted
    folder = save_forecaster(model, tmp_path / "ens")
    meta = json.loads((folder / "skucast_model.json").read_text("utf-8"))
    assert meta["name"] == "ensemble" and (folder / "members" / "0").is_dir()
    loaded = load_forecaster(folder)
    assert isinstance(loaded, EnsembleForecaster)
    pd.testing.assert_frame_equal(loaded.predict(HOLDOUT, levels=(80, 95)), fc)
    pd.testing.assert_frame_equal(loaded.weights(), model.weights())


def test_auto_can_choose_the_ensemble():
    history = seasonal_shop(n_series=4, days=400)
    ens = {"members": ("lgbm", "stats"), "member_params": {"lgbm": FAST}}
    auto = AutoForecaster(candidates=("ensemble", "snaive"), folds=1,
                          model_params={"ensemble": ens}).fit(history, "D")  # fmt: skip
    assert "ensemble" in set(auto.backtests_["smooth"].leaderboard["model"])
    assert "ensemble" in set(auto.choice_["model"])
    fc = auto.predict(7)
    assert fc["unique_id"].nunique() == 4 and (fc["forecast"] >= 0).all()


def test_cli_backtest_with_the_ensemble(tmp_path):
    params = tmp_path / "tiny.json"
    tiny = {k: v for k, v in TINY.items() if k not in ("horizon", "random_state")}
    params.write_text(json.dumps({"schema_version": 1, "params": tiny}), "utf-8")
    proc = run_cli("backtest", SAMPLE_PATH, "--models", "ensemble,snaive", "--horizon", "14",
                   "--folds", "1", "--params", params, "--lang", "en")  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ensemble" in proc.stdout and "snaive" in proc.stdout
