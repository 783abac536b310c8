"""One product's demand as the advice reads it from the forecast's quantiles.

- :func:`quantile_table`: the probabilities and per-period values of the forecast's
  quantile function (piecewise linear through ``lo_*``, ``median`` and ``hi_*``, with
  normal-shaped tails beyond the widest band). The middle point is the ``median``
  column, not ``forecast``: ``forecast`` is the expected value, which for skewed
  demand lies above the median (a forecast table from before the ``median`` column
  existed has its ``forecast`` read as the median, as it then was);
- :func:`expected_demand`: the mean of that quantile function per period (the demand to
  expect, which for a slow mover is well above its median of 0);
- :func:`scenarios`: demand draws tied across periods by a Gaussian copula, from a
  scrambled Sobol sequence seeded by a generator of the product's own (:func:`product_rng`): a product's figures depend on
  its own inputs only, never on which other products are in the table or their settings;
- :func:`days_of_cover`: how long the stock on hand lasts at the expected demand of the
  next :data:`RATE_DAYS` days, the same figure whatever the lead time (the forecast may be
  longer for a longer lead time), at most :data:`MAX_COVER_DAYS`, ``NaN`` where no sales
  are expected at all.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from scipy.stats import norm, qmc

__all__ = [
    "MAX_COVER_DAYS",
    "NO_SALES_PER_DAY",
    "RATE_DAYS",
    "days_of_cover",
    "demand_rate",
    "expected_demand",
    "product_rng",
    "quantile_table",
    "rate_periods",
    "scenarios",
]

#: Days of cover are reported up to ten years; more reads as "more than ten years".
MAX_COVER_DAYS = 3650.0
#: Expected sales per day below this (one unit in about 27 years) are "no sales expected".
NO_SALES_PER_DAY = 1e-4
#: Days of the forecast whose expected demand gives the sales rate of the advice.
RATE_DAYS = 14
# Tail probabilities the quantile function is continued to beyond the widest band.
_TAIL_PROBS = (0.0005, 0.002, 0.005, 0.01)


def quantile_table(fc: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and per-row values of the forecast's quantiles (median included).

    Beyond the widest band the tails are normal-shaped (the band's spread continued to
    :data:`_TAIL_PROBS`): a straight line from the band to a far point would make the
    tails uniform, i.e. far heavier than the band says, and inflate high service levels.
    """
    levels = sorted({int(c[3:]) for c in fc.columns if c.startswith("lo_")})
    med = fc["median" if "median" in fc.columns else "forecast"].to_numpy(float)
    lows = [fc[f"lo_{lv}"].to_numpy(float) for lv in reversed(levels)]
    highs = [fc[f"hi_{lv}"].to_numpy(float) for lv in levels]
    inner = [(100 - lv) / 200 for lv in reversed(levels)]
    z_w = norm.ppf(1 - inner[0]) if levels else 1.0
    up = (highs[-1] - med) / z_w if highs else np.zeros_like(med)
    down = (med - lows[0]) / z_w if lows else np.zeros_like(med)
    tail = [p for p in _TAIL_PROBS if not levels or p < inner[0]]
    z_tail = norm.ppf(tail)  # negative
    probs = [
        *tail,
        *inner,
        0.5,
        *(1 - p for p in reversed(inner)),
        *(1 - p for p in reversed(tail)),
    ]
    values = np.column_stack([
        *(med + z * down for z in z_tail), *lows, med, *highs,
        *(med - z * up for z in reversed(z_tail)),
    ])  # fmt: skip
    probs = np.asarray([0.0, *probs, 1.0])
    values = np.column_stack([values[:, 0], values, values[:, -1]])
    return probs, np.maximum.accumulate(np.clip(values, 0, None), axis=1)


def expected_demand(values: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Mean demand per period: the integral of the piecewise-linear quantile function
    (the mean of the :func:`scenarios` drawn from it, without their sampling noise)."""
    steps = np.diff(probs)
    return (values[:, 1:] + values[:, :-1]) / 2 @ steps


def product_rng(uid, random_state: int | None) -> np.random.Generator:
    """The generator of one product's scenarios: ``random_state`` and a stable hash of
    the product's ID (CRC-32 of its text, the same in every run and on every machine)."""
    seed = int(random_state or 0)
    return np.random.default_rng([seed, zlib.crc32(str(uid).encode("utf-8"))])


def scenarios(values: np.ndarray, probs: np.ndarray, rho: float, n: int, rng) -> np.ndarray:
    """``(n, periods)`` demand draws for one product, tied by a Gaussian copula ``rho``.

    The normals come from a scrambled Sobol sequence (``n`` a power of 2): its quantiles
    of the demand over the lead time wander about half as far from the truth as those of
    as many plain random draws.
    """
    periods = values.shape[0]
    points = qmc.Sobol(periods + 1, scramble=True, seed=rng).random(n)
    z = norm.ppf(np.clip(points, 1e-12, 1 - 1e-12))
    common, own = z[:, :1], z[:, 1:]
    u = norm.cdf(np.sqrt(rho) * common + np.sqrt(1 - rho) * own)
    out = np.empty_like(u)
    for t in range(periods):
        out[:, t] = np.interp(u[:, t], probs, values[t])
    return out


def rate_periods(period_days: float) -> int:
    """Forecast periods in :data:`RATE_DAYS` (at least one)."""
    return max(1, int(np.ceil(RATE_DAYS / period_days - 1e-9)))


def demand_rate(expected: np.ndarray, period_days: float) -> float:
    """Expected demand per day over the first :data:`RATE_DAYS` days of the forecast."""
    window = np.asarray(expected[: rate_periods(period_days)], float)
    return float(window.sum() / (len(window) * period_days)) if len(window) else 0.0


def days_of_cover(expected: np.ndarray, on_hand: float, period_days: float):
    """``(days, period)``: days the stock on hand lasts and the forecast period it runs
    out in (``None`` when after the forecast or never).

    The stock is walked down the expected demand of the first :data:`RATE_DAYS` days and,
    if some is left, run down beyond at their mean rate. No stock: 0 days. No sales
    expected (under :data:`NO_SALES_PER_DAY`): ``NaN``. At most :data:`MAX_COVER_DAYS`.
    """
    window = np.asarray(expected[: rate_periods(period_days)], float)
    per_day = demand_rate(expected, period_days)
    if on_hand <= 0:
        return 0.0, (0 if per_day >= NO_SALES_PER_DAY else None)
    if per_day < NO_SALES_PER_DAY:
        return np.nan, None
    cum = np.cumsum(window)
    out = np.flatnonzero(cum > on_hand)
    if out.size:
        i = int(out[0])
        before = cum[i - 1] if i > 0 else 0.0
        days = (i + (on_hand - before) / window[i]) * period_days
    else:
        days = len(window) * period_days + (on_hand - cum[-1]) / per_day
    days = float(min(days, MAX_COVER_DAYS))
    period = int(days // period_days)
    return days, (period if period < len(expected) else None)
