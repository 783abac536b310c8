"""Work in a child process: result, progress, errors, cancel, crashes, packed models.

Every task runs in a freshly spawned interpreter (about 0.2 s each here); the tasks
live in :mod:`tests.core.child_tasks`.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from pathlib import Path

import pandas as pd
import pytest

import core.analysis.jobs
from core.analysis import ChildError, PackedModel, run_in_process
from core.errors import CancelledError
from tests.core import child_tasks as tasks


@pytest.fixture(autouse=True)
def no_child_left_behind():
    yield
    assert multiprocessing.active_children() == []


def test_result_and_progress_come_back_from_another_process():
    events = []
    assert run_in_process(tasks.add, 2, 3, on_progress=events.append) == 5
    assert [e["done"] for e in events] == [1, 2, 3]
    assert {e["pid"] for e in events} != {os.getpid()}


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX scheduling priority")
def test_the_child_runs_at_a_lower_priority_than_the_window():
    wanted = min(os.nice(0) + core.analysis.jobs.CHILD_NICENESS, 19)
    assert run_in_process(tasks.niceness) == wanted


def test_a_core_error_keeps_its_two_languages_and_the_child_traceback():
    with pytest.raises(ChildError) as caught:
        run_in_process(tasks.fail_readably)
    err = caught.value
    assert (err.en, err.zh) == tasks.DIVERGED and err.kind == "InputError"
    assert "child_tasks.py" in err.details and "fail_readably" in err.details


def test_any_other_exception_reads_as_its_type_and_message():
    with pytest.raises(ChildError) as caught:
        run_in_process(tasks.divide_by_zero)
    assert caught.value.en == caught.value.zh == "ZeroDivisionError: division by zero"
    assert caught.value.kind == "ZeroDivisionError"


def test_a_result_that_does_not_pickle_is_an_error_not_a_hang():
    with pytest.raises(ChildError) as caught:
        run_in_process(tasks.unpicklable)
    assert caught.value.en.startswith("The result could not be sent back:")


def test_a_dying_child_gives_a_readable_error():
    started = time.perf_counter()
    with pytest.raises(ChildError) as caught:
        run_in_process(tasks.die, 7)
    assert "stopped unexpectedly (exit code 7)" in caught.value.en
    assert "退出码 7" in caught.value.zh and caught.value.kind == "crash"
    assert time.perf_counter() - started < 10


def test_cancel_reaches_the_child_promptly():
    events = []
    started = time.perf_counter()
    with pytest.raises(CancelledError):
        run_in_process(tasks.count_until_stopped, on_progress=events.append,
                       should_stop=lambda: len(events) >= 3)  # fmt: skip
    assert time.perf_counter() - started < 10
    assert len(events) == 3  # nothing is relayed once the stop was asked for


def test_a_child_ignoring_cancel_is_terminated(monkeypatch):
    monkeypatch.setattr(core.analysis.jobs, "CANCEL_GRACE_S", 0.5)
    events = []
    started = time.perf_counter()
    with pytest.raises(CancelledError):
        run_in_process(tasks.ignore_stop, 60.0, on_progress=events.append,
                       should_stop=lambda: bool(events))  # fmt: skip
    assert time.perf_counter() - started < 10  # not the task's 60 s
    if os.name == "posix":
        with pytest.raises(ProcessLookupError):
            os.kill(events[0]["pid"], 0)  # terminated and reaped


def test_a_task_spreads_its_products_over_worker_processes():
    """The window's task child may start worker processes (it is not daemonic), so a
    big shop's per-product work uses every core there too."""
    child, pids = run_in_process(tasks.spread_pids, 8)
    assert len(pids) == 8 and child not in pids
    assert 1 <= len(set(pids)) <= 2


@pytest.mark.skipif(os.name != "posix", reason="reads /proc")
def test_a_terminated_task_leaves_no_worker_process_behind(monkeypatch):
    monkeypatch.setattr(core.analysis.jobs, "CANCEL_GRACE_S", 0.5)
    events = []
    with pytest.raises(CancelledError):
        run_in_process(tasks.spread_then_hang, on_progress=events.append,
                       should_stop=lambda: bool(events))  # fmt: skip
    workers = events[0]["pids"]
    assert workers

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)  # they left with the task


def test_finish_ends_early_and_keeps_the_result():
    started = []

    def finish() -> bool:  # 0.3 s after the task reported it runs
        return bool(started) and time.monotonic() - started[0] > 0.3

    def note(event) -> None:
        started.append(time.monotonic())

    count = run_in_process(tasks.finish_early, on_progress=note, finish=finish)
    assert isinstance(count, int) and count > 5


# ---------------------------------------------------------------- packed model
def _daily(n_days: int = 56) -> pd.DataFrame:
    days = pd.date_range("2024-01-01", periods=n_days, freq="D")
    return pd.concat([pd.DataFrame({"unique_id": uid, "ds": days,
                                    "y": [float(base + (i % 7)) for i in range(n_days)]})
                      for uid, base in (("a", 10), ("b", 3))], ignore_index=True)  # fmt: skip


def test_a_stored_model_answers_cheaply_and_unpacks_on_first_use():
    from core.forecast import make_model

    model = make_model("snaive").fit(_daily(), "D")
    packed = pickle.loads(pickle.dumps(PackedModel.pack(model)))
    assert repr(packed) == "PackedModel('snaive', packed (store))"
    assert packed.name == "snaive" and packed.freq_ == "D" and packed.fitted_ is True
    assert getattr(packed, "best_epoch_", None) is None and not packed.unpacked
    got = packed.predict(7, levels=[80])
    assert packed.unpacked and repr(packed) == "PackedModel('snaive', unpacked)"
    pd.testing.assert_frame_equal(got, model.predict(7, levels=[80]))
    assert got.loc[got["unique_id"] == "a", "forecast"].tolist() == [10, 11, 12, 13, 14, 15, 16]
    with pytest.raises(TypeError):
        pickle.dumps(packed)  # its bytes are gone once unpacked


def test_a_model_goes_to_a_child_packed_or_as_the_forecaster_it_became():
    """What the forecast step sends: packed bytes while packed, else the model itself;
    either way the child forecasts what this process would."""
    from core.analysis import sendable
    from core.forecast import make_model

    model = make_model("snaive").fit(_daily(), "D")
    packed = pickle.loads(pickle.dumps(PackedModel.pack(model)))
    assert sendable(packed) is packed and sendable(model) is model
    expected = model.predict(7, levels=[80])
    pd.testing.assert_frame_equal(run_in_process(tasks.forecast_with, packed), expected)
    packed.unpack()
    assert sendable(packed) is packed.unpack()
    pd.testing.assert_frame_equal(run_in_process(tasks.forecast_with, sendable(packed)), expected)


def test_a_model_the_store_cannot_save_is_pickled():
    model = tasks.MeanForecaster(shrink=0.5).fit(_daily(), "D")
    packed = pickle.loads(pickle.dumps(PackedModel.pack(model)))
    assert repr(packed) == "PackedModel('mean', packed (pickle))"
    assert packed.shrink == 0.5 and not packed.unpacked  # a constructor argument
    got = packed.predict(2, levels=[80])
    assert got["forecast"].tolist() == [13.0, 13.0, 6.0, 6.0]
    assert isinstance(packed.unpack(), tasks.MeanForecaster)


def test_a_packed_model_is_saved_in_a_project_without_unpacking(tmp_path):
    from core.analysis import Project, load_project, save_project
    from core.forecast import make_model

    model = make_model("snaive").fit(_daily(), "D")
    packed = pickle.loads(pickle.dumps(PackedModel.pack(model)))
    project = Project(source_name="shop.csv", source_bytes=b"date,sales\n", model=packed)
    path, notes = save_project(project, tmp_path / "shop.skucast")
    assert notes == [] and not packed.unpacked  # written from the packed bytes
    reopened = load_project(path).model
    got = reopened.predict(7, levels=[80])
    pd.testing.assert_frame_equal(got, model.predict(7, levels=[80]))
