"""Forecast step: forecast every product, look at one at a time, export.

The *Forecast* button runs :func:`core.analysis.decision_tasks.forecast_task` (the trained
model's forecast for ``train_settings`` horizon and levels, reading the session's plan
of promotions and prices, then the lifecycle stages) in a child process, as training
does: the life-curve fits are seconds of Python that would hold the window's interpreter
from a thread, and a packed model is loaded there, so Keras never enters the window's
process. The result is stored in the session; after a training the forecast starts by itself
(:meth:`ForecastView.follow_training`) and ``sig_followed`` lets the recommendations follow.
Left a product picker, in the middle the chart (:class:`~ui.widgets.forecast_plot.ForecastPlot`),
right the product's stage, its reason and the next stage. Exports: the forecasts as CSV/XLSX
(:func:`core.data.export.write_forecast`; expected sales and median, headed in the UI
language), the chart as PNG/SVG. The status line names a festival lift ETS took out.

``python -m ui.views.forecast_view`` opens the view on the bundled sample shop (a
seasonal-naive model, the forecast made in a worker once the window shows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.analysis import archive_path, forecast_task, sendable, write_forecast_file
from core.data import ProductRows, sales_ranking
from core.errors import InputError
from core.forecast import festival_lift_of
from core.periods import period_days
from core.recommend import festival_calendar
from ui.i18n import core_lang, error_text, pick, products
from ui.preview import run_preview
from ui.views.base import BaseView
from ui.widgets.forecast_plot import ForecastPlot
from ui.widgets.product_picker import ProductInfo, ProductPicker
from ui.widgets.step_progress import StepProgress
from ui.workers.task_worker import ProcessRunner

__all__ = ["ForecastView"]

#: Days of history shown before the forecast (the span choices); None: all of it.
_SPANS = (91, 182, 365, None)


class ForecastView(BaseView):
    """The Forecast step (see module doc)."""

    # emitted when a forecast that followed a training is in the session (the advice follows)
    sig_followed = Signal()

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.runner = ProcessRunner(self)
        self._following = False  # the running forecast follows a training
        self._rows = ProductRows()  # one product's rows without a scan per click
        self._ranking: pd.DataFrame | None = None
        self._job_plan: str | None = None  # the plan file the running forecast reads
        self._build()
        self._connect()
        self._rank()
        self.retranslate()  # fills the view

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.forecast_button = QPushButton()
        self.forecast_button.setDefault(True)
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        self.progress = StepProgress(bar_width=160)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.span_combo = QComboBox()
        self.export_forecast_button = QPushButton()
        self.export_chart_button = QPushButton()
        bar = QHBoxLayout()
        for w in (self.forecast_button, self.cancel_button, self.progress):
            bar.addWidget(w)
        bar.addWidget(self.status_label, 1)
        self.span_label = QLabel()
        for w in (self.span_label, self.span_combo, self.export_forecast_button,
                  self.export_chart_button):  # fmt: skip
            bar.addWidget(w)

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.goto_button = QPushButton()
        hint = QWidget()
        hint_layout = QVBoxLayout(hint)
        hint_layout.addStretch(1)
        hint_layout.addWidget(self.hint_label)
        hint_layout.addWidget(self.goto_button, 0, Qt.AlignmentFlag.AlignHCenter)
        hint_layout.addStretch(2)

        self.picker = ProductPicker()
        self.plot = ForecastPlot()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.picker)
        self.splitter.addWidget(self.plot)
        self.info = ProductInfo()
        self.splitter.addWidget(self.info)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 820, 270])
        self.stack = QStackedWidget()
        self.stack.addWidget(hint)
        self.stack.addWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def _connect(self) -> None:
        self.forecast_button.clicked.connect(self.run_forecast)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.goto_button.clicked.connect(self._goto_training)
        self.export_forecast_button.clicked.connect(self.export_forecast_dialog)
        self.export_chart_button.clicked.connect(self.export_chart_dialog)
        self.span_combo.currentIndexChanged.connect(self._show_product)
        self.picker.sig_product_changed.connect(self._show_product)
        self.runner.sig_running.connect(self._running)
        self.runner.sig_progress.connect(self._progress)
        self.runner.sig_finished.connect(self._finished)
        self.runner.sig_failed.connect(self.fail)
        self.runner.sig_cancelled.connect(self._cancelled)
        # new data or a new model is always followed by sig_forecast_changed: one refresh
        self.session.sig_data_changed.connect(self._rank)
        self.session.sig_forecast_changed.connect(self._refresh)

    # --------------------------------------------------------------- language
    def title(self) -> str:
        return self.tr("Forecast")

    def retranslate(self) -> None:
        self.forecast_button.setText(self.tr("Forecast"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.span_label.setText(self.tr("History shown:"))
        spans = [self.tr("Last 3 months"), self.tr("Last 6 months"), self.tr("Last year"),
                 self.tr("All history")]  # fmt: skip
        if self.span_combo.count() == 0:
            self.span_combo.addItems(spans)
            self.span_combo.setCurrentIndex(1)
        for i, text in enumerate(spans):
            self.span_combo.setItemText(i, text)
        self.export_forecast_button.setText(self.tr("Export forecasts..."))
        self.export_chart_button.setText(self.tr("Export chart..."))
        self.goto_button.setText(self.tr("Go to training"))
        self.info.retranslate()
        self.picker.retranslate()
        self.plot.retranslate()
        self._refresh()

    def runners(self) -> list:
        return [self.runner]

    # ---------------------------------------------------------------- refresh
    @Slot()
    def _rank(self) -> None:
        """Rank the products of new data (the refresh follows with sig_forecast_changed)."""
        s, _ = self.session, self._rows.clear()  # the old tables' indexes go with them
        self._ranking = None if s.frames is None else sales_ranking(s.frames, s.dataset)

    @Slot()
    def _refresh(self) -> None:
        s = self.session
        ready = s.frames is not None and (s.model is not None or s.forecast is not None)
        self.stack.setCurrentIndex(1 if ready else 0)
        self.hint_label.setText(
            self.tr("Open a sales file first (step 1).") if s.frames is None else
            self.tr("No trained model yet. Train a model first, then come back to forecast.")
        )  # fmt: skip
        self.goto_button.setVisible(s.frames is not None)
        busy = self.runner.is_running()
        self.forecast_button.setEnabled(s.model is not None and not busy)
        has_fc = s.forecast is not None
        self.export_forecast_button.setEnabled(has_fc)
        self.export_chart_button.setEnabled(ready)
        for widget in (self.span_label, self.span_combo):
            widget.setVisible(ready)
        if not busy:
            self.status_label.setText(self._summary())
        current = self.picker.current()
        self.picker.set_products(self._ranking, s.stages)
        if current is None and has_fc and self.picker.visible_ids():
            ids = set(s.forecast["unique_id"])
            first = next((u for u in self.picker.visible_ids() if u in ids), None)
            if first is not None:
                self.picker.select(first)
        self._show_product()

    def _summary(self) -> str:
        s = self.session
        if s.forecast is None:
            if s.model is None:
                return ""
            text = self.tr("Press Forecast to forecast the next {n} periods.").format(n=s.train_settings.horizon_for(s.freq))  # fmt: skip
            if s.plan is not None:
                text += " " + self.tr("The plan {name} goes with it.").format(name=s.plan_name)
            return text
        periods = int(s.forecast.groupby("unique_id").size().max())
        levels = "/".join(str(c[3:]) for c in s.forecast.columns if c.startswith("lo_"))
        text = self.tr("{products} forecast {h} periods ahead ({levels}% intervals).").format(products=products(s.forecast["unique_id"].nunique()), h=periods, levels=levels)  # fmt: skip
        lift = festival_lift_of(s.model)  # what ETS took out of the sales and put back
        if lift is not None:
            text += " " + self.tr("ETS fitted the sales without the shop's festival lift and put it back into the forecast: {lifts}.").format(lifts=lift.describe(core_lang()))  # fmt: skip
        return text + self._plan_note()

    def _plan_note(self) -> str:
        """What the forecast did with a plan file (empty when made without one)."""
        used = self.session.forecast_plan
        if not used:
            return ""
        read, name = set(used.get("columns", [])), used.get("name", "")
        if read >= {"promo", "price"}:
            text = self.tr("Planned promotions and prices from {name} used.")
        elif "promo" in read:
            text = self.tr("Planned promotions from {name} used.")
        elif "price" in read:
            text = self.tr("Planned prices from {name} used.")
        else:
            text = self.tr("{name} was not used: this model does not read planned promotions or prices.")  # fmt: skip
        return " " + text.format(name=name)

    # ------------------------------------------------------------ one product
    def _frames_of(self, uid: str) -> dict:
        """History, forecast, stages, festivals and fit of ``uid`` for the chart."""
        s, rows = self.session, self._rows.rows
        history = rows("full", s.frames.full, uid)[["ds", "y"]].sort_values("ds")
        fc = rows("forecast", s.forecast, uid)
        span = (
            _SPANS[self.span_combo.currentIndex()] if self.span_combo.currentIndex() >= 0 else None
        )
        if span is not None and len(history):
            history = history[history["ds"] > history["ds"].max() - pd.Timedelta(days=span)]
        start = history["ds"].min() if len(history) else None
        stages = None
        if s.stage_history is not None and start is not None:
            sh = rows("stage_history", s.stage_history, uid)
            stages = sh[sh["ds"] >= start]
        end = fc["ds"].max() if fc is not None and len(fc) else history["ds"].max()
        festivals = None
        if start is not None:
            festivals = festival_calendar(start, end, region=s.train_settings.region)
        return {"history": history, "forecast": fc, "stages": stages, "festivals": festivals,
                "fit": self._fit_of(uid, start), "step_days": period_days(s.freq)}  # fmt: skip

    def _fit_of(self, uid: str, start) -> pd.DataFrame | None:
        table = self.session.fit_table()
        if table is None or start is None or "model" not in table:
            return None
        rows = self._rows.rows("fit", table, uid)
        rows = rows[(rows["model"] == self.session.train_settings.model) & (rows["ds"] >= start)]
        return rows.sort_values("ds")[["ds", "forecast"]].dropna() if len(rows) else None

    @Slot()
    def _show_product(self, *_args) -> None:
        uid = self.picker.current()
        s = self.session
        if uid is None or s.frames is None:
            self.plot.clear_data()
            self.plot.set_title("")
            self.info.show_product("", None, None, forecast=False, data=s.frames is not None)
            return
        self.plot.set_data(**self._frames_of(uid))
        label = self._product_name(uid)
        self.plot.set_title(label)
        row = None
        if s.stages is not None:
            match = self._rows.rows("stages", s.stages, uid)
            row = None if match.empty else match.iloc[0]
        fc = self._rows.rows("forecast", s.forecast, uid)
        self.info.show_product(label, row, fc, forecast=s.forecast is not None)

    def _product_name(self, uid: str) -> str:
        r = self._ranking
        match = None if r is None else r.loc[r["unique_id"] == uid, "label"]
        return str(match.iloc[0]) if match is not None and len(match) else uid

    # ----------------------------------------------------------------- forecast
    @Slot()
    def run_forecast(self) -> bool:
        """Forecast every product in a worker; False when nothing was started."""
        s = self.session
        if s.model is None or s.frames is None:
            self.sig_status.emit(self.tr("Train a model first."))
            return False
        if s.loading:  # the data is about to be replaced: its forecast would be dropped
            self.sig_status.emit(self.tr("A sales file is being imported…"))
            return False
        ts = s.train_settings
        horizon = ts.horizon_for(s.freq)
        # a saved project keeps every run in the archive beside it, scored by later imports
        archive = archive_path(s.project_path) if s.project_path is not None else None
        source = s.source_path.name if s.source_path is not None else ""
        started = self.runner.start(forecast_task, sendable(s.model), s.frames, s.freq, horizon,
                                    list(ts.levels), future=s.plan, archive=archive,
                                    source=source)  # fmt: skip
        if started:
            self._job_plan = s.plan_name if s.plan is not None else None
            self.status_label.setText(self.tr("Forecasting..."))
        return started

    @Slot()
    def follow_training(self) -> bool:
        """Forecast with the model just trained (no button press needed)."""
        self._following = self.run_forecast()
        if self._following:
            self.status_label.setText(self.tr("Forecasting with the new model..."))
        return self._following

    @Slot(bool)
    def _running(self, running: bool) -> None:
        if running:
            self.progress.start()
        else:
            self.progress.stop()
        self.cancel_button.setVisible(running)
        self.forecast_button.setEnabled(not running and self.session.model is not None)

    @Slot(object)
    def _progress(self, event) -> None:
        self.progress.show_progress(event)

    @Slot(object)
    def _finished(self, result) -> None:
        name, self._job_plan = self._job_plan, None
        used = None if name is None else {"name": name, "columns": list(result.plan_columns)}
        self.session.set_forecast(result.forecast, result.stages, result.stage_history,
                                  plan_used=used)  # fmt: skip
        kept = "" if result.archived is None else " " + self.tr(
            "Kept in the forecast archive beside the project.")  # fmt: skip
        if result.archive_error is not None:
            kept = " " + pick(*result.archive_error)
        self.sig_status.emit(self._summary() + kept)
        if self._following:
            self._following = False
            self.sig_followed.emit()

    @Slot()
    def _cancelled(self) -> None:
        self._following = False
        self.status_label.setText(self.tr("Forecast cancelled."))

    def fail(self, message: str, details: str = "") -> None:
        self._following = False
        self.status_label.setText(self._summary())
        super().fail(message, details)

    @Slot()
    def _goto_training(self) -> None:
        self.sig_goto.emit(2)

    # ------------------------------------------------------------------ export
    def export_forecast(self, path) -> Path:
        """Write the forecasts (IDs, name and stage first, a ``date`` column) to a CSV or
        XLSX file, with headers in the UI language that tell the expected sales from the
        median, and the products not forecast (stopped selling) with the reason: a second
        sheet, or a second CSV beside the first. Returns the forecast's path."""
        session = self.session
        if session.forecast is None:
            raise InputError("There is no forecast to export yet.", "还没有可导出的预测。")
        return write_forecast_file(session.forecast, session.stages, session.frames,
                                   session.dataset, path, core_lang())[0]  # fmt: skip

    def export_chart(self, path) -> Path:
        """Write the chart shown to a PNG or SVG file (by the suffix)."""
        suffix = Path(path).suffix.lower()
        if suffix == ".svg":
            return self.plot.export_svg(path)
        if suffix == ".png":
            return self.plot.export_png(path)
        raise InputError(f"Cannot write {Path(path).name}: use a .png or .svg file name.",
                         f"无法写入 {Path(path).name}：请使用 .png 或 .svg 文件名。")  # fmt: skip

    def _save_dialog(self, title: str, filters: list[tuple[str, str]], name: str) -> str:
        text = ";;".join(f"{label} (*{suffix})" for label, suffix in filters)
        path, chosen = QFileDialog.getSaveFileName(self, title, name, text)
        if path and not Path(path).suffix:
            suffix = next((s for label, s in filters if chosen.startswith(label)), filters[0][1])
            path += suffix
        return path

    def _export(self, method, path: str) -> None:
        try:
            written = method(path)
        except (InputError, OSError) as exc:
            self.fail(error_text(exc))
            return
        self.sig_status.emit(self.tr("Written: {path}").format(path=str(written)))

    @Slot()
    def export_forecast_dialog(self) -> None:
        """Ask for a file name and write the forecasts there."""
        path = self._save_dialog(self.tr("Export forecasts"), [(self.tr("CSV (Excel)"), ".csv"),
                                 (self.tr("Excel workbook"), ".xlsx")], "forecast.csv")  # fmt: skip
        if path:
            self._export(self.export_forecast, path)

    @Slot()
    def export_chart_dialog(self) -> None:
        """Ask for a file name and write the chart there."""
        name = f"forecast_{self.picker.current() or 'chart'}.png"
        path = self._save_dialog(self.tr("Export chart"), [(self.tr("PNG image"), ".png"),
                                 (self.tr("SVG drawing"), ".svg")], name)  # fmt: skip
        if path:
            self._export(self.export_chart, path)


if __name__ == "__main__":  # pragma: no cover - python -m ui.views.forecast_view
    raise SystemExit(run_preview(ForecastView, stage="forecast"))
