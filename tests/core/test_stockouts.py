"""Tests for core.data.stockouts: stock-outs found, their demand estimated, the models' frame
changed and the sales as sold kept for the backtest, on hand-made frames."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest

from core.analysis.pipeline import run_backtest
from core.cli.common import add_cleaning_args, cleaning_options
from core.data import CleaningOptions, ColumnMapping, Dataset, clean, model_frames
from core.data.stockouts import find_stockouts
from core.errors import InputError
from core.forecast import TrainSettings

START = pd.Timestamp("2024-01-01")


def steady(n: int, rate: float, seed: int) -> np.ndarray:
    """Poisson sales at ``rate`` a day, never a zero (a steady seller)."""
    return np.maximum(np.random.default_rng(seed).poisson(rate, n), 1).astype(float)


def product(uid: str, y, stock=None) -> pd.DataFrame:
    y = np.asarray(y, dtype=float)
    out = pd.DataFrame({"unique_id": uid, "ds": pd.date_range(START, periods=len(y)), "y": y})
    if stock is not None:
        out["stock"] = np.asarray(stock, dtype=float)
    return out


def dataset(*frames: pd.DataFrame, freq: str = "D") -> Dataset:
    frame = pd.concat(frames, ignore_index=True)
    frame["_row"] = np.arange(2, len(frame) + 2)
    series = pd.DataFrame({"unique_id": sorted(frame["unique_id"].unique())})
    mapping = ColumnMapping(date="Date", ids=["SKU"], target="Sales",
                            stock="Stock" if "stock" in frame else None)  # fmt: skip
    return Dataset(frame=frame, series=series, mapping=mapping, freq=freq)


def sold_out(n: int = 120, at: int = 60, length: int = 5, seed: int = 1) -> pd.DataFrame:
    """10 a day with stock on hand, except ``length`` days at 0 stock selling nothing."""
    y, stock = steady(n, 10, seed), np.full(n, 30.0)
    y[at : at + length], stock[at : at + length] = 0.0, 0.0
    return product("a", y, stock)


def flagged_days(frame: pd.DataFrame, found) -> list[int]:
    return sorted(((frame.loc[found.flag, "ds"] - START).dt.days).tolist())


def test_stock_at_zero_inside_steady_sales_flags_those_days_and_estimates_the_rate():
    frame = sold_out()
    found = find_stockouts(frame, "D")
    assert flagged_days(frame, found) == [60, 61, 62, 63, 64]
    neighbours = frame["y"].iloc[32:60].tolist() + frame["y"].iloc[65:93].tolist()
    assert found.demand[found.flag].mean() == pytest.approx(np.mean(neighbours), rel=0.15)
    assert np.isnan(found.demand[~found.flag]).all()
    row = found.periods.iloc[0]
    assert (row["periods"], row["days"], row["sold"], row["how"], row["open"]) == (
        5, 5.0, 0.0, "stock", False)  # fmt: skip


def test_the_day_that_ran_dry_keeps_at_least_what_it_sold():
    frame = sold_out()
    frame.loc[59, ["y", "stock"]] = [25.0, 0.0]  # sold 25, then the shelf was empty
    found = find_stockouts(frame, "D")
    assert flagged_days(frame, found) == [59, 60, 61, 62, 63, 64]
    assert found.demand[59] == 25.0


def test_a_run_of_zeros_too_long_for_the_rate_is_flagged_without_a_stock_column():
    frame = sold_out().drop(columns="stock")
    found = find_stockouts(frame, "D")
    # the five zeros and the sale before them (the day it sold out part-way)
    assert flagged_days(frame, found) == [59, 60, 61, 62, 63, 64]
    assert found.periods["how"].tolist() == ["pattern"]
    assert found.demand[60:65].mean() == pytest.approx(10, rel=0.2)


def test_two_days_without_a_sale_are_a_stock_out_for_a_fast_seller_only():
    """At 20 a day two empty days in a row are improbable even for very uneven demand;
    at 3 a day (a day in twenty sells nothing anyway) they are not, nor for a shop shut
    one day a week."""
    fast = steady(120, 20, 8)
    fast[60:62] = 0.0
    frame = product("fast", fast)
    found = find_stockouts(frame, "D")
    assert flagged_days(frame, found) == [59, 60, 61]
    assert found.demand[60:62].mean() == pytest.approx(20, rel=0.2)
    ends = steady(100, 20, 9)
    ends[98:] = 0.0  # still empty at the export date
    assert find_stockouts(product("ends", ends), "D").periods["open"].tolist() == [True]
    slow = np.random.default_rng(10).poisson(3, 120).astype(float)
    slow[55:60], slow[60:62] = 3.0, 0.0
    assert not find_stockouts(product("slow", slow), "D").flag[58:64].any()
    shut = steady(120, 20, 11)
    days = pd.date_range(START, periods=120)
    shut[days.dayofweek == 5] = 0.0  # shut on Saturdays
    sunday = int(np.flatnonzero(days.dayofweek == 6)[8])
    shut[sunday] = 0.0  # ... and one Sunday nobody ordered: not an empty shelf
    assert not find_stockouts(product("shut", shut), "D").flag.any()


def test_a_slow_mover_is_not_flagged():
    y = np.random.default_rng(3).poisson(0.3, 365).astype(float)
    y[:3] = 1.0
    assert not find_stockouts(product("slow", y), "D").flag.any()
    with_stock = product("slow", y, stock=np.full(365, 12.0))
    assert not find_stockouts(with_stock, "D").flag.any()


def test_a_product_that_ended_is_not_a_stock_out():
    y, stock = steady(200, 10, 4), np.full(200, 30.0)
    y[160:], stock[160:] = 0.0, 0.0  # 40 days at 0 up to the shop's last date
    other = product("b", steady(200, 5, 5), np.full(200, 9.0))
    frame = pd.concat([product("a", y, stock), other], ignore_index=True)
    assert not find_stockouts(frame, "D").flag.any()
    no_stock = frame.drop(columns="stock")
    assert not find_stockouts(no_stock, "D").flag.any()


def test_a_short_stock_out_still_open_at_the_end_is_flagged():
    y, stock = steady(100, 10, 6), np.full(100, 30.0)
    y[95:], stock[95:] = 0.0, 0.0
    found = find_stockouts(product("a", y, stock), "D")
    assert found.flag.sum() == 5 and found.periods["open"].tolist() == [True]


def test_zeros_before_the_first_sale_are_not_a_stock_out():
    y, stock = steady(100, 10, 7), np.full(100, 30.0)
    y[:10], stock[:10] = 0.0, 0.0
    assert not find_stockouts(product("a", y, stock), "D").flag.any()


def test_zeros_across_the_whole_shop_are_a_quiet_spell_not_a_stock_out():
    frames = []
    for i in range(6):
        y = steady(120, 10, 10 + i)
        y[60:67] = 0.0  # every product: a week the shop sold nothing
        frames.append(product(f"p{i}", y))
    frame = pd.concat(frames, ignore_index=True)
    assert not find_stockouts(frame, "D").flag.any()


def test_weekday_pattern_is_kept_in_the_estimate():
    weekday = np.array([2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])  # Mondays sell twice as much
    n = 140
    y = 10 * weekday[pd.date_range(START, periods=n).dayofweek]
    stock = np.full(n, 50.0)
    y[70:77], stock[70:77] = 0.0, 0.0  # 2024-03-11 (a Monday) to the Sunday after
    found = find_stockouts(product("a", y, stock), "D")
    est = found.demand[70:77]
    # the Monday factor is 2 in the history, shrunk a little towards 1 (20 Mondays seen)
    assert 1.6 < est[0] / est[1:].mean() < 2.0
    assert est.sum() == pytest.approx(80.0, rel=0.05)


def test_weekly_data_flags_weeks_at_zero_stock():
    y, stock = steady(60, 70, 8), np.full(60, 200.0)
    y[30:32], stock[30:32] = 0.0, 0.0
    frame = pd.DataFrame({"unique_id": "a", "ds": pd.date_range(START, periods=60, freq="W-MON"),
                          "y": y, "stock": stock})  # fmt: skip
    found = find_stockouts(frame, "W-MON")
    assert found.flag.sum() == 2 and found.periods["days"].tolist() == [14.0]
    assert found.demand[30] == pytest.approx(70, rel=0.15)


def test_cleaning_reports_the_step_and_keeps_sales_as_sold():
    data = dataset(sold_out())
    result = clean(data)
    finding = [f for f in result.report.findings if f.code == "clean_stockouts"]
    assert len(finding) == 1
    assert finding[0].n_rows == 5 and finding[0].rows == list(range(62, 67))
    assert finding[0].en.startswith("1 stock-out period(s) in 1 product(s) (5 days; 1 by the stock")
    assert "--stockouts keep" in finding[0].en and "1 个商品共 1 段断货（5 天" in finding[0].zh
    frame = result.dataset.frame
    assert frame["y"].tolist() == data.frame["y"].tolist()
    assert frame["stockout"].sum() == 5
    changes = result.changes[result.changes["step"] == "stockouts"]
    assert len(changes) == 5 and set(changes["column"]) == {"demand"}
    assert (changes["before"] == 0).all() and (changes["after"] > 5).all()


def test_model_frames_train_on_demand_and_keep_sales_for_the_rest():
    data = dataset(sold_out())
    frames = model_frames(clean(data).dataset)
    frame, full = frames.frame, frames.full
    out = frame["stockout"].to_numpy()
    assert out.sum() == 5
    assert (frame.loc[out, "y"] > 5).all() and (frame.loc[out, "sales"] == 0).all()
    assert frame.loc[~out, "y"].tolist() == frame.loc[~out, "sales"].tolist()
    assert full["y"].tolist() == data.frame["y"].tolist() and "demand" not in full
    assert frames.stockouts["periods"].tolist() == [5]
    line = frames.describe("en")[-1]
    assert line.startswith("1 stock-out period(s) in 1 product(s) (5 days) taken as missing")
    assert frames.describe("zh")[-1].startswith("1 个商品共 1 段断货（5 天）")


def test_option_off_leaves_the_frames_as_sold():
    data = dataset(sold_out())
    kept = clean(data, CleaningOptions(stockouts="keep"))
    assert not [f for f in kept.report.findings if f.code == "clean_stockouts"]
    frames = model_frames(kept.dataset)
    assert {"stockout", "demand", "sales"}.isdisjoint(frames.frame.columns)
    assert frames.frame["y"].tolist() == data.frame["y"].tolist()
    assert frames.describe("en") == [] and frames.stockouts.empty
    imputed = model_frames(clean(data).dataset).frame
    assert imputed["sales"].tolist() == frames.frame["y"].tolist()


def test_backtest_scores_against_the_sales_as_sold():
    data = dataset(sold_out(n=120, at=110, length=5))  # inside the last 14-day window
    frames = model_frames(clean(data).dataset)
    assert frames.frame["stockout"].iloc[110:115].all()
    settings = TrainSettings(model="snaive", horizon=14, baselines=[], folds=1)
    result = run_backtest(frames, "D", settings)
    actual = result.forecasts.sort_values("ds")["y"].to_numpy()
    assert actual.tolist() == data.frame["y"].iloc[106:].tolist()
    assert (actual[4:9] == 0).all()


def test_backtest_trains_on_the_demand_behind_a_stock_out_before_its_cutoff():
    # sold out on days 100-104, the cutoff is day 105: a seasonal naive repeats days 99-105
    data = dataset(sold_out(n=120, at=100, length=5))
    frames = model_frames(clean(data).dataset)
    history = frames.history()
    assert history["sales"].iloc[100:105].tolist() == [0.0] * 5
    assert (history["y"].iloc[100:105] > 5).all()
    settings = TrainSettings(model="snaive", horizon=14, baselines=[], folds=1)
    result = run_backtest(frames, "D", settings)
    fc = result.forecasts.sort_values("ds")
    assert fc["y"].tolist() == data.frame["y"].iloc[106:].tolist()  # scored on sales
    assert (fc["forecast"] >= 4).all()  # no forecast day repeats a sold-out zero
    kept = model_frames(clean(data, CleaningOptions(stockouts="keep")).dataset)
    assert kept.history() is kept.full
    as_sold = run_backtest(kept, "D", settings).forecasts.sort_values("ds")
    assert (as_sold["forecast"] == 0).sum() >= 4


def test_the_option_is_checked_saved_and_set_from_the_command_line():
    with pytest.raises(InputError):
        CleaningOptions(stockouts="drop").validate()
    assert CleaningOptions.from_dict({"fill": "zero"}).stockouts == "impute"
    assert (
        CleaningOptions.from_dict(CleaningOptions(stockouts="keep").to_dict()).stockouts == "keep"
    )
    parser = argparse.ArgumentParser()
    add_cleaning_args(parser)
    assert cleaning_options(parser.parse_args([])).stockouts == "impute"
    assert cleaning_options(parser.parse_args(["--stockouts", "keep"])).stockouts == "keep"
