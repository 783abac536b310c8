"""The outputs of the deep model: where they start, how they run on, what they say.

The network of :mod:`core.forecast.models.lstm` predicts the quantiles in
:data:`QUANTILES` of every period of its horizon and, in networks built since the
expected-value head (issue 17), one more channel: the mean, a linear read-out of the
same decoder features trained by squared error (see :mod:`core.forecast.models.lstm_net`).

- :func:`init_output_bias` starts each quantile output at that quantile of the training
  targets, and the mean output at their mean;
- :func:`predict_blocks` forecasts a horizon longer than the network's block by block,
  feeding each block's *expected* sales back in as if they were sales (see there why);
- :func:`quantile_mean` is the mean of the quantile function, for networks saved
  before the mean head (they have :data:`QUANTILES` outputs only);
- :func:`quantile_intervals` reads the expected value, the median and the intervals of
  any level off the outputs.

No Keras here: the network comes in as an argument.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from core.forecast.models.windowing import gather

__all__ = [
    "MEAN_PROBS",
    "QUANTILES",
    "has_mean_head",
    "init_output_bias",
    "predict_blocks",
    "quantile_intervals",
    "quantile_mean",
]

#: Quantiles the network predicts; levels 50, 80, 90 and 95 are read off exactly.
QUANTILES = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)
_MEDIAN = QUANTILES.index(0.5)
_Q = len(QUANTILES)
#: Probabilities :func:`quantile_mean` averages the quantile function over: the
#: midpoints of 400 equal slices of (0, 1), so the tails beyond 2.5 % and 97.5 % count.
MEAN_PROBS = (np.arange(400) + 0.5) / 400


def has_mean_head(network) -> bool:
    """Whether ``network`` predicts the mean next to the quantiles (``Q + 1`` outputs)."""
    return int(network.output_shape[-1]) == _Q + 1


def init_output_bias(network, panel, series, ends, known, seed: int) -> None:
    """Start each quantile output at that quantile of the scaled training targets (and
    the mean output at their mean), so the first epochs refine a sensible forecast
    instead of climbing from zero.

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
        if has_mean_head(network):
            network.get_layer("mean").bias.assign(np.array([targets.mean()], "float32"))


#: Products forecast at once (a multiple of the 1,024 windows of a network call, so the
#: calls see the same batches as one pass over all products): at 50,000 products one
#: pass gathered 1.5 GB of windows (issue 18).
PREDICT_SERIES = 8192


def predict_blocks(network, panel, known: np.ndarray, horizon: int, block: int,
                   feed: str = "mean") -> np.ndarray:  # fmt: skip
    """``(n_series, horizon, len(QUANTILES) + 1)`` in sales units, block by block: the
    sorted quantiles, then the expected value (the mean head's, clipped at 0, or for an
    older network :func:`quantile_mean`).

    ``network`` forecasts ``block`` periods at once; each block's expected sales
    (``feed="mean"``) or median (``feed="median"``) are written into ``panel`` (as
    observed sales) before the next block is forecast from them. The mean is fed by
    default: it keeps the level the next block is scaled by and reads its lookback
    from. Feeding the median back would write zeros for a product that sells on fewer
    than half its days, so every block after the first would see a product that had
    stopped selling, and its forecast would fall towards nothing.
    """
    n = len(panel.ids)
    out = np.zeros((n, horizon, _Q + 1), np.float32)
    ends = np.asarray(known, dtype=np.int64).copy()
    channel = _MEDIAN if feed == "median" else _Q
    for lo in range(0, n, PREDICT_SERIES):  # products are independent: a batch of them
        series = np.arange(lo, min(lo + PREDICT_SERIES, n))
        done = 0
        while done < horizon:
            batch = gather(panel, series, ends[series], ends)
            pred = np.asarray(network.predict(batch.inputs(), batch_size=1024, verbose=0))
            pred = pred * batch.scale[:, None, None]
            quantiles = np.clip(np.sort(pred[..., :_Q], axis=-1), 0, None)
            mean = pred[..., _Q] if pred.shape[-1] > _Q else quantile_mean(quantiles)
            take = min(block, horizon - done)
            out[series, done : done + take, :_Q] = quantiles[:, :take]
            out[series, done : done + take, _Q] = np.clip(mean[:, :take], 0, None)
            at = panel.start[series][:, None] + ends[series][:, None] + np.arange(take)[None, :]
            panel.y[at] = out[series, done : done + take, channel]
            panel.observed[at] = 1.0
            ends[series] += take
            done += take
    return out


def quantile_mean(quantiles: np.ndarray) -> np.ndarray:
    """Mean of the quantile function through the :data:`QUANTILES` (last axis), never
    negative: its average over :data:`MEAN_PROBS` (linear between the predicted
    quantiles, the normal-shaped tails of :func:`_quantile_at` beyond them, clipped at 0).

    Exact for a normal distribution inside the grid; for demand that sells on fewer
    than 2.5 % of days every predicted quantile is 0 and so is this mean, which is why
    networks since issue 17 learn the mean directly.
    """
    shape = quantiles.shape[:-1]
    flat = np.asarray(quantiles, dtype=np.float64).reshape(-1, _Q)
    total = np.zeros(flat.shape[0])
    for p in MEAN_PROBS:
        total += np.clip(_quantile_at(flat, float(p)), 0, None)
    return (total / len(MEAN_PROBS)).reshape(shape)


def quantile_intervals(out: pd.DataFrame, values: np.ndarray, levels: list[int]) -> None:
    """Add ``forecast`` (the expected value), ``median`` and ``lo_<level>``/``hi_<level>``
    columns to ``out``.

    ``values``: one row of the :data:`QUANTILES` per row of ``out`` (any leading shape
    that flattens to that), optionally followed by the expected value (as
    :func:`predict_blocks` gives them); without it the mean is :func:`quantile_mean`.
    """
    flat = values.reshape(-1, values.shape[-1])
    quantiles = flat[:, :_Q]
    out["forecast"] = flat[:, _Q] if flat.shape[1] > _Q else quantile_mean(quantiles)
    out["median"] = quantiles[:, _MEDIAN]
    for level in levels:
        lo = (100 - level) / 200
        out[f"lo_{level}"] = _quantile_at(quantiles, lo)
        out[f"hi_{level}"] = _quantile_at(quantiles, 1 - lo)


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
