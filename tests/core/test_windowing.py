"""Tests of the panel layout and window gathering used by the global deep model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.forecast.models import build_panel, gather, window_ends


def _frame():
    """Two products: A has 10 daily rows with y = 1..10, B starts later with 4 rows."""
    a = pd.DataFrame({"unique_id": "A", "ds": pd.date_range("2024-03-01", periods=10),
                      "y": np.arange(1.0, 11.0), "f": np.arange(10.0)})  # fmt: skip
    b = pd.DataFrame({"unique_id": "B", "ds": pd.date_range("2024-03-07", periods=4),
                      "y": [5.0, np.nan, 7.0, 8.0], "f": [0.5] * 4})  # fmt: skip
    return pd.concat([a, b], ignore_index=True)


@pytest.fixture()
def panel():
    return build_panel(_frame(), "D", ["f"], np.array([[1], [2]]), lookback=4, horizon=3)


def test_panel_layout_pads_each_series(panel):
    assert list(panel.ids) == ["A", "B"]
    assert list(panel.length) == [10, 4]
    # A: 4 padding + 10 rows + 3 padding, then B's 4 padding
    assert list(panel.start) == [4, 4 + 10 + 3 + 4]
    assert panel.y[panel.start[0] : panel.start[0] + 10].tolist() == list(range(1, 11))
    assert panel.observed[: panel.start[0]].sum() == 0
    # B's missing value is unobserved, not a zero sale
    b = panel.start[1]
    assert panel.observed[b : b + 4].tolist() == [1, 0, 1, 1]
    assert panel.x.shape == (len(panel.y), 1)


def test_window_ends_respect_holdout_and_min_past(panel):
    series, ends = window_ends(panel, panel.length, min_past=2, holdout=np.array([3, 0]))
    a_ends = ends[series == 0].tolist()
    b_ends = ends[series == 1].tolist()
    assert a_ends == [2, 3, 4, 5, 6]  # stop = 10 - 3: targets start before the holdout
    assert b_ends == [2, 3]


def test_gather_scales_by_past_only_and_masks_unknown_targets(panel):
    batch = gather(panel, np.array([0]), np.array([6]), known=np.array([8, 4]))
    # past = y[2:6] = 3, 4, 5, 6 -> scale 1 + 4.5
    assert batch.scale[0] == pytest.approx(5.5)
    assert batch.past[0, :, 0] * 5.5 == pytest.approx([3, 4, 5, 6])
    assert batch.past[0, :, 1].tolist() == [1, 1, 1, 1]
    # targets 7, 8, 9; the third is beyond the 8 known periods -> weight 0
    assert batch.target[0] * 5.5 == pytest.approx([7, 8, 9])
    assert batch.weight[0].tolist() == [1, 1, 0]
    # future features of the target periods plus a one-hot step
    assert batch.future[0, :, 0].tolist() == [6, 7, 8]
    assert batch.future[0, :, 1:].tolist() == np.eye(3).tolist()
    assert batch.level[0, 0] == pytest.approx(np.log(5.5))


def test_changing_the_target_leaves_the_inputs_unchanged(panel):
    """Leakage guard: the inputs of a window never depend on its target periods."""
    before = gather(panel, np.array([0]), np.array([5]), known=panel.length)
    panel.y[panel.start[0] + 5 : panel.start[0] + 8] = 1000.0
    after = gather(panel, np.array([0]), np.array([5]), known=panel.length)
    assert np.array_equal(before.past, after.past)
    assert np.array_equal(before.future, after.future)
    assert before.scale[0] == after.scale[0]
    assert (after.target[0] * after.scale[0] == 1000.0).all()


def test_gather_before_the_first_row_pads_with_unobserved_zeros(panel):
    batch = gather(panel, np.array([1]), np.array([1]), known=panel.length)
    assert batch.past[0, :, 1].tolist() == [0, 0, 0, 1]
    assert batch.past[0, -1, 0] * batch.scale[0] == pytest.approx(5.0)
    assert batch.scale[0] == pytest.approx(6.0)
    assert batch.static.tolist() == [[2]]


def test_date_columns_are_stored_per_period_and_read_in_the_given_order():
    frame = _frame().assign(cal_x=lambda f: f["ds"].dt.day.astype(float))
    plain = build_panel(frame, "D", ["f", "cal_x"], np.array([[1], [2]]), 4, 3)
    dated = build_panel(frame, "D", ["f", "cal_x"], np.array([[1], [2]]), 4, 3,
                        date_columns=["cal_x"])  # fmt: skip
    assert dated.x.dated == ["cal_x"] and dated.x.own_columns == ["f"]
    assert dated.x.table.shape == (10 + 1, 1)  # one row per date, and the zero row
    every = np.arange(len(dated.y))
    np.testing.assert_array_equal(dated.x[every], plain.x[every])
    a = dated.x[dated.start[0] + np.arange(10)]
    assert a[:, 0].tolist() == list(range(10)) and a[:, 1].tolist() == list(range(1, 11))
    assert (dated.x[np.arange(dated.start[0])] == 0).all()  # padding reads 0
