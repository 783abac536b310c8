"""Before/after of cleaning one product: a chart of both series and the changed values.

The curves are created once and ``setData``'d; dates are UTC seconds on a
``DateAxisItem(utcOffset=0)``. The preview itself is core's
:func:`~core.data.cleaning.preview` (one product, milliseconds), so it follows the form as the
user changes it, before anything is applied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
)

from core.data import CleaningOptions, preview
from ui.i18n import error_text

__all__ = ["CleaningPreview", "to_seconds"]

_BEFORE, _AFTER, _CHANGED = "#9e9e9e", "#1f5fa8", "#e0731d"


def to_seconds(ds) -> np.ndarray:
    """Datetimes as float UTC seconds (what DateAxisItem expects)."""
    return pd.to_datetime(pd.Series(ds)).to_numpy().astype("datetime64[ns]").astype(np.int64) / 1e9


class CleaningPreview(QGroupBox):
    """One product before and after cleaning (see module doc).

    Signals
    -------
    sig_product_changed
        The user chose another product.
    """

    sig_product_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.product = QComboBox()
        self.product.setObjectName("previewProduct")
        self.product.setMaxVisibleItems(25)
        self.product.setMinimumContentsLength(24)
        self.product.currentIndexChanged.connect(self._product_chosen)
        self.product_label = QLabel()
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem("bottom", utcOffset=0)})
        self.plot.setObjectName("previewPlot")
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setMinimumHeight(200)
        self.legend = self.plot.addLegend(offset=(8, 4), colCount=3,
                                          brush=pg.mkBrush(255, 255, 255, 210))  # fmt: skip
        self.before = self.plot.plot(pen=pg.mkPen(_BEFORE, width=3), connect="finite")
        self.after = self.plot.plot(pen=pg.mkPen(_AFTER, width=1.4), connect="finite")
        self.changed = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(_CHANGED), pen=None)
        self.plot.addItem(self.changed)
        self.counts = QLabel()
        self.counts.setObjectName("changeCounts")
        self.counts.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.product_label)
        top.addWidget(self.product, 1)
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.plot)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.stack, 1)
        box.addWidget(self.counts)
        self._raw = None
        self._options = CleaningOptions()
        self._frame: pd.DataFrame | None = None
        self._applied: pd.Series | None = None
        self._error = ""
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.setTitle(self.tr("Before and after cleaning"))
        self.product_label.setText(self.tr("Product"))
        self.placeholder.setText(self.tr("Import a sales file to preview the cleaning."))
        self.legend.clear()
        self.legend.addItem(self.before, self.tr("Imported"))
        self.legend.addItem(self.after, self.tr("Cleaned"))
        self.legend.addItem(self.changed, self.tr("Changed"))
        self._show_counts()

    def _step_names(self) -> dict:
        return {"duplicates": self.tr("rows merged"), "negatives": self.tr("negatives set to 0"),
                "gaps": self.tr("periods inserted"), "fill": self.tr("values filled"),
                "outliers": self.tr("values clipped"),
                "stockouts": self.tr("stock-out days given a demand estimate")}  # fmt: skip

    def set_data(self, raw, changes: pd.DataFrame | None, options=None) -> None:
        """Offer ``raw``'s products and preview ``options`` (default: the last ones).

        ``changes`` is the applied cleaning's change table.
        """
        # Same import re-cleaned: stay on the user's product; a new import: the busiest one.
        current = self.current_product() if raw is self._raw else None
        self._raw = raw
        self._applied = None if changes is None else changes["step"].value_counts(sort=False)
        self.product.blockSignals(True)
        self.product.clear()
        if raw is not None:
            series = raw.series
            ids = series["unique_id"].astype(str)
            labels = ids + ("  " + series["name"].astype(str) if "name" in series else "")
            for uid, label in zip(ids, labels, strict=True):
                self.product.addItem(label, uid)
            busiest = None
            if changes is not None and len(changes):
                busiest = str(changes["unique_id"].value_counts().index[0])
            self.product.setCurrentIndex(max(self.product.findData(current or busiest), 0))
        self.product.blockSignals(False)
        self.update_preview(options or self._options)

    def current_product(self) -> str | None:
        return self.product.currentData()

    def select_product(self, unique_id: str) -> None:
        """Show ``unique_id`` (as if the user chose it)."""
        self.product.setCurrentIndex(max(self.product.findData(unique_id), 0))

    @Slot()
    def _product_chosen(self) -> None:
        self.update_preview(self._options)
        self.sig_product_changed.emit()

    def update_preview(self, options: CleaningOptions) -> None:
        """Preview ``options`` on the chosen product."""
        self._options = options
        uid = self.current_product()
        self._frame, self._error = None, ""
        if self._raw is not None and uid is not None:
            try:
                self._frame = preview(self._raw, uid, options)
            except Exception as exc:  # noqa: BLE001 - shown under the chart
                self._error = error_text(exc)
        frame = self._frame
        if frame is None or frame.empty:
            for item in (self.before, self.after):
                item.setData([], [])
            self.changed.setData([], [])
        else:
            x = to_seconds(frame["ds"])
            self.before.setData(x, frame["before"].to_numpy())
            self.after.setData(x, frame["after"].to_numpy())
            hit = (frame["step"] != "").to_numpy()
            self.changed.setData(x[hit], frame["after"].to_numpy()[hit])
            self.plot.enableAutoRange()
        self._show_counts()

    def changed_counts(self) -> dict[str, int]:
        """Step -> number of values of the shown product that the preview changes."""
        if self._frame is None:
            return {}
        steps = self._frame["step"][self._frame["step"] != ""].str.split(",").explode()
        return {str(k): int(v) for k, v in steps.value_counts(sort=False).items()}

    def _describe(self, counts: dict) -> str:
        names = self._step_names()
        return ", ".join(f"{n:,} {names.get(step, step)}" for step, n in counts.items())

    def _show_counts(self) -> None:
        if self._error:
            self.counts.setText(self._error)
            return
        self.stack.setCurrentWidget(self.plot if self._raw is not None else self.placeholder)
        self.product.setEnabled(self._raw is not None)
        if self._raw is None:
            self.counts.setText("")
            return
        counts = self.changed_counts()
        n = int(((self._frame["step"] != "").sum()) if self._frame is not None else 0)
        lines = [self.tr("This product: {n} values changed ({what}).").format(
            n=n, what=self._describe(counts)) if n else self.tr(
            "This product: nothing to change with these options.")]  # fmt: skip
        applied = self._applied
        total = int(applied.sum()) if applied is not None else 0
        lines.append(self.tr("All products, as applied: {n} changes ({what}).").format(
            n=f"{total:,}", what=self._describe(dict(applied))) if total else self.tr(
            "All products, as applied: no value was changed."))  # fmt: skip
        self.counts.setText("\n".join(lines))
