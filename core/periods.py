"""Regular period grids and per-series fill indices, on plain numpy arrays.

A :class:`PeriodGrid` numbers the periods of a pandas frequency alias so that
dates can be bucketed (``periods``), missing periods found by integer arithmetic
and period numbers turned back into dates (``dates``). :func:`horizon_dates`
builds the dates that follow a series, e.g. for a forecast horizon.

Supported frequencies: ``"D"`` (and other fixed-length ones such as ``"h"`` or
``"2D"``), ``"W-MON"`` .. ``"W-SUN"`` (``"W"`` is pandas' ``"W-SUN"``; multiples
such as ``"2W-MON"`` too), ``"MS"`` and ``"ME"`` (single months only).

:func:`ffill_index` and :func:`bfill_index` find, for every row of several series
stored one after another, the nearest valid row of the same series; they are the
vectorised core of forward/back filling and interpolation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError

__all__ = [
    "bfill_index",
    "default_season",
    "ffill_index",
    "horizon_dates",
    "period_days",
    "PeriodGrid",
]

_DAY_NS = pd.Timedelta(days=1).value
_MONDAY_NS = pd.Timestamp("1970-01-05").value  # first Monday of the epoch


@dataclass(frozen=True)
class PeriodGrid:
    """A regular grid of periods, numbered by consecutive integers.

    Build one with :meth:`from_freq` rather than by hand.

    Attributes
    ----------
    kind : {"step", "MS", "ME"}
        ``"step"``: fixed-length periods of ``step`` nanoseconds starting at
        ``origin``. ``"MS"`` / ``"ME"``: calendar months, dated on their first /
        last day; period numbers count months since January 1970.
    origin : int
        Start of period 0 in nanoseconds since the epoch (``"step"`` only; 0 otherwise).
    step : int
        Period length in nanoseconds (``"step"`` only; 1 otherwise).
    """

    kind: str
    origin: int
    step: int

    @classmethod
    def from_freq(cls, freq: str) -> PeriodGrid:
        """Grid for the pandas frequency alias ``freq``.

        Parameters
        ----------
        freq : str
            A frequency alias, e.g. ``"D"``, ``"W-MON"``, ``"MS"`` or ``"ME"``.

        Returns
        -------
        PeriodGrid
            Weekly grids start on the alias' weekday; daily and other fixed-length
            grids start at the epoch.

        Raises
        ------
        InputError
            For an unknown alias or one without regular periods (e.g. ``"QS"``).
        """
        try:
            offset = pd.tseries.frequencies.to_offset(freq)
        except (TypeError, ValueError):
            offset = None
        if isinstance(offset, pd.offsets.MonthBegin | pd.offsets.MonthEnd) and offset.n == 1:
            return cls("MS" if isinstance(offset, pd.offsets.MonthBegin) else "ME", 0, 1)
        if isinstance(offset, pd.offsets.Week) and offset.weekday is not None:
            return cls("step", _MONDAY_NS + offset.weekday * _DAY_NS, 7 * _DAY_NS * offset.n)
        if isinstance(offset, pd.offsets.Tick):
            return cls("step", 0, offset.nanos)
        raise InputError(
            f"Unsupported period frequency {freq!r}; use D, W-MON..W-SUN, MS or ME.",
            f"不支持的周期频率 {freq!r}；请使用 D、W-MON..W-SUN、MS 或 ME。",
        )

    def periods(self, dates) -> np.ndarray:
        """Number of the period holding each date.

        Parameters
        ----------
        dates : array-like of datetime64
            Dates without ``NaT``; any time of day within a period maps to it.

        Returns
        -------
        numpy.ndarray
            ``int64`` period numbers; consecutive periods differ by 1.
        """
        ns = np.asarray(dates, dtype="datetime64[ns]")
        if self.kind == "step":
            return (ns.view(np.int64) - self.origin) // self.step
        return ns.astype("datetime64[M]").astype(np.int64)

    def dates(self, periods) -> np.ndarray:
        """Date of each period number (the inverse of :meth:`periods` on the grid).

        Parameters
        ----------
        periods : array-like of int
            Period numbers as returned by :meth:`periods`.

        Returns
        -------
        numpy.ndarray
            ``datetime64[ns]`` dates: the period start, or the month's last day for ``"ME"``.
        """
        numbers = np.asarray(periods, dtype=np.int64)
        if self.kind == "step":
            return (self.origin + numbers * self.step).view("datetime64[ns]")
        months = numbers + (1 if self.kind == "ME" else 0)
        dates = months.astype("datetime64[M]").astype("datetime64[ns]")
        return dates - np.timedelta64(1, "D") if self.kind == "ME" else dates


def horizon_dates(last, horizon: int, freq: str) -> pd.DatetimeIndex:
    """The ``horizon`` period dates that follow the period holding ``last``.

    Parameters
    ----------
    last : datetime-like
        Last observed date of a series.
    horizon : int
        Number of future periods (0 gives an empty index).
    freq : str
        Frequency alias, as for :meth:`PeriodGrid.from_freq`.

    Returns
    -------
    pandas.DatetimeIndex
        Dates of periods ``p + 1 .. p + horizon``, where ``p`` holds ``last``.

    Raises
    ------
    InputError
        For an unsupported ``freq`` or a negative ``horizon``.
    """
    if horizon < 0:
        raise InputError(
            f"The horizon must be 0 or more periods, not {horizon}.",
            f"预测期数必须大于或等于 0，而不是 {horizon}。",
        )
    grid = PeriodGrid.from_freq(freq)
    start = grid.periods([pd.Timestamp(last).to_datetime64()])[0]
    return pd.DatetimeIndex(grid.dates(start + np.arange(1, horizon + 1)))


def ffill_index(valid: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Index of the last valid row at or before each row of the same series.

    Parameters
    ----------
    valid : numpy.ndarray of bool
        Which rows hold a usable value.
    codes : numpy.ndarray
        Series code of each row; each series' rows must be contiguous.

    Returns
    -------
    numpy.ndarray
        Row index per row, or -1 where the series has no valid row up to there.
    """
    idx = np.where(valid, np.arange(valid.size), -1)
    np.maximum.accumulate(idx, out=idx)
    found = idx >= 0
    found[found] = codes[idx[found]] == codes[found]
    return np.where(found, idx, -1)


def bfill_index(valid: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Index of the first valid row at or after each row of the same series.

    Parameters
    ----------
    valid : numpy.ndarray of bool
        Which rows hold a usable value.
    codes : numpy.ndarray
        Series code of each row; each series' rows must be contiguous.

    Returns
    -------
    numpy.ndarray
        Row index per row, or -1 where the series has no valid row from there on.
    """
    rev = ffill_index(valid[::-1], codes[::-1])
    return np.where(rev >= 0, valid.size - 1 - rev, -1)[::-1]


def default_season(freq: str) -> int:
    """Season length implied by a frequency alias.

    Parameters
    ----------
    freq : str
        Frequency alias, e.g. ``"D"``, ``"W-MON"`` or ``"MS"``.

    Returns
    -------
    int
        7 for daily, 52 for weekly, 12 for monthly data, 1 (no season) otherwise.
    """
    offset = pd.tseries.frequencies.to_offset(freq)
    if isinstance(offset, pd.offsets.Day) and offset.n == 1:
        return 7
    if isinstance(offset, pd.offsets.Week) and offset.n == 1:
        return 52
    if isinstance(offset, pd.offsets.MonthBegin | pd.offsets.MonthEnd) and offset.n == 1:
        return 12
    return 1


def period_days(freq: str) -> float:
    """Length of one period in days (30.44 for months)."""
    grid = PeriodGrid.from_freq(freq)
    return 30.44 if grid.kind != "step" else grid.step / pd.Timedelta(days=1).value
