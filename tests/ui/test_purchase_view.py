"""Purchase orders, opened from the Recommendations view on the sample shop: the order
totals shown are the sums of core's lines (:func:`core.recommend.build_orders`), a
supplier's lead time reaches the advice, exports hold the quantities shown, a budget
cuts, bad supplier tables give a readable dialog, and the table survives in the project.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtWidgets import QMessageBox

from core.recommend import PurchaseOptions, build_orders, last_prices

#: A small supplier table: one product row, two category rows, a default row.
ROWS = pd.DataFrame({
    "unique_id": ["0010000", "", "", ""],
    "category": ["", "服装", "小家电", ""],
    "supplier": ["", "义乌优品服饰", "宁波小家电厂", "杭州百货批发"],
    "supplier_code": ["", "S01", "S02", "S03"],
    "lead_time": [np.nan, 5.0, 14.0, 10.0],
    "moq": [np.nan, 50.0, np.nan, np.nan],
    "pack_size": [np.nan, 12.0, 4.0, np.nan],
    "unit_cost": [18.5, 22.0, 95.0, 12.0],
})  # fmt: skip


@pytest.fixture
def views(qtbot, forecast_session):
    """The Recommendations view with the sample's advice and its Purchase orders window."""
    from ui.views.recommendations_view import RecommendationsView

    rec = RecommendationsView(forecast_session)
    qtbot.addWidget(rec)
    rec.resize(1300, 760)
    rec.show()
    assert rec.run_recommend()
    qtbot.waitUntil(lambda: rec.session.recommendations is not None and not rec.is_busy(),
                    timeout=60000)  # fmt: skip
    rec.purchase_button.click()
    purchase = rec.purchase_view
    assert purchase is not None and purchase.isVisible() and purchase.isWindow()
    _settle(qtbot, rec, purchase)
    yield rec, purchase
    rec.shutdown()


def _settle(qtbot, rec, purchase) -> None:
    qtbot.waitUntil(lambda: not rec.is_busy() and not purchase.is_busy()
                    and purchase.orders is not None, timeout=60000)  # fmt: skip


def _apply(qtbot, rec, purchase, rows: pd.DataFrame) -> pd.DataFrame:
    """Type ``rows`` into the supplier table, apply, wait for the new advice and orders."""
    before = rec.session.recommendations
    purchase.editor.set_rows(rows)
    purchase.editor.apply_button.click()
    qtbot.waitUntil(lambda: rec.session.recommendations is not before, timeout=60000)
    _settle(qtbot, rec, purchase)
    return rec.session.recommendations


def _core_orders(session, purchase):
    return build_orders(session.recommendations, purchase.result.resolution,
                        session.inventory_options,
                        PurchaseOptions(order_date=session.forecast["ds"].min()),
                        products=session.dataset.series,
                        prices=last_prices(session.frames.frame))  # fmt: skip


def test_order_totals_are_the_sums_of_cores_lines(views, qtbot):
    rec, purchase = views
    s = rec.session
    # before any supplier table: one order without a supplier
    assert purchase.totals_model.frame["supplier"].tolist() == ["(no supplier)"]
    _apply(qtbot, rec, purchase, ROWS)
    core = _core_orders(s, purchase)
    shown = purchase.totals_model.frame.set_index("supplier")
    sums = core.lines.groupby("supplier").agg(lines=("quantity", "size"), units=("quantity", "sum"),
                                              value=("line_value", "sum"))  # fmt: skip
    assert set(shown.index) == set(sums.index) and len(shown) >= 3
    for supplier, row in sums.iterrows():
        assert shown.loc[supplier, "lines"] == row["lines"]
        assert shown.loc[supplier, "quantity"] == pytest.approx(row["units"])
        assert shown.loc[supplier, "value"] == pytest.approx(round(row["value"], 2))
        assert shown.loc[supplier, "order_date"] == f"{s.forecast['ds'].min():%Y-%m-%d}"
    # the lines below are core's, and choosing an order shows only its lines
    assert len(purchase.lines_model.frame) == len(core.lines)
    assert purchase.lines_model.frame["quantity"].sum() == pytest.approx(
        core.lines["quantity"].sum()
    )
    row = list(purchase.totals_model.frame["supplier"]).index("宁波小家电厂")
    purchase.totals_table.selectRow(row)
    chosen = purchase.lines_model.frame
    assert (
        set(chosen["supplier"]) == {"宁波小家电厂"}
        and len(chosen) == sums.loc["宁波小家电厂", "lines"]
    )
    assert (chosen["quantity"] % 4 == 0).all()  # the category's pack size
    text = purchase.summary.text()
    assert f"{len(core.totals)} orders, {len(core.lines)} lines" in text
    assert f"{core.total_value:,.2f}" in text
    # the product row gives a cost only; its supplier comes from its category
    lines = core.lines.set_index("unique_id")
    if "0010000" in lines.index:
        assert lines.loc["0010000", "unit_cost"] == 18.5
        assert lines.loc["0010000", "supplier"] == "义乌优品服饰"


def test_a_suppliers_lead_time_reaches_the_recommendations(views, qtbot):
    rec, purchase = views
    series = rec.session.dataset.series.set_index("unique_id")
    table = _apply(qtbot, rec, purchase, ROWS).set_index("unique_id")
    category = table.index.map(series["category"])
    assert table.loc[category == "服装", "lead_time"].eq(5).all()
    assert table.loc[category == "小家电", "lead_time"].eq(14).all()
    assert table.loc[~category.isin(["服装", "小家电"]), "lead_time"].eq(10).all()
    # a longer lead time for 服装, typed in the table: more to order, later arrivals
    model = purchase.editor.model
    row = model.frame.index[model.frame["category"] == "服装"][0]
    assert model.setData(model.index(row, list(model.frame.columns).index("lead_time")), "19")
    assert not model.setData(model.index(row, list(model.frame.columns).index("lead_time")), "-2")
    before = table
    after = _apply(qtbot, rec, purchase, model.rows()).set_index("unique_id")
    clothes = after.index[after.index.map(series["category"]) == "服装"]
    assert after.loc[clothes, "lead_time"].eq(19).all()
    assert (
        after.loc[clothes, "forecast_lead_time"] > before.loc[clothes, "forecast_lead_time"]
    ).all()
    lines = purchase.orders.lines
    mine = lines[lines["supplier"] == "义乌优品服饰"]
    assert len(mine) and mine["lead_time"].eq(19).all()
    day = pd.Timestamp(rec.session.forecast["ds"].min())
    assert set(mine["arrival_date"]) == {f"{day + pd.Timedelta(days=19):%Y-%m-%d}"}
    # an empty table takes the supplier values out again: the form's 7 days for all
    stock_before = rec.session.stock
    assert stock_before is not None and "unit_cost" in stock_before
    plain = _apply(qtbot, rec, purchase, ROWS.iloc[0:0])
    assert plain["lead_time"].eq(7).all() and rec.session.stock is None
    assert purchase.totals_model.frame["supplier"].tolist() == ["(no supplier)"]


def test_exports_hold_the_quantities_shown(views, qtbot, tmp_path):
    rec, purchase = views
    _apply(qtbot, rec, purchase, ROWS)
    lines = purchase.orders.lines
    path = tmp_path / "po.csv"
    assert purchase.export_orders(path)
    qtbot.waitUntil(lambda: not purchase.is_busy() and "Written" in purchase.status_label.text(),
                    timeout=30000)  # fmt: skip
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    qty = back["数量 / Quantity"].astype(float)
    assert qty.tolist() == pytest.approx(lines["quantity"].tolist())
    assert back["采购单号 / PO number"].tolist() == lines["order_no"].tolist()
    totals = pd.read_csv(tmp_path / "po_totals.csv", encoding="utf-8-sig", dtype=str)
    assert totals.iloc[-1]["数量 / Quantity"] == f"{lines['quantity'].sum():.0f}"
    # 聚水潭's upload layout, as XLSX
    import openpyxl

    purchase.layout_combo.setCurrentIndex(purchase.layout_combo.findData("jushuitan"))
    assert purchase.export_orders(tmp_path / "jst.xlsx")
    qtbot.waitUntil(lambda: not purchase.is_busy() and "jst.xlsx" in purchase.status_label.text(),
                    timeout=30000)  # fmt: skip
    rows = list(openpyxl.load_workbook(tmp_path / "jst.xlsx", read_only=True).active.values)
    head = list(rows[0])
    assert head[:4] == ["外部单号", "供应商编码", "采购日期", "商品编码"]
    assert [r[head.index("数量")] for r in rows[1:]] == pytest.approx(lines["quantity"].tolist())
    assert {r[1] for r in rows[1:]} == {"S01", "S02", "S03"}


def test_a_budget_cuts_the_orders(views, qtbot):
    rec, purchase = views
    _apply(qtbot, rec, purchase, ROWS)
    full = purchase.orders.total_value
    purchase.budget.setText("¥5,000")
    purchase.budget.editingFinished.emit()
    qtbot.waitUntil(lambda: not purchase.is_busy() and purchase.orders.budget == 5000,
                    timeout=30000)  # fmt: skip
    assert full > 5000 >= purchase.orders.total_value > 0
    assert purchase.totals_model.frame["value"].sum() == pytest.approx(purchase.orders.total_value)
    assert "Budget 5,000.00" in purchase.summary.text()


@pytest.fixture
def dialogs(monkeypatch):
    """Error dialogs recorded instead of shown."""
    shown = []

    def record(box):
        shown.append((box.text(), box.detailedText()))

    monkeypatch.setattr(QMessageBox, "open", record)
    return shown


def test_a_bad_supplier_file_gives_a_readable_dialog(views, qtbot, tmp_path, dialogs):
    from ui import i18n

    rec, purchase = views
    path = tmp_path / "suppliers.csv"
    pd.DataFrame({"类目": ["服装", "小家电"], "供应商": ["A", "B"], "交货期": ["5天", "-3"]}).to_csv(
        path, index=False, encoding="utf-8-sig")  # fmt: skip
    stock = rec.session.stock
    assert purchase.load_file(path)
    qtbot.waitUntil(lambda: len(dialogs) == 1 and not purchase.is_busy(), timeout=30000)
    message, details = dialogs[0]
    assert "suppliers.csv, row 3" in message and "'-3'" in message and details == ""
    assert "Traceback" not in message and rec.session.stock is stock
    i18n.install("zh_CN")  # the autouse settings fixture switches back to English
    assert purchase.load_file(path)
    qtbot.waitUntil(lambda: len(dialogs) == 2 and not purchase.is_busy(), timeout=30000)
    assert "第 3 行" in dialogs[1][0] and "不是大于 0 的天数" in dialogs[1][0]
    i18n.install("en")
    # rows typed twice for one category: the dialog names the table's own rows
    purchase.editor.set_rows(pd.concat([ROWS, ROWS.iloc[[1]]], ignore_index=True))
    assert purchase.apply_rows()
    qtbot.waitUntil(lambda: len(dialogs) == 3 and not purchase.is_busy(), timeout=30000)
    assert "rows 2 and 5 are both for category 服装" in dialogs[2][0]
    # a file that is not a table at all, and one with no supplier column
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    for bad in (junk, other, tmp_path / "missing.csv"):
        n = len(dialogs)
        assert purchase.load_file(bad)
        qtbot.waitUntil(lambda n=n: len(dialogs) == n + 1 and not purchase.is_busy(),
                        timeout=30000)  # fmt: skip
        assert dialogs[-1][0] and dialogs[-1][1] == "" and "Traceback" not in dialogs[-1][0]
    assert "no supplier column" in dialogs[-2][0]
    assert purchase.editor.apply_button.isEnabled() and rec.recommend_button.isEnabled()


def test_a_file_fills_the_table_and_the_project_keeps_it(views, qtbot, tmp_path):
    from ui.views.purchase_view import PurchaseView

    rec, purchase = views
    path = tmp_path / "suppliers.xlsx"
    pd.DataFrame({"类目": ["服装", "*"], "供应商名称": ["义乌优品服饰", "杭州百货批发"],
                  "交货期(天)": ["6天", "9"], "箱规": [12, None], "采购价": ["¥20.00", "8"]}).to_excel(
        path, index=False)  # fmt: skip
    before = rec.session.recommendations
    assert purchase.load_file(path)
    qtbot.waitUntil(lambda: rec.session.recommendations is not before, timeout=60000)
    _settle(qtbot, rec, purchase)
    rows = purchase.editor.rows()
    assert rows["supplier"].tolist() == ["义乌优品服饰", "杭州百货批发"]
    assert rows["lead_time"].tolist() == [6, 9] and rows["unit_cost"].tolist() == [20, 8]
    assert "suppliers.xlsx" in purchase.editor.summary.text()
    kept = rec.session.meta["suppliers"]
    assert kept["name"] == "suppliers.xlsx" and len(kept["rows"]) == 2
    # a project reopened: the rows come back without touching the advice inputs
    stock = rec.session.stock
    again = PurchaseView(rec.session)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.result is not None and not again.is_busy(), timeout=30000)
    assert again.editor.rows()["supplier"].tolist() == ["义乌优品服饰", "杭州百货批发"]
    assert rec.session.stock is stock
    again.shutdown()


def test_chinese(views, qtbot):
    from ui import i18n

    rec, purchase = views
    i18n.install("zh_CN")  # the autouse settings fixture switches back to English
    rec.retranslate()
    purchase.retranslate()
    assert rec.purchase_button.text() == "采购单..."
    assert purchase.editor.title() == "供应商表" and purchase.csv_button.text() == "导出 CSV..."
    assert purchase.totals_model.frame["supplier"].tolist() == ["（未指定供应商）"]
    assert purchase.layout_combo.itemText(1) == "聚水潭"


@pytest.mark.parametrize("module, contexts", [
    ("ui/views/purchase_view.py", ("PurchaseView",)),
    ("ui/widgets/purchase_panel.py", ("OrdersPanel",)),
    ("ui/widgets/supplier_table.py", ("SupplierEditor",)),
])  # fmt: skip
def test_every_string_is_translated(module, contexts):
    import ast
    import json
    from pathlib import Path

    from core.resources import resource_path

    glossary = json.loads(resource_path("i18n", "zh_CN", "purchase_view.json").read_text("utf-8"))
    source = Path(__file__).resolve().parents[2] / module
    calls = [n for n in ast.walk(ast.parse(source.read_text("utf-8")))
             if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "tr"]  # fmt: skip
    assert calls and all(isinstance(c.args[0], ast.Constant) for c in calls)
    known = set().union(*(glossary[c] for c in contexts))
    missing = [c.args[0].value for c in calls if c.args[0].value not in known]
    assert not missing, missing
