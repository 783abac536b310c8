"""Tests for core.periods: period grids, horizon dates and per-series fill indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError
from core.periods import PeriodGrid, bfill_index, ffill_index, horizon_dates

FREQS = ["D", "W-MON", "W-WED", "W-SUN", "MS", "ME"]


@pytest.mark.parametrize("freq", FREQS)
def test_grid_numbers_consecutive_periods_and_round_trips(freq):
    dates = pd.date_range("2023-11-15", periods=30, freq=freq)
    grid = PeriodGrid.from_freq(freq)
    numbers = grid.periods(dates)
    assert numbers.dtype == np.int64
    assert np.array_equal(np.diff(numbers), np.ones(29, dtype=np.int64))
    assert pd.DatetimeIndex(grid.dates(numbers)).equals(dates)


@pytest.mark.parametrize(
    ("freq", "date", "period_date"),
    [
        ("D", "2024-01-03 17:30", "2024-01-03"),
        ("W-MON", "2024-01-03", "2024-01-01"),
        ("W-SUN", "2024-01-03", "2023-12-31"),
        ("MS", "2024-02-20", "2024-02-01"),
        ("ME", "2024-02-20", "2024-02-29"),
    ],
)
def test_dates_inside_a_period_map_to_its_date(freq, date, period_date):
    grid = PeriodGrid.from_freq(freq)
    found = grid.dates(grid.periods(pd.to_datetime([date])))
    assert list(found) == [np.datetime64(period_date, "ns")]


@pytest.mark.parametrize("freq", ["QS", "YE", "2MS", "XYZ", None])
def test_unsupported_frequencies_raise(freq):
    with pytest.raises(InputError):
        PeriodGrid.from_freq(freq)


def test_horizon_dates_follow_the_last_period():
    assert horizon_dates("2024-01-31", 2, "ME").equals(
        pd.DatetimeIndex(["2024-02-29", "2024-03-31"])
    )
    assert horizon_dates(pd.Timestamp("2024-01-03"), 2, "W-MON").equals(
        pd.DatetimeIndex(["2024-01-08", "2024-01-15"])
    )
    assert horizon_dates("2024-01-01", 0, "D").empty
    with pytest.raises(InputError):
        horizon_dates("2024-01-01", -1, "D")


def test_fill_indices_stay_inside_each_series():
    valid = np.array([False, True, False, True, False, False, True, False])
    codes = np.array([0, 0, 0, 0, 1, 1, 1, 2])
    assert ffill_index(valid, codes).tolist() == [-1, 1, 1, 3, -1, -1, 6, -1]
    assert bfill_index(valid, codes).tolist() == [1, 1, 3, 3, 6, 6, 6, -1]
