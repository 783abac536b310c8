"""Long core work in a child process: progress, cancel and the result come back.

TensorFlow holds the GIL while it is imported and while Keras builds and traces a
model, so training in a thread of the desktop app stalls its event loop for hundreds of
milliseconds at a time. :func:`run_in_process` runs a plain core function
``fn(*args, on_progress=.., should_stop=.., **kwargs)`` in a fresh interpreter instead
(the ``spawn`` start method on every platform, frozen builds included) and looks, to its
caller, like calling ``fn`` directly:

* progress events (plain dicts) reach the caller's ``on_progress`` as they happen;
* the caller's ``should_stop`` is polled and forwarded; a child that does not stop
  within :data:`CANCEL_GRACE_S` seconds is terminated, and :class:`CancelledError`
  is raised either way;
* the result is returned; an error in the child is raised as :class:`ChildError`
  carrying the child's bilingual message and traceback; a child that dies (killed,
  crashed) gives a :class:`ChildError` too, never a hang.

Two one-way pipes connect the processes: results and progress flow up, ``stop`` and
``finish`` flow down. The child watches the downward pipe in a thread, so it also exits
when the parent dies. A fitted model travels as a :class:`PackedModel`, which is only
unpacked (Keras imported) where it is first used.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import sys
import threading
import time
import traceback
from multiprocessing import util
from multiprocessing.connection import wait

from core.analysis.packing import PackedModel, sendable
from core.errors import CancelledError, SkuCastError

__all__ = ["CANCEL_GRACE_S", "ChildError", "PackedModel", "run_in_process", "sendable"]

# the packed model lives in core.analysis.packing; importable from here as before

#: Seconds a cancelled child may take to stop before it is terminated.
CANCEL_GRACE_S = 5.0
#: How much lower the child's scheduling priority is (POSIX ``nice``; see
#: :func:`_yield_to_the_window`).
CHILD_NICENESS = 5
#: Seconds between two checks of ``should_stop`` while the child is quiet.
_POLL_S = 0.05
#: Children started by :func:`run_in_process` that have not been reaped yet.
_RUNNING: set = set()


class ChildError(SkuCastError):
    """The child process failed (its exception) or died (no exception to show).

    Attributes
    ----------
    kind : str
        The class name of the child's exception (``"crash"`` when it died).
    details : str
        The child's traceback, or what is known about how it ended.
    """

    def __init__(self, en: str, zh: str, kind: str = "crash", details: str = "") -> None:
        super().__init__(en, zh)
        self.kind = kind
        self.details = details

    def __reduce__(self):
        return type(self), (self.en, self.zh, self.kind, self.details)


def run_in_process(fn, *args, on_progress=None, should_stop=None, finish=None, **kwargs):
    """Call ``fn(*args, **kwargs)`` in a spawned child process (see module doc).

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled by name) taking ``on_progress`` and
        ``should_stop``; its arguments and result must pickle.
    *args, **kwargs
        Passed to ``fn``.
    on_progress, should_stop : callable, optional
        As everywhere in core; called in the caller's thread.
    finish : callable, optional
        A second, gentler flag: when it turns true the child's ``fn`` sees its own
        ``finish`` keyword turn true (end early, keep the result). Without it ``fn`` gets
        no ``finish`` keyword.

    Returns
    -------
    object
        What ``fn`` returned.

    Raises
    ------
    CancelledError
        When ``should_stop`` turned true (or the child cancelled itself).
    ChildError
        When ``fn`` raised (message and traceback of the child) or the child died.
    """
    ctx = multiprocessing.get_context("spawn")
    up_read, up_write = ctx.Pipe(duplex=False)
    down_read, down_write = ctx.Pipe(duplex=False)
    # not daemonic, so that its per-product work may use worker processes
    # (core.parallel); ended with this process by _end_children
    job = ctx.Process(target=_child_main, name=f"skucast-{getattr(fn, '__name__', 'job')}",
                      args=(up_write, down_read, fn, args, kwargs, finish is not None),
                      daemon=False)  # fmt: skip
    try:
        job.start()
        _RUNNING.add(job)
        # the parent's copies of the child's ends would hide the child's death (no EOF)
        up_write.close()
        down_read.close()
        return _relay(job, up_read, down_write, on_progress, should_stop, finish)
    finally:
        _reap(job)
        for conn in (up_read, up_write, down_read, down_write):
            conn.close()


def _relay(job, results, control, on_progress, should_stop, finish):
    """The parent's loop: forward flags down, events up, until the child's last word."""
    stopping_since = None
    finishing = False
    while True:
        if stopping_since is None and should_stop is not None and should_stop():
            stopping_since = time.monotonic()
            _tell(control, "stop")
        if not finishing and finish is not None and finish():
            finishing = True
            _tell(control, "finish")
        if stopping_since is not None and time.monotonic() - stopping_since > CANCEL_GRACE_S:
            raise CancelledError()  # the child ignored the request: _reap terminates it
        ready = wait([results, job.sentinel], timeout=_POLL_S)
        if results in ready or results.poll():
            try:
                kind, payload = results.recv()
            except (EOFError, OSError):
                raise _died(job) from None
            if kind == "progress":
                if stopping_since is None and on_progress is not None:
                    on_progress(payload)
                continue
            return _outcome(kind, payload)
        if job.sentinel in ready:
            raise _died(job)


def _outcome(kind: str, payload):
    if kind == "ok":
        return payload
    if kind == "cancelled":
        raise CancelledError()
    raise ChildError(**payload)


def _tell(control, word: str) -> None:
    # the child may be gone already; the loop notices that through its sentinel
    with contextlib.suppress(OSError, ValueError):
        control.send(word)


def _died(job) -> ChildError:
    job.join(1.0)
    code = job.exitcode
    return ChildError(
        f"The background process stopped unexpectedly (exit code {code}). Nothing was "
        "changed; try again, or choose a smaller model if the computer is short of memory.",
        f"后台进程意外退出（退出码 {code}）。没有任何内容被修改；请重试，"
        "如果电脑内存不足，请选择更小的模型。",
        details=f"The child process {job.name} (pid {job.pid}) ended with exit code {code} "
        "before sending a result.",
    )


def _reap(job) -> None:
    """Wait for the child to end, terminating (then killing) it when it does not."""
    _RUNNING.discard(job)
    if job.pid is None:  # never started
        return
    job.join(1.0)
    if job.is_alive():
        job.terminate()
        job.join(2.0)
    if job.is_alive():
        job.kill()
        job.join()
    job.close()


def _end_children() -> None:
    """At exit, end the children still running (the window closed during a task): a
    child that is not daemonic would otherwise keep this process waiting for it."""
    for job in list(_RUNNING):
        with contextlib.suppress(Exception):
            job.terminate()


# registered after multiprocessing's own exit function, so it runs before it
atexit.register(_end_children)


# ------------------------------------------------------------------ child side
def _child_main(results, control, fn, args, kwargs, wants_finish: bool) -> None:
    """Entry point of the child: run ``fn``, send one last message, leave at once."""
    _yield_to_the_window()
    stop, finish = threading.Event(), threading.Event()
    threading.Thread(target=_listen, args=(control, stop, finish), daemon=True).start()
    lock = threading.Lock()

    def report(event) -> None:
        with lock:  # core may report from helper threads; one message at a time
            results.send(("progress", event))

    extra = {"on_progress": report, "should_stop": stop.is_set}
    if wants_finish:
        extra["finish"] = finish.is_set
    try:
        message = ("ok", fn(*args, **kwargs, **extra))
    except CancelledError:
        message = ("cancelled", None)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        cancelled = stop.is_set() and not isinstance(exc, SkuCastError)
        message = ("cancelled", None) if cancelled else ("failed", _describe(exc))
    if message[0] == "ok" and stop.is_set():
        message = ("cancelled", None)
    with lock:
        _send_last(results, message)
    _leave()


def _yield_to_the_window() -> None:
    """Lower the child's priority a little (POSIX): TensorFlow keeps every core busy, and
    the window's thread, which needs little CPU, should win each time it wakes. With
    the CPU otherwise idle training loses nothing. Windows has no ``os.nice``; its
    priority classes are strict, so a below-normal training would stall behind any busy
    program, and it keeps the normal class there."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(CHILD_NICENESS)


def _leave() -> None:
    """End the child now: a full interpreter shutdown with TensorFlow loaded takes a
    second or more and nothing is left to save. multiprocessing's own exit handler
    still runs, so semaphores made by libraries (tqdm's lock) are released."""
    with contextlib.suppress(Exception):
        util._exit_function()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.flush()
    os._exit(0)


def _send_last(results, message) -> None:
    try:
        results.send(message)
    except OSError:
        pass  # the parent is gone
    except Exception as exc:  # noqa: BLE001 - pickling fails with several exception types
        unsent = ("The result could not be sent back: ", "结果无法传回：")
        results.send(("failed", _describe(exc, unsent)))


def _describe(exc: BaseException, prefix: tuple[str, str] = ("", "")) -> dict:
    """Keyword arguments of :class:`ChildError` for ``exc`` (plain strings: they pickle).

    A SkuCast error keeps its two messages; any other reads ``Type: message`` (as the
    GUI shows an unexpected error), after ``prefix`` (English, Chinese).
    """
    plain = f"{type(exc).__name__}: {exc}"
    own = isinstance(exc, SkuCastError)
    en = exc.en if own else prefix[0] + plain
    zh = exc.zh if own else prefix[1] + plain
    details = "".join(traceback.format_exception(exc))
    return {"en": str(en), "zh": str(zh), "kind": type(exc).__name__, "details": details}


def _listen(control, stop: threading.Event, finish: threading.Event) -> None:
    """Set the flags the parent sends; leave when the parent is gone."""
    while True:
        try:
            word = control.recv()
        except (EOFError, OSError):
            if not stop.is_set():
                os._exit(3)  # the parent died (its end closed): nobody waits for a result
            return
        (stop if word == "stop" else finish).set()
