"""Long work in a child process, watched from a worker QThread.

:class:`ProcessRunner` has :class:`~ui.workers.task_worker.TaskRunner`'s API and
signals; its worker thread only relays for :func:`core.analysis.jobs.run_in_process`, which runs
the task in a spawned interpreter. Keras and TensorFlow are then imported in that
process, never in the window's: they hold the GIL while importing and building models,
which stalled the event loop for ~0.4 s at a time when training ran in a thread.

The task must be a module-level function of a module that does not import Qt (it is
pickled by name and imported by the child), and its arguments and result must pickle.
Cancel asks the child to stop; a child that does not stop within
:data:`core.analysis.jobs.CANCEL_GRACE_S` seconds is terminated and the task reports cancelled.
"""

from __future__ import annotations

from core.analysis import run_in_process
from ui.workers.task_worker import TaskRunner

__all__ = ["ProcessRunner"]


class ProcessRunner(TaskRunner):
    """Runs one task at a time in a child process (see module doc)."""

    def start(self, fn, *args, **kwargs) -> bool:
        """Run ``fn(*args, **kwargs)`` in a child process; False while a task runs.

        ``fn`` always gets ``on_progress`` and ``should_stop``. A ``finish`` keyword, if
        given, is a callable polled in this process; the task gets its own ``finish``
        flag that follows it (see :func:`core.analysis.jobs.run_in_process`).
        """
        return super().start(run_in_process, fn, *args, **kwargs)
