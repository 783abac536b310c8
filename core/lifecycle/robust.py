"""Noise and cost of a life-curve fit, and the yearly cycle: shared by the fit of one
product (:mod:`core.lifecycle.curve`) and the shop-wide pooling (:mod:`core.lifecycle.pool`).

Residuals are weighted so that Poisson noise is about 0.3..1 wide; the cost is soft-L1,
which lets a promotion spike or a stock-out dip count less than an ordinary period.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MIN_SIGMA", "YEAR_DAYS", "noise_scale", "robust_cost", "yearly_cycle"]

#: Days in a year, the period of the yearly cycle.
YEAR_DAYS = 365.25
#: Floor of the noise scale of weighted residuals (see :func:`noise_scale`).
MIN_SIGMA = 0.5


def noise_scale(wresid: np.ndarray) -> float:
    """Robust spread (MAD) of weighted residuals, at least :data:`MIN_SIGMA`.

    The weights make Poisson noise about 0.3..1 wide, so a spread far below that is
    a fit through too few points, not a quiet product.
    """
    return max(1.4826 * float(np.median(np.abs(wresid - np.median(wresid)))), MIN_SIGMA)


def robust_cost(wresid: np.ndarray, sigma: float) -> float:
    """Soft-L1 cost of weighted residuals at noise scale ``sigma``."""
    return float(np.sum(2 * (np.sqrt(1 + (wresid / sigma) ** 2) - 1)))


def yearly_cycle(season, t) -> np.ndarray:
    """Log multiplier ``A cos(wt) + B sin(wt)`` of the yearly cycle ``season = (A, B)``."""
    w = 2 * np.pi * np.asarray(t, dtype=float) / YEAR_DAYS
    return season[0] * np.cos(w) + season[1] * np.sin(w)
