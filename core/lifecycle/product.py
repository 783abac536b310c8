"""One product as the stage rules see it: its life curve, its stage at any date, and the next.

:class:`Product` holds a product's rates and fitted life curve as of a date;
:func:`curve_stages` reads the four curve stages off the share of the fitted peak with
the thresholds :data:`INTRO_MAX` and :data:`MATURE_MIN`; ``new`` (under
:data:`NEW_DAYS` of history) and ``inactive`` (no sale for the periods of
:func:`core.data.default_inactive_periods`) are judged as of each date.
:func:`next_transition` dates the stage that comes next, from a forecast or from the
curve extrapolated. :mod:`core.lifecycle.stages` builds the tables from these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data import default_inactive_periods
from core.lifecycle.curve import Launch, LifeFit, fit_life_curve
from core.lifecycle.pool import fit_short_history
from core.lifecycle.rates import flat_or_trend, period_rates
from core.periods import PeriodGrid

__all__ = [
    "INTRO_MAX",
    "MATURE_MIN",
    "NEW_DAYS",
    "STAGES",
    "STAGE_NAMES",
    "Product",
    "curve_stages",
    "next_transition",
    "period_days",
]

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
#: Below this share of the fitted peak a rising product is in introduction.
INTRO_MAX = 0.20
#: At or above this share of the fitted peak a product is mature.
MATURE_MIN = 0.80
#: A product with less sales history than this (days) is ``new``.
NEW_DAYS = 28
_DAY = pd.Timedelta(days=1).value
# Days between the shop's first date and a product's first row that make it a launch.
_LAUNCH_GAP = 28


def curve_stages(fit: LifeFit, t) -> np.ndarray:
    """Curve stage (introduction .. decline) at each time ``t`` (days since the epoch)."""
    share, rising = fit.share(t), fit.rising(t)
    growing = np.where(share < INTRO_MAX, "introduction", "growth")
    return np.where(share >= MATURE_MIN, "maturity", np.where(rising, growing, "decline"))


def period_days(freq: str, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mid-point (days since the epoch) and length (days) of the period of each date."""
    grid = PeriodGrid.from_freq(freq)
    number = grid.periods(dates)
    start, stop = grid.dates(number).view(np.int64), grid.dates(number + 1).view(np.int64)
    return (start + stop) / 2 / _DAY, (stop - start) / _DAY


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
        The shop's first date: a first row well after it is a launch seen in the data.
    """

    def __init__(self, rows: pd.DataFrame, freq: str, end: pd.Timestamp, start=None) -> None:
        self.uid = str(rows["unique_id"].iloc[0])
        self.freq, self.end = freq, end
        sold = rows.loc[rows["y"].fillna(0) > 0, "ds"]
        self.first = pd.Timestamp(rows["ds"].min())
        # A first row well after the shop's first date is a launch seen in the data.
        seen = start is not None and (self.first - start).days >= _LAUNCH_GAP
        self.launch = self.first.value / _DAY if seen else None
        self.last_sale = pd.Timestamp(sold.max()) if len(sold) else None
        # Fit up to the point the product counts as inactive: later zeros add nothing.
        quiet = pd.Timedelta(days=92)
        stop = min(end, (self.last_sale or self.first) + quiet)
        self.rates = period_rates(rows, freq, stop)
        # a first fit, alone, for what the shop's products share (see stages._products)
        self.fit = None if self.is_new(end) else fit_life_curve(self.rates)

    def refit(self, calendar: pd.Series, season: pd.Series, rise: tuple | None) -> None:
        """Fit the life curve again with what the shop's products share.

        ``calendar`` and ``season``: the shop's log multiplier per period start,
        without and with the yearly pattern; ``rise``: the shop's ``(median, spread)``
        log rise from launch to peak (see :mod:`core.lifecycle.pool`).
        """
        if self.is_new(self.end):
            return
        keys = self.rates.start.view(np.int64)
        self.rates.known = calendar.reindex(keys).fillna(0.0).to_numpy()
        launch = Launch(self.launch, *rise) if rise and self.launch is not None else None
        self.fit = fit_life_curve(self.rates, launch=launch, warm=self.fit)
        if self.fit is not None:
            self.fit = fit_short_history(self.rates, self.fit, season, launch=launch)

    def is_new(self, when) -> bool:
        """Whether the product has under :data:`NEW_DAYS` of history at ``when``."""
        return (pd.Timestamp(when) - self.first).days + 1 < NEW_DAYS

    def quiet_periods(self, dates: np.ndarray) -> np.ndarray:
        """Periods since the last sale up to each date (huge before any sale)."""
        grid = PeriodGrid.from_freq(self.freq)
        if self.last_sale is None:
            return np.full(len(dates), 10**9)
        last = grid.periods([self.last_sale.to_datetime64()])[0]
        return grid.periods(dates) - last

    def stages(self, dates: np.ndarray) -> np.ndarray:
        """Stage at each date: hindsight curve stage, unless new or inactive then."""
        dates = np.asarray(dates, dtype="datetime64[ns]")
        mid, _ = period_days(self.freq, dates)
        out = curve_stages(self.fit, mid) if self.fit else np.full(len(dates), self._fallback())
        age = (dates - np.datetime64(self.first)) / np.timedelta64(1, "D") + 1
        out = np.where(age < NEW_DAYS, "new", out)
        inactive = self.quiet_periods(dates) > default_inactive_periods(self.freq)
        after = dates > np.datetime64(self.last_sale or self.first)
        return np.where(inactive & after, "inactive", out).astype(object)

    def _fallback(self) -> str:
        """Stage without a curve (slow movers, very short histories)."""
        return flat_or_trend(self.rates)


_NEXT = {"introduction": "growth", "growth": "maturity", "maturity": "decline"}


def _reached(stage: str, share: np.ndarray) -> np.ndarray:
    """Where a product in ``stage`` has passed into the next one, by share of peak."""
    if stage == "introduction":
        return share >= INTRO_MAX
    if stage == "growth":
        return share >= MATURE_MIN
    return share < MATURE_MIN


def _forecast_share(prod: Product, forecast: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Dates and share of the fitted peak the forecast leads to, from its first full week.

    The share now (the curve's, at the date judged) is carried along by the forecast's
    own change: its de-seasonalised 7-day trailing mean over that of its first week. A
    forecast merely sitting above or below the fitted curve (a level the shop's calendar
    or the model puts elsewhere) is no change of stage; only a move inside the forecast
    is. The first week is left out (its trailing means are the anchor itself).
    """
    rows = forecast[forecast["unique_id"] == prod.uid].sort_values("ds")
    dates = rows["ds"].to_numpy(dtype="datetime64[ns]")
    mid, length = period_days(prod.freq, dates)
    window = max(1, int(round(7 / float(np.median(length))))) if len(length) else 1
    rate = rows["forecast"].to_numpy(dtype=float) / length / prod.fit.seasonal(mid)
    trail = pd.Series(rate).rolling(window, min_periods=1).mean().to_numpy()[window - 1 :]
    now = float(prod.fit.share(period_days(prod.freq, np.array([prod.end.to_datetime64()]))[0])[0])
    if not len(trail) or not trail[0] > 0:
        return dates[:0], trail[:0]
    return dates[window - 1 :], now * trail / trail[0]


def next_transition(prod: Product, stage: str, forecast: pd.DataFrame | None) -> tuple:
    """Next stage and the date it starts, or ``(None, NaT)`` if not expected.

    With a forecast: the first forecast period where the share now, moved as the
    forecast's de-seasonalised 7-day trailing mean moves from its first week, crosses
    the next threshold (never the forecast's first days by default: no move, no change).
    Without: the fitted curve extrapolated for a year, except for a plateau still going
    on, whose end the data cannot tell.
    """
    fit, nxt = prod.fit, _NEXT.get(stage)
    if fit is None or nxt is None:
        return None, pd.NaT
    if forecast is not None and (forecast["unique_id"] == prod.uid).any():
        dates, share = _forecast_share(prod, forecast)
        hit = np.flatnonzero(_reached(stage, share))
        return (nxt, pd.Timestamp(dates[hit[0]])) if len(hit) else (None, pd.NaT)
    if stage == "maturity" and fit.plateau > 0 and fit.plateau_end >= fit.t_last - 7:
        return None, pd.NaT
    t = fit.t_last + np.arange(1, 366, dtype=float)
    hit = np.flatnonzero(curve_stages(fit, t) == nxt)
    if not len(hit):
        return None, pd.NaT
    return nxt, pd.Timestamp(int(t[hit[0]] * _DAY)).normalize()
