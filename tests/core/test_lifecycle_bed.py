"""The lifecycle test bed: balanced, truthful by the operator's rules, honest in its rows.

The operator's rules are re-implemented here, one product and one date at a time, straight
from the brief (not from the bed's vectorised code), and checked against every scored
product's returned trend curve.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.lifecycle_bed import (
    HOLDOUT_SEEDS,
    TUNING_SEEDS,
    make_bed,
    one_product,
)
from benchmarks.lifecycle_bed_curves import FAMILIES

STAGES = {"introduction", "growth", "maturity", "decline"}
DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def bed():
    return make_bed(101, 25)


@pytest.fixture(scope="module")
def small_daily():
    return make_bed(102, 6)


def _rules(L: pd.Series, seg_start: pd.Timestamp, t: pd.Timestamp) -> set[str]:
    """Every stage whose plain operator rule holds for trend ``L`` at date ``t``."""
    seg = L[seg_start:]
    peak, so_far = seg.max(), seg[:t].max()
    at = L.clip(lower=1e-9)
    weekly = [at[t - 7 * k * DAY] / at[t - (7 * k + 7) * DAY] - 1 for k in range(4)]
    g4 = (at[t] / at[t - 28 * DAY]) ** 0.25 - 1
    band = (L[t - 28 * DAY : t] / peak - 1).abs().max()
    age = (t - seg_start).days
    held = set()
    if age <= 70 and L[t] <= 0.5 * peak and weekly[0] >= 0.03:
        held.add("introduction")
    if age > 70 and g4 >= 0.03 and min(weekly) > 0 and L[t] <= 0.85 * peak:
        held.add("growth")
    if band <= 0.10 and max(abs(w) for w in weekly) <= 0.015:
        held.add("maturity")
    if L[t] <= 0.75 * so_far and g4 <= -0.015:
        held.add("decline")
    return held


def test_each_stage_has_exactly_n_scored_products(bed):
    counts = bed.truth[bed.truth["scored"]]["stage"].value_counts()
    assert set(counts.index) == STAGES
    assert (counts == 25).all()


def test_truth_follows_the_operator_rules_from_the_curve(bed):
    first_row = bed.frame.groupby("unique_id")["ds"].min()
    for row in bed.truth[bed.truth["scored"]].itertuples():
        L, cut = bed.curves[row.unique_id], row.cut
        for t in (cut - 7 * DAY, cut, cut + 7 * DAY):
            assert _rules(L, row.segment_start, t) == {row.stage}, (row.unique_id, t)
        if row.stage == "decline":
            so_far = L[row.segment_start : cut]
            last_peak_day = so_far[so_far == so_far.max()].index[-1]
            assert last_peak_day >= first_row[row.unique_id] + 7 * DAY, row.unique_id
        if row.stage == "introduction":
            assert (cut - first_row[row.unique_id]).days >= 28
        assert L[cut - 89 * DAY : cut].mean() >= 0.1


def test_next_stage_fields_come_from_the_future_curve(bed):
    scored = bed.truth[bed.truth["scored"]]
    for row in scored.itertuples():
        L = bed.curves[row.unique_id]
        seg = L[row.segment_start :]
        assert row.peak_date == seg.idxmax()
        after = seg[row.peak_date :]
        below = after[after < 0.9 * seg.max()]
        assert row.decline_start == below.index[0]
        weeks = max(0.0, (row.decline_start - row.cut).days / 7)
        assert row.mature_weeks_left == pytest.approx(weeks)
    by_stage = scored.groupby("stage")["mature_weeks_left"]
    assert (by_stage.get_group("decline") == 0).all()
    assert (by_stage.get_group("maturity") > 0).all()
    assert (by_stage.get_group("growth") > 0).all()


def test_all_families_over_the_tuning_seeds(bed):
    seen = set(bed.truth[bed.truth["scored"]]["family"])
    for seed in TUNING_SEEDS[1:]:
        if seen == set(FAMILIES):
            break
        truth = make_bed(seed, 12).truth
        seen |= set(truth[truth["scored"]]["family"])
    assert seen == set(FAMILIES)
    assert not set(TUNING_SEEDS) & set(HOLDOUT_SEEDS)


def test_same_seed_same_bed_and_other_seeds_differ(small_daily):
    again = make_bed(102, 6)
    pd.testing.assert_frame_equal(small_daily.frame, again.frame)
    pd.testing.assert_frame_equal(small_daily.truth, again.truth)
    pd.testing.assert_frame_equal(small_daily.future, again.future)
    other = make_bed(103, 6)
    assert not small_daily.frame["y"].equals(other.frame["y"])


def _complete(daily: pd.DataFrame, label: pd.Series, size: pd.Series) -> pd.DataFrame:
    grouped = daily.assign(label=label, size=size).groupby(["unique_id", "label"])
    sums = grouped.agg(
        y=("y", "sum"),
        promo=("promo", "max"),
        stock=("stock", "min"),
        n=("y", "size"),
        size=("size", "first"),
    )
    # complete periods, and each product's first (launch) period even when partial
    first = ~sums.index.get_level_values("unique_id").duplicated()
    return sums[(sums["n"] == sums["size"]) | first]


@pytest.mark.parametrize("freq", ["W-SUN", "MS"])
def test_weeks_and_months_sum_the_daily_rows(small_daily, freq):
    coarse = make_bed(102, 6, freq=freq)
    for daily, agg in ((small_daily.frame, coarse.frame), (small_daily.future, coarse.future)):
        ds = daily["ds"]
        if freq == "W-SUN":
            label, size = ds + pd.to_timedelta(6 - ds.dt.dayofweek, unit="D"), 7 + 0 * ds.dt.day
            assert (agg["ds"].dt.dayofweek == 6).all()
        else:
            label, size = ds.dt.to_period("M").dt.start_time, ds.dt.days_in_month
            assert (agg["ds"].dt.day == 1).all()
        want = _complete(daily, label, size)
        got = agg.set_index(["unique_id", "ds"])
        assert len(got) == len(want)
        got = got.loc[want.index]
        np.testing.assert_allclose(got["y"], want["y"])
        np.testing.assert_array_equal(got["promo"], want["promo"])
        np.testing.assert_allclose(got["stock"], want["stock"])  # NaN where unknown
    assert coarse.frame["ds"].max() <= coarse.truth["cut"].iloc[0]


def test_rows_end_at_the_cut_and_are_never_negative(bed):
    cut = bed.truth["cut"].iloc[0]
    assert (bed.truth["cut"] == cut).all()
    assert (bed.frame.groupby("unique_id")["ds"].max() == cut).all()
    assert (bed.future["ds"] > cut).all()
    assert bed.future["ds"].max() == cut + 182 * DAY
    for part in (bed.frame, bed.future):
        assert list(part.columns) == ["unique_id", "ds", "y", "promo", "stock"]
        assert (part["y"] >= 0).all() and part["y"].notna().all()
        assert set(part["promo"].unique()) <= {0.0, 1.0}
        assert (part["stock"].dropna() >= 0).all()
    assert set(bed.frame["unique_id"]) == set(bed.truth["unique_id"])
    days = bed.frame.groupby("unique_id")["ds"].agg(["min", "max", "size"])
    assert ((days["max"] - days["min"]).dt.days + 1 == days["size"]).all()


def test_views_start_where_they_say(bed):
    first_row = bed.frame.groupby("unique_id")["ds"].min()
    start = bed.truth["cut"].iloc[0] - 730 * DAY  # two years of history by default
    assert first_row.min() == start
    for row in bed.truth.itertuples():
        first = first_row[row.unique_id]
        if row.view == "launch":
            assert first == row.launch and first >= start + 28 * DAY
        else:
            assert first > row.launch and (row.cut - first).days >= 56
    assert set(bed.truth["view"]) == {"launch", "window"}


def test_stock_outs_carry_stock_zero_where_stock_is_known(bed):
    with_zero = 0
    for uid, rows in bed.frame.groupby("unique_id"):
        stock = rows["stock"]
        if stock.isna().all():
            continue
        assert stock.notna().all(), uid
        out = (stock == 0).to_numpy()
        assert (rows["y"].to_numpy()[out] == 0).all(), uid
        if out.any():
            with_zero += 1
            edges = np.flatnonzero(np.diff(np.concatenate([[0], out.astype(int), [0]])))
            lengths = edges[1::2] - edges[::2]
            assert ((lengths >= 5) & (lengths <= 40)).all(), uid
    assert with_zero >= 3


def test_context_products_show_a_whole_plateau_in_every_category(bed):
    truth = bed.truth
    context = truth[~truth["scored"]]
    assert set(context["category"]) == set(truth["category"])
    first_row = bed.frame.groupby("unique_id")["ds"].min()
    for row in context.itertuples():
        assert first_row[row.unique_id] <= row.peak_date < row.decline_start
        assert row.decline_start <= row.cut - 56 * DAY
    stages = set(context["stage"]) - {"context"}
    assert stages <= STAGES


def test_one_product_and_bad_freq(bed):
    uid = bed.truth["unique_id"].iloc[3]
    rows = one_product(bed, uid)
    assert (rows["unique_id"] == uid).all()
    assert len(rows) == (bed.frame["unique_id"] == uid).sum()
    assert rows["ds"].is_monotonic_increasing
    with pytest.raises(ValueError):
        make_bed(101, 2, freq="h")


def test_noise_free_bed_is_the_same_shop_with_its_expected_sales():
    noisy, exact = make_bed(102, 6), make_bed(102, 6, noise=False)
    pd.testing.assert_frame_equal(noisy.truth, exact.truth)
    for col in ("unique_id", "ds", "promo", "stock"):
        pd.testing.assert_series_equal(noisy.frame[col], exact.frame[col])
    y, mean = noisy.frame["y"], exact.frame["y"]
    assert (mean % 1 != 0).mean() > 0.9  # expected sales, not counts
    assert ((y == 0) == (mean == 0)).loc[mean == 0].all()  # stock-outs sell nothing in both
    totals = pd.DataFrame({"y": y, "mean": mean, "uid": noisy.frame["unique_id"]}).groupby("uid").sum()
    big = totals[totals["mean"] > 2000]
    assert len(big) > 5 and np.allclose(big["y"], big["mean"], rtol=0.15)
