"""The import view: files in through a worker, session data out to the widgets."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.sample import SAMPLE_PATH
from tests.ui.conftest import choose
from ui import i18n
from ui.session import Session
from ui.views.import_view import ImportView

ROOT = Path(__file__).resolve().parents[2]


def _idle(view) -> bool:
    return not view.runner.is_running()


@pytest.fixture
def view(qtbot, sample_session):
    view = ImportView(sample_session)
    qtbot.addWidget(view)
    yield view
    view.shutdown()


def test_open_file_imports_the_sample_in_a_worker(qtbot):
    session = Session()
    view = ImportView(session)
    qtbot.addWidget(view)
    assert view.preview_stack.currentWidget() is view.placeholder
    assert not view.next_button.isEnabled()
    stages, gotos = [], []
    view.runner.sig_progress.connect(lambda e: stages.append(e["stage"]))
    view.sig_goto.connect(gotos.append)
    assert view.open_file(str(SAMPLE_PATH))
    assert view.progress_row.isVisibleTo(view)
    qtbot.waitUntil(lambda: session.has_data and _idle(view), timeout=20000)
    data = session.dataset
    assert data.n_series == 60 and data.date_range[0] == pd.Timestamp("2023-01-01")
    assert stages == ["reading", "importing", "cleaning"]
    assert session.source_bytes == SAMPLE_PATH.read_bytes()
    assert view.model.rowCount() == len(session.raw.frame) == 27441
    assert view.preview_stack.currentWidget() is view.table
    assert not view.progress_row.isVisibleTo(view)
    combos = view.mapping_panel.combos
    assert [combos[r].currentData() for r in ("date", "id", "target", "price", "stock")] == [
        "日期", "商品编码", "销量", "单价", "库存"]  # fmt: skip
    assert combos["id2"].currentData() is None
    assert "gb18030" in view.source_panel.detected.text()
    assert "60 products" in view.summary.text() and "2023-01-01" in view.summary.text()
    view.next_button.click()
    assert gotos == [1]


def test_session_data_shows_in_the_widgets(view, sample_session, monkeypatch):
    assert view.model.rowCount() == 27441
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == "Product"
    messages = view.report.messages()
    assert any("fewer than 28" in m for m in messages)
    # New cleaning from elsewhere (the features view) reaches the report.
    from core.data import CleaningOptions, clean

    options = CleaningOptions(outliers="iqr")
    sample_session.set_cleaning(options, clean(sample_session.raw, options))
    assert any("extreme sales value" in m for m in view.report.messages())
    assert view.report.item(view.report.rowCount() - 1, 1).text() == "Cleaning"
    monkeypatch.setitem(i18n._state, "lang", "zh_CN")
    view.retranslate()
    assert any("历史少于" in m for m in view.report.messages())


def test_apply_mapping_reimports_with_the_chosen_columns(qtbot, view, sample_session):
    choose(view.mapping_panel.combos["target"], "库存")
    assert view.apply_mapping()
    qtbot.waitUntil(lambda: sample_session.import_options.target_col == "库存" and _idle(view),
                    timeout=20000)  # fmt: skip
    frame = sample_session.dataset.frame
    row = frame[(frame["unique_id"] == "0010600") & (frame["ds"] == "2023-01-01")]
    assert row["y"].tolist() == [2026.0]  # the stock column of the file's first row
    assert sample_session.raw.mapping.target == "库存"
    assert view.mapping_panel.combos["target"].currentData() == "库存"


def test_optional_roles_can_be_changed_and_are_reported(qtbot, view, sample_session):
    combos = view.mapping_panel.combos
    assert (combos["price"].currentData(), combos["category"].currentData()) == ("单价", "类目")
    choose(combos["category"], None)
    choose(combos["name"], "类目")  # a wrong choice, but the user's to make
    view.mapping_panel.apply_button.click()
    qtbot.waitUntil(lambda: bool(sample_session.import_options.roles) and _idle(view),
                    timeout=20000)  # fmt: skip
    mapping = sample_session.raw.mapping
    assert (mapping.category, mapping.name, mapping.price) == (None, "类目", "单价")
    assert sample_session.raw.series["name"].iloc[0] == "服装"
    assert any("name = 类目; category = (none)" in m for m in view.report.messages())
    assert combos["category"].currentData() is None and combos["name"].currentData() == "类目"


def test_apply_mapping_on_embedded_data_whose_file_is_gone(qtbot, tmp_path):
    """A project's data lives only in the session's bytes; re-importing uses them."""
    from tests.ui.conftest import load_into

    session = Session()
    load_into(session)
    gone = tmp_path / "moved" / "sample_shop.csv"
    session.set_data(gone, session.source_bytes, session.import_options, session.raw,
                     session.cleaning)  # fmt: skip
    view = ImportView(session)
    qtbot.addWidget(view)
    assert view.mapping_panel.combos["stock"].currentData() == "库存"
    choose(view.mapping_panel.combos["target"], "库存")
    view.apply_mapping()
    qtbot.waitUntil(lambda: session.import_options.target_col == "库存" and _idle(view),
                    timeout=20000)  # fmt: skip
    assert view.last_error is None and session.source_path == gone
    assert session.raw.source.path == str(gone) and session.dataset.n_series == 60


def test_two_id_columns_store_and_item(qtbot, tmp_path):
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    rows = [(d.strftime("%Y-%m-%d"), s, i, 1 + n % 5)
            for n, (d, s, i) in enumerate((d, s, i) for d in days for s in "AB" for i in "xyz")]  # fmt: skip
    path = tmp_path / "stores.csv"
    pd.DataFrame(rows, columns=["date", "store", "item", "sales"]).to_csv(path, index=False)
    session = Session()
    view = ImportView(session)
    qtbot.addWidget(view)
    view.open_file(str(path))
    qtbot.waitUntil(lambda: session.has_data and _idle(view), timeout=20000)
    assert session.dataset.n_series == 6
    combos = view.mapping_panel.combos
    assert (combos["id"].currentData(), combos["id2"].currentData()) == ("item", "store")
    choose(combos["id2"], None)
    view.mapping_panel.apply_button.click()
    qtbot.waitUntil(lambda: session.dataset.n_series == 3 and _idle(view), timeout=20000)
    assert session.import_options.id_cols == ["item"]
    choose(combos["id2"], "store")
    view.apply_mapping()
    qtbot.waitUntil(lambda: session.dataset.n_series == 6 and _idle(view), timeout=20000)
    assert session.import_options.id_cols == ["store", "item"]
    assert session.dataset.frame["unique_id"].iloc[0] == "A|x"


def _fail_and_wait(qtbot, view, path) -> str:
    failed = []
    view.sig_failed.connect(lambda message, details: failed.append(message))
    view.last_error = None
    view.open_file(str(path))
    qtbot.waitUntil(lambda: view.last_error is not None and _idle(view), timeout=20000)
    assert failed == [view.last_error.text()]
    return view.last_error.text()


def test_bad_files_show_a_dialog_and_keep_the_data(qtbot, view, sample_session, tmp_path):
    before = sample_session.dataset
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "is empty" in _fail_and_wait(qtbot, view, empty)
    assert sample_session.dataset is before and view.model.rowCount() == 27441
    no_date = tmp_path / "no_date.csv"
    no_date.write_text("product,sales\nA,1\nB,2\nC,3\n", encoding="utf-8")
    assert "No date column was found" in _fail_and_wait(qtbot, view, no_date)
    assert sample_session.dataset is before and view.model.rowCount() == 27441
    # The forms now offer the failed file's columns, so its date can be chosen.
    offered = [view.mapping_panel.combos["date"].itemData(i) for i in range(3)]
    assert offered == [None, "product", "sales"]


def test_encoding_override_and_failure_keep_previous_data(qtbot, view, sample_session):
    before = sample_session.dataset
    view.last_error = None
    choose(view.source_panel.encoding, "utf-8")
    qtbot.waitUntil(lambda: view.last_error is not None and _idle(view), timeout=20000)
    assert "cannot be read as utf-8" in view.last_error.text()
    assert sample_session.dataset is before
    choose(view.source_panel.encoding, "gbk")
    qtbot.waitUntil(lambda: sample_session.dataset is not before and _idle(view), timeout=20000)
    assert sample_session.import_options.encoding == "gbk"
    assert (
        sample_session.raw.source.encoding == "gbk" and "gbk" in view.source_panel.detected.text()
    )
    assert sample_session.dataset.n_series == 60


def test_workbook_with_a_notes_sheet_reads_the_sales_sheet_and_says_so(qtbot, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sales, notes = book.active, book.create_sheet("notes")
    sales.title = "sales"
    sales.append(["日期", "商品", "销量"])
    for day in range(1, 29):
        sales.append([f"2024-02-{day:02d}", "A", day])
    notes.append(["memo", "by"])
    notes.append(["hello", "me"])
    path = tmp_path / "shop.xlsx"
    book.save(path)
    session = Session()
    view = ImportView(session)
    qtbot.addWidget(view)
    assert view.open_file(str(path))
    qtbot.waitUntil(lambda: session.has_data and _idle(view), timeout=20000)
    assert session.dataset.frame["y"].sum() == 406
    chosen = [f for f in session.dataset.report.findings if f.code == "sheet_chosen"]
    assert len(chosen) == 1 and "'sales'" in chosen[0].en
    sheets = view.source_panel.sheet  # the other sheet stays one click away
    assert [sheets.itemData(i) for i in range(sheets.count())] == [None, "sales", "notes"]


def test_cancel_keeps_the_previous_data(qtbot, view, sample_session):
    before = sample_session.dataset
    status = []
    view.sig_status.connect(status.append)
    assert view.open_file(str(SAMPLE_PATH))
    assert not view.open_file(str(SAMPLE_PATH))  # one import at a time
    view.cancel_button.click()
    qtbot.waitUntil(lambda: _idle(view), timeout=20000)
    assert sample_session.dataset is before and view.last_error is None
    assert "cancelled" in status[-1] and not view.progress_row.isVisibleTo(view)
    assert view.open_button.isEnabled()


def _per_unit_orders(path) -> pd.DataFrame:
    """An order export with one row per unit sold (no quantity column), written to ``path``."""
    rows, item = [], 0
    codes = ["FAN-16-WH", "FAN-16-BK", "LAMP-03", "LAMP-04"]
    for k in range(30):
        when = pd.Timestamp("2024-03-01 09:00") + pd.Timedelta(hours=11 * k)
        for u in range(1 + k % 3):
            item += 1
            rows.append({"order_no": 5000 + k, "line_id": 90000 + item,
                         "created": f"{when:%Y-%m-%d %H:%M}", "sku": codes[(k + u) % 4],
                         "price": f"{19.9 + (k + u) % 4 * 10:.2f}"})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False)
    return frame


def _units(dataset) -> dict:
    return dataset.frame.set_index(["unique_id", "ds"])["y"].to_dict()


def test_each_row_one_unit_checkbox_counts_rows(qtbot, tmp_path):
    path = tmp_path / "per_unit.csv"
    frame = _per_unit_orders(path)
    session = Session()
    view = ImportView(session)
    qtbot.addWidget(view)
    message = _fail_and_wait(qtbot, view, path)  # no quantity column: refused, with the way out
    assert "--count-rows" in message and "Each row is one unit sold" in message
    count = view.mapping_panel.count_rows
    assert not count.isChecked() and count.isEnabled()
    count.click()
    qtbot.waitUntil(lambda: session.has_data and _idle(view), timeout=20000)
    assert session.import_options.count_rows
    days = pd.to_datetime(frame["created"]).dt.normalize()
    assert _units(session.raw) == frame.groupby(["sku", days]).size().astype(float).to_dict()
    assert session.dataset.n_series == 4 and session.raw.frame["y"].sum() == len(frame) == 60
    assert count.isChecked() and not view.mapping_panel.combos["target"].isEnabled()
    assert any("Each row counted as one unit sold" in m for m in view.report.messages())


def test_each_row_one_unit_checkbox_overrides_a_quantity_column(qtbot, tmp_path):
    path = tmp_path / "lines.csv"
    frame = _per_unit_orders(path).assign(qty=lambda f: 1 + f["line_id"] % 4)
    frame.to_csv(path, index=False)
    session = Session()
    view = ImportView(session)
    qtbot.addWidget(view)
    view.open_file(str(path))
    qtbot.waitUntil(lambda: session.has_data and _idle(view), timeout=20000)
    assert session.raw.frame["y"].sum() == frame["qty"].sum()  # the quantities, unchanged
    assert view.mapping_panel.combos["target"].currentData() == "qty"
    before = session.raw
    view.mapping_panel.count_rows.click()
    qtbot.waitUntil(lambda: session.raw is not before and _idle(view), timeout=20000)
    assert session.raw.frame["y"].sum() == len(frame) and session.raw.mapping.target is None
    assert any("'qty'" in m and "ignored" in m for m in view.report.messages())
    before = session.raw
    view.mapping_panel.count_rows.click()  # untick: the quantity column is found again
    qtbot.waitUntil(lambda: session.raw is not before and _idle(view), timeout=20000)
    assert session.raw.frame["y"].sum() == frame["qty"].sum()
    assert not session.import_options.count_rows


def _case_codes(path) -> None:
    days = pd.date_range("2024-01-01", periods=30, freq="D")
    rows = [(f"{d:%Y-%m-%d}", code, 1 + (n + k) % 4, "United Kingdom")
            for n, d in enumerate(days)
            for k, code in enumerate(["85123A" if n % 3 else "85123a", "22041", "71053"])]  # fmt: skip
    pd.DataFrame(rows, columns=["Date", "StockCode", "Quantity", "Country"]).to_csv(
        path, index=False
    )


def test_case_codes_checkbox_merges_products(qtbot, tmp_path):
    path = tmp_path / "case.csv"
    _case_codes(path)
    session = Session()
    view = ImportView(session)
    qtbot.addWidget(view)
    view.open_file(str(path))
    qtbot.waitUntil(lambda: session.has_data and _idle(view), timeout=20000)
    assert session.dataset.n_series == 4
    total = session.raw.frame["y"].sum()
    view.mapping_panel.merge_case.click()
    qtbot.waitUntil(lambda: session.dataset.n_series == 3 and _idle(view), timeout=20000)
    assert session.import_options.merge_case_codes
    assert set(session.raw.series["unique_id"]) == {"85123A", "22041", "71053"}
    assert session.raw.frame["y"].sum() == total
    assert view.mapping_panel.merge_case.isChecked()
    view.mapping_panel.merge_case.click()
    qtbot.waitUntil(lambda: session.dataset.n_series == 4 and _idle(view), timeout=20000)
    assert not session.import_options.merge_case_codes


def test_the_suggested_region_is_shown_and_used_unless_chosen(qtbot, tmp_path):
    path = tmp_path / "uk.csv"
    _case_codes(path)
    session = Session()
    view = ImportView(session)
    qtbot.addWidget(view)
    assert session.train_settings.region == "CN"
    view.open_file(str(path))
    qtbot.waitUntil(lambda: session.has_data and _idle(view), timeout=20000)
    assert session.raw.roles["region"]["region"] == "GB"
    assert session.train_settings.region == "GB"  # nobody chose: the suggestion is used
    text = view.summary.text()
    assert "United Kingdom suggested from the country column 'Country'" in text
    assert "United Kingdom on " in text and "). In use; change it under Features." in text
    session.set_train_settings(replace(session.train_settings, region="US"))  # the user's
    before = session.raw
    view.open_file(str(path))
    qtbot.waitUntil(lambda: session.raw is not before and _idle(view), timeout=20000)
    assert session.train_settings.region == "US"
    assert "In use: United States, as chosen under Features." in view.summary.text()
    i18n.install("zh_CN")  # the autouse settings fixture switches back to English
    view.retranslate()
    text = view.summary.text()
    assert "行为“United Kingdom”" in text and "United Kingdom on " not in text


def test_every_string_has_a_chinese_translation(tmp_path):
    """lupdate finds every tr() string of the view; the zh_CN JSON translates each."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    sources = [ROOT / "ui/views/import_view.py", *sorted((ROOT / "ui/widgets").glob("import_*.py"))]
    ts = tmp_path / "import.ts"
    subprocess.run([str(lupdate), *map(str, sources), "-ts", str(ts)], check=True,
                   capture_output=True)  # fmt: skip
    found = {(ctx.findtext("name"), m.findtext("source"))
             for ctx in ET.parse(ts).getroot().iter("context") for m in ctx.iter("message")}  # fmt: skip
    table = json.loads((ROOT / "resources/i18n/zh_CN/import_view.json").read_text("utf-8"))
    have = {(c, s) for c, messages in table.items() for s, t in messages.items() if t}
    assert found and not found - have


def test_a_big_file_shows_how_far_its_reading_has_got(qtbot):
    view = ImportView(Session())
    qtbot.addWidget(view)
    view._pending = ("/data/orders_2024.csv", None, None)
    view._on_progress({"stage": "importing", "done": 1, "total": 3,
                       "bytes_done": 700 << 20, "bytes_total": 2048 << 20})  # fmt: skip
    assert view.stage_label.text() == "Reading orders_2024.csv part by part: 700 of 2,048 MB"
    assert view.progress.value() == 1
    i18n.install("zh_CN")  # the autouse settings fixture switches back to English
    view._on_progress({"stage": "importing", "done": 1, "total": 3,
                       "bytes_done": 800 << 20, "bytes_total": 2048 << 20})  # fmt: skip
    assert view.stage_label.text() == "正在分块读取 orders_2024.csv：已读 800 / 2,048 MB"
