"""Time-budgeted hyperparameter search for the deep model (optuna, TPE sampler).

Each trial trains an :class:`~core.forecast.models.lstm.LSTMForecaster` with settings drawn from
:func:`search_space` and is scored by its best loss on the time-ordered validation
split (the last ``horizon`` periods of every product, pinball loss over the quantiles
plus the squared error of the mean output).
Trials that lag the median of earlier ones at the same epoch are stopped early
(optuna's ``MedianPruner``), so the budget goes to promising settings. A seed makes the
sequence of proposals reproducible; the number of trials that fit in a time budget
depends on the machine, so ``n_trials`` can be fixed for exact reruns.

The best settings are written as JSON by :func:`save_params` and read back by
:func:`load_params` (``forecast --params FILE``).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core import lazy
from core.errors import CancelledError, InputError
from core.forecast.models import LSTMForecaster, default_window

__all__ = ["TuneResult", "load_params", "save_params", "search_space", "tune"]

PARAMS_VERSION = 1
#: Settings a params file may hold (the LSTMForecaster constructor arguments).
TUNABLE = ("cell", "lookback", "horizon", "units", "layers", "dropout", "learning_rate",
           "batch_size", "epochs", "patience", "windows_per_epoch", "feature_groups",
           "region", "random_state")  # fmt: skip


@dataclass
class TuneResult:
    """Outcome of :func:`tune`.

    Attributes
    ----------
    best_params : dict
        Full constructor arguments of the best trial.
    best_score : float
        Its validation loss.
    trials : pandas.DataFrame
        One row per trial: number, state, score, seconds and the drawn settings.
    seconds : float
        Wall time of the search.
    """

    best_params: dict
    best_score: float
    trials: pd.DataFrame
    seconds: float


def search_space(freq: str) -> dict:
    """The searched settings: lookback choices scale with the frequency."""
    lookback, _ = default_window(freq)
    return {
        "lookback": sorted({max(2, lookback // 2), lookback, lookback * 2}),
        "units": [16, 32, 64, 128],
        "layers": [1, 2],
        "dropout": (0.0, 0.3),
        "learning_rate": (3e-4, 1e-2),
    }


def _suggest(trial, space: dict) -> dict:
    return {
        "lookback": trial.suggest_categorical("lookback", space["lookback"]),
        "units": trial.suggest_categorical("units", space["units"]),
        "layers": trial.suggest_categorical("layers", space["layers"]),
        "dropout": trial.suggest_float("dropout", *space["dropout"]),
        "learning_rate": trial.suggest_float("learning_rate", *space["learning_rate"], log=True),
    }


def tune(
    frame: pd.DataFrame,
    freq: str,
    *,
    budget_minutes: float,
    base_params: dict | None = None,
    n_trials: int | None = None,
    space: dict | None = None,
    random_state: int = 0,
    on_progress=None,
    should_stop=None,
) -> TuneResult:
    """Search the deep model's settings within a time budget.

    Parameters
    ----------
    frame, freq
        Training data as for :meth:`Forecaster.fit`.
    budget_minutes : float
        Wall-time budget; no trial starts after it is spent.
    base_params : dict, optional
        Fixed constructor arguments (horizon, epochs, cell ...).
    n_trials : int, optional
        Stop after this many trials even when time is left.
    space : dict, optional
        Replaces parts of :func:`search_space` (same keys).
    random_state : int
        Seed of the sampler and of every trial's training.
    on_progress : callable, optional
        Receives ``{"stage": "tune", "trial", "score", "best", "elapsed", "budget"}``
        after each trial and the training events of the running trial.
    should_stop : callable, optional
        Cancels the search (the best trial so far is kept when there is one).

    Raises
    ------
    InputError
        For a budget that is not positive.
    CancelledError
        When cancelled before any trial finished.
    """
    optuna = lazy.load("optuna")
    if not budget_minutes or budget_minutes <= 0 or not math.isfinite(budget_minutes):
        raise InputError("The tuning budget must be more than 0 minutes.",
                         "调参时间预算必须大于 0 分钟。")  # fmt: skip
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    base = {**(base_params or {}), "random_state": random_state}
    space = {**search_space(freq), **(space or {})}
    started = time.perf_counter()
    deadline = started + 60.0 * budget_minutes
    cancelled = {"flag": False}

    def objective(trial):
        params = {**base, **_suggest(trial, space)}
        pruned = {"flag": False}

        def relay(event):
            if event.get("stage") == "train" and event.get("val_loss") is not None:
                trial.report(event["val_loss"], event["epoch"])
                pruned["flag"] = trial.should_prune()
            if on_progress is not None:
                on_progress({**event, "trial": trial.number})

        def stop():
            if should_stop is not None and should_stop():
                cancelled["flag"] = True
            return cancelled["flag"] or pruned["flag"] or time.perf_counter() > deadline

        try:
            model = LSTMForecaster(**params).fit(frame, freq, on_progress=relay, should_stop=stop)
        except CancelledError:
            if cancelled["flag"]:
                trial.study.stop()
            raise optuna.TrialPruned() from None
        values = [h["val_loss"] for h in model.history_log_ if h.get("val_loss") is not None]
        values = values or [h["loss"] for h in model.history_log_]
        return float(min(values))

    def after_trial(study, trial):
        best = _best_value(study)
        if on_progress is not None:
            on_progress({"stage": "tune", "trial": trial.number, "score": trial.value,
                         "best": best, "elapsed": time.perf_counter() - started,
                         "budget": 60.0 * budget_minutes})  # fmt: skip
        if time.perf_counter() > deadline or cancelled["flag"]:
            study.stop()

    sampler = optuna.samplers.TPESampler(seed=random_state, n_startup_trials=4)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=3)
    study = optuna.create_study(direction="minimize", sampler=sampler, pruner=pruner)
    study.optimize(objective, n_trials=n_trials, callbacks=[after_trial], catch=())
    if _best_value(study) is None:
        raise CancelledError()
    best = {**base, **study.best_trial.params}
    trials = study.trials_dataframe(attrs=("number", "state", "value", "duration", "params"))
    return TuneResult(best, float(study.best_value), trials, time.perf_counter() - started)


def _best_value(study) -> float | None:
    done = [t for t in study.trials if t.value is not None and t.state.name == "COMPLETE"]
    return min(t.value for t in done) if done else None


def save_params(path: str | Path, params: dict, score: float | None = None) -> Path:
    """Write settings for ``forecast --params``; returns the path."""
    unknown = sorted(set(params) - set(TUNABLE))
    if unknown:
        raise InputError(f"Unknown settings: {', '.join(unknown)}.",
                         f"未知的设置：{'、'.join(unknown)}。")  # fmt: skip
    body = {"schema_version": PARAMS_VERSION, "model": params.get("cell", "lstm"),
            "params": params, "validation_loss": score}  # fmt: skip
    out = Path(path)
    out.write_text(json.dumps(body, indent=1, ensure_ascii=False), "utf-8")
    return out


def load_params(path: str | Path) -> dict:
    """Read a settings file written by :func:`save_params` (checked)."""
    file = Path(path)
    try:
        body = json.loads(file.read_text("utf-8"))
        params = dict(body["params"])
        version = int(body.get("schema_version", 0))
    except FileNotFoundError:
        raise InputError(f"Settings file not found: {file}", f"找不到设置文件：{file}") from None
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(
            f"{file} is not a SkuCast settings file ({exc}).",
            f"{file} 不是 SkuCast 设置文件（{exc}）。",
        ) from exc
    unknown = sorted(set(params) - set(TUNABLE))
    if version > PARAMS_VERSION or unknown:
        what = f"unknown settings {', '.join(unknown)}" if unknown else f"version {version}"
        raise InputError(f"{file} cannot be used: {what}.", f"{file} 无法使用：{what}。")
    if params.get("feature_groups") is not None:
        params["feature_groups"] = tuple(params["feature_groups"])
    return params
