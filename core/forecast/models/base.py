"""The estimator contract every SkuCast forecaster follows (LSTM and baselines alike).

Modelled on scikit-learn's: ``__init__`` only stores its keyword arguments;
``fit`` learns and returns ``self``; learned state lives in attributes ending in
``_``; ``predict`` before ``fit`` raises :class:`~core.errors.NotFittedError`.
Backtests, the CLI and the GUI treat all forecasters alike through this face.

Data in: the cleaned long frame of a :class:`~core.data.dataset.Dataset`
(``unique_id``, ``ds``, ``y`` and optional feature columns, one row per product
and period, no gaps) and its frequency alias (``D``, ``W-MON``, ``MS``).

Data out (:meth:`Forecaster.predict`): one row per product per future period,
columns ``unique_id``, ``ds``, ``forecast``, ``median``, then ``lo_<level>`` and
``hi_<level>`` for each requested level (e.g. ``lo_80``, ``hi_80``), all floats, never
negative:

- ``forecast`` is the *expected* demand (the mean of the forecast distribution): the
  figure to sum per period and over a lead time. For a product that sells on one day in
  four the median day sells nothing, but a quarter of the usual order is expected;
  summing medians would forecast nothing at all.
- ``median`` is the 0.5 quantile (half the periods sell less); the ``lo``/``hi`` bands
  are kept around it (``lo <= median <= hi``), not around the mean, which for skewed
  demand may lie above a band's upper end.

A subclass whose ``_predict`` gives no ``median`` (a symmetric model) gets the mean as
its median (:func:`finalize_forecast`); :func:`with_median` upgrades a forecast table
saved before the column existed the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InputError, NotFittedError

#: Progress callback: receives a dict of plain values (epoch, loss, val_loss, ...).
ProgressFn = Callable[[dict], None]
#: Cancellation check: returns True when the user asked to stop.
StopFn = Callable[[], bool]

OUTPUT_COLUMNS = ("unique_id", "ds", "forecast", "median")
#: Private attributes holding a model's progress and cancel callables (never pickled).
WATCHERS = ("_on_progress", "_should_stop")


def interval_columns(levels: Sequence[int]) -> list[str]:
    """``['lo_80', 'hi_80', ...]`` for the given coverage levels (percent)."""
    cols: list[str] = []
    for level in levels:
        cols += [f"lo_{int(level)}", f"hi_{int(level)}"]
    return cols


def check_levels(levels: Sequence[int]) -> list[int]:
    """Validate interval levels (integers strictly between 0 and 100)."""
    out = []
    for level in levels:
        if not 0 < float(level) < 100 or float(level) != int(level):
            raise InputError(
                f"Interval level {level} must be a whole percentage between 1 and 99.",
                f"预测区间水平 {level} 必须是 1 到 99 之间的整数百分比。",
            )
        out.append(int(level))
    return out


def with_median(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``median`` column after ``forecast`` (a copy of ``forecast``)
    where it has none: a forecast table from before the column existed, or a model
    whose distribution is symmetric. Returned unchanged when it has one."""
    if "median" in frame.columns or "forecast" not in frame.columns:
        return frame
    out = frame.copy()
    out.insert(out.columns.get_loc("forecast") + 1, "median", out["forecast"])
    return out


def finalize_forecast(frame: pd.DataFrame, levels: Sequence[int]) -> pd.DataFrame:
    """Order the output columns, clip at zero and keep the bands around the median
    (not around ``forecast``, the mean; see the module doc)."""
    cols = [*OUTPUT_COLUMNS, *interval_columns(levels)]
    out = with_median(frame).loc[:, cols].copy()
    values = out.columns[2:]
    out[values] = np.clip(out[values].to_numpy(dtype="float64"), 0.0, None)
    for level in levels:
        lo, hi = f"lo_{int(level)}", f"hi_{int(level)}"
        out[lo] = np.minimum(out[lo], out["median"])
        out[hi] = np.maximum(out[hi], out["median"])
    out["unique_id"] = out["unique_id"].astype(str)
    return out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


class Forecaster:
    """Base class of SkuCast's forecasters (see module doc for the data contract).

    Subclasses implement :meth:`_fit` and :meth:`_predict`; keyword arguments
    given to ``__init__`` are stored as attributes unchanged.
    """

    #: Short name used on the CLI (``--model``) and in leaderboards.
    name = "base"

    def __init__(self, **params: Any) -> None:
        for key, value in params.items():
            setattr(self, key, value)
        self._param_names = tuple(params)

    def get_params(self) -> dict:
        """The constructor arguments, as given."""
        return {key: getattr(self, key) for key in self._param_names}

    def fit(
        self,
        frame: pd.DataFrame,
        freq: str,
        *,
        on_progress: ProgressFn | None = None,
        should_stop: StopFn | None = None,
    ) -> Forecaster:
        """Learn from the history in ``frame`` (see module doc); returns ``self``."""
        self.freq_ = freq
        self._fit(frame, freq, on_progress=on_progress, should_stop=should_stop)
        self.fitted_ = True
        return self

    def predict(
        self, horizon: int, levels: Sequence[int] = (80,), future: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Forecast ``horizon`` periods after each product's last date."""
        if not getattr(self, "fitted_", False):
            raise NotFittedError(self.name)
        levels = check_levels(levels)
        return finalize_forecast(self._predict(int(horizon), levels, future), levels)

    @contextlib.contextmanager
    def watch(self, on_progress: ProgressFn | None = None,
              should_stop: StopFn | None = None) -> Iterator[Forecaster]:  # fmt: skip
        """Within the block, ``predict`` reports to ``on_progress`` and checks
        ``should_stop`` (for a model fitted elsewhere: loaded, or sent from another
        process, which drops the callables ``fit`` was given); those come back after.
        Models whose ``predict`` is quick ignore both."""
        saved = {name: self.__dict__[name] for name in WATCHERS if name in self.__dict__}
        self._on_progress, self._should_stop = on_progress, should_stop
        try:
            yield self
        finally:
            for name in WATCHERS:
                self.__dict__.pop(name, None)
            self.__dict__.update(saved)

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        raise NotImplementedError

    def _predict(self, horizon: int, levels: list[int], future) -> pd.DataFrame:
        raise NotImplementedError
