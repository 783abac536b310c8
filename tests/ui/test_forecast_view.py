"""Forecast view: Forecast button -> session (UI -> core), session -> chart and stage
panel (core -> UI), the product picker, exports and failures.

The sample's lifecycle classification takes ~20 s for its 60 products, so these tests
use a six-product slice of the sample (one product ID renamed ``=1+1`` for the
formula-injection check); the forecast and stages are computed once per module.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from core.errors import InputError
from core.sample import SAMPLE_PATH

#: Products of the slice: maturity, decline, inactive, growth, new, and a risky ID.
KEEP = ("0010600", "0050001", "0060403", "0030200", "0010100", "0050100")
RISKY = "=1+1"


def build_shop(folder) -> SimpleNamespace:
    """The slice of the sample imported, a seasonal-naive model, its forecast and stages."""
    from core.analysis import fit_model, lifecycle_tables, make_forecast
    from core.data import CleaningOptions, ImportOptions, clean, load_dataset, model_frames
    from core.forecast import TrainSettings

    table = pd.read_csv(SAMPLE_PATH, encoding="gb18030", dtype=str, keep_default_na=False)
    table = table[table["商品编码"].isin(KEEP)]
    table.loc[table["商品编码"] == "0050100", "商品编码"] = RISKY
    path = folder / "shop.csv"
    table.to_csv(path, index=False, encoding="gb18030")
    raw = load_dataset(path, ImportOptions())
    cleaning = clean(raw, CleaningOptions())
    frames = model_frames(cleaning.dataset)
    settings = TrainSettings(model="snaive", horizon=14, levels=[80, 95])
    model = fit_model(frames, cleaning.dataset.freq, settings)
    fc = make_forecast(model, 14, levels=[80, 95])
    stages, history = lifecycle_tables(frames, cleaning.dataset.freq, forecast=fc)
    return SimpleNamespace(path=path, raw=raw, cleaning=cleaning, settings=settings,
                           model=model, forecast=fc, stages=stages, history=history)  # fmt: skip


def new_session(shop, forecast: bool):
    """A Session on the slice with the model (and the cached forecast)."""
    from core.data import ImportOptions
    from ui.session import Session

    session = Session()
    session.set_data(shop.path, b"", ImportOptions(), shop.raw, shop.cleaning)
    session.train_settings = replace(shop.settings)
    session.set_model(shop.model)
    if forecast:
        session.set_forecast(shop.forecast.copy(), shop.stages.copy(), shop.history.copy())
    return session


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return build_shop(tmp_path_factory.mktemp("shop"))


@pytest.fixture
def view(qtbot, shop):
    from ui.views.forecast_view import ForecastView

    widget = ForecastView(new_session(shop, forecast=True))
    qtbot.addWidget(widget)
    widget.resize(1300, 760)
    widget.show()
    yield widget
    widget.shutdown()


def test_forecast_button_fills_the_session(qtbot, shop):
    from ui.views.forecast_view import ForecastView

    session = new_session(shop, forecast=False)
    session.train_settings.horizon = 10
    view = ForecastView(session)
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 1 and view.forecast_button.isEnabled()
    assert view.picker.select("0030200")
    view.forecast_button.click()
    qtbot.waitUntil(lambda: session.forecast is not None, timeout=60000)
    qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=5000)
    fc = session.forecast
    assert fc.groupby("unique_id").size().eq(10).all()
    assert {"lo_80", "hi_80", "lo_95", "hi_95"} <= set(fc.columns)
    assert (fc["hi_95"] >= fc["forecast"]).all() and (fc["forecast"] >= fc["lo_95"]).all()
    assert len(session.stages) == len(KEEP) and session.stages["stage"].notna().all()
    assert set(session.stage_history["unique_id"]) == set(session.stages["unique_id"])
    # the chosen product stays on screen with its new forecast
    assert view.picker.current() == "0030200"
    x, y = view.plot.forecast_curve.getData()
    mine = fc[fc["unique_id"] == "0030200"]
    assert len(x) == 10 and np.allclose(y, mine["forecast"])
    assert "10 periods" in view.status_label.text()


def test_session_to_chart_and_stage_panel(view, shop):
    view.picker.select("0050001")
    history = shop.cleaning.dataset.frame
    x, y = view.plot.history_curve.getData()
    sales = history[history["unique_id"] == "0050001"].sort_values("ds")
    assert len(x) > 150 and np.allclose(y, sales["y"].to_numpy()[-len(y) :])
    assert x[-1] == pd.Timestamp(sales["ds"].max()).timestamp()
    fx, fy = view.plot.forecast_curve.getData()
    mine = shop.forecast[shop.forecast["unique_id"] == "0050001"]
    assert np.allclose(fy, mine["forecast"]) and len(fx) == 14
    row = shop.stages.set_index("unique_id").loc["0050001"]
    stage_names = {"decline": "Decline", "maturity": "Maturity", "growth": "Growth"}
    assert view.info.stage_label.text() == stage_names[row["stage"]]
    assert view.info.reason_label.text() == row["reason_en"]
    assert view.info.confidence_label.text() == f"Confidence: {row['confidence']:.0%}"
    assert any(r.isVisible() for r in view.plot.stage_regions)
    assert view.plot.legend_labels()[0] == "Sales"
    assert "0050001" in view.info.product_label.text()


def test_new_forecast_in_session_redraws(view, shop):
    view.picker.select("0010600")
    doubled = shop.forecast.assign(forecast=shop.forecast["forecast"] * 2)
    view.session.set_forecast(doubled, shop.stages, shop.history)
    _, fy = view.plot.forecast_curve.getData()
    mine = doubled[doubled["unique_id"] == "0010600"]["forecast"]
    assert np.allclose(fy, mine)


def test_span_changes_history_shown(view):
    view.picker.select("0010600")
    view.span_combo.setCurrentIndex(0)  # last 3 months
    short = len(view.plot.history_curve.getData()[0])
    view.span_combo.setCurrentIndex(3)  # all
    assert short <= 92 < len(view.plot.history_curve.getData()[0])


def test_picker_search_filters_and_sort(view, qtbot):
    picker = view.picker
    assert len(picker.visible_ids()) == len(KEEP)
    assert picker.visible_ids()[0] == "0010600"  # best seller first
    picker.search.setText("坚果")
    assert picker.visible_ids() == ["0050001"]
    assert view.picker.current() == "0050001"
    picker.search.setText("0030")
    assert picker.visible_ids() == ["0030200"]
    picker.search.clear()
    picker.stage.setCurrentIndex(picker.stage.findData("inactive"))
    assert picker.visible_ids() == ["0060403"]
    assert view.info.total_label.text() == "No forecast for this product."
    picker.stage.setCurrentIndex(0)
    picker.category.setCurrentIndex(picker.category.findData("食品"))
    assert set(picker.visible_ids()) == {"0050001", RISKY}
    picker.category.setCurrentIndex(0)
    picker.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    totals = picker.model.frame["total"].to_numpy()
    assert (np.diff(totals) >= 0).all()


def test_no_model_shows_hint_and_goes_to_training(qtbot, shop):
    from core.data import ImportOptions
    from ui.session import Session
    from ui.views.forecast_view import ForecastView

    session = Session()
    session.set_data(shop.path, b"", ImportOptions(), shop.raw, shop.cleaning)
    view = ForecastView(session)
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 0
    assert "Train a model" in view.hint_label.text()
    with qtbot.waitSignal(view.sig_goto) as blocker:
        view.goto_button.click()
    assert blocker.args == [2]
    assert not view.run_forecast()


def test_export_forecast_csv_and_xlsx(view, tmp_path):
    import datetime as dt
    import os
    import stat

    import openpyxl

    from core.lifecycle import STAGE_NAMES

    path = view.export_forecast(tmp_path / "fc.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask  # not a temporary file's 0600
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert list(table.columns[:4]) == ["商品编码", "商品名称", "stage", "date"]
    assert "'" + RISKY in set(table["商品编码"]) and RISKY not in set(table["商品编码"])
    assert len(table) == len(view.session.forecast)
    stages = view.session.stages.set_index("unique_id")["stage"]
    first = table.iloc[0]
    assert first["stage"] == STAGE_NAMES[stages[first["商品编码"]]][0]
    assert first["date"] == str(view.session.forecast["ds"].min().date())
    # the products set aside as stopped selling are listed beside, with the reason
    inactive = view.session.frames.alignment.inactive
    assert len(inactive)  # the slice holds at least one discontinued product
    skipped = pd.read_csv(tmp_path / "fc_not_forecast.csv", encoding="utf-8-sig", dtype=str)
    assert sorted(skipped["商品编码"]) == sorted(inactive["unique_id"])
    assert skipped["why not forecast"].str.startswith("stopped selling").all()
    book = openpyxl.load_workbook(view.export_forecast(tmp_path / "fc.xlsx"), read_only=True)
    assert book.sheetnames == ["forecast", "not forecast"]
    rows = list(book["forecast"].iter_rows(values_only=True))
    assert rows[0][:4] == ("商品编码", "商品名称", "stage", "date")
    assert len(rows) == len(table) + 1
    assert isinstance(rows[1][3], dt.datetime)  # a real Excel date, not text
    assert len(list(book["not forecast"].iter_rows(values_only=True))) == len(inactive) + 1


def test_export_chart_png_and_svg(view, tmp_path):
    png = view.export_chart(tmp_path / "chart.png")
    assert png.stat().st_size > 0 and not QImage(str(png)).isNull()
    svg = view.export_chart(tmp_path / "chart.svg").read_text("utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg"))


def test_failures_are_shown(view, qtbot, tmp_path):
    view._export(view.export_chart, str(tmp_path / "chart.gif"))
    assert view.last_error is not None and ".png or .svg" in view.last_error.text()
    view.last_error = None

    from tests.core.child_tasks import BrokenForecaster

    s = view.session
    s.model = BrokenForecaster().fit(s.frames.frame, s.freq)  # fails in the child process
    assert view.run_forecast()
    qtbot.waitUntil(lambda: view.last_error is not None, timeout=30000)
    assert "no forecast today" in view.last_error.text()
    assert view.forecast_button.isEnabled()


def test_chinese(view, monkeypatch):
    from ui import i18n

    monkeypatch.setitem(i18n._state, "lang", "zh_CN")
    view.retranslate()
    view.picker.select("0010600")
    assert view.info.stage_label.text() in {"成熟期", "衰退期", "成长期"}
    assert view.picker.stage.itemText(view.picker.stage.findData("inactive")) == "已停售"


def test_views_without_data(qtbot, tmp_path):
    from ui.session import Session
    from ui.views.forecast_view import ForecastView
    from ui.views.recommendations_view import RecommendationsView

    session = Session()
    forecast, advice = ForecastView(session), RecommendationsView(session)
    for view in (forecast, advice):
        qtbot.addWidget(view)
        view.show()
    assert forecast.stack.currentIndex() == 0 and "sales file" in forecast.hint_label.text()
    assert not forecast.run_forecast() and not advice.run_recommend()
    assert not advice.run_backtest()
    with pytest.raises(InputError):
        forecast.export_forecast(tmp_path / "fc.csv")
    with pytest.raises(InputError):
        advice.export_table(tmp_path / "advice.csv")
    assert forecast.export_chart(tmp_path / "empty.png").stat().st_size > 0


def test_each_session_change_refreshes_the_decision_views_once(qtbot, shop):
    """The session announces every later step after a change; the Forecast and
    Recommendations views refresh once per change, not once per signal (a training
    result used to rebuild the hidden Forecast view twice: ~40 ms of the window's time)."""
    from core.data import ImportOptions
    from ui.views.forecast_view import ForecastView
    from ui.views.recommendations_view import RecommendationsView

    session = new_session(shop, forecast=True)
    forecast_view, advice_view = ForecastView(session), RecommendationsView(session)
    for widget in (forecast_view, advice_view):
        qtbot.addWidget(widget)
    fills = {"picker": 0, "advice": 0}

    def counted(name, method):
        def call(*args, **kwargs):
            fills[name] += 1
            return method(*args, **kwargs)

        return call

    forecast_view.picker.set_products = counted("picker", forecast_view.picker.set_products)
    advice_view.advice.show_advice = counted("advice", advice_view.advice.show_advice)
    changes = [
        lambda: session.set_data(shop.path, b"", ImportOptions(), shop.raw, shop.cleaning),
        lambda: session.set_model(shop.model),
        lambda: session.set_forecast(shop.forecast.copy(), shop.stages.copy(), shop.history),
    ]
    for change in changes:
        fills.update(picker=0, advice=0)
        change()
        assert fills == {"picker": 1, "advice": 1}
    # what the refresh showed is the new state: the forecast's products and no advice yet
    assert set(forecast_view.picker.visible_ids()) == set(KEEP) - {"0050100"} | {RISKY}
    assert forecast_view.export_forecast_button.isEnabled()
    assert advice_view.model.rowCount() == 0 and advice_view.recommend_button.isEnabled()
    forecast_view.shutdown()
    advice_view.shutdown()


def test_status_names_the_festival_lift_of_an_ets_model(qtbot, shop):
    """An ETS model took the shop's festival lift out; the status line says which."""
    from core.analysis import fit_model
    from core.data import model_frames
    from core.forecast import festival_lift_of
    from ui.views.forecast_view import ForecastView

    frames = model_frames(shop.cleaning.dataset)
    settings = replace(shop.settings, model="ets")
    model = fit_model(frames, shop.cleaning.dataset.freq, settings)
    lift = festival_lift_of(model)
    assert lift is not None and lift.active
    session = new_session(shop, forecast=True)
    session.set_model(model)
    session.set_forecast(shop.forecast.copy(), shop.stages.copy(), shop.history.copy())
    view = ForecastView(session)
    qtbot.addWidget(view)
    text = view.status_label.text()
    assert "without the shop's festival lift" in text
    assert lift.describe("en").split(",")[0] in text
    # the snaive model of the other tests has none: no such note
    other = ForecastView(new_session(shop, forecast=True))
    qtbot.addWidget(other)
    assert "festival lift" not in other.status_label.text()
