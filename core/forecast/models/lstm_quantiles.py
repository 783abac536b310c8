"""The quantile outputs of the deep model: where they start, how they run on, what they say.

The network of :mod:`core.forecast.models.lstm` predicts the quantiles in
:data:`QUANTILES` of every period of its horizon. :func:`init_output_bias` starts each
output at that quantile of the training targets; :func:`predict_blocks` forecasts a
horizon longer than the network's block by block, feeding the median back in as if
it were sales; :func:`quantile_intervals` reads the point forecast and the intervals of
any level off the quantiles (no Keras here: the network comes in as an argument).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from core.forecast.models.windowing import gather

__all__ = ["QUANTILES", "init_output_bias", "predict_blocks", "quantile_intervals"]

#: Quantiles the network predicts; levels 50, 80, 90 and 95 are read off exactly.
QUANTILES = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)
_MEDIAN = QUANTILES.index(0.5)


def init_output_bias(network, panel, series, ends, known, seed: int) -> None:
    """Start each quantile output at that quantile of the scaled training targets,
    so the first epochs refine a sensible forecast instead of climbing from zero.

    The targets are those of up to 4096 training windows (``series``, ``ends`` of
    ``panel``) drawn with ``seed``.
    """
    rng = np.random.default_rng(seed)
    pick = rng.choice(series.size, min(series.size, 4096), replace=False)
    batch = gather(panel, series[pick], ends[pick], known)
    targets = batch.target[batch.weight > 0]
    if targets.size:
        start = np.quantile(targets, QUANTILES).astype("float32")
        network.get_layer("quantiles").bias.assign(start)


def predict_blocks(network, panel, known: np.ndarray, horizon: int, block: int) -> np.ndarray:
    """Quantiles ``(n_series, horizon, len(QUANTILES))`` in sales units, block by block.

    ``network`` forecasts ``block`` periods at once; each block's median is written into
    ``panel`` (as observed sales) before the next block is forecast from it.
    """
    n = len(panel.ids)
    out = np.zeros((n, horizon, len(QUANTILES)), np.float32)
    series = np.arange(n)
    ends = np.asarray(known, dtype=np.int64).copy()
    done = 0
    while done < horizon:
        batch = gather(panel, series, ends, ends)
        pred = network.predict(batch.inputs(), batch_size=1024, verbose=0)
        pred = np.sort(np.asarray(pred), axis=-1) * batch.scale[:, None, None]
        take = min(block, horizon - done)
        out[:, done : done + take] = np.clip(pred[:, :take], 0, None)
        at = panel.start[:, None] + ends[:, None] + np.arange(take)[None, :]
        panel.y[at] = out[:, done : done + take, _MEDIAN]
        panel.observed[at] = 1.0
        ends += take
        done += take
    return out


def quantile_intervals(out: pd.DataFrame, quantiles: np.ndarray, levels: list[int]) -> None:
    """Add ``forecast`` (the median) and ``lo_<level>``/``hi_<level>`` columns to ``out``.

    ``quantiles``: one row of the :data:`QUANTILES` per row of ``out`` (any leading
    shape that flattens to that).
    """
    flat = quantiles.reshape(-1, len(QUANTILES))
    out["forecast"] = flat[:, _MEDIAN]
    for level in levels:
        lo = (100 - level) / 200
        out[f"lo_{level}"] = _quantile_at(flat, lo)
        out[f"hi_{level}"] = _quantile_at(flat, 1 - lo)


def _quantile_at(values: np.ndarray, p: float) -> np.ndarray:
    """Quantile ``p`` per row from the :data:`QUANTILES` columns of ``values``.

    Inside the grid: linear interpolation. Outside: a normal tail scaled to the
    outermost predicted quantile.
    """
    grid = np.asarray(QUANTILES)
    if grid[0] <= p <= grid[-1]:
        j = int(np.clip(np.searchsorted(grid, p) - 1, 0, len(grid) - 2))
        w = (p - grid[j]) / (grid[j + 1] - grid[j])
        return values[:, j] * (1 - w) + values[:, j + 1] * w
    z = NormalDist().inv_cdf
    edge = 0 if p < grid[0] else -1
    ratio = z(p) / z(grid[edge])
    return values[:, _MEDIAN] + (values[:, edge] - values[:, _MEDIAN]) * ratio
