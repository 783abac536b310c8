"""The forecast chart: history, fit, forecast with its bands, festivals and life stages.

The forecast is drawn twice: the expected sales (``forecast``, the mean: a bold line)
and the median (``median``, thin and dashed), which the bands surround; for a slow
mover the median sits at 0 below the expected line.

One :class:`ForecastPlot` per view. Its items are made once and updated with
``setData`` (pyqtgraph ``examples/PanningPlot.py``); the stage regions and festival
lines come from pools that only grow. Dates are UTC seconds on a
``DateAxisItem(utcOffset=0)``; the bands (``FillBetweenItem``) are added with
``ignoreBounds=True`` so autorange never drags the axis back to 1970.

Exports: :meth:`ForecastPlot.export_png` (the widget grabbed) and
:meth:`ForecastPlot.export_svg` (the widget rendered into a ``QSvgGenerator``: vector
lines and text; pyqtgraph's own SVG exporter is broken in 0.14).
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyqtgraph as pg
from pyqtgraph.graphicsItems import DateAxisItem as dates
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtSvg import QSvgGenerator

from core.lifecycle import STAGE_NAMES, STAGES
from ui.i18n import pick

__all__ = ["ForecastPlot", "STAGE_COLORS", "to_seconds"]

#: Soft fills of the life stages (RGBA), readable under the curves.
STAGE_COLORS = {
    "new": (186, 160, 230, 70),
    "introduction": (140, 190, 240, 70),
    "growth": (120, 205, 140, 70),
    "maturity": (245, 215, 110, 80),
    "decline": (240, 150, 110, 70),
    "inactive": (175, 175, 175, 70),
}
_HISTORY = "#37474f"
_FIT = "#8e24aa"
_FORECAST = "#1565c0"
_MEDIAN = "#0d47a1"
_BANDS = ((21, 101, 192, 45), (21, 101, 192, 80))  # outer (widest level), inner
_FESTIVAL = "#c62828"


def to_seconds(dates) -> np.ndarray:
    """UTC seconds since the epoch of naive (UTC) dates, as floats."""
    values = pd.to_datetime(pd.Series(dates)).to_numpy("datetime64[s]")
    return values.astype("int64").astype(float)


def _zoom_levels(month_format: str) -> list:
    """Year/month and day ticks of the date axis: months in the UI language, days as
    ``MM-DD`` on one row (pyqtgraph's month-over-day labels overlap, ``Dec03``)."""
    years = dates.ZoomLevel([
        dates.TickSpec(dates.YEAR_SPACING, dates.makeYStepper(1), "%Y", autoSkip=[1, 5, 10]),
        dates.TickSpec(dates.MONTH_SPACING, dates.makeMStepper(1), month_format),
    ], "YYYY")  # fmt: skip
    days = dates.ZoomLevel([dates.TickSpec(dates.DAY_SPACING, dates.makeSStepper(dates.DAY_SPACING),
                                           "%m-%d", autoSkip=[1, 2, 7, 14])], "00-00")  # fmt: skip
    return [(np.inf, years), (5 * 86400, days)]


def _runs(stages: pd.DataFrame, step: float) -> list[tuple[str, float, float]]:
    """``(stage, start, end)`` of each run of equal stages (ends one period later)."""
    if stages is None or stages.empty:
        return []
    x = to_seconds(stages["ds"])
    names = stages["stage"].astype(str).to_numpy()
    cut = np.flatnonzero(names[1:] != names[:-1]) + 1
    starts, ends = np.r_[0, cut], np.r_[cut, len(names)]
    return [(names[a], x[a], x[b - 1] + step) for a, b in zip(starts, ends, strict=True)]


class ForecastPlot(pg.PlotWidget):
    """The chart of one product (see module doc)."""

    def __init__(self, parent=None) -> None:
        axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
        super().__init__(parent, background="w", axisItems={"bottom": axis})
        self.setMinimumSize(420, 260)
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setMenuEnabled(False)
        plot.getViewBox().setMouseEnabled(x=True, y=False)
        for name in ("left", "bottom"):
            plot.getAxis(name).setTextPen("#333")
            plot.getAxis(name).setPen("#888")
        self._step = 86400.0
        self._stage_names: list[str] = []
        self._festival_rows: list[tuple[str, str]] = []
        self._shown: dict | None = None
        self._levels: list[int] = []
        self._build_items(plot)
        self.retranslate()

    # ------------------------------------------------------------------ items
    def _build_items(self, plot) -> None:
        self.history_curve = pg.PlotDataItem(pen=pg.mkPen(_HISTORY, width=1.4))
        self.fit_curve = pg.PlotDataItem(pen=pg.mkPen(_FIT, width=1.2, style=Qt.PenStyle.DashLine))
        self.forecast_curve = pg.PlotDataItem(pen=pg.mkPen(_FORECAST, width=2.2))
        self.median_curve = pg.PlotDataItem(
            pen=pg.mkPen(_MEDIAN, width=1.0, style=Qt.PenStyle.DashLine)
        )
        self.band_lo, self.band_hi, self.fills = [], [], []
        for color in _BANDS:
            edge = pg.mkPen(QColor(*color[:3], 90), width=0.6)
            lo, hi = pg.PlotCurveItem(pen=edge), pg.PlotCurveItem(pen=edge)
            fill = pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(*color))
            plot.addItem(lo)
            plot.addItem(hi)
            plot.addItem(fill, ignoreBounds=True)
            self.band_lo.append(lo)
            self.band_hi.append(hi)
            self.fills.append(fill)
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#777", style=Qt.PenStyle.DotLine))
        plot.addItem(self.now_line, ignoreBounds=True)
        for item in (self.history_curve, self.fit_curve, self.median_curve, self.forecast_curve):
            plot.addItem(item)
        self.stage_regions: list[pg.LinearRegionItem] = []
        self.festival_lines: list[pg.InfiniteLine] = []
        # title and legend above the plot, in the title's cell, so neither hides data
        self.header = pg.GraphicsLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        self.header.layout.setSpacing(0)
        self.title_label = self.header.addLabel("", row=0, col=0, color="#222", size="10.5pt",
                                                justify="left")  # fmt: skip
        self.legend = pg.LegendItem(colCount=5, labelTextColor="#222")
        self.header.addItem(self.legend, row=1, col=0)
        plot.layout.removeItem(plot.titleLabel)
        plot.titleLabel.hide()
        plot.layout.addItem(self.header, 0, 1)
        # legend samples only: a filled box per stage and one for the band
        self._stage_samples = {s: pg.BarGraphItem(x=[0], height=[1], width=1, pen=None,
                                                  brush=pg.mkBrush(*STAGE_COLORS[s]))
                               for s in STAGES}  # fmt: skip
        self._band_sample = pg.BarGraphItem(x=[0], height=[1], width=1, pen=None,
                                            brush=pg.mkBrush(*_BANDS[1]))  # fmt: skip
        self._festival_sample = pg.PlotDataItem(
            pen=pg.mkPen(_FESTIVAL, width=1, style=Qt.PenStyle.DashLine)
        )

    def _region(self, i: int) -> pg.LinearRegionItem:
        while len(self.stage_regions) <= i:
            region = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
            region.setZValue(-100)
            for line in region.lines:
                line.setPen(pg.mkPen(None))
            self.getPlotItem().addItem(region, ignoreBounds=True)
            self.stage_regions.append(region)
        return self.stage_regions[i]

    def _festival_line(self, i: int) -> pg.InfiniteLine:
        while len(self.festival_lines) <= i:
            line = pg.InfiniteLine(
                angle=90, movable=False, label="",
                pen=pg.mkPen(_FESTIVAL, width=1, style=Qt.PenStyle.DashLine),
                labelOpts={"position": 0.93, "color": _FESTIVAL, "fill": (255, 255, 255, 200),
                           "anchors": [(0.5, 0), (0.5, 0)]},
            )  # fmt: skip
            self.getPlotItem().addItem(line, ignoreBounds=True)
            self.festival_lines.append(line)
        return self.festival_lines[i]

    # ------------------------------------------------------------------- data
    def clear_data(self) -> None:
        """Show an empty chart."""
        for item in (self.history_curve, self.fit_curve, self.forecast_curve, self.median_curve,
                     *self.band_lo, *self.band_hi):  # fmt: skip
            item.setData([], [])
        for item in (*self.stage_regions, *self.festival_lines, self.now_line):
            item.hide()
        self._stage_names, self._festival_rows = [], []
        self._shown = None
        self._fill_legend()

    def set_data(self, history: pd.DataFrame, forecast: pd.DataFrame | None = None,
                 stages: pd.DataFrame | None = None, festivals: pd.DataFrame | None = None,
                 fit: pd.DataFrame | None = None, step_days: float = 1.0) -> None:  # fmt: skip
        """Show one product.

        Parameters
        ----------
        history : pandas.DataFrame
            ``ds``, ``y``: the sales shown.
        forecast : pandas.DataFrame, optional
            ``ds``, ``forecast`` (expected), ``median`` (optional) and
            ``lo_<L>``/``hi_<L>`` columns.
        stages : pandas.DataFrame, optional
            ``ds``, ``stage`` per period (shaded as coloured regions).
        festivals : pandas.DataFrame, optional
            ``date``, ``name_en``, ``name_zh`` (vertical marked lines).
        fit : pandas.DataFrame, optional
            ``ds``, ``forecast``: backtest or in-sample fit (dashed).
        step_days : float
            Length of one period in days.
        """
        self._shown = {"history": history, "forecast": forecast, "stages": stages,
                       "festivals": festivals, "fit": fit, "step_days": step_days}  # fmt: skip
        self._step = float(step_days) * 86400.0
        self.history_curve.setData(to_seconds(history["ds"]), history["y"].to_numpy(float))
        if fit is not None and len(fit):
            self.fit_curve.setData(to_seconds(fit["ds"]), fit["forecast"].to_numpy(float))
        else:
            self.fit_curve.setData([], [])
        self._set_forecast(forecast)
        has_fc = forecast is not None and len(forecast) > 0
        if has_fc:  # where the data ends and the forecast begins
            self.now_line.setValue(to_seconds(forecast["ds"].iloc[:1])[0] - self._step / 2)
        self.now_line.setVisible(has_fc)
        self._set_stages(stages)
        self._set_festivals(festivals)
        self._fill_legend()
        self.getPlotItem().enableAutoRange()

    def _set_forecast(self, fc: pd.DataFrame | None) -> None:
        if fc is None or fc.empty:
            self.forecast_curve.setData([], [])
            self.median_curve.setData([], [])
            for lo, hi in zip(self.band_lo, self.band_hi, strict=True):
                lo.setData([], [])
                hi.setData([], [])
            self._levels = []
            return
        x = to_seconds(fc["ds"])
        self.forecast_curve.setData(x, fc["forecast"].to_numpy(float))
        if "median" in fc.columns:
            self.median_curve.setData(x, fc["median"].to_numpy(float))
        else:  # a forecast saved before it had a median
            self.median_curve.setData([], [])
        levels = sorted({int(c[3:]) for c in fc.columns if c.startswith("lo_")}, reverse=True)
        self._levels = levels[:2]
        for i, (lo, hi) in enumerate(zip(self.band_lo, self.band_hi, strict=True)):
            if i < len(self._levels):
                lo.setData(x, fc[f"lo_{self._levels[i]}"].to_numpy(float))
                hi.setData(x, fc[f"hi_{self._levels[i]}"].to_numpy(float))
            else:
                lo.setData([], [])
                hi.setData([], [])

    def _set_stages(self, stages: pd.DataFrame | None) -> None:
        runs = _runs(stages, self._step)
        for i, (stage, start, end) in enumerate(runs):
            region = self._region(i)
            region.setRegion((start, end))
            brush = pg.mkBrush(*STAGE_COLORS.get(stage, STAGE_COLORS["inactive"]))
            region.setBrush(brush)
            region.setHoverBrush(brush)
            region.show()
        for region in self.stage_regions[len(runs) :]:
            region.hide()
        self._stage_names = [s for s in STAGES if any(r[0] == s for r in runs)]

    def _set_festivals(self, festivals: pd.DataFrame | None) -> None:
        rows = [] if festivals is None else list(festivals.itertuples(index=False))
        self._festival_rows = [(r.name_en, r.name_zh) for r in rows]
        x = to_seconds([r.date for r in rows]) if rows else np.array([])
        gap = np.diff(x)
        for i, row in enumerate(rows):
            line = self._festival_line(i)
            line.setValue(x[i])
            line.label.setFormat(pick(row.name_en, row.name_zh))
            line.label.setPosition(0.95 if i % 2 == 0 else 0.86)  # neighbours do not overlap
            # the label on the side away from the nearer neighbour: a name centred on its
            # line spills over a festival a month away (Double 12 over Double 11)
            before = gap[i - 1] if i > 0 else np.inf
            after = gap[i] if i < len(gap) else np.inf
            line.label.anchors = [(1, 0), (1, 0)] if after < before else [(0, 0), (0, 0)]
            line.label.updatePosition()
            line.show()
        for line in self.festival_lines[len(rows) :]:
            line.hide()

    # --------------------------------------------------------------- language
    def retranslate(self) -> None:
        """Axis titles, legend and festival names in the UI language."""
        self.getPlotItem().setLabel("left", self.tr("Units sold"), color="#333")
        axis = self.getPlotItem().getAxis("bottom")
        levels = list(axis.zoomLevels.items())
        axis.zoomLevels = dict(_zoom_levels(pick("%b", "%m月")) + levels[2:])
        axis.picture = None
        axis.update()
        for line, (en, zh) in zip(self.festival_lines, self._festival_rows, strict=False):
            line.label.setFormat(pick(en, zh))
        self._fill_legend()

    def _fill_legend(self) -> None:
        self.legend.clear()
        self.legend.addItem(self.history_curve, self.tr("Sales"))
        if len(self.fit_curve.xData if self.fit_curve.xData is not None else []):
            self.legend.addItem(self.fit_curve, self.tr("Backtest"))
        if self.forecast_curve.xData is not None and len(self.forecast_curve.xData):
            self.legend.addItem(self.forecast_curve, self.tr("Forecast (expected)"))
            if self.median_curve.xData is not None and len(self.median_curve.xData):
                self.legend.addItem(self.median_curve, self.tr("Median"))
            levels = "/".join(str(v) for v in sorted(self._levels))
            self.legend.addItem(
                self._band_sample, self.tr("{levels}% interval").format(levels=levels)
            )
        if self._festival_rows:
            self.legend.addItem(self._festival_sample, self.tr("Shopping festival"))
        for stage in self._stage_names:
            self.legend.addItem(self._stage_samples[stage], pick(*STAGE_NAMES[stage]))
        self._fit_header()

    def _fit_header(self) -> None:
        height = self.header.layout.preferredHeight() if self.legend.items else 24
        self.getPlotItem().layout.setRowFixedHeight(0, height + 4)

    def set_title(self, text: str) -> None:
        """The product shown, above the legend (also in exported images)."""
        self.title_label.setText(text)
        self._fit_header()

    def resizeEvent(self, event) -> None:  # noqa: N802
        columns = max(2, min(6, int(self.width() // 175)))
        legend = self.__dict__.get("legend")  # resizeEvent runs inside PlotWidget.__init__
        if legend is not None and columns != legend.columnCount:
            self.legend.setColumnCount(columns)
            self._fit_header()
        super().resizeEvent(event)

    def legend_labels(self) -> list[str]:
        """Texts of the legend entries (for tests and accessibility)."""
        return [label.text for _, label in self.legend.items]

    # ----------------------------------------------------------------- export
    @contextmanager
    def _export_source(self):
        """The widget to draw: this one on screen, else a hidden twin at a readable size
        (a hidden chart keeps whatever size its splitter last gave it, if any)."""
        if self.isVisible():
            yield self
            return
        twin = ForecastPlot()
        twin.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        twin.resize(1100, 560)
        if self._shown is not None:
            twin.set_data(**self._shown)
        twin.set_title(self.title_label.text)
        twin.show()
        try:
            yield twin
        finally:
            twin.close()
            twin.deleteLater()

    def export_png(self, path) -> Path:
        """Write the chart as a PNG image (atomically); returns the path."""
        with self._export_source() as source:
            image = source.grab().toImage()
        return _atomic(path, lambda tmp: image.save(tmp, "PNG"))

    def export_svg(self, path) -> Path:
        """Write the chart as an SVG drawing (atomically); returns the path."""

        def write(tmp: str) -> bool:
            with self._export_source() as source:
                width, height = source.width(), source.height()
                gen = QSvgGenerator()
                gen.setFileName(tmp)
                gen.setSize(QSize(width, height))
                gen.setViewBox(QRectF(0, 0, width, height))
                gen.setTitle("SkuCast")
                painter = QPainter()
                if not painter.begin(gen):
                    return False
                try:
                    source.render(painter)
                finally:
                    painter.end()
            return True

        return _atomic(path, write)


def _atomic(path, write) -> Path:
    """Write through a temporary file in the same folder, then rename into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        if not write(tmp) or os.path.getsize(tmp) == 0:
            raise OSError(f"could not write {target.name}")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target
