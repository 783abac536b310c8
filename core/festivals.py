"""Date-level features: calendar, public holidays, shopping festivals and user events.

Everything here depends on the date alone, so :func:`date_features` computes it once per
unique date of a table and the caller maps it onto the rows.

Shopping festivals and their assumed dates (fixed rules, no lookup tables):

* 618: the 618 campaign runs June 1-18 (``fest_618``), peaking on June 18 (``fest_618_peak``).
* Double 11 (双11): presale from October 20 to November 10 (``fest_d11_presale``), the day
  itself on November 11 (``fest_d11``).
* Double 12 (双12): December 12 (``fest_d12``).
* Black Friday: the day after US Thanksgiving, i.e. the fourth Thursday of November + 1;
  Cyber Monday is three days later.
* Prime Day: assumed to be the **second Tuesday of July and the Wednesday after it**. Amazon
  announces the dates each year (2023: July 11-12, 2024: July 16-17), so this is only an
  approximation; put the real dates into a user event calendar when they matter.
* Christmas: the days until the next December 25 (``fest_xmas_to``, clipped to
  ``XMAS_CLIP`` days: the gift-buying run-up) and Boxing Day, December 26
  (``fest_boxing_day``, the UK's sales day).

The ``region`` picks which ones apply: ``"CN"`` (default) has Chinese statutory holidays,
the Spring Festival distances, 618, Double 11 and Double 12; ``"US"`` has US federal holidays,
Black Friday, Cyber Monday, Prime Day and the Christmas run-up; ``"GB"`` has the bank
holidays of England, Black Friday, Cyber Monday, Prime Day, the Christmas run-up and Boxing
Day; ``"intl"`` (cross-border shops) has Black Friday, Cyber Monday, Prime Day, the Christmas
run-up and Double 11 but no statutory holidays.

For weekly and monthly data the daily values are aggregated over each period's days: flags
become the number of festival days in the period, distances (to or from the Spring
Festival, to Christmas) their minimum.
"""

from __future__ import annotations

import re

import holidays
import numpy as np
import pandas as pd

from core.periods import PeriodGrid

__all__ = [
    "REGIONS",
    "SF_CLIP",
    "XMAS_CLIP",
    "black_friday",
    "date_features",
    "prime_day",
    "spring_festival_dates",
]

REGIONS = ("CN", "US", "GB", "intl")
#: Days to / from the Spring Festival are clipped to this many days.
SF_CLIP = 30
#: Days to Christmas are clipped to this many: the gift-buying run-up.
XMAS_CLIP = 42
#: Regions whose shoppers buy for Christmas (its run-up is a feature there).
_CHRISTMAS = ("US", "GB", "intl")
_DAY_NS = pd.Timedelta(days=1).value
_SF_NAME = "Chinese New Year (Spring Festival)"
# Festival flag columns per region, each (name, month, first day, last day) within a year.
_FIXED = {
    "CN": (
        ("fest_618", 6, 1, 18),
        ("fest_618_peak", 6, 18, 18),
        ("fest_d11_presale", 10, 20, 41),  # October 20 .. November 10 (day 41 of October)
        ("fest_d11", 11, 11, 11),
        ("fest_d12", 12, 12, 12),
    ),
    "US": (),
    "GB": (("fest_boxing_day", 12, 26, 26),),
    "intl": (("fest_d11", 11, 11, 11),),
}


def spring_festival_dates(years) -> dict[int, pd.Timestamp]:
    """The Spring Festival (lunar new year's day) of each year, from ``holidays.China``.

    Parameters
    ----------
    years : iterable of int
        Calendar years.

    Returns
    -------
    dict
        Year -> date of the first day named "Chinese New Year (Spring Festival)".
    """
    table = holidays.China(years=list(years), language="en_US")
    out: dict[int, pd.Timestamp] = {}
    for day, name in table.items():
        if name == _SF_NAME and (day.year not in out or day < out[day.year].date()):
            out[day.year] = pd.Timestamp(day)
    return out


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> pd.Timestamp:
    first = pd.Timestamp(year=year, month=month, day=1)
    return first + pd.Timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def black_friday(year: int) -> pd.Timestamp:
    """Black Friday of ``year``: the day after the fourth Thursday of November."""
    return _nth_weekday(year, 11, 3, 4) + pd.Timedelta(days=1)


def prime_day(year: int) -> pd.Timestamp:
    """Assumed first day of Prime Day: the second Tuesday of July (it lasts two days)."""
    return _nth_weekday(year, 7, 1, 2)


def _flag(days: pd.DatetimeIndex, starts, lengths) -> np.ndarray:
    """1.0 on days inside any of the spans ``start .. start + length - 1``."""
    out = np.zeros(days.size)
    base = days.to_numpy()
    for start, length in zip(starts, lengths, strict=True):
        end = start + pd.Timedelta(days=length - 1)
        out[(base >= start.to_datetime64()) & (base <= end.to_datetime64())] = 1.0
    return out


def _statutory(days: pd.DatetimeIndex, region: str, years: list[int]) -> dict[str, np.ndarray]:
    if region == "intl":
        return {}
    if region == "GB":  # England's bank holidays: most UK shops sell from there
        table = holidays.UK(years=years, subdiv="ENG", language="en_US")
    else:
        country = holidays.China if region == "CN" else holidays.US
        table = country(years=years, language="en_US")
    names = pd.Series([table.get(d.date(), "") for d in days], index=days)
    cols = {"hol_off": (names != "").to_numpy(float)}
    if region == "CN":
        cols["hol_spring"] = names.str.contains("Chinese New Year").to_numpy(float)
        cols.update(_spring_distance(days, years))
    return cols


def _spring_distance(days: pd.DatetimeIndex, years: list[int]) -> dict[str, np.ndarray]:
    """Days until the next and since the last Spring Festival, clipped to ``SF_CLIP``."""
    sf = np.sort(np.array([d.value for d in spring_festival_dates(years).values()]))
    ns = days.asi8
    nxt = np.searchsorted(sf, ns, side="left")
    prev = np.searchsorted(sf, ns, side="right") - 1
    big = SF_CLIP * _DAY_NS
    to = np.where(nxt < sf.size, sf[np.minimum(nxt, sf.size - 1)] - ns, big)
    since = np.where(prev >= 0, ns - sf[np.maximum(prev, 0)], big)
    return {
        "hol_sf_to": np.minimum(to // _DAY_NS, SF_CLIP).astype(float),
        "hol_sf_from": np.minimum(since // _DAY_NS, SF_CLIP).astype(float),
    }


def _festivals(days: pd.DatetimeIndex, region: str, years: list[int]) -> dict[str, np.ndarray]:
    cols = {}
    for name, month, first, last in _FIXED[region]:
        starts = [
            pd.Timestamp(year=y, month=month, day=1) + pd.Timedelta(days=first - 1) for y in years
        ]
        cols[name] = _flag(days, starts, [last - first + 1] * len(years))
    if region in _CHRISTMAS:
        cols["fest_xmas_to"] = _days_to_christmas(days)
        fridays = [black_friday(y) for y in years]
        cols["fest_black_friday"] = _flag(days, fridays, [1] * len(years))
        cols["fest_cyber_monday"] = _flag(
            days, [f + pd.Timedelta(days=3) for f in fridays], [1] * len(years)
        )
        cols["fest_prime_day"] = _flag(days, [prime_day(y) for y in years], [2] * len(years))
    return cols


def _days_to_christmas(days: pd.DatetimeIndex) -> np.ndarray:
    """Days until the next December 25 (0 on the day), clipped to :data:`XMAS_CLIP`."""
    this = pd.to_datetime({"year": days.year, "month": 12, "day": 25}).to_numpy()
    to = (this - days.to_numpy()) // np.timedelta64(1, "D")
    # From December 26 the next Christmas is a year away: past the clip either way.
    return np.where(to < 0, XMAS_CLIP, np.minimum(to, XMAS_CLIP)).astype(float)


def event_column(name: str) -> str:
    """Feature column of a user event: ``evt_`` + the name, blanks and punctuation as ``_``."""
    return "evt_" + re.sub(r"[\s\W]+", "_", name.strip()).strip("_")


def _events(days: pd.DatetimeIndex, events: pd.DataFrame | None) -> dict[str, np.ndarray]:
    if events is None:
        return {}
    cols = {"evt_any": np.zeros(days.size)}
    for name, group in events.groupby("event", sort=True):
        lengths = ((group["end_date"] - group["date"]).dt.days + 1).tolist()
        flag = _flag(days, list(group["date"]), lengths)
        col = event_column(name)
        cols[col] = np.maximum(cols.get(col, 0.0), flag)
        cols["evt_any"] = np.maximum(cols["evt_any"], flag)
    return cols


def _daily_festivals(days: pd.DatetimeIndex, region: str, events) -> pd.DataFrame:
    years = list(range(days.min().year - 1, days.max().year + 2))
    cols = _statutory(days, region, years)
    cols.update(_festivals(days, region, years))
    cols.update(_events(days, events))
    return pd.DataFrame(cols, index=days)


def _calendar(dates: pd.DatetimeIndex, kind: str) -> pd.DataFrame:
    """Calendar columns of period dates; ``kind`` is "day", "week" or "month"."""
    cols: dict[str, np.ndarray] = {}
    if kind == "day":
        dow = dates.dayofweek.to_numpy()
        dim = dates.days_in_month.to_numpy()
        dom = dates.day.to_numpy()
        cols.update(cal_dow=dow.astype(float), cal_weekend=(dow >= 5).astype(float))
        cols.update(_cyclic("cal_dow", dow, 7))
        cols.update(cal_dom=dom.astype(float), cal_month_end=(dom == dim).astype(float))
        cols.update(_cyclic("cal_dom", dom - 1, dim))
    if kind in ("day", "week"):
        week = dates.isocalendar().week.to_numpy(dtype=np.int64)
        cols["cal_woy"] = week.astype(float)
        cols.update(_cyclic("cal_woy", week - 1, 52.18))
    month = dates.month.to_numpy()
    cols["cal_month"] = month.astype(float)
    cols.update(_cyclic("cal_month", month - 1, 12))
    return pd.DataFrame(cols, index=dates)


def _cyclic(name: str, value: np.ndarray, period) -> dict[str, np.ndarray]:
    angle = 2 * np.pi * value / period
    return {f"{name}_sin": np.sin(angle), f"{name}_cos": np.cos(angle)}


def date_features(
    dates, freq: str, calendar: bool, festivals: bool, region: str = "CN", events=None
) -> pd.DataFrame:
    """Calendar and festival features of each (unique) period date.

    Parameters
    ----------
    dates : array-like of datetime64
        Unique period dates (as in the ``ds`` column).
    freq : str
        Frequency alias of the data (see :class:`core.periods.PeriodGrid`).
    calendar, festivals : bool
        Which of the two groups to compute.
    region : {"CN", "US", "GB", "intl"}
        Which holidays and festivals apply (see module doc).
    events : pandas.DataFrame, optional
        A user event calendar from :func:`load_event_calendar`.

    Returns
    -------
    pandas.DataFrame
        One row per date, in the order given, with float columns.
    """
    dates = pd.DatetimeIndex(dates)
    grid = PeriodGrid.from_freq(freq)
    if grid.kind == "step" and grid.step <= _DAY_NS:
        kind, start = "day", dates.normalize()
    else:
        kind = "week" if grid.kind == "step" else "month"
        start = pd.DatetimeIndex(grid.dates(grid.periods(dates)))
    parts = []
    if calendar:
        # Mid-period date, so that a week is counted in the month holding most of it.
        mid = start + pd.Timedelta(days=3) if kind == "week" else start
        parts.append(_calendar(mid, kind).set_axis(dates))
    if festivals and dates.size:
        parts.append(_period_festivals(dates, start, kind, grid, region, events))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=dates)


def _period_festivals(dates, start, kind, grid, region, events) -> pd.DataFrame:
    if kind == "day":
        days = pd.DatetimeIndex(np.unique(start))
        return _daily_festivals(days, region, events).reindex(start).set_axis(dates)
    pad = pd.Timedelta(days=62)
    days = pd.date_range(start.min() - pad, start.max() + pad, freq="D")
    daily = _daily_festivals(days, region, events)
    agg = {
        c: ("min" if c.startswith("hol_sf_") or c == "fest_xmas_to" else "sum")
        for c in daily.columns
    }
    table = daily.groupby(grid.periods(days)).agg(agg)
    return table.reindex(grid.periods(dates)).set_axis(dates)
