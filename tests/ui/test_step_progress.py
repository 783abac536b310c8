"""Long steps say what they do: products done of the total and the time left.

The widget (ui.widgets.step_progress) on a fake clock, in English and Chinese; the
Forecast and Recommendations views while a fake task reports events; and the real
tasks' per-product events: the forecast's lifecycle passes, and the advice of a shop of
420 products on worker processes (small batches, so several events arrive).
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from core.analysis.eta import ProgressClock


class FakeClock:
    def __init__(self, t: float = 50.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def shop_frames(n: int, days: int = 120, seed: int = 3):
    """Daily sales of ``n`` products (no gaps) as the ModelFrames a session holds."""
    from core.data.alignment import ModelFrames

    rng = np.random.default_rng(seed)
    ids = [f"P{i:05d}" for i in range(n)]
    dates = pd.date_range("2025-01-01", periods=days, freq="D")
    level = np.repeat(rng.uniform(0.5, 20, n), days)
    frame = pd.DataFrame({"unique_id": np.repeat(ids, days), "ds": np.tile(dates, n),
                          "y": rng.poisson(level).astype(float)})  # fmt: skip
    return ModelFrames(frame=frame, full=frame, alignment=None)


def snaive(frames, horizon: int = 21):
    from core.analysis import fit_model
    from core.forecast import TrainSettings

    settings = TrainSettings(model="snaive", horizon=horizon, levels=[80, 95])
    return fit_model(frames, "D", settings)


@pytest.fixture
def widget(qtbot):
    from ui.widgets.step_progress import StepProgress

    clock = FakeClock()
    bar = StepProgress(clock=ProgressClock(clock))
    qtbot.addWidget(bar)
    bar.clock_time = clock  # the test moves it
    return bar


def feed(bar, *events, step: float = 2.0) -> None:
    for event in events:
        bar.clock_time.t += step
        bar.show_progress(event)


def test_widget_shows_count_and_time_left(widget):
    widget.start()
    assert not widget.isHidden() and widget.bar.maximum() == 0  # busy until an event
    feed(widget, {"stage": "lifecycle", "done": 500, "total": 4000},
         {"stage": "lifecycle", "done": 1250, "total": 4000})  # fmt: skip
    # 1,250 in 4 s -> 2,750 left at 312.5/s = 8.8 s
    assert widget.text() == "Lifecycle curves: 1,250 / 4,000 products · about 10 s left"
    assert (widget.bar.maximum(), widget.bar.value()) == (4000, 1250)
    widget.clock_time.t += 30
    widget._tick()  # the 1 s timer between events
    assert widget.text().endswith("· almost done")
    widget.stop()
    assert widget.isHidden()


def test_widget_steps_without_count_and_minutes(widget):
    widget.start()
    feed(widget, {"stage": "predict", "done": 0, "total": 1})
    assert widget.text() == "Forecasting…" and widget.bar.maximum() == 0
    feed(widget, {"stage": "inventory", "done": 0, "total": 50_000, "unit": "products"},
         {"stage": "inventory", "done": 500, "total": 50_000, "unit": "products"},
         step=3.0)  # fmt: skip
    assert widget.text() == "Reorder advice: 500 / 50,000 products · about 5 min left"
    feed(widget, {"stage": "simulate", "done": 1, "total": 4, "unit": "reviews"}, step=10.0)
    assert widget.text() == "Policy backtest: 1 / 4 reviews · about 30 s left"


def test_widget_in_chinese(widget, qtbot):
    from ui import i18n

    widget.start()
    feed(widget, {"stage": "lifecycle", "done": 1250, "total": 4000},
         {"stage": "lifecycle", "done": 2500, "total": 4000}, step=10.0)  # fmt: skip
    assert i18n.install("zh_CN")  # the widget follows at the LanguageChange event
    zh = "生命周期曲线：2,500 / 4,000 个商品 · 还剩约 15 秒"
    qtbot.waitUntil(lambda: widget.text() == zh, timeout=2000)
    i18n.install("en")
    en = "Lifecycle curves: 2,500 / 4,000 products · about 15 s left"
    qtbot.waitUntil(lambda: widget.text() == en, timeout=2000)


def test_forecast_view_shows_progress_of_its_task(qtbot):
    from ui.session import Session
    from ui.views.forecast_view import ForecastView

    view = ForecastView(Session())
    qtbot.addWidget(view)
    view.show()
    clock = FakeClock()
    view.progress.clock = ProgressClock(clock)
    view.runner.sig_running.emit(True)  # what the runner says as a task starts
    assert view.progress.isVisible() and view.cancel_button.isVisible()
    for done in (0, 300, 600):
        clock.t += 1.5
        view.runner.sig_progress.emit({"stage": "lifecycle", "done": done, "total": 1000,
                                       "unit": "products"})  # fmt: skip
    assert view.progress.text() == "Lifecycle curves: 600 / 1,000 products · about 5 s left"
    assert view.progress.bar.value() == 600
    view.runner.sig_running.emit(False)
    assert not view.progress.isVisible()


def _fake_advice(gate: threading.Event, on_progress=None, should_stop=None):
    """A task that reports two batches, then waits to be cancelled."""
    on_progress({"stage": "inventory", "done": 0, "total": 4000, "unit": "products"})
    on_progress({"stage": "inventory", "done": 1000, "total": 4000, "unit": "products"})
    gate.wait(10)
    on_progress({"stage": "inventory", "done": 2000, "total": 4000, "unit": "products"})
    while not should_stop():
        threading.Event().wait(0.01)
    from core.errors import CancelledError

    raise CancelledError()


def test_recommendations_view_shows_progress_of_a_running_task(qtbot):
    from ui.session import Session
    from ui.views.recommendations_view import RecommendationsView

    view = RecommendationsView(Session())
    qtbot.addWidget(view)
    view.show()
    clock = FakeClock()
    view.progress.clock = ProgressClock(clock)
    gate = threading.Event()
    assert view.runner.start(_fake_advice, gate)
    assert view.progress.isVisible() and not view.recommend_button.isEnabled()
    qtbot.waitUntil(lambda: "1,000 / 4,000" in view.progress.text(), timeout=5000)
    assert view.progress.text() == "Reorder advice: 1,000 / 4,000 products"  # too early
    clock.t += 4.0  # 2,000 done 4 s after the start
    gate.set()
    qtbot.waitUntil(lambda: "2,000 / 4,000" in view.progress.text(), timeout=5000)
    assert view.progress.text() == "Reorder advice: 2,000 / 4,000 products · about 5 s left"
    view.cancel_button.click()
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=5000)
    assert not view.progress.isVisible() and view.status_label.text() == "Cancelled."


def test_forecast_task_reports_every_lifecycle_pass_per_product():
    from core.analysis import forecast_task

    frames = shop_frames(30)
    events = []
    result = forecast_task(snaive(frames), frames, "D", 14, [80], on_progress=events.append)
    assert len(result.stages) == 30
    assert events[0] == {"stage": "predict", "done": 0, "total": 1}
    stages = list(dict.fromkeys(e["stage"] for e in events))
    assert stages == ["predict", "lifecycle", "lifecycle_calendar", "lifecycle_rules"]
    for stage in stages[1:]:
        done = [e["done"] for e in events if e["stage"] == stage]
        assert len(done) >= 5 and done == sorted(done) and done[-1] == 30
        assert {(e["total"], e["unit"]) for e in events if e["stage"] == stage} == {
            (30, "products")
        }


def test_forecast_task_cancels_between_batches():
    from core.analysis import forecast_task
    from core.errors import CancelledError

    frames = shop_frames(30)
    events = []

    def stop() -> bool:  # after the first batch of life curves
        return any(e["stage"] == "lifecycle" and e["done"] > 0 for e in events)

    with pytest.raises(CancelledError):
        forecast_task(snaive(frames), frames, "D", 14, [80], on_progress=events.append,
                      should_stop=stop)  # fmt: skip
    assert max(e["done"] for e in events if e["stage"] == "lifecycle") < 30


@pytest.fixture
def spread_workers():
    """Worker processes for 420 products, 60 a batch (7 events a pass over them)."""
    from core.parallel import Workers, configure, shutdown

    old = configure(Workers(jobs=2, batch=60))
    yield
    configure(old)
    shutdown()


def test_recommend_task_reports_products_from_worker_processes(qtbot, spread_workers):
    from core.analysis import recommend_task
    from core.parallel import current
    from core.recommend import InventoryOptions
    from ui.widgets.step_progress import StepProgress
    from ui.workers.task_worker import TaskRunner

    n = 420
    assert current().spreads(n)  # the advice leaves this process
    frames = shop_frames(n, days=60)
    model = snaive(frames)
    fc = model.predict(21, levels=[80, 95])
    stages = pd.DataFrame({"unique_id": sorted(frames.full["unique_id"].unique()),
                           "stage": "maturity"})  # fmt: skip
    runner, bar = TaskRunner(), StepProgress()
    qtbot.addWidget(bar)
    events, results = [], []
    runner.sig_progress.connect(events.append)
    runner.sig_progress.connect(bar.show_progress)
    runner.sig_finished.connect(results.append)
    bar.start()
    runner.start(recommend_task, model, frames, "D", fc, stages, None,
                 InventoryOptions(lead_time=7))  # fmt: skip
    qtbot.waitUntil(lambda: bool(results), timeout=120000)
    qtbot.waitUntil(lambda: not runner.is_running(), timeout=5000)
    assert len(results[0].table) == n
    advice = [e for e in events if e["stage"] == "inventory"]
    done = [e["done"] for e in advice]
    assert len(done) >= 8 and done[0] == 0 and done[-1] == n
    assert done == sorted(done) and len(set(done)) == len(done)
    assert {(e["total"], e["unit"]) for e in advice} == {(n, "products")}
    assert bar.text().startswith(f"Reorder advice: {n} / {n} products")
