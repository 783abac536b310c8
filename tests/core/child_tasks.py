"""Tasks the tests start in a child process (:func:`core.analysis.jobs.run_in_process`).

A child imports the module of its task by name, so the tasks live in a module of their
own that imports no Qt (the GUI test modules do).
"""

from __future__ import annotations

import os
import time

from core.errors import CancelledError, InputError
from core.forecast import Forecaster
from core.parallel import Workers

DIVERGED = ("Training diverged (the loss became NaN).", "训练发散（损失变为 NaN）。")
#: What :func:`fake_tune` finds.
TUNED = {"units": 32, "layers": 2, "lookback": 28, "dropout": 0.25, "learning_rate": 0.004}


def add(a, b, on_progress=None, should_stop=None):
    """``a + b`` after three progress events carrying the child's pid."""
    for step in range(3):
        on_progress({"stage": "fit", "done": step + 1, "total": 3, "pid": os.getpid()})
    return a + b


def forecast_with(model, on_progress=None, should_stop=None):
    """``model``'s 7-period forecast at level 80, made in the child."""
    return model.predict(7, levels=[80])


def niceness(on_progress=None, should_stop=None):
    """The child's scheduling niceness (POSIX)."""
    return os.nice(0)


def fail_readably(*args, on_progress=None, should_stop=None, **kwargs):
    raise InputError(*DIVERGED)


def divide_by_zero(on_progress=None, should_stop=None):
    return 1 / 0


def count_until_stopped(*args, on_progress=None, should_stop=None, **kwargs):
    """Report a training epoch every 20 ms until asked to stop, then cancel as core does."""
    for epoch in range(1, 50_000):
        if should_stop():
            raise CancelledError()
        on_progress({"stage": "train", "phase": "fit", "step": 1, "steps": 1, "epoch": epoch,
                     "epochs": 50_000, "loss": 1.0 / epoch, "val_loss": 1.0})  # fmt: skip
        time.sleep(0.02)
    return "never stopped"


def ignore_stop(seconds: float = 60.0, on_progress=None, should_stop=None):
    """A task that never checks ``should_stop`` (it has to be terminated)."""
    on_progress({"stage": "started", "pid": os.getpid()})
    time.sleep(seconds)
    return "slept"


def die(code: int = 7, on_progress=None, should_stop=None):
    """End the process abruptly, as a crash in native code would."""
    on_progress({"stage": "started"})
    os._exit(code)


def unpicklable(on_progress=None, should_stop=None):
    return lambda: None


def finish_early(on_progress=None, should_stop=None, finish=None):
    """Count until ``finish`` turns true, then return the count (kept, not cancelled)."""
    count = 0
    on_progress({"stage": "started"})
    while not finish():
        if should_stop():
            raise CancelledError()
        count += 1
        time.sleep(0.01)
    return count


def fake_tune(frames, freq, settings, *, budget_minutes, on_progress=None, should_stop=None,
              finish=None, **kwargs):  # fmt: skip
    """A settings search that reports one trial, then waits for ``finish`` (or 0.2 s
    when the budget is 2 minutes, as the view test sets it)."""
    from core.analysis import TuneOutcome

    on_progress({"stage": "tune", "phase": "tune", "trial": 0, "best": 0.1, "step": 1,
                 "steps": 1})  # fmt: skip
    waited = time.monotonic()
    while not finish() and (budget_minutes != 2.0 or time.monotonic() - waited < 0.2):
        if should_stop():
            raise CancelledError()
        time.sleep(0.01)
    return TuneOutcome(dict(TUNED), 0.1, 3 if budget_minutes == 2.0 else 1, 1.0)


class MeanForecaster(Forecaster):
    """Each product's mean, a model the store cannot save (it is pickled instead)."""

    name = "mean"

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        self.means_ = frame.groupby("unique_id")["y"].mean()
        self.last_ = frame.groupby("unique_id")["ds"].max()

    def _predict(self, horizon, levels, future):
        import pandas as pd

        rows = [(uid, self.last_[uid] + pd.Timedelta(days=h), mean)
                for uid, mean in self.means_.items() for h in range(1, horizon + 1)]  # fmt: skip
        out = pd.DataFrame(rows, columns=["unique_id", "ds", "forecast"])
        for level in levels:
            out[f"lo_{level}"] = out["forecast"]
            out[f"hi_{level}"] = out["forecast"]
        return out


class BrokenForecaster(MeanForecaster):
    """Fits, then fails to forecast (in whichever process it is asked to)."""

    name = "broken"

    def _predict(self, horizon, levels, future):
        raise ValueError("no forecast today")


def _pids(batch):
    time.sleep(0.2)  # long enough that both workers take batches
    return [os.getpid()] * len(batch)


def spread_pids(n, on_progress=None, should_stop=None):
    """``(this child's pid, the pids that did the n items)``, over two worker processes."""
    return os.getpid(), Workers(jobs=2, min_items=2, batch=1).map(_pids, list(range(n)))


def spread_then_hang(on_progress=None, should_stop=None):
    """Start two pool workers, say their pids, then ignore every request to stop."""
    pids = sorted(set(Workers(jobs=2, min_items=2, batch=1).map(_pids, list(range(6)))))
    on_progress({"stage": "workers", "pids": pids})
    while True:
        time.sleep(0.1)
