"""The Import preview on a long file: select-all, typing and sorting stay cheap.

Issue 14 item 9: on 913,000 rows Ctrl+A froze the window for 15 s and typing in the
table for minutes, because Qt called Python (``flags``, ``rowCount``, ``data``) for every
cell or row. These tests count the Python calls the preview makes on 200,000 rows.
Item 17: the sort arrow must point the way the rows go, on every style.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyleFactory, QStyleOptionHeader, QTableView

from ui.models.dataframe_model import DataFrameModel, EditableDataFrameModel
from ui.session import Session
from ui.views.import_view import ImportView
from ui.widgets.big_table import BigTableView, SortArrowHeader, up_indicator
from ui.widgets.product_picker import ProductPicker
from ui.widgets.supplier_table import SupplierRowsModel

ROWS = 200_000
#: Python calls allowed for a select-all or a search: what painting one screen costs,
#: never one per row (200,000) or per cell (800,000).
BOUND = 5_000


def _store_items(n: int) -> pd.DataFrame:
    """Rows like the store-item file: product ``store/item``, date, units, file row."""
    rng = np.random.default_rng(7)
    ids = [f"{s}/{i}" for s, i in zip(rng.integers(1, 11, n), rng.integers(1, 51, n), strict=True)]
    frame = pd.DataFrame({
        "unique_id": ids,
        "ds": pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 1826, n), unit="D"),
        "y": rng.integers(0, 200, n).astype(float),
        "_row": np.arange(2, n + 2),
    })  # fmt: skip
    frame.loc[[150_000, 170_000], "unique_id"] = ["Zeta/1", "zebra/2"]
    return frame


@pytest.fixture
def counted(monkeypatch):
    """Count the Python calls Qt makes into DataFrameModel (the per-cell entry points)."""
    calls = {"data": 0, "rowCount": 0, "columnCount": 0, "flags": 0}
    for name in calls:
        original = getattr(DataFrameModel, name)
        if name == "flags" and original is QAbstractTableModel.flags:
            continue  # not Python: nothing to count

        def counting(self, *args, _name=name, _original=original):
            calls[_name] += 1
            return _original(self, *args)

        monkeypatch.setattr(DataFrameModel, name, counting)
    return calls


@pytest.fixture
def typing_interval():
    """Set Qt's interval within which keys make one search; the default comes back."""
    default = QApplication.keyboardInputInterval()
    yield QApplication.setKeyboardInputInterval
    QApplication.setKeyboardInputInterval(default)


@pytest.fixture
def preview(qtbot, counted):
    """The Import view's preview table showing 200,000 store-item rows."""
    view = ImportView(Session())
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.model.set_frame(_store_items(ROWS))
    view.preview_stack.setCurrentWidget(view.table)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    yield view.table
    view.shutdown()


def _total(calls: dict) -> int:
    return sum(calls.values())


def test_the_read_only_model_leaves_flags_to_qt():
    assert DataFrameModel.flags is QAbstractTableModel.flags  # no Python call per cell
    plain = DataFrameModel(pd.DataFrame({"a": [1.0], "b": [2.0]}))
    assert type(plain) is DataFrameModel
    assert not plain.flags(plain.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    edits = []
    model = DataFrameModel(pd.DataFrame({"a": [1.0], "b": [2.0]}), editable=["b"],
                           on_edit=lambda row, col, value: edits.append((col, value)))  # fmt: skip
    assert type(model) is EditableDataFrameModel
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(model.index(0, 1), "1,250") and not model.setData(model.index(0, 0), "3")
    assert model.frame["b"].tolist() == [1250.0] and edits == [("b", 1250.0)]
    assert isinstance(SupplierRowsModel(), EditableDataFrameModel)

    class ReadOnly(DataFrameModel):
        pass

    with pytest.raises(TypeError, match="EditableDataFrameModel"):
        ReadOnly(editable=["a"])


def test_select_all_on_200k_rows_makes_no_python_call_per_row(preview, counted):
    assert isinstance(preview, BigTableView)
    first = preview.model().index(0, 0)
    QTest.mouseClick(preview.viewport(), Qt.MouseButton.LeftButton,
                     pos=preview.visualRect(first).center())  # fmt: skip
    counted.update(dict.fromkeys(counted, 0))
    QTest.keyClick(preview, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    preview.viewport().repaint()
    preview.horizontalHeader().viewport().repaint()
    QApplication.processEvents()
    assert _total(counted) < BOUND, counted
    ranges = list(preview.selectionModel().selection())
    assert len(ranges) == 1
    whole = ranges[0]
    assert (whole.top(), whole.bottom(), whole.left(), whole.right()) == (0, ROWS - 1, 0, 3)
    # a key after select-all, and a sort, repaint with everything selected
    counted.update(dict.fromkeys(counted, 0))
    QTest.keyClick(preview, Qt.Key.Key_Down)
    preview.horizontalHeader().viewport().repaint()
    assert preview.currentIndex().row() == 1
    preview.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    preview.horizontalHeader().viewport().repaint()
    QApplication.processEvents()
    assert _total(counted) < BOUND, counted
    units = preview.model().frame["y"]
    assert units.iloc[0] == 199 and units.is_monotonic_decreasing


def test_typing_finds_the_row_without_reading_every_row(preview, counted, typing_interval):
    typing_interval(60_000)
    model = preview.model()
    preview.setCurrentIndex(model.index(10, 0))
    counted.update(dict.fromkeys(counted, 0))
    QTest.keyClicks(preview, "ze")  # one search: "ze", below row 10
    assert preview.currentIndex().row() == 150_000
    assert model.frame["unique_id"].iloc[150_000] == "Zeta/1"
    QTest.keyClicks(preview, "b")  # "zeb": from the current row on
    assert preview.currentIndex().row() == 170_000
    assert model.frame["unique_id"].iloc[170_000] == "zebra/2"
    QTest.keyClicks(preview, "q")  # "zebq": nothing, the row stays
    assert preview.currentIndex().row() == 170_000
    rows = [r.row() for r in preview.selectionModel().selectedRows()]
    assert rows == [170_000]  # the row found is selected
    assert _total(counted) < BOUND, counted


def test_a_key_after_a_pause_goes_to_the_next_match_and_wraps(qtbot, typing_interval):
    typing_interval(0)  # every key a new search
    table = BigTableView()
    qtbot.addWidget(table)
    table.setModel(DataFrameModel(_store_items(ROWS)))
    table.setCurrentIndex(table.model().index(160_000, 0))
    seen = []
    for _ in range(3):
        QTest.qWait(5)
        table.keyboardSearch("z")
        seen.append(table.currentIndex().row())
    assert seen == [170_000, 150_000, 170_000]


#: Small table read by Qt's own search and by BigTableView's: they must agree.
_MIXED = pd.DataFrame({
    "name": ["Apple", "apricot", "Banana", "berry", None, "人参", "apple pie", "Bb", "aa", "a"],
    "ds": pd.to_datetime(["2013-01-05", "2013-02-01", None, "2014-01-01", "2013-01-01",
                          "2013-01-05", "2012-12-31", "2013-01-01", "2015-06-01", "2013-01-02"]),
    "y": [1.5, 2.0, 1234.5, 0.001, np.nan, 12.0, 1.0, 120.25, -3.0, 2.0],
    "n": [10, 2, 31, 1, 100, 7, 12, 3, 1, 21],
    "ok": [True, False, True, False, True, True, False, False, True, False],
})  # fmt: skip
_WORDS = ["a", "ap", "apr", "app", "b", "bb", "aaa", "aa", "1", "11", "12", "2013-0", "2013-01-05",
          "zz", "人", "0.0", "-", "t", "f", "nan", ""]  # fmt: skip


@pytest.mark.parametrize(("start", "col"), [(None, 0)] + [(s, c) for s in (0, 4, 9)
                                                           for c in range(5)])  # fmt: skip
def test_the_search_agrees_with_qts_own(qtbot, typing_interval, start, col):
    typing_interval(60_000)
    for word in _WORDS:
        found = []
        for cls in (QTableView, BigTableView):
            table = cls()
            qtbot.addWidget(table)
            table.setModel(DataFrameModel(_MIXED))
            if start is not None:
                table.setCurrentIndex(table.model().index(start, col))
            for key in word or [""]:
                table.keyboardSearch(key)
            found.append((table.currentIndex().row(), table.currentIndex().column()))
        assert found[1] == found[0], (word, found)


def _arrow(header) -> str:
    """Which way the arrow drawn in the sorted section points: "up", "down" or "none".

    The section has no text: what differs from the background of its row (a style may
    shade the header from top to bottom) is the arrow.
    """
    image = header.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    section = header.sortIndicatorSection()
    left = header.sectionViewportPosition(section)
    inside = pixels[:, left + 3 : left + header.sectionSize(section) - 3, :3].astype(int)
    ink = np.abs(inside - np.median(inside, axis=1, keepdims=True)).max(axis=2) > 8
    widths = [int(np.ptp(np.flatnonzero(row))) for row in ink if row.any()]
    if len(widths) < 2 or widths[0] == widths[-1]:
        return "none"
    return "up" if widths[-1] > widths[0] else "down"


@pytest.mark.parametrize("style_name", ["Fusion", "Windows"])
def test_the_sort_arrow_points_the_way_the_rows_go(qtbot, style_name):
    style = QStyleFactory.create(style_name)
    table = BigTableView()
    qtbot.addWidget(table)
    table.setModel(DataFrameModel(pd.DataFrame({"y": [3.0, 1.0, 2.0]}), headers={"y": ""}))
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    header.setStyle(style)
    table.resize(300, 150)
    table.setColumnWidth(0, 200)
    table.show()
    qtbot.waitExposed(table)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert table.model().frame["y"].tolist() == [3.0, 2.0, 1.0]
    assert _arrow(header) == "down"
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert table.model().frame["y"].tolist() == [1.0, 2.0, 3.0]
    assert _arrow(header) == "up"


def test_fusion_draws_qts_ascending_indicator_pointing_down():
    """Why the header sets the indicator itself: Fusion and Windows disagree."""
    fusion, windows = QStyleFactory.create("Fusion"), QStyleFactory.create("Windows")
    assert up_indicator(fusion) == QStyleOptionHeader.SortIndicator.SortUp
    assert up_indicator(windows) == QStyleOptionHeader.SortIndicator.SortDown  # Qt's own


def test_units_sold_sorted_from_the_best_seller_shows_a_down_arrow(qtbot):
    picker = ProductPicker()
    qtbot.addWidget(picker)
    ranking = pd.DataFrame({"unique_id": ["a", "b", "c"], "label": ["", "", ""],
                            "total": [5.0, 50.0, 20.0], "category": ["", "", ""]})  # fmt: skip
    picker.set_products(ranking, None)
    picker.model.set_headers({"total": ""})
    picker.resize(500, 300)
    picker.show()
    qtbot.waitExposed(picker)
    header = picker.table.horizontalHeader()
    assert isinstance(header, SortArrowHeader)
    assert header.sortIndicatorSection() == 1
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert picker.model.frame["total"].tolist() == [50.0, 20.0, 5.0]
    assert _arrow(header) == "down"
