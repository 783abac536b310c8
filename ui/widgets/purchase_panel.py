"""The orders side of the Purchase orders window: order date, budget, the orders per
supplier with their lines, and the export controls.

:class:`OrdersPanel` shows a :class:`core.recommend.PurchaseOrders` as the buyer reads it
(supplier names and where each line's supplier values came from in the UI language);
choosing an order shows its lines only. The
:class:`~ui.views.purchase_view.PurchaseView` makes the orders and runs the exports.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.recommend import NO_SUPPLIER
from ui.i18n import pick
from ui.models.dataframe_model import DataFrameModel
from ui.widgets.inventory_panels import hbox

__all__ = ["LAYOUTS", "OrdersPanel"]

_TOTALS = ("supplier", "supplier_code", "order_no", "lines", "quantity", "value", "uncosted",
           "order_date", "first_arrival", "last_arrival")  # fmt: skip
_LINES = ("order_no", "supplier", "product_id", "name", "quantity", "unit_cost", "line_value",
          "lead_time", "moq", "pack_size", "arrival_date", "source", "budget_cut")  # fmt: skip
#: Column layouts offered for the exports (``file``: a layout file).
LAYOUTS = ("generic", "jushuitan", "wangdiantong", "file")


def _table(model: DataFrameModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    return view


class OrdersPanel(QGroupBox):
    """Orders per supplier, their lines and the export controls (see module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.orders = None
        self.date_label, self.budget_label = QLabel(), QLabel()
        self.order_date = QDateEdit()
        self.order_date.setCalendarPopup(True)
        self.order_date.setDisplayFormat("yyyy-MM-dd")
        self.budget = QLineEdit()
        self.budget.setMaximumWidth(140)
        self.totals_model, self.lines_model = DataFrameModel(), DataFrameModel()
        self.totals_table, self.lines_table = _table(self.totals_model), _table(self.lines_model)
        self.totals_table.setObjectName("ordersTable")
        self.lines_label, self.summary = QLabel(), QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        self.layout_label, self.layout_combo = QLabel(), QComboBox()
        self.warehouse_label, self.buyer_label = QLabel(), QLabel()
        self.warehouse, self.buyer = QLineEdit(), QLineEdit()
        for edit in (self.warehouse, self.buyer):
            edit.setMaximumWidth(110)
        self.csv_button, self.xlsx_button = QPushButton(), QPushButton()
        box = QVBoxLayout(self)
        box.addLayout(hbox(self.date_label, self.order_date, 14, self.budget_label, self.budget,
                           None))  # fmt: skip
        box.addWidget(self.totals_table, 2)
        box.addWidget(self.summary)
        box.addWidget(self.lines_label)
        box.addWidget(self.lines_table, 3)
        box.addLayout(hbox(self.layout_label, self.layout_combo, 10, self.warehouse_label,
                           self.warehouse, self.buyer_label, self.buyer, None, self.csv_button,
                           self.xlsx_button))  # fmt: skip
        self.totals_table.selectionModel().currentRowChanged.connect(self._order_chosen)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Orders by supplier"))
        self.date_label.setText(self.tr("Order date:"))
        self.budget_label.setText(self.tr("Cash budget:"))
        self.budget.setPlaceholderText(self.tr("No limit"))
        self.layout_label.setText(self.tr("Columns:"))
        names = {"generic": self.tr("Generic (bilingual)"), "jushuitan": self.tr("聚水潭 (Jushuitan)"),
                 "wangdiantong": self.tr("旺店通 (Wangdiantong)"),
                 "file": self.tr("From a layout file...")}  # fmt: skip
        keep = self.layout_combo.currentData() or "generic"
        self.layout_combo.clear()
        for key in LAYOUTS:
            self.layout_combo.addItem(names[key], key)
        self.layout_combo.setCurrentIndex(max(self.layout_combo.findData(keep), 0))
        self.warehouse_label.setText(self.tr("Warehouse:"))
        self.buyer_label.setText(self.tr("Buyer:"))
        self.csv_button.setText(self.tr("Export CSV..."))
        self.xlsx_button.setText(self.tr("Export XLSX..."))
        self.show_orders(self.orders)

    def totals_view(self) -> pd.DataFrame:
        """The orders' totals as shown (supplier names in the UI language)."""
        if self.orders is None:
            return pd.DataFrame(columns=list(_TOTALS))
        t = self.orders.totals[list(_TOTALS)].copy()
        t["supplier"] = [s or pick(*NO_SUPPLIER) for s in t["supplier"]]
        return t

    def lines_view(self, order_no: str | None = None) -> pd.DataFrame:
        """The order lines as shown, of order ``order_no`` (all when ``None``)."""
        if self.orders is None:
            return pd.DataFrame(columns=list(_LINES))
        lines = self.orders.lines
        if order_no is not None:
            lines = lines[lines["order_no"] == order_no]
        out = lines[[c for c in _LINES if c in lines]].copy()
        out["supplier"] = [s or pick(*NO_SUPPLIER) for s in out["supplier"]]
        sources = {"product": self.tr("by product"), "category": self.tr("by category"),
                   "default": self.tr("by the default row"), "options": self.tr("settings")}  # fmt: skip
        out["source"] = [sources.get(x, x) for x in out["source"]]
        if "budget_cut" in out and not out["budget_cut"].gt(0).any():
            out = out.drop(columns="budget_cut")
        return out

    def _headers(self) -> dict:
        return {
            "supplier": self.tr("Supplier"), "supplier_code": self.tr("Supplier code"),
            "order_no": self.tr("PO number"), "lines": self.tr("Lines"),
            "quantity": self.tr("Units"), "value": self.tr("Value"),
            "uncosted": self.tr("Lines without cost"), "order_date": self.tr("Order date"),
            "first_arrival": self.tr("First arrival"), "last_arrival": self.tr("Last arrival"),
            "product_id": self.tr("Product ID"), "name": self.tr("Product"),
            "unit_cost": self.tr("Unit cost"), "line_value": self.tr("Line value"),
            "lead_time": self.tr("Lead time (days)"), "moq": self.tr("MOQ"),
            "pack_size": self.tr("Pack size"), "arrival_date": self.tr("Expected arrival"),
            "source": self.tr("Supplier values"), "budget_cut": self.tr("Cut by the budget"),
        }  # fmt: skip

    def show_orders(self, orders) -> None:
        """Show ``orders`` (a :class:`core.recommend.PurchaseOrders`, or None for none)."""
        self.orders = orders
        self.totals_model.set_frame(self.totals_view(), self._headers())
        self.totals_table.resizeColumnsToContents()
        self.show_lines(None)
        has = orders is not None and not orders.lines.empty
        for button in (self.csv_button, self.xlsx_button):
            button.setEnabled(has)
        if orders is None:
            self.summary.setText("")
            return
        units = float(orders.lines["quantity"].sum()) if len(orders.lines) else 0.0
        value = orders.total_value
        text = self.tr("{n} orders, {l} lines, {u} units, total value {v}.").format(
            n=len(orders.totals), l=len(orders.lines), u=f"{units:,.0f}",
            v="–" if value != value else f"{value:,.2f}")  # fmt: skip
        notes = [pick(en, zh) for en, zh in orders.notes]
        self.summary.setText("\n".join([text, *notes]))

    def show_lines(self, order_no: str | None) -> None:
        """Show the lines of order ``order_no`` (all orders' when ``None``)."""
        self.lines_model.set_frame(self.lines_view(order_no), self._headers())
        self.lines_table.resizeColumnsToContents()
        if order_no is None:
            self.lines_label.setText(self.tr("Order lines (all orders):"))
        else:
            self.lines_label.setText(self.tr("Order lines of {no}:").format(no=order_no))

    @Slot(object, object)
    def _order_chosen(self, current, _previous) -> None:
        frame = self.totals_model.frame
        if current.isValid() and current.row() < len(frame):
            self.show_lines(str(frame.iloc[current.row()]["order_no"]))
