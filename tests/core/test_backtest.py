"""Tests of rolling-origin backtests, the leaderboard, demand classes and the auto model."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import core.forecast.auto
from core.errors import CancelledError, InputError
from core.forecast import (
    DEFAULT_INTERMITTENT,
    AutoForecaster,
    Forecaster,
    backtest,
    classify_demand,
    make_model,
    plan_cutoffs,
)
from core.forecast.leaderboard import display_name
from core.forecast.models.baselines import SeasonalNaiveForecaster
from core.periods import horizon_dates

ROOT = Path(__file__).resolve().parents[2]


class LastValueForecaster(Forecaster):
    """Naive forecast (each product's last value, band +-1) that logs what it was given."""

    name = "last"

    def __init__(self, log: list | None = None) -> None:
        super().__init__(log=log)

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        last = frame.sort_values("ds").groupby("unique_id").tail(1)
        self.last_ = last.set_index("unique_id")[["ds", "y"]]
        if self.log is not None:
            self.log.append({"train": frame.copy(), "should_stop": should_stop})

    def _value(self, y: float) -> float:
        return y

    def _predict(self, horizon, levels, future) -> pd.DataFrame:
        if self.log is not None:
            self.log[-1]["future"] = future
        parts = [
            pd.DataFrame(
                {"unique_id": uid, "ds": horizon_dates(ds, horizon, self.freq_), "forecast": y}
            )
            for uid, (ds, y) in self.last_.iterrows()
        ]
        out = pd.concat(parts, ignore_index=True)
        out["forecast"] = out["forecast"].map(self._value)
        for level in levels:
            out[f"lo_{level}"], out[f"hi_{level}"] = out["forecast"] - 1, out["forecast"] + 1
        return out


class ZeroForecaster(LastValueForecaster):
    """A deliberately bad model: always forecasts no sales."""

    name = "zero"

    def _value(self, y: float) -> float:
        return 0.0


class BrokenForecaster(LastValueForecaster):
    name = "broken"

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        raise RuntimeError("boom")


def series(uid: str, y, start: str = "2024-01-01", freq: str = "D", **extra) -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(y), freq=freq)
    return pd.DataFrame({"unique_id": uid, "ds": dates, "y": np.asarray(y, float), **extra})


def weekly_pattern(n: int, level: float = 0.0, noise: float = 0.5, seed: int = 0) -> np.ndarray:
    """A strongly weekly-seasonal daily series (smooth: CV² well under 0.49)."""
    rng = np.random.default_rng(seed)
    pattern = np.array([8, 9, 10, 11, 14, 20, 22], dtype=float) + level
    return np.maximum(np.resize(pattern, n) + rng.normal(0, noise, n), 0)


def intermittent(n: int, seed: int = 1) -> np.ndarray:
    """Sales on about one day in five, of one to three units."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random(n) < 0.2, rng.integers(1, 4, n), 0).astype(float)


@pytest.fixture(scope="module")
def seasonal() -> pd.DataFrame:
    """Three weekly-seasonal products, 84 days (2024-01-01 .. 2024-03-24), with a promo column."""
    return pd.concat(
        [series(f"p{i}", weekly_pattern(84, 3 * i, seed=i), promo=0.0) for i in range(3)],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def board(seasonal):
    models = {"snaive": SeasonalNaiveForecaster, "ets": lambda: make_model("ets"),
              "zero": ZeroForecaster}  # fmt: skip
    return backtest(seasonal, "D", models, horizon=7, folds=3)


# --- folds --------------------------------------------------------------------------------


def test_cutoffs_daily_weekly_monthly_by_hand(seasonal):
    # last date 2024-03-24; windows of 7 days end there: cutoffs 03-17, 03-10, 03-03
    cut = plan_cutoffs(seasonal, "D", horizon=7, folds=3)
    assert cut == list(pd.to_datetime(["2024-03-03", "2024-03-10", "2024-03-17"]))
    cut = plan_cutoffs(seasonal, "D", horizon=7, folds=3, step=3)
    assert cut == list(pd.to_datetime(["2024-03-11", "2024-03-14", "2024-03-17"]))
    weekly = series("w", np.ones(30), freq="W-MON")  # Mondays 2024-01-01 .. 2024-07-22
    cut = plan_cutoffs(weekly, "W-MON", horizon=4, folds=2)
    assert cut == list(pd.to_datetime(["2024-05-27", "2024-06-24"]))
    monthly = series("m", np.ones(24), start="2022-01-01", freq="MS")  # .. 2023-12-01
    cut = plan_cutoffs(monthly, "MS", horizon=3, folds=2, step=1)
    assert cut == list(pd.to_datetime(["2023-08-01", "2023-09-01"]))


def test_training_never_sees_the_scored_actuals(seasonal):
    log: list = []
    stop = lambda: False  # noqa: E731
    result = backtest(
        seasonal, "D", {"last": lambda: LastValueForecaster(log)}, horizon=7, folds=3,
        should_stop=stop,
    )  # fmt: skip
    assert len(log) == 3
    for entry, cutoff in zip(log, result.cutoffs, strict=True):
        assert entry["train"]["ds"].max() == cutoff
        assert entry["should_stop"] is stop
        future = entry["future"]
        assert list(future.columns) == ["unique_id", "ds", "promo"]  # plans, never y
        assert future["ds"].min() == cutoff + pd.Timedelta(days=1)
        assert future["ds"].max() == cutoff + pd.Timedelta(days=7)
    scored = result.forecasts.merge(seasonal, on=["unique_id", "ds"], suffixes=("", "_true"))
    assert len(scored) == 3 * 3 * 7
    np.testing.assert_array_equal(scored["y"], scored["y_true"])
    assert (scored["ds"] > scored["cutoff"]).all()
    no_plans = backtest(
        seasonal, "D", {"last": lambda: LastValueForecaster(log)}, horizon=7, folds=1,
        future=False,
    )  # fmt: skip
    assert log[-1]["future"] is None and len(no_plans.cutoffs) == 1


def test_metrics_pooled_over_folds_by_hand():
    # folds: train [1, 3] -> forecast 3, 3 for [2, 6]; train [1, 3, 2, 6] -> 6, 6 for [4, 9]
    frame = series("a", [1, 3, 2, 6, 4, 9])
    result = backtest(frame, "D", {"last": LastValueForecaster}, horizon=2, folds=2, metric="mae")
    assert result.cutoffs == list(pd.to_datetime(["2024-01-02", "2024-01-04"]))
    np.testing.assert_allclose(result.per_fold["mae"], [2.0, 2.5])  # (1+3)/2, (2+3)/2
    row = result.per_series.iloc[0]
    assert row["n"] == 4 and row["folds"] == 2
    assert row["mae"] == pytest.approx(9 / 4)
    assert row["rmse"] == pytest.approx(math.sqrt((1 + 9 + 4 + 9) / 4))
    # lag-1 scales (history < 8 days): |3-1| = 2, then mean(2, 1, 4) = 7/3
    assert row["mase"] == pytest.approx((1 / 2 + 3 / 2 + 2 / (7 / 3) + 3 / (7 / 3)) / 4)
    # squared scales: 4, then (4+1+16)/3 = 7; fold MSEs 5 and 6.5
    assert row["rmsse"] == pytest.approx(math.sqrt((5 / 4 + 6.5 / 7) / 2))
    assert row["wape"] == pytest.approx(9 / 21)
    assert row["bias"] == pytest.approx(-3 / 21)  # errors 1, -3, 2, -3
    assert row["coverage_80"] == pytest.approx(1 / 4)  # only 2 lies in its [f-1, f+1]
    assert result.leaderboard.loc[0, "mae"] == pytest.approx(9 / 4)


# --- leaderboard and verdict --------------------------------------------------------------


def test_leaderboard_ranks_the_zero_model_last(board):
    lb = board.leaderboard
    assert board.metric == "mase"
    assert list(lb["rank"]) == [1, 2, 3]
    assert lb["model"].iloc[-1] == "zero"
    assert board.winner() in ("snaive", "ets")
    assert (lb["n_series"] == 3).all() and (lb["folds_ok"] == 3).all()
    assert (lb["fit_seconds"] >= 0).all() and (lb["predict_seconds"] > 0).all()
    assert len(board.timings) == 9 and len(board.forecasts) == 3 * 3 * 3 * 7
    assert set(board.per_product_winner()["model"]) <= {"snaive", "ets"}


def test_verdict_names_the_winner_in_both_languages(board):
    names = {"snaive": ("seasonal naive", "季节性朴素法"), "ets": ("ETS", "ETS")}
    en, zh = names[board.winner()]
    assert board.verdict("en").startswith(f"{en} wins on MASE")
    assert "%" in board.verdict("en")
    assert board.verdict("zh").startswith(zh) and "MASE 上最好" in board.verdict("zh")
    data = json.loads(json.dumps(board.to_dict(), allow_nan=False))
    assert data["winner"] == board.winner() and len(data["models"]) == 3
    assert {"fit_seconds", "predict_seconds", "mase", "rank"} <= set(data["models"][0])


def test_verdict_says_whether_the_deep_model_beats_the_best_baseline(seasonal):
    bad = backtest(seasonal, "D", {"lstm": ZeroForecaster, "snaive": SeasonalNaiveForecaster},
                   horizon=7, folds=2)  # fmt: skip
    assert "The LSTM does not beat the best baseline (seasonal naive): MASE" in bad.verdict()
    assert "LSTM 没有胜过最佳基线模型（季节性朴素法）" in bad.verdict("zh")
    good = backtest(seasonal, "D", {"lstm": SeasonalNaiveForecaster, "ets": ZeroForecaster},
                    horizon=7, folds=2)  # fmt: skip
    assert good.verdict().startswith("The LSTM beats the best baseline (ETS) by ")
    assert "% on MASE" in good.verdict()


def test_undefined_metric_is_skipped_and_counted(seasonal):
    frame = pd.concat([seasonal, series("flat", np.full(84, 5.0))], ignore_index=True)
    result = backtest(frame, "D", {"last": LastValueForecaster}, horizon=7, folds=2)
    per = result.per_series.set_index("unique_id")
    assert np.isnan(per.loc["flat", "mase"]) and per.loc["flat", "mae"] == 0
    assert result.leaderboard.loc[0, "n_undefined"] == 1
    assert result.leaderboard.loc[0, "mase"] == pytest.approx(per["mase"].drop("flat").mean())
    winner = result.per_product_winner().set_index("unique_id")
    assert winner.loc["flat", "metric"] == "mae" and winner.loc["p0", "metric"] == "mase"


def test_failing_model_is_recorded_not_fatal(seasonal):
    result = backtest(seasonal, "D", {"broken": BrokenForecaster, "last": LastValueForecaster},
                      horizon=7, folds=2)  # fmt: skip
    assert len(result.failures) == 2 and "boom" in result.failures["error"].iloc[0]
    row = result.leaderboard.set_index("model").loc["broken"]
    assert row["folds_ok"] == 0 and row["failed_folds"] == 2 and pd.isna(row["rank"])
    assert result.winner() == "last"


def test_short_late_and_ended_products_are_left_out_and_reported(seasonal):
    late = series("late", np.ones(10), start="2024-03-15")  # 3 days before the last cutoff
    gone = series("gone", np.ones(30))  # ends 2024-01-30, before every cutoff
    frame = pd.concat([seasonal, late, gone], ignore_index=True)
    result = backtest(frame, "D", {"last": LastValueForecaster}, horizon=7, folds=3)
    ex = result.excluded
    assert set(ex.loc[ex["unique_id"] == "gone", "reason"]) == {"ended"}
    late_rows = ex[ex["unique_id"] == "late"]
    assert list(late_rows["fold"]) == [2] and late_rows["reason"].iloc[0] == "too_short"
    assert late_rows["n_train"].iloc[0] == 0
    scored = result.forecasts.groupby("fold")["unique_id"].unique().map(set)
    assert scored[2] == {"p0", "p1", "p2"} and "late" in scored[3]


def test_a_global_model_also_learns_from_ended_products(seasonal):
    class GlobalLast(LastValueForecaster):
        is_global = True

    gone = series("gone", np.ones(30))
    frame = pd.concat([seasonal, gone], ignore_index=True)
    local_log, global_log = [], []
    factories = {"local": partial(LastValueForecaster, log=local_log),
                 "global": partial(GlobalLast, log=global_log)}  # fmt: skip
    result = backtest(frame, "D", factories, horizon=7, folds=2)
    assert all("gone" not in set(e["train"]["unique_id"]) for e in local_log)
    assert all("gone" in set(e["train"]["unique_id"]) for e in global_log)
    assert "gone" not in set(result.forecasts["unique_id"])


# --- errors, progress, cancel -------------------------------------------------------------


def test_too_short_data_is_refused_with_the_folds_that_fit():
    frame = series("a", np.arange(10.0))
    with pytest.raises(InputError) as info:
        backtest(frame, "D", {"last": LastValueForecaster}, horizon=7, folds=3)
    assert "at most 1 fold" in info.value.en and "最多只能做 1 折" in info.value.zh
    with pytest.raises(InputError) as info:
        backtest(frame, "D", {"last": LastValueForecaster}, horizon=9, folds=1)
    assert "horizon can be at most 8" in info.value.en
    with pytest.raises(InputError):
        backtest(frame, "D", {"last": LastValueForecaster}, horizon=0)
    with pytest.raises(InputError):
        backtest(frame, "D", {"last": LastValueForecaster}, horizon=2, metric="accuracy")


def test_progress_and_cancel_between_units(seasonal):
    seen: list = []
    backtest(seasonal, "D", {"a": LastValueForecaster, "b": ZeroForecaster}, horizon=7,
             folds=2, on_progress=seen.append)  # fmt: skip
    assert [(d["model"], d["fold"], d["done"]) for d in seen] == [
        ("a", 1, 1), ("b", 1, 2), ("a", 2, 3), ("b", 2, 4),
    ]  # fmt: skip
    assert seen[0] | {"done": 0} == {"stage": "backtest", "model": "a", "fold": 1, "folds": 2,
                                     "done": 0, "total": 4}  # fmt: skip
    seen.clear()
    with pytest.raises(CancelledError):
        backtest(seasonal, "D", {"a": LastValueForecaster, "b": ZeroForecaster}, horizon=7,
                 folds=2, on_progress=seen.append, should_stop=lambda: len(seen) >= 1)  # fmt: skip
    assert len(seen) == 1
    with pytest.raises(CancelledError):
        AutoForecaster(candidates=("snaive",)).fit(seasonal, "D", should_stop=lambda: True)


class ChattyForecaster(LastValueForecaster):
    """Reports one made-up epoch per fit, with the number of products it was given."""

    name = "chatty"

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        super()._fit(frame, freq)
        if on_progress is not None:
            on_progress({"stage": "train", "epoch": 1, "n": int(frame["unique_id"].nunique())})


def test_fit_progress_reaches_the_caller_tagged_with_model_and_fold(seasonal):
    seen: list = []
    backtest(seasonal, "D", {"c": ChattyForecaster, "a": LastValueForecaster}, horizon=7,
             folds=2, fit_progress=seen.append)  # fmt: skip
    assert seen == [{"stage": "train", "epoch": 1, "n": 3, "model": "c", "fold": 1},
                    {"stage": "train", "epoch": 1, "n": 3, "model": "c", "fold": 2}]  # fmt: skip


# --- demand classes -----------------------------------------------------------------------


def test_classify_demand_by_hand():
    frame = pd.concat(
        [
            series("smooth", [5, 6] * 4),  # ADI 1, CV² (0.5/5.5)² = 0.0083
            series("intermittent", [0, 0, 2, 0, 0, 2, 0, 4]),  # ADI 6/3 = 2, CV² 1/8
            series("erratic", [1, 10] * 4),  # ADI 1, CV² (4.5/5.5)² = 0.669
            series("lumpy", [0, 0, 1, 0, 0, 10, 0, 0]),  # ADI 6/2 = 3, CV² 0.669
            series("never", np.zeros(8)),
        ],
        ignore_index=True,
    )
    out = classify_demand(frame).set_index("unique_id")
    assert out["kind"].to_dict() == {
        "erratic": "erratic", "intermittent": "intermittent", "lumpy": "lumpy",
        "never": "no_sales", "smooth": "smooth",
    }  # fmt: skip
    assert out.loc["intermittent", "adi"] == pytest.approx(2.0)
    assert out.loc["intermittent", "cv2"] == pytest.approx(1 / 8)
    assert out.loc["smooth", "cv2"] == pytest.approx((0.5 / 5.5) ** 2)
    assert out.loc["lumpy", "adi"] == pytest.approx(3.0)
    assert out.loc["lumpy", "cv2"] == pytest.approx((4.5 / 5.5) ** 2)
    assert np.isnan(out.loc["never", "adi"])


# --- the auto model -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    return pd.concat(
        [series("weekly", weekly_pattern(112)), series("slow", intermittent(112))],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def auto(mixed):
    # croston first among the smooth candidates: it would win every tie, so it has to lose
    return make_model("auto", candidates=("croston", "ets", "snaive")).fit(mixed, "D")


def test_auto_picks_a_model_family_per_demand_pattern(auto):
    choice = auto.choice_.set_index("unique_id")
    assert choice.loc["slow", "kind"] == "intermittent"
    # chosen among the intermittent candidates (LightGBM, trained on the group, included)
    assert choice.loc["slow", "model"] in DEFAULT_INTERMITTENT
    board = auto.backtests_["intermittent"].leaderboard
    assert set(board["model"]) == set(DEFAULT_INTERMITTENT)
    assert choice.loc["slow", "metric"] == "total"  # chosen by its horizon totals
    assert choice.loc["weekly", "kind"] == "smooth"
    assert choice.loc["weekly", "model"] in ("snaive", "ets")
    assert choice.loc["weekly", "score"] < choice.loc["weekly", "runner_up_score"]
    assert set(auto.backtests_) == {"smooth", "intermittent"}
    assert auto.get_params()["candidates"] == ("croston", "ets", "snaive")


class FlatRate(LastValueForecaster):
    """The product's mean daily sales every day: right in total, wrong on every day."""

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        super()._fit(frame, freq)
        self.rate_ = frame.groupby("unique_id")["y"].mean()

    def _predict(self, horizon, levels, future) -> pd.DataFrame:
        out = super()._predict(horizon, levels, future)
        return out.assign(forecast=out["unique_id"].map(self.rate_).to_numpy())


class ShortOnSaleDays(FlatRate):
    """The sale days right but each 20 % short: the better daily fit, the totals too low."""

    def _predict(self, horizon, levels, future) -> pd.DataFrame:
        out = super()._predict(horizon, levels, future)
        sale_day = (out["ds"] - pd.Timestamp("2024-01-01")).dt.days % 3 == 0
        return out.assign(forecast=np.where(sale_day, 0.8 * 3 * out["forecast"], 0.0))


def test_slow_sellers_are_chosen_by_their_horizon_totals():
    # six units every third day: RMSSE prefers the model that knows the sale days, the
    # operator the one whose 28-day totals match what the stock has to cover
    frame = series("slow", np.tile([6.0, 0.0, 0.0], 60))
    stand_in = {"croston": ShortOnSaleDays, "tsb": FlatRate}
    chosen = {}
    for metric in ("total", "rmsse"):
        model = AutoForecaster(candidates=("snaive",), intermittent_candidates=("croston", "tsb"),
                               intermittent_metric=metric)  # fmt: skip
        model._factory = lambda name: stand_in[name]
        model.fit(frame, "D")
        chosen[metric] = model.choice_.iloc[0]
    by_total, by_rmsse = chosen["total"], chosen["rmsse"]
    assert by_total["model"] == "tsb" and by_total["metric"] == "total"
    # mean over the two folds of |sum of forecasts - sum of actuals|: a 28-day window holds
    # 9 or 10 sale days (54 or 60 units) against the flat rate's 56, and 20 % of them short
    # for the other
    assert by_total["score"] < 4.5
    assert by_total["runner_up"] == "croston" and 10 <= by_total["runner_up_score"] <= 12.5
    assert by_rmsse["model"] == "croston" and by_rmsse["metric"] == "rmsse"


def test_auto_predict_follows_the_contract(auto, mixed):
    fc = auto.predict(14, levels=(80, 95))
    assert list(fc.columns) == ["unique_id", "ds", "forecast", "median", "lo_80", "hi_80",
                                "lo_95", "hi_95"]  # fmt: skip
    assert fc.groupby("unique_id").size().to_dict() == {"slow": 14, "weekly": 14}
    assert (fc.iloc[:, 2:].to_numpy() >= 0).all()
    weekly = fc[fc["unique_id"] == "weekly"]
    assert list(weekly["ds"]) == list(horizon_dates(mixed["ds"].max(), 14, "D"))


def test_auto_falls_back_when_the_winner_fails_on_the_full_history(mixed, monkeypatch):
    end = mixed["ds"].max()

    class FailsOnFullHistory(SeasonalNaiveForecaster):
        def _fit(self, frame, freq, **kwargs):
            if frame["ds"].max() >= end:  # only the final fit reaches the last date
                raise RuntimeError("out of memory")
            super()._fit(frame, freq, **kwargs)

    real = core.forecast.auto.make_base_model
    fake = lambda name, **kw: FailsOnFullHistory() if name == "snaive" else real(name, **kw)  # noqa: E731
    monkeypatch.setattr(core.forecast.auto, "make_base_model", fake)
    model = AutoForecaster(candidates=("snaive", "croston"), intermittent_candidates=("tsb",))
    weekly = mixed[mixed["unique_id"] == "weekly"]
    model.fit(weekly, "D")
    row = model.choice_.iloc[0]
    assert row["model"] == "croston" and row["runner_up"] == "croston"
    assert "snaive failed" in model.fallbacks_["weekly"] and "out of memory" in row["reason"]
    assert len(model.predict(7)) == 7


def test_auto_on_too_short_data_uses_the_first_baseline():
    model = AutoForecaster(candidates=("lstm", "ets", "snaive")).fit(series("a", [1, 2, 3]), "D")
    row = model.choice_.iloc[0]
    assert row["model"] == "ets" and "too few" in row["reason"]
    assert len(model.predict(2)) == 2


def test_importing_the_backtest_does_not_import_keras():
    code = "import sys, core.forecast.backtest, core.forecast.auto; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_verdict_says_plainly_when_every_model_is_poor_or_biased(seasonal):
    """On the weekly-pattern products a zero forecast and the last value both miss by far
    more than the seasonal naive's own in-sample error: the best MASE is above 1.5, and the
    verdict says so, and that the zero forecast runs 100% low, not only who ranks first;
    a seasonal naive near MASE 1 and unbiased draws neither warning."""
    result = backtest(seasonal, "D", {"lstm": ZeroForecaster, "last": LastValueForecaster},
                      horizon=7, folds=2)  # fmt: skip
    mase = result.leaderboard.set_index("model")["mase"]
    assert (mase > 1.5).all()
    text = result.verdict("en")
    best = display_name(result.ranked("mase")["model"].iloc[0])
    assert f"Every model is poor here: the best MASE is {mase.min():.2f} ({best})" in text
    assert f"{mase.min():.1f} times a seasonal naive" in text
    assert "The LSTM is biased: its forecasts run 100% low on average." in text
    zh = result.verdict("zh")
    assert "所有模型在这里都不理想" in zh and "LSTM 有系统偏差：预测平均偏低 100%" in zh
    good = backtest(seasonal, "D", {"snaive": SeasonalNaiveForecaster, "last": LastValueForecaster},
                    horizon=7, folds=2)  # fmt: skip
    assert "poor" not in good.verdict() and "biased" not in good.verdict()


def test_auto_scales_a_model_by_its_inner_backtest_bias():
    """Thirty products growing 0.5 % a day: seasonal naive repeats last week, so over 28 days
    it falls some 9 % short, in the inner folds as after the cut. auto carries its forecasts
    up by that share (shrunk for 30 products: 30 / 50 of it) and says so; calibrate=False
    leaves them."""
    days = pd.date_range("2025-01-01", periods=280)
    rng = np.random.default_rng(5)
    rows = [pd.DataFrame({"unique_id": f"p{i}", "ds": days,
                          "y": rng.poisson(40 * 1.005 ** np.arange(280)).astype(float)})
            for i in range(30)]  # fmt: skip
    frame = pd.concat(rows, ignore_index=True)
    history, future = frame[frame["ds"] < days[-28]], frame[frame["ds"] >= days[-28]]
    totals = {}
    for calibrate in (True, False):
        model = AutoForecaster(candidates=("snaive",), calibrate=calibrate).fit(history, "D")
        fc = model.predict(28, levels=(80,))
        totals[calibrate] = fc["forecast"].sum() / future["y"].sum()
        scale = model.choice_["scale"]
        assert scale.nunique() == 1
        if calibrate:
            # the inner folds' shortfall, 30 / (30 + 20) of it: 1 + 0.6 x (about 0.09)
            assert 1.03 < scale.iloc[0] < 1.08
            assert (fc["hi_80"] >= fc["forecast"]).all()
        else:
            assert scale.iloc[0] == 1.0
    assert totals[False] < 0.93  # seasonal naive alone: some 9 % short
    assert abs(totals[True] - 1) < abs(totals[False] - 1) - 0.03
