"""Per-product work spread over the machine's cores, or over a Dask cluster.

Most of SkuCast's work is one product at a time: the level behind each lifecycle stage,
the inventory policy, the promotion analysis. :class:`Workers` runs such work over
batches of products: in this process (``jobs=1``, and always for small shops, where
starting processes costs more than it saves), in a pool of worker processes (the
``spawn`` start method on every platform, as :mod:`core.analysis.jobs` uses), or on a
Dask cluster (``dask="tcp://host:8786"``, or ``"local:N"`` for a local cluster of N
workers; ``pip install 'skucast[dask]'``).

One pool serves a whole run: it starts at the first map big enough to need it and is
kept for the next (:func:`shutdown` ends it; it ends with the interpreter anyway).
Worker processes run numpy's linear algebra on one thread each: the matrices of one
product are small, and two processes each splitting every solve across both cores
spent a third of the CPU in hand-offs.

The function given to :meth:`Workers.map` takes a list of items and returns a list of
results of the same length; it must be a module-level function (the pool pickles it by
name) and must not depend on the order the batches run in. Results come back in the
items' order, so a map gives the same answer on one core, on several, or on a cluster.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait

from core import lazy
from core.errors import CancelledError, InputError

__all__ = ["BLAS_THREADS", "Workers", "configure", "current", "default_jobs", "shutdown"]

#: Environment variables that hold numpy's BLAS (and OpenMP) to one thread per worker.
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")  # fmt: skip
#: The environment variable that sets the default number of worker processes.
JOBS_ENV = "SKUCAST_JOBS"
#: Fewer items than this run in this process: two spawned workers take about 2 s to
#: import pandas and SkuCast, what ~150 products of lifecycle work cost on one core.
MIN_ITEMS = 400
#: Items per batch sent to a worker (bounded memory: a batch's inputs and results are
#: all a worker holds at once).
BATCH = 250

_POOLS: dict[int, cf.ProcessPoolExecutor] = {}
_CLIENTS: dict[str, object] = {}


def default_jobs() -> int:
    """Worker processes by default: ``SKUCAST_JOBS``, else the cores this process may use."""
    given = os.environ.get(JOBS_ENV, "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def _one_thread_children():
    """One BLAS thread in the workers started meanwhile (they start on the first
    submits and copy this environment; numpy reads it when it first loads, which in a
    spawned worker can come before any initialiser runs). Values the user set win."""
    saved = {name: os.environ.get(name) for name in BLAS_THREADS}
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _worker_start() -> None:
    """A pool worker's first act: its own maps (a model's predict inside a batch) stay
    in it, and it leaves as soon as the process that started it is gone (a terminated
    window task, a killed command), instead of waiting for work that never comes."""
    configure(Workers(jobs=1))
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_leave_with, args=(parent.sentinel,), daemon=True).start()


def _leave_with(sentinel) -> None:
    wait([sentinel])
    os._exit(0)


def _pool(jobs: int) -> cf.ProcessPoolExecutor:
    pool = _POOLS.get(jobs)
    if pool is None:
        ctx = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                      initializer=_worker_start)  # fmt: skip
        _POOLS[jobs] = pool
    return pool


def _client(address: str):
    client = _CLIENTS.get(address)
    if client is not None:
        return client
    try:
        distributed = lazy.load("dask.distributed")  # an optional extra, not installed
    except ImportError as exc:
        raise InputError(
            "--dask needs Dask: pip install 'skucast[dask]' (dask and distributed).",
            "--dask 需要安装 Dask：pip install 'skucast[dask]'（dask 与 distributed）。",
        ) from exc
    if address.startswith("local:"):
        n = address.split(":", 1)[1]
        if not n.isdigit() or int(n) < 1:
            raise InputError(f"--dask {address}: write local:N with N workers, e.g. local:2.",
                             f"--dask {address}：请写 local:N（N 个工作进程），例如 local:2。")  # fmt: skip
        cluster = distributed.LocalCluster(
            n_workers=int(n), threads_per_worker=1, processes=True, dashboard_address=None,
            host="127.0.0.1", env={name: "1" for name in BLAS_THREADS},
        )  # fmt: skip
        client = distributed.Client(cluster)
    else:
        try:
            client = distributed.Client(address, timeout=20)
        except OSError as exc:
            raise InputError(f"Cannot reach the Dask scheduler at {address}: {exc}",
                             f"无法连接 Dask 调度器 {address}：{exc}") from exc  # fmt: skip
    _CLIENTS[address] = client
    return client


def shutdown() -> None:
    """End every pool and Dask client this process started."""
    for pool in _POOLS.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _POOLS.clear()
    for client in _CLIENTS.values():
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()
    _CLIENTS.clear()


atexit.register(shutdown)


def _batches(n: int, size: int) -> list[range]:
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


@dataclass(frozen=True)
class Workers:
    """Where per-product work runs.

    Parameters
    ----------
    jobs : int, optional
        Worker processes (default :func:`default_jobs`); 1 runs everything here.
    dask : str, optional
        A Dask scheduler address or ``"local:N"``; overrides ``jobs``.
    min_items : int
        Fewer items than this run in this process whatever ``jobs`` says.
    batch : int
        Items per task.
    """

    jobs: int | None = None
    dask: str | None = None
    min_items: int = MIN_ITEMS
    batch: int = BATCH

    @property
    def n_jobs(self) -> int:
        """Worker processes this map would use on this machine."""
        return max(1, int(self.jobs)) if self.jobs else default_jobs()

    def spreads(self, n_items: int) -> bool:
        """True when ``n_items`` would leave this process. A daemonic process may not
        start worker processes (multiprocessing forbids it): its maps run in it, unless
        they go to Dask."""
        if n_items <= 0:
            return False
        if self.dask is not None:
            return True
        return (self.n_jobs > 1 and n_items >= self.min_items
                and not multiprocessing.current_process().daemon)  # fmt: skip

    def map(self, fn: Callable, items: Sequence, *args, on_progress=None, should_stop=None,
            step: str = "work") -> list:  # fmt: skip
        """``fn(items[batch], *args)`` over batches of ``items``; the results in order.

        ``on_progress`` receives ``{"stage": step, "done": k, "total": len(items)}`` after
        each batch; ``should_stop()`` is checked between batches (queued batches are
        cancelled and :class:`~core.errors.CancelledError` is raised).
        """
        items = list(items)
        n = len(items)
        size = max(1, int(self.batch))
        if not self.spreads(n):
            size = max(1, -(-n // 20))  # progress every 5 %: a batch costs nothing here
        parts = _batches(n, size)
        out: list = [None] * len(parts)

        def report(done: int) -> None:
            if on_progress is not None:
                on_progress({"stage": step, "done": done, "total": n})

        def check() -> None:
            if should_stop is not None and should_stop():
                raise CancelledError()

        if not self.spreads(n):
            done = 0
            for k, part in enumerate(parts):
                check()
                out[k] = _checked(fn([items[i] for i in part], *args), len(part))
                done += len(part)
                report(done)
            return [r for chunk in out for r in chunk]
        if self.dask is not None:
            return self._dask_map(fn, items, parts, args, report, check)
        try:
            return self._pool_map(fn, items, parts, args, report, check)
        except cf.process.BrokenProcessPool:
            # a worker died (out of memory, killed) or could not start (a script without
            # an ``if __name__ == "__main__"`` guard): the work is redone here, slower
            # but the same answer, and said so
            broken = _POOLS.pop(self.n_jobs, None)
            if broken is not None:
                broken.shutdown(wait=False, cancel_futures=True)
            warnings.warn("SkuCast's worker processes stopped; the work runs in this "
                          "process instead. / 工作进程已停止，改在本进程中计算。",
                          RuntimeWarning, stacklevel=2)  # fmt: skip
            return Workers(jobs=1).map(fn, items, *args, on_progress=on_progress,
                                       should_stop=should_stop, step=step)  # fmt: skip

    def _pool_map(self, fn, items, parts, args, report, check) -> list:
        pool = _pool(self.n_jobs)
        out: list = [None] * len(parts)
        with _one_thread_children():
            futures = {pool.submit(fn, [items[i] for i in part], *args): k
                       for k, part in enumerate(parts)}  # fmt: skip
        done = 0
        try:
            pending = set(futures)
            while pending:
                finished, pending = cf.wait(pending, timeout=0.2,
                                            return_when=cf.FIRST_COMPLETED)  # fmt: skip
                for fut in finished:
                    k = futures[fut]
                    out[k] = _checked(fut.result(), len(parts[k]))
                    done += len(parts[k])
                    report(done)
                check()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        return [r for chunk in out for r in chunk]

    def _dask_map(self, fn, items, parts, args, report, check) -> list:
        client = _client(self.dask)
        # hash=False: each map its own keys. Under one content key the same argument sent
        # by the next map (the lifecycle's chunked refit) could be released with this one's
        # futures, and the next map's tasks cancelled for "lost dependencies"
        scattered = [client.scatter(a, broadcast=True, hash=False) for a in args]
        futures = [client.submit(fn, [items[i] for i in part], *scattered, pure=False)
                   for part in parts]  # fmt: skip
        index = {f.key: k for k, f in enumerate(futures)}
        out: list = [None] * len(parts)
        done = 0
        try:
            for fut in lazy.load("dask.distributed").as_completed(futures):
                k = index[fut.key]
                out[k] = _checked(fut.result(), len(parts[k]))
                done += len(parts[k])
                report(done)
                check()
        except BaseException:
            client.cancel(futures)
            raise
        return [r for chunk in out for r in chunk]


_CURRENT: list[Workers] = [Workers()]


def configure(workers: Workers) -> Workers:
    """Make ``workers`` the default of every map that is given none; returns the old one.

    The CLI calls it once with its ``--jobs``/``--dask`` flags; the window's work runs
    in a child process with the default (every core, for shops big enough).
    """
    old = _CURRENT[0]
    _CURRENT[0] = workers
    return old


def current(workers: Workers | None = None) -> Workers:
    """``workers``, or the configured default when it is None."""
    return workers if workers is not None else _CURRENT[0]


def _checked(result, expected: int) -> list:
    result = list(result)
    if len(result) != expected:
        raise RuntimeError(f"a batch of {expected} items gave {len(result)} results")
    return result
