"""One product as the stage rules see it: its level, its stage at any date.

:class:`Product` holds a product's rates (:mod:`core.lifecycle.rates`), its fitted level
(:mod:`core.lifecycle.trend`) and the stage rules' reading of it at every period
(:mod:`core.lifecycle.reading`); ``new`` (under :data:`NEW_DAYS` of history) and
``inactive`` (no sale for the periods of :func:`core.data.default_inactive_periods`)
are judged as of each date. :mod:`core.lifecycle.stages` builds the tables from these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data import default_inactive_periods
from core.lifecycle.rates import period_rates
from core.lifecycle.reading import Reading, read_levels
from core.lifecycle.trend import Trend, fit_trend
from core.periods import PeriodGrid
from core.text import CELL, pick

__all__ = ["NEW_DAYS", "STAGES", "STAGE_NAMES", "Product", "stage_labels"]

STAGES = ("new", "introduction", "growth", "maturity", "decline", "inactive")
#: Display names (English, Chinese) of each stage.
STAGE_NAMES = {
    "new": ("New", "新品"),
    "introduction": ("Introduction", "导入期"),
    "growth": ("Growth", "成长期"),
    "maturity": ("Maturity", "成熟期"),
    "decline": ("Decline", "衰退期"),
    "inactive": ("Inactive", "已停售"),
}


def stage_labels(stages: pd.DataFrame, lang: str) -> pd.Series:
    """Each product's stage in words (:data:`STAGE_NAMES` in ``lang``), indexed by
    ``unique_id``: the column an export shows beside the product."""
    names = {code: pick(lang, en, zh, sep=CELL) for code, (en, zh) in STAGE_NAMES.items()}
    return stages.set_index("unique_id")["stage"].map(names).rename("stage")


#: A product with less sales history than this (days) is ``new``.
NEW_DAYS = 28
_DAY = pd.Timedelta(days=1).value


class Product:
    """Everything known about one product as of ``end`` (internal to the package).

    Parameters
    ----------
    rows : pandas.DataFrame
        The product's rows of the long sales table, sorted by date.
    freq : str
        Frequency alias of the rows.
    end : pandas.Timestamp
        The date the product is judged as of.
    start : pandas.Timestamp, optional
        The shop's first date: a product whose first row comes well after it was
        launched in the data.
    """

    def __init__(self, rows: pd.DataFrame, freq: str, end: pd.Timestamp, start=None) -> None:
        self.uid = str(rows["unique_id"].iloc[0])
        self.freq, self.end = freq, end
        cat = rows["category"].iloc[0] if "category" in rows else None
        self.category = None if cat is None or pd.isna(cat) else str(cat)
        sold = rows.loc[rows["y"].fillna(0) > 0, "ds"]
        self.first = pd.Timestamp(rows["ds"].min())
        self.seen_launch = start is not None and (self.first - pd.Timestamp(start)).days >= 28
        self.last_sale = pd.Timestamp(sold.max()) if len(sold) else None
        # Fit up to the point the product counts as inactive: later zeros add nothing.
        stop = min(end, (self.last_sale or self.first) + pd.Timedelta(days=92))
        self.rates = period_rates(rows, freq, stop)
        self.trend: Trend | None = None
        self.reading: Reading | None = None
        if not self.is_new(end):
            self.fit()

    def fit(self, calendar: pd.Series | None = None) -> None:
        """Fit the level (with the shop's calendar, when given) and read the stages."""
        known = None
        if calendar is not None and len(calendar):
            keys = self.rates.start.view(np.int64)
            known = calendar.reindex(keys).fillna(0.0).to_numpy()
            self.rates.known = known
        # the refit keeps the stiffness the sales chose the first time
        stiffness = self.trend.stiffness if self.trend is not None else None
        self.trend = fit_trend(self.rates, known, stiffness)
        self.reading = read_levels(self.trend, self.first.value / _DAY, self.first_rate()) if self.trend else None

    def first_rate(self) -> float | None:
        """Sales per observed day over the product's first 14 days (None if none seen)."""
        r = self.rates
        span = np.cumsum(r.days) <= 14 + 1e-9
        span[0] = True
        days = r.days[span].sum()
        return float(r.units[span].sum() / days) if days > 0 else None

    def is_new(self, when) -> bool:
        """Whether the product has under :data:`NEW_DAYS` of history at ``when``."""
        return self._history_days(np.array([pd.Timestamp(when).to_datetime64()]))[0] < NEW_DAYS

    def _history_days(self, dates: np.ndarray) -> np.ndarray:
        """Days from the first row to the end of each date's period (a month's row
        covers the whole month)."""
        grid = PeriodGrid.from_freq(self.freq)
        stop = grid.dates(grid.periods(np.asarray(dates, dtype="datetime64[ns]")) + 1)
        return (stop - np.datetime64(self.first)) / np.timedelta64(1, "D")

    def quiet_periods(self, dates: np.ndarray) -> np.ndarray:
        """Periods since the last sale up to each date (huge before any sale)."""
        grid = PeriodGrid.from_freq(self.freq)
        if self.last_sale is None:
            return np.full(len(dates), 10**9)
        last = grid.periods([self.last_sale.to_datetime64()])[0]
        return grid.periods(dates) - last

    def index(self, dates: np.ndarray) -> np.ndarray:
        """The working period (of the rates) each date falls in, clipped to the fitted ones."""
        starts = self.rates.start.view(np.int64)
        pos = np.searchsorted(starts, np.asarray(dates, dtype="datetime64[ns]").view(np.int64), "right")
        return np.clip(pos - 1, 0, len(starts) - 1)

    def stages(self, dates: np.ndarray) -> np.ndarray:
        """Stage at each date: the reading of that period, unless new or inactive then."""
        dates = np.asarray(dates, dtype="datetime64[ns]")
        if self.reading is not None:
            out = self.reading.stage[self.index(dates)]
        else:
            out = np.full(len(dates), self._short_stage(), dtype=object)
        out = np.where(self._history_days(dates) < NEW_DAYS, "new", out)
        inactive = self.quiet_periods(dates) > default_inactive_periods(self.freq)
        after = dates > np.datetime64(self.last_sale or self.first)
        return np.where(inactive & after, "inactive", out).astype(object)

    def _short_stage(self) -> str:
        """Stage of a history too short for a level (a month or two of monthly rows):
        the last period against the first, in sales per day; a single period of a
        product launched in the shop's data is its introduction."""
        r = self.rates
        seen = np.flatnonzero(r.days > 0)
        weeks = self._history_days(np.array([self.end.to_datetime64()]))[0] / 7.0
        if r.units[seen].sum() <= 0:
            return "maturity"
        if len(seen) < 2:
            # one period: a product that appeared in the shop's data lately is a launch
            return "introduction" if self.seen_launch and weeks <= 10 else "maturity"
        first, last = (r.units[i] / r.days[i] for i in (seen[0], seen[-1]))
        if last <= 1.3 * first:
            return "maturity"
        return "introduction" if weeks <= 10 else "growth"

    def confidence(self, stage: str) -> float:
        """How sure the stage at ``end`` is (0.95 for ``new``/``inactive``)."""
        if stage in ("new", "inactive"):
            return 0.95
        if self.reading is None:
            return 0.5
        return float(self.reading.confidence[-1])
