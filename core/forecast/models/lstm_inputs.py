"""Plain-pandas preparation of the deep model's inputs (no Keras here).

The checks of the deep model's settings, the season of its yearly lag input (read
off a fitted network), the history columns the network reads, the per-product attribute table its embeddings
are numbered from, and the standardisation of the known-in-advance feature columns:
prices and ages are log-scaled first (their spread covers orders of magnitude), then
every column is centred and scaled with statistics learnt once, in ``fit``, and reused
for forecasts and for a warm start (so the weights keep meaning the same inputs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data import sorted_by_product
from core.errors import InputError
from core.periods import default_season

__all__ = [
    "LOG_COLUMNS",
    "check_params",
    "embedding_codes",
    "feature_stats",
    "history_columns",
    "network_season",
    "scale_features",
    "series_table",
    "standardised",
    "stat_of",
    "static_codes",
    "yearly_season",
]

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
    ids = _text_ids(frame)
    y = frame["y"]
    y = y if y.dtype == np.float64 else pd.to_numeric(y, errors="coerce").astype("float64")
    columns = {"unique_id": ids, "ds": frame["ds"], "y": y, **{c: frame[c] for c in keep[3:]}}
    # the columns themselves, not copies, when the frame is sorted already (a model's
    # frames are): 29 million rows at 50,000 products of two years of days
    out = pd.DataFrame({k: v.to_numpy() for k, v in columns.items()}, copy=False)
    if not sorted_by_product(out):
        out = out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    return out


def series_table(frame: pd.DataFrame) -> pd.DataFrame | None:
    """Category and brand per product (sorted by ID), ``None`` when the frame has neither."""
    roles = [c for c in STATIC_ROLES if c in frame.columns]
    if not roles:
        return None
    table = pd.DataFrame({r: frame[r].to_numpy() for r in roles}, copy=False)
    first = table.groupby(_text_ids(frame).to_numpy(), sort=True).first()
    return first.rename_axis("unique_id").reset_index()


def _text_ids(frame: pd.DataFrame) -> pd.Series:
    """``unique_id`` as text: the column itself where it holds text only."""
    ids = frame["unique_id"]
    if ids.dtype == object and pd.api.types.infer_dtype(ids, skipna=False) == "string":
        return ids
    return ids.astype(str)


def static_codes(feats, static_columns: list[str]) -> tuple[int, np.ndarray]:
    """Product code (1..n) and static attribute codes, offset into one vocabulary.

    ``feats``: the built features (:func:`core.forecast.features.build_features`), whose
    ``frame`` holds the integer codes of the ``static_columns`` and ``cardinalities``
    their counts. Returns the vocabulary size and one row of codes per product (sorted
    by ID) for the embedding.
    """
    per_series = feats.frame.groupby("unique_id", sort=True)[static_columns].first()
    return embedding_codes(per_series, static_columns, feats.cardinalities)


def embedding_codes(per_series: pd.DataFrame, static_columns: list[str], cardinalities: dict):
    """Vocabulary size and one row of embedding codes per row of ``per_series`` (products
    sorted by ID, their integer-coded ``static_columns``; ``cardinalities``: each column's
    count of codes): the product's own code 1..n, then each column's offset past the last."""
    n = len(per_series)
    columns = [np.arange(1, n + 1)]
    offset = n + 1
    for col in static_columns:
        columns.append(per_series[col].to_numpy(np.int64) + offset)
        offset += int(cardinalities[col])
    return offset, np.stack(columns, axis=1)


def _logged(col: str, values: np.ndarray) -> np.ndarray:
    """``values`` (float64) as the network reads them: log-scaled for :data:`LOG_COLUMNS`."""
    return np.log1p(np.clip(values, 0, None)) if col in LOG_COLUMNS else values


def standardised(col: str, values: np.ndarray, stats: dict) -> np.ndarray:
    """Column ``col``'s raw ``values`` (float64) log-scaled where it is one of
    :data:`LOG_COLUMNS`, then centred and scaled with ``stats`` (float64)."""
    mean, std = stats[col]
    return (_logged(col, values) - mean) / std


def feature_stats(frame: pd.DataFrame, columns: list[str]) -> dict[str, list[float]]:
    """``{column: [mean, std]}`` of the (log-scaled) finite values; std 1 when flat."""
    return {col: stat_of(frame[col].to_numpy() if col in frame else None, col) for col in columns}


def stat_of(values: np.ndarray | None, col: str) -> list[float]:
    """``[mean, std]`` of column ``col``'s finite values (log-scaled first where ``col``
    is one of :data:`LOG_COLUMNS`); ``values`` ``None``: the column is missing."""
    values = _logged(col, np.asarray(values if values is not None else [], dtype="float64"))
    values = values[np.isfinite(values)]
    mean = float(values.mean()) if values.size else 0.0
    std = float(values.std()) if values.size else 1.0
    return [mean, std if std > 1e-9 else 1.0]


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
        # a column the data lacks (a warm start's donor had it) reads as the mean: 0 scaled
        raw = frame[col].to_numpy(dtype="float64") if col in frame else np.full(len(frame), np.nan)
        row[:] = standardised(col, raw, stats)
    scaled = pd.DataFrame(block.T, index=frame.index, columns=columns, copy=False)
    return pd.concat([pd.DataFrame(data, index=frame.index), scaled], axis=1, copy=False)


def check_params(model) -> None:
    """Refuse settings of an :class:`~core.forecast.models.lstm.LSTMForecaster` that
    cannot train.

    Raises
    ------
    InputError
        For an unknown cell, sizes below 1, ``max_passes`` not above 0, ``dropout``
        outside [0, 1) or a learning rate not above 0.
    """
    if model.cell not in ("lstm", "gru"):
        raise InputError(f"Unknown cell {model.cell!r}; use lstm or gru.",
                         f"未知的网络单元 {model.cell!r}；请用 lstm 或 gru。")  # fmt: skip
    for key in ("units", "layers", "batch_size", "epochs", "windows_per_epoch"):
        if int(getattr(model, key)) < 1:
            raise InputError(f"{key} must be at least 1.", f"{key} 必须至少为 1。")
    for key in ("lookback", "horizon"):
        value = getattr(model, key)
        if value is not None and int(value) < 1:
            raise InputError(f"{key} must be at least 1.", f"{key} 必须至少为 1。")
    if model.max_passes is not None and not float(model.max_passes) > 0:
        raise InputError("max_passes must be above 0.", "max_passes 必须大于 0。")
    if not 0 <= float(model.dropout) < 1 or float(model.learning_rate) <= 0:
        raise InputError(
            "dropout must be in [0, 1) and the learning rate above 0.",
            "dropout 必须在 [0, 1) 之间，学习率必须大于 0。",
        )


#: The yearly lag of daily data: 52 weeks, so that each day reads the same weekday.
DAILY_YEAR = 364


def _year(freq: str) -> int:
    """Periods in a year for the lag: 52 weeks, 12 months, 364 days."""
    season = default_season(freq)
    return DAILY_YEAR if season == 7 else season


def yearly_season(freq: str, yearly_lag: bool | None) -> int:
    """Periods of the yearly lag input for data of ``freq`` (52 weeks, 12 months, 364
    days) where ``yearly_lag`` is true, ``None`` meaning weekly data only; else 0."""
    season = default_season(freq)
    on = yearly_lag if yearly_lag is not None else season == 52
    return _year(freq) if on and season > 1 else 0


def network_season(model) -> int:
    """Periods of the yearly lag a fitted deep model's network reads (0: none), from the
    width of its decoder input: features, one-hot steps and, with the lag, two more.

    Read off the network rather than stored, so models saved before the lag (issue 17)
    load and forecast as they were trained.
    """
    width = int(model.model_.get_layer("future").batch_shape[-1])
    extra = width - len(model.feature_columns_) - int(model.horizon_)
    return _year(model.freq_) if extra == 2 else 0
