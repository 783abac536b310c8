"""The global gradient-boosting forecaster (``lgbm``): one LightGBM model for all products.

What it learns from
-------------------
Every product's sales are divided by its own scale (mean sales over its last year), so
big and small products share one model; the target of a row is that scaled sale. The
inputs of a row are the scaled sales before it (lags, rolling means, the same weekday of
the last four weeks, the week around a year ago: :mod:`core.forecast.models.lgbm_features`)
and what is known in advance (calendar with day of week, month, day and week of year;
public holidays and shopping festivals of :mod:`core.festivals`; promotion and price
where the data has them; category and brand, as categorical features; product age:
:mod:`core.forecast.features`). With ``relative=True`` a row's sales features and its
target are read against the product's level just before it instead (a season's lift
then lands on today's level, not last year's).

Forecasting: recursive
----------------------
One model forecasts one period ahead; for the next period its forecast is written into
the sales as if it had been observed and the lags are read again. Recursive rather than
direct because :meth:`predict` takes any horizon after :meth:`fit` (direct forecasting
would need one model per horizon step, fixed at fit time: 90 models for a 90-day
holdout) and because the weekly and yearly lags (7..28, 364 days) reach past most
horizons, so the fed-back forecasts weigh little.

``forecast``, ``median`` and the intervals
-------------------------------------------
``forecast`` is the model's expected value: the ``tweedie`` objective (default; sales
are non-negative with many zeros and a long right tail, and its log link never predicts
below zero) or ``poisson`` or ``regression`` (squared error, clipped at zero). The median
and the bands come from *conformal* intervals: :meth:`fit` first trains the same model on
the history less its last ``calibration_horizon`` periods, forecasts those periods
recursively and keeps the errors, each divided by the product's scale and its dispersion
(mean absolute period-to-period change, scaled), so that errors of quiet and jumpy
products pool into one distribution per horizon step (neighbouring steps pooled too).
A forecast's band is ``forecast + scale * dispersion * q``, ``q`` that step's error
quantile; the median is the same at ``q`` of 0.5, so it sits below the mean where errors
are skewed. Beyond the calibrated steps the last step's errors are used. Quantile models
were not used: the levels are chosen at ``predict`` time, and a one-step quantile model
fed its own forecasts does not widen with the horizon; the backtest errors do.

Then the whole history trains the model that forecasts. Training is deterministic for a
``random_state`` and ``n_jobs`` (LightGBM's ``deterministic`` mode, row-wise histograms).
``should_stop`` is checked and progress reported (``{"stage": "train", "epoch":
boosting round, ...}``) between boosting rounds. LightGBM is imported only when a model
is fitted or loaded (:func:`core.lazy.load`); the model saves as LightGBM's text format.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from core import lazy
from core.errors import CancelledError, InputError
from core.forecast.features import FeatureConfig, build_features, future_frame
from core.forecast.models.base import Forecaster
from core.forecast.models.lgbm_bands import band_quantiles, band_width, in_sample_quantiles
from core.forecast.models.lgbm_features import (
    LagSpec,
    SalesPanel,
    default_spec,
    dispersion,
    known_columns,
    lag_features,
    product_scale,
    row_level,
    with_day_of_year,
)
from core.forecast.models.lstm import default_window
from core.forecast.models.lstm_inputs import history_columns, series_table
from core.periods import default_season

__all__ = ["LGBMForecaster", "booster_from_text", "lightgbm", "recursive"]

#: Feature groups of :mod:`core.forecast.features` the trees may use (past sales always).
KNOWN_GROUPS = ("calendar", "holidays", "promo_price", "static", "age")
#: Horizon steps pooled on each side of a step, by season length (a week of days).
_POOL = {7: 3, 52: 1, 12: 0}
#: Boosting rounds between two progress reports.
_REPORT_EVERY = 10
_OBJECTIVES = ("tweedie", "poisson", "regression")


def lightgbm():
    """LightGBM, imported on first use through :func:`core.lazy.load`."""
    return lazy.load("lightgbm")


def booster_from_text(text: str):
    """A LightGBM booster from its text format (:meth:`Booster.model_to_string`)."""
    return lightgbm().Booster(model_str=text)


class LGBMForecaster(Forecaster):
    """Global LightGBM forecaster (see module doc).

    Parameters
    ----------
    objective : {"tweedie", "poisson", "regression"}
        Loss of the mean forecast.
    n_estimators, learning_rate, num_leaves, min_data_in_leaf : int / float
        Boosting rounds, shrinkage, leaves per tree, fewest rows per leaf.
    feature_fraction, bagging_fraction : float
        Share of features per tree and of rows per round.
    tweedie_variance_power : float
        Between 1 (Poisson) and 2 (gamma).
    lags, windows : tuple of int, optional
        Sales lags and rolling-mean windows in periods (default by frequency:
        :func:`~core.forecast.models.lgbm_features.default_spec`).
    calibration_horizon : int, optional
        Periods held out for the conformal intervals; ``None``: 28 days, 8 weeks or 3
        months; 0: no calibration fit (bands from the training errors, too narrow).
    calibration_windows : int
        Consecutive held-out windows of ``calibration_horizon`` periods, one fit each;
        their errors pool (fewer where the history is too short).
    max_history : int, optional
        Train on at most this many most recent periods per product (lags still read
        older ones); ``None``: all.
    relative : bool
        Read every row relative to the product's level just before it (the mean of the
        longest rolling window: 91 days, 26 weeks, 12 months) and learn the sale as a
        multiple of it, so that a product that grew since last year's season gets its
        season's lift on today's level (:class:`~core.forecast.models.lgbm_features.LagSpec`).
        Off by default: on the tuning windows it helped store-item weekly (MASE 0.668 ->
        0.658) and the gift shop (1.452 -> 1.401, but bias of totals -4.3 -> -11.0 %) and
        hurt the sample shop's weeks (2.359 -> 2.491); docs/BENCHMARKS.md.
    feature_groups : tuple of str, optional
        Known-in-advance groups of :data:`core.forecast.features.FEATURE_GROUPS`
        (default all; ``lags`` is ignored, past sales are always used).
    region, events_path
        Holiday region and user event calendar, as for the deep model.
    random_state : int
    n_jobs : int, optional
        LightGBM threads; ``None``: the CPU count, at most 4. Results are identical for
        the same seed, data and ``n_jobs``.
    """

    name = "lgbm"
    #: One model learns from all products: backtests give it every product's history.
    is_global = True

    def __init__(
        self,
        objective: str = "tweedie",
        n_estimators: int = 200,
        learning_rate: float = 0.1,
        num_leaves: int = 31,
        min_data_in_leaf: int = 40,
        feature_fraction: float = 0.8,
        bagging_fraction: float = 0.8,
        tweedie_variance_power: float = 1.2,
        lags: tuple[int, ...] | None = None,
        windows: tuple[int, ...] | None = None,
        calibration_horizon: int | None = None,
        calibration_windows: int = 1,
        max_history: int | None = None,
        relative: bool = False,
        feature_groups: tuple[str, ...] | None = None,
        region: str = "CN",
        events_path: str | None = None,
        random_state: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        super().__init__(objective=objective, n_estimators=n_estimators,
                         learning_rate=learning_rate, num_leaves=num_leaves,
                         min_data_in_leaf=min_data_in_leaf, feature_fraction=feature_fraction,
                         bagging_fraction=bagging_fraction,
                         tweedie_variance_power=tweedie_variance_power, lags=lags,
                         windows=windows, calibration_horizon=calibration_horizon,
                         calibration_windows=calibration_windows,
                         max_history=max_history, relative=relative,
                         feature_groups=feature_groups, region=region,
                         events_path=events_path, random_state=random_state,
                         n_jobs=n_jobs)  # fmt: skip

    # ------------------------------------------------------------------ fit
    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        self._check_params()
        lgb = lightgbm()
        started = time.perf_counter()
        self.n_jobs_ = int(self.n_jobs or min(os.cpu_count() or 1, 4))
        self.history_ = history_columns(frame)
        self.series_ = series_table(frame)
        self.config_ = self._config()
        feats = build_features(self.history_, self.series_, freq, self.config_)
        known = with_day_of_year(feats.frame, freq)
        extra = ["cal_doy"] if "cal_doy" in known else []
        self.known_columns_ = known_columns(feats.columns) + extra
        self.categorical_ = list(feats.static_columns)
        panel = SalesPanel.from_history(self.history_, freq)
        self.ids_ = panel.ids
        self.spec_ = default_spec(freq, int(panel.lengths().max()), self.lags, self.windows,
                                  relative=bool(self.relative))  # fmt: skip
        inputs = known[self.known_columns_].to_numpy(dtype=np.float32)
        season = default_season(freq)
        horizon = self._calibration_steps(freq, panel)
        rounds = int(self.n_estimators)
        fits = 1 + (self._windows(panel, horizon) if horizon else 0)
        clock = _Rounds(rounds * fits, on_progress, should_stop)
        if horizon:
            self.interval_quantiles_ = self._calibrate(lgb, panel, inputs, horizon, season, clock)
            self.interval_source_ = "backtest"
        booster, scale, spread, design = self._train(lgb, panel, inputs, None, season, clock)
        if not horizon:
            self.interval_quantiles_ = in_sample_quantiles(booster, design, spread, self.n_jobs_)
            self.interval_source_ = "in-sample"
        self.model_, self.scale_, self.spread_ = booster, scale, spread
        self.history_log_ = clock.log
        self.train_seconds_ = time.perf_counter() - started

    def _config(self) -> FeatureConfig:
        groups = tuple(g for g in (self.feature_groups or KNOWN_GROUPS) if g != "lags")
        return FeatureConfig(groups=groups, region=self.region, events_path=self.events_path)

    def _calibration_steps(self, freq: str, panel: SalesPanel) -> int:
        """Held-out periods of the calibration fit; 0 when no product can spare them."""
        wanted = self.calibration_horizon
        wanted = default_window(freq)[1] if wanted is None else int(wanted)
        if wanted < 1 or not (panel.lengths() > 2 * wanted).any():
            return 0
        return wanted

    def _train(self, lgb, panel, inputs, cut, season, clock):
        """One booster on the panel's columns before ``cut`` (``None``: all).

        Returns the booster, the products' scales and dispersions and the training design
        ``(X, y, rows)``.
        """
        values = panel.values if cut is None else panel.values[:, :cut]
        scale = product_scale(values, season)
        scaled = panel.values / scale[:, None]
        spread = dispersion(scaled[:, : values.shape[1]], season)
        lagged = lag_features(scaled, self.spec_)
        first = panel.values.shape[1] - panel.lengths()
        keep = panel.cols > first[panel.rows]
        if cut is not None:
            keep &= panel.cols < cut
        if self.max_history is not None:
            keep &= panel.cols >= values.shape[1] - int(self.max_history)
        rows = np.flatnonzero(keep)
        past = lagged[panel.rows[rows], panel.cols[rows]]
        x = np.concatenate([past, inputs[rows]], axis=1)
        level = row_level(past, self.spec_)
        y = scaled[panel.rows[rows], panel.cols[rows]]
        if rows.size == 0:
            raise InputError(
                "Too little history for the gradient-boosting model: every product needs "
                "at least 2 periods.",
                "历史数据太少，无法训练梯度提升模型：每个商品至少需要 2 期数据。",
            )
        # relative rows: the target is the sale over its level; weighted by the level's
        # power that keeps each row's loss what it was in scaled units
        weight = level ** self._loss_power() if self.spec_.level else None
        data = lgb.Dataset(x, label=y / level, weight=weight,
                           feature_name=self._feature_names(),
                           categorical_feature=self.categorical_, free_raw_data=True,
                           params={"verbosity": -1, "max_bin": 255})  # fmt: skip
        booster = lgb.train(self._params(), data, num_boost_round=int(self.n_estimators),
                            valid_sets=[data], valid_names=["train"],
                            callbacks=[clock.callback()])  # fmt: skip
        return booster, scale, spread, (x, y, panel.rows[rows], level)

    def _loss_power(self) -> float:
        """How a row's loss grows with its scale: deviance of ``c y`` at ``c mu`` is
        ``c ** (2 - p)`` times that of ``y`` at ``mu`` for Tweedie power ``p``."""
        power = {"poisson": 1.0, "regression": 0.0}.get(
            self.objective, float(self.tweedie_variance_power)
        )
        return 2.0 - power

    def _calibrate(self, lgb, panel, inputs, horizon, season, clock) -> list[list[float]]:
        """Train on all but the last ``horizon`` columns (and, for more windows, ``horizon``
        more each time), forecast them and return the quantiles (:data:`GRID`) of the
        normalised errors per step (see module doc)."""
        width, parts = panel.values.shape[1], []
        for window in range(1, self._windows(panel, horizon) + 1):
            cut = width - window * horizon
            booster, scale, spread, _ = self._train(lgb, panel, inputs, cut, season, clock)
            future = np.full((len(panel.ids), horizon, inputs.shape[1]), np.nan, np.float32)
            ahead = (panel.cols >= cut) & (panel.cols < cut + horizon)
            future[panel.rows[ahead], panel.cols[ahead] - cut] = inputs[ahead]
            tail = panel.values[:, :cut] / scale[:, None]
            mean = recursive(booster, tail, future, self.spec_, self.n_jobs_) * scale[:, None]
            actual = panel.values[:, cut : cut + horizon]
            errors = (actual - mean) / band_width(mean, scale, spread)
            errors[panel.lengths() - (window - 1) * horizon <= 2 * horizon] = np.nan
            parts.append(errors)
        return band_quantiles(np.concatenate(parts), _POOL.get(season, 0))

    def _windows(self, panel, horizon: int) -> int:
        """Calibration windows that some product is long enough for (at least 1)."""
        longest = int(panel.lengths().max())
        return max(1, min(int(self.calibration_windows), (longest - horizon) // (2 * horizon)))

    def _feature_names(self) -> list[str]:
        return [*self.spec_.names(), *self.known_columns_]

    def _params(self) -> dict:
        params = {
            "objective": self.objective, "learning_rate": float(self.learning_rate),
            "num_leaves": int(self.num_leaves), "min_data_in_leaf": int(self.min_data_in_leaf),
            "feature_fraction": float(self.feature_fraction),
            "bagging_fraction": float(self.bagging_fraction), "bagging_freq": 1,
            "lambda_l2": 1.0, "seed": int(self.random_state), "deterministic": True,
            "force_row_wise": True, "num_threads": self.n_jobs_, "verbosity": -1,
        }  # fmt: skip
        if self.objective == "tweedie":
            params["tweedie_variance_power"] = float(self.tweedie_variance_power)
        return params

    def _check_params(self) -> None:
        if self.objective not in _OBJECTIVES:
            raise InputError(
                f"Unknown objective {self.objective!r}; use {', '.join(_OBJECTIVES)}.",
                f"未知的目标函数 {self.objective!r}；可选 {'、'.join(_OBJECTIVES)}。",
            )
        for key in ("n_estimators", "num_leaves", "min_data_in_leaf"):
            if int(getattr(self, key)) < 1:
                raise InputError(f"{key} must be at least 1.", f"{key} 必须至少为 1。")
        shares = (self.feature_fraction, self.bagging_fraction)
        if not all(0 < float(v) <= 1 for v in shares) or float(self.learning_rate) <= 0:
            raise InputError(
                "feature_fraction and bagging_fraction must be in (0, 1], the learning "
                "rate above 0.",
                "feature_fraction 和 bagging_fraction 必须在 (0, 1] 之间，学习率必须大于 0。",
            )
        if not 1 <= float(self.tweedie_variance_power) < 2:
            raise InputError("tweedie_variance_power must be in [1, 2).",
                             "tweedie_variance_power 必须在 [1, 2) 之间。")  # fmt: skip

    # -------------------------------------------------------------- predict
    def _predict(self, horizon: int, levels: list[int], future) -> pd.DataFrame:
        fut = future_frame(self.history_, self.series_, self.freq_, horizon, self.config_,
                           future)  # fmt: skip
        fut = with_day_of_year(fut, self.freq_)
        n = len(self.ids_)
        known = fut[self.known_columns_].to_numpy(dtype=np.float32)
        known = known.reshape(n, horizon, len(self.known_columns_))
        panel = SalesPanel.from_history(self.history_, self.freq_)
        tail = panel.values / self.scale_[:, None]
        mean = recursive(self.model_, tail, known, self.spec_, self.n_jobs_)
        mean = mean * self.scale_[:, None]
        width = band_width(mean, self.scale_, self.spread_)
        table = np.asarray(self.interval_quantiles_)
        steps = np.minimum(np.arange(horizon), len(table) - 1)

        def at(k: int) -> np.ndarray:  # the k/200 quantile of every forecast
            return np.clip(mean + width * table[steps, k - 1][None, :], 0, None).ravel()

        out = pd.DataFrame({"unique_id": np.repeat(self.ids_, horizon).astype(str),
                            "ds": fut["ds"].to_numpy(),
                            "forecast": np.clip(mean, 0, None).ravel(),
                            "median": at(100)})  # fmt: skip
        for level in levels:
            out[f"lo_{level}"] = at(100 - level)
            out[f"hi_{level}"] = at(100 + level)
        return out


def recursive(booster, scaled: np.ndarray, known: np.ndarray, spec: LagSpec, threads: int):
    """Scaled mean forecasts ``(n_products, horizon)``, one period at a time.

    ``scaled``: the products' scaled sales, right-aligned; ``known``: the known-in-advance
    features ``(n_products, horizon, n)`` of the forecast periods. Each period's forecast
    is written after the sales before the next period's lags are read.
    """
    n, horizon = known.shape[0], known.shape[1]
    span = spec.span
    pad = max(span - scaled.shape[1], 0)
    work = np.full((n, pad + scaled.shape[1] + horizon), np.nan)
    work[:, pad : pad + scaled.shape[1]] = scaled
    start = pad + scaled.shape[1]
    for step in range(horizon):
        t = start + step
        lagged = lag_features(work[:, t - span : t + 1], spec)[:, -1, :]
        x = np.concatenate([lagged, known[:, step, :]], axis=1)
        ratio = booster.predict(x, num_threads=threads)
        work[:, t] = np.clip(ratio * row_level(lagged, spec), 0, None)
    return work[:, start:]


class _Rounds:
    """Boosting rounds of all fits of one :meth:`LGBMForecaster.fit`: cancel and progress."""

    def __init__(self, total: int, on_progress, should_stop) -> None:
        self.total, self.done = total, 0
        self.on_progress, self.should_stop = on_progress, should_stop
        self.log: list[dict] = []
        self._started = time.perf_counter()

    def callback(self):
        offset = self.done

        def after_round(env) -> None:
            if self.should_stop is not None and self.should_stop():
                raise CancelledError()
            self.done = offset + env.iteration - env.begin_iteration + 1
            last = env.iteration + 1 == env.end_iteration
            if self.done % _REPORT_EVERY and not last:
                return
            loss = next((float(r[2]) for r in env.evaluation_result_list or ()), None)
            elapsed = time.perf_counter() - self._started
            eta = elapsed / self.done * (self.total - self.done)
            record = {"epoch": self.done, "loss": loss, "val_loss": None}
            self.log.append(record)
            if self.on_progress is not None:
                self.on_progress({"stage": "train", **record, "epochs": self.total,
                                  "eta_seconds": eta})  # fmt: skip

        after_round.order = 30
        return after_round
