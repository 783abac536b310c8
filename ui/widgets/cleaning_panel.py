"""The cleaning options form: missing values, outliers, duplicates, negative sales.

Reads and writes a :class:`~core.data.cleaning.CleaningOptions`; every choice a user makes
emits ``sig_changed`` (the view previews it) and "Apply cleaning" emits ``sig_apply``.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from core.data import CleaningOptions

__all__ = ["CleaningPanel"]

#: Option name -> its choices, in display order (core's allowed values).
CHOICES = {
    "fill": ("zero", "ffill", "linear", "mean", "median"),
    "outliers": ("none", "iqr", "sigma"),
    "duplicates": ("sum", "mean", "last"),
    "negatives": ("zero", "keep"),
}


class CleaningPanel(QGroupBox):
    """The cleaning options with an "Apply cleaning" button.

    Signals
    -------
    sig_changed
        The user changed an option (not applied yet).
    sig_apply
        The user asked to clean the data with the chosen options.
    """

    sig_changed = Signal()
    sig_apply = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._base = CleaningOptions()
        self.combos: dict[str, QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, values in CHOICES.items():
            combo = QComboBox()
            combo.setObjectName(f"clean_{name}")
            for value in values:
                combo.addItem(value, value)
            combo.activated.connect(self._user_changed)
            self.combos[name], self.labels[name] = combo, QLabel()
            form.addRow(self.labels[name], combo)
        self.fill_gaps = QCheckBox()
        self.fill_gaps.setObjectName("clean_fill_gaps")
        self.fill_gaps.toggled.connect(self._user_changed)
        form.addRow(self.fill_gaps)
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("applyCleaning")
        self.apply_button.clicked.connect(self.sig_apply)
        self.state = QLabel()
        self.state.setObjectName("cleaningState")
        self.state.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.apply_button)
        box.addWidget(self.state)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("cleaningNote")
        box.addWidget(self.note)
        box.addStretch(1)
        self.set_options(CleaningOptions())
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.setTitle(self.tr("Cleaning"))
        for name, text in (("fill", self.tr("Missing sales")), ("outliers", self.tr("Outliers")),
                           ("duplicates", self.tr("Repeated rows")),
                           ("negatives", self.tr("Negative sales"))):  # fmt: skip
            self.labels[name].setText(text)
        texts = {
            "fill": {"zero": self.tr("0: nothing was sold"),
                     "ffill": self.tr("Last known value"),
                     "linear": self.tr("Line between neighbours"),
                     "mean": self.tr("Product average"), "median": self.tr("Product median")},
            "outliers": {"none": self.tr("Keep all (peaks are real)"),
                         "iqr": self.tr("Clip far outliers (IQR x {k:g})").format(
                             k=self._base.iqr_k),
                         "sigma": self.tr("Clip beyond {s:g} std. dev.").format(
                             s=self._base.sigma)},
            "duplicates": {"sum": self.tr("Add up (order lines)"), "mean": self.tr("Average"),
                           "last": self.tr("Keep the last")},
            "negatives": {"zero": self.tr("Set to 0 (returns)"), "keep": self.tr("Keep")},
        }  # fmt: skip
        for name, combo in self.combos.items():
            for i in range(combo.count()):
                combo.setItemText(i, texts[name][combo.itemData(i)])
        self.combos["outliers"].setToolTip(self.tr(
            "Festival and promotion peaks are real demand: clip only values that are "
            "certainly errors."))  # fmt: skip
        self.fill_gaps.setText(self.tr("Insert missing days, weeks or months"))
        self.apply_button.setText(self.tr("Apply cleaning"))
        self.note.setText(self.tr("Cleaning never changes your file. Every change is listed "
                                  "in the report of the Import step."))  # fmt: skip

    def options(self) -> CleaningOptions:
        """The options as chosen in the form."""
        chosen = {name: combo.currentData() for name, combo in self.combos.items()}
        return replace(self._base, fill_gaps=self.fill_gaps.isChecked(), **chosen)

    def set_options(self, options: CleaningOptions) -> None:
        """Show ``options`` (the thresholds are kept as they are)."""
        self._base = options
        for name, combo in self.combos.items():
            combo.setCurrentIndex(max(combo.findData(getattr(options, name)), 0))
        self.fill_gaps.blockSignals(True)
        self.fill_gaps.setChecked(bool(options.fill_gaps))
        self.fill_gaps.blockSignals(False)
        self.sig_changed.emit()

    def set_state(self, text: str) -> None:
        """A line under the button: applied, pending or running."""
        self.state.setText(text)

    @Slot()
    def _user_changed(self) -> None:
        self.sig_changed.emit()
