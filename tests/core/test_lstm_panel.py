"""The deep model's inputs built a batch of products at a time equal the whole-shop build.

The reference is the path the deep model took before (issue 18): every feature of the
shop in one frame (:func:`build_features`), its statistics, a scaled copy and a panel
holding every column for every slot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.forecast.features import FeatureConfig, build_features, date_columns
from core.forecast.models.lstm_inputs import (
    feature_stats,
    history_columns,
    scale_features,
    series_table,
    static_codes,
)
from core.forecast.models.lstm_panel import training_inputs
from core.forecast.models.windowing import SlotFeatures, build_panel, gather


def _shop(n: int = 9, seed: int = 3) -> pd.DataFrame:
    """Products of different lengths and starts, with gaps, prices, promotions, an
    unknown sale, categories (one missing) and IDs that sort as text, not as numbers."""
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(n):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 60)))
        ds = pd.date_range(start, periods=int(rng.integers(20, 120)), freq="D")
        keep = rng.random(len(ds)) > 0.1  # gaps
        part = pd.DataFrame({
            "unique_id": f"P{k * 7 % 11}",
            "ds": ds[keep],
            "y": rng.poisson(3 + k, keep.sum()).astype(float),
            "price": np.where(rng.random(keep.sum()) < 0.2, np.nan, 10 + k + rng.random(keep.sum())),
            "promo": (rng.random(keep.sum()) < 0.1).astype(float),
            "category": ["toys", "books", None][k % 3],
        })  # fmt: skip
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame.loc[5, "y"] = np.nan
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # shuffled


def _reference(history, series, freq, config, lookback, horizon, season):
    feats = build_features(history, series, freq, config)
    columns = [c for c in feats.columns if c not in feats.static_columns]
    stats = feature_stats(feats.frame, columns)
    vocabulary, codes = static_codes(feats, list(feats.static_columns))
    scaled = scale_features(feats.frame, columns, stats)
    panel = build_panel(scaled, freq, columns, codes, lookback, horizon, season)
    tail = scaled.groupby("unique_id", sort=True).tail(max(lookback, season))
    return panel, columns, stats, vocabulary, codes, tail


@pytest.mark.parametrize("chunk", [1, 4, 100])
def test_training_inputs_equal_the_whole_shop_build(chunk):
    frame = _shop()
    history, series = history_columns(frame), series_table(frame)
    config = FeatureConfig(groups=("calendar", "holidays", "promo_price", "static", "age"),
                           region="GB")  # fmt: skip
    ref, columns, stats, vocabulary, codes, tail = _reference(history, series, "D", config,
                                                              14, 7, 0)  # fmt: skip
    got = training_inputs(history, series, "D", config, (14, 7, 0), 14, chunk=chunk)
    assert got.feature_columns == columns
    assert got.stats == stats  # the same numbers, not close ones
    assert got.vocabulary == vocabulary
    np.testing.assert_array_equal(got.static_codes, codes)
    panel = got.panel
    assert isinstance(panel.x, SlotFeatures)
    assert panel.x.shape == ref.x.shape
    every = np.arange(len(ref.y))
    np.testing.assert_array_equal(panel.x[every], ref.x[every])
    for key in ("ids", "start", "length", "first_period", "y", "observed", "static"):
        np.testing.assert_array_equal(getattr(panel, key), getattr(ref, key))
    # the date columns are stored once per period, the rest per slot
    assert set(panel.x.dated) == set(date_columns(columns)) and panel.x.dated
    assert panel.x.own_columns == ["pp_promo", "pp_price", "pp_rel_price", "age_periods",
                                   "age_log", "age_started"]  # fmt: skip
    # the tail: each product's last rows, features scaled (0 where the reference has NaN)
    want = tail.reset_index(drop=True)
    assert list(got.tail.columns) == list(want.columns)
    assert got.tail[["unique_id", "ds"]].equals(want[["unique_id", "ds"]])
    np.testing.assert_array_equal(got.tail["y"], want["y"])
    np.testing.assert_array_equal(got.tail[columns].to_numpy(),
                                  np.nan_to_num(want[columns].to_numpy(np.float32)))  # fmt: skip


def test_windows_gathered_from_both_panels_are_equal():
    frame = _shop(6, seed=8)
    history, series = history_columns(frame), series_table(frame)
    config = FeatureConfig(region="CN", groups=("calendar", "holidays", "promo_price", "age"))
    ref = _reference(history, series, "D", config, 10, 5, 0)[0]
    got = training_inputs(history, series, "D", config, (10, 5, 0), 10, chunk=2).panel
    series_idx = np.array([0, 2, 5, 5])
    ends = np.array([3, 10, 1, 20])
    a, b = gather(ref, series_idx, ends, ref.length), gather(got, series_idx, ends, got.length)
    for key in ("past", "future", "static", "level", "scale", "target", "weight"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


def test_a_warm_start_keeps_its_donors_columns_and_scaling():
    frame = _shop(5, seed=1).drop(columns=["price"])
    history = history_columns(frame)
    config = FeatureConfig(region="CN", groups=("calendar", "promo_price", "age"))
    donor_stats = {"cal_dow_sin": [0.5, 2.0], "pp_price": [1.0, 1.0], "age_periods": [0.0, 1.0]}
    got = training_inputs(history, None, "D", config, (7, 3, 0), 7,
                          columns=list(donor_stats), stats=donor_stats)  # fmt: skip
    assert got.feature_columns == list(donor_stats) and got.stats == donor_stats
    x = got.panel.x[got.panel.start[0] + np.arange(3)]
    raw = build_features(history, None, "D", config).frame
    first = raw[raw["unique_id"] == got.panel.ids[0]].head(3)
    np.testing.assert_allclose(x[:, 0], (first["cal_dow_sin"] - 0.5) / 2.0, rtol=1e-6)
    assert (x[:, 1] == 0).all()  # the data has no price: its column reads the mean, 0
    np.testing.assert_allclose(x[:, 2], np.log1p(first["age_periods"]), rtol=1e-6)


def test_history_columns_share_a_sorted_frames_columns():
    frame = history_columns(_shop(4))  # sorted, IDs text, sales float
    again = history_columns(frame)
    for col in ("unique_id", "ds", "y"):
        assert np.shares_memory(again[col].to_numpy(), frame[col].to_numpy())
    shuffled = history_columns(frame.sample(frac=1.0, random_state=0))
    assert shuffled.equals(frame)
