"""Tests of the bundled sample shop generator and the shipped sample files."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.resources import resource_path, resource_root
from core.sample import (
    COLUMNS,
    DEFAULT_SEED,
    SAMPLE_PATH,
    STAGES,
    generate_shop,
    spring_festivals,
    stage_intervals,
    write_sample,
)

REPO = Path(__file__).resolve().parents[2]
SMALL = {"seed": 7, "n_skus": 15, "days": 500}


@pytest.fixture(scope="module")
def full():
    """The default shop, as shipped."""
    return generate_shop()


@pytest.fixture(scope="module")
def small():
    return generate_shop(**SMALL)


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_PATH, dtype=str, encoding="gbk", keep_default_na=False)


@pytest.fixture(scope="module")
def daily_total(full) -> pd.Series:
    dates = pd.to_datetime(full.sales["日期"], format="%Y/%m/%d")
    return full.sales["销量"].groupby(dates).sum()


def _dates(sales: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(sales["日期"], format="%Y/%m/%d")


# --- determinism and shape -------------------------------------------------------------


def test_same_seed_gives_identical_frames(small):
    again = generate_shop(**SMALL)
    pd.testing.assert_frame_equal(small.sales, again.sales)
    pd.testing.assert_frame_equal(small.stages, again.stages)
    pd.testing.assert_frame_equal(small.products, again.products)


def test_other_seed_gives_other_shop(small):
    other = generate_shop(**{**SMALL, "seed": 8})
    assert not small.sales.equals(other.sales)
    assert not small.products["launch"].equals(other.products["launch"])


def test_columns_and_dtypes(full):
    assert tuple(full.sales.columns) == COLUMNS
    assert full.sales["销量"].dtype == np.int64
    assert full.sales["库存"].dtype == np.int64
    assert (full.sales["销量"] >= 0).all() and (full.sales["库存"] >= 0).all()
    assert full.sales["日期"].map(type).eq(str).all()
    assert full.sales["商品编码"].str.fullmatch(r"00\d{5}").all()


def test_shape_of_default_shop(full):
    assert full.products["商品编码"].is_unique
    assert len(full.products) == 60
    assert full.sales["商品编码"].nunique() == 60
    assert full.products["商品名称"].is_unique
    assert full.products["类目"].nunique() == 6
    dates = _dates(full.sales)
    assert dates.min() == pd.Timestamp("2023-01-01")
    assert dates.max() == pd.Timestamp("2025-12-30")
    assert not full.sales.duplicated(["日期", "商品编码"]).any()


def test_date_text_has_no_zero_padding(full):
    assert full.sales["日期"].iloc[0] == "2023/1/1"
    assert "2024/1/9" in set(full.sales["日期"])
    assert not full.sales["日期"].str.contains(r"/0\d").any()


def test_rows_only_while_on_sale(full):
    start, end = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-30")
    dates = _dates(full.sales)
    span = dates.groupby(full.sales["商品编码"]).agg(["min", "max", "size"])
    prod = full.products.set_index("商品编码")
    first = prod["launch"].clip(lower=start)
    last = prod["discontinue"].fillna(end)
    assert (span["min"] == first[span.index]).all()
    assert (span["max"] == last[span.index]).all()
    assert (span["size"] == (span["max"] - span["min"]).dt.days + 1).all()  # no gaps


def test_launch_mix(full):
    prod = full.products
    start, end = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-30")
    kinds = prod["kind"].value_counts()
    assert kinds["staple"] == 9 and kinds["intermittent"] == 4 and kinds["lifecycle"] == 47
    assert (prod.loc[prod["kind"] != "lifecycle", "launch"] < start).all()
    assert (prod["launch"] < start).sum() >= 15  # already on sale when the window opens
    assert (prod["launch"] > end - pd.Timedelta(days=60)).sum() >= 3  # new launches
    assert prod["discontinue"].notna().sum() >= 20
    assert (prod["market_size"] > 0).all() and (prod["bass_q"] > prod["bass_p"]).all()


# --- ground truth ----------------------------------------------------------------------


def test_every_stage_appears(full):
    assert set(full.stages["stage"]) == set(STAGES)
    assert full.stages["日期"].dtype == "datetime64[ns]"
    assert len(full.stages) == len(full.sales)


def test_stages_never_go_backwards(full):
    order = full.stages.sort_values(["商品编码", "日期"])
    rank = order["stage"].map({s: i for i, s in enumerate(STAGES)})
    steps = rank.groupby(order["商品编码"]).diff().dropna()
    assert (steps >= 0).all()
    assert (steps > 0).sum() >= 60  # products do move through stages


def test_new_launch_starts_in_introduction(full):
    new = full.products.loc[full.products["launch"] >= pd.Timestamp("2025-11-01"), "商品编码"]
    first = full.stages.groupby("商品编码")["stage"].first()
    assert len(new) >= 3
    assert (first[new] == "introduction").all()


def test_intervals_round_trip(full):
    runs = stage_intervals(full.stages)
    assert list(runs.columns) == ["商品编码", "stage", "start", "end"]
    assert (runs["end"] >= runs["start"]).all()
    days = (runs["end"] - runs["start"]).dt.days + 1
    assert days.sum() == len(full.stages)
    expanded = runs.loc[runs.index.repeat(days)].reset_index(drop=True)
    offset = expanded.groupby(runs.index.repeat(days).to_numpy()).cumcount()
    expanded["日期"] = expanded["start"] + pd.to_timedelta(offset.to_numpy(), unit="D")
    got = expanded[["商品编码", "日期", "stage"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, full.stages[["商品编码", "日期", "stage"]])


# --- demand patterns -------------------------------------------------------------------


def test_double_11_peak(daily_total):
    for year in (2023, 2024, 2025):
        nov = daily_total[(daily_total.index.year == year) & (daily_total.index.month == 11)]
        assert (
            daily_total[pd.Timestamp(year, 11, 11)]
            > 3 * nov.drop(pd.Timestamp(year, 11, 11)).median()
        )


def test_618_peak(daily_total):
    for year in (2023, 2024, 2025):
        may = daily_total[(daily_total.index.year == year) & (daily_total.index.month == 5)]
        assert daily_total[pd.Timestamp(year, 6, 18)] > 1.8 * may.median()


def test_chinese_new_year_dip(daily_total):
    festivals = spring_festivals(range(2023, 2026))
    assert festivals == [
        pd.Timestamp("2023-01-22"),
        pd.Timestamp("2024-02-10"),
        pd.Timestamp("2025-01-29"),
    ]
    for sf in festivals:
        shutdown = daily_total[sf - pd.Timedelta(days=5) : sf + pd.Timedelta(days=5)]
        after = daily_total[sf + pd.Timedelta(days=20) : sf + pd.Timedelta(days=45)]
        assert shutdown.mean() < 0.5 * after.median()


def test_weekly_seasonality(daily_total):
    ratio = daily_total / daily_total.rolling(7, center=True).mean()
    by_day = ratio.groupby(ratio.index.dayofweek).median()
    assert by_day[6] > by_day[2] + 0.15  # Sunday well above Wednesday
    assert by_day[0] > by_day[2] + 0.1  # Monday too
    assert by_day.idxmax() == 6


def test_stock_outs(full):
    sales = full.sales
    out = sales[(sales["库存"] == 0) & (sales["销量"] == 0)]
    sellers = sales.groupby("商品编码")["销量"].sum()
    sellers = sellers[sellers > 500].index
    hit = out.loc[out["商品编码"].isin(sellers), "商品编码"]
    assert hit.nunique() >= 10
    assert 0.005 < len(out) / len(sales) < 0.08  # occasional, not chronic
    # a stock-out ends with a replenishment: stock comes back for most of those products
    back = sales[sales["商品编码"].isin(hit.unique())].groupby("商品编码")["库存"].last()
    assert (back > 0).mean() > 0.8


def test_intermittent_slow_movers(full):
    zero_share = (full.sales["销量"] == 0).groupby(full.sales["商品编码"]).mean()
    slow = full.products.loc[full.products["kind"] == "intermittent", "商品编码"]
    assert len(slow) == 4
    assert (zero_share[slow] > 0.6).all()
    assert (full.sales.loc[full.sales["商品编码"].isin(slow), "销量"] > 0).any()
    assert (zero_share > 0.6).sum() <= 8


def test_prices_and_promotions(full):
    assert full.sales["单价"].str.fullmatch(r"￥\d+\.\d{2}").all()
    labels = set(full.sales["活动"])
    assert {"", "双11大促", "618年中大促", "双12", "店铺满减", "年货节"} <= labels
    d11 = full.sales[full.sales["日期"] == "2024/11/11"]
    assert (d11["活动"] == "双11大促").mean() > 0.6
    price = full.sales["单价"].str[1:].astype(float)
    joined = d11.index[d11["活动"] == "双11大促"]
    regular = full.sales["日期"] == "2024/9/18"
    ref = price[regular].groupby(full.sales.loc[regular, "商品编码"]).first()
    cut = price[joined].to_numpy() / ref.reindex(d11.loc[joined, "商品编码"]).to_numpy()
    assert np.nanmedian(cut) < 0.9  # festival discount


# --- files -----------------------------------------------------------------------------


def test_shipped_file_is_gbk_with_headers():
    raw = SAMPLE_PATH.read_bytes()
    text = raw.decode("gbk")
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert "￥" in text and "¥" not in text
    assert SAMPLE_PATH.stat().st_size < 4_000_000


def test_shipped_ids_keep_leading_zeros(shipped, full):
    assert shipped["商品编码"].str.startswith("00").all()
    assert "0010000" in set(shipped["商品编码"])
    assert len(shipped) == len(full.sales)
    assert set(shipped["商品编码"]) == set(full.sales["商品编码"])
    assert shipped["日期"].iloc[-1] == full.sales["日期"].iloc[-1]


def test_shipped_side_file_matches_truth(full):
    side = SAMPLE_PATH.with_name("sample_shop_stages.csv")
    assert side.read_bytes().startswith(b"\xef\xbb\xbf")
    runs = pd.read_csv(side, dtype=str, encoding="utf-8-sig")
    expected = stage_intervals(full.stages)
    assert runs["商品编码"].tolist() == expected["商品编码"].tolist()
    assert runs["stage"].tolist() == expected["stage"].tolist()
    assert runs["start"].tolist() == expected["start"].dt.strftime("%Y-%m-%d").tolist()


def test_write_sample_round_trip(tmp_path, small):
    csv, side = write_sample(tmp_path / "out" / "shop.csv", **SMALL)
    assert csv == tmp_path / "out" / "shop.csv"
    assert side == tmp_path / "out" / "shop_stages.csv"
    assert sorted(p.name for p in csv.parent.iterdir()) == ["shop.csv", "shop_stages.csv"]
    raw = csv.read_bytes()
    assert raw.count(b"\r\n") == len(small.sales) + 1
    back = pd.read_csv(csv, dtype=str, encoding="gbk", keep_default_na=False)
    pd.testing.assert_frame_equal(back, small.sales.astype(str))
    runs = pd.read_csv(
        side, encoding="utf-8-sig", dtype={"商品编码": str}, parse_dates=["start", "end"]
    )
    pd.testing.assert_frame_equal(runs, stage_intervals(small.stages), check_dtype=False)


def test_write_sample_other_encoding_overwrites(tmp_path):
    target = tmp_path / "shop.csv"
    target.write_text("old", encoding="utf-8")
    write_sample(target, seed=DEFAULT_SEED, encoding="utf-8", n_skus=5, days=60)
    assert target.read_text(encoding="utf-8").startswith("日期,商品编码")
    assert len(list(tmp_path.iterdir())) == 2  # no temp file left behind


def test_resource_path_from_source_and_bundle(monkeypatch, tmp_path):
    assert resource_root() == REPO / "resources"
    assert SAMPLE_PATH == REPO / "resources" / "sample" / "sample_shop.csv"
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("sample", "x.csv") == tmp_path / "resources" / "sample" / "x.csv"
