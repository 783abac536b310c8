"""The conformal bands of the gradient-boosting model (:mod:`core.forecast.models.lgbm`).

Backtest errors are divided by :func:`band_width` (the product's scale and dispersion and
the forecast's own level) and kept as quantiles per horizon step (:func:`band_quantiles`,
on the grid :data:`GRID`); a forecast's band is its mean plus its width times those
quantiles. Plain numpy.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GRID", "LEVEL_FLOOR", "LEVEL_POWER", "band_quantiles", "band_width",
           "in_sample_quantiles"]  # fmt: skip

#: Quantile grid of the stored errors: 0.005, 0.010, ... 0.995 (every integer level).
GRID = np.arange(1, 200) / 200
#: How a band widens with the forecast's own level: Poisson-like noise grows with its
#: square root. On the sample shop (three 28-day windows, 80 % level) powers 0, 0.5 and 1
#: covered 75.1, 74.5 and 70.8 % on average; 0.5 widens festival bands without a loss.
LEVEL_POWER = 0.5
#: Lowest level (scaled units) a band's width is computed for.
LEVEL_FLOOR = 0.1


def band_width(mean: np.ndarray, scale: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """The unit of a forecast's errors: the product's scale times its dispersion, times
    the forecast's own level (in scaled units, at least :data:`LEVEL_FLOOR`) to the power
    :data:`LEVEL_POWER`, so that a festival's higher forecast gets a wider band."""
    level = np.maximum(mean / scale[:, None], LEVEL_FLOOR) ** LEVEL_POWER
    return (scale * spread)[:, None] * level


def band_quantiles(errors: np.ndarray, pool: int) -> list[list[float]]:
    """Per horizon step, the :data:`GRID` quantiles of the normalised ``errors``
    ``(n_products, steps)`` of that step and the ``pool`` steps on each side."""
    steps = errors.shape[1]
    out = []
    for h in range(steps):
        window = errors[:, max(h - pool, 0) : h + pool + 1]
        values = window[np.isfinite(window)]
        if values.size == 0:
            values = errors[np.isfinite(errors)]
        quantiles = np.quantile(values, GRID) if values.size else np.zeros(GRID.size)
        out.append([float(v) for v in quantiles])
    return out


def in_sample_quantiles(booster, design, spread: np.ndarray, threads: int) -> list[list[float]]:
    """Error quantiles of the training rows (only when no calibration fit was possible).

    ``design``: the rows ``x``, their scaled sales ``y``, products ``rows`` and the level
    each row's prediction is relative to."""
    x, y, rows, level = design
    fitted = booster.predict(x, num_threads=threads) * level
    return band_quantiles(((y - fitted) / spread[rows])[None, :], 0)
