"""Drive the whole app on the sample shop the way a user would, and photograph every view.

``python main.py --screenshots DIR`` imports the bundled sample through the import view,
trains with the training view (default model, few epochs), forecasts, recommends and runs
the policy backtest through their buttons, then saves a PNG of the window on every step
in English and in Chinese: ``DIR/<n>_<step>_<lang>.png``, and of the Overview:
``DIR/overview_<lang>.png``. Reviewers look at these; the
README shows the main ones. :func:`run_flow` (and its steps, which ``--self-test`` times one
by one) is also what the end-to-end test uses.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop

from core.forecast import TrainSettings
from core.sample import SAMPLE_PATH
from ui.main_window import make_window

__all__ = [
    "FlowError", "run_flow", "take_screenshots", "wait_for",
    "import_step", "train_step", "forecast_step", "recommend_step", "backtest_step",
]  # fmt: skip

STEP_NAMES = ("import", "features", "train", "forecast", "recommendations")


class FlowError(RuntimeError):
    """A step of the scripted flow failed or timed out.

    Attributes
    ----------
    details : str
        The technical details of the error dialog that stopped it (a traceback), if any.
    """

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def wait_for(condition, timeout: float, window=None, what: str = "") -> None:
    """Process events until ``condition()`` holds; raise :class:`FlowError` on timeout
    or when a view shows an error dialog."""
    deadline = time.monotonic() + timeout
    while not condition():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        errors = [] if window is None else [v.last_error for v in window.views]
        shown = [e for e in errors if e is not None and e.isVisible()]
        if shown:
            raise FlowError(f"{what}: {shown[0].text()}", shown[0].detailedText())
        if time.monotonic() > deadline:
            raise FlowError(f"{what}: timed out after {timeout:.0f} s")
        time.sleep(0.01)


# Each step starts one view's work through its button slot and waits for the session to
# hold the result, as a user clicking through the app would; a step that cannot start
# (False from the slot) is a failure, not a silent skip.


def import_step(window, path=None, timeout: float = 900.0) -> None:
    """Import ``path`` (default: the bundled sample) through the import view."""
    s = window.session
    window.show_step(0)
    if not window.import_view.open_file(str(path or SAMPLE_PATH)):
        raise FlowError("import did not start")
    wait_for(lambda: s.has_data and not window.import_view.is_busy(), timeout, window, "import")


def train_step(window, settings=None, timeout: float = 900.0) -> None:
    """Train with the training view; ``settings`` (a :class:`~core.analysis.pipeline.TrainSettings`)
    are loaded into its form first."""
    s, training = window.session, window.training_view
    window.show_step(2)
    if settings is not None:
        training.form.load_settings(settings)
    if not training.start_training():
        raise FlowError("training did not start")
    wait_for(lambda: s.model is not None and not training.is_busy(), timeout, window, "training")


def forecast_step(window, timeout: float = 900.0) -> None:
    """Forecast every product with the trained model through the forecast view."""
    s, view = window.session, window.forecast_view
    window.show_step(3)
    if not view.run_forecast():
        raise FlowError("forecast did not start")
    wait_for(lambda: s.forecast is not None and not view.is_busy(), timeout, window, "forecast")


def recommend_step(window, timeout: float = 900.0) -> None:
    """Compute the order and promotion advice through the recommendations view."""
    s, view = window.session, window.recommendations_view
    window.show_step(4)
    if not view.run_recommend():
        raise FlowError("recommendations did not start")
    wait_for(lambda: s.recommendations is not None and not view.is_busy(), timeout, window,
             "recommendations")  # fmt: skip


def backtest_step(window, timeout: float = 900.0) -> None:
    """Run the policy backtest of the recommendations view."""
    s, view = window.session, window.recommendations_view
    if not view.run_backtest():
        raise FlowError("policy backtest did not start")
    wait_for(lambda: s.simulation is not None and not view.is_busy(), timeout, window,
             "policy backtest")  # fmt: skip


def run_flow(window, path=None, settings=None, timeout: float = 900.0, backtest: bool = True):
    """Import ``path`` (default: the sample), train, forecast and recommend via the views.

    ``settings`` (a :class:`~core.analysis.pipeline.TrainSettings`) overrides the training form;
    ``timeout`` applies to each step.
    """
    window.finish_setup()
    import_step(window, path, timeout)
    train_step(window, settings, timeout)
    forecast_step(window, timeout)
    recommend_step(window, timeout)
    if backtest:
        backtest_step(window, timeout)


def _settle() -> None:
    for _ in range(5):  # let layouts and plots settle
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.05)


def _grab_all(window, folder: Path, lang: str) -> list[Path]:
    window.set_language(lang)
    saved = []
    for index, name in enumerate(STEP_NAMES):
        window.show_step(index)
        _settle()
        out = folder / f"{index + 1}_{name}_{lang}.png"
        window.grab().save(str(out))
        saved.append(out)
    overview = window.overview_view
    window.show_overview()
    wait_for(lambda: overview.overview is not None and not overview.is_reading(), 120, window,
             "overview")  # fmt: skip
    _settle()
    out = folder / f"overview_{lang}.png"
    window.grab().save(str(out))
    return [*saved, out]


def take_screenshots(folder: str | Path, epochs: int = 8) -> int:
    """Run the flow on the sample and save every view in both languages; exit code."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    window = make_window("en")
    window.resize(1440, 900)
    window.show()
    try:
        run_flow(window, settings=replace(TrainSettings(), epochs=epochs))
        saved = _grab_all(window, out, "en") + _grab_all(window, out, "zh_CN")
    except FlowError as exc:
        print(f"screenshots failed: {exc}", file=sys.stderr)
        return 1
    finally:
        window.discard_changes()
        window.close()
    for path in saved:
        print(path)
    return 0
