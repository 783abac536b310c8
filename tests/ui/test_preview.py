"""Every view opens on its own on the sample shop (``python -m ui.views.<view>``)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from ui.preview import parse_args, run_preview
from ui.views.features_view import FeaturesView
from ui.views.import_view import ImportView
from ui.views.recommendations_view import RecommendationsView
from ui.views.training_view import TrainingView

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ROOT / "ui" / "views"


def test_arguments_name_a_file_and_a_time_limit():
    assert parse_args([]) == (None, None)
    assert parse_args(["shop.csv", "--quit-after", "2.5"]) == ("shop.csv", 2.5)
    with pytest.raises(SystemExit):
        parse_args(["--quit-after"])


def _ready(view) -> bool:
    return not view.is_busy()


@pytest.mark.parametrize(
    ("view_class", "stage", "action", "done"),
    [
        (ImportView, "file", None, lambda s: s.has_data),
        (FeaturesView, "data", None, lambda s: s.has_data),
        (TrainingView, "data", None, lambda s: s.has_data),
        # the forecast stage of the Forecast view too (the forecast takes ~10 s: once)
        (
            RecommendationsView,
            "forecast",
            RecommendationsView.run_recommend,
            lambda s: s.forecast is not None and s.recommendations is not None,
        ),  # fmt: skip
    ],
)
def test_a_view_opens_alone_on_the_sample(qapp, view_class, stage, action, done):
    seen = []

    def then(view):  # what the preview runs once the session reached ``stage``
        seen.append(view)
        if action is not None:
            action(view)
        timer = QTimer(view)
        timer.timeout.connect(lambda: done(view.session) and _ready(view) and qapp.quit())
        timer.start(50)

    assert run_preview(view_class, stage, then=then, argv=["--quit-after", "120"]) == 0
    view = seen[0]
    assert isinstance(view, view_class) and done(view.session) and _ready(view)
    assert view.windowTitle() == "SkuCast - " + view.title()
    view.close()
    view.deleteLater()


def test_every_view_module_runs_its_preview():
    for path in sorted(VIEWS.glob("*_view.py")):
        tree = ast.parse(path.read_text("utf-8"))
        main = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
        assert len(main) == 1 and len(main[0].body) == 1, path.name
        assert "run_preview(" in ast.unparse(main[0].body[0]), path.name


def test_python_m_opens_a_view():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "ui.views.import_view", "--quit-after", "1"],
                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
