"""The deep model's training inputs, built a batch of products at a time (no Keras here).

A product's features depend on its own rows and on the dates alone (see
:mod:`core.forecast.features`), so the features of the shop are built for
:data:`CHUNK_PRODUCTS` products at a time and laid straight into the window panel
(:func:`~core.forecast.models.windowing.build_panel`'s layout, with the date features
stored once per period: :class:`~core.forecast.models.windowing.SlotFeatures`). The
shop's feature frame, its scaled copy and a panel holding every column for every slot
never exist at once: at 50,000 products of two years of days they took 10.3, 12.7 and
13.3 GB of peak memory one after the other (issue 18).

The result equals the whole-shop build value for value: the rows are laid in the same
order (products sorted by ID, then periods), so the scaling statistics, computed over
the finite values of each column in that order, are the same numbers; the values are
scaled as :func:`~core.forecast.models.lstm_inputs.scale_features` scales them
(:func:`~core.forecast.models.lstm_inputs.standardised`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.forecast.features import FeatureConfig, build_features
from core.forecast.models.lstm_inputs import embedding_codes, standardised, stat_of
from core.forecast.models.windowing import Layout, Panel, SlotFeatures
from core.periods import PeriodGrid

__all__ = ["CHUNK_PRODUCTS", "TrainingInputs", "training_inputs"]

#: Products whose features are built at once (about 1.5 million rows of two years of days).
CHUNK_PRODUCTS = 2000


@dataclass
class TrainingInputs:
    """What :func:`training_inputs` returns.

    Attributes
    ----------
    panel : Panel
        Every product's history, its features scaled.
    feature_columns : list of str
        The known-in-advance feature columns, in the network's order.
    static_columns : list of str
        The integer-coded attribute columns (category, brand) of the embeddings.
    stats : dict
        ``{column: [mean, std]}`` the features were scaled with.
    vocabulary : int
        Size of the embeddings' vocabulary (products and attribute codes).
    static_codes : numpy.ndarray
        One row of embedding codes per product, sorted by ID.
    tail : pandas.DataFrame
        Each product's last ``tail_rows`` rows: ``unique_id, ds, y`` and the scaled
        feature columns (``float32``, 0 where a value was missing).
    """

    panel: Panel
    feature_columns: list[str]
    static_columns: list[str]
    stats: dict
    vocabulary: int
    static_codes: np.ndarray
    tail: pd.DataFrame


def training_inputs(
    history: pd.DataFrame,
    series: pd.DataFrame | None,
    freq: str,
    config: FeatureConfig,
    window: tuple[int, int, int],
    tail_rows: int,
    columns: list[str] | None = None,
    stats: dict | None = None,
    chunk: int = CHUNK_PRODUCTS,
) -> TrainingInputs:
    """The panel of ``history`` (:func:`~core.forecast.models.lstm_inputs.history_columns`:
    sorted by ``unique_id`` and ``ds``, IDs as text) with its features scaled.

    Parameters
    ----------
    history, series, freq, config
        As for :func:`~core.forecast.features.build_features`.
    window : (int, int, int)
        ``lookback``, ``horizon`` and the yearly lag's ``season`` of the panel.
    tail_rows : int
        Rows of each product kept in ``tail`` (what forecasts start from).
    columns, stats : optional
        A warm start's feature columns and scaling (a column the data lacks reads 0);
        default: the built columns, and statistics learnt from ``history``.
    chunk : int
        Products built at once.
    """
    lookback, horizon, season = window
    codes, ids = pd.factorize(history["unique_id"], sort=True)
    periods = PeriodGrid.from_freq(freq).periods(history["ds"].to_numpy())
    layout = Layout.of(codes, periods, len(ids), lookback, horizon)
    y, observed = layout.sales(history["y"].to_numpy(dtype="float64"))
    bounds = np.searchsorted(codes, np.arange(0, len(ids) + chunk, chunk).clip(max=len(ids)))
    x, static_parts, static_columns, cards = None, [], [], {}
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if a == b:
            continue
        feats = build_features(history.iloc[a:b], series, freq, config)
        if x is None:
            static_columns, cards = list(feats.static_columns), dict(feats.cardinalities)
            built = [c for c in feats.columns if c not in feats.static_columns]
            columns = list(columns) if columns is not None else built
            dated = [c for c in columns if c in feats.date_columns]
            x = SlotFeatures.empty(layout, periods, columns, dated)
        for col in columns:
            if col in feats.frame:
                x.put(col, layout.pos[a:b], periods[a:b], feats.frame[col].to_numpy(np.float32))
        static_parts.append(feats.frame.groupby("unique_id", sort=True)[static_columns].first())
        del feats
    if stats is None:
        stats = {c: stat_of(x.column(c, layout.pos, periods), c) for c in columns}
    x.transform(lambda col, v: standardised(col, v, stats).astype(np.float32))
    x.finish()
    vocabulary, static_codes = embedding_codes(pd.concat(static_parts), static_columns, cards)
    panel = layout.panel(ids, y, observed, x, static_codes, season)
    tail = _tail(history, codes, layout, x, columns, tail_rows)
    return TrainingInputs(panel, columns, static_columns, stats, vocabulary, static_codes, tail)


def _tail(history, codes, layout, x, columns, rows: int) -> pd.DataFrame:
    """Each product's last ``rows`` rows with their scaled features."""
    n = np.bincount(codes, minlength=len(layout.first))
    first_row = np.cumsum(n) - n
    rank = np.arange(len(codes)) - first_row[codes]
    keep = np.flatnonzero(rank >= n[codes] - rows)
    out = pd.DataFrame({
        "unique_id": history["unique_id"].to_numpy()[keep],
        "ds": history["ds"].to_numpy()[keep],
        "y": history["y"].to_numpy(dtype="float64")[keep],
    })  # fmt: skip
    values = x[layout.pos[keep]]
    scaled = pd.DataFrame(values, columns=columns, copy=False)
    return pd.concat([out, scaled], axis=1, copy=False)
