"""Time left from progress events (core.analysis.eta), on a fake clock."""

from __future__ import annotations

import pytest

from core.analysis.eta import (
    MIN_SECONDS,
    ProgressClock,
    left_parts,
    left_text,
    stage_label,
)


class FakeClock:
    """Seconds that move only when told."""

    def __init__(self, t: float = 100.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def event(stage: str, done: int, total: int, **extra) -> dict:
    return {"stage": stage, "done": done, "total": total, **extra}


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def eta(clock):
    reader = ProgressClock(clock)
    reader.start()
    return reader


def test_rate_since_the_stage_began(eta, clock):
    clock.t += 1.0
    first = eta.read(event("lifecycle", 250, 4000))
    assert first.left_s is None  # one advance, one second: too early
    clock.t += 1.0
    second = eta.read(event("lifecycle", 500, 4000))
    # 500 products in 2 s -> 3,500 left at 250/s
    assert second.left_s == pytest.approx(14.0)
    assert second.unit == "products" and second.counted
    assert second.text("en") == "Lifecycle curves: 500 / 4,000 products · about 15 s left"


def test_one_advance_is_enough_after_two_seconds(eta, clock):
    clock.t += MIN_SECONDS + 1.0  # 3 s for the first batch
    reading = eta.read(event("inventory", 1000, 4000))
    assert reading.left_s == pytest.approx(9.0)  # 3,000 left at 333.3/s


def test_countdown_between_events_never_negative(eta, clock):
    clock.t += 2.0
    eta.read(event("lifecycle", 400, 4000))
    clock.t += 2.0
    reading = eta.read(event("lifecycle", 800, 4000))
    assert reading.left_s == pytest.approx(16.0)
    assert eta.left(clock.t + 6.0) == pytest.approx(10.0)
    assert eta.left(clock.t + 60.0) == 0.0
    assert reading.text("en", now=clock.t + 60.0).endswith("· almost done")


def test_a_new_stage_starts_at_the_previous_event(eta, clock):
    clock.t += 10.0
    eta.read(event("lifecycle", 4000, 4000))
    clock.t += 2.0
    eta.read(event("lifecycle_calendar", 1000, 4000))
    clock.t += 2.0
    reading = eta.read(event("lifecycle_calendar", 2000, 4000))
    # 2,000 in the 4 s since the lifecycle pass ended, not in the 14 s of the task
    assert reading.left_s == pytest.approx(4.0)
    assert eta.elapsed() == pytest.approx(14.0)


def test_a_stage_announced_at_zero_starts_at_that_event(eta, clock):
    clock.t += 30.0  # the forecast, before the lifecycle pass
    eta.read(event("predict", 0, 1))
    clock.t += 10.0
    eta.read(event("lifecycle", 0, 4000))
    clock.t += 4.0
    reading = eta.read(event("lifecycle", 1000, 4000))
    assert reading.left_s == pytest.approx(12.0)  # 1,000 in 4 s, not in 14 s


def test_the_same_stage_again_restarts(eta, clock):
    clock.t += 4.0
    eta.read(event("lifecycle", 2000, 4000))
    clock.t += 4.0
    eta.read(event("lifecycle", 4000, 4000))
    clock.t += 1.0
    again = eta.read(event("lifecycle", 100, 4000))  # a second pass under the same name
    assert again.done == 100 and again.left_s is None
    clock.t += 1.0
    assert eta.read(event("lifecycle", 200, 4000)).left_s == pytest.approx(38.0)


def test_done_stage_has_nothing_left(eta, clock):
    clock.t += 0.5
    assert eta.read(event("inventory", 400, 400)).left_s == 0.0


def test_steps_without_a_unit_get_no_count_and_no_estimate(eta, clock):
    clock.t += 5.0
    reading = eta.read(event("predict", 0, 1))
    assert reading.unit is None and not reading.counted and reading.left_s is None
    assert reading.text("en") == "Forecasting"
    assert reading.text("zh") == "预测"


def test_unit_given_by_the_event_wins(eta, clock):
    clock.t += 3.0
    reading = eta.read(event("simulate", 1, 4))
    assert reading.unit == "reviews"
    assert reading.text("en") == "Policy backtest: 1 / 4 reviews · about 10 s left"
    custom = eta.read(event("my_stage", 3, 10, unit="products"))
    assert custom.unit == "products" and custom.label("en") == "my_stage"


def test_a_stream_joined_mid_stage_counts_from_its_first_event(clock):
    reader = ProgressClock(clock)  # no start(): the first event's time is all we know
    assert reader.read(event("lifecycle", 1000, 4000)).left_s is None
    clock.t += 1.0
    reader.read(event("lifecycle", 1100, 4000))
    clock.t += 1.0
    reading = reader.read(event("lifecycle", 1200, 4000))
    assert reading.left_s == pytest.approx(28.0)  # 200 in 2 s -> 2,800 at 100/s


def test_chinese_text(eta, clock):
    clock.t += 10.0
    eta.read(event("lifecycle", 1250, 4000))
    clock.t += 10.0
    reading = eta.read(event("lifecycle", 2500, 4000))  # 125/s -> 12 s
    assert reading.text("zh") == "生命周期曲线：2,500 / 4,000 个商品 · 还剩约 15 秒"
    assert stage_label("inventory", "both") == "补货建议 / Reorder advice"


@pytest.mark.parametrize(
    ("seconds", "parts", "text"),
    [
        (None, None, ""),
        (0.4, (5, "s"), "about 5 s left"),
        (12.0, (15, "s"), "about 15 s left"),
        (40.0, (40, "s"), "about 40 s left"),
        (57.0, (60, "s"), "about 60 s left"),
        (61.0, (1, "min"), "about 1 min left"),
        (150.0, (2, "min"), "about 2 min left"),
        (89 * 60.0, (89, "min"), "about 89 min left"),
        (3 * 3600.0, (3, "h"), "about 3 h left"),
        (-3.0, (5, "s"), "almost done"),
        (float("inf"), None, ""),
    ],
)
def test_time_left_rounded_for_a_person(seconds, parts, text):
    assert left_parts(seconds) == parts
    assert left_text(seconds, "en") == text


def test_time_left_in_chinese():
    assert left_text(150.0, "zh") == "还剩约 2 分钟"
    assert left_text(0.0, "zh") == "即将完成"
