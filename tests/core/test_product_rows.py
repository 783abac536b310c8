"""One product's rows by index (core.data.ProductRows): the same rows as a scan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data import ProductRows


def _long(n_products: int, days: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.repeat([f"{k:05d}" for k in range(n_products)], days)
    frame = pd.DataFrame({"unique_id": ids,
                          "ds": np.tile(pd.date_range("2025-01-01", periods=days), n_products),
                          "y": rng.poisson(3, n_products * days).astype(float)})  # fmt: skip
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # any order


def test_rows_are_the_rows_a_scan_finds_in_the_same_order():
    frame, rows = _long(40, 30), ProductRows()
    for uid in ("00000", "00017", "00039"):
        pd.testing.assert_frame_equal(rows.rows("full", frame, uid),
                                      frame[frame["unique_id"] == uid])  # fmt: skip
    assert rows.rows("full", frame, "nope").empty
    assert list(rows.rows("full", frame, "nope").columns) == ["unique_id", "ds", "y"]
    assert rows.rows("forecast", None, "00000") is None


def test_a_new_table_under_the_same_name_is_indexed_again():
    rows, first = ProductRows(), _long(5, 10, seed=1)
    assert len(rows.rows("full", first, "00004")) == 10
    second = _long(8, 4, seed=2)
    got = rows.rows("full", second, "00007")
    assert len(got) == 4 and got.index.tolist() == second.index[second["unique_id"] == "00007"].tolist()
    rows.clear()
    assert len(rows.rows("full", second, "00000")) == 4


def test_numeric_ids_are_found_by_their_text():
    frame = pd.DataFrame({"unique_id": [7, 8, 7], "y": [1.0, 2.0, 3.0]})
    assert ProductRows().rows("t", frame, "7")["y"].tolist() == [1.0, 3.0]
