"""The forecast chart on made-up data: curves, bands, stages, festivals, legend, exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from core.recommend import festival_calendar
from ui.widgets.forecast_plot import ForecastPlot, to_seconds

DAYS = pd.date_range("2025-09-01", periods=120, freq="D")
AHEAD = pd.date_range(DAYS[-1] + pd.Timedelta(days=1), periods=28, freq="D")


def _history() -> pd.DataFrame:
    y = 20 + 5 * np.sin(np.arange(len(DAYS)) / 7)
    return pd.DataFrame({"ds": DAYS, "y": y})


def _forecast() -> pd.DataFrame:
    f = np.full(len(AHEAD), 22.0)
    return pd.DataFrame({"ds": AHEAD, "forecast": f, "lo_80": f - 4, "hi_80": f + 4,
                         "lo_95": f - 7, "hi_95": f + 7})  # fmt: skip


def _stages() -> pd.DataFrame:
    stage = np.where(np.arange(len(DAYS)) < 40, "growth", "maturity")
    stage[100:] = "decline"
    return pd.DataFrame({"ds": DAYS, "stage": stage})


@pytest.fixture
def plot(qtbot):
    widget = ForecastPlot()
    qtbot.addWidget(widget)
    widget.resize(1000, 520)
    widget.show()
    return widget


def _fill(plot) -> None:
    fest = festival_calendar(DAYS[0], AHEAD[-1], region="CN")
    plot.set_data(_history(), _forecast(), _stages(), fest)


def test_curves_hold_the_data(plot, qtbot):
    _fill(plot)
    x, y = plot.history_curve.getData()
    assert len(x) == len(DAYS) and np.allclose(y, _history()["y"])
    assert x[0] == pytest.approx(pd.Timestamp("2025-09-01").timestamp())
    fx, fy = plot.forecast_curve.getData()
    assert len(fx) == 28 and np.allclose(fy, 22.0)
    # outer band = widest level, inner = the other one
    assert np.allclose(plot.band_hi[0].getData()[1], 29.0)
    assert np.allclose(plot.band_lo[1].getData()[1], 18.0)


def test_axis_starts_at_the_data_not_1970(plot, qtbot):
    _fill(plot)
    plot.getPlotItem().getViewBox().updateAutoRange()
    (x0, x1), _ = plot.getPlotItem().getViewBox().viewRange()
    start, end = to_seconds([DAYS[0], AHEAD[-1]])
    assert start - 30 * 86400 < x0 <= start
    assert end <= x1 < end + 30 * 86400


def test_stages_shaded_and_in_the_legend(plot, qtbot):
    _fill(plot)
    shown = [r for r in plot.stage_regions if r.isVisible()]
    assert len(shown) == 3
    first = shown[0].getRegion()
    assert first[0] == pytest.approx(to_seconds([DAYS[0]])[0])
    assert first[1] == pytest.approx(to_seconds([DAYS[40]])[0])
    labels = plot.legend_labels()
    for text in ("Sales", "Forecast (expected)", "80/95% interval", "Growth", "Maturity",
                 "Decline"):  # fmt: skip
        assert text in labels
    # a product with one stage hides the other regions (items are reused, not remade)
    count = len(plot.stage_regions)
    plot.set_data(_history(), None, _stages().assign(stage="maturity"), None)
    assert len(plot.stage_regions) == count
    assert sum(r.isVisible() for r in plot.stage_regions) == 1
    assert "Growth" not in plot.legend_labels()
    assert len(plot.forecast_curve.getData()[0] or []) == 0


def test_festival_markers(plot, qtbot):
    _fill(plot)
    shown = [line for line in plot.festival_lines if line.isVisible()]
    assert [line.label.format for line in shown] == ["Double 11", "Double 12"]
    assert shown[0].value() == pytest.approx(pd.Timestamp("2025-11-11").timestamp())


def test_close_festivals_keep_their_labels_beside_their_own_lines(plot, qtbot):
    """Issue 14: on a chart of three years the "Double 12" label sat over the Double 11
    line. A label goes on the side of its line away from the nearer neighbour."""
    days = pd.date_range("2023-04-01", "2025-12-30", freq="D")
    history = pd.DataFrame({"ds": days, "y": 20.0})
    plot.set_data(history, None, None, festival_calendar(days[0], days[-1], region="CN"))
    qtbot.wait(50)
    vb = plot.getPlotItem().getViewBox()
    shown = [line for line in plot.festival_lines if line.isVisible()]
    assert len(shown) == 9
    for line in shown:
        x = vb.mapViewToScene(QPointF(line.value(), 0)).x()
        box = line.label.sceneBoundingRect()
        name = line.label.format
        if name == "Double 11":
            assert box.right() <= x + 1, name
        if name == "Double 12":
            assert box.left() >= x - 1, name


def test_chinese_names(plot, qtbot, monkeypatch):
    from ui import i18n

    monkeypatch.setitem(i18n._state, "lang", "zh_CN")
    _fill(plot)
    assert "成熟期" in plot.legend_labels()
    assert [line.label.format for line in plot.festival_lines[:2]] == ["双11", "双12"]


def test_exports(plot, qtbot, tmp_path):
    _fill(plot)
    png = plot.export_png(tmp_path / "chart.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 900
    svg = plot.export_svg(tmp_path / "chart.svg").read_text("utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
    assert "<path" in svg or "<polyline" in svg
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_clear(plot, qtbot):
    _fill(plot)
    plot.clear_data()
    assert len(plot.history_curve.getData()[0] or []) == 0
    assert not any(r.isVisible() for r in plot.stage_regions)


def test_every_string_of_the_decision_views_is_translated():
    """``self.tr`` gets literal English (lupdate finds it) and zh_CN JSON has each one."""
    import ast
    import json

    from core.resources import resource_path

    root = Path(__file__).resolve().parents[2]
    glossary: dict = {}
    for name in ("forecast_view", "recommendations_view"):
        path = resource_path("i18n", "zh_CN", f"{name}.json")
        for context, table in json.loads(path.read_text("utf-8")).items():
            glossary.setdefault(context, {}).update(table)
    missing, found = [], 0
    for module in ("ui/views/forecast_view.py", "ui/views/recommendations_view.py",
                   "ui/widgets/forecast_plot.py", "ui/widgets/product_picker.py",
                   "ui/widgets/inventory_panels.py", "ui/widgets/advice_table.py"):  # fmt: skip
        for cls in ast.walk(ast.parse((root / module).read_text("utf-8"))):
            if not isinstance(cls, ast.ClassDef):
                continue
            for call in ast.walk(cls):
                if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "tr":
                    arg = call.args[0]
                    assert isinstance(arg, ast.Constant), f"{module}:{call.lineno} non-literal tr"
                    found += 1
                    if not glossary.get(cls.name, {}).get(arg.value):
                        missing.append(f"{cls.name}: {arg.value}")
    assert found > 110 and not missing, missing


def test_hidden_chart_exports_at_a_readable_size(qtbot, tmp_path):
    plot = ForecastPlot()  # never shown: e.g. the Forecast step is not the current one
    qtbot.addWidget(plot)
    _fill(plot)
    plot.set_title("0010600 纯棉中筒袜")
    image = QImage(str(plot.export_png(tmp_path / "hidden.png")))
    assert image.width() >= 1000 and image.height() >= 500
    svg = plot.export_svg(tmp_path / "hidden.svg").read_text("utf-8")
    assert 'viewBox="0 0 1100 560"' in svg


def test_expected_and_median_are_drawn_and_named_apart(plot):
    fc = _forecast()
    fc = fc.assign(median=fc["forecast"] * 0.5)
    plot.set_data(_history(), fc)
    assert np.allclose(plot.forecast_curve.yData, fc["forecast"])
    assert np.allclose(plot.median_curve.yData, fc["median"])
    labels = plot.legend_labels()
    assert "Forecast (expected)" in labels and "Median" in labels
    plot.set_data(_history(), _forecast())  # saved before the median existed: no median line
    assert "Median" not in plot.legend_labels()
