"""A pandas DataFrame shown in a Qt table view, fast on a million rows.

Cells are formatted only when the view asks for them (``data`` for visible rows), so
the cost of showing a table does not grow with its length. ``data`` answers the roles
it does not serve before reading a cell (a view asks for ten roles per cell it paints
or measures), and a column's alignment is worked out once from its dtype. Sorting is
done by pandas on the whole column.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

__all__ = ["DataFrameModel"]

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ROLES = (*_DISPLAY, _ALIGN, Qt.ItemDataRole.UserRole)


def format_cell(value) -> str:
    """Text of one cell: dates without midnight, floats rounded, NaN empty."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return (
            f"{value:,.2f}"
            if abs(value) >= 1000
            else f"{value:.3g}"
            if abs(value) < 0.01
            else f"{value:.2f}"
        )
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    if isinstance(value, np.datetime64):
        return format_cell(pd.Timestamp(value))
    return str(value)


class DataFrameModel(QAbstractTableModel):
    """Read-only (by default) table model over a DataFrame.

    Parameters
    ----------
    frame : DataFrame, optional
    headers : dict, optional
        Column name -> header text shown instead of the name.
    editable : iterable of str, optional
        Columns the user may edit (non-negative numbers only).
    on_edit : callable, optional
        Edits call ``on_edit(row, column, value)`` (``row``: the edited row as a Series)
        when given and are written into the frame.
    """

    def __init__(self, frame: pd.DataFrame | None = None, headers: dict | None = None,
                 editable=(), on_edit=None, parent=None) -> None:  # fmt: skip
        super().__init__(parent)
        self._frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
        self._headers = dict(headers or {})
        self._editable = set(editable)
        self._on_edit = on_edit
        self._cache: dict[int, np.ndarray] = {}
        self._align: dict[int, int | None] = {}  # None: by value (an object column)

    # ----------------------------------------------------------------- data
    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def set_frame(self, frame: pd.DataFrame | None, headers: dict | None = None) -> None:
        self.beginResetModel()
        self._frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
        if headers is not None:
            self._headers = dict(headers)
        self._cache.clear()
        self._align.clear()
        self.endResetModel()

    def set_headers(self, headers: dict) -> None:
        self._headers = dict(headers)
        if self.columnCount():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def _column(self, col: int) -> np.ndarray:
        if col not in self._cache:
            self._cache[col] = self._frame.iloc[:, col].to_numpy()
        return self._cache[col]

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._frame.columns)

    def _column_align(self, col: int) -> int | None:
        if col not in self._align:
            kind = self._frame.dtypes.iloc[col].kind
            self._align[col] = _RIGHT if kind in "iuf" else None if kind == "O" else _LEFT
        return self._align[col]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        col = index.column()
        if role == _ALIGN and (align := self._column_align(col)) is not None:
            return align
        value = self._column(col)[index.row()]
        if role in _DISPLAY:
            return format_cell(value)
        if role == _ALIGN:
            numeric = isinstance(value, int | float | np.number) and not isinstance(value, bool)
            return _RIGHT if numeric else _LEFT
        return value

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self._frame.columns):
                return None
            name = str(self._frame.columns[section])
            return self._headers.get(name, name)
        return str(section + 1)

    def flags(self, index: _Index):
        base = super().flags(index)
        if index.isValid() and str(self._frame.columns[index.column()]) in self._editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = str(self._frame.columns[index.column()])
        if column not in self._editable:
            return False
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            return False
        if not math.isfinite(number) or number < 0:
            return False
        self._frame.iloc[index.row(), index.column()] = number
        self._cache.pop(index.column(), None)
        self._align.pop(index.column(), None)
        if self._on_edit is not None:
            self._on_edit(self._frame.iloc[index.row()], column, number)
        self.dataChanged.emit(index, index)
        return True

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._frame.columns):
            return
        self.layoutAboutToBeChanged.emit()
        name = self._frame.columns[column]
        self._frame = self._frame.sort_values(
            name, ascending=order == Qt.SortOrder.AscendingOrder, kind="stable",
            na_position="last",
        ).reset_index(drop=True)  # fmt: skip
        self._cache.clear()
        self._align.clear()
        self.layoutChanged.emit()
