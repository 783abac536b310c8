"""Time left in long per-product work, read from the progress events core reports.

Per-product work reports dicts ``{"stage": name, "done": k, "total": n}`` (``unit``
optional: ``"products"``, ``"reviews"``; without one a stage's usual unit is taken, see
:data:`STAGE_UNITS`). :class:`ProgressClock` reads such a stream and turns each event into
a :class:`StepReading`: the stage's label in both languages, products done of the
total and the seconds left in that stage.

The estimate is per stage, from the rate since the stage began: its first event when
that says ``done`` 0 (a task announcing the stage), else the event before it (or
:meth:`ProgressClock.start`), since work begins when the previous stage ends. The first
batch, which pays for starting the worker processes, is counted. A stage whose ``done`` falls back (the same name again) starts afresh. No
estimate is given until the stage has advanced :data:`MIN_UPDATES` times or run
:data:`MIN_SECONDS` seconds; between events the estimate counts down and stops at zero,
never below. Plain Python, no Qt: the window (:mod:`ui.widgets.step_progress`) and the
terminal can share it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.text import pick

__all__ = [
    "MIN_SECONDS",
    "MIN_UPDATES",
    "STAGE_LABELS",
    "STAGE_UNITS",
    "ProgressClock",
    "StepReading",
    "left_parts",
    "left_text",
    "stage_label",
    "unit_label",
]

#: Advances of a stage before its time left is estimated (or :data:`MIN_SECONDS`).
MIN_UPDATES = 2
#: Seconds into a stage after which one advance is enough for an estimate.
MIN_SECONDS = 2.0

#: Stage name -> (English, Chinese) label.
STAGE_LABELS: dict[str, tuple[str, str]] = {
    "predict": ("Forecasting", "预测"),
    "lifecycle": ("Lifecycle curves", "生命周期曲线"),
    "lifecycle_calendar": ("Lifecycle curves with the shop's calendar", "按店铺日历拟合生命周期"),
    "lifecycle_rules": ("Lifecycle stages", "生命周期阶段"),
    "baskets": ("Products bought together", "关联购买商品"),
    "recommend": ("Advice", "建议"),
    "inventory": ("Reorder advice", "补货建议"),
    "simulate": ("Policy backtest", "策略回测"),
}
#: Stage name -> the unit its ``done``/``total`` count when an event names none; a
#: stage missing here counts steps (no count is shown for it).
STAGE_UNITS: dict[str, str] = {
    "lifecycle": "products",
    "lifecycle_calendar": "products",
    "lifecycle_rules": "products",
    "inventory": "products",
    "simulate": "reviews",
}
_UNIT_LABELS = {"products": ("products", "个商品"), "reviews": ("reviews", "次补货")}


def stage_label(stage: str, lang: str = "en") -> str:
    """The label of ``stage`` in ``lang`` (``en``/``zh``/``both``); unknown: its name."""
    en, zh = STAGE_LABELS.get(stage, (stage, stage))
    return pick(lang, en, zh, " / ")


def unit_label(unit: str, lang: str = "en") -> str:
    """``products`` / ``个商品`` (unknown units as given)."""
    en, zh = _UNIT_LABELS.get(unit, (unit, unit))
    return pick(lang, en, zh, " / ")


def left_parts(seconds: float | None) -> tuple[int, str] | None:
    """Seconds left rounded for a person: ``(n, "s" | "min" | "h")``; ``None`` for no
    estimate. Under a minute in steps of 5 s (at least 5), then whole minutes (at least
    1) up to 90 minutes, then whole hours."""
    if seconds is None or not math.isfinite(seconds):
        return None
    seconds = max(float(seconds), 0.0)
    if seconds < 57.5:
        return max(5, 5 * math.ceil(seconds / 5 - 1e-9)), "s"
    if seconds < 90 * 60:
        return max(1, round(seconds / 60)), "min"
    return round(seconds / 3600), "h"


def left_text(seconds: float | None, lang: str = "en") -> str:
    """``about 40 s left`` / ``还剩约 40 秒``; ``almost done`` at zero; empty without an
    estimate."""
    parts = left_parts(seconds)
    if parts is None:
        return ""
    if seconds <= 0:
        return pick(lang, "almost done", "即将完成", " / ")
    n, unit = parts
    zh_unit = {"s": "秒", "min": "分钟", "h": "小时"}[unit]
    return pick(lang, f"about {n} {unit} left", f"还剩约 {n} {zh_unit}", " / ")


@dataclass(frozen=True)
class StepReading:
    """One progress event as a person reads it.

    Attributes
    ----------
    stage : str
    done, total : int
    unit : str or None
        What ``done``/``total`` count (``products``, ``reviews``); ``None`` for a step
        of the task (nothing to count: show it as busy).
    left_s : float or None
        Seconds left in the stage when the event came (``None``: no estimate yet).
    at : float
        When the event came (the clock's time).
    """

    stage: str
    done: int
    total: int
    unit: str | None
    left_s: float | None
    at: float

    @property
    def counted(self) -> bool:
        """True when the stage counts something (a bar can show done of total)."""
        return self.unit is not None and self.total > 0

    def left(self, now: float) -> float | None:
        """Seconds left at ``now``: the estimate counted down, never below zero."""
        if self.left_s is None:
            return None
        return max(self.left_s - max(now - self.at, 0.0), 0.0)

    def label(self, lang: str = "en") -> str:
        """The stage's label in ``lang``."""
        return stage_label(self.stage, lang)

    def text(self, lang: str = "en", now: float | None = None) -> str:
        """``Lifecycle curves: 1,250 / 4,000 products · about 40 s left`` (``now``: for
        the countdown; default the time of the event)."""
        head = self.label(lang)
        if self.counted:
            sep = "：" if lang == "zh" else ": "
            count = f"{self.done:,} / {self.total:,}"
            unit = unit_label(self.unit, lang)
            head = f"{head}{sep}{count} {unit}"
        left = left_text(self.left(self.at if now is None else now), lang)
        return f"{head} · {left}" if left else head


class ProgressClock:
    """Reads a stream of progress events into :class:`StepReading`\\ s (see module doc).

    Parameters
    ----------
    clock : callable, optional
        Seconds, monotonic (default :func:`time.monotonic`; tests give a fake).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last: StepReading | None = None
        self._origin: float | None = None  # when the task started
        self._previous: float | None = None  # when the last event came
        self._phase: dict | None = None

    def start(self) -> None:
        """A new task begins now (forget the previous one)."""
        self.last, self._phase = None, None
        self._origin = self._previous = self.clock()

    def read(self, event: dict) -> StepReading:
        """The :class:`StepReading` of ``event`` (remembered as :attr:`last`)."""
        now = self.clock()
        stage = str(event.get("stage", ""))
        done, total = int(event.get("done") or 0), int(event.get("total") or 0)
        unit = event.get("unit") or STAGE_UNITS.get(stage)
        phase = self._phase
        if (phase is None or phase["stage"] != stage or phase["total"] != total
                or done < phase["done"]):  # fmt: skip
            # a stage announced at done 0 starts now; one first seen later started when
            # the event before it came; a stream joined mid-stage counts from here
            known = done == 0 or self._previous is not None
            start = self._previous if done > 0 and known else now
            phase = {"stage": stage, "total": total, "start": start,
                     "base": 0 if known else done, "advances": 0}  # fmt: skip
            phase["done"] = phase["base"]
            self._phase = phase
        if done > phase["done"]:
            phase["advances"] += 1
        phase["done"] = done
        self._previous = now
        left = self._estimate(phase, now) if unit is not None and total > 0 else None
        self.last = StepReading(stage, done, total, unit, left, now)
        return self.last

    def left(self, now: float | None = None) -> float | None:
        """Seconds left in the current stage at ``now`` (default: the clock's time)."""
        if self.last is None:
            return None
        return self.last.left(self.clock() if now is None else now)

    def elapsed(self) -> float:
        """Seconds since :meth:`start` (0 before it)."""
        return 0.0 if self._origin is None else max(self.clock() - self._origin, 0.0)

    @staticmethod
    def _estimate(phase: dict, now: float) -> float | None:
        done, total = phase["done"], phase["total"]
        if done >= total:
            return 0.0
        elapsed, progress = now - phase["start"], done - phase["base"]
        if progress <= 0 or elapsed <= 0:
            return None
        if phase["advances"] < MIN_UPDATES and elapsed < MIN_SECONDS:
            return None
        return (total - done) * elapsed / progress
