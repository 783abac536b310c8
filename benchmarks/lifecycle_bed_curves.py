"""Life curves of the lifecycle test bed: seven families of noise-free trend curves L(age).

Each family turns a category's typical timing (rise time, plateau length, fall half-life, in
weeks) into one product's daily curve ``L[a]`` for ages ``a = 0 .. n-1`` days since launch,
scaled so that the current segment peaks at ``peak`` units/day. The curves carry no weekly,
yearly, festival or promotion effects: those belong to the sales model
(:mod:`benchmarks.lifecycle_bed_sales`); the truth of the bed is read from these curves alone.

Families
--------
``bass``        Bass diffusion (p, q): bell-like adoption rate, width from the plateau length.
``gompertz``    Gompertz rise to the peak, a plateau, then exponential decay.
``trapezoid``   linear ramp, flat plateau, linear or exponential fall.
``bell``        skewed bell: gamma-shaped or log-normal-shaped in age.
``early_death`` logistic S-curve with a short plateau (3-8 weeks) and a fast drop.
``seasonal``    slow trapezoid trend; the sales model adds a large yearly swing (+-40..70 %).
``relaunch``    a first life that declines, then a second rise; the current segment is the
                second one (``seg_start`` is its start).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FAMILIES = ("bass", "gompertz", "trapezoid", "bell", "early_death", "seasonal", "relaunch")
#: Families whose plateau follows the category's typical maturity length (used for context).
CONTEXT_FAMILIES = ("gompertz", "trapezoid", "bell")


@dataclass
class Curve:
    """One product's trend: ``L[a]`` units/day at age ``a`` days since (first) launch."""

    family: str
    L: np.ndarray
    seg_start: int = 0
    yearly_amp: float = 0.0


@dataclass
class Timing:
    """A product's timing in days, drawn around its category's medians (+-20 %)."""

    rise: float
    plateau: float
    half_life: float

    @classmethod
    def draw(cls, category: dict, rng: np.random.Generator) -> Timing:
        """Category medians in weeks -> one product's days, each with +-20 % spread."""
        spread = rng.uniform(0.8, 1.2, size=3)
        return cls(
            rise=7 * category["rise_w"] * spread[0],
            plateau=7 * category["plateau_w"] * spread[1],
            half_life=7 * category["half_life_w"] * spread[2],
        )


def _exp_fall(age: np.ndarray, start: float, half_life: float) -> np.ndarray:
    return np.exp(-np.log(2) / half_life * np.maximum(0.0, age - start))


def bass(age: np.ndarray, t: Timing, rng: np.random.Generator) -> np.ndarray:
    """Bass adoption rate peaking at ``t.rise``, its +-10 % band about ``t.plateau`` long.

    Near its peak the rate is ``sech^2((p+q)(t-t*)/2)``, which stays within 10 % of the
    peak for ``1.31/(p+q)`` weeks; the peak week is ``t* = ln(q/p)/(p+q)``. ``q/p`` is kept
    >= 10 so that sales start at no more than a third of the peak (``4r/(1+r)^2``); where the
    category's timing would need less, ``p+q`` grows and the band is narrower.
    """
    rise_w = t.rise / 7 * rng.uniform(0.9, 1.1)
    pq = 1.31 / (t.plateau / 7)
    ratio = float(np.exp(pq * rise_w))
    if ratio < 10.0:
        ratio, pq = 10.0, np.log(10.0) / rise_w
    ratio = min(ratio, 2000.0)
    p = pq / (1 + ratio)
    q = pq - p
    weeks = age / 7
    e = np.exp(-pq * weeks)
    return pq**2 / p * e / (1 + q / p * e) ** 2


def gompertz(age: np.ndarray, t: Timing, rng: np.random.Generator) -> np.ndarray:
    """Gompertz rise reaching 95 % at ``t.rise``, plateau, exponential decay after."""
    b = rng.uniform(4.0, 8.0)
    c = np.log(b / 0.0513) / t.rise
    return np.exp(-b * np.exp(-c * age)) * _exp_fall(age, t.rise + t.plateau, t.half_life)


def trapezoid(age: np.ndarray, t: Timing, rng: np.random.Generator) -> np.ndarray:
    """Linear ramp from 3 % to the peak, flat plateau, then a linear or exponential fall."""
    ramp = np.clip(0.03 + 0.97 * age / t.rise, 0.0, 1.0)
    end = t.rise + t.plateau
    if rng.random() < 0.5:
        fall = np.clip(1.0 - (age - end) / (2.5 * t.half_life), 0.0, 1.0)
    else:
        fall = _exp_fall(age, end, t.half_life)
    return ramp * fall


def bell(age: np.ndarray, t: Timing, rng: np.random.Generator) -> np.ndarray:
    """Skewed bell with its mode at ``rise + plateau/2`` and a +-10 % band of ~``plateau``."""
    mode = t.rise + t.plateau / 2
    x = (age + 1.0) / mode
    if rng.random() < 0.5:
        # gamma shape x^k e^{k(1-x)}: the 10 % band is ~0.916 mode / sqrt(k) wide
        k = float(np.clip((0.916 * mode / t.plateau) ** 2, 1.5, 12.0))
        return np.exp(k * (np.log(x) + 1.0 - x))
    sigma = float(np.clip(t.plateau / (0.916 * mode), 0.2, 1.2))
    return np.exp(-(np.log(x) ** 2) / (2 * sigma**2))


def _logistic_rise(age: np.ndarray, rise: float) -> np.ndarray:
    """0.011 at age 0, 0.989 at ``rise``."""
    return 1.0 / (1.0 + np.exp(-(age - rise / 2) * 9.0 / rise))


def early_death(age: np.ndarray, t: Timing, rng: np.random.Generator) -> np.ndarray:
    """S-curve to the peak, a short plateau (3-8 weeks), then a fast drop (1-3 week half-life)."""
    plateau = 7 * rng.uniform(3.0, 8.0)
    half_life = 7 * rng.uniform(1.0, 3.0)
    return _logistic_rise(age, t.rise) * _exp_fall(age, t.rise + plateau, half_life)


def seasonal(age: np.ndarray, t: Timing, rng: np.random.Generator) -> np.ndarray:
    """A slow trapezoid (rise, plateau and fall 1.5x the category's); swing added in sales."""
    slow = Timing(rise=1.5 * t.rise, plateau=1.5 * t.plateau, half_life=1.5 * t.half_life)
    ramp = np.clip(0.03 + 0.97 * age / slow.rise, 0.0, 1.0)
    return ramp * _exp_fall(age, slow.rise + slow.plateau, slow.half_life)


def relaunch(age: np.ndarray, t: Timing, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """A first life (ramp, short plateau, decay), then a second rise from ``seg_start``.

    The relaunch comes once the first life has fallen to 15-45 % of its peak; the second
    segment rises (logistic) to 0.6-1.5x the first peak, holds a category-long plateau and
    decays. Returns the shape and the relaunch age.
    """
    first = np.clip(0.03 + 0.97 * age / t.rise, 0.0, 1.0)
    first_end = t.rise + t.plateau * rng.uniform(0.3, 0.8)
    first = first * _exp_fall(age, first_end, t.half_life * rng.uniform(0.5, 1.0))
    level = rng.uniform(0.15, 0.45)
    low = (age > first_end) & (first <= level)
    start = int(np.argmax(low)) if low.any() else int(first_end + 4 * t.half_life)
    second_rise = t.rise * rng.uniform(0.5, 1.0)
    rel = age - start
    second = _logistic_rise(rel, second_rise) * _exp_fall(rel, second_rise + t.plateau, t.half_life)
    second = np.where(rel >= 0, second, 0.0) * rng.uniform(0.6, 1.5)
    return first + second, start


_SHAPES = {
    "bass": bass,
    "gompertz": gompertz,
    "trapezoid": trapezoid,
    "bell": bell,
    "early_death": early_death,
    "seasonal": seasonal,
}


def draw_curve(
    family: str, category: dict, peak: float, n_days: int, rng: np.random.Generator
) -> Curve:
    """One product of ``family``: its daily trend over ``n_days`` days from launch.

    The current segment (the whole life, or the second life of a relaunch) peaks at ``peak``.
    """
    timing = Timing.draw(category, rng)
    age = np.arange(n_days, dtype=float)
    seg_start = 0
    if family == "relaunch":
        shape, seg_start = relaunch(age, timing, rng)
    else:
        shape = _SHAPES[family](age, timing, rng)
    shape = np.maximum(shape, 0.0)
    level = peak / max(shape[seg_start:].max(), 1e-12)
    amp = rng.uniform(0.4, 0.7) if family == "seasonal" else rng.uniform(0.0, 0.08)
    return Curve(family=family, L=shape * level, seg_start=seg_start, yearly_amp=float(amp))
