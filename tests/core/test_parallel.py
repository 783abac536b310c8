"""Per-product work on worker processes and on a Dask cluster gives the local answer."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pandas as pd
import pytest

from benchmarks.scale_shop import write_shop
from core.cli import main as cli
from core.errors import CancelledError
from core.lifecycle import classify_lifecycle
from core.parallel import Workers, configure, current, shutdown
from core.recommend import recommend_inventory

#: Every item leaves this process (the default keeps small shops local).
SPREAD = {"jobs": 2, "min_items": 0, "batch": 7}


def squares(items: list, power: int) -> list:
    """A batch function: module level, so worker processes find it by name."""
    return [x**power for x in items]


def short(items: list) -> list:
    return items[:-1]


def dies_in_a_worker(items: list) -> list:
    """Kills the worker process it runs in (as the out-of-memory killer would)."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return [-x for x in items]


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> pd.DataFrame:
    path = write_shop(30, tmp_path_factory.mktemp("shop") / "shop.csv", seed=11)
    raw = pd.read_csv(path, dtype={"商品编码": str})
    return pd.DataFrame(
        {"unique_id": raw["商品编码"], "ds": pd.to_datetime(raw["日期"]),
         "y": raw["销量"].astype(float), "category": raw["类目"]}
    )  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _end_pools():
    yield
    shutdown()


def test_map_keeps_the_order_of_the_items_and_reports_progress():
    events = []
    out = Workers(**SPREAD).map(squares, range(40), 2, on_progress=events.append, step="sq")
    assert out == [x**2 for x in range(40)]
    assert [e["done"] for e in events][-1] == 40
    done = [e["done"] for e in events]  # batches of 7 (the last of 5) as they finish
    assert len(done) == 6 and done == sorted(done) and all(d in range(5, 41) for d in done)
    assert {e["stage"] for e in events} == {"sq"} and {e["total"] for e in events} == {40}


def test_small_work_stays_in_this_process_and_still_reports():
    w = Workers(jobs=2)  # 40 items < min_items
    assert not w.spreads(40) and w.spreads(10_000)
    assert not Workers(jobs=1).spreads(10_000)
    events = []
    assert w.map(squares, range(40), 3, on_progress=events.append) == [x**3 for x in range(40)]
    assert events[-1]["done"] == 40 and len(events) == 20


def test_cancel_between_batches_and_a_wrong_batch_is_an_error():
    calls = iter(range(100))
    with pytest.raises(CancelledError):
        Workers(jobs=1).map(squares, range(40), 2, should_stop=lambda: next(calls) >= 2)
    # 35 items: five whole batches of 7, so whichever batch is checked first gave 6
    with pytest.raises(RuntimeError, match="a batch of 7 items gave 6 results"):
        Workers(**SPREAD).map(short, range(35))


def test_a_dead_worker_means_the_work_is_redone_here_with_a_warning():
    with pytest.warns(RuntimeWarning, match="worker processes stopped"):
        out = Workers(**SPREAD).map(dies_in_a_worker, range(30))
    assert out == [-x for x in range(30)]
    assert Workers(**SPREAD).map(squares, range(20), 2) == [x**2 for x in range(20)]  # new pool


def test_lifecycle_on_workers_equals_the_local_run(shop):
    local = classify_lifecycle(shop, "D", workers=Workers(jobs=1))
    spread = classify_lifecycle(shop, "D", workers=Workers(**SPREAD))
    pd.testing.assert_frame_equal(local, spread)
    # with a forecast for some products (a falling one dates a decline)
    ids = sorted(shop["unique_id"].unique())[:12]
    days = pd.date_range(shop["ds"].max() + pd.Timedelta(days=1), periods=120)
    fc = pd.DataFrame([{"unique_id": u, "ds": d, "forecast": 5.0 * 0.98**k}
                       for u in ids for k, d in enumerate(days)])  # fmt: skip
    with_fc = classify_lifecycle(shop, "D", forecast=fc, workers=Workers(jobs=1))
    pd.testing.assert_frame_equal(
        with_fc, classify_lifecycle(shop, "D", forecast=fc, workers=Workers(**SPREAD)))
    assert len(local) == 30 and local["stage"].isin(
        ["new", "introduction", "growth", "maturity", "decline", "inactive"]).all()  # fmt: skip
    assert local["stage"].nunique() >= 3  # a real mix of stages, not one answer for all


def test_inventory_on_workers_equals_the_local_run():
    rng = np.random.default_rng(3)
    rows = []
    for k in range(25):
        mean = rng.uniform(1, 30)
        for d, ds in enumerate(pd.date_range("2026-01-01", periods=28)):
            rows.append({"unique_id": f"P{k:02d}", "ds": ds, "forecast": mean,
                         "lo_80": 0.6 * mean, "hi_80": 1.5 * mean + d / 10,
                         "lo_95": 0.4 * mean, "hi_95": 1.9 * mean + d / 5})  # fmt: skip
    fc = pd.DataFrame(rows)
    local = recommend_inventory(fc, workers=Workers(jobs=1))
    spread = recommend_inventory(fc, workers=Workers(**SPREAD))
    pd.testing.assert_frame_equal(local, spread)
    assert (local["order_qty"] > 0).all() and local["unique_id"].is_monotonic_increasing


def test_configured_default_is_used_when_none_is_given():
    old = configure(Workers(jobs=3))
    try:
        assert current().n_jobs == 3 and current(Workers(jobs=1)).n_jobs == 1
    finally:
        configure(old)


def test_cli_refuses_bad_worker_flags(capsys, tmp_path):
    sales = tmp_path / "shop.csv"
    write_shop(5, sales, seed=2)
    assert cli(["lifecycle", str(sales), "--out", str(tmp_path / "a.csv"), "--jobs", "0"]) == 2
    assert "--jobs 0" in capsys.readouterr().err
    code = cli(["lifecycle", str(sales), "--out", str(tmp_path / "a.csv"), "--dask", "local:x"])
    assert code == 2 and "local:N" in capsys.readouterr().err
    assert cli(["lifecycle", str(sales), "--out", str(tmp_path / "b.csv"), "--jobs", "1"]) == 0
    configure(Workers())


def test_lifecycle_on_a_local_dask_cluster_equals_the_local_run(shop):
    pytest.importorskip("dask.distributed")
    local = classify_lifecycle(shop, "D", workers=Workers(jobs=1))
    on_dask = classify_lifecycle(shop, "D", workers=Workers(dask="local:2", batch=8))
    pd.testing.assert_frame_equal(local, on_dask)


def _map_in_a_daemon(out) -> None:
    """Run in a daemonic process, which may not start worker processes of its own."""
    out.put((Workers(**SPREAD).spreads(40), Workers(**SPREAD).map(squares, range(40), 2)))


def test_a_daemonic_process_maps_in_itself():
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_map_in_a_daemon, args=(out,), daemon=True)
    child.start()
    spreads, result = out.get(timeout=60)
    child.join(timeout=30)
    assert child.exitcode == 0 and not spreads and result == [x**2 for x in range(40)]


def test_maps_one_after_another_with_the_same_argument_on_dask():
    """The lifecycle's chunked refit sends the same calendar to map after map. Scattered
    under one content key, a later map's copy could be released with the earlier map's
    ("lost dependencies", seen at 50,000 products); each map now scatters its own."""
    pytest.importorskip("dask.distributed")
    workers = Workers(dask="local:2", batch=2)
    table = np.arange(20_000, dtype=float)
    for k in range(40):
        assert workers.map(scaled_sum, range(k % 3, k % 3 + 4), table) == [
            float(table.sum()) * x for x in range(k % 3, k % 3 + 4)
        ]


def scaled_sum(items: list, table: np.ndarray) -> list:
    return [float(table.sum()) * x for x in items]
