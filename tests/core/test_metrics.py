"""Accuracy metrics checked against values worked out by hand (arithmetic in the comments)."""

import math

import numpy as np
import pandas as pd
import pytest

from core.forecast import metrics as m

# Shared example: errors e = F - A = [-1, 1, 0].
Y = [2, 0, 4]
F = [1, 1, 4]
# Weekly history: week 2 is week 1 + 2, so every lag-7 difference is 2 -> seasonal-naive MAE 2.
WEEKLY = [1, 2, 3, 4, 5, 6, 7, 3, 4, 5, 6, 7, 8, 9]


def test_point_metrics_by_hand():
    assert m.mae(Y, F) == pytest.approx(2 / 3)  # (1 + 1 + 0) / 3
    assert m.rmse(Y, F) == pytest.approx(math.sqrt(2 / 3))  # sqrt((1 + 1 + 0) / 3)
    assert m.wape(Y, F) == pytest.approx(2 / 6)  # (1 + 1 + 0) / (2 + 0 + 4)
    # 200*1/(2+1) + 200*1/(0+1) + 200*0/(4+4), over 3 points
    assert m.smape(Y, F) == pytest.approx((200 / 3 + 200 + 0) / 3)
    assert m.bias(Y, F) == pytest.approx(0.0)  # mean(e) = 0
    # F = [3, 1, 4]: e = [1, 1, 0], mean(e) = 2/3, mean(A) = 2 -> 1/3 (over-forecast)
    assert m.bias(Y, [3, 1, 4]) == pytest.approx(1 / 3)


def test_smape_zero_over_zero_counts_as_zero():
    # points: 0/0 -> 0, 200*2/(2+0) = 200 -> mean 100
    assert m.smape([0, 2], [0, 0]) == pytest.approx(100.0)
    assert m.smape([0, 0], [0, 0]) == 0.0


def test_mase_season_seven():
    # MAE 2/3 over seasonal-naive MAE 2 -> 1/3
    assert m.mase(Y, F, WEEKLY, season=7) == pytest.approx(1 / 3)


def test_mase_falls_back_to_lag_one_on_short_history():
    # 5 points < 7 + 1: lag-1 diffs [2, -1, 3, 0], mean abs 6/4 = 1.5 -> (2/3) / 1.5 = 4/9
    assert m.mase(Y, F, [1, 3, 2, 5, 5], season=7) == pytest.approx(4 / 9)


def test_mase_flat_history_is_nan_not_inf():
    assert math.isnan(m.mase(Y, F, [5, 5, 5, 5], season=1))


def test_rmsse_starts_at_first_nonzero():
    # trimmed history [3, 5, 4]: diffs [2, -1], mean square (4 + 1) / 2 = 2.5
    # RMSSE = sqrt(MSE / 2.5) = sqrt((2/3) / 2.5) = sqrt(4/15)
    assert m.rmsse(Y, F, [0, 0, 3, 5, 4]) == pytest.approx(math.sqrt(4 / 15))
    # without trimming the diffs would be [0, 3, 2, -1] (mean square 3.5): a different value
    assert m.rmsse(Y, F, [0, 0, 3, 5, 4]) != pytest.approx(math.sqrt((2 / 3) / 3.5))


def test_rmsse_flat_or_all_zero_history_is_nan():
    assert math.isnan(m.rmsse(Y, F, [0, 0, 0]))
    assert math.isnan(m.rmsse(Y, F, [0, 4, 4, 4]))


def test_coverage_closed_interval():
    # 2 in [1, 3] yes; 0 in [1, 2] no; 4 in [3, 4] yes (edge counts) -> 2/3
    assert m.coverage(Y, [1, 1, 3], [3, 2, 4]) == pytest.approx(2 / 3)


def test_pinball():
    # q = 0.9, u = A - F = [1, -1, 0]: losses 0.9*1, (0.9-1)*(-1) = 0.1, 0 -> mean 1/3
    assert m.pinball(Y, F, 0.9) == pytest.approx(1 / 3)
    # q = 0.5 is half the MAE
    assert m.pinball(Y, F, 0.5) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="q must"):
        m.pinball(Y, F, 90)


def test_nan_actuals_are_dropped_pairwise():
    y = [2, np.nan, 0, 4]
    f = [1, 99, 1, 4]
    assert m.mae(y, f) == pytest.approx(2 / 3)
    assert m.smape(y, f) == pytest.approx((200 / 3 + 200) / 3)
    assert m.coverage(y, [1, 0, 1, 3], [3, 0, 2, 4]) == pytest.approx(2 / 3)
    # a NaN forecast is not hidden
    assert math.isnan(m.mae([1, 2], [1, np.nan]))


def test_empty_and_all_nan_return_nan():
    for fn in (m.mae, m.rmse, m.wape, m.smape, m.bias):
        assert math.isnan(fn([], []))
        assert math.isnan(fn([np.nan], [1.0]))
    assert math.isnan(m.mase([], [], WEEKLY, 7))
    assert math.isnan(m.coverage([], [], []))
    assert math.isnan(m.pinball([], [], 0.5))


def test_zero_actuals_give_nan_wape_and_bias():
    assert math.isnan(m.wape([0, 0], [1, 2]))
    assert math.isnan(m.bias([0, 0], [1, 2]))


def test_length_mismatch_raises():
    with pytest.raises(ValueError, match="same length"):
        m.mae([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="same length"):
        m.coverage([1, 2], [0, 0], [3])


def _frames():
    days = pd.date_range("2024-01-01", periods=14, freq="D")
    test_a = pd.date_range("2024-01-15", periods=3, freq="D")
    test_b = pd.date_range("2024-01-04", periods=2, freq="D")
    forecast = pd.DataFrame(
        {
            "unique_id": ["A"] * 3 + ["B"] * 2,
            "ds": [*test_a, *test_b],
            "forecast": [1, 1, 4, 8, 14],
            "lo_80": [1, 1, 3, 5, 5],
            "hi_80": [3, 2, 4, 9, 20],
        }
    )
    actual = pd.DataFrame(
        {
            "unique_id": ["B", "B", "A", "A", "A", "A"],
            "ds": [*test_b, *test_a, pd.Timestamp("2024-01-18")],  # the last is not forecast
            "y": [10, 10, 2, 0, 4, 50],
        }
    )
    history = pd.DataFrame(
        {
            "unique_id": ["A"] * 14 + ["B"] * 3,
            "ds": [*days, *days[:3]],
            "y": [*WEEKLY, 4, 6, 10],
        }
    )
    return forecast, actual, history


def test_evaluate_two_series():
    out = m.evaluate(*_frames(), season=7).set_index("unique_id")
    a, b = out.loc["A"], out.loc["B"]
    assert a["n"] == 3 and b["n"] == 2
    # A is the shared example.
    assert a["mae"] == pytest.approx(2 / 3)
    assert a["rmse"] == pytest.approx(math.sqrt(2 / 3))
    assert a["wape"] == pytest.approx(1 / 3)
    assert a["smape"] == pytest.approx((200 / 3 + 200) / 3)
    assert a["mase"] == pytest.approx(1 / 3)
    # lag-1 diffs of WEEKLY: twelve 1s and one 3 - 7 = -4 -> mean square (12 + 16) / 13 = 28/13
    assert a["rmsse"] == pytest.approx(math.sqrt((2 / 3) / (28 / 13)))
    assert a["bias"] == pytest.approx(0.0)
    assert a["coverage_80"] == pytest.approx(2 / 3)
    assert (a["abs_err_sum"], a["actual_sum"], a["err_sum"]) == (2.0, 6.0, 0.0)
    # B: y = [10, 10], f = [8, 14], e = [-2, 4]
    assert b["mae"] == pytest.approx(3.0)  # (2 + 4) / 2
    assert b["rmse"] == pytest.approx(math.sqrt(10))  # sqrt((4 + 16) / 2)
    assert b["wape"] == pytest.approx(0.3)  # 6 / 20
    assert b["smape"] == pytest.approx((200 * 2 / 18 + 200 * 4 / 24) / 2)  # = 250/9
    # history [4, 6, 10] is shorter than 8 -> lag 1: diffs [2, 4], mean abs 3 -> 3 / 3
    assert b["mase"] == pytest.approx(1.0)
    # mean square diff (4 + 16) / 2 = 10 -> sqrt(10 / 10)
    assert b["rmsse"] == pytest.approx(1.0)
    assert b["bias"] == pytest.approx(0.1)  # mean(e) 1 / mean(A) 10
    assert b["coverage_80"] == pytest.approx(0.5)  # 10 not in [5, 9]; 10 in [5, 20]
    assert (b["abs_err_sum"], b["actual_sum"], b["err_sum"]) == (6.0, 20.0, 2.0)


def test_evaluate_missing_history_and_columns():
    forecast, actual, history = _frames()
    out = m.evaluate(forecast, actual, history[history.unique_id == "A"], season=7)
    b = out.set_index("unique_id").loc["B"]
    assert math.isnan(b["mase"]) and math.isnan(b["rmsse"])
    assert b["mae"] == pytest.approx(3.0)
    with pytest.raises(ValueError, match="lo_95"):
        m.evaluate(forecast, actual, history, season=7, levels=(95,))


def test_summarize_pools_wape_and_bias():
    per_series = m.evaluate(*_frames(), season=7)
    total = m.summarize(per_series)
    # pooled WAPE (2 + 6) / (6 + 20) = 4/13 = 0.3077, not the mean (1/3 + 0.3) / 2 = 0.3167
    assert total["wape"] == pytest.approx(4 / 13)
    assert total["wape"] != pytest.approx(per_series["wape"].mean())
    assert total["bias"] == pytest.approx(2 / 26)  # (0 + 2) / (6 + 20)
    assert total["mae"] == pytest.approx((2 / 3 + 3) / 2)  # mean over series
    assert total["mase"] == pytest.approx((1 / 3 + 1) / 2)
    assert total["coverage_80"] == pytest.approx((2 / 3 + 0.5) / 2)
    assert total["n"] == 5 and total["n_series"] == 2


def test_summarize_weights():
    per_series = m.evaluate(*_frames(), season=7)
    total = m.summarize(per_series, weights={"A": 3, "B": 1})
    assert total["mae"] == pytest.approx((3 * 2 / 3 + 1 * 3) / 4)  # 5/4
    assert total["wape"] == pytest.approx(4 / 13)  # pooled, weights do not apply
    same = m.summarize(per_series, weights=[3, 1])
    assert same["mae"] == pytest.approx(total["mae"])
