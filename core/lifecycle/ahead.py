"""The next stage, called ahead: when a rising product peaks, when a mature one declines.

What the shop's own products did is the evidence (:class:`ShopHistory`): from every
product's level over its history (hindsight), how many weeks launches seen in the
data kept rising before their plateau, and how many weeks plateaus lasted, per category
where the data has categories (with at least :data:`MIN_CASES` finished cases; else the
whole shop's), never from the product itself. A product's next stage is then dated by
the median of the cases that lasted longer than it has so far (a plateau 20 weeks old
is compared with plateaus that lasted more than 20 weeks):

* **introduction -> growth**: at :data:`~core.lifecycle.reading.INTRO_WEEKS` weeks after
  launch, while it keeps rising;
* **growth -> maturity**: the end of the rise, from the rises' typical length; without
  cases, the current weekly growth run down at the rate it slowed over 4 weeks;
* **maturity -> decline**: the end of the plateau. A plateau is measured on the level
  itself, the same way for the product and for the shop's finished cases
  (:func:`plateau_span`): from the first period the level came within
  :data:`PLATEAU_BAND` of its peak to the last one before it fell away for good (a
  noisy dip inside it does not end it). A plateau older than every finished case is
  overdue: its end is called :data:`OVERDUE_WEEKS` ahead. An end within
  :data:`SOON_WEEKS` is called only when the level already falls (by
  :data:`FALL_EVIDENCE` standard errors over 4 weeks); without that evidence it is put
  just past them. Without cases, a forecast whose de-seasonalised level falls below
  :data:`~core.lifecycle.reading.DECLINE_SHARE` of the peak dates it; with neither,
  nothing is said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.lifecycle.product import Product
from core.lifecycle.reading import DECLINE_SHARE, INTRO_WEEKS, RISE

__all__ = [
    "FALL_EVIDENCE", "MIN_CASES", "OVERDUE_WEEKS", "PLATEAU_BAND", "SOON_WEEKS",
    "ShopHistory", "next_transition", "plateau_span", "rise_end",
]  # fmt: skip

#: Finished cases a category needs before its own durations are used.
MIN_CASES = 3
#: A plateau is the time the level spends within this share of its peak.
PLATEAU_BAND = 0.85
#: Weeks ahead a plateau end is called when the plateau outlasted every finished case.
OVERDUE_WEEKS = 8.0
#: A plateau end within this many weeks is called only when the level is falling by
#: :data:`FALL_EVIDENCE` standard errors over the last 4 weeks; else it is put just after.
SOON_WEEKS = 8.0
FALL_EVIDENCE = 1.0
# A finished plateau's product fell below this share of its peak after it, and its
# rise was seen (its level before the plateau was once under _SEEN_RISE of the peak).
_FALLEN = 0.75
_SEEN_RISE = 0.5
_DAY = pd.Timedelta(days=1).value
_NEXT = {"introduction": "growth", "growth": "maturity", "maturity": "decline"}


def _runs(stage: np.ndarray) -> list[tuple[str, int, int]]:
    """``(stage, first, stop)`` of each run of equal stages."""
    cut = np.flatnonzero(stage[1:] != stage[:-1]) + 1
    starts, stops = np.concatenate([[0], cut]), np.concatenate([cut, [len(stage)]])
    return [(stage[a], int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def plateau_span(level: np.ndarray) -> tuple[int, int, bool]:
    """``(first, stop, finished)`` of the plateau of a log ``level``.

    ``first`` is the first period within :data:`PLATEAU_BAND` of the peak, ``stop`` the
    period after the last one within it (``len(level)`` when the level is still
    there). ``finished``: the level fell below :data:`_FALLEN` of the peak after it
    and the rise to it was seen, so ``stop - first`` is the whole plateau.
    """
    top = float(np.max(level))
    above = np.flatnonzero(level >= top + np.log(PLATEAU_BAND))
    first, stop = int(above[0]), int(above[-1]) + 1
    finished = (
        stop < len(level)
        and level[-1] <= top + np.log(_FALLEN)
        and float(np.min(level[: first + 1])) <= top + np.log(_SEEN_RISE)
    )
    return first, stop, bool(finished)


def rise_end(stage: np.ndarray) -> int | None:
    """First period after a rise seen from its start (maturity or decline), if any."""
    runs = _runs(stage)
    if len(runs) < 2 or runs[0][0] not in ("introduction", "growth"):
        return None
    return next((a for s, a, _ in runs[1:] if s in ("maturity", "decline")), None)


@dataclass
class ShopHistory:
    """Finished rises and plateaus (weeks) of a shop's products, by category."""

    rises: dict = field(default_factory=dict)
    plateaus: dict = field(default_factory=dict)

    @classmethod
    def from_products(cls, prods: list[Product]) -> ShopHistory:
        out = cls()
        for prod in prods:
            rd = prod.reading
            if rd is None:
                continue
            weeks = prod.trend.t / 7.0
            end = rise_end(rd.stage)
            first, stop, finished = plateau_span(prod.trend.level)
            # a product the rules still read mature has not ended its plateau (a
            # season's low, the same fall as a year before, is no end)
            finished = finished and rd.stage[-1] != "maturity"
            for key in (prod.category, None):
                if finished:
                    out.plateaus.setdefault(key, []).append((prod.uid, weeks[stop] - weeks[first]))
                if end is not None and prod.seen_launch:
                    out.rises.setdefault(key, []).append((prod.uid, float(rd.age[end])))
        return out

    def cases(self, kind: str, category, exclude: str | None = None) -> np.ndarray:
        """Durations (weeks) of the category's finished cases (the shop's, when the
        category has too few), leaving out the product ``exclude`` itself."""
        table = self.rises if kind == "rise" else self.plateaus

        def weeks(key):
            return [w for uid, w in table.get(key, []) if uid != exclude]

        own = weeks(category) if category is not None else []
        return np.asarray(own if len(own) >= MIN_CASES else weeks(None), dtype=float)


def _conditional(cases: np.ndarray, so_far: float, overdue: float | None = None) -> float | None:
    """Median of the cases longer than ``so_far``, minus ``so_far`` (weeks left).

    With too few longer cases: ``overdue`` weeks when the cases themselves are enough
    (the product outlasted them), else ``None``.
    """
    longer = cases[cases > so_far]
    if len(longer) < max(2, MIN_CASES - 1):
        if overdue is not None and len(cases) >= MIN_CASES and not len(longer):
            return overdue
        return None
    return float(np.median(longer) - so_far)


def _date(t_days: float) -> pd.Timestamp:
    return pd.Timestamp(int(t_days * _DAY)).normalize()


def next_transition(prod: Product, stage: str, history: ShopHistory, forecast: pd.DataFrame | None) -> tuple:
    """Next stage and the date it starts, or ``(None, NaT)`` when nothing points to one."""
    nxt, rd = _NEXT.get(stage), prod.reading
    if nxt is None or rd is None:
        return None, pd.NaT
    t_now = float(prod.trend.t[-1]) + 3.5
    if stage == "introduction":
        start = t_now - 7 * float(rd.age[-1])
        return nxt, _date(max(start + 7 * INTRO_WEEKS, t_now + 1))
    if stage == "growth":
        left = _conditional(history.cases("rise", prod.category, prod.uid), float(rd.age[-1]))
        if left is None:
            left = _run_down(rd)
        return (nxt, _date(t_now + 7 * max(left, 1.0))) if left is not None else (None, pd.NaT)
    # the plateau of the current rise (a relaunch's, not its first life's)
    t = prod.trend.t
    rise = int(np.searchsorted(t, t_now - 7 * float(rd.age[-1])))
    rise = min(rise, len(t) - 1)
    first, _, _ = plateau_span(prod.trend.level[rise:])
    so_far = (t_now - float(t[rise + first]) + 3.5) / 7.0
    cases = history.cases("plateau", prod.category, prod.uid)
    left = _conditional(cases, so_far, OVERDUE_WEEKS)
    if left is not None:
        # A decline within weeks is a call to prepare the clearance: it needs a fall
        # the sales already show, not the durations of other products alone.
        if left <= SOON_WEEKS and rd.growth[-1] + FALL_EVIDENCE * rd.growth_se[-1] >= 0:
            left = SOON_WEEKS + 1.0
        return nxt, _date(t_now + 7 * max(left, 1.0))
    when = _forecast_fall(prod, forecast)
    return (nxt, when) if when is not None else (None, pd.NaT)


def _run_down(rd) -> float | None:
    """Weeks until the weekly growth falls below :data:`RISE`, slowing as it has."""
    g_now = float(rd.growth[-1])
    lag = max(0, len(rd.growth) - 5)
    g_then = float(rd.growth[lag])
    if not (0 < g_now < g_then):
        return None
    ratio = g_now / g_then
    periods = np.log(RISE / g_now) / np.log(ratio)
    weeks = 4.0 * max(float(periods), 0.0)
    return weeks if weeks <= 52 else None


def _forecast_fall(prod: Product, forecast: pd.DataFrame | None) -> pd.Timestamp | None:
    """First forecast date at which the share of the peak, carried along by the
    forecast's de-seasonalised 4-week mean, falls below the decline share."""
    if forecast is None:
        return None
    rows = forecast[forecast["unique_id"] == prod.uid].sort_values("ds")
    if len(rows) < 14:
        return None
    dates = rows["ds"].to_numpy(dtype="datetime64[ns]")
    t = dates.view(np.int64) / _DAY
    season = np.exp(prod.trend.season_at(t))
    lengths = np.diff(np.append(t, t[-1] + (t[-1] - t[-2])))
    rate = rows["forecast"].to_numpy(dtype=float) / np.maximum(lengths, 1e-9) / season
    window = max(1, int(round(28 / float(np.median(lengths)))))
    if len(rate) < window:
        return None
    level = pd.Series(rate).rolling(window).mean().to_numpy()[window - 1 :]
    if not level[0] > 0:
        return None
    # The share now, moved as the forecast moves from its first 4 weeks: a forecast
    # merely sitting below the fitted level is no change of stage.
    share = float(prod.reading.share[-1]) * level / level[0]
    below = np.flatnonzero(share < DECLINE_SHARE)
    return pd.Timestamp(dates[window - 1 + below[0]]).normalize() if len(below) else None
