"""The supplier table and purchase orders on a small sample shop (18 products, 500 days)."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from core.analysis import fit_model, lifecycle_tables, make_forecast, run_import
from core.cli import main
from core.data import CleaningOptions, ImportOptions, model_frames, stock_from_data
from core.errors import InputError
from core.forecast import TrainSettings
from core.recommend import (
    PRESETS,
    InventoryOptions,
    PurchaseOptions,
    build_orders,
    read_layout,
    read_suppliers,
    recommendations,
    resolve_suppliers,
    write_orders,
)
from core.sample import write_sample

SUPPLIERS = [
    "商品编码,类目,供应商,供应商编码,交货期(天),起订量,箱规,采购价",
    "0030100,,深圳电子,2001,30天,100,20,45",
    ",数码配件,深圳电子,2001,12,,10,9.5",
    ",服装,杭州织造,1001,10,,6,60",
    "*,,义乌百货,1000,7,1,1,20",
    "9999999,,不存在的商品,1,3,1,1,1",
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The small shop as the window and the CLI see it, and a seasonal-naive forecast."""
    folder = tmp_path_factory.mktemp("shop")
    path, _ = write_sample(folder / "shop.csv", n_skus=18, days=500)
    dataset = run_import(path, ImportOptions(), CleaningOptions()).cleaning.dataset
    frames = model_frames(dataset)
    model = fit_model(frames, dataset.freq, TrainSettings(model="snaive", horizon=45))
    fc = make_forecast(model, 45, levels=(50, 80, 95))
    stages, _ = lifecycle_tables(frames, dataset.freq, forecast=fc, history=False)
    return {"path": path, "dataset": dataset, "frames": frames, "fc": fc, "stages": stages,
            "folder": folder}  # fmt: skip


def _table(folder, rows, name="suppliers.csv", encoding="gbk"):
    path = folder / name
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    return path


def _advice(shop, resolution=None, stock=None):
    stock = stock_from_data(shop["frames"].frame) if stock is None else stock
    if resolution is not None:
        stock = resolution.merge_into(stock)
    return recommendations(shop["frames"], shop["dataset"].freq, shop["fc"], shop["stages"],
                           stock, InventoryOptions(rho=0.3))  # fmt: skip


def test_each_value_comes_from_the_most_specific_row(shop, tmp_path):
    res = resolve_suppliers(read_suppliers(_table(tmp_path, SUPPLIERS), shop["dataset"]),
                            shop["dataset"])  # fmt: skip
    t = res.table.set_index("unique_id")
    # product row: all its own values
    assert t.loc["0030100", ["source", "supplier", "lead_time", "moq", "pack_size",
                             "unit_cost"]].tolist() == ["product", "深圳电子", 30, 100, 20, 45]  # fmt: skip
    # category row; its empty MOQ falls through to the default row's
    assert t.loc["0030300", ["source", "lead_time", "moq", "pack_size", "unit_cost"]].tolist() \
        == ["category", 12, 1, 10, 9.5]  # fmt: skip
    assert t.loc["0010300", ["supplier", "supplier_code", "pack_size"]].tolist() == [
        "杭州织造", "1001", 6]  # fmt: skip
    # no row of its own or of its category: the default row
    assert t.loc["0020000", ["source", "supplier", "lead_time", "unit_cost"]].tolist() == [
        "default", "义乌百货", 7, 20]  # fmt: skip
    assert res.counts() == {"product": 1, "category": 9, "default": 8, "options": 0}
    assert res.unknown_products == ["9999999"]
    text = "\n".join(res.describe("en"))
    assert "1 by product" in text and "9 by category" in text and "9999999" in text
    assert "按商品 1 个" in "\n".join(res.describe("zh"))


def test_without_a_default_row_the_options_decide(shop, tmp_path):
    res = resolve_suppliers(read_suppliers(_table(tmp_path, SUPPLIERS[:4]), shop["dataset"]),
                            shop["dataset"])  # fmt: skip
    t = res.table.set_index("unique_id")
    assert t.loc["0020000", "source"] == "options" and np.isnan(t.loc["0020000", "lead_time"])
    filled = res.filled(InventoryOptions(lead_time=9)).set_index("unique_id")
    assert filled.loc["0020000", "lead_time"] == 9 and filled.loc["0030300", "lead_time"] == 12
    assert res.counts()["options"] == 8


def test_a_longer_supplier_lead_time_gives_a_larger_order(shop, tmp_path):
    ids = shop["dataset"].series["unique_id"]
    empty = pd.DataFrame({"unique_id": ids, "on_hand": 0.0})
    orders = {}
    for lead in (3, 30):
        rows = ["商品编码,供应商,交货期", f"0020000,义乌百货,{lead}"]
        res = resolve_suppliers(read_suppliers(_table(tmp_path, rows), shop["dataset"]),
                                shop["dataset"])  # fmt: skip
        orders[lead] = _advice(shop, res, empty).set_index("unique_id")["order_qty"]
    assert orders[30]["0020000"] > orders[3]["0020000"] > 0
    # only that product moves: every other product's figures are its own
    others = orders[3].index != "0020000"
    assert (orders[3][others] == orders[30][others]).all()


def test_a_supplier_table_of_the_option_values_changes_nothing(shop, tmp_path):
    rows = ["类目,供应商,交货期,起订量,箱规", "*,义乌百货,7,1,1"]
    res = resolve_suppliers(read_suppliers(_table(tmp_path, rows), shop["dataset"]),
                            shop["dataset"])  # fmt: skip
    pd.testing.assert_frame_equal(_advice(shop), _advice(shop, res))


@pytest.fixture(scope="module")
def orders(shop):
    folder = shop["folder"]
    res = resolve_suppliers(read_suppliers(_table(folder, SUPPLIERS), shop["dataset"]),
                            shop["dataset"])  # fmt: skip
    empty = pd.DataFrame({"unique_id": shop["dataset"].series["unique_id"], "on_hand": 0.0})
    advice = _advice(shop, res, empty)
    made = build_orders(advice, res, InventoryOptions(), PurchaseOptions(order_date="2026-01-05"),
                        products=shop["dataset"].series)  # fmt: skip
    return {"orders": made, "advice": advice, "suppliers": res}


def test_lines_are_grouped_by_supplier_with_totals_equal_to_their_sums(orders):
    o = orders["orders"]
    lines = o.lines.set_index("unique_id")
    assert len(lines) == int((orders["advice"]["order_qty"] > 0).sum()) == 12
    assert set(o.totals["supplier"]) == {"深圳电子", "杭州织造", "义乌百货"}
    # the quantities are the advice's, raised to the MOQ and whole packs
    assert (lines["quantity"] % lines["pack_size"] == 0).all()
    assert (lines["quantity"] >= lines["moq"]).all()
    assert lines.loc["0030100", "quantity"] >= 100 and lines.loc["0030100", "quantity"] % 20 == 0
    assert lines.loc["0030100", "line_value"] == pytest.approx(
        45 * lines.loc["0030100", "quantity"]
    )
    # arrival = order date + the product's own lead time
    assert lines.loc["0030100", "arrival_date"] == "2026-02-04"
    assert lines.loc["0030300", "arrival_date"] == "2026-01-17"
    assert lines.loc["0020000", "arrival_date"] == "2026-01-12"
    for t in o.totals.itertuples():
        mine = o.lines[o.lines["order_no"] == t.order_no]
        assert mine["supplier"].nunique() == 1 and t.lines == len(mine)
        assert t.value == pytest.approx(mine["line_value"].sum(), abs=1e-9)
        assert t.quantity == mine["quantity"].sum()
    assert o.total_value == pytest.approx(o.lines["line_value"].sum(), abs=1e-9)
    assert o.totals["order_no"].tolist() == sorted(o.totals["order_no"])
    assert o.totals["order_no"].iloc[0].startswith("SC20260105-")


def test_a_cash_budget_keeps_the_total_under_it(orders):
    full = orders["orders"].total_value
    cut = build_orders(orders["advice"], orders["suppliers"], InventoryOptions(),
                       PurchaseOptions(order_date="2026-01-05", budget=full * 0.5))  # fmt: skip
    assert 0 < cut.total_value <= full * 0.5 + 1e-9
    assert (cut.lines["quantity"] % cut.lines["pack_size"] == 0).all()
    assert (cut.lines["quantity"] >= cut.lines["moq"]).all()
    assert any("Budget" in line for line in cut.describe("en"))


def test_generic_xlsx_reopens_with_totals_equal_to_the_lines(orders, tmp_path):
    [path] = write_orders(orders["orders"], tmp_path / "po.xlsx", "generic", "en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Lines", "Totals"]
    lines = pd.read_excel(path, sheet_name="Lines", dtype={"Product ID": str})
    totals = pd.read_excel(path, sheet_name="Totals")
    assert list(lines.columns[:4]) == ["PO number", "Supplier", "Supplier code", "Product ID"]
    assert lines["Product ID"].str.len().eq(7).all()  # leading zeros kept
    by_order = lines.groupby("PO number")["Line value"].sum()
    body = totals[totals["PO number"] != "Total"].set_index("PO number")
    assert np.allclose(body["Total value"], by_order.reindex(body.index))
    grand = totals.loc[totals["PO number"] == "Total", "Total value"].iloc[0]
    assert grand == pytest.approx(lines["Line value"].sum(), abs=1e-6)


def test_preset_files_have_the_systems_columns_and_open_in_excel(orders, tmp_path):
    for name, want in (("jushuitan", ["外部单号", "供应商编码", "采购日期", "商品编码", "数量",
                                      "价格", "协议到货时间", "采购员"]),
                       ("wangdiantong", ["采购单编号", "供应商编号", "商家编码", "采购数量",
                                         "税前单价", "预计到货时间", "收货仓编号",
                                         "预计入库仓库编号", "采购员"])):  # fmt: skip
        assert list(PRESETS[name]) == want
        lines_path, totals_path = write_orders(orders["orders"], tmp_path / f"{name}.csv", name)
        assert lines_path.read_bytes().startswith(b"\xef\xbb\xbf")
        table = pd.read_csv(lines_path, encoding="utf-8-sig", dtype=str)
        assert list(table.columns) == want
        qty, price = table.columns[[4, 5]] if name == "jushuitan" else table.columns[[3, 4]]
        value = (table[qty].astype(float) * table[price].astype(float)).sum()
        totals = pd.read_csv(totals_path, encoding="utf-8-sig")
        assert totals.iloc[-1, 5] == pytest.approx(value, abs=1e-6)  # grand total
    wdt = pd.read_csv(tmp_path / "wangdiantong.csv", encoding="utf-8-sig", dtype=str)
    assert wdt["预计到货时间"].str.fullmatch(r"\d{4}-\d\d-\d\d 00:00:00").all()


def test_text_cells_cannot_start_a_formula(shop, tmp_path):
    rows = ["商品编码,供应商,供应商编码,交货期,采购价", "*,=HYPERLINK(\"http://x\"),@SUM(A1),7,5",
            "0020000,+cmd|' /C calc'!A0,-1,7,5"]  # fmt: skip
    res = resolve_suppliers(read_suppliers(_table(tmp_path, rows, encoding="utf-8"),
                                           shop["dataset"]), shop["dataset"])  # fmt: skip
    empty = pd.DataFrame({"unique_id": shop["dataset"].series["unique_id"], "on_hand": 0.0})
    made = build_orders(_advice(shop, res, empty), res, InventoryOptions(),
                        PurchaseOptions(order_date="2026-01-05"))  # fmt: skip
    csv_lines, _ = write_orders(made, tmp_path / "po.csv", "generic", "en")
    text = pd.read_csv(csv_lines, encoding="utf-8-sig", dtype=str)
    for col in ("Supplier", "Supplier code"):
        assert text[col].str.startswith("'").all()
    [xlsx] = write_orders(made, tmp_path / "po.xlsx", "generic", "en")
    for ws in openpyxl.load_workbook(xlsx):
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@")


def test_a_layout_file_chooses_the_columns(orders, tmp_path):
    path = tmp_path / "layout.json"
    path.write_text(json.dumps({"SKU": "商品编码", "Qty": "quantity", "Note": ""}),
                    encoding="utf-8")  # fmt: skip
    layout = read_layout(path, extra_fields=["商品编码"])
    lines, _ = write_orders(orders["orders"], tmp_path / "mine.csv", layout)
    table = pd.read_csv(lines, encoding="utf-8-sig", dtype=str)
    assert list(table.columns) == ["SKU", "Qty", "Note"]
    assert table["Note"].isna().all() and table["SKU"].str.len().eq(7).all()
    path.write_text(json.dumps({"SKU": "colour"}), encoding="utf-8")
    with pytest.raises(InputError, match="colour"):
        read_layout(path)


@pytest.mark.parametrize(("rows", "match"), [
    (["商品编码,供应商,交货期", "0020000,A,abc"], r"row 2, column 交货期"),
    (["商品编码,供应商,箱规", "0020000,A,5", "0020001,A,0"], r"row 3, column 箱规"),
    (["商品编码,供应商,采购价", "0020000,A,-3"], r"row 2, column 采购价"),
    (["商品编码,供应商", "0020000,A", "0020000,B"], r"rows 2 and 3 .* product 0020000"),
    (["类目,供应商", "家居,A", "家居,B"], r"rows 2 and 3 .* category 家居"),
    (["类目,供应商", "*,A", ",B"], r"rows 2 and 3 are both default"),
    (["颜色,尺码", "红,M"], r"no supplier column"),
])  # fmt: skip
def test_a_bad_supplier_table_names_file_row_and_column(shop, tmp_path, rows, match):
    with pytest.raises(InputError, match=match) as err:
        read_suppliers(_table(tmp_path, rows), shop["dataset"])
    assert "suppliers.csv" in err.value.en and "suppliers.csv" in err.value.zh


def test_orders_and_recommend_commands(shop, tmp_path, capsys):
    sup = _table(tmp_path, SUPPLIERS)
    out = tmp_path / "orders.xlsx"
    code = main(["orders", str(shop["path"]), "--suppliers", str(sup), "--model", "snaive",
                 "--out", str(out), "--lang", "en"])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "purchase orders" in captured.out and "1 by product" in captured.err
    assert openpyxl.load_workbook(out).sheetnames == ["Lines", "Totals"]
    advice = tmp_path / "advice.csv"
    code = main(["recommend", str(shop["path"]), "--suppliers", str(sup), "--model", "snaive",
                 "--out", str(advice), "--lang", "en"])  # fmt: skip
    assert code == 0
    table = pd.read_csv(advice, encoding="utf-8-sig", dtype={"商品编码": str})
    assert table.set_index("商品编码").loc["0030100", "lead_time"] == 30
    bad = _table(tmp_path, ["商品编码,供应商,交货期", "0020000,A,abc"], name="bad.csv")
    code = main(["orders", str(shop["path"]), "--suppliers", str(bad), "--model", "snaive",
                 "--out", str(tmp_path / "x.csv")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "第 2 行" in err and "row 2" in err
