"""Step 2, Features: what the model may learn from, and how the sales are cleaned.

Left, the feature groups of :data:`core.forecast.features.FEATURE_GROUPS` as a checklist with a
line of help each, and the holiday calendar; both are written straight into the
session's :class:`~core.analysis.pipeline.TrainSettings`. Under them the planned
promotions and prices file the forecast uses (:class:`~ui.widgets.plan_panel.PlanPanel`).
Right, the cleaning options with a before/after preview of one product (following the
form as it changes) and "Apply cleaning", which re-cleans the imported data in a worker.
After training, the feature groups' permutation importance is drawn as bars.

Run on its own with the sample shop: ``python -m ui.views.features_view``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.data import clean
from core.festivals import REGIONS
from core.forecast import FEATURE_GROUPS
from ui.i18n import pick
from ui.preview import run_preview
from ui.views.base import BaseView, heading, placeholder_stack
from ui.widgets.cleaning_panel import CleaningPanel
from ui.widgets.cleaning_preview import CleaningPreview
from ui.widgets.plan_panel import PlanPanel
from ui.workers.task_worker import TaskRunner

__all__ = ["FeaturesView"]


def soft_text(widget: QWidget) -> QColor:
    """A quieter text colour for help lines: text blended 40 % towards the background."""
    pal = widget.palette()
    text, back = pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Window)
    return QColor(*(int(0.6 * a + 0.4 * b) for a, b in zip(text.getRgb()[:3], back.getRgb()[:3],
                                                          strict=True)))  # fmt: skip


class FeaturesView(BaseView):
    """The features and cleaning step (see module doc)."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.runner = TaskRunner(self)
        self.runner.sig_finished.connect(self._cleaned)
        self.runner.sig_failed.connect(self.fail)
        self.runner.sig_running.connect(self._on_running)
        self._job = None  # (raw, options) of the cleaning running now
        self._importance_names: list[str] = []
        self._build()
        session.sig_data_changed.connect(self.refresh)
        session.sig_model_changed.connect(self.refresh_importance)
        self.retranslate()
        self.refresh()
        self.refresh_importance()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.title_label, self.subtitle = heading(), QLabel()
        self.subtitle.setWordWrap(True)
        self.groups_box = QGroupBox()
        grid = QGridLayout(self.groups_box)
        grid.setVerticalSpacing(2)
        self.checks: dict[str, QCheckBox] = {}
        self.helps: dict[str, QLabel] = {}
        for row, key in enumerate(FEATURE_GROUPS):
            check, help_label = QCheckBox(), QLabel()
            check.setObjectName(f"group_{key}")
            check.toggled.connect(self._groups_changed)
            help_label.setWordWrap(True)
            help_label.setContentsMargins(22, 0, 0, 6)
            help_label.setStyleSheet(f"color: {soft_text(self).name()};")
            grid.addWidget(check, 2 * row, 0)
            grid.addWidget(help_label, 2 * row + 1, 0)
            self.checks[key], self.helps[key] = check, help_label
        self.groups_note = QLabel()
        self.groups_note.setWordWrap(True)
        grid.addWidget(self.groups_note, 2 * len(FEATURE_GROUPS), 0)
        self.region_box = QGroupBox()
        self.region = QComboBox()
        self.region.setObjectName("regionCombo")
        for code in REGIONS:
            self.region.addItem(code, code)
        self.region.activated.connect(self._region_changed)
        self.region_help = QLabel()
        self.region_help.setWordWrap(True)
        region_box = QVBoxLayout(self.region_box)
        region_box.addWidget(self.region)
        region_box.addWidget(self.region_help)
        left = QVBoxLayout()
        left.addWidget(self.groups_box)
        left.addWidget(self.region_box)
        self.plan_panel = PlanPanel(self.session)
        self.plan_panel.sig_status.connect(self.sig_status)
        left.addWidget(self.plan_panel)
        left.addStretch(1)
        self.cleaning_panel = CleaningPanel()
        self.cleaning_panel.sig_changed.connect(self._options_changed)
        self.cleaning_panel.sig_apply.connect(self.apply_cleaning)
        self.preview = CleaningPreview()
        self.cleaning_panel.setFixedWidth(330)
        clean_row = QHBoxLayout()
        clean_row.addWidget(self.cleaning_panel)
        clean_row.addWidget(self.preview, 1)
        right = QVBoxLayout()
        right.addLayout(clean_row, 3)
        right.addWidget(self._build_importance(), 2)
        body = QHBoxLayout()
        body.addLayout(left, 0)
        body.addLayout(right, 1)
        self.next_button = QPushButton()
        self.next_button.setObjectName("nextButton")
        self.next_button.clicked.connect(self._next)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.next_button)
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 14, 18, 14)
        root.setSpacing(8)
        root.addWidget(self.title_label)
        root.addWidget(self.subtitle)
        root.addLayout(body, 1)
        root.addLayout(bottom)
        self.groups_box.setFixedWidth(380)
        self.region_box.setFixedWidth(380)
        self.plan_panel.setFixedWidth(380)

    def _build_importance(self) -> QGroupBox:
        self.importance_box = QGroupBox()
        self.importance_plot = pg.PlotWidget()
        self.importance_plot.setObjectName("importancePlot")
        self.importance_plot.setBackground("w")
        self.importance_plot.setMouseEnabled(x=False, y=False)
        self.importance_plot.hideButtons()
        self.importance_plot.showGrid(x=True, alpha=0.15)
        self.importance_plot.setMinimumHeight(190)
        self.bars = pg.BarGraphItem(x0=[0], y=[0], height=0.6, width=[0], brush="#1f5fa8", pen=None)
        self.importance_plot.addItem(self.bars)
        self.importance_empty, self.importance_stack = placeholder_stack(
            self.importance_box, self.importance_plot
        )
        return self.importance_box

    # ------------------------------------------------------------- language
    def title(self) -> str:
        return self.tr("Features")

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.title_label.setText(self.tr("Features and cleaning"))
        self.subtitle.setText(self.tr("Choose what the forecasting model may learn from and how "
                                      "gaps, repeated rows and extreme values are cleaned."))  # fmt: skip
        self.groups_box.setTitle(self.tr("Feature groups"))
        for key, group in FEATURE_GROUPS.items():
            self.checks[key].setText(pick(group.name_en, group.name_zh))
            self.helps[key].setText(pick(group.help_en, group.help_zh))
        self.groups_note.setText(self.tr("Used by the LSTM model; the simple baselines do not "
                                         "need them."))  # fmt: skip
        self.region_box.setTitle(self.tr("Holidays and shopping festivals"))
        names = {"CN": self.tr("China (Spring Festival, 618, Double 11)"),
                 "US": self.tr("United States (Black Friday, Prime Day, Christmas)"),
                 "GB": self.tr("United Kingdom (bank holidays, Christmas)"),
                 "intl": self.tr("International (Black Friday, Christmas, Double 11)")}  # fmt: skip
        for i in range(self.region.count()):
            self.region.setItemText(i, names.get(self.region.itemData(i), ""))
        self.region_help.setText(self.tr("The calendar of the market the shop sells to."))
        self.importance_box.setTitle(self.tr("Feature importance"))
        self.importance_empty.setText(self.tr("Train an LSTM model to see which feature groups "
                                              "its forecasts rely on."))  # fmt: skip
        self.importance_plot.setLabel("bottom", self.tr("Share of the importance (%)"))
        self.next_button.setText(self.tr("Next: training"))
        self.cleaning_panel.retranslate()
        self.plan_panel.retranslate()
        self.preview.retranslate()
        self._show_cleaning_state()
        self.refresh_importance()

    # ------------------------------------------------------------- settings
    def runners(self) -> list:
        return [self.runner]

    def show_settings(self) -> None:
        """Show the session's feature groups and region."""
        settings = self.session.train_settings
        chosen = set(settings.feature_groups)
        for key, check in self.checks.items():
            check.blockSignals(True)
            check.setChecked(key in chosen)
            check.blockSignals(False)
        self.region.setCurrentIndex(max(self.region.findData(settings.region), 0))

    def showEvent(self, event) -> None:  # noqa: N802
        self.show_settings()  # another view may have changed the training settings
        super().showEvent(event)

    @Slot(bool)
    def _groups_changed(self, checked: bool) -> None:
        groups = [key for key, check in self.checks.items() if check.isChecked()]
        if not groups:
            # No group at all would silently mean "all groups" to the model.
            sender = self.sender()
            sender.blockSignals(True)
            sender.setChecked(True)
            sender.blockSignals(False)
            self.sig_status.emit(self.tr("Keep at least one feature group."))
            return
        self.session.set_train_settings(replace(self.session.train_settings,
                                                feature_groups=groups))  # fmt: skip

    @Slot()
    def _region_changed(self) -> None:
        self.session.set_train_settings(replace(self.session.train_settings,
                                                region=self.region.currentData()))  # fmt: skip

    # -------------------------------------------------------------- cleaning
    @Slot()
    def refresh(self) -> None:
        """Show the session's settings, cleaning options and data."""
        self.show_settings()
        self.cleaning_panel.blockSignals(True)
        self.cleaning_panel.set_options(self.session.cleaning_options)
        self.cleaning_panel.blockSignals(False)
        cleaning = self.session.cleaning
        changes = None if cleaning is None else cleaning.changes
        self.preview.set_data(self.session.raw, changes, self.cleaning_panel.options())
        self.cleaning_panel.setEnabled(self.session.raw is not None)
        self.next_button.setEnabled(self.session.has_data)
        self._show_cleaning_state()

    @Slot()
    def _options_changed(self) -> None:
        self.preview.update_preview(self.cleaning_panel.options())
        self._show_cleaning_state()

    def _show_cleaning_state(self) -> None:
        if self.runner.is_running():
            text = self.tr("Cleaning...")
        elif self.session.raw is None:
            text = ""
        elif self.cleaning_panel.options() == self.session.cleaning_options:
            text = self.tr("These options are applied.")
        else:
            text = self.tr("Not applied yet: the preview shows the new options.")
            if self.session.model is not None:
                text += " " + self.tr("Applying them drops the trained model.")
        self.cleaning_panel.set_state(text)

    @Slot()
    def apply_cleaning(self) -> bool:
        """Clean the imported data with the form's options in a worker."""
        raw = self.session.raw
        if raw is None or self.runner.is_running():
            return False
        options = self.cleaning_panel.options()
        self._job = (raw, options)
        return self.runner.start(clean, raw, options, progress=False)

    @Slot(object)
    def _cleaned(self, result) -> None:
        raw, options = self._job or (None, None)
        self._job = None
        if raw is not self.session.raw:
            return  # another file was imported meanwhile
        self.session.set_cleaning(options, result)
        n = len(result.changes)
        self.sig_status.emit(self.tr("Cleaning applied: {n} values changed.").format(n=f"{n:,}"))

    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self.cleaning_panel.apply_button.setEnabled(not running)
        self._show_cleaning_state()

    # ------------------------------------------------------------ importance
    @Slot()
    def refresh_importance(self) -> None:
        """Draw the session's feature importance, or say how to get it."""
        table = self.session.importance
        if table is None or len(table) == 0:
            self.importance_stack.setCurrentWidget(self.importance_empty)
            return
        table = table.sort_values("share", ascending=False).reset_index(drop=True)
        n = len(table)
        y = np.arange(n)[::-1].astype(float)  # most important on top
        share = table["share"].to_numpy(dtype=float)
        self.bars.setOpts(x0=np.zeros(n), y=y, height=0.6, width=share)
        names = [pick(en, zh) for en, zh in zip(table["name_en"], table["name_zh"], strict=True)]
        self._importance_names = names
        self.importance_plot.getAxis("left").setTicks([list(zip(y, names, strict=True))])
        self.importance_plot.setXRange(0, max(float(share.max()), 1.0) * 1.05, padding=0)
        self.importance_plot.setYRange(-0.6, n - 0.4, padding=0)
        self.importance_stack.setCurrentWidget(self.importance_plot)

    def importance_names(self) -> list[str]:
        """The group names on the bars, top first (for tests)."""
        shown = self.importance_stack.currentWidget() is self.importance_plot
        return list(self._importance_names) if shown else []

    @Slot()
    def _next(self) -> None:
        self.sig_goto.emit(2)


if __name__ == "__main__":  # pragma: no cover - python -m ui.views.features_view
    raise SystemExit(run_preview(FeaturesView))
