"""The operator's reading of a life curve: which stage a product is in at age ``a``.

The truth of the test bed is read from the noise-free, de-seasonalised trend ``L`` (units/day,
one value per day since launch), never from any classifier. With ``s`` the start of the
current segment (0, or the relaunch day), ``P = max L[s:]`` the segment's eventual peak,
``Pd(a) = max L[s..a]`` the peak so far, ``w_k(a) = L(a-7k)/L(a-7k-7) - 1`` the weekly
changes and ``g4(a) = (L(a)/L(a-28))^(1/4) - 1`` the mean weekly change over four weeks:

=============  ===========================================================================
introduction   ``a - s <= 70`` days, ``L(a) <= 0.5 P``, ``w_0(a) >= +3 %``
growth         ``a - s > 70``, ``g4(a) >= +3 %``, every ``w_k(a) > 0`` (k = 0..3),
               ``L(a) <= 0.85 P``
maturity       ``|L(t)/P - 1| <= 10 %`` for all t in ``[a-28, a]``, every ``|w_k(a)| <= 1.5 %``
decline        ``L(a) <= 0.75 Pd(a)``, ``g4(a) <= -1.5 %``, and the peak so far lies inside
               the visible history: its last day at the level ``Pd(a)`` comes at least a week
               after the product's first row (the bed checks this when it places the window)
=============  ===========================================================================

The plain rules rarely overlap (only introduction with decline, on a relaunch that is still
falling off its first life); where they do the reading is ambiguous. A cut is *unambiguous* for a stage when (1) the rules hold
with every threshold tightened by one margin step (7 days on ages; 0.05 on level ratios;
0.5 %/week on the 4-week rates and on the growth's weekly floor; 1 %/week on the
introduction's weekly rise; 0.02 on the maturity band; 0.3 %/week on the maturity's
flatness), (2) no other stage holds even with its thresholds loosened by one step, (3) the
plain rules give the same stage one week before and one week after the cut, and (4) the
trend averaged 0.12 units/day or more over the last 90 days (or the whole life if shorter),
so a scored product never looks inactive only because it sells too slowly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

STAGES = ("introduction", "growth", "maturity", "decline")
#: The mean trend over the last 90 days must be at least this (units/day): no scored product
#: may look inactive (no sale in 90 days) only because it sells too slowly.
MIN_RECENT = 0.12
WEEK = 7
WINDOW = 28


def _shift(x: np.ndarray, k: int) -> np.ndarray:
    out = np.full(len(x), np.nan)
    out[k:] = x[: len(x) - k]
    return out


def _rolling(x: np.ndarray, width: int, how) -> np.ndarray:
    padded = np.concatenate([np.full(width - 1, np.nan), x])
    return how(sliding_window_view(padded, width), axis=1)


def _recent_mean(x: np.ndarray, width: int) -> np.ndarray:
    """Mean over the last ``width`` days, or over the whole life when it is shorter."""
    total = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(len(x))
    lo = np.maximum(idx + 1 - width, 0)
    return (total[idx + 1] - total[lo]) / (idx + 1 - lo)


@dataclass
class Features:
    """Per-age quantities the rules read; arrays indexed by age in days."""

    L: np.ndarray
    seg_start: int
    peak: float
    peak_so_far: np.ndarray
    peak_so_far_age: np.ndarray
    weekly: np.ndarray  # (4, n): w_0 .. w_3
    g4: np.ndarray
    band: np.ndarray  # max |L/P - 1| over the last 29 days
    mean90: np.ndarray

    @classmethod
    def of(cls, L: np.ndarray, seg_start: int) -> Features:
        """Compute every feature of curve ``L`` whose current segment starts at ``seg_start``."""
        lf = np.maximum(L, 1e-9)
        w0 = lf / _shift(lf, WEEK) - 1.0
        weekly = np.stack([_shift(w0, WEEK * k) if k else w0 for k in range(4)])
        seg = np.where(np.arange(len(L)) >= seg_start, L, 0.0)
        peak = float(seg.max())
        so_far = np.maximum.accumulate(seg)
        idx = np.arange(len(L))
        so_far_age = np.maximum.accumulate(np.where(seg >= so_far, idx, 0))
        return cls(
            L=L,
            seg_start=seg_start,
            peak=peak,
            peak_so_far=so_far,
            peak_so_far_age=so_far_age,
            weekly=weekly,
            g4=(lf / _shift(lf, WINDOW)) ** 0.25 - 1.0,
            band=_rolling(np.abs(L / peak - 1.0), WINDOW + 1, np.max),
            mean90=_recent_mean(L, 90),
        )


def stage_masks(f: Features, m: int = 0) -> dict[str, np.ndarray]:
    """For every age, whether each stage's rule holds; ``m`` = +1 tight, 0 plain, -1 loose."""
    seg_age = np.arange(len(f.L)) - f.seg_start
    in_seg = seg_age >= 0
    level, peak = f.L, f.peak
    with np.errstate(invalid="ignore"):
        return {
            "introduction": in_seg
            & (seg_age <= 70 - 7 * m)
            & (level <= (0.5 - 0.05 * m) * peak)
            & (f.weekly[0] >= 0.03 + 0.01 * m),
            "growth": in_seg
            & (seg_age > 70 + 7 * m)
            & (f.g4 >= 0.03 + 0.005 * m)
            & (f.weekly.min(axis=0) > 0.005 * m)
            & (level <= (0.85 - 0.05 * m) * peak),
            "maturity": in_seg
            & (f.band <= 0.10 - 0.02 * m)
            & (np.abs(f.weekly).max(axis=0) <= 0.015 - 0.003 * m),
            "decline": in_seg
            & (level <= (0.75 - 0.05 * m) * f.peak_so_far)
            & (f.g4 <= -0.015 - 0.005 * m),
        }


def plain_labels(f: Features) -> np.ndarray:
    """The stage by the plain rules at every age, '' where none or more than one holds."""
    masks = stage_masks(f, 0)
    labels = np.full(len(f.L), "", dtype=object)
    for stage in STAGES:
        labels[masks[stage]] = stage
    labels[sum(m.astype(int) for m in masks.values()) > 1] = ""
    return labels


def unambiguous(f: Features, stage: str) -> np.ndarray:
    """Ages where the truth is ``stage`` beyond doubt (tight rule, no loose rival, stable)."""
    tight = stage_masks(f, +1)[stage]
    loose = stage_masks(f, -1)
    rival = np.zeros(len(f.L), dtype=bool)
    for other in STAGES:
        if other != stage:
            rival |= loose[other]
    labels = plain_labels(f)
    same = labels == stage
    stable = np.zeros(len(f.L), dtype=bool)
    stable[WEEK:-WEEK] = same[: -2 * WEEK] & same[2 * WEEK :]
    with np.errstate(invalid="ignore"):
        return tight & ~rival & stable & same & (f.mean90 >= MIN_RECENT)


def plateau(f: Features) -> tuple[int, int | None]:
    """Age of the segment's peak, and of the plateau's end (first day after it under 0.9 P).

    The end is ``None`` when the curve never drops under 0.9 P within the simulated life.
    """
    peak_age = f.seg_start + int(np.argmax(f.L[f.seg_start :]))
    after = np.flatnonzero(f.L[peak_age:] < 0.9 * f.peak)
    return peak_age, (peak_age + int(after[0]) if len(after) else None)
