"""Tests for core.data.cleaning: every step, its findings and its changes, on hand-built frames."""

from __future__ import annotations

import copy
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from core.data import (
    CHANGE_COLUMNS,
    CleaningOptions,
    ColumnMapping,
    Dataset,
    Report,
    clean,
    preview,
)
from core.errors import InputError

NaN = np.nan


def make(ids, dates, y, freq="D", rows=None, **extra) -> Dataset:
    """A Dataset from parallel lists; ``_row`` defaults to 2, 3, ... (row 1 is the header)."""
    frame = pd.DataFrame({"unique_id": ids, "ds": pd.to_datetime(dates), "y": y, **extra})
    frame["_row"] = rows if rows is not None else range(2, len(frame) + 2)
    series = pd.DataFrame({"unique_id": sorted(set(map(str, ids)))})
    mapping = ColumnMapping(date="Date", ids=["SKU"], target="Sales")
    report = Report()
    report.add("warning", "import_note", "from import", "来自导入")
    return Dataset(frame=frame, series=series, mapping=mapping, freq=freq, report=report)


def series_of(result, uid="a") -> pd.DataFrame:
    frame = result.dataset.frame
    return frame[frame["unique_id"] == uid].reset_index(drop=True)


def days(*numbers: int, month: str = "2024-01") -> list[str]:
    return [f"{month}-{n:02d}" for n in numbers]


# --- duplicates -----------------------------------------------------------------------------


def dup_dataset() -> Dataset:
    # Rows 5, 3, 9 share (a, 2024-01-02); row 7 is a lone earlier day listed in between.
    return make(
        ["a", "a", "a", "a"],
        days(2, 2, 1, 2),
        [2.0, 5.0, 1.0, NaN],
        rows=[5, 3, 7, 9],
        price=[10.0, 12.0, 9.0, NaN],
        promo=[0, 1, 0, 0],
        stock=[7.0, 6.0, 8.0, NaN],
        color=["red", "blue", "grey", "green"],
        weight=[1.0, 2.0, 5.0, 3.0],
    )


@pytest.mark.parametrize(("rule", "expected"), [("sum", 7.0), ("mean", 3.5), ("last", 5.0)])
def test_duplicates_rules(rule, expected):
    result = clean(dup_dataset(), CleaningOptions(duplicates=rule))
    frame = result.dataset.frame
    assert frame["ds"].tolist() == list(pd.to_datetime(days(1, 2)))
    merged = frame.iloc[1]
    assert merged["y"] == expected
    assert merged["price"] == 11.0  # mean, NaN ignored
    assert merged["promo"] == 1  # max
    assert merged["stock"] == 6.0  # last value, NaN ignored
    assert merged["color"] == "red"  # first
    assert merged["weight"] == 2.0  # mean
    assert merged["_row"] == 3  # first source row
    assert frame.iloc[0]["y"] == 1.0 and frame.iloc[0]["_row"] == 7


def test_duplicates_changes_and_finding():
    result = clean(dup_dataset())
    changes = result.changes[result.changes["step"] == "duplicates"]
    assert changes["_row"].tolist() == [5, 3, 9]
    assert changes["before"].tolist()[:2] == [2.0, 5.0] and math.isnan(changes["before"].iloc[2])
    assert changes["after"].tolist() == [7.0, 7.0, 7.0]
    finding = result.report.by_code("clean_duplicates")
    assert finding.severity == "info" and finding.column == "Sales"
    assert finding.rows == [3, 5, 9] and finding.n_rows == 3
    assert "3 rows" in finding.en and "1 row" in finding.en and "合并为 1 行" in finding.zh


def test_duplicates_all_nan_stays_nan_until_fill():
    data = make(["a", "a", "a"], days(1, 1, 2), [NaN, NaN, 4.0])
    result = clean(data)
    dup = result.changes[result.changes["step"] == "duplicates"]
    assert dup["after"].isna().all()
    assert series_of(result)["y"].tolist() == [0.0, 4.0]
    assert result.report.by_code("clean_fill_missing").rows == [2]


# --- negatives ------------------------------------------------------------------------------


def test_negatives_zero():
    result = clean(make(["a"] * 3, days(1, 2, 3), [3.0, -2.0, 4.0]))
    assert series_of(result)["y"].tolist() == [3.0, 0.0, 4.0]
    finding = result.report.by_code("clean_negatives")
    assert finding.rows == [3] and finding.n_rows == 1 and finding.zh and finding.en
    change = result.changes.iloc[0]
    assert (change["step"], change["before"], change["after"], change["_row"]) == (
        "negatives",
        -2.0,
        0.0,
        3,
    )


def test_negatives_keep():
    result = clean(
        make(["a"] * 3, days(1, 2, 3), [3.0, -2.0, 4.0]), CleaningOptions(negatives="keep")
    )
    assert series_of(result)["y"].tolist() == [3.0, -2.0, 4.0]
    assert result.report.findings == []
    assert result.changes.empty


# --- gaps -----------------------------------------------------------------------------------


def gap_dataset(**options) -> Dataset:
    return make(
        ["a", "a", "a", "b", "b"],
        days(1, 4, 5, 2, 3),
        [1.0, 2.0, 3.0, 4.0, 5.0],
        price=[9.0, 8.0, 8.0, 5.0, 5.0],
        promo=[1, 1, 0, 0, 1],
        stock=[30.0, 20.0, 10.0, 4.0, 3.0],
    )


def test_gaps_inserted_with_row_zero_and_carried_columns():
    result = clean(gap_dataset())
    a = series_of(result)
    assert a["ds"].tolist() == list(pd.to_datetime(days(1, 2, 3, 4, 5)))
    assert a["_row"].tolist() == [2, 0, 0, 3, 4]
    assert a["y"].tolist() == [1.0, 0.0, 0.0, 2.0, 3.0]
    assert a["price"].tolist() == [9.0, 9.0, 9.0, 8.0, 8.0]
    assert a["stock"].tolist() == [30.0, 30.0, 30.0, 20.0, 10.0]
    assert a["promo"].tolist() == [1, 0, 0, 1, 0]
    assert len(series_of(result, "b")) == 2
    gaps = result.report.by_code("clean_gaps")
    assert gaps.n_rows == 2 and gaps.rows == [] and gaps.column == "Date"
    assert (
        "2 missing period(s)" in gaps.en and "1 product(s)" in gaps.en and "2 个缺失周期" in gaps.zh
    )
    assert result.report.by_code("clean_gap_price").n_rows == 2
    assert result.report.by_code("clean_gap_stock").n_rows == 2
    filled = result.report.by_code("clean_fill_inserted")
    assert filled.n_rows == 2 and result.report.by_code("clean_fill_missing") is None


def test_gap_changes_list_insertions_then_fill():
    changes = clean(gap_dataset()).changes
    assert changes[changes["column"] == "y"]["step"].tolist() == ["gaps", "gaps", "fill", "fill"]
    price = changes[changes["column"] == "price"]
    assert price["after"].tolist() == [9.0, 9.0] and (price["_row"] == 0).all()


def test_fill_gaps_off_keeps_rows():
    result = clean(gap_dataset(), CleaningOptions(fill_gaps=False))
    assert len(result.dataset.frame) == 5
    assert result.report.findings == []


@pytest.mark.parametrize(
    ("freq", "dates", "inserted"),
    [
        ("W-MON", ["2024-01-01", "2024-01-22", "2024-01-29"], ["2024-01-08", "2024-01-15"]),
        ("W-SUN", ["2024-01-07", "2024-01-21"], ["2024-01-14"]),
        ("MS", ["2023-12-01", "2024-03-01"], ["2024-01-01", "2024-02-01"]),
        ("ME", ["2024-01-31", "2024-04-30"], ["2024-02-29", "2024-03-31"]),
    ],
)
def test_weekly_and_monthly_grids(freq, dates, inserted):
    data = make(["a"] * len(dates), dates, [1.0] * len(dates), freq=freq)
    a = series_of(clean(data))
    assert a["ds"].tolist() == sorted(pd.to_datetime(dates + inserted))
    assert a.loc[a["_row"] == 0, "ds"].tolist() == list(pd.to_datetime(inserted))
    assert a.loc[a["_row"] == 0, "y"].tolist() == [0.0] * len(inserted)


def test_unsupported_frequency_raises_only_when_filling_gaps():
    data = make(["a", "a"], ["2024-01-01", "2024-04-01"], [1.0, 2.0], freq="QS")
    with pytest.raises(InputError):
        clean(data)
    assert len(clean(data, CleaningOptions(fill_gaps=False)).dataset.frame) == 2


# --- fill -----------------------------------------------------------------------------------


def fill_dataset() -> Dataset:
    # a: Jan 1 empty cell, 2 = 2, 3 missing period, 4 empty cell, 5 = 8, 6 empty cell, 7 = 11
    # b: Jan 1 empty cell, 2 = 4 (must not inherit a's values)
    return make(
        ["a"] * 6 + ["b", "b"],
        days(1, 2, 4, 5, 6, 7, 1, 2),
        [NaN, 2.0, NaN, 8.0, NaN, 11.0, NaN, 4.0],
    )


@pytest.mark.parametrize(
    ("method", "a_values", "b_values"),
    [
        ("zero", [0, 2, 0, 0, 8, 0, 11], [0, 4]),
        ("ffill", [0, 2, 2, 2, 8, 8, 11], [0, 4]),
        ("linear", [2, 2, 4, 6, 8, 9.5, 11], [4, 4]),
        ("mean", [7, 2, 7, 7, 8, 7, 11], [4, 4]),
        ("median", [8, 2, 8, 8, 8, 8, 11], [4, 4]),
    ],
)
def test_fill_methods(method, a_values, b_values):
    result = clean(fill_dataset(), CleaningOptions(fill=method))
    assert series_of(result)["y"].tolist() == a_values
    assert series_of(result, "b")["y"].tolist() == b_values
    inserted = result.report.by_code("clean_fill_inserted")
    cells = result.report.by_code("clean_fill_missing")
    assert inserted.n_rows == 1 and inserted.rows == []
    assert cells.n_rows == 4 and cells.rows == [2, 4, 6, 8]
    assert cells.action_en and cells.action_zh


def test_fill_series_without_any_value_falls_back_to_zero():
    data = make(["a", "a", "b"], days(1, 2, 1), [NaN, NaN, 5.0])
    result = clean(data, CleaningOptions(fill="mean"))
    assert series_of(result)["y"].tolist() == [0.0, 0.0]


# --- outliers -------------------------------------------------------------------------------


def test_iqr_clipping_exact_bound():
    values = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100]
    result = clean(make(["a"] * 10, days(*range(1, 11)), values), CleaningOptions(outliers="iqr"))
    # Q1 = 3.25, Q3 = 7.75, IQR = 4.5 -> [max(3.25 - 13.5, 0), 7.75 + 13.5] = [0, 21.25]
    assert series_of(result)["y"].tolist() == values[:9] + [21.25]
    finding = result.report.by_code("clean_outliers")
    assert finding.rows == [11] and finding.n_rows == 1 and "IQR, k=3" in finding.en
    change = result.changes.iloc[0]
    assert (change["step"], change["before"], change["after"]) == ("outliers", 100.0, 21.25)


def test_iqr_lower_bound_with_kept_negatives():
    values = [10.0, 11, 12, 13, 14, 15, 16, 17, 18, -100]
    options = CleaningOptions(outliers="iqr", iqr_k=1.0, negatives="keep")
    result = clean(make(["a"] * 10, days(*range(1, 11)), values), options)
    # Q1 = 11.25, Q3 = 15.75, IQR = 4.5 -> [6.75, 20.25]
    assert series_of(result)["y"].tolist() == values[:9] + [6.75]


def test_iqr_skips_mostly_equal_series_and_says_so():
    values = [0.0] * 7 + [5.0]
    result = clean(make(["a"] * 8, days(*range(1, 9)), values), CleaningOptions(outliers="iqr"))
    assert series_of(result)["y"].tolist() == values
    assert result.report.codes() == ["clean_outliers_skipped"]
    assert result.report.findings[0].n_rows == 1


def test_sigma_clipping_exact_bound():
    values = [10.0] * 19 + [100.0]
    data = make(["a"] * 20, days(*range(1, 21)), values)
    result = clean(data, CleaningOptions(outliers="sigma"))
    # mean 14.5; sample variance (19 * 4.5**2 + 85.5**2) / 19 = 405
    high = 14.5 + 4 * math.sqrt(405)
    y = series_of(result)["y"]
    assert y.iloc[:19].tolist() == values[:19] and y.iloc[19] == pytest.approx(high)
    finding = result.report.by_code("clean_outliers")
    assert finding.rows == [21] and finding.n_rows == 1 and "4 倍标准差" in finding.zh


def test_outliers_none_by_default_keeps_peaks():
    values = [1.0] * 9 + [1000.0]
    result = clean(make(["a"] * 10, days(*range(1, 11)), values))
    assert series_of(result)["y"].tolist() == values


# --- the whole result -----------------------------------------------------------------------


def test_input_is_not_mutated():
    data = dup_dataset()
    frame_before = data.frame.copy()
    report_before = copy.deepcopy(data.report)
    result = clean(data, CleaningOptions(outliers="iqr", fill="linear"))
    pd.testing.assert_frame_equal(data.frame, frame_before)
    assert data.report == report_before
    assert result.dataset is not data and result.dataset.frame is not data.frame
    assert result.dataset.report.codes() == ["import_note", *result.report.codes()]


def test_already_clean_dataset_adds_no_findings():
    data = make(["b", "a", "a"], days(1, 1, 2), [1.0, 2.0, 3.0])
    result = clean(data)
    assert result.report.findings == []
    assert result.dataset.report.codes() == ["import_note"]
    assert result.changes.empty and list(result.changes.columns) == CHANGE_COLUMNS


def test_result_sorted_with_canonical_dtypes():
    data = make([2, 1, 1], days(3, 2, 1), [1, 2, 3])
    frame = clean(data).dataset.frame
    assert frame["unique_id"].tolist() == ["1", "1", "2"]
    assert frame["ds"].tolist() == list(pd.to_datetime(days(1, 2, 3)))
    assert frame.index.tolist() == [0, 1, 2]
    assert frame["y"].dtype == np.float64 and frame["ds"].dtype == "datetime64[ns]"
    assert frame["unique_id"].dtype == object


def test_every_finding_is_bilingual_info():
    data = make(["a"] * 5, days(1, 1, 3, 4, 5), [1.0, 2.0, -1.0, NaN, 50.0])
    result = clean(data, CleaningOptions(outliers="sigma", sigma=1.0))
    assert result.report.codes() == [
        "clean_duplicates", "clean_negatives", "clean_gaps",
        "clean_fill_inserted", "clean_fill_missing", "clean_outliers",
    ]  # fmt: skip
    for finding in result.report.findings:
        assert finding.severity == "info" and finding.en and finding.zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in finding.zh)


# --- preview --------------------------------------------------------------------------------


def test_preview_one_product():
    data = make(
        ["a", "a", "a", "a", "b"],
        days(1, 1, 3, 4, 1),
        [2.0, 3.0, -1.0, 6.0, 9.0],
    )
    table = preview(data, "a", CleaningOptions(fill="linear"))
    assert list(table.columns) == ["ds", "before", "after", "step"]
    assert table["ds"].tolist() == list(pd.to_datetime(days(1, 2, 3, 4)))
    assert table["before"].tolist()[0] == 2.0 and math.isnan(table["before"].iloc[1])
    assert table["after"].tolist() == [5.0, 2.5, 0.0, 6.0]
    assert table["step"].tolist() == ["duplicates", "gaps,fill", "negatives", ""]


def test_preview_unknown_product():
    with pytest.raises(InputError):
        preview(make(["a"], days(1), [1.0]), "zzz")


# --- options --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"duplicates": "max"},
        {"negatives": "drop"},
        {"fill": "bfill"},
        {"outliers": "zscore"},
        {"iqr_k": 0},
        {"iqr_k": "3"},
        {"sigma": -1.0},
        {"sigma": float("nan")},
        {"fill_gaps": "yes"},
    ],
)
def test_validate_rejects_bad_values(bad):
    options = CleaningOptions(**bad)
    with pytest.raises(InputError) as info:
        options.validate()
    assert info.value.en and any("\u4e00" <= ch <= "\u9fff" for ch in info.value.zh)
    with pytest.raises(InputError):
        clean(make(["a"], days(1), [1.0]), options)


def test_validate_accepts_defaults_and_int_k():
    CleaningOptions().validate()
    CleaningOptions(iqr_k=2, sigma=3).validate()


def test_options_round_trip():
    options = CleaningOptions("mean", "keep", "linear", "iqr", 2.5, 3.0, False)
    data = options.to_dict()
    assert data["schema_version"] == 1 and data["fill"] == "linear"
    assert CleaningOptions.from_dict(data) == options
    assert CleaningOptions.from_dict({"fill": "ffill", "future": 1}) == CleaningOptions(
        fill="ffill"
    )


def test_cleaning_does_not_import_qt():
    code = "import sys, core.data.cleaning; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_empty_frame_and_other_input_dtypes():
    empty = make([], [], [])
    assert clean(empty).dataset.frame.empty and clean(empty).report.findings == []
    data = make(["a", "a"], days(1, 3), [1, 2])
    data.frame["ds"] = data.frame["ds"].astype("datetime64[us]")
    data.frame["unique_id"] = data.frame["unique_id"].astype("string")
    frame = clean(data).dataset.frame
    assert frame["ds"].dtype == "datetime64[ns]" and frame["unique_id"].dtype == object
    assert frame["y"].tolist() == [1.0, 0.0, 2.0]
