"""Forecast accuracy over time: MASE of every archived run and the worst-forecast products.

:class:`AccuracyPanel` shows what :func:`core.analysis.score_runs` and
:func:`core.analysis.worst_products` found in the forecast archive: a chart of each
run's MASE by its data end (one line per model, the seasonal naive archived beside the
runs in grey, a dashed line at 1, the in-sample error of the seasonal naive), and a table
of the products forecast worst with the likely reason (stock-out, promotion, new
product) where the data shows one. Without scored runs it shows one sentence saying why.
:meth:`AccuracyPanel.read` scores an archive in a worker of its own
(:func:`core.analysis.score_archive`); :class:`~ui.views.overview_view.OverviewView` calls it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.analysis import score_archive
from core.forecast import display_name
from ui.i18n import core_lang
from ui.models.dataframe_model import DataFrameModel
from ui.workers.task_worker import TaskRunner

__all__ = ["AccuracyPanel", "utc_seconds"]

#: Model line colours, in the order models first appear.
_COLORS = ("#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00")
_NAIVE = "#8a8a8a"
#: Worst-forecast products listed beside the chart.
WORST = 10
_EPOCH = pd.Timestamp("1970-01-01")


def utc_seconds(values) -> np.ndarray:
    """Datetimes as float UTC seconds (what ``DateAxisItem(utcOffset=0)`` reads)."""
    return ((pd.to_datetime(pd.Series(values)) - _EPOCH) / pd.Timedelta(seconds=1)).to_numpy(float)


class AccuracyPanel(QWidget):
    """The archive's accuracy over time and its worst products (see module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accuracyPanel")
        self._runs: pd.DataFrame | None = None
        self._worst: pd.DataFrame | None = None
        self._names: dict[str, str] = {}
        self._reason: tuple | None = None  # (method, argument) of the sentence shown
        self._again: tuple | None = None  # a read asked for while one was running
        self.runner = TaskRunner(self)
        self.runner.sig_finished.connect(self._read)
        self.runner.sig_failed.connect(lambda message, _details: self.show_unreadable(message))
        self.runner.sig_running.connect(self._running)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem("bottom", utcOffset=0)})
        self.plot.setObjectName("accuracyPlot")
        self.plot.setBackground("w")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(150)
        self.plot.showGrid(y=True, alpha=0.15)
        self.legend = self.plot.addLegend(offset=(8, 4), colCount=3)
        self.one_line = pg.InfiniteLine(pos=1.0, angle=0, movable=False,
                                        pen=pg.mkPen("#c62828", width=1.2,
                                                     style=Qt.PenStyle.DashLine))  # fmt: skip
        self.plot.addItem(self.one_line, ignoreBounds=True)
        # the legend draws samples of data items only: a line's entry is an unplotted one
        self.one_sample = pg.PlotDataItem(pen=self.one_line.pen)
        self.naive_curve = pg.PlotDataItem(pen=pg.mkPen(_NAIVE, width=1.4), symbol="s",
                                           symbolSize=7, symbolBrush=_NAIVE, symbolPen=None)  # fmt: skip
        self.plot.addItem(self.naive_curve)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.worst_label = QLabel()
        self.worst_label.setStyleSheet("font-weight: bold;")
        self.worst_model = DataFrameModel()
        self.worst_table = QTableView()
        self.worst_table.setObjectName("worstTable")
        self.worst_table.setModel(self.worst_model)
        self.worst_table.setAlternatingRowColors(True)
        self.worst_table.setWordWrap(False)
        self.worst_table.verticalHeader().hide()
        self.worst_table.horizontalHeader().setStretchLastSection(True)
        content = QWidget()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.plot, 1)
        left.addWidget(self.note)
        right.addWidget(self.worst_label)
        right.addWidget(self.worst_table, 1)
        row = QHBoxLayout(content)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self.hint = QLabel()  # why there is no chart
        self.hint.setWordWrap(True)
        self.hint.setObjectName("placeholder")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setMargin(24)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(content)
        QVBoxLayout(self).addWidget(self.stack)

    # --------------------------------------------------------------- language
    def retranslate(self) -> None:
        self.plot.getAxis("left").setLabel(self.tr("MASE (lower is better)"))
        self.note.setText(self.tr(
            "Each point is one archived run scored on the sales known now: its mean MASE "
            "over the products. Below the dashed line at 1 the forecast erred less than the "
            "seasonal naive does in sample; the grey line is the seasonal naive archived "
            "beside the runs."))  # fmt: skip
        self.worst_label.setText(self.tr("Worst-forecast products"))
        if self._runs is not None:
            self.show_scores(self._runs, self._worst, self._names)
        elif self._reason is not None:
            method, argument = self._reason
            method(argument)

    def _headers(self) -> dict:
        return {"product": self.tr("Product"), "data_end": self.tr("Run (data end)"),
                "model": self.tr("Model"), "mase": self.tr("MASE"),
                "bias": self.tr("Bias (%)"), "reason": self.tr("Likely reason")}  # fmt: skip

    # ----------------------------------------------------------------- reading
    def read(self, archive, sales: pd.DataFrame, names: dict[str, str]) -> None:
        """Score the archive file ``archive`` on ``sales`` in a worker and show it, or say
        why there is nothing to score (no archive; an unreadable one leaves the rest of the
        window as it is)."""
        if archive is None or not archive.is_file():
            self.show_missing(None if archive is None else archive.name)
            return
        if self.runner.is_running():
            self._again = (archive, sales, names)
            return
        self._names = names
        self.runner.start(score_archive, archive, sales, WORST)

    @Slot(object)
    def _read(self, result) -> None:
        runs, worst = result
        if not (runs["n"] > 0).any():
            self.show_unscored(len(runs))
            return
        self.show_scores(runs, worst, self._names)

    @Slot(bool)
    def _running(self, running: bool) -> None:
        if not running and self._again is not None:
            again, self._again = self._again, None
            self.read(*again)

    # ----------------------------------------------------------------- showing
    def show_reason(self, text: str) -> None:
        """No chart: say why in one sentence."""
        self._runs = self._worst = None
        self.hint.setText(text)
        self.stack.setCurrentIndex(0)

    def show_missing(self, name: str | None) -> None:
        """No archive (``name``: the file looked for, if any)."""
        self._reason = (self.show_missing, name)
        self.show_reason(self.tr(
            "Accuracy over time needs a forecast archive ({name}, beside the project or "
            "sales file): forecasts kept there with python main.py forecast ... --archive "
            "are scored here once their sales are known.").format(
                name=name or "*.skucast-archive.sqlite"))  # fmt: skip

    def show_unscored(self, runs: int) -> None:
        """An archive whose forecast dates the sales do not reach yet."""
        self._reason = (self.show_unscored, runs)
        self.show_reason(self.tr("The forecast archive holds {n} runs; the sales do not reach "
                                 "their forecast dates yet, so none can be scored.").format(n=runs))  # fmt: skip

    def show_unreadable(self, reason: str) -> None:
        """An archive that cannot be read, and why."""
        self._reason = (self.show_unreadable, reason)
        self.show_reason(self.tr("The forecast archive cannot be read: {reason}").format(
            reason=reason))  # fmt: skip

    def show_scores(self, runs: pd.DataFrame, worst: pd.DataFrame | None,
                    names: dict | None = None) -> None:  # fmt: skip
        """``runs``: :func:`core.analysis.score_runs` per run (the scored ones are
        drawn); ``worst``: :func:`core.analysis.worst_products`; ``names``: product ->
        the name shown."""
        self._runs, self._worst, self._names = runs, worst, dict(names or {})
        self._reason = None
        scored = runs[(runs["n"] > 0) & np.isfinite(runs["mase"].astype(float))]
        scored = scored.sort_values(["data_end", "run_id"])
        self._draw(scored)
        self._fill_worst(worst)
        self.stack.setCurrentIndex(1)

    def _draw(self, scored: pd.DataFrame) -> None:
        self.legend.clear()
        for curve in self.curves.values():
            curve.setData([], [])
        for model, rows in scored.groupby("model", sort=False):
            curve = self.curves.get(model)
            if curve is None:
                color = _COLORS[len(self.curves) % len(_COLORS)]
                curve = pg.PlotDataItem(pen=pg.mkPen(color, width=2.2), symbol="o", symbolSize=9,
                                        symbolBrush=color, symbolPen=None)  # fmt: skip
                self.plot.addItem(curve)
                self.curves[model] = curve
            curve.setData(utc_seconds(rows["data_end"]), rows["mase"].to_numpy(float))
            self.legend.addItem(curve, display_name(str(model), core_lang()))
        naive = scored.dropna(subset=["snaive_mase"]).groupby("data_end")["snaive_mase"].mean()
        self.naive_curve.setData(utc_seconds(naive.index), naive.to_numpy(float))
        if len(naive):
            self.legend.addItem(self.naive_curve, self.tr("Seasonal naive"))
        self.legend.addItem(self.one_sample, self.tr("MASE 1"))
        top = np.nanmax(np.r_[scored["mase"].to_numpy(float), naive.to_numpy(float), 1.0])
        self.plot.setYRange(0, top * 1.4, padding=0)  # room for the legend above
        x = np.unique(utc_seconds(scored["data_end"]))
        if len(x):
            # a tick at each run's data end (every k-th when there are many)
            step = max(1, int(np.ceil(len(x) / 8)))
            days = pd.to_datetime(x[::step], unit="s")
            self.plot.getAxis("bottom").setTicks([[(float(v), f"{d:%Y-%m-%d}")
                                                   for v, d in zip(x[::step], days, strict=True)]])  # fmt: skip
            pad = max(3 * 86400.0, (x.max() - x.min()) * 0.08)
            self.plot.setXRange(x.min() - pad, x.max() + pad, padding=0)

    def _fill_worst(self, worst: pd.DataFrame | None) -> None:
        if worst is None or worst.empty:
            self.worst_model.set_frame(pd.DataFrame(columns=list(self._headers())),
                                       self._headers())  # fmt: skip
            return
        uid = worst["unique_id"].astype(str)
        frame = pd.DataFrame({
            "product": [self._names.get(u, u) for u in uid],
            "data_end": pd.to_datetime(worst["data_end"]).dt.strftime("%Y-%m-%d"),
            "model": [display_name(str(m), core_lang()) for m in worst["model"]],
            "mase": worst["mase"].astype(float).round(2),
            "bias": (worst["bias"].astype(float) * 100).round(0),
            "reason": [self.reason_text(r) for r in worst["reason"]],
        })  # fmt: skip
        self.worst_model.set_frame(frame, self._headers())
        self.worst_table.resizeColumnsToContents()
        self.worst_table.setColumnWidth(0, min(self.worst_table.columnWidth(0), 170))

    def reason_text(self, codes: str) -> str:
        """The reason codes of :func:`core.analysis.worst_products` (``stockout``,
        ``promotion``, ``new``) as short words, ``–`` when none is known."""
        names = {"stockout": self.tr("stock-out (demand unseen)"),
                 "promotion": self.tr("promotion in the window"),
                 "new": self.tr("new product")}  # fmt: skip
        found = [names.get(c, c) for c in str(codes or "").split(",") if c]
        return ("、" if core_lang() == "zh" else ", ").join(found) if found else "–"

    def points(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Curve -> (x as UTC seconds, MASE) drawn: the models' and ``"snaive"`` (for checks)."""
        out = {m: c.getData() for m, c in self.curves.items() if c.getData()[0] is not None
               and len(c.getData()[0])}  # fmt: skip
        x, y = self.naive_curve.getData()
        if x is not None and len(x):
            out["snaive"] = (x, y)
        return out
