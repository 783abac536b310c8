"""Fixtures of the GUI tests: offscreen Qt, no leftover threads, sample sessions.

Cycles are collected in the GUI thread only, as in the app. Every test runs with fresh
QSettings in a temporary folder (the developer's own settings are never read or written)
and fails if it leaves a worker thread running.
"""

from __future__ import annotations

import ast
import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from core.data import ImportOptions, clean, load_dataset
from core.resources import resource_path
from core.sample import SAMPLE_PATH


@pytest.fixture(scope="session", autouse=True)
def gui_thread_collector(qapp):
    """Cycles are collected in the GUI thread only, as in the app (see ui.collector)."""
    from ui.collector import collect_in_gui_thread

    return collect_in_gui_thread(qapp)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """QSettings go to a temporary INI file; language starts in English."""
    from ui import i18n

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))
    i18n.install("en")
    yield
    i18n.install("en")


@pytest.fixture(autouse=True)
def no_thread_left_behind():
    """Fail a test that leaves a Python or Qt worker thread running."""
    from ui.workers.task_worker import running_threads

    before = {t.ident for t in threading.enumerate()}
    yield
    qt_left = running_threads()
    for thread in qt_left:
        thread.wait(30000)  # never let a running QThread be destroyed (Qt aborts)
    assert not qt_left, f"{len(qt_left)} worker QThread(s) left running"
    leftover = [t for t in threading.enumerate()
                if t.ident not in before and t.is_alive() and not t.daemon]  # fmt: skip
    for t in leftover:
        t.join(timeout=10)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"threads left running: {still}"


def choose(combo, value) -> None:
    """Pick the item whose data is ``value`` in ``combo`` as a user would (``activated``
    included)."""
    index = combo.findData(value)
    assert index >= 0, f"{value!r} not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def load_into(session, path=SAMPLE_PATH, options: ImportOptions | None = None) -> None:
    """Import and clean ``path`` straight into ``session`` (no worker)."""
    options = options or ImportOptions()
    raw = load_dataset(path, options)
    session.set_data(path, path.read_bytes(), options, raw, clean(raw, session.cleaning_options))


@pytest.fixture
def sample_session(qtbot):
    """A Session with the bundled sample shop imported and cleaned."""
    from ui.session import Session

    session = Session()
    load_into(session)
    return session


@pytest.fixture
def forecast_session(sample_session):
    """The sample session with a seasonal-naive model, forecast and lifecycle stages."""
    from core.analysis import fit_model, lifecycle_tables, make_forecast
    from core.forecast import TrainSettings

    s = sample_session
    s.train_settings = TrainSettings(model="snaive", levels=[80, 95])
    model = fit_model(s.frames, s.freq, s.train_settings)
    s.set_model(model)
    fc = make_forecast(model, 28, levels=[80, 95])
    stages, history = lifecycle_tables(s.frames, s.freq, forecast=fc)
    s.set_forecast(fc, stages, history)
    return s


def untranslated(module: str, json_name: str, context: str) -> tuple[int, list[str]]:
    """``self.tr`` calls in ``module`` (a path under the project) and the literal texts the
    zh_CN JSON ``json_name`` lacks under ``context``; a non-literal ``tr`` fails."""
    glossary = json.loads(resource_path("i18n", "zh_CN", json_name).read_text("utf-8"))
    source = Path(__file__).resolve().parents[2] / module
    calls = [n for n in ast.walk(ast.parse(source.read_text("utf-8")))
             if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "tr"]  # fmt: skip
    assert all(isinstance(c.args[0], ast.Constant) for c in calls), module
    return len(calls), [c.args[0].value for c in calls
                        if c.args[0].value not in glossary.get(context, {})]  # fmt: skip
