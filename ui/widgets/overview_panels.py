"""The pieces of the Overview: a clickable card, the stage-mix bar chart, the ABC x XYZ table.

They show what they are given (texts already in the UI language) and report clicks;
:class:`~ui.views.overview_view.OverviewView` fills them from the core Overview.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.analysis import ABC, XYZ
from ui.widgets.forecast_plot import STAGE_COLORS

__all__ = ["AbcXyzTable", "OverviewCard", "StageMixChart"]


class OverviewCard(QFrame):
    """One attention item: a number, what it counts, a figure and a few products.

    A click (or Enter / Space when focused) emits ``sig_clicked(key)``.
    """

    sig_clicked = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("overviewCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet("#overviewCard { background: white; border: 1px solid #c9d2dc;"
                           " border-radius: 6px; } #overviewCard:focus { border-color: #1565c0; }")  # fmt: skip
        self.number, self.label = QLabel(), QLabel()
        self.figure, self.products = QLabel(), QLabel()
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 2.1)
        font.setBold(True)
        self.number.setFont(font)
        self.label.setStyleSheet("font-weight: bold;")
        self.figure.setStyleSheet("color: #555;")
        self.products.setStyleSheet("color: #333;")
        for w in (self.label, self.figure, self.products):
            w.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(3)
        for w in (self.number, self.label, self.figure):
            layout.addWidget(w)
        layout.addWidget(self.products, 1, Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_content(self, number: str, label: str, figure: str, lines: list[str]) -> None:
        self.number.setText(number)
        self.label.setText(label)
        self.figure.setText(figure)
        self.figure.setVisible(bool(figure))
        self.products.setText("\n".join(lines))

    def click(self) -> None:
        self.sig_clicked.emit(self.key)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.click()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.click()
            return
        super().keyPressEvent(event)


class StageMixChart(pg.PlotWidget):
    """Products per lifecycle stage as bars in the stages' colours, the count on each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stagePlot")
        self.setBackground("w")
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.setMinimumHeight(150)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.62, pen=None)
        self.addItem(self.bars)
        self.labels: list[pg.TextItem] = []

    def show_mix(self, mix: dict, names: dict, axis_label: str) -> None:
        """``mix``: stage -> products; ``names``: stage -> its name on the axis."""
        for label in self.labels:
            self.removeItem(label)
        stages = list(mix)
        x = np.arange(len(stages), dtype=float)
        heights = np.array([mix[s] for s in stages], dtype=float)
        brushes = [pg.mkBrush(*STAGE_COLORS.get(s, STAGE_COLORS["inactive"])[:3], 230)
                   for s in stages]  # fmt: skip
        self.bars.setOpts(x=x, height=heights, brushes=brushes)
        self.labels = []
        for xi, h in zip(x, heights, strict=True):
            label = pg.TextItem(f"{h:.0f}", color="#222", anchor=(0.5, 1.0))
            label.setPos(xi, h)
            self.addItem(label)
            self.labels.append(label)
        self.getAxis("bottom").setTicks(
            [[(float(i), names.get(s, s)) for i, s in enumerate(stages)]]
        )
        self.getAxis("left").setLabel(axis_label)
        top = float(heights.max()) if len(heights) else 1.0
        self.setXRange(-0.6, len(stages) - 0.4, padding=0)
        self.setYRange(0, top * 1.18 + 1, padding=0)

    def counts(self) -> list[float]:
        """The bar heights shown (for checks)."""
        return [float(h) for h in self.bars.opts["height"]]


class AbcXyzTable(QTableWidget):
    """The 3 x 3 counts of ABC (rows) x XYZ (columns); a click on a cell emits
    ``sig_cell_clicked(abc, xyz)``."""

    sig_cell_clicked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(len(ABC), len(XYZ), parent)
        self.setObjectName("abcTable")
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.setMinimumHeight(150)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(60)
        self.cellClicked.connect(self._clicked)

    def set_labels(self, rows: list[str], columns: list[str]) -> None:
        self.setVerticalHeaderLabels(rows)
        self.setHorizontalHeaderLabels(columns)

    def show_counts(self, counts: pd.DataFrame) -> None:
        """``counts``: products per class, index ``A, B, C`` and columns ``X, Y, Z``."""
        for r, abc in enumerate(ABC):
            for c, xyz in enumerate(XYZ):
                cell = QTableWidgetItem(f"{int(counts.loc[abc, xyz]):,}")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                font = cell.font()
                font.setPointSizeF(font.pointSizeF() * 1.3)
                cell.setFont(font)
                self.setItem(r, c, cell)

    @Slot(int, int)
    def _clicked(self, row: int, column: int) -> None:
        self.sig_cell_clicked.emit(ABC[row], XYZ[column])
