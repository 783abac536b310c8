"""Per-product sales rates on the grid the life curves of :mod:`core.lifecycle.stages` are fitted on.

:func:`period_rates` turns one product's rows into mean daily sales per period. Daily
data is summed into 7-day weeks ending on the last date: a week holds every weekday
once, so the weekly pattern cancels and Poisson noise shrinks. Days missing from the
export count as 0 sales (exports leave quiet days out). Stock is read as counted at the
end of the day, so a day with ``stock <= 0`` ran dry and sold less than its demand: it
is left out (a stock-out is not a drop in demand), unless the stock column is 0 on most
selling days (then it counts no stock at all). :func:`pool_sparse` pools the periods of a
slow mover into blocks that sell a few units each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from core.periods import PeriodGrid

__all__ = ["PeriodRates", "flat_or_trend", "period_rates", "pool_sparse", "working_grid"]

_DAY = pd.Timedelta(days=1).value
# Fewest blocks pool_sparse leaves (a curve needs some points to bend).
_MIN_BLOCKS = 6


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
        :mod:`core.lifecycle.pool`); 0 until set.
    """

    start: np.ndarray
    t: np.ndarray
    rate: np.ndarray
    days: np.ndarray
    units: np.ndarray
    promo: np.ndarray
    known: np.ndarray | None = None

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
    """Every day from the first row to ``end``: missing days as 0 sales."""
    days = pd.date_range(rows["ds"].min().normalize(), end.normalize(), freq="D")
    # built-in reductions only: a Python lambda per day cost ~10 % of a shop's CPU time
    by_day = rows.groupby(rows["ds"].dt.normalize())
    daily = pd.DataFrame({"y": by_day["y"].sum(min_count=1)})
    daily["stock"] = by_day["stock"].min() if "stock" in rows else np.nan
    daily["promo"] = by_day["promo"].max() if "promo" in rows else 0.0
    daily = daily.reindex(days)
    if "promo" not in rows:
        daily["promo"] = 0.0
    missing = ~days.isin(rows["ds"].dt.normalize())
    daily.loc[missing, "y"] = 0.0
    return daily.rename_axis("ds").reset_index()


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
    return PeriodRates(start, mid, rate, days, units, share)


def pool_sparse(rates: PeriodRates, min_units: float = 8.0, max_block: int = 8) -> PeriodRates:
    """Pool consecutive periods of a slow mover so that a block sells ``min_units``.

    Blocks are counted back from the latest period, which stays the end of a block.
    Log rates of 0-2 units a period are mostly Poisson noise; pooled ones are not.
    At least :data:`_MIN_BLOCKS` blocks are kept, so a young product keeps its trend.
    """
    ok = rates.days > 0
    per = rates.units[ok].mean() if ok.any() else 0.0
    k = int(min(max_block, np.ceil(min_units / max(per, 1e-9)), ok.sum() // _MIN_BLOCKS))
    if k <= 1:
        return rates
    back = (len(rates.t) - 1 - np.arange(len(rates.t))) // k
    block = back.max() - back
    n = block.max() + 1

    def total(x):
        return np.bincount(block, weights=x, minlength=n)

    days, units = total(rates.days), total(rates.units)
    t = total(rates.t * np.maximum(rates.days, 1e-9)) / total(np.maximum(rates.days, 1e-9))
    first = np.searchsorted(block, np.arange(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(days > 0, units / days, np.nan)
        promo = np.where(days > 0, total(rates.promo * rates.days) / days, 0.0)
        known = np.where(days > 0, total(rates.known * rates.days) / days, 0.0)
    return PeriodRates(rates.start[first], t, rate, days, units, promo, known)


def flat_or_trend(rates: PeriodRates, alpha: float = 0.01) -> str:
    """``growth``, ``decline`` or ``maturity`` of a history too thin for a life curve.

    A binomial test of the units sold in the later half of the observed days against
    the earlier half: ``growth`` or ``decline`` only at level ``alpha``, ``maturity``
    otherwise (a few sales cannot show a trend).
    """
    days = np.cumsum(rates.days)
    if len(days) < 2 or days[-1] <= 0:
        return "maturity"
    late = days > days[-1] / 2
    n, k = int(round(rates.units.sum())), int(round(rates.units[late].sum()))
    share = rates.days[late].sum() / days[-1]
    if n == 0 or not 0 < share < 1:
        return "maturity"
    if binomtest(k, n, share, alternative="greater").pvalue < alpha:
        return "growth"
    if binomtest(k, n, share, alternative="less").pvalue < alpha:
        return "decline"
    return "maturity"
