"""A pandas DataFrame shown in a Qt table view, fast on a million rows.

Cells are formatted only when the view asks for them (``data`` for visible rows), so
the cost of showing a table does not grow with its length. ``data`` answers the roles
it does not serve before reading a cell (a view asks for ten roles per cell it paints
or measures), and a column's alignment is worked out once from its dtype. Sorting is
done by pandas on the whole column.

:class:`DataFrameModel` is read-only and does not override ``flags``: Qt asks for the
flags of every cell of a selection (Ctrl+A on a million rows is millions of calls), and
a Python override turns each into a Python call (4.2 s at 100,000 rows). Editable
columns are :class:`EditableDataFrameModel`'s; ``DataFrameModel(editable=...)`` returns
one. :meth:`DataFrameModel.match_prefix` finds the next row whose text starts with what
was typed with numpy on the column's distinct values, for a view's keyboard search
(:class:`~ui.widgets.big_table.BigTableView`), where Qt's own search reads every row
through ``data``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

__all__ = ["DataFrameModel", "EditableDataFrameModel", "format_cell"]

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
    """Read-only table model over a DataFrame (editable when given ``editable``).

    Parameters
    ----------
    frame : DataFrame, optional
    headers : dict, optional
        Column name -> header text shown instead of the name.
    editable : iterable of str, optional
        Columns the user may edit (non-negative numbers only). ``DataFrameModel`` itself
        then makes an :class:`EditableDataFrameModel`; a subclass with editable columns
        must derive from that one.
    on_edit : callable, optional
        Edits call ``on_edit(row, column, value)`` (``row``: the edited row as a Series)
        when given and are written into the frame.
    """

    def __new__(cls, *args, **kwargs):
        editable = kwargs.get("editable", args[2] if len(args) > 2 else ())
        if editable and not issubclass(cls, EditableDataFrameModel):
            if cls is not DataFrameModel:
                raise TypeError(f"{cls.__name__} has editable columns: derive it from "
                                "EditableDataFrameModel")  # fmt: skip
            cls = EditableDataFrameModel
        return super().__new__(cls)

    def __init__(self, frame: pd.DataFrame | None = None, headers: dict | None = None,
                 editable=(), on_edit=None, parent=None) -> None:  # fmt: skip
        super().__init__(parent)
        self._frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
        self._headers = dict(headers or {})
        self._editable = set(editable)
        self._on_edit = on_edit
        self._cache: dict[int, np.ndarray] = {}
        self._align: dict[int, int | None] = {}  # None: by value (an object column)
        #: Column -> (its cached values, row codes, lower-case texts of the distinct values).
        self._keys: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

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
        self._keys.clear()
        self.endResetModel()

    def set_headers(self, headers: dict) -> None:
        self._headers = dict(headers)
        if self.columnCount():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def _column(self, col: int) -> np.ndarray:
        if col not in self._cache:
            self._cache[col] = self._frame.iloc[:, col].to_numpy()
        return self._cache[col]

    def match_prefix(self, col: int, text: str, start: int = 0) -> int:
        """The first row from ``start`` on (then from the top) whose cell in column ``col``
        reads as ``text`` or longer, case-insensitively, as Qt's ``match`` would
        (``MatchStartsWith | MatchWrap``); -1 if none does.

        The texts of the column's distinct values are worked out once per column (until
        the frame changes or is sorted), so a keystroke costs a few numpy passes over
        the rows, not a ``data`` call per row.
        """
        if not 0 <= col < self.columnCount() or not len(self._frame):
            return -1
        codes, keys = self._search_keys(col)
        wanted = np.strings.startswith(keys, text.lower())
        if not wanted.any():
            return -1
        hits = wanted[codes]
        start = min(max(start, 0), len(hits) - 1)
        for offset, part in ((start, hits[start:]), (0, hits[:start])):
            if len(part) and part[first := int(part.argmax())]:
                return offset + first
        return -1

    def _search_keys(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        values = self._column(col)
        kept = self._keys.get(col)
        if kept is not None and kept[0] is values:
            return kept[1], kept[2]
        try:
            codes, uniques = pd.factorize(values)  # a missing value: code -1
        except TypeError:  # unhashable cells (lists): one text per row
            codes, uniques = np.arange(len(values)), values
        uniques = np.asarray(uniques)
        kind = uniques.dtype.kind
        if kind == "f" and np.all((np.trunc(uniques) == uniques) & (np.abs(uniques) < 1e15)):
            uniques, kind = uniques.astype(np.int64), "i"  # format_cell shows them as ints
        if kind in "iu":  # no case to fold and no Python call per value
            keys = uniques.astype(StringDType())
        else:
            keys = np.array([format_cell(v).lower() for v in uniques], dtype=StringDType())
        keys = np.append(keys, np.array([""], dtype=StringDType()))  # code -1 reads ""
        self._keys[col] = (values, codes, keys)
        return codes, keys

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
        self._keys.clear()
        self.layoutChanged.emit()


class EditableDataFrameModel(DataFrameModel):
    """A :class:`DataFrameModel` whose ``editable`` columns the user may edit.

    Overrides ``flags``, so selecting many cells costs a Python call per cell: use it for
    tables of a few thousand rows, never for an imported file.
    """

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
