"""The task runners: results, failures and cancel of a thread task (:class:`TaskRunner`)
and of a child-process task (:class:`ProcessRunner`) arrive in the GUI thread alike."""

import multiprocessing
import os
import threading
import time

import pytest
from PySide6.QtCore import QThread

import core.analysis.jobs
from core.analysis import ChildError
from core.errors import CancelledError, InputError
from tests.core import child_tasks as tasks
from ui.workers.task_worker import ProcessRunner, TaskRunner, running_threads


@pytest.fixture(autouse=True)
def no_child_left_behind():
    yield
    assert multiprocessing.active_children() == []


# ------------------------------------------------------------------ thread tasks


def _add(a, b, on_progress=None, should_stop=None):
    on_progress({"stage": "fit", "done": 1, "total": 1,
                 "thread": threading.get_ident()})  # fmt: skip
    return a + b


def test_result_and_progress_reach_the_gui_thread(qtbot):
    runner = TaskRunner()
    got, events, where = [], [], []
    runner.sig_finished.connect(got.append)
    runner.sig_progress.connect(events.append)
    runner.sig_finished.connect(lambda _: where.append(QThread.currentThread()))
    assert runner.start(_add, 2, 3)
    assert not runner.start(_add, 1, 1)  # one task at a time
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got == [5]
    assert events[0]["done"] == 1 and events[0]["thread"] != threading.get_ident()
    assert where[0] is QThread.currentThread()  # delivered in the main thread
    assert not runner.is_running() and running_threads() == []


def _bad(on_progress=None, should_stop=None):
    raise InputError("The file is empty.", "文件为空。")


def _bug(on_progress=None, should_stop=None):
    return 1 / 0


def test_failures_give_readable_message_and_details(qtbot):
    runner = TaskRunner()
    failed = []
    runner.sig_failed.connect(lambda m, d: failed.append((m, d)))
    runner.start(_bad)
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert failed[0] == ("The file is empty.", "")  # the user's own problem: no traceback
    runner.start(_bug)
    qtbot.waitUntil(lambda: len(failed) == 2, timeout=5000)
    assert failed[1][0].startswith("ZeroDivisionError") and "Traceback" in failed[1][1]


def _remote(on_progress=None, should_stop=None):
    raise ChildError("Out of memory.", "内存不足。", "MemoryError", "Traceback (child): ...")


def test_an_error_from_a_child_process_shows_the_childs_traceback(qtbot):
    runner = TaskRunner()
    failed = []
    runner.sig_failed.connect(lambda m, d: failed.append((m, d)))
    runner.start(_remote)
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert failed[0] == ("Out of memory.", "Traceback (child): ...")


def _slow(on_progress=None, should_stop=None):
    for _ in range(500):
        if should_stop():
            raise CancelledError()
        time.sleep(0.01)
    return "done"


def test_cancel_stops_the_task_quickly(qtbot):
    runner = TaskRunner()
    cancelled, finished = [], []
    runner.sig_cancelled.connect(lambda: cancelled.append(1))
    runner.sig_finished.connect(finished.append)
    runner.start(_slow)
    start = time.perf_counter()
    runner.cancel()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=3000)
    assert time.perf_counter() - start < 2 and finished == []


def test_wait_on_close_ends_the_thread(qtbot):
    runner = TaskRunner()
    runner.start(_slow)
    assert runner.wait(5000)
    assert not runner.is_running() and running_threads() == []


# ------------------------------------------------------------- child-process tasks


def test_child_result_and_progress_reach_the_gui_thread(qtbot):
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
    assert message == tasks.DIVERGED[0] and details == ""  # an InputError, raised in the child
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


def test_input_errors_get_a_plain_dialog_and_bugs_their_details(qtbot):
    """A problem with the user's input reads as one (plain title, no traceback); only a
    genuine bug is "something went wrong" with the technical details folded away."""
    from ui.views.base import BaseView

    view = BaseView(None)
    qtbot.addWidget(view)
    runner = TaskRunner()
    runner.sig_failed.connect(view.fail)
    runner.start(_bad)
    qtbot.waitUntil(lambda: view.last_error is not None, timeout=5000)
    box = view.last_error
    assert box.windowTitle() == "SkuCast: please check" and box.text() == "The file is empty."
    assert box.detailedText() == ""
    box.close()
    runner.start(_bug)
    qtbot.waitUntil(lambda: view.last_error is not box, timeout=5000)
    assert view.last_error.windowTitle() == "SkuCast: something went wrong"
    assert "Traceback" in view.last_error.detailedText()
    view.last_error.close()
