"""Plain-pandas preparation of the deep model's inputs (no Keras here).

The history columns the network reads, the per-product attribute table its embeddings
are numbered from, and the standardisation of the known-in-advance feature columns:
prices and ages are log-scaled first (their spread covers orders of magnitude), then
every column is centred and scaled with statistics learnt once, in ``fit``, and reused
for forecasts and for a warm start (so the weights keep meaning the same inputs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import InputError

__all__ = ["feature_stats", "history_columns", "scale_features", "series_table", "static_codes"]

STATIC_ROLES = ("category", "brand")
LOG_COLUMNS = ("pp_price", "age_periods")


def history_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``unique_id, ds, y`` (+ ``promo``, ``price``), sorted, IDs as text, sales float.

    Raises
    ------
    InputError
        When a required column is missing or the frame is empty.
    """
    missing = [c for c in ("unique_id", "ds", "y") if c not in frame.columns]
    if missing or frame.empty:
        raise InputError(
            f"The deep model needs columns unique_id, ds, y (missing: {', '.join(missing)}).",
            f"深度模型需要 unique_id、ds、y 列（缺少：{'、'.join(missing)}）。",
        )
    keep = ["unique_id", "ds", "y", *[c for c in ("promo", "price") if c in frame.columns]]
    out = frame[keep].copy()
    out["unique_id"] = out["unique_id"].astype(str)
    out["y"] = pd.to_numeric(out["y"], errors="coerce").astype("float64")
    return out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def series_table(frame: pd.DataFrame) -> pd.DataFrame | None:
    """Category and brand per product (sorted by ID), ``None`` when the frame has neither."""
    roles = [c for c in STATIC_ROLES if c in frame.columns]
    if not roles:
        return None
    table = frame.assign(unique_id=frame["unique_id"].astype(str))
    return table.groupby("unique_id", sort=True)[roles].first().reset_index()


def static_codes(feats, static_columns: list[str]) -> tuple[int, np.ndarray]:
    """Product code (1..n) and static attribute codes, offset into one vocabulary.

    ``feats``: the built features (:func:`core.forecast.features.build_features`), whose
    ``frame`` holds the integer codes of the ``static_columns`` and ``cardinalities``
    their counts. Returns the vocabulary size and one row of codes per product (sorted
    by ID) for the embedding.
    """
    per_series = feats.frame.groupby("unique_id", sort=True)[static_columns].first()
    n = len(per_series)
    columns = [np.arange(1, n + 1)]
    offset = n + 1
    for col in static_columns:
        columns.append(per_series[col].to_numpy(np.int64) + offset)
        offset += int(feats.cardinalities[col])
    return offset, np.stack(columns, axis=1)


def _values(frame: pd.DataFrame, col: str):
    # a column the data lacks (a warm start's donor had it) reads as the mean: 0 scaled
    missing = np.full(len(frame), np.nan)
    values = frame[col].to_numpy(dtype="float64") if col in frame else missing
    return np.log1p(np.clip(values, 0, None)) if col in LOG_COLUMNS else values


def feature_stats(frame: pd.DataFrame, columns: list[str]) -> dict[str, list[float]]:
    """``{column: [mean, std]}`` of the (log-scaled) finite values; std 1 when flat."""
    stats = {}
    for col in columns:
        values = _values(frame, col)
        values = values[np.isfinite(values)]
        mean = float(values.mean()) if values.size else 0.0
        std = float(values.std()) if values.size else 1.0
        stats[col] = [mean, std if std > 1e-9 else 1.0]
    return stats


def scale_features(frame: pd.DataFrame, columns: list[str], stats: dict) -> pd.DataFrame:
    """``unique_id, ds, y`` and the ``columns`` standardised with ``stats`` (float32)."""
    data = {
        "unique_id": frame["unique_id"],  # Series: their dtypes kept
        "ds": frame["ds"],
        "y": frame["y"].to_numpy(dtype="float64") if "y" in frame else np.full(len(frame), np.nan),
    }
    # written column by column into one float32 block laid out as pandas keeps it, so the
    # frame takes it without a copy (a dict of columns is copied once more to consolidate)
    block = np.empty((len(columns), len(frame)), np.float32)
    for row, col in zip(block, columns, strict=True):
        mean, std = stats[col]
        row[:] = (_values(frame, col) - mean) / std
    scaled = pd.DataFrame(block.T, index=frame.index, columns=columns, copy=False)
    return pd.concat([pd.DataFrame(data, index=frame.index), scaled], axis=1, copy=False)
