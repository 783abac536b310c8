"""The main window: steps, language switch, projects, drag-and-drop and the close prompt."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from core.analysis import fit_model, lifecycle_tables, make_forecast
from core.forecast import TrainSettings
from core.sample import SAMPLE_PATH
from tests.ui.conftest import load_into
from ui import i18n
from ui.main_window import MainWindow
from ui.screenshots import train_step, wait_for


def _dispose(win: MainWindow) -> None:
    win.discard_changes()
    win.close()
    for view in win.views:
        view.shutdown()
    win.project_runner.wait()
    win.deleteLater()


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    yield win
    _dispose(win)


def test_steps_menu_and_shortcuts_switch_views(window):
    assert window.steps.count() == 5
    assert window.steps.item(2).text().startswith("3  ")
    window.menus.step_actions[3].trigger()
    assert window.stack.currentWidget() is window.forecast_view
    assert window.menus.step_actions[3].shortcut().toString() == "Ctrl+4"
    window.show_step(0)
    assert window.current_view() is window.import_view


def test_language_switch_retranslates_menus_and_is_remembered(window):
    assert window.menus.file.title() == "&File"
    window.set_language("zh_CN")
    assert i18n.current() == "zh_CN"
    assert window.menus.file.title() == "文件(&F)"
    assert window.data_label.text() == "尚未导入数据"
    assert window.settings.language() == "zh_CN"
    window.set_language("en")
    assert window.menus.file.title() == "&File"


def test_language_switch_drops_a_passing_message_of_the_old_language(window):
    window.show_status("34 products: 24 to order now, 0 to clear, 3 to promote.")
    assert window.statusBar().currentMessage().startswith("34 products")
    window.set_language("zh_CN")
    assert window.statusBar().currentMessage() == ""
    window.set_language("en")


def test_status_bar_shows_loaded_data(window):
    load_into(window.session)
    assert window.data_label.text() == "sample_shop.csv: 60 products, 2023-01-01 to 2025-12-30"
    assert window.isWindowModified()
    assert window.windowTitle().startswith("sample_shop.csv[*]")


def test_project_round_trip_through_the_window(window, qtbot, tmp_path):
    s = window.session
    load_into(s)
    s.train_settings = TrainSettings(model="snaive", levels=[80])
    model = fit_model(s.frames, s.freq, s.train_settings)
    s.set_model(model)
    fc = make_forecast(model, 14, levels=[80])
    stages, history = lifecycle_tables(s.frames, s.freq, forecast=fc, history=False)
    s.set_forecast(fc, stages, history)
    path = tmp_path / "shop.skucast"
    assert window.save_project_to(path)
    qtbot.waitUntil(lambda: not window.project_runner.is_running(), timeout=20000)
    assert path.is_file() and not s.dirty and s.project_path == path
    assert window.windowTitle().startswith("shop.skucast")

    other = MainWindow()
    assert other.open_project(str(path))
    qtbot.waitUntil(lambda: other.session.forecast is not None, timeout=20000)
    qtbot.waitUntil(lambda: not other.project_runner.is_running(), timeout=5000)
    o = other.session
    assert o.dataset.n_series == 60 and o.train_settings.model == "snaive"
    assert (
        len(o.forecast) == len(fc)
        and o.forecast["unique_id"].nunique() == fc["unique_id"].nunique()
    )
    assert o.model is not None and not o.dirty
    again = o.model.predict(14, levels=[80])
    assert again["forecast"].round(6).tolist() == fc["forecast"].round(6).tolist()
    assert other.current_view() is other.forecast_view
    _dispose(other)


def test_damaged_project_keeps_the_open_analysis(window, qtbot, tmp_path):
    load_into(window.session)
    before = window.session.dataset
    bad = tmp_path / "bad.skucast"
    bad.write_bytes(b"PK\x03\x04 broken")
    window.session.set_dirty(False)
    window.open_path(str(bad))
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    assert "not a SkuCast project or is damaged" in window.last_error.text()
    assert window.session.dataset is before


def _drop(window, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(event)
    return event


def test_drop_opens_sales_files_and_ignores_others(window, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(window.import_view, "open_file", opened.append, raising=False)
    _drop(window, SAMPLE_PATH)
    assert opened == [str(SAMPLE_PATH)]
    other = tmp_path / "notes.docx"
    other.write_text("x")
    _drop(window, other)
    assert opened == [str(SAMPLE_PATH)]
    assert window.settings.recent()[0].endswith("sample_shop.csv")
    packed = tmp_path / "sales.csv.gz"  # gzip'd exports are read: offered and accepted too
    packed.write_bytes(b"")
    _drop(window, packed)
    assert opened == [str(SAMPLE_PATH), str(packed)]
    assert "*.gz" in window._file_filter()


def test_close_with_unsaved_work_asks_first(window, monkeypatch):
    load_into(window.session)
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.close()
    assert asked == ["Unsaved work"] and window.session.has_data
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)  # fmt: skip
    assert window.close()


def test_a_training_is_followed_by_its_forecast_and_the_advice(window):
    # issue 14 item 12: after training, forecast and recommend follow without a press
    load_into(window.session)
    s = window.session
    train_step(window, replace(TrainSettings(), model="ets", baselines=[], folds=1))
    assert s.model.name == "ets"
    wait_for(lambda: s.recommendations is not None and not window.forecast_view.is_busy()
             and not window.recommendations_view.is_busy(), 300, window, "the follow-on")  # fmt: skip
    active = s.frames.frame["unique_id"].nunique()
    assert s.forecast["unique_id"].nunique() == active == len(s.recommendations)
    assert set(s.recommendations["unique_id"]) == set(s.forecast["unique_id"])
    assert window.forecast_view.forecast_button.isEnabled()
