"""A progress bar that says what long work is doing: stage, products done, time left.

:class:`StepProgress` is a QProgressBar with a label beside it, for the views' long
tasks (forecast and lifecycle stages, advice, policy backtest): ``Lifecycle curves:
1,250 / 4,000 products · about 40 s left``. The events are core's plain progress dicts,
read by :class:`core.analysis.eta.ProgressClock` (the estimate is core's); the texts are
Qt translations (``StepProgress`` context), the stage names come from core in both
languages. Between events a 1 s timer counts the time left down. A step that counts
nothing (the forecast itself) shows a busy bar and its name.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from core.analysis import ProgressClock, StepReading, left_parts
from ui.i18n import core_lang

__all__ = ["StepProgress"]

# milliseconds between two refreshes of the time left (a plain comment: lupdate would
# hand a "#:" one to the translators)
TICK_MS = 1000


class StepProgress(QWidget):
    """Bar and label for one task at a time (see module doc).

    Call :meth:`start` when a task begins, :meth:`show_progress` with each progress event
    (a bound slot: connect ``sig_progress`` to it) and :meth:`stop` when it ends.

    Parameters
    ----------
    bar_width : int
        Largest width of the bar in pixels.
    clock : ProgressClock, optional
        Reads the events (tests give one with a fake clock).
    """

    def __init__(self, bar_width: int = 160, clock: ProgressClock | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.clock = clock or ProgressClock()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(bar_width)
        self.bar.setMinimumWidth(min(80, bar_width))
        self.bar.setTextVisible(False)
        self.label = QLabel()
        self.label.setObjectName("stepProgress")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.hide()

    # ------------------------------------------------------------------ task
    def start(self) -> None:
        """A task begins: busy bar, no text yet, the clock reset."""
        self.clock.start()
        self.bar.setRange(0, 0)
        self.label.setText("")
        self.show()
        self._timer.start()

    def stop(self) -> None:
        """The task ended: hide and stop counting."""
        self._timer.stop()
        self.hide()

    @Slot(object)
    def show_progress(self, event) -> None:
        """Show one progress event (a dict ``{"stage", "done", "total"}``, ``unit``
        optional)."""
        reading = self.clock.read(dict(event))
        if reading.counted:
            self.bar.setRange(0, reading.total)
            self.bar.setValue(min(reading.done, reading.total))
        else:
            self.bar.setRange(0, 0)
        self._show(reading)

    def text(self) -> str:
        """The label's text (for the views' checks and tests)."""
        return self.label.text()

    def retranslate(self) -> None:
        """The label again in the UI language (done on every language change)."""
        if self.clock.last is not None:
            self._show(self.clock.last)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ----------------------------------------------------------------- texts
    @Slot()
    def _tick(self) -> None:
        if self.clock.last is not None:
            self._show(self.clock.last)

    def _show(self, reading: StepReading) -> None:
        text = self._count_text(reading)
        left = self._left_text(reading.left(self.clock.clock()))
        self.label.setText(f"{text} · {left}" if left else text)

    def _count_text(self, reading: StepReading) -> str:
        stage = reading.label(core_lang())
        if not reading.counted:
            return self.tr("{stage}…").format(stage=stage)
        done, total = f"{reading.done:,}", f"{reading.total:,}"
        if reading.unit == "products":
            text = self.tr("{stage}: {done} / {total} products")
        elif reading.unit == "reviews":
            text = self.tr("{stage}: {done} / {total} reviews")
        else:
            text = self.tr("{stage}: {done} / {total}")
        return text.format(stage=stage, done=done, total=total)

    def _left_text(self, seconds: float | None) -> str:
        parts = left_parts(seconds)
        if parts is None:
            return ""
        if seconds <= 0:
            return self.tr("almost done")
        n, unit = parts
        if unit == "s":
            return self.tr("about {n} s left").format(n=n)
        if unit == "min":
            return self.tr("about {n} min left").format(n=n)
        return self.tr("about {n} h left").format(n=n)
