"""The supplier table, editable in the window: one row per product, category or default.

:class:`SupplierRowsModel` is the :class:`~ui.models.dataframe_model.DataFrameModel` of
the rows (:data:`core.analysis.purchase_task.ROW_COLUMNS`): text cells take any text,
number cells a number in range or nothing (then the next level decides, as an empty
cell of a file does). :class:`SupplierEditor` puts it in a table with *Load file...*,
*Add row*, *Remove rows* and *Apply*; the Purchase orders view
(:class:`~ui.views.purchase_view.PurchaseView`) does the reading and applying.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.analysis import NUMBER_COLUMNS, ROW_COLUMNS, empty_rows
from ui.models.dataframe_model import EditableDataFrameModel

__all__ = ["SupplierEditor", "SupplierRowsModel"]

#: Number column -> (lowest value, whether the lowest itself is allowed).
_LIMITS = {"lead_time": (0.0, False), "pack_size": (0.0, False), "moq": (0.0, True),
           "unit_cost": (0.0, True)}  # fmt: skip


class SupplierRowsModel(EditableDataFrameModel):
    """The supplier rows, every cell editable (see module doc)."""

    def __init__(self, parent=None) -> None:
        super().__init__(empty_rows(), editable=ROW_COLUMNS, parent=parent)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = str(self._frame.columns[index.column()])
        text = str(value if value is not None else "").strip()
        if column in NUMBER_COLUMNS:
            number = _number(text)
            if number is None:
                return False
            low, equal_ok = _LIMITS[column]
            if not math.isnan(number) and not (number >= low if equal_ok else number > low):
                return False
            self._frame[column] = self._frame[column].astype(float)
            self._frame.iloc[index.row(), index.column()] = number
        else:
            self._frame[column] = self._frame[column].astype(object)
            self._frame.iloc[index.row(), index.column()] = text
        self._cache.pop(index.column(), None)
        self.dataChanged.emit(index, index)
        return True

    def set_rows(self, rows: pd.DataFrame | None) -> None:
        """Show ``rows`` (columns :data:`ROW_COLUMNS`); ``None`` for none."""
        self.set_frame(empty_rows() if rows is None else rows[list(ROW_COLUMNS)].copy())

    def rows(self) -> pd.DataFrame:
        """The rows as typed (a copy)."""
        return self._frame.copy()

    def add_row(self, values: dict | None = None) -> int:
        """Append a row (empty, or with ``values``); returns its index."""
        row = {c: ("" if c not in NUMBER_COLUMNS else np.nan) for c in ROW_COLUMNS}
        row.update(values or {})
        n = len(self._frame)
        self.beginInsertRows(QModelIndex(), n, n)
        self._frame = pd.concat([self._frame, pd.DataFrame([row])], ignore_index=True)
        self._frame = self._frame.astype({c: float for c in NUMBER_COLUMNS})
        self._cache.clear()
        self.endInsertRows()
        return n

    def remove_rows(self, rows) -> None:
        """Drop the rows ``rows`` (indexes)."""
        keep = ~np.isin(np.arange(len(self._frame)), list(rows))
        self.set_frame(self._frame[keep].reset_index(drop=True))


def _number(text: str) -> float | None:
    """A typed number (``¥12.50``, ``7天``), NaN for an empty cell, None if unreadable."""
    if not text:
        return float("nan")
    cleaned = text.replace(",", "").replace("，", "")
    for mark in ("¥", "￥", "元", "天", "days", "day"):
        cleaned = cleaned.replace(mark, "")
    try:
        number = float(cleaned.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class SupplierEditor(QGroupBox):
    """The supplier rows in a table with their buttons and a summary line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SupplierRowsModel(self)
        self.table = QTableView()
        self.table.setObjectName("supplierTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.load_button, self.add_button = QPushButton(), QPushButton()
        self.remove_button, self.apply_button = QPushButton(), QPushButton()
        self.help_label, self.summary = QLabel(), QLabel()
        for label in (self.help_label, self.summary):
            label.setWordWrap(True)
        self.help_label.setStyleSheet("color: #555;")
        buttons = QHBoxLayout()
        for button in (self.load_button, self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.help_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Supplier table"))
        self.load_button.setText(self.tr("Load file..."))
        self.add_button.setText(self.tr("Add row"))
        self.remove_button.setText(self.tr("Remove rows"))
        self.apply_button.setText(self.tr("Apply to the advice"))
        self.help_label.setText(self.tr(
            "One row per product (its ID), per category, or with neither: the default row. "
            "An empty cell leaves the value to the category, the default row or the "
            "inventory settings."))  # fmt: skip
        self.model.set_headers({
            "unique_id": self.tr("Product ID"), "category": self.tr("Category"),
            "supplier": self.tr("Supplier"), "supplier_code": self.tr("Supplier code"),
            "lead_time": self.tr("Lead time (days)"), "moq": self.tr("MOQ"),
            "pack_size": self.tr("Pack size"), "unit_cost": self.tr("Unit cost"),
        })  # fmt: skip

    def set_rows(self, rows: pd.DataFrame | None) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()

    def rows(self) -> pd.DataFrame:
        return self.model.rows()

    def add_row(self, values: dict | None = None) -> int:
        """Append a row and start editing its first cell (a click's ``False`` is no values)."""
        row = self.model.add_row(values if isinstance(values, dict) else None)
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        if not isinstance(values, dict):
            self.table.edit(index)
        return row

    def remove_selected(self) -> None:
        rows = {i.row() for i in self.table.selectionModel().selectedIndexes()}
        current = self.table.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        if rows:
            self.model.remove_rows(sorted(rows))
