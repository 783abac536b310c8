"""Long work off the GUI thread, in one of two ways with the same API and signals.

:class:`TaskRunner` runs a plain core function ``fn(*args, on_progress=..,
should_stop=.., **kwargs)`` in a fresh QThread. The worker catches everything: the
runner emits ``sig_finished(result)``, ``sig_cancelled()`` or ``sig_failed(message,
details)``, always in the GUI thread (the runner is a main-thread QObject and the
worker's signals reach it queued). Progress events (plain dicts) are relayed through
``sig_progress``. Cancel sets a ``threading.Event`` the core polls; the thread is never
terminated.

:class:`ProcessRunner` runs the task in a child process instead; its worker thread only
relays for :func:`core.analysis.jobs.run_in_process`, which runs the task in a spawned
interpreter. Keras and TensorFlow are then imported in that process, never in the
window's: they hold the GIL while importing and building models, which stalled the
event loop for ~0.4 s at a time when training ran in a thread. Its task must be a
module-level function of a module that does not import Qt (it is pickled by name and
imported by the child), and its arguments and result must pickle. Cancel asks the child
to stop; a child that does not stop within :data:`core.analysis.jobs.CANCEL_GRACE_S`
seconds is terminated and the task reports cancelled.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, QThread, Signal, Slot

from core.analysis import run_in_process
from core.errors import CancelledError
from ui.i18n import error_text, is_user_error

__all__ = ["ProcessRunner", "TaskRunner", "running_threads"]

#: Worker threads started and not yet finished (tests check none is left behind).
_LIVE: set = set()


def running_threads() -> list[QThread]:
    """Worker threads still running."""
    return [t for t in _LIVE if t.isRunning()]


class _Worker(QObject):
    sig_progress = Signal(object)
    sig_done = Signal(str, object)  # kind ("ok" | "cancelled" | "failed"), payload

    def __init__(self, fn, args, kwargs, stop: threading.Event, progress: bool) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.stop, self.progress = stop, progress

    def _emit_progress(self, event) -> None:
        self.sig_progress.emit(event)

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        finally:
            QThread.currentThread().quit()  # thread-safe; the GUI thread may be in wait()

    def _run(self) -> None:
        kwargs = dict(self.kwargs)
        if self.progress:
            kwargs.update(on_progress=self._emit_progress, should_stop=self.stop.is_set)
        try:
            result = self.fn(*self.args, **kwargs)
        except CancelledError:
            self.sig_done.emit("cancelled", None)
        except BaseException as exc:  # noqa: BLE001 - the user gets a dialog, not a crash
            if self.stop.is_set() and not hasattr(exc, "en"):
                self.sig_done.emit("cancelled", None)
            else:
                # an error from a child process carries the child's own traceback; the
                # user's own input problems get their message alone (no traceback)
                details = "" if is_user_error(exc) else (
                    getattr(exc, "details", None) or traceback.format_exc())  # fmt: skip
                self.sig_done.emit("failed", (error_text(exc), str(details)))
        else:
            if self.stop.is_set():
                self.sig_done.emit("cancelled", None)
            else:
                self.sig_done.emit("ok", result)


class TaskRunner(QObject):
    """Runs one task at a time in a worker thread (see module doc)."""

    sig_started = Signal()
    sig_progress = Signal(object)
    sig_finished = Signal(object)
    sig_failed = Signal(str, str)
    sig_cancelled = Signal()
    sig_running = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._stop = threading.Event()
        self._outcome: tuple[str, object] | None = None

    def is_running(self) -> bool:
        return self._thread is not None

    def start(self, fn, *args, progress: bool = True, **kwargs) -> bool:
        """Run ``fn`` in a worker thread; False (nothing started) while a task runs.

        With ``progress`` the function gets ``on_progress`` and ``should_stop``.
        """
        if self._thread is not None:
            return False
        self._stop = threading.Event()
        self._outcome = None
        thread = QThread()
        worker = _Worker(fn, args, kwargs, self._stop, progress)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.sig_progress.connect(self._on_progress)
        worker.sig_done.connect(self._on_done)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        _LIVE.add(thread)
        thread.start()
        self.sig_running.emit(True)
        self.sig_started.emit()
        return True

    def cancel(self) -> None:
        """Ask the task to stop; it ends at its next check (one batch for training)."""
        self._stop.set()

    def wait(self, msecs: int = 30000) -> bool:
        """Cancel and block until the thread ended (for closing the window)."""
        if self._thread is None:
            return True
        self.cancel()
        done = self._thread.wait(msecs)
        if done:
            self._on_thread_finished()
        return done

    @Slot(object)
    def _on_progress(self, event) -> None:
        if not self._stop.is_set():
            self.sig_progress.emit(event)

    @Slot(str, object)
    def _on_done(self, kind: str, payload) -> None:
        self._outcome = (kind, payload)

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, outcome = self._thread, self._outcome
        if thread is None:
            return
        self._thread, self._worker, self._outcome = None, None, None
        _LIVE.discard(thread)
        thread.deleteLater()
        self.sig_running.emit(False)
        kind, payload = outcome or ("cancelled", None)
        if kind == "ok":
            self.sig_finished.emit(payload)
        elif kind == "failed":
            self.sig_failed.emit(*payload)
        else:
            self.sig_cancelled.emit()


class ProcessRunner(TaskRunner):
    """Runs one task at a time in a child process (see module doc)."""

    def start(self, fn, *args, **kwargs) -> bool:
        """Run ``fn(*args, **kwargs)`` in a child process; False while a task runs.

        ``fn`` always gets ``on_progress`` and ``should_stop``. A ``finish`` keyword, if
        given, is a callable polled in this process; the task gets its own ``finish``
        flag that follows it (see :func:`core.analysis.jobs.run_in_process`).
        """
        return super().start(run_in_process, fn, *args, **kwargs)
