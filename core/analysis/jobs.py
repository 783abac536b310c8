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

import contextlib
import importlib
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
import traceback
from multiprocessing import util
from multiprocessing.connection import wait
from pathlib import Path

from core.errors import CancelledError, InputError, SkuCastError
from core.forecast import load_forecaster, save_forecaster

__all__ = ["CANCEL_GRACE_S", "ChildError", "PackedModel", "run_in_process", "sendable"]

#: Seconds a cancelled child may take to stop before it is terminated.
CANCEL_GRACE_S = 5.0
#: How much lower the child's scheduling priority is (POSIX ``nice``; see
#: :func:`_yield_to_the_window`).
CHILD_NICENESS = 5
#: Seconds between two checks of ``should_stop`` while the child is quiet.
_POLL_S = 0.05
#: Attributes a packed model answers without unpacking (cheap, plain values).
_SUMMARY = ("fitted_", "freq_", "history_log_", "best_epoch_", "train_seconds_", "n_windows_")


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
    job = ctx.Process(target=_child_main, name=f"skucast-{getattr(fn, '__name__', 'job')}",
                      args=(up_write, down_read, fn, args, kwargs, finish is not None),
                      daemon=True)  # fmt: skip
    try:
        job.start()
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


# --------------------------------------------------------------- packed model
class PackedModel:
    """A fitted forecaster packed in one process, unpacked on first use in another.

    The child packs the model it trained with :meth:`pack`: through the model store
    (:func:`core.forecast.models.store.save_forecaster`, a ``.keras`` network and CSV tables),
    read back into memory; a model the store cannot save (``auto``) is pickled. The
    parent gets a small object: ``name``, the constructor arguments and
    :data:`_SUMMARY` attributes are answered at once; anything else (``predict``, ...)
    unpacks the model first, importing Keras in that thread. Nothing stays on disk.

    Parameters
    ----------
    name : str
    params : dict
        The model's constructor arguments.
    summary : dict
        Values of the :data:`_SUMMARY` attributes the model has.
    kind : {"store", "pickle"}
    data : dict
        ``"store"``: file name -> bytes of the stored folder. ``"pickle"``: ``model``,
        the pickled model, and ``modules``, the core modules to import first.
    """

    def __init__(self, name: str, params: dict, summary: dict, kind: str, data) -> None:
        self.name = name
        self._params, self._summary = dict(params), dict(summary)
        self._kind, self._data = kind, data
        self._model = None
        self._lock = threading.Lock()

    @classmethod
    def pack(cls, model) -> PackedModel:
        """Pack a fitted ``model`` (in the process that fitted it)."""
        summary = {k: getattr(model, k) for k in _SUMMARY if hasattr(model, k)}
        with tempfile.TemporaryDirectory(prefix="skucast-pack-") as work:
            try:
                folder = save_forecaster(model, Path(work) / "model")
            except InputError:  # a kind the store does not save
                kind, data = "pickle", _pickled(model)
            else:
                kind = "store"
                data = {p.relative_to(folder).as_posix(): p.read_bytes()
                        for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip
        return cls(model.name, model.get_params(), summary, kind, data)

    def stored_files(self) -> dict[str, bytes] | None:
        """The model store's files (name -> bytes) while still packed, else ``None``.

        A project save writes these as they are, so saving before the first forecast
        does not load Keras into the window's process.
        """
        with self._lock:
            if self._kind == "store" and self._data is not None:
                return dict(self._data)
        return None

    @property
    def unpacked(self) -> bool:
        """True once the model was loaded (Keras imported, for a deep model)."""
        return self._model is not None

    def unpack(self):
        """The real forecaster (loaded once; thread-safe)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
                self._data = None  # the loaded model is the only copy needed now
            return self._model

    def _load(self):
        if self._kind == "pickle":
            # Keras finds custom layers and losses only once their modules are imported
            for name in self._data["modules"]:
                importlib.import_module(name)
            return pickle.loads(self._data["model"])  # made by our own child, never a file

        work = Path(tempfile.mkdtemp(prefix="skucast-unpack-"))
        try:
            for name, content in self._data.items():
                path = work / "model" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            return load_forecaster(work / "model")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def __getattr__(self, attr: str):
        # only called for what the instance lacks; never unpack for Python's own probes
        # (pickle and copy look up dunders) or before __init__ ran (unpickling)
        if attr.startswith("__") or attr in _OWN:
            raise AttributeError(attr)
        if attr in self._summary:
            return self._summary[attr]
        if attr in _SUMMARY:
            raise AttributeError(attr)  # the model has no such attribute either
        if attr in self._params:
            return self._params[attr]
        return getattr(self.unpack(), attr)

    def __getstate__(self) -> dict:
        if self._data is None:
            raise TypeError("an unpacked PackedModel cannot be sent again")
        return {"name": self.name, "params": self._params, "summary": self._summary,
                "kind": self._kind, "data": self._data}  # fmt: skip

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def __repr__(self) -> str:
        state = "unpacked" if self.unpacked else f"packed ({self._kind})"
        return f"PackedModel({self.name!r}, {state})"


def sendable(model):
    """``model`` as it can go to a child process: a :class:`PackedModel` already
    unpacked in this process goes as the forecaster it holds (pickled, its Keras network
    in the ``.keras`` format); anything else as it is."""
    if isinstance(model, PackedModel) and model.unpacked:
        return model.unpack()
    return model


def _pickled(model) -> dict:
    # a Keras network inside pickles in the .keras format (Keras' own __reduce__)
    modules = sorted(m for m in sys.modules if m.startswith("core."))
    return {"modules": modules, "model": pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)}


_OWN = ("_params", "_summary", "_kind", "_data", "_model", "_lock")
