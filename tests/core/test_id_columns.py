"""A store or warehouse column joins the product ID only when it tells products apart.

A column with one value in the whole file (Lazada's ``wareHouse``: "dropshipping"), or
with one value per product code, cannot split any product the code does not already
separate: it must never become a second product-ID column.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.cli import main
from core.data import ImportOptions, load_dataset

SKUS = ["A-100", "B-200", "C-300", "D-400", "E-500"]


def _rows(header: list[str], warehouse, days: int = 21, seed: int = 3) -> list[list[str]]:
    """Daily order lines of five SKUs; ``warehouse(k, sku)`` gives the warehouse cell."""
    rng = np.random.default_rng(seed)
    rows = [header]
    k = 0
    for day in pd.date_range("2024-03-01", periods=days):
        for sku in SKUS:
            k += 1
            rows.append([f"{day:%Y-%m-%d}", warehouse(k, sku), sku, f"Thing {sku}",
                         str(int(rng.integers(1, 9))), "12.50"])  # fmt: skip
    return rows


EN = ["Date", "Warehouse", "SKU", "Product", "Qty", "Price"]
ZH = ["日期", "仓库", "商品编码", "商品名称", "销量", "单价"]


@pytest.mark.parametrize(("header", "value"), [(EN, "Main DC"), (ZH, "华东仓")])
def test_a_constant_warehouse_next_to_the_sku_is_not_a_product_id(write_csv, header, value):
    rows = _rows(header, lambda k, sku: value)
    ds = load_dataset(write_csv(rows))
    assert ds.mapping.ids == [header[2]]
    assert ds.roles["ids"]["column"] == [header[2]]
    assert ds.n_series == len(SKUS)
    assert sorted(ds.series["unique_id"]) == SKUS  # no "Main DC|A-100"
    assert ds.frame["y"].sum() == sum(int(r[4]) for r in rows[1:])
    note = ds.report.by_code("redundant_id_column")
    assert note.severity == "info" and note.column == header[1]
    assert f"'{value}'" in note.en and "not part of the product ID" in note.en
    assert f"“{value}”" in note.zh and "未用作商品 ID" in note.zh
    assert f"--id-cols {header[1]},{header[2]}" in note.action_en
    assert f"--id-cols {header[1]},{header[2]}" in note.action_zh


def test_a_warehouse_with_one_value_per_product_is_not_a_product_id(write_csv):
    """Each SKU always ships from its own warehouse: the warehouse splits nothing."""
    home = {sku: ("North", "South")[i % 2] for i, sku in enumerate(SKUS)}
    ds = load_dataset(write_csv(_rows(EN, lambda k, sku: home[sku])))
    assert ds.mapping.ids == ["SKU"] and ds.n_series == len(SKUS)
    note = ds.report.by_code("redundant_id_column")
    assert "each code in 'SKU' has a single 'Warehouse' value" in note.en
    assert "只对应一个" in note.zh


def test_a_warehouse_that_splits_products_stays_a_product_id(write_csv):
    """The same SKU ships from two warehouses: forecast per warehouse and SKU, as before."""
    rows = _rows(EN, lambda k, sku: ("North", "South")[k // len(SKUS) % 2])
    ds = load_dataset(write_csv(rows))
    assert ds.mapping.ids == ["Warehouse", "SKU"]
    assert ds.n_series == 2 * len(SKUS)
    assert ds.report.by_code("redundant_id_column") is None


def test_one_product_in_two_warehouses_is_enough_to_keep_it(write_csv):
    rows = _rows(EN, lambda k, sku: "South" if sku == "E-500" and k % 2 else "North")
    ds = load_dataset(write_csv(rows))
    assert ds.mapping.ids == ["Warehouse", "SKU"]
    assert ds.n_series == len(SKUS) + 1


def test_an_empty_warehouse_column_is_not_a_product_id(write_csv):
    ds = load_dataset(write_csv(_rows(ZH, lambda k, sku: "")))
    assert ds.mapping.ids == ["商品编码"] and ds.n_series == len(SKUS)
    assert "它是空的" in ds.report.by_code("redundant_id_column").zh


def test_the_user_can_still_forecast_per_constant_warehouse(write_csv):
    ds = load_dataset(write_csv(_rows(EN, lambda k, sku: "Main DC")),
                      ImportOptions(id_cols=["Warehouse", "SKU"]))  # fmt: skip
    assert ds.mapping.ids == ["Warehouse", "SKU"] and ds.n_series == len(SKUS)
    assert ds.report.by_code("redundant_id_column") is None


def test_inspect_shows_the_sku_alone(write_csv, capsys):
    path = write_csv(_rows(ZH, lambda k, sku: "华东仓"))
    assert main(["inspect", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["mapping"]["ids"] == ["商品编码"] and summary["series"] == len(SKUS)
    assert summary["roles"]["ids"]["column"] == ["商品编码"]
    assert main(["inspect", str(path), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "商品ID ids       商品编码\n" in text and "列“仓库”的表头像店铺或仓库" in text
