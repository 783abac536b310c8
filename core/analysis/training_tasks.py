"""Task functions of the Train step: fit, backtest and explain, or tune (no widgets).

The view runs them in a child process (:class:`~ui.workers.task_worker.ProcessRunner`),
so this module must not import Qt: the child imports it to find the task. Each function
returns plain data that pickles; :func:`train_job` packs the fitted model
(:class:`core.analysis.jobs.PackedModel`) so that Keras is only loaded in the window's process when
the model is first used (the first forecast). Keras and optuna are imported inside the
calls (through core), never when the window starts.

Progress events from core are passed on with a ``phase`` key added, ``step``/``steps``
counting the phases and ``phases`` naming them in order. A deep model with a backtest is trained once
(:func:`core.analysis.pipeline.train_with_backtest`): ``fit`` is its training up to the backtest
cutoff, ``backtest`` scores it and the baselines, ``final`` trains the same network on
for a few epochs on all the data, then ``importance``. Otherwise ``fit`` is the training
on all the data and ``backtest`` trains again at the cutoff. ``tune`` is the search.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field, replace

from core.analysis.jobs import PackedModel
from core.analysis.pipeline import fit_model, run_backtest, train_with_backtest
from core.data import require_active
from core.errors import CancelledError, InputError
from core.forecast import DEEP_MODELS, TrainSettings, permutation_importance, tune

__all__ = [
    "TrainResult",
    "TuneOutcome",
    "train_task",
    "train_job",
    "tune_task",
]

#: The LSTM settings a tuning run searches, written back into the form.
TUNED_KEYS = ("lookback", "units", "layers", "dropout", "learning_rate")


@dataclass
class TrainResult:
    """What :func:`train_task` hands back to the view.

    Attributes
    ----------
    model : Forecaster or PackedModel
        The fitted model (packed when it comes from :func:`train_job`).
    backtest : BacktestResult or None
        ``None`` when the backtest was not asked for.
    importance : DataFrame or None
        Permutation importance (deep models only).
    settings : TrainSettings
        The settings it was trained with.
    seconds : dict
        Wall time per phase (``fit``, ``backtest``, ``final``, ``importance``) and
        ``total``.
    history : list of dict, optional
        The epochs to show as the training curves: for a model trained once with its
        backtest, the epochs up to the cutoff (``part`` ``"cutoff"``) then those on all
        the data (``part`` ``"final"``, numbered on); ``None``: the model's own log.
    versions : dict
        Keras' and TensorFlow's versions (and Keras' backend) where the model trained,
        when they were loaded there: the window's process never loads them.
    """

    model: object
    backtest: object
    importance: object
    settings: TrainSettings
    seconds: dict
    history: list | None = None
    versions: dict = field(default_factory=dict)


@dataclass
class TuneOutcome:
    """What :func:`tune_task` hands back: the best settings and how the search went.

    Attributes
    ----------
    params : dict
        Best values of :data:`TUNED_KEYS`.
    score : float
        Its validation loss.
    trials : int
        Trials run.
    seconds : float
    """

    params: dict
    score: float
    trials: int
    seconds: float


def _relay(on_progress, **tags):
    """An ``on_progress`` that adds ``tags`` to every event (None stays None)."""
    if on_progress is None:
        return None

    def report(event: dict) -> None:
        on_progress({**event, **tags})

    return report


def _check(should_stop) -> None:
    if should_stop is not None and should_stop():
        raise CancelledError()


def _either(*checks):
    """A ``should_stop`` true when any of ``checks`` (None ignored) is."""
    live = [c for c in checks if c is not None]
    return (lambda: any(c() for c in live)) if live else None


def _importance(model, repeats: int):
    """Permutation importance of a deep model; ``None`` without validation windows."""
    try:
        return permutation_importance(model, repeats=repeats)
    except InputError:
        return None  # too little history for validation windows: nothing to explain


def train_task(frames, freq: str, settings: TrainSettings, *, extra: dict | None = None,
               backtest: bool = True, importance_repeats: int = 3,
               on_progress=None, should_stop=None) -> TrainResult:  # fmt: skip
    """Fit the chosen model, backtest it against the baselines and explain it.

    Parameters
    ----------
    frames : ModelFrames
    freq : str
    settings : TrainSettings
    extra : dict, optional
        Deep-model arguments beyond ``settings`` (see :meth:`~core.forecast.TrainSettings.with_params`).
    backtest : bool
        Run :func:`core.analysis.pipeline.run_backtest` after the fit.
    importance_repeats : int
        Shuffles per feature group; 0 skips the importance (always skipped for
        models other than LSTM/GRU).
    on_progress, should_stop : callable, optional
        As everywhere in core; events get ``phase``, ``step`` and ``steps``, and each
        phase opens with a ``{"stage": "start"}`` event.

    Returns
    -------
    TrainResult

    Raises
    ------
    CancelledError
        When ``should_stop`` turned true.
    SkuCastError
        From core (bad settings, too little data, a diverging loss).
    """
    run = settings.with_params(extra or {})
    deep = settings.model in DEEP_MODELS
    explain = importance_repeats > 0 and deep
    order = (["fit", "backtest", "final"] if deep and backtest else
             ["fit", "backtest"] if backtest else ["fit"])  # fmt: skip
    order += ["importance"] if explain else []
    clock = _PhaseClock(order, on_progress)
    if deep and backtest:
        model, result = _train_once(frames, freq, run, clock, should_stop)
    else:
        model, result = _train_twice(frames, freq, run, backtest, clock, should_stop)
    table = None
    if explain:
        _check(should_stop)
        clock.enter("importance")
        table = _importance(model, int(importance_repeats))
    _check(should_stop)
    return TrainResult(model, result, table, settings, clock.finish(), _joined_history(model),
                       loaded_versions(("keras", "tensorflow")))  # fmt: skip


def loaded_versions(names) -> dict:
    """``{package: version}`` of those of ``names`` already imported in this process,
    with ``"keras backend"`` when Keras is loaded.

    Reads ``sys.modules`` only: importing Keras just to name its version would cost
    seconds, and a watchdog may ask while a module is half imported.
    """
    found = {}
    for name in names:
        version = getattr(sys.modules.get(name), "__version__", None)
        if isinstance(version, str):
            found[name] = version
    backend = getattr(getattr(sys.modules.get("keras"), "backend", None), "backend", None)
    if "keras" in found and callable(backend):
        found["keras backend"] = backend()
    return found


class _PhaseClock:
    """Numbers the phases, opens each with a ``start`` event and times them."""

    def __init__(self, order: list[str], on_progress) -> None:
        self.order, self.on_progress = order, on_progress
        self.current: str | None = None
        self.seconds: dict = {}
        self.started = self.mark = time.perf_counter()

    def enter(self, name: str) -> None:
        """Close the current phase and open ``name`` (nothing when already in it)."""
        if name == self.current:
            return
        now = time.perf_counter()
        if self.current is not None:
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.mark
        self.current, self.mark = name, now
        if self.on_progress is not None:
            self.on_progress({"stage": "start", **self.tags(name)})

    def tags(self, name: str) -> dict:
        return {"phase": name, "step": self.order.index(name) + 1, "steps": len(self.order),
                "phases": tuple(self.order)}  # fmt: skip

    def relay(self, name: str):
        """An ``on_progress`` for phase ``name`` (``None`` without a listener)."""
        if self.on_progress is None:
            return None

        def report(event: dict) -> None:
            self.enter(name)
            self.on_progress({**event, **self.tags(name)})

        return report

    def finish(self) -> dict:
        """Seconds per phase and ``total``."""
        if self.current is not None:
            now = time.perf_counter()
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.mark
            self.current = None
        self.seconds["total"] = time.perf_counter() - self.started
        return self.seconds


def _train_once(frames, freq: str, run: TrainSettings, clock: _PhaseClock, should_stop):
    """A deep model and its backtest, the network trained once (see module doc)."""
    relays = {part: clock.relay(phase) for part, phase in
              (("train", "fit"), ("backtest", "backtest"), ("final", "final"))}  # fmt: skip

    def route(event: dict) -> None:
        part = event.pop("part")
        if part == "train" and event.get("model") != run.model:
            return  # a baseline's own fit inside the backtest: its unit event follows
        if relays[part] is not None:
            relays[part](event)

    clock.enter("fit")
    return train_with_backtest(frames, freq, run, route, should_stop)


def _train_twice(frames, freq: str, run: TrainSettings, backtest: bool,
                 clock: _PhaseClock, should_stop):  # fmt: skip
    """Fit on all the data, then (when asked) backtest, which trains again."""
    clock.enter("fit")
    model = fit_model(frames, freq, run, clock.relay("fit"), should_stop)
    result = None
    if backtest:
        _check(should_stop)
        clock.enter("backtest")
        result = run_backtest(frames, freq, run, clock.relay("backtest"), should_stop)
    return model, result


def _joined_history(model) -> list | None:
    """The epochs up to the backtest cutoff, then the final ones numbered on (see
    :class:`TrainResult`); ``None`` for a model not warm-started."""
    start = getattr(model, "warm_start_", None)
    if not start or "history_before" not in start:
        return None
    before = [{**r, "part": "cutoff"} for r in start["history_before"]]
    offset = len(before)
    after = [{**r, "epoch": offset + int(r.get("epoch") or i + 1), "part": "final"}
             for i, r in enumerate(model.history_log_)]  # fmt: skip
    return before + after


def train_job(*args, **kwargs) -> TrainResult:
    """:func:`train_task` for a child process: the same, with the model packed.

    Takes the arguments of :func:`train_task`. The model comes back as a
    :class:`core.analysis.jobs.PackedModel` (the Keras network travels in the ``.keras`` format
    of the model store, never as a live object).
    """
    result = train_task(*args, **kwargs)
    return replace(result, model=PackedModel.pack(result.model))


def tune_task(frames, freq: str, settings: TrainSettings, *, budget_minutes: float,
              extra: dict | None = None, n_trials: int | None = None, finish=None,
              on_progress=None, should_stop=None) -> TuneOutcome:  # fmt: skip
    """Search the deep model's settings (optuna) within ``budget_minutes``.

    The fixed arguments (cell, horizon, epochs, batch size, features, region, seed)
    come from ``settings``; the searched ones are :data:`TUNED_KEYS`.

    Parameters
    ----------
    frames, freq, settings
        As for :func:`train_task`.
    budget_minutes : float
    extra : dict, optional
        Deep-model arguments beyond ``settings``.
    n_trials : int, optional
        Stop after this many trials even with time left.
    finish : callable, optional
        Returns True to end the search early and keep the best trial so far (unlike
        ``should_stop``, which throws the search away).

    Returns
    -------
    TuneOutcome

    Raises
    ------
    InputError
        For a budget that is not positive or no product to train on.
    CancelledError
        When cancelled before any trial finished.
    """

    require_active(frames)
    run = settings.with_params(extra or {})
    base = run.deep_params(freq)
    base["cell"] = settings.model if settings.model in ("lstm", "gru") else "lstm"
    for key in (*TUNED_KEYS, "random_state"):
        base.pop(key, None)
    found = tune(frames.frame, freq, budget_minutes=budget_minutes, base_params=base,
                 n_trials=n_trials, random_state=int(settings.random_state),
                 on_progress=_relay(on_progress, phase="tune", step=1, steps=1),
                 should_stop=_either(should_stop, finish))  # fmt: skip
    params = {k: found.best_params[k] for k in TUNED_KEYS if k in found.best_params}
    return TuneOutcome(params, float(found.best_score), len(found.trials), float(found.seconds))
