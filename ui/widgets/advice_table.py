"""The Recommendations table: one row of advice per product.

:class:`AdviceTable` shows :class:`~core.recommend.inventory` advice as the store operator reads it
(stage and action names in the UI language, the product's own ID when the data has
names), filtered by what needs doing (*Needs ordering*, *To clear*, *Promote*), sortable,
with the full reason of the chosen row under the table. Lead time, service level and
stock on hand are editable: an edit goes to the ``on_edit`` callback given by the view.
The rows shown can be written to CSV or XLSX (:func:`core.data.export.write_table`).

The filter's label and combo box are made here but placed by the view, in its row of
buttons. With 50,000 products (``benchmarks/bench_window_rows.py``) the columns are
fitted to the rows on screen only: Qt reads 1,000 rows per column by default, half a
second of Python ``data`` calls at every fill and filter.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QLabel, QTableView, QVBoxLayout, QWidget

from core.analysis import FILTERS, INPUTS, advice_view
from core.data import write_table
from core.errors import InputError
from core.lifecycle import STAGE_NAMES
from ui.i18n import core_lang, pick
from ui.models.dataframe_model import EditableDataFrameModel
from ui.widgets.big_table import SortArrowHeader

__all__ = ["AdviceTable"]

#: Marks the header of a column the user may edit.
EDIT_MARK = " \u270e"
#: Rows read to fit a column to its contents (0: the rows on screen).
FIT_ROWS = 0


class AdviceTable(QWidget):
    """The advice table, its filter and the chosen row's reason (see module doc)."""

    def __init__(self, on_edit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._advice: pd.DataFrame | None = None
        self._dataset = None
        self.filter_label = QLabel()
        self.filter_combo = QComboBox()
        self.filter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model = EditableDataFrameModel(editable=INPUTS, on_edit=on_edit)
        self.table = QTableView()
        self.table.setHorizontalHeader(SortArrowHeader(self.table))  # ▲ ascending on every style
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.detail_label = QLabel()  # the full reason of the chosen row
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail_label)
        self.filter_combo.currentIndexChanged.connect(self.fill_table)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)

    def retranslate(self) -> None:
        """The filter's label; headers and names follow at the owner's next
        :meth:`show_advice` (the Recommendations view's refresh after a language switch)."""
        self.filter_label.setText(self.tr("Show:"))

    def headers(self) -> dict:
        """Column name -> header text in the UI language (editable ones marked)."""
        mark = EDIT_MARK
        return {
            "unique_id": self.tr("Product ID"), "name": self.tr("Product"),
            "stage_name": self.tr("Stage"), "on_hand": self.tr("On hand") + mark,
            "lead_time": self.tr("Lead time (days)") + mark,
            "service_level": self.tr("Service level (%)") + mark,
            "forecast_lead_time": self.tr("Forecast over lead time"),
            "safety_stock": self.tr("Safety stock"), "reorder_point": self.tr("Reorder point"),
            "order_qty": self.tr("Order now"), "days_of_cover": self.tr("Days of cover"),
            "stockout_date": self.tr("Stock-out date"),
            "promotion_name": self.tr("Promote / hold / clear"),
            "promotion_window": self.tr("Promotion window"), "discount": self.tr("Discount (%)"),
            "reason": self.tr("Reason"),
        }  # fmt: skip

    def _action_names(self) -> dict:
        return {"promote": self.tr("Promote"), "hold": self.tr("Hold"), "clear": self.tr("Clear")}

    def show_advice(self, advice: pd.DataFrame | None, dataset) -> None:
        """Show ``advice`` (the session's recommendations) for the products of ``dataset``."""
        self._advice, self._dataset = advice, dataset
        self._fill_filters()
        self.fill_table()

    def _fill_filters(self) -> None:
        table = self._advice
        names = {"all": self.tr("All products"), "order": self.tr("Needs ordering"),
                 "clear": self.tr("To clear"), "promote": self.tr("Promote")}  # fmt: skip
        keep = self.filter_combo.currentData() or "all"
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        for key, name in names.items():
            n = 0 if table is None else int(FILTERS[key](table).sum())
            self.filter_combo.addItem(f"{name} ({n})", key)
        self.filter_combo.setCurrentIndex(max(self.filter_combo.findData(keep), 0))
        self.filter_combo.blockSignals(False)

    def display_table(self) -> pd.DataFrame:
        """The advice as shown (filtered, in the UI language), ``unique_id`` last."""
        if self._advice is None or self._dataset is None:
            return pd.DataFrame()
        actions = self._action_names()
        return advice_view(self._advice, self._dataset, self.filter_combo.currentData() or "all",
                           lambda x: pick(*STAGE_NAMES.get(x, (x, x))),
                           lambda x: actions.get(x, x), core_lang())  # fmt: skip

    @Slot()
    def fill_table(self) -> None:
        header = self.table.horizontalHeader()
        shown = self.display_table()
        self.model.set_frame(shown, self.headers())
        self._detail("")
        if 0 <= header.sortIndicatorSection() < len(shown.columns):
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if len(shown.columns):
            own_ids = len(shown.columns) > 1 and shown.columns[0] != "unique_id"
            self.table.setColumnHidden(len(shown.columns) - 1, own_ids)
            self.table.resizeColumnsToContents()
            for col, name in enumerate(shown.columns):
                limit = 420 if name == "reason" else 220
                self.table.setColumnWidth(col, min(self.table.columnWidth(col), limit))

    def _detail(self, text: str) -> None:
        self.detail_label.setText(text)
        self.detail_label.setVisible(bool(text))

    @Slot(object, object)
    def _row_chosen(self, current, _previous) -> None:
        frame = self.model.frame
        if not current.isValid() or current.row() >= len(frame) or "reason" not in frame:
            self._detail("")
            return
        row = frame.iloc[current.row()]
        self._detail(f"{row.get('name', row['unique_id'])}: {row['reason']}")

    def export_table(self, path) -> Path:
        """Write the rows shown (friendly headers, UI language) to a CSV or XLSX file."""
        shown = self.display_table()
        if shown.empty:
            raise InputError("There are no recommendations to export yet.",
                             "还没有可导出的建议。")  # fmt: skip
        own_ids = shown.columns[0] != "unique_id"
        table = shown.drop(columns="unique_id") if own_ids else shown
        headers = {k: v.replace(EDIT_MARK, "") for k, v in self.headers().items()}
        return write_table(table.rename(columns=headers), path)
