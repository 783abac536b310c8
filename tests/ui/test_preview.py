"""Every view opens on its own on the sample shop (``python -m ui.views.<view>``)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.preview import parse_args

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ROOT / "ui" / "views"


def test_arguments_name_a_file_and_a_time_limit():
    assert parse_args([]) == (None, None)
    assert parse_args(["shop.csv", "--quit-after", "2.5"]) == ("shop.csv", 2.5)
    with pytest.raises(SystemExit):
        parse_args(["--quit-after"])


#: Each preview runs in a child interpreter: ``app.exec()`` and its quit, the workers and
#: the forecast's child process leave Qt state behind that later tests' event loops would
#: meet (a recommendations test then timed out).
PREVIEW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.preview import run_preview
from ui.views.{module} import {cls} as View
seen = []
def done(view):
    s = view.session
    ready = s.has_data and not view.is_busy()
    return ready and ({advice} <= (s.recommendations is not None))
def then(view):
    seen.append(view)
    if {advice}:
        view.run_recommend()
    timer = QTimer(view)
    timer.timeout.connect(lambda: done(view) and QApplication.instance().quit())
    timer.start(50)
code = run_preview(View, "{stage}", then=then, argv=["--quit-after", "150"])
view = seen[0]
rows = 0 if view.session.recommendations is None else len(view.session.recommendations)
print(code, done(view), view.session.dataset.n_series, rows, view.windowTitle())
sys.stdout.flush()
"""


@pytest.mark.parametrize(
    ("module", "cls", "stage", "advice", "title"),
    [
        ("import_view", "ImportView", "file", False, "Import"),
        ("features_view", "FeaturesView", "data", False, "Features"),
        ("training_view", "TrainingView", "data", False, "Train"),
        # the forecast stage too, then the advice (the forecast takes ~10 s: once)
        ("recommendations_view", "RecommendationsView", "forecast", True, "Recommendations"),
    ],
)
def test_a_view_opens_alone_on_the_sample(module, cls, stage, advice, title):
    code = PREVIEW.format(module=module, cls=cls, stage=stage, advice=advice)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, env=env, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    exit_code, done, series, rows, shown = out.stdout.strip().splitlines()[-1].split(" ", 4)
    assert (exit_code, done) == ("0", "True")
    assert int(series) >= 30  # the sample shop's active products (60 with the inactive)
    assert (int(rows) > 10) == advice
    assert shown == "SkuCast - " + title


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
