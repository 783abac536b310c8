"""Purchase orders: a supplier table, one order per supplier, a budget, ERP files.

A window of its own, opened from the Recommendations step (*Purchase orders...*). On
the left the supplier table (:class:`~ui.widgets.supplier_table.SupplierEditor`),
loaded from a CSV/XLSX file or typed in; *Apply to the advice* reads and resolves it
(:func:`core.analysis.purchase_task.supplier_task`, in a worker), puts each product's
lead time, MOQ, pack size and unit cost into the advice inputs
(:func:`~core.analysis.purchase_task.supplier_stock`, what ``recommend --suppliers``
does) and the Recommendations view computes the advice again with them. The rows are
kept in the project (``session.meta["suppliers"]``).

On the right the orders of the advice (:class:`~ui.widgets.purchase_panel.OrdersPanel`;
:func:`core.recommend.build_orders`, in a
worker, again whenever the advice changes): per supplier its lines, units, value and
order date, the lines of the chosen order below; an order date, a cash budget across
suppliers, and exports as CSV or XLSX in the generic layout, 聚水潭's, 旺店通's or a
layout file's (:func:`core.recommend.write_orders`).

``python -m ui.views.purchase_view`` opens it on the bundled sample.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.analysis import (
    EDITED_NAME,
    applied_values,
    effective_stock,
    export_task,
    orders_task,
    parse_budget,
    recommend_task,
    supplier_stock,
    supplier_task,
)
from core.errors import InputError
from core.recommend import PurchaseOptions, last_prices, read_layout
from ui.i18n import core_lang, error_text
from ui.preview import run_preview
from ui.views.base import BaseView, heading
from ui.widgets.purchase_panel import OrdersPanel
from ui.widgets.supplier_table import SupplierEditor
from ui.workers.task_worker import TaskRunner

__all__ = ["PurchaseView", "purchase_window"]


class PurchaseView(BaseView):
    """The Purchase orders window (see module doc).

    Parameters
    ----------
    session : ui.session.Session
    on_stock : callable, optional
        Takes the new per-product advice inputs (the Recommendations view's, which then
        computes the advice again); without one they go to ``session.stock`` only.
    """

    def __init__(self, session, on_stock=None, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        if parent is not None:
            self.setWindowFlag(Qt.WindowType.Window, True)
        self.on_stock = on_stock
        self.supplier_runner, self.orders_runner = TaskRunner(self), TaskRunner(self)
        self.export_runner = TaskRunner(self)
        self.result = None  # core.analysis.purchase_task.SupplierResult
        self.orders = None  # core.recommend.PurchaseOrders
        self._applied: pd.DataFrame | None = None
        self._apply_next = True
        self._date_set = False  # the user picked the order date
        self._again = False
        self._layout_file: tuple[str, dict] | None = None
        self._build()
        self._connect()
        self.retranslate()
        self.resize(1380, 820)
        self._restore()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.title_label, self.status_label = heading(), QLabel()
        self.status_label.setWordWrap(True)
        self.editor = SupplierEditor()
        self.orders_box = OrdersPanel()
        box = self.orders_box
        # the panel's parts, named as the view's own (for tests and the screenshots)
        self.order_date, self.budget = box.order_date, box.budget
        self.layout_combo = box.layout_combo
        self.warehouse, self.buyer = box.warehouse, box.buyer
        self.csv_button, self.xlsx_button = box.csv_button, box.xlsx_button
        self.totals_model, self.totals_table = box.totals_model, box.totals_table
        self.lines_model, self.summary = box.lines_model, box.summary
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.editor)
        split.addWidget(self.orders_box)
        split.setSizes([620, 760])
        root = QVBoxLayout(self)
        root.addWidget(self.title_label)
        root.addWidget(self.status_label)
        root.addWidget(split, 1)

    def _connect(self) -> None:
        self.editor.load_button.clicked.connect(self.load_file_dialog)
        self.editor.apply_button.clicked.connect(self.apply_rows)
        self.order_date.dateChanged.connect(self._date_picked)
        self.budget.editingFinished.connect(self.rebuild)
        self.warehouse.editingFinished.connect(self.rebuild)
        self.buyer.editingFinished.connect(self.rebuild)
        self.layout_combo.activated.connect(self._layout_chosen)
        self.csv_button.clicked.connect(self.export_csv_dialog)
        self.xlsx_button.clicked.connect(self.export_xlsx_dialog)
        self.supplier_runner.sig_finished.connect(self._suppliers_read)
        self.supplier_runner.sig_failed.connect(self._plain_failure)
        self.orders_runner.sig_finished.connect(self._orders_made)
        self.orders_runner.sig_failed.connect(self.fail)
        self.orders_runner.sig_running.connect(self._orders_running)
        self.export_runner.sig_finished.connect(self._exported)
        self.export_runner.sig_failed.connect(self._plain_failure)
        self.session.sig_recommendations_changed.connect(self.rebuild)
        self.session.sig_data_changed.connect(self._forget)

    def runners(self) -> list:
        return [self.supplier_runner, self.orders_runner, self.export_runner]

    def show_window(self) -> None:
        """Show (or raise) the window on the session's advice."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.rebuild()

    # --------------------------------------------------------------- language
    def title(self) -> str:
        return self.tr("Purchase orders")

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Purchase orders") + " - SkuCast")
        self.title_label.setText(self.tr("Purchase orders"))
        self.editor.retranslate()
        self.orders_box.retranslate()
        self._show_suppliers()
        self._show_orders()

    # ---------------------------------------------------------------- suppliers
    @Slot()
    def load_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load supplier table"), "",
                                              self.tr("Tables (*.csv *.txt *.xlsx *.xlsm)"))  # fmt: skip
        if path:
            self.load_file(path)

    def load_file(self, path) -> bool:
        """Read the supplier table ``path`` into the editor and apply it (in a worker)."""
        return self._read(str(path), apply=True)

    @Slot()
    def apply_rows(self) -> bool:
        """Read the rows of the editor and apply them (no rows: no supplier table)."""
        return self._read(self.editor.rows(), apply=True)

    def _read(self, source, apply: bool) -> bool:
        if self.session.dataset is None:
            self.sig_status.emit(self.tr("Import sales data first."))
            return False
        self._apply_next = apply
        started = self.supplier_runner.start(supplier_task, source, self.session.dataset)
        if started:
            self.status_label.setText(self.tr("Reading the supplier table..."))
        return started

    def _restore(self) -> None:
        """The rows a project kept: read again, their values already in the advice."""
        kept = self.session.meta.get("suppliers")
        if kept and kept.get("rows") and self.session.dataset is not None:
            self.editor.set_rows(pd.DataFrame(kept["rows"]))
            self._read(self.editor.rows(), apply=False)

    @Slot(object)
    def _suppliers_read(self, result) -> None:
        self.result = result
        self.editor.set_rows(result.rows)
        values = applied_values(result.resolution)
        if self._apply_next:
            stock = supplier_stock(self.session.stock, result.resolution, self._applied)
            self.session.meta["suppliers"] = {"name": result.name,
                                              "rows": _records(result.rows)}  # fmt: skip
            if self.on_stock is not None:
                self.on_stock(stock)
            else:
                self.session.stock = stock
                self.session.set_dirty(True)
            self.sig_status.emit(self.tr("Supplier table applied: the advice is computed again."))
        self._applied = values
        self._show_suppliers()
        self.rebuild()

    def _show_suppliers(self) -> None:
        r = None if self.result is None else self.result.resolution
        if r is None:
            text = self.tr("No supplier table: one order without a supplier, no unit costs.")
            self.editor.summary.setText(text)
            return
        n, file = r.counts(), self.result.name
        name = self.tr("This table") if file == EDITED_NAME else file
        text = self.tr("{name}: of {n} products, {p} by product, {c} by category, {d} by the "
                       "default row, {o} by none (inventory settings).").format(
            name=name, n=len(r.table), p=n["product"], c=n["category"], d=n["default"],
            o=n["options"])  # fmt: skip
        # rows naming products or categories the data does not have (core's wording)
        self.editor.summary.setText("\n".join([text, *r.describe(core_lang())[1:]]))

    @Slot()
    def _forget(self) -> None:
        """New data: its products need their own supplier table."""
        self.result, self._applied, self.orders = None, None, None
        self._date_set = False
        self.editor.set_rows(None)
        self._show_suppliers()
        self._show_orders()

    @Slot(str, str)
    def _plain_failure(self, message: str, _details: str = "") -> None:
        """A file or a typed value that cannot be used: the reason, no traceback."""
        self.status_label.setText(message.splitlines()[0] if message else "")
        self.fail(message)

    # ------------------------------------------------------------------ orders
    def purchase_options(self) -> PurchaseOptions:
        """The form as :class:`core.recommend.PurchaseOptions`; raises InputError."""
        day = self.order_date.date().toString("yyyy-MM-dd")
        return PurchaseOptions(order_date=day, budget=parse_budget(self.budget.text()),
                               warehouse=self.warehouse.text().strip(),
                               buyer=self.buyer.text().strip())  # fmt: skip

    @Slot()
    def rebuild(self) -> bool:
        """Make the orders of the session's advice again (in a worker)."""
        s = self.session
        if s.recommendations is None or s.dataset is None:
            self.orders = None
            self._show_orders()
            return False
        if self.orders_runner.is_running():
            self._again = True
            return False
        self._default_date()
        try:
            purchase = self.purchase_options()
        except InputError as exc:
            self.fail(error_text(exc))
            return False
        resolution = None if self.result is None else self.result.resolution
        self.status_label.setText(self.tr("Making the orders..."))
        return self.orders_runner.start(orders_task, s.recommendations, resolution,
                                        s.inventory_options, purchase, s.dataset.series,
                                        last_prices(s.frames.frame))  # fmt: skip

    @Slot()
    def _date_picked(self) -> None:
        self._date_set = True
        self.rebuild()

    def _default_date(self) -> None:
        """The first forecast day, until the user picks another date."""
        forecast = self.session.forecast
        if self._date_set or forecast is None or not len(forecast):
            return
        day = pd.Timestamp(forecast["ds"].min())
        self.order_date.blockSignals(True)
        self.order_date.setDate(QDate(day.year, day.month, day.day))
        self.order_date.blockSignals(False)

    @Slot(object)
    def _orders_made(self, orders) -> None:
        self.orders = orders
        self._show_orders()

    @Slot(bool)
    def _orders_running(self, running: bool) -> None:
        if not running and self._again:
            self._again = False
            self.rebuild()

    def _show_orders(self) -> None:
        self.orders_box.show_orders(self.orders)
        if self.session.recommendations is None:
            self.status_label.setText(self.tr("Compute the recommendations first (step 5): the "
                                              "orders are made from their order quantities."))  # fmt: skip
        elif self.orders is not None:
            self.status_label.setText(self.tr("Orders of the advice: choose an order to see its "
                                              "lines; export them for Excel or your ERP."))  # fmt: skip

    # ------------------------------------------------------------------ export
    @Slot(int)
    def _layout_chosen(self, index: int) -> None:
        if self.layout_combo.itemData(index) != "file":
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load column layout"), "",
                                              self.tr("Layouts (*.json *.csv *.xlsx)"))  # fmt: skip
        if path:
            self.load_layout(path)
        else:
            self.layout_combo.setCurrentIndex(0)

    def load_layout(self, path) -> bool:
        """Use the column layout of the file ``path`` (JSON, CSV or XLSX) for exports."""
        ids = [] if self.session.dataset is None else list(self.session.dataset.mapping.ids)
        try:
            layout = read_layout(path, extra_fields=ids)
        except (InputError, OSError, ValueError) as exc:
            self.layout_combo.setCurrentIndex(0)
            self.fail(error_text(exc))
            return False
        self._layout_file = (Path(path).name, layout)
        self.layout_combo.setCurrentIndex(self.layout_combo.findData("file"))
        return True

    def layout(self):
        """The chosen layout: a preset name or a layout file's mapping."""
        key = self.layout_combo.currentData() or "generic"
        if key == "file":
            return "generic" if self._layout_file is None else self._layout_file[1]
        return key

    @Slot()
    def export_csv_dialog(self) -> None:
        self._export_dialog(".csv", self.tr("CSV (Excel) (*.csv)"))

    @Slot()
    def export_xlsx_dialog(self) -> None:
        self._export_dialog(".xlsx", self.tr("Excel workbook (*.xlsx)"))

    def _export_dialog(self, suffix: str, kinds: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export purchase orders"),
                                              f"purchase_orders{suffix}", kinds)  # fmt: skip
        if path:
            self.export_orders(path if Path(path).suffix else path + suffix)

    def export_orders(self, path) -> bool:
        """Write the orders to ``path`` (.csv/.xlsx) in the chosen layout, in a worker."""
        lang = "both" if self.layout() == "generic" else core_lang()
        return self.export_runner.start(export_task, self.orders, str(path), self.layout(), lang)

    @Slot(object)
    def _exported(self, paths) -> None:
        text = self.tr("Written: {path}").format(path=", ".join(str(p) for p in paths))
        self.status_label.setText(text)
        self.sig_status.emit(text)


def purchase_window(owner: BaseView, window: PurchaseView | None, on_stock) -> PurchaseView:
    """``window``, or a new Purchase orders window of ``owner`` (its status lines go to
    ``owner``'s, its supplier values to ``on_stock``), shown and raised."""
    if window is None:
        window = PurchaseView(owner.session, on_stock=on_stock, parent=owner)
        window.sig_status.connect(owner.sig_status)
    window.show_window()
    return window


def _records(rows: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe records (NaN as None)."""
    return rows.astype(object).where(rows.notna(), None).to_dict("records")


def _preview(view) -> None:  # pragma: no cover - the preview
    s = view.session
    result = recommend_task(s.model, s.frames, s.freq, s.forecast, s.stages,
                            effective_stock(s.frames, None, s.stock), s.inventory_options)  # fmt: skip
    s.set_recommendations(result.table)


if __name__ == "__main__":  # pragma: no cover - python -m ui.views.purchase_view
    raise SystemExit(run_preview(PurchaseView, stage="forecast", then=_preview))
