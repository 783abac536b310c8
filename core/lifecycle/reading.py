"""The stage rules: an operator's reading of a product's fitted level.

From the level of :func:`core.lifecycle.trend.fit_trend` (log sales per day, free of
noise, season, festivals and promotions), at every period:

* the weekly change of the level over the last 8 weeks (rising is read there: weekly
  sales that swing by a third make a 4-week slope mostly noise) and over the last 4
  (one or two months for monthly data), with its standard error;
* ``share`` of the peak: the level over the highest level it surely reached up to then
  (each level less :data:`PEAK_SE` standard errors, so a noisy bump is no peak);
* ``age``: weeks since the rise began from a low: the product's first row when its
  first two weeks sold under :data:`LAUNCH_SHARE` of a later level (a launch), or a
  trough under :data:`RELAUNCH_SHARE` of an earlier peak (a relaunch).

and the stage is

* **introduction**: launched (or relaunched) at most :data:`TAKEOFF_WEEKS` weeks ago, or
  up to :data:`INTRO_WEEKS` while still rising by :data:`TAKEOFF` a week, and not shown
  flat by its sales (4-week slope :data:`EVIDENCE` standard errors below :data:`RISE`)
  nor in decline;
* **growth**: rising (8-week slope at least :data:`RISE` a week, the last 4 weeks not
  falling), and older than that;
* **decline**: not rising, past a peak at least :data:`PEAK_WEEKS` weeks back, below
  :data:`DECLINE_SHARE` of it and falling over the last 4 weeks, or below
  :data:`DEEP_SHARE` of it; unless the fall repeats the same weeks of a year before
  at about the same level (:data:`YEAR_SHARE`): that is the season; or unless the
  level has stayed within :data:`SETTLED_BAND` of today's for :data:`SETTLED_WEEKS`
  weeks: a fall that ended long ago is a new plateau;
* **maturity**: the rest: neither rising nor fallen away from its peak.

These are the words of the stages (a product that rose 175 % in 8 weeks is not mature,
whatever share of a fitted peak it reaches). The numbers were set on the tuning seeds
of the independent test bed ``benchmarks/lifecycle_bed.py`` and checked on its held-out
seeds, at three frequencies, and on the sample shop (``python -m
benchmarks.bench_lifecycle``). The confidence is the normal probability of the smallest
margin to a rule's threshold, in standard errors, over :data:`SPREAD` (the rules' own
error besides noise), with a floor of 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from core.lifecycle.trend import Trend

__all__ = [
    "DECLINE_SHARE",
    "DEEP_SHARE",
    "FALL",
    "EVIDENCE",
    "INTRO_WEEKS",
    "LAUNCH_SHARE",
    "RISE",
    "RISE_NOW",
    "SETTLED_BAND",
    "SETTLED_WEEKS",
    "SPREAD",
    "TAKEOFF",
    "TAKEOFF_WEEKS",
    "YEAR_FALL",
    "YEAR_SHARE",
    "Reading",
    "read_levels",
]

#: Weekly growth (log, over 8 weeks) from which a product is rising.
RISE = 0.045
#: ... provided its last 4 weeks still grow at least this much a week.
RISE_NOW = 0.0
#: Standard errors by which a launch's slope must fall short of a rise to be flat.
EVIDENCE = 2.0
#: Weeks since launch during which a rising product is in introduction.
INTRO_WEEKS = 10.0
#: Weeks after launch within which a product that is not flat is in introduction; up
#: to :data:`INTRO_WEEKS` only while it still rises by :data:`TAKEOFF` a week (log).
TAKEOFF_WEEKS = 8.0
TAKEOFF = 0.2
#: A first row whose level is below this share of the highest level since is a launch.
LAUNCH_SHARE = 0.3
#: A rise from a trough below this share of the earlier peak is a relaunch.
RELAUNCH_SHARE = 0.6
#: Below this share of its peak (4 weeks or more back), falling, a product is in decline.
DECLINE_SHARE = 0.7
#: Weekly fall (log, over 4 weeks) from which a product below its peak is falling.
FALL = 0.0
#: Below this share of its peak a product that is not rising is in decline.
DEEP_SHARE = 0.6
#: Standard errors taken off each level before the highest is taken as the peak.
PEAK_SE = 1.0
#: Weeks a peak must lie back before a fall from it counts.
PEAK_WEEKS = 4.0
#: A fall is the season again (no decline) when the level is within these shares of
#: the level a year before, and a year before it fell over the same 8 weeks too (far
#: above a year before, the fall is a relaunch's, not the season's).
YEAR_SHARE = (0.9, 1.25)
#: ... by at least this share of today's 8-week fall, and at most its inverse.
YEAR_FALL = 0.5
_YEAR_DAYS = 364.0
#: A product whose level stayed within this share of today's (either way) over the last
#: :data:`SETTLED_WEEKS` weeks has settled: not in decline, however far below an old peak.
SETTLED_BAND = 0.9
SETTLED_WEEKS = 26.0
#: The rules' own error, in standard errors, on top of the level's noise.
SPREAD = 1.5
_SLOPE_DAYS = 28.0


@dataclass
class Reading:
    """The numbers behind the stage at every period of a product (arrays per period)."""

    growth: np.ndarray
    growth_se: np.ndarray
    share: np.ndarray
    peak_at: np.ndarray
    age: np.ndarray
    stage: np.ndarray
    confidence: np.ndarray
    year_share: np.ndarray | None = None
    repeat: np.ndarray | None = None
    settled: np.ndarray | None = None


def _slope(trend: Trend, days: float) -> tuple[np.ndarray, np.ndarray]:
    """Weekly log change of the level over about ``days`` back, and its standard error.

    The error is exact at the last period (from the fit's covariance); elsewhere it is
    the same share of the level's own error (the smoothed levels move together).
    """
    t, level, se = trend.t, trend.level, trend.se
    n = len(t)
    lag = np.searchsorted(t, t - days + 1e-6, side="left")
    lag = np.minimum(lag, np.arange(n) - 1).clip(0)
    weeks = np.maximum((t - t[lag]) / 7.0, 1e-9)
    growth = np.where(np.arange(n) > 0, (level - level[lag]) / weeks, 0.0)
    var_last = se[-1] ** 2 + se[lag[-1]] ** 2 - 2 * trend.cov_last[lag[-1]]
    ratio = np.sqrt(max(var_last, 1e-12)) / max(se[-1], 1e-9)
    return growth, np.maximum(ratio * se / weeks, 1e-4)


def read_levels(trend: Trend, first_day: float, first_rate: float | None = None) -> Reading:
    """The stage and its numbers at every period of ``trend``.

    ``first_day``: the product's first row, in days since the epoch; ``first_rate``: its
    sales per day over its first two weeks (the fitted level there when not given). The
    first row is a launch when that rate is below :data:`LAUNCH_SHARE` of a later level.
    """
    level, se = trend.level, trend.se
    growth, growth_se = _slope(trend, _SLOPE_DAYS)
    # the peak is the highest level it surely reached: a noisy bump counts less
    sure = level - PEAK_SE * se
    peak = np.maximum(np.maximum.accumulate(sure), level)
    peak_at = _running_argmax(sure)
    share = np.exp(level - peak)
    first = level[0] if first_rate is None else np.log(max(first_rate, 1e-6))
    rise_from = _rise_start(level, first)
    launched = rise_from >= 0
    start = np.where(launched, trend.t[np.maximum(rise_from, 0)] - 3.5, first_day)
    start = np.where(rise_from == 0, first_day, start)
    age = (trend.t + 3.5 - start) / 7.0
    since_peak = (trend.t - trend.t[peak_at]) / 7.0
    # Rising is read over 8 weeks: a 4-week slope of a product whose weekly sales
    # swing by a third is mostly noise; the 4-week slope still tells a launch's
    # take-off and the words of the reason.
    long, long_sd = _slope(trend, 2 * _SLOPE_DAYS)
    # the take-off: the first weeks, or near the end of them still rising steeply
    # (a product whose rows began only weeks ago was launched recently, whatever its
    # first rows sold: a slow first fortnight need not be a third of the level now)
    fresh = (trend.t + 3.5 - first_day) / 7.0 <= TAKEOFF_WEEKS
    soon = (age <= TAKEOFF_WEEKS) | ((age <= INTRO_WEEKS) & (growth >= TAKEOFF))
    young = (launched | fresh) & soon
    rising = (long >= RISE) & (growth >= RISE_NOW)
    # a launch in its first weeks rises unless its sales show it does not
    flat = growth + EVIDENCE * growth_se < RISE
    gap_se = np.maximum(se, 1e-4)
    past = since_peak >= PEAK_WEEKS
    falling = growth <= -FALL
    year_share, repeat = _year_before(trend, long)
    inside = _settled(trend)
    with np.errstate(invalid="ignore"):
        settled = inside >= 0
    fallen = past & ~rising & (((share <= DECLINE_SHARE) & falling) | (share <= DEEP_SHARE))
    decline = fallen & ~repeat & ~settled
    stage = np.where(
        young & ~flat & ~decline,
        "introduction",
        np.where(rising, "growth", np.where(decline, "decline", "maturity")),
    ).astype(object)
    stage = np.where(young & (stage == "growth"), "introduction", stage).astype(object)
    margin = _margins(stage, long, long_sd, share, gap_se, age)
    # a fall read as the season: how surely the level is where it was a year before
    with np.errstate(invalid="ignore"):
        again = (np.log(np.where(repeat, year_share, 1.0)) - np.log(YEAR_SHARE[0])) / (np.sqrt(2) * gap_se)
    not_rising = -(long - RISE) / long_sd
    # ... or read as a new plateau: how far inside its band the level stayed
    excused = fallen & (stage == "maturity")
    margin = np.where(excused & repeat, np.minimum(not_rising, again), margin)
    margin = np.where(excused & settled & ~repeat, np.minimum(not_rising, inside), margin)
    confidence = np.clip(ndtr(margin / SPREAD), 0.5, 0.99)
    return Reading(growth, growth_se, share, peak_at, age, stage, confidence, year_share, repeat, settled)


def _settled(trend: Trend) -> np.ndarray:
    """Per period, in standard errors of the level: how far inside :data:`SETTLED_BAND`
    of today's level (either way) it stayed over the last :data:`SETTLED_WEEKS` weeks;
    NaN without that much history. At 0 or more the product has settled: a fall that
    ended long ago, a new plateau, however far below an old peak."""
    t, level = trend.t, trend.level
    n = len(t)
    step = float(np.median(np.diff(t))) if n > 1 else 7.0
    span = int(round(7 * SETTLED_WEEKS / step)) + 1
    if n < span:
        return np.full(n, np.nan)
    roll = pd.Series(level).rolling(span)
    away = np.maximum(roll.max().to_numpy() - level, level - roll.min().to_numpy())
    return (np.log(1 / SETTLED_BAND) - away) / np.maximum(trend.se, 1e-4)


def _year_before(trend: Trend, long: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per period: the level over the level 52 weeks before (NaN without that much
    history), and whether today's fall repeats one of a year before: the level within
    :data:`YEAR_SHARE` of then, and then falling over 8 weeks by at least
    :data:`YEAR_FALL` of today's fall and at most 1 / :data:`YEAR_FALL` of it. An
    operator reads such a fall as the season (the yearly model of
    :mod:`core.lifecycle.trend` may have missed it by a little)."""
    t, level = trend.t, trend.level
    back = np.searchsorted(t, t - _YEAR_DAYS - 1e-6, side="left")
    known = (t - _YEAR_DAYS - 2 * _SLOPE_DAYS >= t[0] - 1e-6) & (back > 0)
    back = np.where(known, back, 0)
    year_share = np.where(known, np.exp(level - level[back]), np.nan)
    fell = long < 0
    near = (year_share >= YEAR_SHARE[0]) & (year_share <= YEAR_SHARE[1])
    # a year before it fell about as much: from half as fast to twice as fast
    alike = (long[back] <= YEAR_FALL * long) & (long[back] >= long / YEAR_FALL)
    repeat = known & fell & near & alike
    return year_share, repeat


def _rise_start(level: np.ndarray, first: float, tol: float = 0.03) -> np.ndarray:
    """Per period, where the rise it is in began from a low (the launch, or a relaunch
    from a trough well below an earlier peak); -1 where it did not start low.

    A rise runs back while the level never fell by more than ``tol`` (log) from one
    period to the next. It is a launch when it starts at the first row (log rate
    ``first``) below
    :data:`LAUNCH_SHARE` of the level now, a relaunch when it starts from a trough below
    :data:`RELAUNCH_SHARE` of the peak before it.
    """
    n = len(level)
    idx = np.arange(n)
    fell = np.concatenate([[True], level[1:] < level[:-1] - tol])
    start = np.maximum.accumulate(np.where(fell, idx, 0))
    launch = (start == 0) & (first - level <= np.log(LAUNCH_SHARE))
    before = np.concatenate([[-np.inf], np.maximum.accumulate(level)[:-1]])
    relaunch = (start > 0) & (level[start] - before[start] <= np.log(RELAUNCH_SHARE))
    return np.where(launch | relaunch, start, -1)


def _running_argmax(x: np.ndarray) -> np.ndarray:
    """Index of the maximum of ``x[:i+1]`` for every ``i``."""
    best = np.maximum.accumulate(x)
    idx = np.where(x >= best, np.arange(len(x)), 0)
    return np.maximum.accumulate(idx)


def _margins(stage, slope, slope_sd, share, gap_se, age) -> np.ndarray:
    """The smallest margin, in standard errors, between each answer and another stage."""
    log_share = np.log(np.maximum(share, 1e-9))
    rise = (slope - RISE) / slope_sd
    below = (np.log(DECLINE_SHARE) - log_share) / gap_se
    age_margin = np.abs(age - INTRO_WEEKS) / 1.0
    out = np.full(len(stage), 3.0)
    out = np.where(stage == "introduction", np.minimum(np.maximum(rise, 0.5), age_margin), out)
    out = np.where(stage == "growth", np.minimum(rise, age_margin), out)
    out = np.where(stage == "maturity", np.minimum(-rise, -below), out)
    out = np.where(stage == "decline", np.minimum(-rise, below), out)
    return out
