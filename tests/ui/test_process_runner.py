"""The process runner: a task in a child process, reported like a thread task."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest
from PySide6.QtCore import QThread

import core.analysis.jobs
from tests.core import child_tasks as tasks
from ui.workers.process_runner import ProcessRunner
from ui.workers.task_worker import running_threads


@pytest.fixture(autouse=True)
def no_child_left_behind():
    yield
    assert multiprocessing.active_children() == []


def test_result_and_progress_reach_the_gui_thread(qtbot):
    runner = ProcessRunner()
    got, events, where = [], [], []
    runner.sig_finished.connect(got.append)
    runner.sig_progress.connect(events.append)
    runner.sig_finished.connect(lambda _: where.append(QThread.currentThread()))
    assert runner.start(tasks.add, 2, 3)
    assert not runner.start(tasks.add, 1, 1)  # one task at a time
    qtbot.waitUntil(lambda: bool(got), timeout=30000)
    assert got == [5] and [e["done"] for e in events] == [1, 2, 3]
    assert events[0]["pid"] != os.getpid()  # it ran in another process
    assert where[0] is QThread.currentThread()
    assert not runner.is_running() and running_threads() == []


def test_failures_show_the_childs_message_and_traceback(qtbot):
    runner = ProcessRunner()
    failed = []
    runner.sig_failed.connect(lambda m, d: failed.append((m, d)))
    runner.start(tasks.fail_readably)
    qtbot.waitUntil(lambda: bool(failed), timeout=30000)
    message, details = failed[0]
    assert message == tasks.DIVERGED[0]
    assert "child_tasks.py" in details and "InputError" in details
    runner.start(tasks.die, 9)
    qtbot.waitUntil(lambda: len(failed) == 2, timeout=30000)
    assert "stopped unexpectedly (exit code 9)" in failed[1][0]


def test_cancel_ends_the_child(qtbot):
    runner = ProcessRunner()
    cancelled, finished, events = [], [], []
    runner.sig_cancelled.connect(lambda: cancelled.append(1))
    runner.sig_finished.connect(finished.append)
    runner.sig_progress.connect(events.append)
    runner.start(tasks.count_until_stopped)
    qtbot.waitUntil(lambda: len(events) >= 2, timeout=30000)
    asked = time.perf_counter()
    runner.cancel()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=10000)
    assert time.perf_counter() - asked < 3 and finished == []


def test_wait_on_close_terminates_a_child_that_ignores_cancel(qtbot, monkeypatch):
    monkeypatch.setattr(core.analysis.jobs, "CANCEL_GRACE_S", 0.5)
    runner = ProcessRunner()
    events = []
    runner.sig_progress.connect(events.append)
    runner.start(tasks.ignore_stop, 60.0)
    qtbot.waitUntil(lambda: bool(events), timeout=30000)
    started = time.perf_counter()
    assert runner.wait(20000)
    assert time.perf_counter() - started < 10
    assert not runner.is_running() and running_threads() == []
