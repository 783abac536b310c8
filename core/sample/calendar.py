"""Shop-wide event calendar of the sample shop: platform festivals, the Spring Festival
shutdown and random shop promotions.

Each event paints a demand multiplier over its days (a ramp, a peak, a post-festival dip)
and, on its labelled days, the index of its 活动 label. Products then decide whether they
join an event (discount and label) or only see its spill-over traffic; see
:mod:`core.sample.shop`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.festivals import spring_festival_dates

# Label -> (anchor month and day, discount, segments (first and last day offset, factor
# from, to, labelled)); the unlabelled segments are post-festival dips.
# fmt: off
_FESTIVALS = {
    "618年中大促": ((6, 18), 0.12, ((-18, -18, 1.6, 1.6, True), (-17, -1, 1.3, 1.8, True),
                                  (0, 0, 3.5, 3.5, True), (1, 4, 0.75, 0.75, False))),
    "双11大促": ((11, 11), 0.20, ((-22, -12, 1.05, 1.3, True), (-11, -8, 2.0, 1.6, True),
                                (-7, -2, 1.2, 1.3, True), (-1, -1, 2.0, 2.0, True),
                                (0, 0, 5.0, 5.0, True), (1, 5, 0.6, 0.85, False))),
    "双12": ((12, 12), 0.10, ((-2, -1, 1.2, 1.3, True), (0, 0, 2.5, 2.5, True),
                            (1, 3, 0.85, 0.85, False))),
}
# Around the Spring Festival: 年货节 before it, then the logistics shutdown.
_SPRING = (("年货节", 0.05, ((-25, -11, 1.15, 1.3, True),)),
           ("", 0.0, ((-10, -8, 0.7, 0.45, False), (-7, 7, 0.22, 0.22, False),
                      (8, 12, 0.5, 0.9, False))))
# fmt: on
# Share of products joining an event: platform festivals, 年货节 and shop promotions.
_JOIN = {"年货节": 0.5, "店铺满减": 0.5}


@dataclass
class ShopCalendar:
    """Shop-wide event calendar over the window.

    Attributes
    ----------
    dates : pandas.DatetimeIndex
        Days of the window.
    mult : numpy.ndarray
        Demand multiplier of each day (1 outside events).
    event : numpy.ndarray
        Index into ``labels`` of the event labelling each day, -1 when none.
    labels : list of str
        活动 label of each event (empty for the New Year shutdown).
    discounts : list of float
        Discount a product joining each event gives.
    join : list of float
        Share of products joining each event.
    """

    dates: pd.DatetimeIndex
    mult: np.ndarray
    event: np.ndarray
    labels: list[str] = field(default_factory=list)
    discounts: list[float] = field(default_factory=list)
    join: list[float] = field(default_factory=list)

    def paint(self, anchor: pd.Timestamp, label: str, discount: float, segments) -> None:
        """Add one event around ``anchor`` (see ``_FESTIVALS`` for ``segments``)."""
        ev = len(self.labels)
        self.labels.append(label)
        self.discounts.append(discount)
        self.join.append(_JOIN.get(label, 0.85))
        base = (anchor - self.dates[0]).days
        for first, last, f0, f1, labelled in segments:
            idx = base + np.arange(first, last + 1)
            fac = np.linspace(f0, f1, last - first + 1)
            ok = (idx >= 0) & (idx < len(self.dates))
            self.mult[idx[ok]] = fac[ok]
            if labelled:
                self.event[idx[ok]] = ev


def spring_festivals(years) -> list[pd.Timestamp]:
    """Return the first day of the Spring Festival holiday of each year, per ``holidays``.

    Parameters
    ----------
    years : iterable of int
        Calendar years.

    Returns
    -------
    list of pandas.Timestamp
        One day per year that has a Spring Festival, in year order.
    """
    dates = spring_festival_dates(years)
    return [dates[year] for year in sorted(dates)]


def build_calendar(rng: np.random.Generator, dates: pd.DatetimeIndex) -> ShopCalendar:
    """Build festivals, the New Year shutdown and random shop promotions.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the promotion dates (the draws are part of the seeded sequence).
    dates : pandas.DatetimeIndex
        Days of the window.

    Returns
    -------
    ShopCalendar
        Every event painted over ``dates``.
    """
    n = len(dates)
    cal = ShopCalendar(dates, np.ones(n), np.full(n, -1))
    years = range(dates[0].year, dates[-1].year + 2)
    for sf in spring_festivals(years):
        for label, discount, segments in _SPRING:
            cal.paint(sf, label, discount, segments)
    for year in years:
        for label, ((month, day), discount, segments) in _FESTIVALS.items():
            cal.paint(pd.Timestamp(year, month, day), label, discount, segments)
    wanted, placed = max(1, round(n / 365 * 6)), 0
    for s in rng.permutation(max(n - 8, 1)):
        length = 3 + int(s) % 3
        if np.any(cal.mult[max(s - 3, 0) : s + length + 3] != 1.0):
            continue  # keep promotions clear of festivals, dips and each other
        cal.paint(
            dates[s],
            "店铺满减",
            0.10,
            ((0, length - 1, 1.5, 1.5, True), (length, length + 2, 0.8, 0.8, False)),
        )
        placed += 1
        if placed == wanted:
            break
    return cal
