"""Per-product sales rates on the grid the life curves of :mod:`core.lifecycle.stages` are fitted on.

:func:`period_rates` turns one product's rows into mean daily sales per period. Daily
data is summed into 7-day weeks ending on the last date: a week holds every weekday
once, so the weekly pattern cancels and Poisson noise shrinks. Days missing from the
export count as 0 sales (exports leave quiet days out). Stock is read as counted at the
end of the day, so a day with ``stock <= 0`` ran dry and sold less than its demand: it
is left out (a stock-out is not a drop in demand), unless the stock column is 0 on most
selling days (then it counts no stock at all). Without a stock count, a run of zero
sales too long for the product's rate is read as sold out as well (:func:`quiet_runs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.periods import PeriodGrid

__all__ = ["PeriodRates", "period_rates", "quiet_runs", "working_grid"]

_DAY = pd.Timedelta(days=1).value


@dataclass
class PeriodRates:
    """One product's history on the working grid.

    Attributes
    ----------
    start : numpy.ndarray
        ``datetime64[ns]`` start of each period.
    t : numpy.ndarray
        Mid-point of each period in days since the epoch.
    rate : numpy.ndarray
        Mean sales per observed day (NaN where no day was observed).
    days : numpy.ndarray
        Number of observed (in-stock) days in each period.
    units : numpy.ndarray
        Units sold in each period (on observed days).
    promo : numpy.ndarray
        Share of observed days under promotion (0 without a ``promo`` column).
    known : numpy.ndarray
        Known log demand multiplier of each period (the shop's calendar, see
        :func:`core.lifecycle.trend.shop_calendar`); 0 until set.
    quiet : int
        Days (or periods) of zero sales read as sold out without a stock count
        (:func:`quiet_runs`).
    """

    start: np.ndarray
    t: np.ndarray
    rate: np.ndarray
    days: np.ndarray
    units: np.ndarray
    promo: np.ndarray
    known: np.ndarray | None = None
    quiet: int = 0

    def __post_init__(self) -> None:
        if self.known is None:
            self.known = np.zeros(len(self.t))


def working_grid(freq: str, end: pd.Timestamp) -> tuple[PeriodGrid, bool]:
    """The grid the curve is fitted on, and whether daily rows are pooled into weeks.

    Daily rows are pooled into 7-day weeks that end on ``end``, so the latest week is
    always complete (a 2-day last week would read as a sudden drop).
    """
    grid = PeriodGrid.from_freq(freq)
    if grid.kind == "step" and grid.step <= _DAY:
        origin = (end.normalize() + pd.Timedelta(days=1)).value % (7 * _DAY)
        return PeriodGrid("step", int(origin), 7 * _DAY), True
    return grid, False


def _daily_rows(rows: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Every day from the first row to ``end``: missing days as 0 sales.

    Several rows of a day are pooled (sales summed, NaN when all are NaN; the lowest
    stock; the highest promotion share). Plain array reductions: a pandas group-by per
    product cost about a fifth of a shop's CPU time.
    """
    day_ns = rows["ds"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    first, last = day_ns.min(), np.datetime64(end.normalize(), "D")
    n = max(int((last - first).astype(int)) + 1, 1)
    code = (day_ns - first).astype(int)
    keep = code < n
    code = code[keep]
    y = rows["y"].to_numpy(dtype=float)[keep]
    ok = np.isfinite(y)
    total = np.bincount(code, weights=np.where(ok, y, 0.0), minlength=n)
    present = np.bincount(code, minlength=n) > 0
    counted = np.bincount(code, weights=ok.astype(float), minlength=n) > 0
    # a day without a row sold nothing; a day whose rows all lack a figure is unknown
    daily_y = np.where(present & ~counted, np.nan, total)
    out = {"ds": pd.DatetimeIndex(first + np.arange(n)).as_unit("ns"), "y": daily_y}
    for col, pool in (("stock", np.fmin), ("promo", np.fmax)):
        values = np.full(n, np.nan)
        if col in rows:
            pool.at(values, code, rows[col].to_numpy(dtype=float)[keep])
        out[col] = values
    if "promo" not in rows:
        out["promo"] = np.zeros(n)
    return pd.DataFrame(out)


def _native_rows(rows: pd.DataFrame, grid: PeriodGrid, end: pd.Timestamp) -> pd.DataFrame:
    """Every period from the first row to ``end``: periods missing from the export as 0."""
    first, last = grid.periods([rows["ds"].min().to_datetime64(), end.to_datetime64()])
    full = pd.DatetimeIndex(grid.dates(np.arange(first, last + 1)))
    rows = rows.assign(ds=grid.dates(grid.periods(rows["ds"].to_numpy())))
    present = full.isin(rows["ds"])
    rows = rows.groupby("ds").first().reindex(full)
    rows.loc[~present, "y"] = 0.0
    return rows.rename_axis("ds").reset_index()


def period_rates(rows: pd.DataFrame, freq: str, end: pd.Timestamp) -> PeriodRates:
    """Mean daily sales per working period of one product, up to ``end``.

    Parameters
    ----------
    rows : pandas.DataFrame
        One product's rows: ``ds``, ``y`` and optional ``stock`` and ``promo``.
    freq : str
        Frequency alias of the rows.
    end : pandas.Timestamp
        Last date of the shop (periods after the product's last row hold 0 sales).

    Returns
    -------
    PeriodRates
    """
    grid, pooled = working_grid(freq, end)
    if pooled:
        rows = _daily_rows(rows, end)
        length = np.ones(len(rows))
    else:
        rows = _native_rows(rows, grid, end)
        nxt = grid.dates(grid.periods(rows["ds"].to_numpy()) + 1)
        length = (nxt - rows["ds"].to_numpy()) / np.timedelta64(1, "D")
    y = rows["y"].to_numpy(dtype=float)
    stock = rows["stock"].to_numpy(dtype=float) if "stock" in rows else np.full(len(y), np.nan)
    promo = rows["promo"].fillna(0).to_numpy(dtype=float) if "promo" in rows else np.zeros(len(y))
    # Stock is counted at the end of the day: a day that ran dry sold less than its
    # demand. A column that is 0 on most selling days is no stock count at all.
    dry = stock <= 0
    if (dry & (np.nan_to_num(y) > 0)).sum() > 0.5 * max((np.nan_to_num(y) > 0).sum(), 1):
        dry = dry & (np.nan_to_num(y) <= 0)
    seen = np.isfinite(y) & ~dry
    quiet = quiet_runs(np.where(seen, np.nan_to_num(y), np.nan))
    seen &= ~quiet
    period = grid.periods(rows["ds"].to_numpy())
    codes, inverse = np.unique(period, return_inverse=True)
    days = np.bincount(inverse, weights=np.where(seen, length, 0.0))
    units = np.bincount(inverse, weights=np.where(seen, y, 0.0))
    promo_days = np.bincount(inverse, weights=np.where(seen, length * (promo > 0), 0.0))
    start = grid.dates(codes)
    nxt = grid.dates(codes + 1)
    mid = (start.view(np.int64) + nxt.view(np.int64)) / 2 / _DAY
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(days > 0, units / days, np.nan)
        share = np.where(days > 0, promo_days / days, 0.0)
    return PeriodRates(start, mid, rate, days, units, share, quiet=int(quiet.sum()))


def quiet_runs(y: np.ndarray, min_run: int = 3, odds: float = 1e-4) -> np.ndarray:
    """Runs of zero sales too long for the product's own rate: a stock-out nobody counted.

    ``y``: sales per day (or period), NaN where not observed. A run of at least
    ``min_run`` zeros is read as sold out when, at the mean rate of the 28 values
    before it (and of the 28 after it, the lower of the two, when a week or more
    follows), ``k`` zeros in a row had a Poisson chance below ``odds``: demand does
    not fall from ten a day to none overnight. A run at the very end counts too (it is
    a stock-out until it is long enough to be ``inactive``). Returns a boolean mask.
    """
    n = len(y)
    out = np.zeros(n, dtype=bool)
    zero = np.nan_to_num(y, nan=-1.0) == 0
    if zero.sum() < min_run:
        return out
    edges = np.diff(np.concatenate([[0], zero.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = (stops - starts) >= min_run
    starts, stops = starts[long], stops[long]
    if not len(starts):
        return out
    ok = np.isfinite(y)
    csum = np.concatenate([[0.0], np.cumsum(np.where(ok, y, 0.0))])
    cnt = np.concatenate([[0], np.cumsum(ok)])

    def mean(lo, hi):
        lo, hi = np.clip(lo, 0, n), np.clip(hi, 0, n)
        k = cnt[hi] - cnt[lo]
        return np.where(k >= 7, (csum[hi] - csum[lo]) / np.maximum(k, 1), np.nan)

    # the rate before the run, and after it where a week or more of sales follows
    before = np.nan_to_num(mean(starts - 28, starts), nan=0.0)
    after = np.nan_to_num(mean(stops, stops + 28), nan=np.inf)
    rate = np.minimum(before, after)
    hit = rate * (stops - starts) > -np.log(odds)
    for a, b in zip(starts[hit], stops[hit], strict=True):
        out[a:b] = True
    return out
