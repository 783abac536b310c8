"""From store exports to a Dataset: mapping, layouts, values and the validation report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data import ImportOptions, load_dataset
from core.errors import InputError
from tests.core.conftest import TAOBAO_DAILY


def test_taobao_daily_export_in_gbk(write_csv):
    ds = load_dataset(write_csv(TAOBAO_DAILY, encoding="gbk", newline="\r\n"))
    m = ds.mapping
    assert (m.date, m.ids, m.target) == ("日期", ["商品编码"], "销量")
    assert (m.price, m.promo, m.stock, m.name, m.category) == (
        "单价",
        "活动",
        "库存",
        "商品名称",
        "类目",
    )
    assert ds.freq == "D" and ds.n_series == 2
    assert ds.series["商品编码"].tolist() == ["00123", "00456"]
    assert ds.series["name"].tolist() == ["纯棉短袖T恤", "加厚羽绒服"]
    f = ds.frame
    assert f["unique_id"].tolist() == ["00123"] * 3 + ["00456"] * 3
    assert f["y"].tolist() == [5, 7, 3, 2, 0, 4]
    assert f["price"].tolist() == [59, 59, 59, 1299, 1299, 1199]
    assert f["promo"].tolist() == [0, 0, 1, 0, 0, 1]
    assert f["stock"].tolist() == [120, 113, 110, 40, 40, 36]
    assert f["ds"].dt.strftime("%Y-%m-%d").tolist()[:3] == [
        "2024-01-01",
        "2024-01-02",
        "2024-01-03",
    ]
    assert f["_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert ds.report.errors == []


def test_english_store_export_with_two_id_columns(write_csv):
    rows = [["date", "store", "item", "sales"]]
    for day in pd.date_range("2024-01-01", periods=40):
        for store in ("1", "2"):
            rows.append([day.strftime("%Y-%m-%d"), store, "007", "3"])
    ds = load_dataset(write_csv(rows))
    assert ds.mapping.ids == ["store", "item"]
    assert ds.series["unique_id"].tolist() == ["1|007", "2|007"]
    assert ds.report.findings == []


def test_taobao_order_lines_are_summed_per_day(write_csv):
    rows = [
        ["订单编号", "付款时间", "商家编码", "宝贝标题", "购买数量", "实付金额"],
        ["3851", "2024-01-09 10:01:02", "A01", "保温杯", "1", "¥89.00"],
        ["3852", "2024-01-09 21:15:40", "A01", "保温杯", "2", "¥178.00"],
        ["3853", "2024-01-10 08:00:00", "A01", "保温杯", "1", "¥79.00"],
        ["3854", "2024-01-10 09:30:00", "B02", "玻璃杯", "3", "¥60.00"],
        ["3855", "2024-01-11 12:00:00", "A01", "保温杯", "-1", "¥-89.00"],
    ]
    ds = load_dataset(write_csv(rows))
    assert ds.source.layout == "orders"
    assert ds.mapping.date == "付款时间" and ds.mapping.revenue == "实付金额"
    a01 = ds.frame[ds.frame["unique_id"] == "A01"]
    # A negative order line is a return, not demand: left out and reported, not netted.
    assert a01["y"].tolist() == [3, 1]
    assert a01["price"].round(2).tolist()[:2] == [89.0, 79.0]
    note = ds.report.by_code("order_lines_summed")
    assert "4 lines" in note.en and "3 product-days" in note.en
    returned = ds.report.by_code("orders_returned")
    assert returned.rows == [6] and "1 units" in returned.en
    assert ds.report.by_code("negative_values") is None


def test_closed_refunded_and_unpaid_orders_are_not_sales(write_csv):
    rows = [
        ["订单编号", "订单状态", "订单付款时间", "商家编码", "购买数量"],
        ["1", "交易成功", "2024-01-09 10:00:00", "A01", "2"],
        ["2", "交易关闭", "2024-01-09 11:00:00", "A01", "5"],
        ["3", "等待买家付款", "", "A01", "1"],
        ["4", "部分退款", "2024-01-10 09:00:00", "A01", "1"],
        ["5", "交易成功", "2024-01-10 12:00:00", "A01", "1"],
        ["6", "交易關閉", "2024-01-10 13:00:00", "A01", "4"],  # traditional script (TW, HK)
        ["7", "不成立", "2024-01-10 14:00:00", "A01", "3"],  # Shopee TW: order not formed
    ]
    ds = load_dataset(write_csv(rows))
    assert ds.frame["y"].tolist() == [2, 2]
    note = ds.report.by_code("orders_not_sold")
    assert note.rows == [3, 4, 7, 8] and "交易关闭 (1)" in note.en and note.column == "订单状态"
    assert ds.report.by_code("empty_dates") is None


def test_shopify_style_headers(write_csv):
    rows = [
        ["Name", "Created at", "Lineitem sku", "Lineitem quantity", "Lineitem price"],
        ["#1001", "2024-03-01 10:00:00 +0800", "TEE-W-M", "2", "19.90"],
        ["#1002", "2024-03-02 11:00:00 +0800", "TEE-W-M", "1", "19.90"],
    ]
    ds = load_dataset(write_csv(rows))
    assert ds.mapping.date == "Created at"
    assert ds.mapping.ids == ["Lineitem sku"] and ds.mapping.target == "Lineitem quantity"
    assert ds.frame["y"].tolist() == [2, 1]
    assert ds.frame["ds"].dt.day.tolist() == [1, 2]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["2024年1月9日", "2024年1月10日", "2024年1月11日"], "2024-01-09"),
        (["2024/1/9", "2024/1/10", "2024/1/11"], "2024-01-09"),
        (["45300", "45301", "45302"], "2024-01-09"),
        (["20240109", "20240110", "20240111"], "2024-01-09"),
        (["09/01/2024", "10/01/2024", "11/01/2024"], "2024-01-09"),
    ],
)
def test_date_formats(write_csv, dates, expected):
    rows = [["日期", "销量"]] + [[d, "1"] for d in dates]
    ds = load_dataset(write_csv(rows))
    assert ds.frame["ds"].iloc[0].strftime("%Y-%m-%d") == expected
    assert ds.frame["ds"].diff().dt.days.iloc[1:].tolist() == [1, 1]


def test_ambiguous_dates_warn_and_can_be_overridden(write_csv):
    rows = [["date", "qty"], ["01/02/2024", "1"], ["02/02/2024", "1"], ["03/02/2024", "1"]]
    path = write_csv(rows)
    ds = load_dataset(path)
    assert ds.frame["ds"].dt.strftime("%m-%d").tolist() == ["02-01", "02-02", "02-03"]
    assert ds.report.by_code("ambiguous_dates").severity == "warning"
    forced = load_dataset(path, ImportOptions(dayfirst=False))  # Jan 2, Feb 2, Mar 2
    assert forced.freq == "MS" and forced.frame["ds"].dt.month.tolist() == [1, 2, 3]


def test_weekly_and_monthly_frequency(write_csv):
    weeks = pd.date_range("2024-01-01", periods=10, freq="W-MON")
    ds = load_dataset(
        write_csv([["week", "sales"]] + [[d.strftime("%Y-%m-%d"), "5"] for d in weeks])
    )
    assert ds.freq == "W-MON"
    months = [f"2023年{m}月" for m in range(1, 13)]
    ds = load_dataset(
        write_csv([["月份", "销量"]] + [[m, "9"] for m in months], name="m.csv"),
        ImportOptions(date_col="月份"),
    )
    assert ds.freq == "MS"
    assert ds.frame["ds"].dt.month.tolist() == list(range(1, 13))


def test_problems_are_reported_with_rows_and_actions(write_csv):
    rows = [["日期", "商品编码", "销量"]]
    rows += [[f"2024/1/{d}", "A", "2"] for d in range(1, 31) if d not in (5, 6, 7, 8, 9)]
    rows += [
        ["2024/1/7", "A", "2"],
        ["2024/1/7", "A", "2"],
        ["2024/1/8", "A", "缺货"],
        ["2024/1/9", "A", "-3"],
        ["2024/1/10", "B", "1"],
        ["2024/1/11", "B", ""],
        ["不是日期", "B", "1"],
        ["合计", "", "80"],
    ]
    ds = load_dataset(write_csv(rows))
    r = ds.report
    assert r.by_code("missing_dates").en.startswith("1 product(s) miss 2 daily")
    dup = r.by_code("duplicate_keys")
    assert dup.n_rows == 2 and dup.rows == [27, 28]
    non_num = r.by_code("non_numeric")
    assert non_num.rows == [29] and "缺货" in non_num.en and non_num.column == "销量"
    assert r.by_code("negative_values").rows == [30]
    assert r.by_code("empty_values").rows == [32]
    assert r.by_code("bad_dates").rows == [33]
    assert r.by_code("summary_rows").rows == [34]
    short = r.by_code("short_series")
    assert short.severity == "warning" and "B" in short.en
    for finding in r.findings:
        assert finding.en and finding.zh and finding.severity in ("warning", "info")
    assert r.errors == []


def test_excel_mangled_ids_are_flagged(write_csv):
    rows = [
        ["日期", "商品ID", "销量"],
        ["2024-01-01", "6.01E+11", "1"],
        ["2024-01-02", "6.01E+11", "2"],
    ]
    ds = load_dataset(write_csv(rows))
    assert ds.report.by_code("mangled_ids").rows == [2, 3]


def test_wide_table_with_date_headers(write_csv):
    dates = pd.date_range("2024-01-01", periods=10).strftime("%Y-%m-%d").tolist()
    rows = [
        ["商品编码", "类目", *dates],
        ["001", "食品", *map(str, range(10))],
        ["002", "日用", *["1"] * 10],
    ]
    ds = load_dataset(write_csv(rows))
    assert ds.source.layout == "wide" and ds.mapping.ids == ["商品编码"]
    assert ds.n_series == 2 and ds.freq == "D"
    assert ds.frame.loc[ds.frame["unique_id"] == "001", "y"].tolist() == list(range(10))
    assert ds.series["category"].tolist() == ["食品", "日用"]


def test_wide_day_numbers_need_a_start(write_csv):
    rows = [["id", *[f"d_{i}" for i in range(1, 11)]], ["X", *["2"] * 10]]
    path = write_csv(rows)
    with pytest.raises(InputError) as err:
        load_dataset(path)
    assert "--start-date" in err.value.en and "--calendar" in err.value.zh
    ds = load_dataset(path, ImportOptions(start_date="2011-01-29"))
    assert ds.date_range == (pd.Timestamp("2011-01-29"), pd.Timestamp("2011-02-07"))


@pytest.mark.parametrize(
    ("rows", "en_part"),
    [
        ([["商品", "销量"], ["a", "1"], ["b", "2"]], "No date column"),
        ([["日期", "商品"], ["2024-01-01", "a"], ["2024-01-02", "a"]], "quantity sold"),
        ([["日期", "销量"], ["2024-01-01", "1"]], "single date"),
        ([["日期", "销量"], ["2024-01-01", "x"], ["2024-01-02", "y"]], "holds no numbers"),
    ],
)
def test_unusable_tables_raise_input_error(write_csv, rows, en_part):
    with pytest.raises(InputError) as err:
        load_dataset(write_csv(rows))
    assert en_part in err.value.en and err.value.zh


def test_override_with_unknown_column_suggests_close_names(write_csv):
    with pytest.raises(InputError) as err:
        load_dataset(write_csv(TAOBAO_DAILY), ImportOptions(target_col="销售"))
    assert "销量" in err.value.en and "--target-col" in err.value.zh


def test_overrides_and_feature_columns(write_csv):
    ds = load_dataset(
        write_csv(TAOBAO_DAILY),
        ImportOptions(
            date_col="日期", id_cols=["类目", "商品编码"], target_col="库存", feature_cols=["销量"]
        ),
    )
    assert ds.mapping.ids == ["类目", "商品编码"] and ds.mapping.target == "库存"
    assert ds.frame["unique_id"].iloc[0] == "服装|00123"
    assert ds.frame["销量"].tolist() == [5, 7, 3, 2, 0, 4]


def test_real_store_item_file(shared_data):
    ds = load_dataset(
        shared_data / "store_item_demand_train.csv.gz", ImportOptions(id_cols=["store", "item"])
    )
    assert ds.n_series == 500 and ds.freq == "D"
    assert ds.date_range == (pd.Timestamp("2013-01-01"), pd.Timestamp("2017-12-31"))
    assert len(ds.frame) == 913_000 and ds.report.findings == []
    assert ds.frame.groupby("unique_id").size().eq(1826).all()
    first = ds.frame[ds.frame["unique_id"] == "1|1"]["y"].head(3).tolist()
    assert first == [13, 11, 14]


def test_real_m5_wide_file_with_calendar(shared_data):
    path = shared_data / "m5_sales_train_validation_10series.csv"
    ds = load_dataset(path, ImportOptions(calendar=str(shared_data / "m5_calendar.csv")))
    assert ds.source.layout == "wide" and ds.n_series == 10
    assert ds.date_range == (pd.Timestamp("2011-01-29"), pd.Timestamp("2016-04-24"))
    same = load_dataset(path, ImportOptions(start_date="2011-01-29"))
    np.testing.assert_array_equal(same.frame["ds"], ds.frame["ds"])
    zero_share = ds.frame.groupby("unique_id")["y"].apply(lambda y: (y == 0).mean()).max()
    assert 0.7 < zero_share < 0.9


def test_optional_roles_can_be_reassigned_or_cleared(write_csv):
    """A column the headers do not name can be given a role; a wrong guess cleared."""
    rows = [[*r[:6], r[6], r[7], "备注"] for r in TAOBAO_DAILY]
    rows[0][5], rows[0][8] = "标价", "是否活动"  # headers the detector does not know
    for r, flag in zip(rows[1:], ["0", "0", "1", "0", "0", "1"], strict=True):
        r[8] = flag
    ds = load_dataset(
        write_csv(rows),
        ImportOptions(roles={"price": "标价", "promo": "是否活动", "stock": ""}),
    )
    m = ds.mapping
    assert (m.price, m.promo, m.stock, m.name) == ("标价", "是否活动", None, "商品名称")
    assert ds.frame["price"].tolist() == [59, 59, 59, 1299, 1299, 1199]
    assert ds.frame["promo"].tolist() == [0, 0, 1, 0, 0, 1]
    assert "stock" not in ds.frame.columns
    note = next(f for f in ds.report.findings if f.code == "mapping_chosen")
    assert "price = 标价" in note.en and "stock = (none)" in note.en
    assert "库存 = （无）" in note.zh


def test_role_choices_that_only_repeat_the_headers_are_not_reported(write_csv):
    ds = load_dataset(write_csv(TAOBAO_DAILY), ImportOptions(roles={"price": "单价"}))
    assert ds.mapping.price == "单价"
    assert all(f.code != "mapping_chosen" for f in ds.report.findings)


@pytest.mark.parametrize(
    ("roles", "en_part", "zh_part"),
    [
        ({"price": "价钱"}, "--price-col: the file has no column '价钱'", "单价"),
        ({"colour": "类目"}, "Unknown column role 'colour'", "未知的列角色"),
        ({"price": "单价", "stock": "单价"}, "given two roles", "两个角色"),
        ({"price": "销量"}, "already the date, ID or sales column", "不能同时作为价格列"),
    ],
)
def test_bad_role_choices_are_explained(write_csv, roles, en_part, zh_part):
    options = ImportOptions(target_col="销量", roles=roles)
    with pytest.raises(InputError) as err:
        load_dataset(write_csv(TAOBAO_DAILY), options)
    assert en_part in err.value.en and zh_part in err.value.zh


def test_wide_table_category_can_be_named(write_csv):
    dates = pd.date_range("2024-01-01", periods=10).strftime("%Y-%m-%d").tolist()
    rows = [
        ["商品编码", "分组", *dates],
        ["001", "食品", *["1"] * 10],
        ["002", "日用", *["2"] * 10],
    ]
    ds = load_dataset(write_csv(rows), ImportOptions(roles={"category": "分组"}))
    assert ds.series["category"].tolist() == ["食品", "日用"]
