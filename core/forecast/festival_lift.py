"""The shop's festival lift: how much more (or less) a festival's periods sell, pooled.

A statistical model such as ETS reads the last periods as the level. A history that ends
in the Double 11 presale, a Christmas run-up or just before the Spring Festival shutdown
then carries that spike, or that dip, into every period of the forecast. The LSTM and
LightGBM read the festival calendar as features; the statistical models cannot. So ETS
fits a history with the shop's festival lift taken out, and puts the lift of each future
period back into its forecast and its bands.

:func:`fit_lift` measures the lift from the shop's own sales:

1. each product's sales over a centred rolling median of its own (6 weeks or 28 days
   either side, more than twice the longest festival): a festival cannot make the
   median, so the ratio is the period's lift over the product's level;
2. per period, the mean log ratio over the products, weighted by their level (a slow
   seller's ratios are noise);
3. those per-period values regressed on the festival calendar of
   :func:`core.festivals.date_features` (flags and day counts; the distances to the
   Spring Festival and Christmas as bands of 0-3, 4-7 and 8-14 days: the shutdown and
   the last orders; a run-up of weeks is a season, which not every product shares, and
   is left to the models), with an
   intercept and, for daily data, the weekdays beside them (a festival that always
   falls on a Friday is not credited with Friday's sales); a column that repeats
   another (a user's only event and ``evt_any``) is read once;
4. each coefficient shrunk towards 0 by its standard error (``b * b^2 / (b^2 + se^2)``):
   a festival seen once in a noisy shop lifts little.

Monthly data is left as it is: a month holds its festivals' days among many others, and
the yearly season of a monthly model already carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.data import load_event_calendar
from core.festivals import date_features
from core.periods import PeriodGrid

__all__ = ["BANDS", "MAX_LIFT", "FestivalLift", "festival_lift_of", "fit_lift", "put_back_lift",
           "take_out_lift"]  # fmt: skip

#: Upper ends (days) of the bands that the distances to a festival are read in.
BANDS = (3, 7, 14)
#: Distance columns of :func:`core.festivals.date_features` (read in :data:`BANDS`).
_DISTANCES = ("hol_sf_to", "hol_sf_from", "fest_xmas_to")
#: A period's lift is kept within this factor either way.
MAX_LIFT = 4.0
#: Fewest products with a level in a period for its lift to be read.
MIN_PRODUCTS = 3
#: Periods either side of the rolling median: longer than twice the longest festival
#: (Double 11's presale and day, 23 days), so that a festival never makes the median.
_HALF = {"day": 28, "week": 6}


@dataclass
class FestivalLift:
    """A fitted lift: multipliers of any period's sales from its festival calendar.

    Attributes
    ----------
    freq, region : str
        The frequency and holiday region it was fitted for.
    columns : list of str
        The festival columns read (those that varied over the history).
    coef : numpy.ndarray
        Log lift per unit of each column, after shrinkage.
    se : numpy.ndarray
        Standard error of each coefficient before shrinkage.
    """

    freq: str
    region: str
    columns: list[str] = field(default_factory=list)
    coef: np.ndarray = field(default_factory=lambda: np.zeros(0))
    se: np.ndarray = field(default_factory=lambda: np.zeros(0))
    events: pd.DataFrame | None = None

    def at(self, dates) -> np.ndarray:
        """The multiplier of each period of ``dates`` (1 where no festival falls)."""
        dates = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates)))
        if not self.columns or not len(dates):
            return np.ones(len(dates))
        uniq = dates.unique()
        x = _features(uniq, self.freq, self.region, self.events).reindex(columns=self.columns)
        lift = np.exp(
            np.clip(x.fillna(0.0).to_numpy() @ self.coef, -np.log(MAX_LIFT), np.log(MAX_LIFT))
        )
        return pd.Series(lift, index=uniq).reindex(dates).to_numpy()

    def table(self) -> pd.DataFrame:
        """``feature, lift, se``: the multiplier of one unit of each column (a day of a
        festival in a week, or the flag of a day) and its error, largest effects first."""
        out = pd.DataFrame({"feature": self.columns, "lift": np.exp(self.coef), "se": self.se})
        order = np.argsort(-np.abs(self.coef), kind="stable")
        return out.iloc[order].reset_index(drop=True)

    def describe(self, lang: str = "en", top: int = 4) -> str:
        """The largest effects in words, e.g. ``Double 11 x1.32, 1-3 days after the
        Spring Festival x0.30`` (per day of a festival in a week of weekly data)."""
        table = self.table()
        table = table[(table["lift"] - 1).abs() >= 0.02].head(top)
        zh = lang.startswith("zh")
        words = [
            f"{_label(f, zh)} x{v:.2f}"
            for f, v in zip(table["feature"], table["lift"], strict=True)
        ]
        return ("、" if zh else ", ").join(words)

    def to_dict(self) -> dict:
        """JSON-ready form (the event calendar as records)."""
        events = None
        if self.events is not None:
            events = [{"date": str(pd.Timestamp(r.date).date()), "end_date": str(pd.Timestamp(r.end_date).date()),
                       "event": str(r.event)} for r in self.events.itertuples()]  # fmt: skip
        return {"freq": self.freq, "region": self.region, "columns": list(self.columns),
                "coef": [float(v) for v in self.coef], "se": [float(v) for v in self.se],
                "events": events}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> FestivalLift:
        """Inverse of :meth:`to_dict`."""
        events = data.get("events")
        if events is not None:
            events = pd.DataFrame(events, columns=["date", "end_date", "event"])
            events[["date", "end_date"]] = events[["date", "end_date"]].apply(pd.to_datetime)
        return cls(str(data["freq"]), str(data["region"]), list(data["columns"]),
                   np.asarray(data["coef"], dtype=float), np.asarray(data["se"], dtype=float),
                   events)  # fmt: skip

    @property
    def active(self) -> bool:
        """Whether any festival lifts or lowers sales at all."""
        return bool(self.columns) and bool(np.any(np.abs(self.coef) > 1e-9))


_NAMES = {
    "fest_618": ("a day of the 618 campaign", "618 活动日"),
    "fest_618_peak": ("18 June", "6·18 当天"),
    "fest_d11_presale": ("a day of the Double 11 presale", "双11 预售日"),
    "fest_d11": ("Double 11", "双11 当天"),
    "fest_d12": ("Double 12", "双12"),
    "fest_black_friday": ("Black Friday", "黑色星期五"),
    "fest_cyber_monday": ("Cyber Monday", "网络星期一"),
    "fest_prime_day": ("a Prime Day", "Prime Day"),
    "fest_boxing_day": ("Boxing Day", "节礼日"),
    "hol_off": ("a public holiday", "法定假日"),
    "hol_spring": ("a Spring Festival holiday", "春节假期"),
    "evt_any": ("an event of your calendar", "自定义活动"),
}
_DISTANCE_NAMES = {
    "hol_sf_to": ("before the Spring Festival", "春节前"),
    "hol_sf_from": ("after the Spring Festival", "春节后"),
    "fest_xmas_to": ("before Christmas", "圣诞节前"),
}


def _label(feature: str, zh: bool) -> str:
    """A feature column in words (its own name where none is known)."""
    if feature in _NAMES:
        return _NAMES[feature][zh]
    if feature.startswith("evt_"):
        return feature[4:].replace("_", " ")
    base, _, high = feature.rpartition("_")
    if base in _DISTANCE_NAMES and high.isdigit() and int(high) in BANDS:
        at = BANDS.index(int(high))
        low = BANDS[at - 1] + 1 if at else 0
        where = _DISTANCE_NAMES[base][zh]
        return f"{where} {low}-{high} 天" if zh else f"{low}-{high} days {where}"
    return feature


def festival_lift_of(model) -> FestivalLift | None:
    """The festival lift a fitted model uses: its own (ETS), or that of an ETS inside
    ``auto``'s units or an ensemble's members (the first found); ``None`` without one."""
    seen, todo = set(), [model]
    while todo:
        item = todo.pop(0)
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        lift = getattr(item, "festival_lift_", None)
        if isinstance(lift, FestivalLift) and lift.active:
            return lift
        for attr in ("units_", "members_"):
            todo += [unit.get("estimator") for unit in getattr(item, attr, None) or []]
    return None


def _kind(freq: str) -> str:
    grid = PeriodGrid.from_freq(freq)
    if grid.kind != "step":
        return "month"
    return "day" if grid.step <= pd.Timedelta(days=1).value else "week"


def _features(dates: pd.DatetimeIndex, freq: str, region: str, events) -> pd.DataFrame:
    """Festival columns of ``dates``; distances read as bands (a column each)."""
    x = date_features(dates, freq, calendar=False, festivals=True, region=region, events=events)
    for col in [c for c in _DISTANCES if c in x.columns]:
        dist = x.pop(col).to_numpy()
        low = -1
        for high in BANDS:
            x[f"{col}_{high}"] = ((dist > low) & (dist <= high)).astype(float)
            low = high
    return x


def _period_lift(history: pd.DataFrame, half: int) -> pd.DataFrame:
    """Per period: the level-weighted mean log ratio of the sales to each product's
    centred rolling median, and how many products had a level there."""
    data = history.loc[history["y"].notna(), ["unique_id", "ds", "y"]]
    data = data.sort_values(["unique_id", "ds"], kind="stable")
    rolled = data.groupby("unique_id", sort=False)["y"].rolling(
        2 * half + 1, center=True, min_periods=half + 1
    )
    level = rolled.median().droplevel(0).reindex(data.index).to_numpy()
    keep = level > 0
    data, level = data[keep], level[keep]
    # returns (negative sales) count as none: a ratio needs sales of 0 or more
    ratio = np.log((np.maximum(data["y"].to_numpy(), 0.0) + 0.5) / (level + 0.5))
    frame = pd.DataFrame({"ds": data["ds"].to_numpy(), "wr": ratio * level, "w": level})
    grouped = frame.groupby("ds")
    out = pd.DataFrame({"lift": grouped["wr"].sum() / grouped["w"].sum(), "n": grouped.size()})
    return out[out["n"] >= MIN_PRODUCTS]


def fit_lift(history: pd.DataFrame, freq: str, region: str = "CN", events=None) -> FestivalLift:
    """The shop's festival lift from ``history`` (``unique_id``, ``ds``, ``y``).

    Parameters
    ----------
    history : pandas.DataFrame
        The shop's sales (NaN sales are ignored).
    freq : str
        Frequency alias of the rows; monthly data gets no lift (module doc).
    region : {"CN", "US", "GB", "intl"}
        Which holidays and festivals apply.
    events : pandas.DataFrame, optional
        A user event calendar (:func:`core.data.side_files.load_event_calendar`).

    Returns
    -------
    FestivalLift
        With no columns (a multiplier of 1 everywhere) when the data is monthly, too
        short, or no festival falls in its history.
    """
    kind = _kind(freq)
    empty = FestivalLift(freq, region, events=events)
    if kind not in _HALF or history.empty:
        return empty
    per = _period_lift(history, _HALF[kind])
    if len(per) < 3 * _HALF[kind]:
        return empty
    dates = pd.DatetimeIndex(per.index)
    x = _features(dates, freq, region, events)
    x = x.loc[:, x.std(ddof=0) > 0]
    # a column that repeats another is read once: a user's only event is also "any
    # event" (the named one is kept), an event may be a festival too
    x = x[[c for c in x.columns if c != "evt_any"] + [c for c in x.columns if c == "evt_any"]]
    x = x.T.drop_duplicates().T
    if x.empty:
        return empty
    nuisance = [np.ones(len(x))]
    if kind == "day":
        dow = dates.dayofweek.to_numpy()
        nuisance += [(dow == d).astype(float) for d in range(1, 7)]
    design = np.column_stack([x.to_numpy(), *nuisance])
    k = x.shape[1]
    gram = design.T @ design + 1e-6 * np.eye(design.shape[1])
    target = per["lift"].to_numpy()
    beta = np.linalg.solve(gram, design.T @ target)
    resid = target - design @ beta
    dof = max(len(target) - design.shape[1], 1)
    se = np.sqrt(np.diag(np.linalg.inv(gram)) * float(resid @ resid) / dof)[:k]
    coef = beta[:k]
    shrunk = coef * coef**2 / (coef**2 + se**2 + 1e-12)
    return FestivalLift(freq, region, list(x.columns), shrunk, se, events)


def take_out_lift(
    frame: pd.DataFrame, freq: str, model
) -> tuple[pd.DataFrame, FestivalLift | None]:
    """``frame`` with the shop's lift taken out of its sales, and the lift (``None``, and
    the frame as it is, when ``model.festivals`` is off or no festival lifts anything).
    ``model`` gives ``festivals``, ``region`` and ``events_path``."""
    if not getattr(model, "festivals", False):
        return frame, None
    path = getattr(model, "events_path", None)
    events = load_event_calendar(path) if path else None
    lift = fit_lift(frame, freq, getattr(model, "region", "CN"), events)
    if not lift.active:
        return frame, None
    return frame.assign(y=frame["y"] / lift.at(frame["ds"])), lift


def put_back_lift(forecast: pd.DataFrame, lift: FestivalLift | None) -> pd.DataFrame:
    """``forecast`` (``ds``, ``forecast``, ``median``, ``lo_*``, ``hi_*``) times each
    period's lift; as it is without one."""
    if lift is None or not len(forecast):
        return forecast
    cols = [c for c in forecast.columns if c in ("forecast", "median") or c[:3] in ("lo_", "hi_")]
    forecast[cols] = forecast[cols].mul(lift.at(forecast["ds"]), axis=0)
    return forecast
