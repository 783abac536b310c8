"""Stock simulation of the sample shop: a periodic-review, order-up-to policy.

The planner reviews stock every ``review`` days and orders up to cover the demand
expected over the review period plus the lead time, scaled by a safety factor. Orders
arrive after the lead time, sometimes late. The planner only sees sales, and learns the
demand level from days that still had stock left, so growth spurts and festivals
sometimes empty the shelf (库存 0, 销量 0, demand unmet).
"""

from __future__ import annotations

import numpy as np


def simulate_stock(
    rng: np.random.Generator, draws: np.ndarray, known: np.ndarray, first_level: float, prod: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Sell ``draws`` from stock under a periodic-review order-up-to policy.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of supplier delays and the review phase.
    draws : numpy.ndarray
        Units customers want each day.
    known : numpy.ndarray
        Demand multiplier the planner knows each day (weekday, festivals, season, price).
    first_level : float
        The planner's first guess of the demand level.
    prod : dict
        Product parameters; uses ``review`` (days), ``lead`` (days) and ``safety``.

    Returns
    -------
    sales, onhand : numpy.ndarray
        Units sold and units left at the end of each day (int64).
    """
    n, review, lead = len(draws), prod["review"], prod["lead"]
    delay = (rng.integers(1, 5, size=n) * (rng.random(n) < 0.25)).tolist()
    csum = np.concatenate([[0.0], np.cumsum(known)])
    ends = np.arange(n) + review + lead
    cover = csum[np.minimum(ends, n)] - csum[:n] + np.maximum(ends - n, 0) * known.mean()
    cover, known_l, draws_l = cover.tolist(), known.tolist(), draws.tolist()
    level, safety, phase = first_level, prod["safety"], int(rng.integers(review))
    arrivals = [0] * (n + lead + 8)
    stock, pipeline = int(np.ceil(safety * level * cover[0])) + 1, 0
    sales, onhand = [0] * n, [0] * n
    for t in range(n):
        stock += arrivals[t]
        pipeline -= arrivals[t]
        if t % review == phase:
            order = int(np.ceil(safety * level * cover[t])) + 2 - stock - pipeline
            if order > 0:
                arrivals[t + lead + delay[t]] += order
                pipeline += order
        sold = min(draws_l[t], stock)
        stock -= sold
        if stock > 0:  # a day that ran dry says nothing about demand
            level += 0.25 * (sold / known_l[t] - level)
        sales[t], onhand[t] = sold, stock
    return np.asarray(sales, dtype=np.int64), np.asarray(onhand, dtype=np.int64)
