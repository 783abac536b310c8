"""The next stage, called ahead: when a rising product peaks, when a mature one declines.

What the shop's own products did is the evidence (:class:`ShopHistory`): from every
product's reading over its history (hindsight), how many weeks launches seen in the
data kept rising before their plateau, and how many weeks plateaus lasted before a
decline, per category where the data has categories (with at least :data:`MIN_CASES`
finished cases; else the whole shop's), never from the product itself. A product's
next stage is then dated by the median of the cases that lasted longer than it has so
far (a plateau 20 weeks old is compared with plateaus that lasted more than 20 weeks):

* **introduction -> growth**: at :data:`~core.lifecycle.reading.INTRO_WEEKS` weeks after
  launch, while it keeps rising;
* **growth -> maturity**: the end of the rise, from the rises' typical length; without
  cases, the current weekly growth run down at the rate it slowed over 4 weeks;
* **maturity -> decline**: the start of the decline, from the plateaus' typical length;
  without cases, a forecast whose de-seasonalised level falls below
  :data:`~core.lifecycle.reading.DECLINE_SHARE` of the peak dates it; with neither,
  nothing is said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.lifecycle.product import Product
from core.lifecycle.reading import DECLINE_SHARE, INTRO_WEEKS, RISE

__all__ = ["MIN_CASES", "ShopHistory", "next_transition", "plateaus", "rise_end"]

#: Finished cases a category needs before its own durations are used.
MIN_CASES = 3
_DAY = pd.Timedelta(days=1).value
_NEXT = {"introduction": "growth", "growth": "maturity", "maturity": "decline"}


def _runs(stage: np.ndarray) -> list[tuple[str, int, int]]:
    """``(stage, first, stop)`` of each run of equal stages."""
    cut = np.flatnonzero(stage[1:] != stage[:-1]) + 1
    starts, stops = np.concatenate([[0], cut]), np.concatenate([cut, [len(stage)]])
    return [(stage[a], int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def plateaus(stage: np.ndarray) -> list[tuple[int, int]]:
    """``(first, stop)`` of each maturity run that a decline ended, its start in the data."""
    runs = _runs(stage)
    return [(a, b) for (s, a, b), nxt in zip(runs[:-1], runs[1:], strict=True)
            if s == "maturity" and nxt[0] == "decline" and a > 0]  # fmt: skip


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
            for key in (prod.category, None):
                for a, b in plateaus(rd.stage):
                    out.plateaus.setdefault(key, []).append((prod.uid, weeks[b] - weeks[a]))
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


def _conditional(cases: np.ndarray, so_far: float) -> float | None:
    """Median of the cases longer than ``so_far``, minus ``so_far`` (weeks left)."""
    longer = cases[cases > so_far]
    if len(longer) < max(2, MIN_CASES - 1):
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
    runs = [r for r in _runs(rd.stage) if r[0] == "maturity"]
    start = runs[-1][1] if runs else len(rd.stage) - 1
    so_far = (t_now - float(prod.trend.t[start])) / 7.0
    left = _conditional(history.cases("plateau", prod.category, prod.uid), so_far)
    if left is not None:
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
