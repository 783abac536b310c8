"""The forecast step of the window counts products: the baselines' batches, made in the
task's child process, reach the step's progress bar as products done of the total, in
English and in Chinese. (With 420 products the child spreads them over worker
processes on a machine with two cores or more.)"""

from __future__ import annotations

import multiprocessing

import pytest

from tests.ui.test_step_progress import shop_frames

#: Products: past the 400 from which a machine with two cores or more would spread.
N = 420


@pytest.fixture(autouse=True)
def no_child_left_behind():
    yield
    assert multiprocessing.active_children() == []


def test_forecast_step_shows_products_done_from_the_child(qtbot):
    from core.analysis import forecast_task, sendable
    from core.forecast import make_base_model
    from ui import i18n
    from ui.widgets.step_progress import StepProgress
    from ui.workers.task_worker import ProcessRunner

    frames = shop_frames(N, days=60, seed=5)
    model = make_base_model("snaive").fit(frames.frame, "D")  # fitted here, forecast there
    runner, bar = ProcessRunner(), StepProgress()
    qtbot.addWidget(bar)
    events, ended = [], []
    runner.sig_progress.connect(events.append)
    runner.sig_progress.connect(bar.show_progress)
    runner.sig_cancelled.connect(lambda: ended.append("cancelled"))
    runner.sig_finished.connect(ended.append)
    runner.sig_failed.connect(lambda message, details: ended.append(message))
    bar.start()
    assert runner.start(forecast_task, sendable(model), frames, "D", 14, [80])
    qtbot.waitUntil(lambda: ended or any(e["stage"] == "lifecycle" for e in events),
                    timeout=120000)  # fmt: skip
    assert not ended, ended
    runner.cancel()  # the forecast is what this test is about, not the life curves
    qtbot.waitUntil(lambda: bool(ended) and not runner.is_running(), timeout=60000)
    counted = [e for e in events if e["stage"] == "predict" and e["total"] == N]
    done = [e["done"] for e in counted]
    assert done and done == sorted(done) and done[-1] == N
    assert {e["unit"] for e in counted} == {"products"}
    # the bar as it stood when the forecast's last batch came in
    bar.show_progress(counted[-1])
    assert bar.text().startswith(f"Forecasting: {N} / {N} products")
    assert i18n.install("zh_CN")
    try:
        qtbot.waitUntil(lambda: bar.text().startswith(f"预测：{N} / {N} 个商品"), timeout=2000)
    finally:
        i18n.install("en")
    bar.stop()
