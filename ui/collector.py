"""Python's cyclic garbage collector, run in the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate when a
generation fills up. In SkuCast that is often a worker thread (relaying a training
child's progress, pickling a job for it). When the cycle being collected holds a Qt
widget -- a closed dialog, a view replaced by a new one -- Qt then destroys that widget
outside the GUI thread and the whole process dies: measured on PySide6 6.11 as
``pure virtual method called`` (SIGABRT) or a segmentation fault, at random moments.

:func:`collect_in_gui_thread` switches automatic collection off and lets a timer in the
GUI thread collect instead, generation by generation with Python's own thresholds, so
nothing is collected less often than before by more than one tick.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector", "collect_in_gui_thread"]

#: Milliseconds between two checks of the collector's counts.
TICK_MS = 250

_installed: GuiThreadCollector | None = None


class GuiThreadCollector(QObject):
    """Collects cycles on a timer in the thread it lives in (see module doc)."""

    def __init__(self, parent: QObject | None = None, tick_ms: int = TICK_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = [0, 0, 0]  # how many times each generation was collected
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(tick_ms)

    def check(self) -> None:
        """As Python would on its next allocation: once generation 0 is full, collect the
        oldest generation whose count passed its threshold (and all younger ones)."""
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = max(level for level in range(3) if counts[level] > self.thresholds[level])
        gc.collect(generation)
        self.collections[generation] += 1

    def stop(self) -> None:
        """Give collection back to Python (tests; the app keeps it until it quits)."""
        self._timer.stop()
        gc.enable()


def collect_in_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install the collector once per process, owned by ``app``; returns it."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    return _installed
