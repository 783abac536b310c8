"""Step 1, Import: open a shop export, check how it was read, fix the column mapping.

The import runs in a worker (:func:`~core.analysis.import_task.run_import`: read, import,
clean) with a stage bar and Cancel. A success replaces the session's data
(:meth:`~ui.session.Session.set_data`); a failure shows a readable dialog and leaves the
previous data untouched. Everything shown (summary, file details, mapping, the imported
rows, the validation and cleaning report) is read back from the session whenever its
data changes, so a project opened elsewhere shows here too.

The summary names the holiday calendar the data points to (a country or currency
column, currency signs, Chinese headers: :mod:`core.data.region`). An import sets the
training region to that suggestion unless the user chose one (another region than the
one this view last set); the Features view is where it is changed.

Run on its own with the sample shop: ``python -m ui.views.import_view [FILE]``.
"""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.analysis import ImportResult, run_import
from core.data import ImportOptions, freq_kind, peek_columns
from ui.i18n import pick, products
from ui.models.dataframe_model import DataFrameModel
from ui.preview import run_preview
from ui.views.base import BaseView, heading, placeholder_stack
from ui.widgets.big_table import BigTableView
from ui.widgets.import_panels import MappingPanel, SourcePanel
from ui.widgets.import_report import ReportTable
from ui.workers.task_worker import TaskRunner

__all__ = ["ImportView"]

#: Canonical columns first, in this order; the rest (extra features) follow.
_COLUMN_ORDER = ("unique_id", "ds", "y", "price", "promo", "stock", "revenue")


class ImportView(BaseView):
    """The import step (see module doc).

    Signals
    -------
    sig_failed(message, details)
        An import failed; emitted after the error dialog was shown.
    """

    sig_failed = Signal(str, str)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.runner = TaskRunner(self)
        self.runner.sig_progress.connect(self._on_progress)
        self.runner.sig_finished.connect(self._on_finished)
        self.runner.sig_failed.connect(self._on_failed)
        self.runner.sig_cancelled.connect(self._on_cancelled)
        self.runner.sig_running.connect(self._on_running)
        #: (path, options, source_bytes) of the import running now.
        self._pending: tuple[str, ImportOptions, bytes | None] | None = None
        #: The file the forms refer to: (path, options, source_bytes, columns, sheets).
        self._target: tuple[str, ImportOptions, bytes | None, list, list] | None = None
        self._shown_raw = None
        #: The training region nobody chose: the one at start, then the last suggestion.
        self._auto_region = session.train_settings.region
        self._build()
        session.sig_data_changed.connect(self.refresh)
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.title_label = heading()
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.open_button = QPushButton()
        self.open_button.setObjectName("openButton")
        self.open_button.clicked.connect(self.open_file_dialog)
        self.drop_hint = QLabel()
        self.drop_hint.setObjectName("dropHint")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.drop_hint, 1)
        self.progress_row = QWidget()
        self.stage_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 3)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.stage_label)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.progress_row.hide()
        self.source_panel = SourcePanel()
        self.source_panel.sig_changed.connect(self.reload_with_source_options)
        self.mapping_panel = MappingPanel()
        self.mapping_panel.sig_apply.connect(self.apply_mapping)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 6, 0)
        left_box.addWidget(self.source_panel)
        left_box.addWidget(self.mapping_panel)
        left_box.addStretch(1)
        left.setMinimumWidth(300)
        left.setMaximumWidth(380)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._build_preview())
        self.report_box = QGroupBox()
        self.report = ReportTable()
        QVBoxLayout(self.report_box).addWidget(self.report)
        right.addWidget(self.report_box)
        right.setSizes([420, 260])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        body.setChildrenCollapsible(False)
        self.next_button = QPushButton()
        self.next_button.setObjectName("nextButton")
        self.next_button.clicked.connect(self._next)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.next_button)
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 14, 18, 14)
        root.setSpacing(8)
        for widget in (self.title_label, self.subtitle):
            root.addWidget(widget)
        root.addLayout(top)
        root.addWidget(self.progress_row)
        root.addWidget(self.summary)
        root.addWidget(body, 1)
        root.addLayout(bottom)

    def _build_preview(self) -> QGroupBox:
        self.preview_box = QGroupBox()
        self.model = DataFrameModel(parent=self)
        self.table = BigTableView()  # a whole file: rows selected, searched, sorted at once
        self.table.setObjectName("previewTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setMinimumSectionSize(96)
        self.table.verticalHeader().hide()  # "Row in file" is the number that means something
        self.placeholder, self.preview_stack = placeholder_stack(self.preview_box, self.table)
        return self.preview_box

    # ------------------------------------------------------------- language
    def title(self) -> str:
        return self.tr("Import")

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.title_label.setText(self.tr("Import sales data"))
        self.subtitle.setText(self.tr("Open the sales export of your shop (CSV or Excel). SkuCast "
                                      "finds the date, product and sales columns and checks "
                                      "every row; check the result below."))  # fmt: skip
        self.open_button.setText(self.tr("Open file..."))
        self.drop_hint.setText(self.tr("or drop a CSV or Excel file on the window"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.next_button.setText(self.tr("Next: features"))
        self.preview_box.setTitle(self.tr("Imported rows"))
        self.report_box.setTitle(self.tr("Checks and cleaning"))
        self.placeholder.setText(self.tr("No data yet.\nOpen a sales file to see its rows here."))
        for widget in (self.source_panel, self.mapping_panel, self.report):
            widget.retranslate()
        self.model.set_headers(self._headers())
        self._show_summary()

    def _headers(self) -> dict:
        return {"unique_id": self.tr("Product"), "ds": self.tr("Date"), "y": self.tr("Units sold"),
                "price": self.tr("Price"), "promo": self.tr("Promotion"),
                "stock": self.tr("Stock"), "revenue": self.tr("Revenue"),
                "_row": self.tr("Row in file")}  # fmt: skip

    def _show_summary(self) -> None:
        data = self.session.dataset
        if data is None:
            self.summary.setText(self.tr("No data loaded."))
            return
        first, last = data.date_range
        freq = {"D": self.tr("daily"), "W": self.tr("weekly"), "M": self.tr("monthly")}
        name = html.escape(Path(str(self.session.source_path or "")).name)
        self.summary.setText(self.tr("<b>{name}</b>: {products}, {rows} rows, {a} to {b}, "
                                     "{freq}").format(name=name, products=products(data.n_series),
                                     rows=f"{len(data.frame):,}", a=f"{first:%Y-%m-%d}",
                                     b=f"{last:%Y-%m-%d}", freq=freq[freq_kind(data.freq)])
                             + self._region_text())  # fmt: skip

    def _region_text(self) -> str:
        """The suggested holiday calendar, its signal and the one in use ("" if none)."""
        raw = self.session.raw
        found = (raw.roles or {}).get("region") if raw is not None else None
        if not found:
            return ""
        names = {"CN": self.tr("China"), "US": self.tr("United States"),
                 "GB": self.tr("United Kingdom"), "intl": self.tr("International")}  # fmt: skip
        column = html.escape(str(found.get("column") or ""))
        signals = {"country": self.tr("the country column '{column}'"),
                   "currency": self.tr("the currency column '{column}'"),
                   "symbol": self.tr("the currency signs in '{column}'"),
                   "headers": self.tr("the column names")}  # fmt: skip
        signal = signals.get(found["signal"], found["signal"]).format(column=column)
        used = self.session.train_settings.region
        if used == found["region"]:
            text = self.tr("Holidays: {region} suggested from {signal} ({evidence}). In use; "
                           "change it under Features.")  # fmt: skip
        else:
            text = self.tr("Holidays: {region} suggested from {signal} ({evidence}). In use: "
                           "{used}, as chosen under Features.")  # fmt: skip
        return "<br>" + text.format(
            region=names.get(found["region"], found["region"]), signal=signal,
            evidence=html.escape(pick(str(found.get("evidence", "")),
                                      str(found.get("evidence_zh") or found.get("evidence", "")))),
            used=names.get(used, used))  # fmt: skip

    def _suggest_region(self, raw) -> None:
        """Train with the region the data suggests unless the user chose one."""
        found = (raw.roles or {}).get("region")
        settings = self.session.train_settings
        if found and settings.region == self._auto_region and found["region"] != settings.region:
            self.session.set_train_settings(replace(settings, region=found["region"]))
            self._auto_region = found["region"]

    def showEvent(self, event) -> None:  # noqa: N802
        self._show_summary()  # the region may have been chosen in another view
        super().showEvent(event)

    # ------------------------------------------------------------- importing
    def runners(self) -> list:
        return [self.runner]

    @Slot()
    def open_file_dialog(self) -> None:
        """Ask for a sales file and import it."""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open sales file"), "", self.tr(
            "Sales files (*.csv *.txt *.tsv *.gz *.xlsx *.xlsm);;All files (*)"))  # fmt: skip
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        """Import ``path`` with detected settings in a worker; False while one runs."""
        return self._start(str(path), ImportOptions(), None)

    @Slot()
    def apply_mapping(self) -> bool:
        """Re-import the current file with the chosen columns and read options."""
        if self._target is None:
            return False
        path, options, source_bytes, _, _ = self._target
        options = replace(options, **self.source_panel.read_options(),
                          **self.mapping_panel.choice())  # fmt: skip
        return self._start(path, options, source_bytes)

    @Slot()
    def reload_with_source_options(self) -> bool:
        """Re-import with another encoding, separator or sheet (columns detected again)."""
        if self._target is None:
            return False
        path, options, source_bytes, _, _ = self._target
        options = replace(options, **self.source_panel.read_options(), date_col=None,
                          id_cols=None, target_col=None, roles=None)  # fmt: skip
        return self._start(path, options, source_bytes)

    def _start(self, path: str, options: ImportOptions, source_bytes: bytes | None) -> bool:
        if self.runner.is_running():
            self.sig_status.emit(self.tr("Please wait: an import is still running."))
            return False
        self._pending = (path, options, source_bytes)
        self.stage_label.setText(self.tr("Reading {name}...").format(name=Path(path).name))
        self.progress.setValue(0)
        return self.runner.start(run_import, path, options, self.session.cleaning_options,
                                 source_bytes)  # fmt: skip

    @Slot()
    def cancel(self) -> None:
        """Stop the running import; the previous data stays."""
        self.runner.cancel()

    @Slot(object)
    def _on_progress(self, event: dict) -> None:
        name = Path(self._pending[0]).name if self._pending is not None else ""
        stages = {"reading": self.tr("Reading {name}...").format(name=name),
                  "importing": self.tr("Checking columns, dates and quantities..."),
                  "cleaning": self.tr("Cleaning...")}  # fmt: skip
        text = stages.get(event.get("stage"), "")
        if "bytes_total" in event:  # a big file, read part by part
            text = self.tr("Reading {name} part by part: {done} of {total} MB").format(
                name=name,
                done=f"{event['bytes_done'] >> 20:,}",
                total=f"{event['bytes_total'] >> 20:,}",
            )
        self.stage_label.setText(text)
        self.progress.setValue(int(event.get("done", 0)))
        if (event.get("columns") or event.get("sheets")) and self._pending is not None:
            # The forms follow the file being imported, so a failed import can be fixed.
            path, options, _ = self._pending
            self._target = (*self._pending, list(event["columns"]), list(event["sheets"]))
            same = self.session.raw is not None and str(self.session.source_path) == path
            info = self.session.raw.source if same else None
            self.source_panel.set_source(info, options, event["sheets"], path)
            self.mapping_panel.set_columns(event["columns"], None)
            self.mapping_panel.set_choices(options)

    @Slot(object)
    def _on_finished(self, result: ImportResult) -> None:
        self._target = (result.path, result.options, self._pending[2] if self._pending else None,
                        result.columns, result.sheets)  # fmt: skip
        self._pending = None
        self._suggest_region(result.raw)
        self.session.set_data(result.path, result.source_bytes, result.options, result.raw,
                              result.cleaning)  # fmt: skip
        self.sig_status.emit(self.tr("Imported {name}: {products}.").format(
            name=Path(result.path).name, products=products(result.raw.n_series)))  # fmt: skip

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self._pending = None
        self.fail(message, details)
        self.sig_failed.emit(message, details)

    @Slot()
    def _on_cancelled(self) -> None:
        self._pending = None
        self.sig_status.emit(self.tr("Import cancelled; the previous data is kept."))

    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self.session.set_loading(running)
        self.progress_row.setVisible(running)
        self.open_button.setEnabled(not running)
        self.source_panel.setEnabled(not running)
        self.mapping_panel.set_busy(running)
        self.next_button.setEnabled(not running and self.session.has_data)

    # ------------------------------------------------------------ showing
    @Slot()
    def refresh(self) -> None:
        """Show the session's data: summary, forms, imported rows and report."""
        raw, cleaning = self.session.raw, self.session.cleaning
        self.next_button.setEnabled(cleaning is not None and not self.runner.is_running())
        self._show_summary()
        if raw is None or cleaning is None:
            self.preview_stack.setCurrentWidget(self.placeholder)
            self.report.clear_report()
            return
        self.report.set_findings(raw.report.findings, cleaning.report.findings)
        if raw is self._shown_raw:
            return  # only the cleaning changed
        self._shown_raw = raw
        frame = raw.frame
        order = [c for c in _COLUMN_ORDER if c in frame] + [c for c in frame if c not in
                                                          _COLUMN_ORDER and c != "_row"]  # fmt: skip
        self.model.set_frame(frame[[*order, "_row"]], self._headers())
        self.table.resizeColumnsToContents()
        self.preview_stack.setCurrentWidget(self.table)
        self._sync_forms(raw)

    def _sync_forms(self, raw) -> None:
        path = str(self.session.source_path or raw.source.path)
        target = self._target
        if target is None or target[0] != path:
            # Data from elsewhere (a project): read the header from the embedded bytes.
            options, data = self.session.import_options, self.session.source_bytes
            columns, sheets = peek_columns(path, data, options)
            target = (path, options, None if Path(path).is_file() else data, columns, sheets)
        self._target = target
        self.source_panel.set_source(raw.source, target[1], target[4])
        self.mapping_panel.set_columns(target[3], raw.mapping)
        self.mapping_panel.set_choices(target[1])

    @Slot()
    def _next(self) -> None:
        self.sig_goto.emit(1)


if __name__ == "__main__":  # pragma: no cover - python -m ui.views.import_view [FILE]
    raise SystemExit(run_preview(ImportView, stage="file"))
