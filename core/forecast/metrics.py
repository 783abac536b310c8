"""Forecast accuracy metrics for the backtest leaderboard, in plain numpy and pandas.

Conventions shared by every point metric
----------------------------------------
* Inputs are 1-D array-likes of the same length; a length mismatch raises
  :class:`ValueError` naming both lengths.
* Positions where ``y_true`` is NaN are dropped together with the matching
  prediction (and interval bounds): a missing actual cannot be scored. NaN in a
  *prediction* is not dropped and makes the result NaN, so a missing forecast is
  never hidden.
* Empty input (or nothing left after dropping NaN actuals) returns NaN.
* The error is ``e = forecast - actual``; a positive ``bias`` means over-forecasting.
* Where a metric would divide by zero (WAPE or bias on all-zero actuals, MASE or
  RMSSE on a flat training history) it returns NaN rather than ``inf``, so one
  degenerate series cannot dominate a leaderboard average.

:func:`evaluate` scores a forecast frame per series and :func:`summarize` turns
those rows into overall figures.

Which column is scored
----------------------
:func:`evaluate` scores the point metrics (MAE, RMSE, WAPE, sMAPE, MASE, RMSSE, bias) on
the ``forecast`` column, the expected value (mean) of every model, and the coverage on
the ``lo``/``hi`` bands, which lie around the ``median``. The ``median`` itself is not
scored. Mind that absolute-error metrics (MAE, MASE, WAPE) are minimised by the median,
squared-error ones (RMSE, RMSSE) and the bias by the mean: for a product selling on one
day in four the expected value scores a worse MASE than forecasting nothing, but its
total over the horizon (the bias) is right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

KEYS = ["unique_id", "ds"]
MEAN_METRICS = ("mae", "rmse", "smape", "mase", "rmsse")
SUM_COLUMNS = ("abs_err_sum", "actual_sum", "abs_actual_sum", "err_sum")


def _clean(y_true, *others) -> tuple[np.ndarray, ...]:
    """Return float arrays with positions where ``y_true`` is NaN removed from all of them."""
    arrays = [np.asarray(a, dtype=float).ravel() for a in (y_true, *others)]
    lengths = [a.size for a in arrays]
    if len(set(lengths)) > 1:
        raise ValueError(f"inputs must have the same length, got lengths {lengths}")
    keep = ~np.isnan(arrays[0])
    return tuple(a[keep] for a in arrays)


def _ratio(num: float, den: float) -> float:
    """``num / den``, NaN when the denominator is zero or not finite."""
    return float(num / den) if den != 0 and np.isfinite(den) else float("nan")


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    a, f = _clean(y_true, y_pred)
    return float(np.mean(np.abs(f - a))) if a.size else float("nan")


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    a, f = _clean(y_true, y_pred)
    return float(np.sqrt(np.mean((f - a) ** 2))) if a.size else float("nan")


def wape(y_true, y_pred) -> float:
    """Weighted absolute percentage error ``sum|F - A| / sum|A|`` as a fraction (0.25 = 25 %).

    NaN when the actuals sum to zero in absolute value.
    """
    a, f = _clean(y_true, y_pred)
    return _ratio(np.sum(np.abs(f - a)), np.sum(np.abs(a))) if a.size else float("nan")


def smape(y_true, y_pred) -> float:
    """Symmetric MAPE in percent, 0..200: mean of ``200 |F - A| / (|A| + |F|)``.

    This is the Kaggle definition; a point where both actual and forecast are 0
    is a perfect forecast and counts as 0.
    """
    a, f = _clean(y_true, y_pred)
    if not a.size:
        return float("nan")
    den = np.abs(a) + np.abs(f)
    num = 200.0 * np.abs(f - a)
    # 0/0 is a perfect forecast of zero demand; NaN in den still yields NaN here.
    terms = np.divide(num, den, out=np.zeros_like(num), where=den != 0)
    return float(np.mean(terms))


def bias(y_true, y_pred) -> float:
    """Relative bias ``mean(F - A) / mean(A)``: +0.1 means forecasts 10 % too high on average.

    Equal to ``sum(F - A) / sum(A)``; NaN when the actuals sum to zero.
    """
    a, f = _clean(y_true, y_pred)
    return _ratio(np.sum(f - a), np.sum(a)) if a.size else float("nan")


def _lag_diffs(history: np.ndarray, season: int) -> np.ndarray:
    """Seasonal differences of ``history`` (lag 1 if it is too short for ``season``)."""
    lag = season if history.size >= season + 1 else 1
    return history[lag:] - history[:-lag] if history.size > lag else np.array([])


def _history(y_train) -> np.ndarray:
    history = np.asarray(y_train, dtype=float).ravel()
    return history[~np.isnan(history)]


def mase(y_true, y_pred, y_train, season: int) -> float:
    """Mean absolute scaled error: MAE over the in-sample seasonal-naive MAE of ``y_train``.

    The scale is ``mean|y_t - y_{t-season}|`` over the training history (NaNs in
    the history are dropped first). When the history has fewer than
    ``season + 1`` points the lag-1 naive is used instead. Returns NaN, not
    ``inf``, when the scale is 0 (a flat history) or cannot be computed.
    """
    if season < 1:
        raise ValueError(f"season must be >= 1, got {season}")
    diffs = _lag_diffs(_history(y_train), season)
    scale = float(np.mean(np.abs(diffs))) if diffs.size else float("nan")
    return _ratio(mae(y_true, y_pred), scale)


def rmsse(y_true, y_pred, y_train, season: int = 1) -> float:
    """Root mean squared scaled error as in the M5 competition.

    ``sqrt(mean((F - A)^2) / mean((y_t - y_{t-season})^2))`` where the
    denominator uses the training history from its first non-zero value onward
    (leading zeros are before the product was on sale). M5 uses ``season=1``.
    Falls back to lag 1 when the trimmed history is shorter than ``season + 1``;
    NaN when the scale is 0 or cannot be computed.
    """
    if season < 1:
        raise ValueError(f"season must be >= 1, got {season}")
    history = _history(y_train)
    nonzero = np.flatnonzero(history != 0)
    history = history[nonzero[0] :] if nonzero.size else np.array([])
    diffs = _lag_diffs(history, season)
    scale = float(np.mean(diffs**2)) if diffs.size else float("nan")
    return float(np.sqrt(_ratio(rmse(y_true, y_pred) ** 2, scale)))


def coverage(y_true, lo, hi) -> float:
    """Share (0..1) of actuals inside the closed interval ``[lo, hi]``."""
    a, low, high = _clean(y_true, lo, hi)
    if not a.size:
        return float("nan")
    if np.isnan(low).any() or np.isnan(high).any():
        return float("nan")
    return float(np.mean((a >= low) & (a <= high)))


def pinball(y_true, q_pred, q: float) -> float:
    """Mean pinball (quantile) loss of the ``q`` quantile forecast, ``0 < q < 1``.

    Per point ``max(q * u, (q - 1) * u)`` with ``u = A - F``: under-forecasts
    cost ``q`` per unit, over-forecasts ``1 - q``.
    """
    if not 0 < q < 1:
        raise ValueError(f"q must be strictly between 0 and 1, got {q}")
    a, f = _clean(y_true, q_pred)
    if not a.size:
        return float("nan")
    u = a - f
    return float(np.mean(np.maximum(q * u, (q - 1) * u)))


def _score_series(group: pd.DataFrame, history: np.ndarray, season: int, levels) -> dict:
    """All metrics of one series; ``group`` holds its joined ``y`` and ``forecast``."""
    y, f = group["y"].to_numpy(float), group["forecast"].to_numpy(float)
    a, fc = _clean(y, f)
    row = {
        "n": int(a.size),
        "mae": mae(y, f),
        "rmse": rmse(y, f),
        "wape": wape(y, f),
        "smape": smape(y, f),
        "mase": mase(y, f, history, season),
        "rmsse": rmsse(y, f, history),
        "bias": bias(y, f),
    }
    for level in levels:
        row[f"coverage_{level}"] = coverage(y, group[f"lo_{level}"], group[f"hi_{level}"])
    row["abs_err_sum"] = float(np.sum(np.abs(fc - a)))
    row["actual_sum"] = float(np.sum(a))
    row["abs_actual_sum"] = float(np.sum(np.abs(a)))
    row["err_sum"] = float(np.sum(fc - a))
    return row


def _check_columns(frame: pd.DataFrame, name: str, required: Iterable[str]) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing columns {missing}")


def evaluate(
    forecast: pd.DataFrame,
    actual: pd.DataFrame,
    history: pd.DataFrame,
    season: int,
    levels: Iterable[int] = (80,),
) -> pd.DataFrame:
    """Score a forecast frame per series.

    Parameters
    ----------
    forecast : DataFrame
        ``unique_id, ds, forecast`` (the expected value, which the point metrics score)
        and ``lo_<L>, hi_<L>`` for each level ``L``; other columns (``median``) are
        ignored.
    actual, history : DataFrame
        ``unique_id, ds, y``: the held-out actuals and the training history
        (used for the MASE and RMSSE scales; a series without history gets NaN).
    season : int
        Seasonal period for MASE (RMSSE uses lag 1, as M5 does).
    levels : iterable of int
        Prediction-interval levels to score coverage for.

    Returns
    -------
    DataFrame
        One row per ``unique_id`` of ``forecast``: ``n`` (scored points), ``mae,
        rmse, wape, smape, mase, rmsse, bias, coverage_<L>`` and the sums
        ``abs_err_sum, actual_sum, abs_actual_sum, err_sum`` that
        :func:`summarize` pools. Forecast rows without an actual are not scored.
    """
    levels = tuple(levels)
    bounds = [f"{side}_{level}" for level in levels for side in ("lo", "hi")]
    _check_columns(forecast, "forecast", [*KEYS, "forecast", *bounds])
    _check_columns(actual, "actual", [*KEYS, "y"])
    _check_columns(history, "history", [*KEYS, "y"])
    joined = forecast.merge(actual[[*KEYS, "y"]], on=KEYS, how="left", validate="one_to_one")
    past = {
        uid: g.sort_values("ds")["y"].to_numpy(float) for uid, g in history.groupby("unique_id")
    }
    rows = []
    for uid, group in joined.groupby("unique_id", sort=True):
        row = _score_series(group, past.get(uid, np.array([])), season, levels)
        rows.append({"unique_id": uid, **row})
    return pd.DataFrame(rows)


def _weighted_mean(values: pd.Series, weights: np.ndarray) -> float:
    """Mean of ``values`` weighted by ``weights``, skipping NaN values."""
    v = values.to_numpy(float)
    ok = ~np.isnan(v) & ~np.isnan(weights)
    return _ratio(np.sum(v[ok] * weights[ok]), np.sum(weights[ok]))


def _weights_for(per_series: pd.DataFrame, weights) -> np.ndarray:
    if weights is None:
        return np.ones(len(per_series))
    if isinstance(weights, Mapping | pd.Series):
        return pd.Series(weights).reindex(per_series["unique_id"]).to_numpy(float)
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != len(per_series):
        raise ValueError(f"weights has length {w.size}, per_series has {len(per_series)} rows")
    return w


def summarize(per_series: pd.DataFrame, weights=None) -> dict:
    """Overall figures from the per-series rows of :func:`evaluate`.

    ``mae, rmse, smape, mase, rmsse`` and every ``coverage_<L>`` are the mean
    over series (weighted by ``weights`` if given), skipping series where the
    metric is NaN. ``wape`` and ``bias`` are recomputed from the pooled sums
    (``sum abs_err_sum / sum abs_actual_sum`` and ``sum err_sum / sum
    actual_sum``), which is exact and not the mean of per-series values; weights
    do not apply to them.

    Parameters
    ----------
    per_series : DataFrame
        Output of :func:`evaluate`.
    weights : mapping, Series or array-like, optional
        Per-series weights, keyed by ``unique_id`` or aligned with the rows.

    Returns
    -------
    dict
        The metrics plus ``n`` (total scored points) and ``n_series``.
    """
    w = _weights_for(per_series, weights)
    coverages = [c for c in per_series.columns if c.startswith("coverage_")]
    out = {name: _weighted_mean(per_series[name], w) for name in (*MEAN_METRICS, *coverages)}
    sums = {c: float(per_series[c].sum()) for c in SUM_COLUMNS}
    out["wape"] = _ratio(sums["abs_err_sum"], sums["abs_actual_sum"])
    out["bias"] = _ratio(sums["err_sum"], sums["actual_sum"])
    out["n"] = int(per_series["n"].sum())
    out["n_series"] = len(per_series)
    return out
