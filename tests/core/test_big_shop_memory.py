"""Tests of the memory-lean paths for big shops (issue 18): the alignment's one copy, the
lifecycle's product slices and chunked refits, the cleaning's change table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import core.data.alignment as alignment
import core.lifecycle.stages as stages
from core.data import align_to_end, clean, sorted_by_product
from core.data.stockouts import find_stockouts
from core.parallel import Workers
from tests.core.test_cleaning import gap_dataset
from tests.core.test_lifecycle import product
from tests.core.test_stockouts import sold_out

END = pd.Timestamp("2024-03-31")


def shop() -> pd.DataFrame:
    """Sorted like a cleaned shop: A sells to the end, B stopped 5 days before it
    (five trailing days added), C stopped 102 days before it (set aside)."""
    parts = []
    for uid, first, last, price, category in (
        ("A", "2024-01-01", END, 3.0, "tea"), ("B", "2024-01-01", END - pd.Timedelta(days=5), 7.5, None),
        ("C", "2023-12-01", pd.Timestamp("2023-12-20"), 2.0, "cup"),
    ):  # fmt: skip
        days = pd.date_range(first, last)
        parts.append(pd.DataFrame({
            "unique_id": uid, "ds": days, "y": np.arange(len(days), dtype=float) % 4,
            "price": price, "promo": (np.arange(len(days)) % 9 == 0).astype(float),
            "category": category, "stockout": np.arange(len(days)) % 11 == 5,
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("max_runs", [alignment._MAX_RUNS, 0])  # slices, or the taken copy
@pytest.mark.parametrize("shuffled", [False, True])
def test_align_to_end_adds_tails_and_drops_the_inactive(monkeypatch, max_runs, shuffled):
    monkeypatch.setattr(alignment, "_MAX_RUNS", max_runs)
    frame = shop()
    if shuffled:
        frame = frame.sample(frac=1.0, random_state=4).reset_index(drop=True)
    out = align_to_end(frame, "D")
    assert out.extended.to_dict("list") == {
        "unique_id": ["B"],
        "last_date": [END - pd.Timedelta(days=5)],
        "periods_added": [5],
    }
    assert out.inactive["unique_id"].tolist() == ["C"]
    frame_out = out.frame
    assert frame_out.index.equals(pd.RangeIndex(91 + 91))
    assert frame_out["unique_id"].tolist() == ["A"] * 91 + ["B"] * 91
    assert frame_out["ds"].is_monotonic_increasing is False  # B starts again on Jan 1
    tail = frame_out.tail(5)
    assert tail["ds"].tolist() == list(pd.date_range(END - pd.Timedelta(days=4), END))
    assert tail[["y", "promo", "price"]].to_numpy().tolist() == [[0.0, 0.0, 7.5]] * 5
    assert tail["category"].tolist() == [None] * 5
    # a column the tails lack holds NaN there, as pandas' concatenation makes it
    assert frame_out["stockout"].dtype == object and tail["stockout"].isna().all()
    a = frame_out[frame_out["unique_id"] == "A"]
    assert a["y"].tolist() == (np.arange(91, dtype=float) % 4).tolist()


def test_product_rows_are_the_groups_as_slices():
    frame = shop()
    parts = stages._product_rows(frame)
    groups = [rows for _, rows in frame.groupby("unique_id", sort=True)]
    assert len(parts) == len(groups) == 3
    for part, group in zip(parts, groups, strict=True):
        pd.testing.assert_frame_equal(part, group)
        assert np.shares_memory(part["y"].to_numpy(), frame["y"].to_numpy())  # no copy
    assert sorted_by_product(frame)
    assert not sorted_by_product(frame.iloc[::-1])
    assert sorted_by_product(pd.concat([frame.iloc[:1], frame], ignore_index=True))  # a tie
    mixed = frame.assign(unique_id=[1, *frame["unique_id"].iloc[1:]])
    assert not sorted_by_product(mixed)  # IDs that do not compare: unsure


def test_refit_in_chunks_gives_the_same_table_and_steady_progress(monkeypatch):
    frame = pd.concat([product(f"P{k}", 400 + 20 * k, 60 + 10 * k, double11=True, seed=k)
                       for k in range(10)], ignore_index=True)  # fmt: skip
    whole = stages.classify_lifecycle(frame, "D", workers=Workers(jobs=1))
    events = []
    monkeypatch.setattr(stages, "REFIT_CHUNK", 4)  # 10 products: three chunks of 4, 4, 2
    chunked = stages.classify_lifecycle(frame, "D", workers=Workers(jobs=1),
                                        on_progress=events.append)  # fmt: skip
    pd.testing.assert_frame_equal(whole, chunked)
    refit = [(e["done"], e["total"]) for e in events if e["stage"] == "lifecycle_calendar"]
    assert refit[-1] == (10, 10) and {t for _, t in refit} == {10}
    done = [d for d, _ in refit]
    assert done == sorted(done) and done[0] <= 4


def test_change_table_shares_one_text_per_step():
    changes = clean(gap_dataset()).changes
    assert changes["step"].tolist() == ["gaps"] * 6 + ["fill"] * 2
    assert len({id(v) for v in changes["step"]}) == 2  # not one string object per row
    assert changes["column"].tolist() == ["y", "y", "price", "price", "stock", "stock", "y", "y"]
    assert changes["after"].fillna(-1).tolist() == [-1, -1, 9.0, 9.0, 30.0, 30.0, 0.0, 0.0]
    assert changes["before"].isna().all() and changes["_row"].dtype == np.int64


def test_find_stockouts_reads_a_shuffled_frame_as_the_sorted_one():
    frame = sold_out()
    shuffled = frame.sample(frac=1.0, random_state=2)
    sorted_found, shuffled_found = find_stockouts(frame, "D"), find_stockouts(shuffled, "D")
    back = shuffled.index.to_numpy()  # shuffled row i is sorted row back[i]
    assert sorted_found.flag.sum() == 5
    np.testing.assert_array_equal(shuffled_found.flag, sorted_found.flag[back])
    np.testing.assert_array_equal(shuffled_found.demand, sorted_found.demand[back])
