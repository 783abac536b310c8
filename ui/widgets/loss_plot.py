"""Live training curves: loss and validation loss per epoch, with the best epoch marked.

The two curves are created once and ``setData`` again after every epoch (pyqtgraph's
``PanningPlot`` pattern), so a long training never piles up plot items. The best epoch
(lowest validation loss, or training loss without a validation split) is marked with a
dashed line and a dot: it is the epoch whose weights the model keeps.

A network trained once for its backtest and then on to the latest data shows both runs
on one axis: the epochs of the second (``part`` ``"final"``) follow those of the first
after a dotted line (the axis title says what it means), the curves are not joined across
it, and the best epoch is looked for in the second run alone (its validation periods are
later than the first run's, so the losses do not compare).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

__all__ = ["LossPlot", "best_epoch"]

_LOSS_COLOR = "#1f77b4"
_VAL_COLOR = "#e8710a"
_BEST_COLOR = "#2e7d32"
_AXIS_COLOR = "#444444"


def best_epoch(loss: list[float], val_loss: list[float]) -> int | None:
    """Index of the best epoch: lowest finite validation loss, else lowest loss."""
    for values in (val_loss, loss):
        finite = [(v, i) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
        if finite:
            return min(finite)[1]
    return None


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


class LossPlot(QWidget):
    """Loss curves of one training run (see module doc).

    Feed it with :meth:`add_epoch` (one ``{"epoch", "loss", "val_loss"}`` event of
    core's training progress) or :meth:`set_history` (a whole ``history_log``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.epochs: list[int] = []
        self.loss: list[float] = []
        self.val_loss: list[float] = []
        self.parts: list[str] = []
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("lossPlot")
        self.plot.setMinimumHeight(220)
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(_AXIS_COLOR))
            axis.setTextPen(pg.mkPen(_AXIS_COLOR))
        item.getAxis("left").enableAutoSIPrefix(False)
        self.legend = item.addLegend(offset=(-10, 10), labelTextColor=_AXIS_COLOR,
                                     brush=pg.mkBrush(255, 255, 255, 220))  # fmt: skip
        self.curve_loss = item.plot([], [], pen=pg.mkPen(_LOSS_COLOR, width=2),
                                    symbol="o", symbolSize=5, symbolBrush=_LOSS_COLOR,
                                    symbolPen=None)  # fmt: skip
        self.curve_val = item.plot([], [], pen=pg.mkPen(_VAL_COLOR, width=2),
                                   symbol="o", symbolSize=5, symbolBrush=_VAL_COLOR,
                                   symbolPen=None)  # fmt: skip
        self.best_line = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen(_BEST_COLOR, width=1.5,
                                                      style=Qt.PenStyle.DashLine))  # fmt: skip
        self.best_dot = pg.ScatterPlotItem(size=12, brush=pg.mkBrush(_BEST_COLOR),
                                           pen=pg.mkPen("w", width=1.5))  # fmt: skip
        self.best_label = pg.TextItem(color=_BEST_COLOR, anchor=(-0.05, 1))
        self.final_line = pg.InfiniteLine(angle=90, movable=False,
                                          pen=pg.mkPen(_AXIS_COLOR, width=1,
                                                       style=Qt.PenStyle.DotLine))  # fmt: skip
        self.final_line.hide()
        item.addItem(self.final_line, ignoreBounds=True)
        for marker in (self.best_line, self.best_dot, self.best_label):
            item.addItem(marker, ignoreBounds=True)
            marker.hide()
        self.placeholder = pg.TextItem(color="#888888", anchor=(0.5, 0.5))
        item.addItem(self.placeholder, ignoreBounds=True)
        self.placeholder.setPos(0.5, 0.5)
        item.setXRange(0, 1, padding=0)
        item.setYRange(0, 1, padding=0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.retranslate()
        self._redraw()

    # ------------------------------------------------------------------ text
    def retranslate(self) -> None:
        """Axis labels, legend and marker texts in the current language."""
        self._label_axis()
        self.plot.getPlotItem().setLabel("left", self.tr("Loss (lower is better)"),
                                         color=_AXIS_COLOR, **{"font-size": "10pt"})  # fmt: skip
        self.legend.clear()
        self.legend.addItem(self.curve_loss, self.tr("Training loss"))
        self.legend.addItem(self.curve_val, self.tr("Validation loss"))
        self.placeholder.setText(self.tr("The loss curves appear here while the model trains."))
        self._update_best()

    # ------------------------------------------------------------------ data
    def clear(self) -> None:
        """Forget the curves (a new training starts)."""
        self.epochs, self.loss, self.val_loss, self.parts = [], [], [], []
        self._redraw()

    def add_epoch(self, event: dict) -> None:
        """Append one epoch (``epoch``, ``loss``, ``val_loss``); an epoch number not
        after the last one starts a new run (e.g. the next product group of ``auto``)."""
        epoch = int(event.get("epoch") or len(self.epochs) + 1)
        if self.epochs and epoch <= self.epochs[-1]:
            self.epochs, self.loss, self.val_loss, self.parts = [], [], [], []
        self.epochs.append(epoch)
        self.parts.append(str(event.get("part") or ""))
        self.loss.append(_number(event.get("loss")))
        self.val_loss.append(_number(event.get("val_loss")))
        self._redraw()

    def set_history(self, history: list[dict] | None) -> None:
        """Show a whole training log (a model opened from a project)."""
        records = [r for r in (history or []) if r.get("epoch") is not None]
        self.epochs = [int(r["epoch"]) for r in records]
        self.loss = [_number(r.get("loss")) for r in records]
        self.val_loss = [_number(r.get("val_loss")) for r in records]
        self.parts = [str(r.get("part") or "") for r in records]
        self._redraw()

    def best(self) -> int | None:
        """Epoch number of the best epoch shown, or None."""
        index = self._best_index()
        return None if index is None else self.epochs[index]

    def final_start(self) -> int | None:
        """Index of the first epoch on the latest data, or None (one run only)."""
        return self.parts.index("final") if "final" in self.parts[1:] else None

    def _best_index(self) -> int | None:
        """Best epoch of the last run (see module doc), as an index into the lists."""
        first = self.final_start() or 0
        index = best_epoch(self.loss[first:], self.val_loss[first:])
        return None if index is None else first + index

    # --------------------------------------------------------------- drawing
    def _label_axis(self) -> None:
        """ "Epoch", saying what the dotted line means when the plot has one."""
        item = self.plot.getPlotItem()
        style = {"color": _AXIS_COLOR, "font-size": "10pt"}
        text = self.tr("Epoch")
        if self.final_start() is not None:
            text = self.tr("Epoch (right of the dotted line: trained on to the latest data)")
        item.setLabel("bottom", text, **style)

    def _series(self, values: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """x and y to draw, with a gap between the two runs (their losses are measured
        on different validation periods, so no line joins them)."""
        x = np.asarray(self.epochs, dtype=float)
        y = np.asarray(values, dtype=float)
        start = self.final_start()
        if start is None:
            return x, y
        return np.insert(x, start, x[start] - 0.5), np.insert(y, start, np.nan)

    def _redraw(self) -> None:
        x = np.asarray(self.epochs, dtype=float)
        has_val = any(not math.isnan(v) for v in self.val_loss)
        self.curve_loss.setData(*self._series(self.loss), connect="finite")
        if has_val:
            self.curve_val.setData(*self._series(self.val_loss), connect="finite")
        else:
            self.curve_val.setData([], [])
        self._label_axis()
        self.placeholder.setVisible(not self.epochs)
        for name in ("left", "bottom"):
            self.plot.getPlotItem().getAxis(name).setStyle(showValues=bool(self.epochs))
        item = self.plot.getPlotItem()
        if self.epochs:
            last = max(int(x.max()), 2)
            step = max(1, math.ceil(last / 10))
            item.getAxis("bottom").setTickSpacing(step, step)  # whole epochs only
            item.enableAutoRange(axis="y")
            item.setXRange(0.5, last + 0.5, padding=0.02)
        else:
            item.setXRange(0, 1, padding=0)
            item.setYRange(0, 1, padding=0)
        self._update_best()

    def _update_best(self) -> None:
        start = self.final_start()
        self.final_line.setVisible(start is not None)
        if start is not None:
            self.final_line.setValue(self.epochs[start] - 0.5)
        index = self._best_index()
        markers = (self.best_line, self.best_dot, self.best_label)
        if index is None or len(self.epochs) < 2:
            for marker in markers:
                marker.hide()
            return
        use_val = not math.isnan(self.val_loss[index])
        value = self.val_loss[index] if use_val else self.loss[index]
        epoch = self.epochs[index]
        self.best_line.setValue(epoch)
        self.best_dot.setData([epoch], [value])
        self.best_label.setText(self.tr("best epoch: {epoch}").format(epoch=epoch))
        self.best_label.setPos(epoch, value)
        # keep the label inside the plot: left of the marker in the right half
        self.best_label.setAnchor((1.05, 1) if epoch > max(self.epochs) / 2 else (-0.05, 1))
        for marker in markers:
            marker.show()
