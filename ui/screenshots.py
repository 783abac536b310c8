"""Drive the whole app on the sample shop the way a user would, and photograph every view.

``python main.py --screenshots DIR`` imports the bundled sample through the import view,
trains with the training view (default model, few epochs), forecasts, recommends and runs
the policy backtest through their buttons, then saves a PNG of the window on every step
in English and in Chinese: ``DIR/<n>_<step>_<lang>.png``, and of the Overview:
``DIR/overview_<lang>.png``, its accuracy tab (``DIR/accuracy_<lang>.png``, from weekly
forecasts kept in an archive first: :func:`archive_step`) and the Purchase orders window
with a supplier table applied (``DIR/purchase_orders_<lang>.png``: :func:`purchase_step`).
Reviewers look at these; the
README shows the main ones. :func:`run_flow` (and its steps, which ``--self-test`` times one
by one) is also what the end-to-end test uses.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QCoreApplication, QEventLoop

from core.analysis import archive_path, save_run
from core.forecast import TrainSettings, make_base_model
from core.sample import SAMPLE_PATH
from ui.main_window import make_window

__all__ = [
    "FlowError", "run_flow", "take_screenshots", "wait_for",
    "import_step", "train_step", "forecast_step", "recommend_step", "backtest_step",
    "archive_step", "purchase_step",
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
    """Forecast every product with the trained model through the forecast view (or wait
    for the forecast that followed the training)."""
    s, view = window.session, window.forecast_view
    window.show_step(3)
    if not view.is_busy() and s.forecast is None and not view.run_forecast():
        raise FlowError("forecast did not start")
    wait_for(lambda: s.forecast is not None and not view.is_busy(), timeout, window, "forecast")


def recommend_step(window, timeout: float = 900.0) -> None:
    """Compute the order and promotion advice through the recommendations view (or wait
    for the advice that followed the forecast)."""
    s, view = window.session, window.recommendations_view
    window.show_step(4)
    if not view.is_busy() and s.recommendations is None and not view.run_recommend():
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


#: The supplier table the screenshots use: one row per category of the sample, a default.
SAMPLE_SUPPLIERS = {
    "category": ["服装", "小家电", "食品", "数码配件", "家居", "美妆", ""],
    "supplier": ["义乌优品服饰", "宁波小家电厂", "临沂食品批发", "深圳数码配件", "杭州家居用品",
                 "广州美妆供应链", "杭州百货批发"],
    "supplier_code": ["S01", "S02", "S03", "S04", "S05", "S06", "S00"],
    "lead_time": [5.0, 14.0, 3.0, 10.0, 7.0, 6.0, 10.0],
    "moq": [50.0, 20.0, 100.0, 30.0, 20.0, 24.0, None],
    "pack_size": [12.0, 4.0, 24.0, 10.0, 6.0, 12.0, None],
    "unit_cost": [22.0, 95.0, 6.5, 9.8, 18.0, 15.5, 12.0],
}  # fmt: skip


def archive_step(window, folder: Path, weeks: int = 4) -> Path:
    """Keep ``weeks`` weekly ETS forecasts of the sample, made at successive past data
    ends, in a forecast archive beside a project in ``folder`` (as ``python main.py
    forecast --archive`` would have week after week): the Overview then scores them."""
    s = window.session
    sales = s.frames.full[["unique_id", "ds", "y"]]
    last = sales["ds"].max()
    ends = sales.groupby("unique_id")["ds"].max()
    sales = sales[sales["unique_id"].isin(ends[ends == last].index)]
    s.project_path = folder / "sample_shop.skucast"
    path = archive_path(s.project_path)
    path.unlink(missing_ok=True)
    for week in range(weeks, 0, -1):
        cut = last - pd.Timedelta(days=7 * week)
        history = sales[sales["ds"] <= cut]
        forecast = make_base_model("ets").fit(history, "D").predict(7, levels=(80,))
        save_run(path, data_end=cut, model="ets", freq="D", forecast=forecast, history=history,
                 source=s.source_path or "", settings={"horizon": 7})  # fmt: skip
    window.overview_view.refresh()
    return path


def purchase_step(window, timeout: float = 300.0):
    """Type :data:`SAMPLE_SUPPLIERS` into the Purchase orders window and apply it; returns
    the window once the advice and the orders are made again."""
    recs = window.recommendations_view
    view = recs.open_purchase_orders()
    before = window.session.recommendations
    view.editor.set_rows(pd.DataFrame(SAMPLE_SUPPLIERS).assign(unique_id=""))
    if not view.apply_rows():
        raise FlowError("the supplier table was not applied")
    wait_for(lambda: (window.session.recommendations is not before or view.last_error is not None)
             and not recs.is_busy() and not view.is_busy() and view.orders is not None,
             timeout, window, "purchase orders")  # fmt: skip
    if view.last_error is not None and view.last_error.isVisible():
        raise FlowError(f"purchase orders: {view.last_error.text()}")
    return view


def _grab_all(window, folder: Path, lang: str, only=None) -> list[Path]:
    """Save the window on every step, the Overview, its accuracy panel and the Purchase
    orders window in ``lang``; ``only``: the names (``overview``, ``accuracy``,
    ``purchase_orders``, ``1_import`` ...) to save, default all."""
    window.set_language(lang)
    saved = []

    def save(widget, name: str) -> None:
        if only is None or name in only:
            out = folder / f"{name}_{lang}.png"
            widget.grab().save(str(out))
            saved.append(out)

    for index, name in enumerate(STEP_NAMES):
        window.show_step(index)
        _settle()
        save(window, f"{index + 1}_{name}")
    overview = window.overview_view
    window.show_overview()
    wait_for(lambda: overview.overview is not None and not overview.is_reading(), 120, window,
             "overview")  # fmt: skip
    overview.bottom_tabs.setCurrentIndex(0)
    _settle()
    save(window, "overview")
    overview.bottom_tabs.setCurrentWidget(overview.accuracy)
    _settle()
    save(window, "accuracy")
    overview.bottom_tabs.setCurrentIndex(0)
    purchase = window.recommendations_view.open_purchase_orders()
    wait_for(lambda: not purchase.is_busy(), 120, window, "purchase orders")
    _settle()
    save(purchase, "purchase_orders")
    purchase.hide()
    return saved


def take_screenshots(folder: str | Path, epochs: int = 8, only=None) -> int:
    """Run the flow on the sample and save every view in both languages; exit code.

    ``only`` (names as for :func:`_grab_all`) saves some of them only.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    window = make_window("en")
    window.resize(1280, 800)  # the main window's default size (issue 14: decisions on screen)
    window.show()
    try:
        with tempfile.TemporaryDirectory(prefix="skucast-shots-") as scratch:
            run_flow(window, settings=replace(TrainSettings(), epochs=epochs))
            purchase_step(window)
            archive_step(window, Path(scratch))
            saved = _grab_all(window, out, "en", only) + _grab_all(window, out, "zh_CN", only)
    except FlowError as exc:
        print(f"screenshots failed: {exc}", file=sys.stderr)
        return 1
    finally:
        window.discard_changes()
        window.close()
    for path in saved:
        print(path)
    return 0
