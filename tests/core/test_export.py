"""Result files as a spreadsheet expects them: whole numbers, real dates, a normal mode."""

from __future__ import annotations

import datetime as dt
import os
import stat

import numpy as np
import openpyxl
import pandas as pd

from core.data import write_sheets, write_table
from core.data.export import spreadsheet_cells

ORDERS = pd.DataFrame({
    "商品编码": ["0010", "=SUM(A1)", "0030"],
    "order_qty": [140.0, 0.0, np.nan],
    "forecast": [3.25, 1.0, 2.0],
    "arrival": pd.to_datetime(["2026-01-05", "2026-01-09", None]),
    "stamp": pd.to_datetime(["2026-01-05 08:30", "2026-01-06 00:00", "2026-01-07 00:00"]),
})  # fmt: skip


def test_whole_quantities_are_integers_and_fractions_stay():
    cells = spreadsheet_cells(ORDERS, csv=True)
    assert cells["order_qty"].tolist()[:2] == [140, 0] and pd.isna(cells["order_qty"][2])
    assert str(cells["order_qty"].dtype) == "Int64"
    assert cells["forecast"].tolist() == [3.25, 1.0, 2.0]  # one fraction: the column stays
    assert cells["arrival"].tolist()[:2] == ["2026-01-05", "2026-01-09"]
    assert cells["stamp"].dtype.kind == "M"  # a time of day: not cut to a date
    assert cells["商品编码"][1] == "'=SUM(A1)"  # formula-safe as before


def test_csv_cells_and_mode(tmp_path):
    path = write_table(ORDERS, tmp_path / "orders.csv")
    lines = path.read_text("utf-8-sig").splitlines()
    assert lines[1].startswith("0010,140,3.25,2026-01-05,")
    assert lines[3].startswith("0030,,2.0,,")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_workbook_has_real_dates_and_integers(tmp_path):
    path = write_sheets({"orders": ORDERS, "empty": ORDERS.iloc[:0]}, tmp_path / "o.xlsx")
    sheet = openpyxl.load_workbook(path)["orders"]
    row = [c for c in sheet[2]]
    assert row[1].value == 140 and isinstance(row[1].value, int)
    assert isinstance(row[3].value, dt.datetime) and row[3].number_format == "YYYY-MM-DD"
    assert row[3].value.date() == dt.date(2026, 1, 5)
    assert sheet["E2"].value == dt.datetime(2026, 1, 5, 8, 30)
    assert sheet["A3"].value == "'=SUM(A1)"
    assert sheet["B4"].value is None and sheet["D4"].value is None
