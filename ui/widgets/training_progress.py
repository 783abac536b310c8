"""What the Train view says while a model trains or a settings search runs.

The training child reports plain events (see :mod:`core.analysis.training_tasks`): the
phase (``fit``, ``backtest``, ``final``, ``importance``, ``tune``), its stage, epochs,
batches, the step it is in and how many steps the task has. :class:`TrainingProgress`
keeps the few timings the events do not carry and reads each event as a
:class:`Reading`: the stage line, how much of the whole task is done, the seconds left
in the current step and whether a new step has begun.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject

from core.forecast import display_name
from ui.i18n import core_lang

__all__ = ["Reading", "TrainingProgress"]


@dataclass(frozen=True)
class Reading:
    """One progress event, as the Train view shows it."""

    text: str  #: the stage line
    done: float | None  #: share of the whole task done (0-1); None: unknown
    left: float | None  #: seconds left in the current step; None: unknown
    new_step: bool  #: the event is the first of a step


class TrainingProgress(QObject):
    """Reads the progress events of one training or search (see module doc)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = None
        self._times: dict = {}

    def begin(self, settings, budget_s: float | None = None) -> None:
        """A new task with these :class:`~core.analysis.pipeline.TrainSettings` (and, for a
        search, its time budget in seconds)."""
        self.settings = settings
        self._times = {"start": time.monotonic()}
        if budget_s is not None:
            self._times["budget"] = budget_s

    def read(self, event: dict, now: float | None = None) -> Reading:
        """The :class:`Reading` of ``event`` (``now``: :func:`time.monotonic`)."""
        now = time.monotonic() if now is None else now
        phase, stage = event.get("phase"), event.get("stage")
        if stage == "start" or phase not in self._times:
            self._times[phase] = now
        if phase in ("fit", "final") and stage == "train":
            self._times["eta"] = (event.get("eta_seconds"), now)
        text, fraction, left = self._describe(event, now)
        step, steps = int(event.get("step") or 1), int(event.get("steps") or 1)
        new_step = self._times.get("step") != (phase, step)
        self._times["step"] = (phase, step)
        done = None
        if fraction is not None:
            done = (step - 1 + min(max(fraction, 0.0), 1.0)) / steps
        if phase != "tune":
            head = self.tr("Step {step} of {steps}").format(step=step, steps=steps)
            text = f"{head} · {text}"
        return Reading(text, done, left, new_step)

    def _describe(self, event: dict, now: float) -> tuple[str, float | None, float | None]:
        """Stage text, fraction of the step done and seconds left (None: unknown)."""
        phase, stage = event.get("phase"), event.get("stage")
        name = display_name(self.settings.model, core_lang())
        if phase == "tune":
            return self._describe_tune(event, now)
        if phase == "importance":
            return self.tr("Measuring which inputs matter most…"), 0.0, None
        epochs = max(int(event.get("epochs") or 1), 1)
        sub = None
        if stage == "train":
            sub = int(event.get("epoch") or 0) / epochs
        elif stage == "batch":
            sub = (int(event["epoch"]) - 1 + event["batch"] / max(event["batches"], 1)) / epochs
        if phase == "backtest":
            return self._describe_backtest(event, now, sub)
        if sub is not None:
            eta, at = self._times.get("eta", (None, now))
            left = None if eta is None else max(eta - (now - at), 0.0)
            if phase == "final":
                text = self.tr("Training {model} on to the latest data: epoch {epoch} of {epochs}")
            elif "final" in event.get("phases", ()):
                text = self.tr(
                    "Training {model} on the history before the test periods: "
                    "epoch {epoch} of {epochs}"
                )
            else:
                text = self.tr("Training {model}: epoch {epoch} of {epochs}")
            return text.format(model=name, epoch=event.get("epoch"), epochs=epochs), sub, left
        if stage == "backtest":  # auto compares candidates per product group
            done, total = event.get("done", 0), max(event.get("total", 1), 1)
            text = self.tr("Comparing candidate models for each product ({done} of {total})…")
            return text.format(done=done, total=total), None, None
        return self.tr("Preparing the data and fitting {model}…").format(model=name), None, None

    def _describe_backtest(self, event: dict, now: float, sub: float | None):
        names = list(dict.fromkeys([self.settings.model, *self.settings.baselines]))
        if event.get("stage") == "backtest":
            self._times["done"], self._times["total"] = event["done"], event["total"]
        done = self._times.get("done", 0)
        total = max(self._times.get("total", len(names) * self.settings.folds), 1)
        fraction = (done + (sub or 0.0)) / total
        elapsed = now - self._times.get("backtest", now)
        left = elapsed / fraction * (1 - fraction) if fraction > 0.05 else None
        current = display_name(names[min(done, total - 1) % len(names)], core_lang())
        text = self.tr("Backtesting {model} on held-out periods ({done} of {total} done)")
        return text.format(model=current, done=done, total=total), fraction, left

    def _describe_tune(self, event: dict, now: float):
        budget = self._times.get("budget", 60.0)
        elapsed = now - self._times["start"]
        if event.get("stage") == "tune":
            self._times["best"] = event.get("best")
        text = self.tr("Tuning: trial {trial}").format(trial=int(event.get("trial") or 0) + 1)
        if self._times.get("best") is not None:
            best = self.tr("best validation loss so far {best:.4f}")
            text = f"{text} · {best.format(best=self._times['best'])}"
        return text, min(elapsed / budget, 1.0), max(budget - elapsed, 0.0)
