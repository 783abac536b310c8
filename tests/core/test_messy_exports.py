"""Exports as shops really send them (issue 15): dates with weekdays and clocks, impossible
dates, huge cells, notes sheets, a second header halfway down, and order lines with
cancellations and lines that are not products."""

from __future__ import annotations

import csv
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from core.cli import main
from core.data import ImportOptions, load_dataset, parse_dates, read_table
from core.errors import InputError

ZH_DAYS = "一二三四五六日"


def _xlsx(path, sheets: dict):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def _pharmacy_rows():
    """A pharmacy's daily sales: dates written '2018-02-01 星期四', two medicines."""
    rows = [["销售日期", "药品编码", "药品名称", "销售数量", "单价"]]
    drugs = [("6901234567890", "阿莫西林胶囊 0.25g*24粒", "18.50"),
             ("6909876543210", "板蓝根颗粒 10g*20袋", "12.00")]  # fmt: skip
    for i, day in enumerate(pd.date_range("2018-02-01", "2018-03-10")):
        for k, (code, name, price) in enumerate(drugs):
            text = f"{day:%Y-%m-%d} 星期{ZH_DAYS[day.dayofweek]}"
            rows.append([text, code, name, str(i % 5 + 1 + k), price])
    return rows


def test_pharmacy_workbook_with_weekdays_impossible_dates_and_a_notes_sheet(tmp_path):
    rows = _pharmacy_rows()
    normal = sum(int(r[3]) for r in rows[1:])
    # Row numbers as the spreadsheet shows them: the header is row 1.
    rows.insert(30, ["2018-02-29 星期四", "6901234567890", "阿莫西林胶囊 0.25g*24粒", "4", "18.50"])
    rows.insert(41, [None] * 5)  # an empty row (row 42)
    rows.insert(50, ["", "6909876543210", "板蓝根颗粒 10g*20袋", "2", "12.00"])  # no date
    notes = [["说明：本表由门店收银系统导出"], ["导出时间：2018-03-11 09:00"]]
    path = _xlsx(tmp_path / "药房销售.xlsx", {"销售明细": rows, "说明": notes})

    ds = load_dataset(path)

    assert ds.source.sheet == "销售明细" and ds.mapping.date == "销售日期"
    chosen = ds.report.by_code("sheet_chosen")
    assert "'销售明细'" in chosen.en and "'说明' (2 rows)" in chosen.en and "说明" in chosen.zh
    assert ds.report.by_code("impossible_dates").rows == [31]
    assert ds.report.by_code("empty_rows").rows == [42]
    assert ds.report.by_code("empty_dates").rows == [51]
    assert ds.report.by_code("bad_dates") is None
    assert ds.report.by_code("weekday_mismatch") is None
    assert ds.n_series == 2 and ds.freq == "D"
    assert ds.frame["ds"].min() == pd.Timestamp("2018-02-01")
    assert ds.frame["ds"].max() == pd.Timestamp("2018-03-10")
    assert ds.frame["y"].sum() == normal  # the impossible and dateless rows left out
    first = ds.frame[ds.frame["unique_id"] == "6901234567890"].iloc[0]
    assert (first["ds"], first["y"], first["_row"]) == (pd.Timestamp("2018-02-01"), 1, 2)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2018-01-01 星期一", "2018-01-02 周二", "2018-01-03(星期三)"],
         ["2018-01-01", "2018-01-02", "2018-01-03"]),
        (["Mon 08/01/2024", "Tue 09/01/2024", "Thursday 25/01/2024"],
         ["2024-01-08", "2024-01-09", "2024-01-25"]),
        (["2024-01-09 下午3:05", "2024-01-09 上午9:30", "2024-01-10 晚上11点20分"],
         ["2024-01-09 15:05", "2024-01-09 09:30", "2024-01-10 23:20"]),
        (["1/9/2024 3:05 PM", "1/9/2024 12:10 AM", "1/13/2024 11:59 pm"],
         ["2024-01-09 15:05", "2024-01-09 00:10", "2024-01-13 23:59"]),
        (["2024-01-09T13:45:10+08:00", "2024-01-09T23:30:00.250Z", "2024-01-10 08:00:00 UTC"],
         ["2024-01-09 13:45:10", "2024-01-09 23:30:00", "2024-01-10 08:00:00"]),
    ],
)  # fmt: skip
def test_dates_with_weekdays_clocks_and_time_zones(cells, expected):
    parsed = parse_dates(pd.Series(cells, dtype=object))
    assert parsed.values.tolist() == [pd.Timestamp(e) for e in expected]
    assert not parsed.bad.any() and not parsed.weekday_mismatch.any()


def test_two_digit_years_take_the_order_the_data_shows():
    days = pd.date_range("2021-05-06", periods=30)
    dayfirst = parse_dates(pd.Series([f"{d:%d-%m-%y}" for d in days]))
    assert dayfirst.values.iloc[0] == pd.Timestamp("2021-05-06")
    assert dayfirst.values.iloc[-1] == pd.Timestamp("2021-06-04") and dayfirst.fmt == "%d-%m-%y"
    monthfirst = parse_dates(pd.Series([f"{d:%m/%d/%y}" for d in days]))
    assert monthfirst.values.iloc[0] == pd.Timestamp("2021-05-06") and not monthfirst.bad.any()
    assert monthfirst.fmt == "%m/%d/%y"


def test_impossible_dates_and_wrong_weekdays_are_told_apart():
    cells = ["2018-02-27", "2018-02-28", "2018-02-29", "2018-04-31", "2018-03-01", "见备注",
             "2018-03-02", "2018-03-03", "2018-03-04", "2018-03-05", "2018-03-06"]  # fmt: skip
    parsed = parse_dates(pd.Series(cells))
    assert np.flatnonzero(parsed.impossible).tolist() == [2, 3]
    assert np.flatnonzero(parsed.bad).tolist() == [2, 3, 5]
    wrong = parse_dates(pd.Series(["2018-01-01 星期五", "2018-01-02 星期二"]))
    assert wrong.weekday_mismatch.tolist() == [True, False]  # 2018-01-01 was a Monday
    assert wrong.values.tolist() == [pd.Timestamp("2018-01-01"), pd.Timestamp("2018-01-02")]


def test_a_cell_over_128_kb_is_read(tmp_path):
    limit = csv.field_size_limit()
    rows = [["日期", "商品编码", "商品详情", "销量"]]
    for i, day in enumerate(pd.date_range("2024-03-01", periods=30)):
        rows.append([f"{day:%Y-%m-%d}", "A100", "<p>保温杯</p>", str(i % 4 + 1)])
    rows[3][2] = "<div>" + "商品详情图文，" * 30_000 + "</div>"  # about 210 000 characters
    path = _csv(tmp_path / "详情.csv", rows)
    assert read_table(path).frame["商品详情"].iloc[2] == rows[3][2]
    ds = load_dataset(path)
    assert ds.n_series == 1 and len(ds.frame) == 30 and ds.frame["y"].sum() == 73
    ragged = rows + [["2024-03-31", "A100", "x", "2", "多余"]]
    ds = load_dataset(_csv(tmp_path / "ragged.csv", ragged))
    assert ds.report.by_code("bad_lines").rows == [32] and len(ds.frame) == 30
    assert csv.field_size_limit() == limit


def test_workbook_with_one_sales_sheet_and_a_notes_sheet(tmp_path):
    sales = [["日期", "商品编码", "销量"]] + [
        [f"2024-01-{d:02d}", "00123", d % 3] for d in range(1, 29)
    ]
    notes = [["字段", "含义"], ["销量", "当日售出件数"]]
    raw = read_table(_xlsx(tmp_path / "w.xlsx", {"说明": notes, "销售": sales}))
    assert raw.info.sheet == "销售" and len(raw.frame) == 28
    chosen = raw.report.by_code("sheet_chosen")
    assert "the only one with a table of dates and quantities" in chosen.en
    assert "'说明' (2 rows)" in chosen.en and "--sheet" in chosen.action_en
    path = _xlsx(tmp_path / "two.xlsx", {"一月": sales, "二月": sales, "说明": notes})
    with pytest.raises(InputError, match="several sheets"):
        read_table(path)


def test_second_header_halfway_down_is_aligned_by_name(tmp_path):
    first = [["日期", "商品编码", "销量", "单价"]]
    first += [[f"2024-01-{d:02d}", "A01", str(d), "9.90"] for d in range(1, 16)]
    second = [["单价", "销量", "商品编码", "日期"]]  # the second export orders columns its own way
    second += [["9.90", str(d), "A01", f"2024-01-{d:02d}"] for d in range(16, 32)]
    ds = load_dataset(_csv(tmp_path / "pasted.csv", first + second))
    note = ds.report.by_code("repeated_header")
    assert note.rows == [17] and "aligned by name" in note.en and "对齐" in note.zh
    assert ds.n_series == 1 and len(ds.frame) == 31
    assert ds.frame["y"].sum() == sum(range(1, 32))
    last = ds.frame.iloc[-1]
    assert (last["ds"], last["y"], last["_row"]) == (pd.Timestamp("2024-01-31"), 31, 33)
    assert ds.report.by_code("bad_dates") is None


def test_second_header_with_other_columns_is_refused_with_its_row(tmp_path, capsys):
    rows = [["日期", "商品编码", "销量"]] + [[f"2024-01-{d:02d}", "A01", "2"] for d in range(1, 9)]
    rows += [["日期", "商品编码", "库存"], ["2024-01-09", "A01", "40"]]
    path = _csv(tmp_path / "two_tables.csv", rows)
    with pytest.raises(InputError) as err:
        load_dataset(path)
    assert "Row 10" in err.value.en and "销量" in err.value.en and "库存" in err.value.en
    assert "第 10 行" in err.value.zh
    assert main(["inspect", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def _uk_rows():
    """Order lines of a UK gift shop: invoices, cancellations (C...) and non-product lines."""
    head = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
            "CustomerID", "Country"]  # fmt: skip
    goods = [("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "2.55"),
             ("71053", "WHITE METAL LANTERN", "3.39"),
             ("22423", "REGENCY CAKESTAND 3 TIER", "12.75")]  # fmt: skip
    rows, invoice = [head], 536365
    for day in range(1, 31):
        for k, (code, name, price) in enumerate(goods):
            when = f"12/{day}/2010 {8 + k}:{10 + day:02d}"
            rows.append([str(invoice), code, name, str(day % 4 + 1), when, price, "17850",
                         "United Kingdom"])  # fmt: skip
            invoice += 1
    others = [
        ("POST", "POSTAGE", "1", "18.00"), ("DOT", "DOTCOM POSTAGE", "1", "569.77"),
        ("M", "Manual", "1", "0.85"), ("BANK CHARGES", "Bank Charges", "1", "15.00"),
        ("AMAZONFEE", "AMAZON FEE", "1", "13541.33"),
        ("gift_0001_20", "Dotcomgiftshop Gift Voucher £20.00", "1", "17.02"),
    ]  # fmt: skip
    for day, (code, name, qty, price) in enumerate(others, start=2):
        rows.append([str(invoice), code, name, qty, f"12/{day}/2010 14:05", price, "12583",
                     "France"])  # fmt: skip
        invoice += 1
    rows.append(["C536379", "D", "Discount", "-1", "12/3/2010 9:41", "27.50", "14527",
                 "United Kingdom"])  # fmt: skip
    for day, code in ((5, "85123A"), (9, "71053"), (12, "85123A")):
        rows.append([f"C{invoice}", code, "CANCELLED LINE", "-2", f"12/{day}/2010 16:20", "2.55",
                     "15311", "United Kingdom"])  # fmt: skip
        invoice += 1
    rows.append(["536900", "22423", "REGENCY CAKESTAND 3 TIER", "-1", "12/20/2010 11:00",
                 "0.00", "", "United Kingdom"])  # fmt: skip
    return rows


def test_order_lines_leave_out_cancellations_returns_and_non_products(tmp_path):
    rows = _uk_rows()
    path = _csv(tmp_path / "online_retail.csv", rows)
    ds = load_dataset(path, ImportOptions(id_cols=["StockCode"]))
    assert ds.source.layout == "orders" and ds.mapping.date == "InvoiceDate"
    assert sorted(ds.series["unique_id"]) == ["22423", "71053", "85123A"]
    others = ds.report.by_code("non_products")
    assert others.n_rows == 7 and others.rows == [92, 93, 94, 95, 96, 97, 98]
    assert "POST (1)" in others.en and "gift_0001_20 (1)" in others.en
    cancelled = ds.report.by_code("orders_cancelled")
    assert cancelled.rows == [99, 100, 101] and "3 order lines" in cancelled.en
    assert cancelled.column == "InvoiceNo" and "6 units" in cancelled.en
    returned = ds.report.by_code("orders_returned")
    assert returned.rows == [102] and "1 order lines" in returned.en
    assert ds.report.by_code("negative_values") is None
    assert ds.frame["y"].sum() == 3 * sum(d % 4 + 1 for d in range(1, 31))  # 225
    dec5 = ds.frame[(ds.frame["unique_id"] == "85123A") & (ds.frame["ds"] == "2010-12-05")]
    assert dec5["y"].tolist() == [2]  # the cancellation that day is not netted against it


def test_non_product_lines_can_be_kept(tmp_path, capsys):
    path = _csv(tmp_path / "online_retail.csv", _uk_rows())
    ds = load_dataset(path, ImportOptions(id_cols=["StockCode"], keep_non_products=True))
    assert ds.report.by_code("non_products") is None
    assert ds.report.by_code("non_products_kept").n_rows == 7
    # D (discount) sits on a cancelled invoice: it is a cancellation either way.
    assert ds.n_series == 3 + 6 and "POST" in set(ds.series["unique_id"])
    cli = ["inspect", str(path), "--id-cols", "StockCode", "--json"]
    assert main(cli) == 0
    default = json.loads(capsys.readouterr().out)
    assert main([*cli, "--keep-non-products"]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert (default["series"], kept["series"]) == (3, 9)


def test_plain_dates_still_take_the_fast_formats():
    days = pd.date_range("2013-01-01", periods=400).strftime("%Y-%m-%d")
    parsed = parse_dates(pd.Series(np.repeat(days, 3)))
    assert parsed.fmt == "%Y-%m-%d" and not parsed.bad.any() and not parsed.impossible.any()
    assert parsed.values.iloc[-1] == pd.Timestamp(dt.date(2014, 2, 4))
