"""Cycles holding widgets are collected in the GUI thread, never in a worker thread.

Without this a worker thread that allocated at the wrong moment destroyed a widget left
over from an earlier test, and the test run died with a segmentation fault.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QLabel, QWidget

from ui.collector import GuiThreadCollector


class _Witness:
    """Part of a cycle; records the thread that finally frees it."""

    def __init__(self, seen: list) -> None:
        self.seen = seen
        self.me = self

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


def _cycle_with_a_widget(seen: list) -> None:
    widget = QWidget()
    QLabel("销量", widget)
    witness = _Witness(seen)
    witness.widget = widget
    widget.witness = witness  # widget <-> witness: only the collector frees them


def _allocate_in_a_thread() -> list:
    kept = []

    def work() -> None:
        # far past generation 0's threshold: automatic collection would start here
        kept.extend([i] for i in range(50 * gc.get_threshold()[0]))

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()
    return kept


def test_the_app_collects_cycles_in_the_gui_thread_only(qtbot, gui_thread_collector):
    assert not gc.isenabled()
    seen: list[str] = []
    _cycle_with_a_widget(seen)
    kept = _allocate_in_a_thread()
    assert seen == []  # the worker's allocations did not collect the cycle
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [threading.main_thread().name]
    del kept  # held until here so that the worker's allocations stayed alive


def test_check_collects_the_generations_whose_counts_passed_their_thresholds(qtbot):
    collector = GuiThreadCollector(tick_ms=60_000)  # checked by hand below
    try:
        gc.collect()
        collector.check()
        assert collector.collections == [0, 0, 0]  # nothing to do right after a collection
        kept = [[i] for i in range(2 * collector.thresholds[0])]
        collector.check()
        assert collector.collections == [1, 0, 0]
        assert gc.get_count()[0] < collector.thresholds[0]
        for _ in range(collector.thresholds[1] + 1):
            kept.extend([i] for i in range(collector.thresholds[0] + 1))
            gc.collect(0)  # what the timer does between two older collections
        collector.check()
        assert collector.collections == [1, 0, 0]  # generation 0 is empty: nothing yet
        kept.extend([i] for i in range(collector.thresholds[0] + 1))
        collector.check()
        assert collector.collections == [1, 1, 0]
        assert gc.get_count()[1] == 0
    finally:
        collector.stop()
        gc.disable()  # the session's collector is still installed
