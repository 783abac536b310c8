"""Recommendations step: how much to order, and what to promote, hold or clear.

Inventory settings for all products (lead time, review period, service level, MOQ, pack
size) and an optional stock file; *Recommend* runs
:func:`core.analysis.decision_tasks.recommend_task` on the session's forecast (made again
further ahead, with the session's plan of promotions and prices, when lead time + review
period need it) in a worker. The table shows one row per product; lead time, service
level and stock on hand are editable per product: an edit is kept in ``session.stock``
and the advice recomputed. *Policy backtest* replays the last reviews with SkuCast's
advice and with a naive policy (:func:`core.recommend.simulate.simulate_policy`).
:meth:`RecommendationsView.show_products` (a click on the Overview) narrows the table to
some products, saying so, until *Show all products*. Exports: CSV (UTF-8 with BOM,
formula-safe) and XLSX through :func:`core.data.export.write_table`.

``python -m ui.views.recommendations_view`` opens the view on the bundled sample.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.analysis import (
    effective_stock,
    merge_stock,
    periods_needed,
    recommend_task,
    sendable,
    simulate_task,
)
from core.data import has_stock, read_stock
from core.errors import InputError
from core.recommend import InventoryOptions
from ui.i18n import error_text, products
from ui.preview import run_preview
from ui.views.base import BaseView
from ui.views.purchase_view import PurchaseView, purchase_window
from ui.widgets.advice_table import AdviceTable
from ui.widgets.inventory_panels import InventoryForm, SimulationPanel, hbox
from ui.widgets.step_progress import StepProgress
from ui.workers.task_worker import ProcessRunner, TaskRunner

__all__ = ["RecommendationsView"]


class RecommendationsView(BaseView):
    """The Recommendations step (see module doc)."""

    #: Model refitted at every review of the policy backtest.
    backtest_model = "ets"

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.runner = TaskRunner(self)
        # a forecast made again for a longer lead time loads the model: in a child
        # process, as the Forecast step does, so Keras never enters this one
        self.long_runner = ProcessRunner(self)
        # the policy backtest refits a model and the life curves at every review: seconds
        # of Python that would hold this process's interpreter from a thread
        self.sim_runner = ProcessRunner(self)
        self._long_forecast: tuple[int, pd.DataFrame] | None = None
        self._again = False
        self._only: tuple[list[str], str] | None = None  # (ids, title): see show_products
        self.purchase_view: PurchaseView | None = None  # made on first open
        self._build()
        self._connect()
        self.retranslate()
        self._load_options()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.settings_box = InventoryForm()
        self.spins = self.settings_box.spins
        self.stock_label = self.settings_box.stock_label
        self.stock_button = self.settings_box.stock_button
        self.reset_button = self.settings_box.reset_button

        self.recommend_button, self.backtest_button = QPushButton(), QPushButton()
        self.recommend_button.setDefault(True)
        self.export_button, self.cancel_button = QPushButton(), QPushButton()
        self.purchase_button = QPushButton()
        self.reviews = QSpinBox(minimum=2, maximum=26, value=4)
        self.progress = StepProgress(bar_width=140)
        for w in (self.progress, self.cancel_button):
            w.hide()
        self.reviews_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.goto_button = QPushButton()
        self.advice = AdviceTable(on_edit=self._edited)
        self.model, self.table = self.advice.model, self.advice.table
        self.filter_combo = self.advice.filter_combo
        self.only_label, self.show_all_button = QLabel(), QPushButton()
        self.only_label.setStyleSheet("color: #a15c00; font-weight: bold;")
        self.sim_box = SimulationPanel()
        self.sim_label, self.verdict_label = self.sim_box.figures, self.sim_box.verdict
        layout = QVBoxLayout(self)
        layout.addWidget(self.settings_box)
        layout.addLayout(hbox(self.recommend_button, self.reviews_label, self.reviews,
                               self.backtest_button, self.cancel_button, self.progress, None,
                               self.advice.filter_label, self.filter_combo,
                               self.export_button, self.purchase_button))  # fmt: skip
        layout.addLayout(hbox(self.status_label, self.goto_button))
        layout.addLayout(hbox(self.only_label, self.show_all_button, None))
        layout.addWidget(self.advice, 1)
        layout.addWidget(self.sim_box)

    def _connect(self) -> None:
        self.recommend_button.clicked.connect(self.run_recommend)
        self.backtest_button.clicked.connect(self.run_backtest)
        self.export_button.clicked.connect(self.export_dialog)
        self.purchase_button.clicked.connect(self.open_purchase_orders)
        self.stock_button.clicked.connect(self.stock_file_dialog)
        self.reset_button.clicked.connect(self.reset_overrides)
        self.goto_button.clicked.connect(self._goto_forecast)
        self.cancel_button.clicked.connect(self._cancel)
        self.show_all_button.clicked.connect(self.clear_products)
        for runner in (self.runner, self.long_runner, self.sim_runner):
            runner.sig_running.connect(self._running)
            runner.sig_progress.connect(self.progress.show_progress)
            runner.sig_failed.connect(self.fail)
            runner.sig_cancelled.connect(self._cancelled)
        self.runner.sig_finished.connect(self._recommended)
        self.long_runner.sig_finished.connect(self._recommended)
        self.sim_runner.sig_finished.connect(self._simulated)
        self.session.sig_forecast_changed.connect(self._forecast_changed)
        self.session.sig_recommendations_changed.connect(self._refresh)
        self.session.sig_data_changed.connect(self._load_options)
        self.session.sig_data_changed.connect(self._forget_products)

    # --------------------------------------------------------------- language
    def title(self) -> str:
        return self.tr("Recommendations")

    def retranslate(self) -> None:
        self.settings_box.retranslate()
        self.sim_box.retranslate()
        self.advice.retranslate()
        self.recommend_button.setText(self.tr("Recommend"))
        self.reviews_label.setText(self.tr("Reviews to replay:"))
        self.backtest_button.setText(self.tr("Policy backtest"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.goto_button.setText(self.tr("Go to forecast"))
        self.export_button.setText(self.tr("Export..."))
        self.purchase_button.setText(self.tr("Purchase orders..."))
        self.show_all_button.setText(self.tr("Show all products"))
        self._refresh()

    def runners(self) -> list:
        return [self.runner, self.long_runner, self.sim_runner]

    # ---------------------------------------------------------------- settings
    @Slot()
    def _load_options(self) -> None:
        # new data is always followed by sig_recommendations_changed: that refreshes
        self.settings_box.load(self.session.inventory_options)

    def options(self) -> InventoryOptions:
        """The settings of the form (the session's other options kept); raises
        :class:`~core.errors.InputError` for values that make no sense."""
        return self.settings_box.options(self.session.inventory_options)

    @Slot()
    def stock_file_dialog(self) -> None:
        """Ask for a stock file (CSV/XLSX) and use it."""
        if path := self.settings_box.ask_stock_file():
            self.load_stock(path)

    def load_stock(self, path) -> bool:
        """Read on-hand (and on-order) stock per product from ``path`` into ``session.stock``."""
        try:
            table = read_stock(path, self.session.dataset)
        except (InputError, OSError, ValueError) as exc:
            self.fail(error_text(exc))
            return False
        self._set_stock(merge_stock(self.session.stock, table, list(table.columns[1:])))
        self.sig_status.emit(self.tr("Stock of {products} read from {name}.").format(
            products=products(len(table)), name=Path(path).name))  # fmt: skip
        return True

    def _set_stock(self, stock: pd.DataFrame | None) -> None:
        self.session.stock = stock
        self.session.set_dirty(True)
        # later: an edit calls this from inside the table model's setData
        QTimer.singleShot(0, self._stock_changed)

    @Slot()
    def _stock_changed(self) -> None:
        self._refresh()
        if self.session.recommendations is not None:
            self.recompute()

    @Slot()
    def reset_overrides(self) -> None:
        """Forget per-product stock and settings (the sales file's stock is used again)."""
        self._set_stock(None)

    def _edited(self, row: pd.Series, column: str, value: float) -> None:
        """A table edit: kept in ``session.stock``, then the advice is recomputed."""
        if column == "service_level":
            value = value / 100 if value > 1 else value
            ok = 0.5 <= value < 1
        else:
            ok = value > 0 if column == "lead_time" else value >= 0
        if not ok:
            self.sig_status.emit(self.tr("That value cannot be used; nothing was changed."))
            QTimer.singleShot(0, self.advice.fill_table)
            return
        edit = pd.DataFrame({"unique_id": [str(row["unique_id"])], column: [value]})
        self._set_stock(merge_stock(self.session.stock, edit, [column]))

    # --------------------------------------------------------------- running
    @Slot()
    def run_recommend(self) -> bool:
        """Take the form's settings and compute the advice in a worker."""
        s = self.session
        if s.forecast is None or s.stages is None or s.loading:  # loading: data to be replaced
            self.sig_status.emit(self.tr("A sales file is being imported…") if s.loading
                                 else self.tr("Make a forecast first (step 4)."))  # fmt: skip
            return False
        try:
            s.set_inventory_options(self.options())
        except InputError as exc:
            self.fail(error_text(exc))
            return False
        return self.recompute()

    def recompute(self) -> bool:
        """Compute the advice again with the current settings and per-product values."""
        s = self.session
        if s.forecast is None or s.stages is None:
            return False
        if self.runner.is_running() or self.long_runner.is_running():
            self._again = True
            return False
        long = self._long_forecast
        forecast = long[1] if long is not None and long[0] == id(s.forecast) else s.forecast
        stock = effective_stock(s.frames, None, s.stock)
        have = int(forecast.groupby("unique_id").size().min()) if len(forecast) else 0
        again = s.model is not None and periods_needed(s.freq, s.inventory_options, stock,
                                                       have) > have  # fmt: skip
        runner, model = (self.long_runner, sendable(s.model)) if again else (self.runner, s.model)
        self.status_label.setText(self.tr("Computing the advice..."))
        return runner.start(recommend_task, model, s.frames, s.freq, forecast, s.stages,
                            stock, s.inventory_options, s.train_settings.region,
                            list(s.train_settings.levels), future=s.plan)  # fmt: skip

    @Slot(object)
    def _recommended(self, result) -> None:
        if result.extended:
            self._long_forecast = (id(self.session.forecast), result.forecast)
        self.session.set_recommendations(result.table)
        self.sig_status.emit(self._summary())
        if self._again:
            self._again = False
            self.recompute()

    @Slot()
    def run_backtest(self) -> bool:
        """Replay the last reviews with SkuCast's advice and with a naive policy."""
        s = self.session
        if s.frames is None or s.loading:
            return False
        try:
            options = self.options()
        except InputError as exc:
            self.fail(error_text(exc))
            return False
        factory = s.train_settings.factory(self.backtest_model, s.freq)
        started = self.sim_runner.start(simulate_task, s.frames.frame, s.freq, factory,
                                        self.reviews.value(), options)  # fmt: skip
        if started:
            self.status_label.setText(self.tr("Replaying the last reviews..."))
        return started

    @Slot(object)
    def _simulated(self, result) -> None:
        s = self.session
        s.set_recommendations(s.recommendations, simulation=result)

    @Slot()
    def _goto_forecast(self) -> None:
        self.sig_goto.emit(3)

    @Slot(bool)
    def _running(self, _running: bool) -> None:
        busy = self.is_busy()
        if _running:
            self.progress.start()
        elif not busy:
            self.progress.stop()
        self.cancel_button.setVisible(busy)
        for button in (self.recommend_button, self.backtest_button):
            button.setEnabled(not busy)
        if not busy:
            self.status_label.setText(self._summary())

    @Slot()
    def _cancel(self) -> None:
        for runner in self.runners():
            runner.cancel()

    @Slot()
    def _cancelled(self) -> None:
        self.status_label.setText(self.tr("Cancelled."))

    # ---------------------------------------------------------------- showing
    @Slot()
    def _forecast_changed(self) -> None:
        # the session announces the cleared advice next: that refreshes the view
        self._long_forecast = None

    def _summary(self) -> str:
        s, table = self.session, self.session.recommendations
        if s.forecast is None:
            return self.tr("Make a forecast first (step 4), then come back for advice.")
        if table is None:
            return self.tr("Set lead time and service level, then press Recommend.")
        return self.tr("{products}: {o} to order now, {c} to clear, {p} to promote.").format(
            products=products(len(table)), o=int((table["order_qty"] > 0).sum()),
            c=int(table["promotion"].eq("clear").sum()),
            p=int(table["promotion"].eq("promote").sum()))  # fmt: skip

    @Slot()
    def _refresh(self) -> None:
        s = self.session
        own = 0 if s.stock is None else len(s.stock)
        self.settings_box.show_stock(s.frames is not None and has_stock(s.frames.full), own)
        busy = self.is_busy()
        self.recommend_button.setEnabled(s.forecast is not None and not busy)
        self.backtest_button.setEnabled(s.frames is not None and not busy)
        self.export_button.setEnabled(s.recommendations is not None)
        self.purchase_button.setEnabled(s.has_data)
        self.goto_button.setVisible(s.forecast is None)
        if not busy:
            self.status_label.setText(self._summary())
        table, only = s.recommendations, self._only
        if table is not None and only is not None:
            table = table[table["unique_id"].astype(str).isin(only[0])]
        self.advice.show_advice(table, s.dataset)
        self._show_only()
        self.sim_box.show_result(s.simulation, s.meta)

    # ------------------------------------------------------- narrowed to some products
    def show_products(self, ids, title: str) -> None:
        """Show every row of the products ``ids`` and only them (``title`` says what they
        are: "To order now") until :meth:`clear_products` or new data."""
        self._only = ([str(i) for i in ids], title)
        self.filter_combo.setCurrentIndex(max(self.filter_combo.findData("all"), 0))
        self._refresh()

    @Slot()
    def clear_products(self) -> None:
        """Show every product again."""
        self._only = None
        self._refresh()

    @Slot()
    def _forget_products(self) -> None:
        self._only = None  # the refresh of the new data's advice follows

    def _show_only(self) -> None:
        self.only_label.setVisible(self._only is not None)
        self.show_all_button.setVisible(self._only is not None)
        if self._only is not None:
            self.only_label.setText(self.tr("Filtered: {title} ({products}).").format(
                title=self._only[1], products=products(len(self._only[0]))))  # fmt: skip

    # ------------------------------------------------------------------ export
    def export_table(self, path) -> Path:
        """Write the rows shown to a CSV or XLSX file (see :class:`AdviceTable`)."""
        return self.advice.export_table(path)

    @Slot()
    def export_dialog(self) -> None:
        """Ask for a file name and write the recommendations there."""
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export recommendations"), "recommendations.csv",
            self.tr("CSV (Excel) (*.csv);;Excel workbook (*.xlsx)"))  # fmt: skip
        if not path:
            return
        if not Path(path).suffix:
            path += ".xlsx" if "xlsx" in chosen else ".csv"
        try:
            written = self.export_table(path)
        except (InputError, OSError, ValueError) as exc:
            self.fail(error_text(exc))
            return
        self.sig_status.emit(self.tr("Written: {path}").format(path=str(written)))

    # ---------------------------------------------------------- purchase orders
    @Slot()
    def open_purchase_orders(self) -> PurchaseView:
        """Show the Purchase orders window; its supplier table's lead times, MOQs, pack
        sizes and unit costs come back through :meth:`_set_stock`."""
        self.purchase_view = purchase_window(self, self.purchase_view, self._set_stock)
        return self.purchase_view

    def shutdown(self, msecs: int = 30000) -> None:
        super().shutdown(msecs)
        if self.purchase_view is not None:
            self.purchase_view.shutdown(msecs)

if __name__ == "__main__":  # pragma: no cover - python -m ui.views.recommendations_view
    raise SystemExit(run_preview(RecommendationsView, stage="forecast",
                                 then=RecommendationsView.run_recommend))  # fmt: skip
