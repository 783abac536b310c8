"""Rolling-origin backtests: every model forecasts the same past windows and is scored alike.

Folds
-----
``folds`` cutoffs, ``step`` periods apart (default ``horizon``), placed so that the last
fold's window ends on the panel's last date: fold ``k`` (1-based) trains on every row up to
and including ``cutoff_k`` and forecasts the ``horizon`` periods after it. The actuals of a
window never enter that fold's training frame. A product takes part in a fold when it has
at least ``min_train`` periods up to the cutoff and at least one actual in the window;
:attr:`BacktestResult.excluded` lists the others: ``too_short`` (launched too late) and
``ended`` (no rows after the cutoff: discontinued, nothing to score). A global model
(``is_global = True``, the deep models) still learns from ``ended`` products' history.

Known future
------------
Promotions and prices of a window were planned before it started, so in a backtest they
are known: each model gets, through ``predict(future=...)``, the window's rows of the
products it forecasts with the columns named by ``future`` (default ``promo`` and
``price`` where the frame has them) and never ``y``.

Failures and timing
-------------------
A model that raises in a fold is listed in ``failures`` and skipped for that fold; the
others go on (a cancel always ends the backtest). ``fit`` and ``predict`` of every model
and fold are timed; statsforecast baselines fit inside ``predict``.

Scoring
-------
The point metrics score ``forecast``, the expected value every model gives (the figure
an operator adds up), never the ``median``; the coverage scores the bands, which lie
around the median. :func:`core.forecast.metrics.evaluate` per fold (MASE and RMSSE scaled by that fold's training
history), then pooled per product over folds, point-weighted and exact: MAE, sMAPE, MASE
and coverage are means over all scored points, RMSE and RMSSE roots of the mean squares,
WAPE and bias ratios of sums. The leaderboard is :func:`core.forecast.metrics.summarize` of those
rows: the mean over products (NaN skipped) and pooled WAPE and bias.

Primary metric
--------------
MASE by default: scale-free (a product selling 2 a day weighs as much as one selling
2000), defined where actuals are zero (unlike MAPE) and easy to read: below 1 beats the
in-sample seasonal naive. When more than half the products are intermittent or lumpy
(:func:`classify_demand`) RMSSE is used instead: absolute errors are minimised by the
median, which for intermittent demand is zero, so MASE would crown a model that forecasts
nothing; squared errors reward the mean (the M5 competition's choice). Products whose
metric is undefined (a flat history has no scale) are skipped in the mean and counted in
the leaderboard's ``n_undefined``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import pandas as pd

from core.errors import CancelledError, InputError
from core.forecast.demand import SPARSE_KINDS, classify_demand
from core.forecast.folds import MIN_TRAIN, Fold, known_columns, plan_cutoffs, split_fold
from core.forecast.leaderboard import (
    BacktestResult,
    check_metric,
    empty_scores,
    leaderboard,
    pool_folds,
)
from core.forecast.metrics import evaluate
from core.forecast.models import (
    Forecaster,
    ProgressFn,
    StopFn,
    check_levels,
    interval_columns,
    make_base_model,
)
from core.periods import PeriodGrid, default_season

__all__ = [
    "BacktestResult",
    "backtest",
    "classify_demand",
    "default_metric",
]


Models = Mapping[str, Callable[[], Forecaster] | Forecaster] | Sequence[str]


def _resolve_models(models: Models) -> dict[str, Callable[[], Forecaster]]:
    """Name -> zero-argument factory of a fresh, unfitted forecaster."""
    if isinstance(models, str) or not isinstance(models, Mapping | Sequence):
        raise InputError(
            "Models must be a list of model names or a mapping name -> factory.",
            "模型必须是模型名称列表，或“名称 -> 构造函数”的映射。",
        )
    if not isinstance(models, Mapping):
        return {str(name): partial(make_base_model, str(name)) for name in models}
    out = {}
    for name, spec in models.items():
        if isinstance(spec, Forecaster):  # an unfitted template: clone it per fold
            spec = partial(type(spec), **spec.get_params())
        out[str(name)] = spec
    return out


def _check_args(frame: pd.DataFrame, models: dict, horizon: int, folds: int, step: int) -> None:
    missing = [c for c in ("unique_id", "ds", "y") if c not in frame.columns]
    if missing or frame.empty or not models:
        what = ", ".join(missing) if missing else ("rows" if frame.empty else "models")
        raise InputError(
            f"A backtest needs sales rows (unique_id, ds, y) and at least one model; missing: {what}.",
            f"回测需要销量数据（unique_id、ds、y）和至少一个模型；缺少：{what}。",
        )
    for label, value in (("horizon", horizon), ("folds", folds), ("step", step)):
        if int(value) != value or value < 1:
            raise InputError(
                f"The backtest {label} must be a whole number of at least 1, not {value}.",
                f"回测参数 {label} 必须是不小于 1 的整数，而不是 {value}。",
            )


def _run_unit(factory, fold: Fold, run: dict, should_stop, name: str = "") -> dict:
    """Fit and forecast one model on one fold; a failure is recorded, not raised."""
    try:
        model = factory()
        start = time.perf_counter()
        train = fold.train_all if getattr(model, "is_global", False) else fold.train
        model.fit(train, run["freq"], on_progress=_fit_relay(run, name, fold.number),
                  should_stop=should_stop)  # fmt: skip
        fitted = time.perf_counter()
        fc = model.predict(run["horizon"], levels=run["levels"], future=fold.future)
        done = time.perf_counter()
        # every actual gets a row: a product the model did not forecast scores NaN
        fc = fold.actual.merge(fc, on=["unique_id", "ds"], how="left", validate="one_to_one")
    except CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - one broken model must not end the backtest
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"forecast": fc, "fit_seconds": fitted - start, "predict_seconds": done - fitted}


def _fit_relay(run: dict, name: str, fold: int):
    """The ``on_progress`` a model's fit gets: the caller's ``fit_progress``, tagged."""
    report = run.get("fit_progress")
    if report is None:
        return None
    return lambda event: report({**event, "model": name, "fold": fold})


def _record(unit: dict, name: str, fold: Fold, run: dict, out: dict) -> None:
    """Add one unit's forecasts, scores and timing (or its failure) to ``out``."""
    if "error" in unit:
        out["failures"].append({"model": name, "fold": fold.number, "error": unit["error"]})
        return
    tags = {"model": name, "fold": fold.number, "cutoff": fold.cutoff}
    fc = unit["forecast"].assign(**tags)
    out["forecasts"].append(fc)
    scores = evaluate(fc.drop(columns="y"), fold.actual, fold.train, run["season"], run["levels"])
    out["per_fold"].append(scores.assign(**tags))
    seconds = {key: unit[key] for key in ("fit_seconds", "predict_seconds")}
    out["timings"].append({**tags, "n_series": int(fc["unique_id"].nunique()), **seconds})


def _run_folds(frame, factories: dict, cutoffs: list, run: dict, on_progress, should_stop) -> dict:
    """Every model on every fold, with progress and cancellation between units."""
    out = {key: [] for key in ("forecasts", "per_fold", "timings", "failures", "excluded")}
    periods = run["grid"].periods(frame["ds"].to_numpy())
    done, total = 0, len(cutoffs) * len(factories)
    for number, cutoff in enumerate(cutoffs, start=1):
        fold = split_fold(frame, periods, number, cutoff, run)
        out["excluded"].append(fold.excluded)
        for name, factory in factories.items():
            if should_stop is not None and should_stop():
                raise CancelledError()
            if not fold.train.empty:
                unit = _run_unit(factory, fold, run, should_stop, name)
                _record(unit, name, fold, run, out)
            done += 1
            if on_progress is not None:
                on_progress(
                    {"stage": "backtest", "model": name, "fold": number, "folds": len(cutoffs),
                     "done": done, "total": total}
                )  # fmt: skip
    return out


def _assemble(out: dict, names: list, cutoffs: list, run: dict, metric: str) -> BacktestResult:
    """The :class:`BacktestResult` of the collected pieces."""
    levels = run["levels"]
    cols = ["model", "fold", "cutoff", "unique_id", "ds", "forecast", "median",
            *interval_columns(levels)]  # fmt: skip
    parts = out["forecasts"] or [pd.DataFrame(columns=[*cols, "y"])]
    forecasts = pd.concat(parts, ignore_index=True)
    per_fold = pd.concat([empty_scores(levels), *out["per_fold"]], ignore_index=True)
    per_series = pool_folds(per_fold, levels)
    timing_cols = ["model", "fold", "cutoff", "n_series", "fit_seconds", "predict_seconds"]
    timings = pd.DataFrame(out["timings"], columns=timing_cols)
    failures = pd.DataFrame(out["failures"], columns=["model", "fold", "error"])
    excluded = pd.concat(out["excluded"], ignore_index=True)
    return BacktestResult(
        forecasts=forecasts[[*cols, "y"]],
        per_series=per_series,
        leaderboard=leaderboard(per_series, timings, failures, names, metric),
        excluded=excluded[["fold", "cutoff", "unique_id", "reason", "n_train"]],
        timings=timings,
        failures=failures,
        per_fold=per_fold,
        metric=metric,
        cutoffs=cutoffs,
        horizon=run["horizon"],
        step=run["step"],
        levels=levels,
        freq=run["freq"],
        season=run["season"],
    )


def default_metric(frame: pd.DataFrame) -> str:
    """``"mase"``, or ``"rmsse"`` when most products are intermittent or lumpy (module doc)."""
    sparse = classify_demand(frame)["kind"].isin(SPARSE_KINDS).mean()
    return "rmsse" if sparse > 0.5 else "mase"


def backtest(
    frame: pd.DataFrame,
    freq: str,
    models: Models,
    *,
    horizon: int,
    folds: int = 3,
    step: int | None = None,
    levels: Sequence[int] = (80,),
    future: Sequence[str] | bool | None = None,
    metric: str | None = None,
    season: int | None = None,
    min_train: int = MIN_TRAIN,
    on_progress: ProgressFn | None = None,
    should_stop: StopFn | None = None,
    fit_progress: ProgressFn | None = None,
) -> BacktestResult:
    """Score every model on the same rolling-origin folds (see module doc).

    Parameters
    ----------
    frame : DataFrame
        The cleaned long frame (``unique_id``, ``ds``, ``y``, optional features).
    freq : str
        Its frequency alias (``D``, ``W-MON``, ``MS``).
    models : mapping or sequence
        Name -> zero-argument factory of a fresh forecaster (or an unfitted forecaster,
        cloned per fold), or model names for :func:`~core.forecast.models.registry.make_base_model`.
    horizon : int
        Periods forecast per fold.
    folds : int
        Number of cutoffs.
    step : int, optional
        Periods between cutoffs (default ``horizon``: the windows tile the recent past).
    levels : sequence of int
        Prediction-interval levels to forecast and score coverage for.
    future : sequence of str or bool, optional
        Columns the models get for the window (``None``/``True``: promo and price where
        present; ``False``: none).
    metric : str, optional
        Primary metric of the rank and the verdict (default :func:`default_metric`).
    season : int, optional
        Season of the MASE scale (default from ``freq``: 7, 52 or 12).
    min_train : int
        Periods a product needs up to a cutoff to take part in that fold.
    on_progress : callable, optional
        Gets ``{"stage": "backtest", "model", "fold", "folds", "done", "total"}`` after
        each model and fold.
    should_stop : callable, optional
        Checked between units and forwarded to every ``fit``.
    fit_progress : callable, optional
        Forwarded to every ``fit`` as its ``on_progress`` (the deep models report their
        epochs), each event with ``model`` and ``fold`` added.

    Returns
    -------
    BacktestResult

    Raises
    ------
    InputError
        Bad arguments, or data too short for the folds (the message gives the most that fit).
    CancelledError
        When ``should_stop()`` returns True.
    """
    factories = _resolve_models(models)
    step = int(step or horizon)
    _check_args(frame, factories, horizon, folds, step)
    levels = check_levels(levels)
    metric = check_metric(metric, levels) if metric else None
    frame = frame.assign(unique_id=frame["unique_id"].astype(str))
    frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    cutoffs = plan_cutoffs(
        frame, freq, horizon=horizon, folds=folds, step=step, min_train=min_train
    )
    run = {
        "freq": freq,
        "grid": PeriodGrid.from_freq(freq),
        "horizon": int(horizon),
        "step": step,
        "levels": levels,
        "known": known_columns(frame, future),
        "season": int(season or default_season(freq)),
        "min_train": int(min_train),
        "fit_progress": fit_progress,
    }
    out = _run_folds(frame, factories, cutoffs, run, on_progress, should_stop)
    if not out["forecasts"] and not out["failures"]:
        raise InputError(
            "No product has enough history before any backtest cutoff.",
            "在所有回测切点之前，没有任何商品有足够的历史数据。",
        )
    return _assemble(out, list(factories), cutoffs, run, metric or default_metric(frame))
