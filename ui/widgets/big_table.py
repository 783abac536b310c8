"""A table view that stays responsive on a frame of a million rows.

:class:`BigTableView` is a ``QTableView`` for a :class:`~ui.models.dataframe_model.DataFrameModel`
of any length (the Import view's preview of a whole file). What made the window freeze
on 913,000 rows, and what this view does instead:

- *Typing in the table* (Qt's ``keyboardSearch``) asked the model for every row's text,
  one Python ``data`` call each, at every keystroke (seconds per key). Here the search is
  :meth:`~ui.models.dataframe_model.DataFrameModel.match_prefix`: numpy over the column,
  with Qt's rules otherwise (the current cell's column, from the row after it for a new
  search, typed letters joined within ``QApplication.keyboardInputInterval()``).
- *Ctrl+A* is one selection range over the whole table, which costs nothing to make.
  What froze the window was painting the header afterwards: a header that highlights
  the sections of selected columns asks ``QItemSelectionModel.isColumnSelected`` for each
  column it paints, and that walks every row, asking for each cell's index and flags,
  so ``rowCount``, ``columnCount`` (Python) and, in the former model, ``flags`` (Python)
  once per cell at every repaint: 14 s at a million rows even with ``flags`` left to
  C++. A header asks this even when it highlights nothing (to draw a section next to a
  selected one), so the headers here get a selection model of their own, always empty;
  the read-only model leaves ``flags`` to C++ for whatever else Qt asks per cell.
- Rows all have the same height (``Fixed``): nothing is measured per row. Columns are
  fitted to 100 rows (``setResizeContentsPrecision``), never to the whole file.

:class:`SortArrowHeader` draws the sort arrow the way the order goes (▲ ascending,
▼ descending) on every style. ``QHeaderView`` hands an ascending sort to the style as
``SortDown``, which Qt's Windows style draws as an arrow up; Fusion, the style on Linux
and the one tests run with, draws ``SortDown`` as an arrow down, so a column sorted from
the largest value showed ▲ (issue 14 item 17). The header renders its style's ``SortUp``
once and sets the indicator that style draws as the arrow wanted, so styles that could
not be checked here (Windows 11, macOS) need no list.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QElapsedTimer, QItemSelectionModel, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QWidget,
)

from ui.models.dataframe_model import DataFrameModel

__all__ = ["BigTableView", "SortArrowHeader", "up_indicator"]

_Sort = QStyleOptionHeader.SortIndicator
#: (style class, style name) -> the indicator that style draws as an arrow pointing up.
_UP: dict[tuple[str, str], _Sort] = {}
#: Rows read to fit a column to its contents.
FIT_ROWS = 100


def up_indicator(style: QStyle) -> _Sort:
    """The ``QStyleOptionHeader`` sort indicator that ``style`` draws pointing up.

    Draws ``SortUp`` into a small image once per style and compares how wide the ink is
    in its top and bottom rows (a ▲ or ^ widens downwards). A style that draws nothing
    readable keeps Qt's convention (``SortDown`` is the arrow up).
    """
    key = (style.metaObject().className(), style.name())
    if key not in _UP:
        image = QImage(24, 24, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        option = QStyleOptionHeader()
        option.rect, option.sortIndicator = QRect(4, 4, 16, 16), _Sort.SortUp
        option.palette = QApplication.palette()
        painter = QPainter(image)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorHeaderArrow, option, painter)
        painter.end()
        alpha = np.frombuffer(image.constBits(), np.uint8).reshape(24, -1, 4)[:, :24, 3]
        widths = [int(np.ptp(np.flatnonzero(row))) for row in alpha > 0 if row.any()]
        up_is_up = len(widths) > 1 and widths[-1] > widths[0]
        _UP[key] = _Sort.SortUp if up_is_up else _Sort.SortDown
    return _UP[key]


class SortArrowHeader(QHeaderView):
    """A horizontal header whose sort arrow points up for ascending (see module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        # what QTableView gives its own header
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logical: int) -> None:  # noqa: N802
        super().initStyleOptionForIndex(option, logical)
        if option.sortIndicator != _Sort.None_:
            up = up_indicator(self.style())
            down = _Sort.SortDown if up == _Sort.SortUp else _Sort.SortUp
            ascending = self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
            option.sortIndicator = up if ascending else down


class BigTableView(QTableView):
    """A table view for frames of any length (see module doc).

    Rows are selected whole and the columns sort on a header click; the row height is
    fixed (one line of text).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeader(SortArrowHeader(self))
        self.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setHighlightSections(False)  # nothing to highlight (see module doc)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no size hint per row
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._typed = ""
        self._typed_clock = QElapsedTimer()

    def setSelectionModel(self, selection: QItemSelectionModel) -> None:  # noqa: N802
        """Use ``selection`` for the rows; the headers get an empty one (see module doc)."""
        super().setSelectionModel(selection)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSelectionModel(QItemSelectionModel(selection.model(), header))

    def keyboardSearch(self, search: str) -> None:  # noqa: N802
        """Go to the next row whose cell starts with the letters typed (Qt's rules).

        A new search (the first key, or one after a pause) starts below the current row;
        further keys extend the text typed and search again from the current row (from
        the next one when the text is one key repeated, "aa"). The row found is
        selected; without one the current row stays.
        """
        model = self.model()
        if not isinstance(model, DataFrameModel):
            super().keyboardSearch(search)
            return
        if not model.rowCount() or not model.columnCount():
            return
        current = self.currentIndex()
        pause = self._typed_clock.restart() if self._typed_clock.isValid() else None
        if not self._typed_clock.isValid():
            self._typed_clock.start()
        skip = False
        if not search or pause is None or pause > QApplication.keyboardInputInterval():
            self._typed, skip = search, current.isValid()
        else:
            self._typed += search
        text = self._typed
        if len(text) > 1 and text.count(text[-1]) == len(text):  # "aa": not this row again
            skip = True
        if current.isValid():
            row, col = current.row(), current.column()
        else:
            row, col = 0, max(self.horizontalHeader().sortIndicatorSection(), 0)
        if skip:
            row = row + 1 if row < model.rowCount() - 1 else 0
        if (found := model.match_prefix(col, text, row)) >= 0:
            self.setCurrentIndex(model.index(found, col))
