"""Stock-outs: periods when the shelf was empty, so the sales say nothing about demand.

A day that sold nothing because nothing was left is not a day nobody wanted the product.
Taught as zero demand, such days pull every model down and a product that sold out
forecasts low just after it, when it is restocked. :func:`find_stockouts` marks them and
estimates the demand behind them; the cleaning step ``stockouts`` (option
``stockouts="impute"``, the default) stores the mark and the estimate as the columns
``stockout`` and ``demand``, and :func:`core.data.model_frames` trains the models on the
estimate (the sales as sold stay in ``sales``). The history the backtest scores against,
the lifecycle and the charts keep the sales as sold (:attr:`ModelFrames.full`).

What counts as a stock-out
--------------------------
Per product, one of two readings:

* with a stock count (a ``stock`` column that is not 0 on most selling days), every
  period whose stock at its end is 0 or less: the shelf ran dry, so what sold (nothing,
  or what was left that day) is a lower bound of demand;
* without one, a run of at least :data:`MIN_RUN` zero-sale periods inside steady sales
  (at most :data:`STEADY` of the periods around it without a sale) that the product's
  own pattern makes improbable: with ``p`` the share of zero-sale periods in the
  :data:`WINDOW_DAYS` before the run (or after it, the higher of the two), ``k`` zeros
  in a row have a chance ``p**k`` below :data:`ODDS`. For a fast seller ``p`` is at most
  the chance of a zero period at its rate (the lower of the two windows') under a
  negative binomial of shape :data:`SHAPE`, demand far more uneven than Poisson: a
  month without an empty day says little, 20 a day says it is rare; but never below the
  share of zeros it had (a shop shut on Saturdays has one a week, however fast it sells).
  A slow mover's long gaps between sales stay as they are: without a stock count they
  cannot be told from a stock-out.
  Nor is a run a stock-out while the rest of the shop sold under :data:`SHOP_QUIET` of
  its usual rate (a holiday, the New Year courier shutdown, a closed shop). The sale
  just before such a run is marked too: the shelf usually emptied part-way through it.

Either way the run must come after a sale (a listing before the launch is not a stock-out)
and be followed by a sale again. A run reaching the shop's last date counts only while it
is at most :data:`OPEN_DAYS` long (the shelf is waiting for a restock); a longer one, or a
product whose rows stop, has ended rather than sold out and keeps its zeros.

The estimate
------------
The product's mean sale over the :data:`WINDOW_DAYS` before and after the run (stock-out
periods left out), times its weekday factor on daily data (the weekday means over its
history, shrunk towards 1, mean 1), and never below what was sold that period. Sales are
counts, so the estimate is made whole units whose running total over the run follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError
from core.periods import PeriodGrid, period_days
from core.text import pick

__all__ = [
    "MIN_RUN",
    "SHAPE",
    "ODDS",
    "OPEN_DAYS",
    "PERIOD_COLUMNS",
    "SHOP_QUIET",
    "STEADY",
    "STOCKOUT_CHOICES",
    "WINDOW_DAYS",
    "Stockouts",
    "as_sold",
    "describe_stockouts",
    "find_stockouts",
    "stockout_frames",
]

#: Values of :attr:`core.data.CleaningOptions.stockouts`.
STOCKOUT_CHOICES = ("impute", "keep")
#: Days of sales either side of a run that give its rate (at least 8 periods).
WINDOW_DAYS = 28
#: Fewest zero-sale periods in a row read as a stock-out without a stock count.
MIN_RUN = 2
#: Shape of the negative binomial whose chance of a zero period at the product's rate
#: bounds the share of zeros around a run (2: demand far more uneven than Poisson).
SHAPE = 2.0
#: Poisson chance below which a run of zeros is too long for the product's rate.
ODDS = 1e-3
#: Highest share of zero-sale periods around a run for sales to count as steady.
STEADY = 0.5
#: Below this share of its usual sales the rest of the shop was quiet too (no stock-out).
SHOP_QUIET = 0.5
#: Longest run still open at the shop's last date read as a stock-out (days).
OPEN_DAYS = 14
#: Columns of :attr:`Stockouts.periods`.
PERIOD_COLUMNS = ["unique_id", "start", "end", "periods", "days", "sold", "demand", "how",
                  "open"]  # fmt: skip

_DAY_NS = pd.Timedelta(days=1).value
_PRIOR = 8.0  # weekday factors: observations of the product mean added to each weekday


@dataclass
class Stockouts:
    """What :func:`find_stockouts` found, row by row in the frame's own order.

    Attributes
    ----------
    flag : numpy.ndarray
        True on the rows read as a stock-out.
    demand : numpy.ndarray
        The estimated demand on flagged rows, NaN elsewhere.
    periods : pandas.DataFrame
        One row per stock-out (:data:`PERIOD_COLUMNS`): first and last date, number of
        periods and days, units sold and estimated, ``how`` (``"stock"``: the stock count
        at 0; ``"pattern"``: an improbable run of zeros) and ``open`` (reaching the end).
    """

    flag: np.ndarray
    demand: np.ndarray
    periods: pd.DataFrame

    def describe(self, lang: str = "both") -> list[str]:
        """The report line (empty when nothing was found)."""
        return describe_stockouts(self.periods, lang)


def describe_stockouts(periods: pd.DataFrame, lang: str = "both") -> list[str]:
    """One line saying what the stock-out periods ``periods`` changed for the models."""
    if periods is None or periods.empty:
        return []
    n, m = len(periods), int(periods["unique_id"].nunique())
    days, sold, est = int(periods["days"].sum()), periods["sold"].sum(), periods["demand"].sum()
    how_en = how_zh = ""
    if "how" in periods:
        by_stock = int((periods["how"] == "stock").sum())
        how_en = f"; {by_stock} by the stock column at 0, {n - by_stock} by runs of zero sales"
        how_zh = f"；{by_stock} 段由库存为 0 判断，{n - by_stock} 段由异常的连续零销量判断"
    en = (
        f"{n} stock-out period(s) in {m} product(s) ({days} days{how_en}) taken as missing "
        f"demand: the models train on an estimate from their neighbours ({est:,.0f} units "
        f"instead of the {sold:,.0f} sold); the backtest and charts keep the sales as sold "
        f"(--stockouts keep to train on sales as sold)"
    )
    zh = (f"{m} 个商品共 {n} 段断货（{days} 天{how_zh}）视为需求缺失：模型按前后销量估计的需求"
          f"训练（{est:,.0f} 件，实际售出 {sold:,.0f} 件）；回测和图表仍用实际销量"
          f"（--stockouts keep 可改回按实际销量训练）")  # fmt: skip
    return [pick(lang, en, zh)]


def find_stockouts(frame: pd.DataFrame, freq: str, end=None) -> Stockouts:
    """Mark the stock-out periods of a cleaned long frame and estimate their demand.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``unique_id``, ``ds``, ``y`` (no NaN: after the gap and fill steps) and optional
        ``stock``; any order.
    freq : str
        Its frequency alias.
    end : pandas.Timestamp, optional
        The shop's last date (default: the frame's last date).

    Returns
    -------
    Stockouts
        Rows in ``frame``'s order (see the module doc for the rules); nothing is found
        for a frequency without regular periods.
    """
    n = len(frame)
    try:
        period_days(freq)
    except InputError:  # no regular periods (e.g. quarters): no run can be measured
        n = 0
    if n == 0:
        none = pd.DataFrame(columns=PERIOD_COLUMNS)
        return Stockouts(np.zeros(len(frame), bool), np.full(len(frame), np.nan), none)
    codes, uniques = pd.factorize(frame["unique_id"], sort=True)
    ds = frame["ds"].to_numpy("datetime64[ns]").view(np.int64)
    # a cleaned frame is sorted already: its own columns then, not sorted copies of them
    same = codes[1:] == codes[:-1]
    in_order = bool(np.all((codes[1:] > codes[:-1]) | (same & (ds[1:] >= ds[:-1]))))
    del same
    order = slice(None) if in_order else np.lexsort((ds, codes))
    work = _Work(codes[order], ds[order], frame, order, freq)
    end = ds.max() if end is None else pd.Timestamp(end).value
    runs = work.runs(end)
    work.drop_sums()
    flag, demand = np.zeros(n, bool), np.full(n, np.nan)
    rows, est = work.estimate(runs)
    at = rows if in_order else order[rows]
    flag[at], demand[at] = True, est
    return Stockouts(flag, demand, work.table(runs, rows, est, np.asarray(uniques, object)))


class _Work:
    """One sorted pass over the frame: per-row arrays, per-product bounds, cumulative sums."""

    def __init__(self, codes, ds, frame: pd.DataFrame, order, freq: str) -> None:
        self.codes, self.ds = codes, ds
        self.y = np.nan_to_num(frame["y"].to_numpy(np.float64)[order])
        if "stock" in frame:
            stock = pd.to_numeric(frame["stock"], errors="coerce").to_numpy(np.float64)[order]
        else:
            stock = np.full(len(frame), np.nan)
        self.stock = stock
        self.step = period_days(freq)
        self.window = max(8, int(round(WINDOW_DAYS / self.step)))
        self.daily = self.step == 1.0
        n_products = int(codes.max()) + 1
        self.lo = np.searchsorted(codes, np.arange(n_products))
        self.hi = np.searchsorted(codes, np.arange(n_products), side="right")
        self.counted = self._counted(n_products)[codes]
        self.cand = np.where(self.counted, self.stock <= 0, self.y == 0)
        ok = ~(self.cand & self.counted)  # a dry day is no sample of demand
        self.cy = np.r_[0.0, np.cumsum(np.where(ok, self.y, 0.0))]
        self.cn = np.r_[0, np.cumsum(ok)]
        self.cz = np.r_[0, np.cumsum(ok & (self.y == 0))]
        self.sold = np.r_[0, np.cumsum(self.y > 0)]
        self.others = np.r_[0.0, np.cumsum(_shop_sales(ds, self.y) - self.y)]

    def drop_sums(self) -> None:
        """Free the cumulative sums once :meth:`runs` is done with them (five arrays of a
        row each: at 50,000 products a gigabyte the estimate does not need)."""
        self.cy = self.cn = self.cz = self.sold = self.others = None

    def _counted(self, n_products: int) -> np.ndarray:
        """Per product: a usable stock count (known somewhere, not 0 on most selling days)."""
        known = np.bincount(self.codes, np.isfinite(self.stock), n_products) > 0
        selling = self.y > 0
        dry_sold = np.bincount(self.codes, (self.stock <= 0) & selling, n_products)
        n_sold = np.bincount(self.codes, selling, n_products)
        return known & (dry_sold <= 0.5 * np.maximum(n_sold, 1))

    def runs(self, end: int) -> dict:
        """The candidate runs that pass the rules: bounds, level and how they were found."""
        cand, codes = self.cand, self.codes
        same = codes[1:] == codes[:-1]
        starts = np.flatnonzero(cand & ~np.r_[False, cand[:-1] & same])
        stops = np.flatnonzero(cand & ~np.r_[cand[1:] & same, False]) + 1
        p_lo, p_hi = self.lo[codes[starts]], self.hi[codes[starts]]
        days = (self.ds[stops - 1] - self.ds[starts]) / _DAY_NS + self.step
        after = self.sold[p_hi] - self.sold[stops] > 0
        open_ = ~after & (stops == p_hi) & (self.ds[p_hi - 1] == end) & (days <= OPEN_DAYS)
        keep = (self.sold[starts] - self.sold[p_lo] > 0) & (after | open_)
        before = self._window(np.maximum(p_lo, starts - self.window), starts)
        later = self._window(stops, np.minimum(p_hi, stops + self.window))
        with np.errstate(invalid="ignore", divide="ignore"):
            level = (before[0] + later[0]) / (before[1] + later[1])
        counted = self.counted[starts]
        improbable = _improbable(stops - starts, before, later, self.window // 4)
        improbable &= ~self._shop_quiet(starts, stops, p_lo, p_hi)
        keep &= np.where(counted, before[1] + later[1] > 0, improbable)
        sel = np.flatnonzero(keep)
        # the sale just before an empty shelf is usually the day it sold out part-way
        starts = np.where(counted, starts, starts - 1)
        days = np.where(counted, days, days + self.step)
        return {"starts": starts[sel], "stops": stops[sel], "level": level[sel],
                "days": days[sel], "open": open_[sel], "counted": counted[sel]}  # fmt: skip

    def _shop_quiet(self, starts, stops, p_lo, p_hi) -> np.ndarray:
        """Runs while the rest of the shop sold under :data:`SHOP_QUIET` of its usual rate
        around them (a holiday or a closed shop: nobody bought, not an empty shelf)."""
        lo, hi = np.maximum(p_lo, starts - self.window), np.minimum(p_hi, stops + self.window)
        inside = self.others[stops] - self.others[starts]
        around = self.others[hi] - self.others[lo] - inside
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = (inside / (stops - starts)) / (around / (hi - lo - (stops - starts)))
        return np.nan_to_num(ratio, nan=1.0) < SHOP_QUIET

    def _window(self, lo: np.ndarray, hi: np.ndarray) -> tuple:
        """Units, usable periods and zero-sale periods in the rows ``[lo, hi)``."""
        return self.cy[hi] - self.cy[lo], self.cn[hi] - self.cn[lo], self.cz[hi] - self.cz[lo]

    def estimate(self, runs: dict) -> tuple[np.ndarray, np.ndarray]:
        """Rows (sorted positions) of the runs and the demand estimated for each."""
        lengths = runs["stops"] - runs["starts"]
        first = np.cumsum(lengths) - lengths
        rows = (
            np.arange(lengths.sum())
            - np.repeat(first, lengths)
            + np.repeat(runs["starts"], lengths)
        )
        est = np.repeat(runs["level"], lengths)
        if self.daily and len(rows):
            flagged = np.zeros(len(self.y), bool)
            flagged[rows] = True
            est = est * self._weekday_factors(np.where(self.counted, ~self.cand, ~flagged))[rows]
        return rows, np.maximum(_whole_units(est, first, lengths), self.y[rows])

    def _weekday_factors(self, ok: np.ndarray) -> np.ndarray:
        """Per row, its product's factor for that weekday (mean 1, shrunk towards 1)."""
        n_products = len(self.lo)
        weekday = (self.ds // _DAY_NS + 3) % 7  # 1970-01-01 was a Thursday
        key = self.codes * 7 + weekday
        total = np.bincount(key, np.where(ok, self.y, 0.0), 7 * n_products).reshape(-1, 7)
        count = np.bincount(key, ok, 7 * n_products).reshape(-1, 7)
        mean = total.sum(1, keepdims=True) / np.maximum(count.sum(1, keepdims=True), 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = (total + _PRIOR * mean) / (count + _PRIOR) / mean
        factor = np.where(np.isfinite(factor), factor, 1.0)
        factor /= factor.mean(1, keepdims=True)
        return factor[self.codes, weekday]

    def table(self, runs: dict, rows: np.ndarray, est: np.ndarray, uniques) -> pd.DataFrame:
        """:data:`PERIOD_COLUMNS`, one row per run."""
        lengths = runs["stops"] - runs["starts"]
        bounds = np.r_[0, np.cumsum(lengths)][:-1]
        sums = np.add.reduceat(est, bounds) if len(est) else np.zeros(0)
        sold = np.add.reduceat(self.y[rows], bounds) if len(rows) else np.zeros(0)
        return pd.DataFrame({
            "unique_id": uniques[self.codes[runs["starts"]]],
            "start": self.ds[runs["starts"]].view("datetime64[ns]"),
            "end": self.ds[runs["stops"] - 1].view("datetime64[ns]"),
            "periods": lengths, "days": runs["days"], "sold": sold, "demand": sums,
            "how": np.where(runs["counted"], "stock", "pattern"), "open": runs["open"],
        })[PERIOD_COLUMNS]  # fmt: skip


def _whole_units(est: np.ndarray, first: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Whole units per period whose running total follows each run's estimate (sales are
    counts: a run of five days at 0.3 a day gets 2 units, not 0 and not 1.5)."""
    if not len(est):
        return est
    total = np.cumsum(est)
    within = total - np.repeat(np.r_[0.0, total][first], lengths)
    units = np.round(within)
    prev = np.r_[0.0, units[:-1]]
    prev[first] = 0.0
    return units - prev


def _shop_sales(ds: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per row, the whole shop's sales on that row's date."""
    inverse, dates = pd.factorize(ds)  # hashed, not sorted: a big shop has millions of rows
    return np.bincount(inverse, y, len(dates))[inverse]


def _improbable(zeros: np.ndarray, before: tuple, later: tuple, need: int) -> np.ndarray:
    """Runs of ``zeros`` zero-sale periods too long for the sales around them.

    The chance of a zero period is the share of zeros in each window (one zero and one
    sale added, so a short window is never sure), the higher of the two windows with at
    least ``need`` periods: a lumpy or slow product is judged by its own gaps.
    """

    def per_window(f) -> tuple[np.ndarray, np.ndarray]:
        """``f(units, periods, zeros)`` of each window, NaN where it is too short."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return tuple(np.where(w[1] >= need, f(*w), np.nan) for w in (before, later))

    p_zero = np.nan_to_num(np.fmax(*per_window(lambda u, n, z: (z + 1) / (n + 2))), nan=1.0)
    steady = p_zero <= STEADY
    # a fast seller's share of zeros says less than its rate: at 10 a day even a very
    # uneven demand (negative binomial, shape SHAPE) leaves a day without a sale rare
    rate = np.nan_to_num(np.fmin(*per_window(lambda u, n, z: u / n)), nan=0.0)  # the lower
    by_rate = (SHAPE / (SHAPE + rate)) ** SHAPE
    # ... but never below the zeros it had (a shop shut on Saturdays has one a week)
    had = np.nan_to_num(np.fmax(*per_window(lambda u, n, z: z / n)), nan=0.0)
    p_zero = np.fmax(np.fmin(p_zero, by_rate), had)
    return (zeros >= MIN_RUN) & steady & (zeros * np.log(p_zero) < np.log(ODDS))


def stockout_frames(frame: pd.DataFrame, freq: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame the models train on, and its stock-out periods.

    ``frame`` holds the cleaning step's ``stockout`` and ``demand`` columns (rows added
    later, e.g. by :func:`core.data.align_to_end`, may hold NaN there). The model frame has
    ``y`` = the estimated demand on stock-out rows, the sales as sold in ``sales`` and the
    flag ``stockout``. A frame without the columns comes back as it is with an empty table.
    The table has :data:`PERIOD_COLUMNS` but ``how`` and ``open`` (the cleaning step's).
    """
    if "stockout" not in frame or "demand" not in frame:
        return frame, pd.DataFrame(columns=_RUN_COLUMNS)
    sold = as_sold(frame)
    flag, demand = sold["stockout"].to_numpy(), frame["demand"].to_numpy(np.float64)
    model = pd.DataFrame(dict(sold.items()), copy=False)  # the same columns but ``y``
    model["sales"], model["y"] = sold["y"], np.where(flag, demand, sold["y"].to_numpy())
    return model, _flag_runs(sold, flag, demand, freq)


def as_sold(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``y`` as sold: the ``demand`` column dropped, ``stockout`` a bool.

    The other columns are ``frame``'s own (not copied: a big shop's frame is hundreds of
    MB a copy); setting a column of the result leaves ``frame`` as it is.
    """
    if "demand" not in frame:
        return frame
    flag = frame["stockout"].eq(True).to_numpy()
    out = pd.DataFrame({c: col for c, col in frame.items() if c != "demand"}, copy=False)
    out["stockout"] = flag
    return out


_RUN_COLUMNS = [c for c in PERIOD_COLUMNS if c not in ("how", "open")]


def _flag_runs(
    frame: pd.DataFrame, flag: np.ndarray, demand: np.ndarray, freq: str
) -> pd.DataFrame:
    """Runs of flagged rows in consecutive periods of one product (:data:`_RUN_COLUMNS`)."""
    rows = frame.loc[flag, ["unique_id", "ds", "y"]].assign(demand=demand[flag])
    if rows.empty:
        return pd.DataFrame(columns=_RUN_COLUMNS)
    rows = rows.sort_values(["unique_id", "ds"], kind="stable")
    period = PeriodGrid.from_freq(freq).periods(rows["ds"].to_numpy())
    new = rows["unique_id"].ne(rows["unique_id"].shift()).to_numpy() | (
        np.diff(period, prepend=0) != 1
    )
    out = rows.groupby(np.cumsum(new)).agg(
        unique_id=("unique_id", "first"), start=("ds", "min"), end=("ds", "max"),
        periods=("ds", "size"), sold=("y", "sum"), demand=("demand", "sum"),
    )  # fmt: skip
    out["days"] = out["periods"] * period_days(freq)
    return out.reset_index(drop=True)[_RUN_COLUMNS]
