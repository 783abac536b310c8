"""The Train view's progress line, read from the training child's events."""

from __future__ import annotations

import pytest

from core.forecast import TrainSettings
from ui import i18n
from ui.widgets.training_progress import TrainingProgress

ORDER = ("fit", "backtest", "final", "importance")


def _tags(phase: str) -> dict:
    return {"phase": phase, "step": ORDER.index(phase) + 1, "steps": len(ORDER), "phases": ORDER}


@pytest.fixture
def reader(qapp):
    progress = TrainingProgress()
    progress.begin(TrainSettings(model="lstm", baselines=["snaive", "ets"], folds=2))
    return progress


def test_a_deep_training_reads_step_by_step(reader):
    t0 = reader._times["start"]
    first = reader.read({"stage": "start", **_tags("fit")}, now=t0 + 1)
    assert first.new_step and first.done is None and first.left is None
    assert first.text == "Step 1 of 4 · Preparing the data and fitting LSTM…"
    epoch = {"stage": "train", "epoch": 8, "epochs": 32, "eta_seconds": 30.0, **_tags("fit")}
    mid = reader.read(epoch, now=t0 + 11)
    assert not mid.new_step
    assert mid.text == (
        "Step 1 of 4 · Training LSTM on the history before the test periods: epoch 8 of 32"
    )
    assert mid.done == pytest.approx(0.25 / 4) and mid.left == pytest.approx(30.0)
    # between two epochs the time left counts down from the last estimate
    batch = {"stage": "batch", "epoch": 9, "batch": 5, "batches": 10, "epochs": 32}
    assert reader.read({**batch, **_tags("fit")}, now=t0 + 21).left == pytest.approx(20.0)

    # the backtest: 3 models x 2 folds; time left from the pace so far
    started = reader.read({"stage": "start", **_tags("backtest")}, now=t0 + 40)
    assert started.new_step and "Backtesting LSTM" in started.text
    unit = {"stage": "backtest", "done": 3, "total": 6, **_tags("backtest")}
    half = reader.read(unit, now=t0 + 44)
    assert half.text == "Step 2 of 4 · Backtesting LSTM on held-out periods (3 of 6 done)"
    assert half.done == pytest.approx((1 + 0.5) / 4) and half.left == pytest.approx(4.0)

    final = {"stage": "train", "epoch": 2, "epochs": 10, "eta_seconds": 8.0, **_tags("final")}
    on = reader.read(final, now=t0 + 50)
    assert on.new_step
    assert on.text == "Step 3 of 4 · Training LSTM on to the latest data: epoch 2 of 10"
    assert on.done == pytest.approx((2 + 0.2) / 4)

    last = reader.read({"stage": "start", **_tags("importance")}, now=t0 + 60)
    assert last.text == "Step 4 of 4 · Measuring which inputs matter most…"
    assert last.done == pytest.approx(3 / 4)


def test_a_training_without_later_steps_names_no_cutoff(reader):
    event = {"stage": "train", "epoch": 1, "epochs": 5, "phase": "fit", "step": 1, "steps": 2,
             "phases": ("fit", "backtest")}  # fmt: skip
    assert reader.read(event).text == "Step 1 of 2 · Training LSTM: epoch 1 of 5"


def test_a_search_reads_its_budget_and_best_trial(qapp):
    reader = TrainingProgress()
    reader.begin(TrainSettings(model="lstm"), budget_s=120.0)
    t0 = reader._times["start"]
    event = {"phase": "tune", "stage": "tune", "trial": 2, "best": 0.41234}
    reading = reader.read(event, now=t0 + 30)
    assert reading.text == "Tuning: trial 3 · best validation loss so far 0.4123"
    assert reading.done == pytest.approx(0.25) and reading.left == pytest.approx(90.0)
    assert reader.read(event, now=t0 + 500).left == 0.0


def test_the_line_is_chinese_in_the_chinese_ui(reader):
    i18n.install("zh_CN")
    try:
        event = {"stage": "train", "epoch": 3, "epochs": 10, **_tags("final")}
        text = reader.read(event).text
    finally:
        i18n.install("en")
    assert text == "第 3/4 步 · 在最新数据上继续训练 LSTM：第 3 / 10 轮"
