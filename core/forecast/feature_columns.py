"""The feature columns of :func:`core.forecast.features.build_features`, column by column.

Values are laid on a dense grid per product (one slot per period, ``pad`` empty slots
before each product) so lags and rolling windows are plain shifts that never cross from
one product into the next; each column is written straight into :class:`Block`, the one
``float32`` array the feature frame wraps (issue 18: memory at 4,000 products).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import InputError
from core.periods import ffill_index

__all__ = ["Block", "age_columns", "dense_positions", "first_sale", "lag_columns",
           "on_dense", "promo_price_columns"]  # fmt: skip


def dense_positions(codes: np.ndarray, periods: np.ndarray, pad: int) -> tuple[np.ndarray, int]:
    """Place each series on its own run of consecutive periods in one long array.

    Every series is preceded by ``pad`` empty slots, so shifts and rolling windows of up to
    ``pad`` periods never reach into the series before it; gaps in a series stay empty.
    """
    n = int(codes.max()) + 1 if codes.size else 0
    pmin = np.full(n, np.iinfo(np.int64).max)
    pmax = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(pmin, codes, periods)
    np.maximum.at(pmax, codes, periods)
    span = pmax - pmin + 1 + pad
    start = np.cumsum(span) - span
    pos = start[codes] + pad + (periods - pmin[codes])
    taken = np.zeros(int(span.sum()), bool)
    taken[pos] = True  # a hash or sort of the positions (np.unique) takes seconds
    if np.count_nonzero(taken) != pos.size:
        raise InputError(
            "Some product has two rows for the same period; clean the data first.",
            "有商品在同一周期有多行数据，请先清洗数据。",
        )
    return pos, int(span.sum())


class Block:
    """The float feature columns, written one by one into one float32 array.

    The array is laid out as pandas keeps a block (one row per column), so the frame is
    made around it without a copy, and no column ever exists as a frame of its own.
    """

    def __init__(self, n_rows: int, n_columns: int) -> None:
        self.values = np.empty((n_columns, n_rows), np.float32)
        self.names: list[str] = []

    def put(self, name: str, values: np.ndarray, take: np.ndarray | None = None) -> None:
        """Add column ``name``: ``values``, or ``values[take]`` when ``take`` is given."""
        row = self.values[len(self.names)]
        if take is None:
            row[:] = values
        else:
            np.take(np.asarray(values, np.float32), take, out=row)
        self.names.append(name)

    def frame(self, index: pd.Index) -> pd.DataFrame:
        """The columns as a frame sharing the block's memory."""
        if len(self.names) != len(self.values):
            raise RuntimeError(f"{len(self.names)} of {len(self.values)} feature columns built")
        return pd.DataFrame(self.values.T, index=index, columns=self.names, copy=False)


def on_dense(values: np.ndarray, pos: np.ndarray, size: int) -> pd.Series:
    dense = np.full(size, np.nan)
    dense[pos] = values
    return pd.Series(dense)


def lag_columns(put, y, pos, size, lags, windows) -> None:
    dense = on_dense(y, pos, size)
    for k in lags:
        put(f"lag_{k}", dense.shift(k).to_numpy()[pos])
    past = dense.shift(1)
    del dense
    for w in windows:
        put(f"roll_mean_{w}", past.rolling(w, min_periods=1).mean().to_numpy()[pos])
        put(f"roll_std_{w}", past.rolling(w, min_periods=2).std().to_numpy()[pos])


def promo_price_columns(put, frame, codes, pos, size, window: int, price_before=None) -> None:
    """``pp_*`` columns; ``price_before``: per product, the price carried into the first
    rows (those before any valid price of ``frame``), ``NaN`` where there is none."""
    if "promo" in frame:
        promo = pd.to_numeric(frame["promo"], errors="coerce").fillna(0).to_numpy(float)
        put("pp_promo", promo > 0)
    if "price" in frame:
        raw = pd.to_numeric(frame["price"], errors="coerce").to_numpy(float)
        last = ffill_index(np.isfinite(raw) & (raw > 0), codes)
        before = np.nan if price_before is None else price_before[codes]
        price = np.where(last >= 0, raw[np.maximum(last, 0)], before)
        usual = on_dense(price, pos, size).shift(1).rolling(window, min_periods=1).median()
        rel = price / usual.to_numpy()[pos]
        put("pp_price", price)
        put("pp_rel_price", np.where(np.isfinite(rel), rel, 1.0))


def first_sale(y: np.ndarray, codes: np.ndarray, periods: np.ndarray, n: int) -> np.ndarray:
    """Period of each series' first sale (the largest int64 where it never sold)."""
    first = np.full(n, np.iinfo(np.int64).max)
    sold = np.nan_to_num(y) > 0
    np.minimum.at(first, codes[sold], periods[sold])
    return first


def age_columns(put, periods: np.ndarray, codes: np.ndarray, first: np.ndarray) -> None:
    """Periods since the first sale strictly before each row (0 before it)."""
    age = periods - first[codes]
    started = age > 0
    age = np.where(started, age, 0).astype(float)
    put("age_periods", age)
    put("age_log", np.log1p(age))
    put("age_started", started)
