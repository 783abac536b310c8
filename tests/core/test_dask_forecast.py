"""The statistical baselines forecast on worker processes and on a Dask cluster and give the
local answer; their batches reach the progress bar of the command line."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from benchmarks.scale_shop import write_shop
from core.cli import main as cli
from core.cli.progress import TerminalProgress
from core.errors import CancelledError
from core.forecast import backtest
from core.forecast.models import make_base_model
from core.parallel import Workers, configure, current, shutdown

#: Every product leaves this process (the default keeps small shops local).
SPREAD = {"jobs": 2, "min_items": 0, "batch": 7}
#: The models checked: ETS on a short window (quick), an intermittent one with conformal
#: intervals, the seasonal naive.
MODELS = {"ets": {"max_history": 120}, "croston": {}, "snaive": {}}


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory):
    return write_shop(36, tmp_path_factory.mktemp("shop") / "shop.csv", seed=11)


@pytest.fixture(scope="module")
def shop(shop_file) -> pd.DataFrame:
    """36 products, two years of days, the days without sales filled with zeros."""
    raw = pd.read_csv(shop_file, dtype={"商品编码": str})
    sales = raw.groupby(["商品编码", pd.to_datetime(raw["日期"])])["销量"].sum()
    grid = pd.MultiIndex.from_product(
        [sorted(raw["商品编码"].unique()), pd.date_range(raw["日期"].min(), raw["日期"].max())],
        names=["unique_id", "ds"],
    )
    full = sales.rename_axis(["unique_id", "ds"]).reindex(grid, fill_value=0).astype(float)
    return full.rename("y").reset_index()


@pytest.fixture(autouse=True)
def _local_default():
    old = configure(Workers(jobs=1))
    yield
    configure(old)


@pytest.fixture(scope="module", autouse=True)
def _end_pools():
    yield
    shutdown()


def forecast(shop, name, workers, events=None):
    configure(workers)
    model = make_base_model(name, **MODELS[name])
    model.fit(shop, "D", on_progress=None if events is None else events.append)
    return model.predict(14, levels=(80, 95))


@pytest.mark.parametrize("name", list(MODELS))
def test_baselines_on_workers_equal_the_local_run(shop, name):
    local = forecast(shop, name, Workers(jobs=1))
    events = []
    spread = forecast(shop, name, Workers(**SPREAD), events)
    pd.testing.assert_frame_equal(local, spread)
    done = [e["done"] for e in events if e["stage"] == "predict"]
    # batches of 7 products as they come back: 6 events, the last with every product
    assert len(done) == 6 and done == sorted(done) and done[-1] == 36
    assert {e["total"] for e in events if e["stage"] == "predict"} == {36}
    assert local["unique_id"].nunique() == 36 and np.isfinite(local["forecast"]).all()


def test_baselines_on_a_local_dask_cluster_equal_the_local_run(shop):
    pytest.importorskip("dask.distributed")
    for name in MODELS:
        local = forecast(shop, name, Workers(jobs=1))
        pd.testing.assert_frame_equal(local, forecast(shop, name, Workers(dask="local:2", batch=8)))


def test_a_small_shop_stays_in_this_process(shop, monkeypatch):
    configure(Workers(jobs=2))  # the default of a 2-core machine: 36 products < 400
    assert not current().spreads(36)
    model = make_base_model("snaive").fit(shop, "D")
    monkeypatch.setattr(Workers, "_pool_map", None)  # a pool would fail loudly
    assert model.predict(7)["unique_id"].nunique() == 36


def test_backtest_on_workers_equals_the_local_run(shop):
    def run():
        factories = {n: (lambda n=n: make_base_model(n, **MODELS[n])) for n in ("ets", "croston")}
        return backtest(shop, "D", factories, horizon=7, folds=2, levels=(80,))

    configure(Workers(jobs=1))
    local = run()
    configure(Workers(**SPREAD))
    spread = run()
    pd.testing.assert_frame_equal(local.per_series, spread.per_series)
    assert len(local.per_series) > 0


def test_cancel_between_batches_on_workers(shop):
    events = []
    configure(Workers(**SPREAD))
    model = make_base_model("ets", **MODELS["ets"]).fit(
        shop, "D", on_progress=events.append,
        should_stop=lambda: any(e["stage"] == "predict" for e in events))  # fmt: skip
    with pytest.raises(CancelledError):
        model.predict(14)
    assert max(e["done"] for e in events if e["stage"] == "predict") < 36


def test_watch_reports_predict_of_a_model_fitted_elsewhere(shop):
    configure(Workers(**SPREAD))
    model = make_base_model("snaive").fit(shop, "D")  # as loaded, or sent from a child
    events = []
    with model.watch(events.append):
        model.predict(7)
    assert [e["done"] for e in events][-1] == 36
    model.predict(7)  # the block ended: nothing more reported
    assert len(events) == 6 and model._on_progress is None  # as fit left it


def test_cli_forecast_on_dask_equals_the_local_run(shop_file, tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    local, on_dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    args = ["forecast", str(shop_file), "--model", "croston", "--horizon", "14", "--lang", "en"]
    assert cli([*args, "--out", str(local), "--jobs", "1"]) == 0
    assert cli([*args, "--out", str(on_dask), "--dask", "local:2"]) == 0
    err = capsys.readouterr().err
    assert "Forecasting [" in err and "36 / 36 products" in err
    columns = ["商品编码", "date", "forecast", "median", "lo_80", "hi_80"]
    a, b = (pd.read_csv(p, encoding="utf-8-sig", usecols=columns) for p in (local, on_dask))
    pd.testing.assert_frame_equal(a, b)


def test_cli_bar_counts_products_and_time_left():
    out = io.StringIO()
    bar = TerminalProgress("en", stream=out)
    bar.clock.clock = iter([0.0, 1.0, 4.0, 6.0]).__next__  # seconds, as the events come
    bar.clock.start()
    for done in (250, 500, 4000):
        bar({"stage": "predict", "done": done, "total": 4000})
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("250 / 4,000 products")  # one batch: too early to say
    # 500 products in 4 s: 3,500 more at 125 a second
    assert lines[1].endswith("]  12% 500 / 4,000 products · about 30 s left")
    assert lines[2].endswith("4,000 / 4,000 products · almost done")
    zh = io.StringIO()
    TerminalProgress("zh", stream=zh)({"stage": "lifecycle", "done": 500, "total": 4000})
    assert zh.getvalue().startswith("生命周期 [###") and "500 / 4,000 个商品" in zh.getvalue()


def test_cli_bar_ends_its_line_when_the_last_batch_is_in():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    bar = TerminalProgress("both", stream=out)
    bar({"stage": "predict", "done": 100, "total": 400})
    bar({"stage": "predict", "done": 400, "total": 400})
    assert out.getvalue().endswith("\n") and "400 / 400 个商品 / products" in out.getvalue()
    bar.close()  # nothing more to end
    assert out.getvalue().count("\n") == 1


def test_cli_plan_on_dask_equals_the_local_run(shop_file, tmp_path, capsys):
    """The weekly plan (advice, purchase orders, archive) on a local Dask cluster: the
    same orders and advice as in one process."""
    pytest.importorskip("dask.distributed")
    outs = {}
    for name, flags in (("local", ["--jobs", "1"]), ("dask", ["--dask", "local:2"])):
        folder = tmp_path / name
        folder.mkdir()
        args = ["plan", str(shop_file), "--model", "croston", "--lang", "en",
                "--out", str(folder / "out"), "--archive", str(folder / "runs.sqlite")]  # fmt: skip
        assert cli([*args, *flags]) == 0
        outs[name] = folder / "out"
    assert "Purchase orders" in capsys.readouterr().out
    a, b = (pd.read_csv(p / "purchase_orders.csv", encoding="utf-8-sig") for p in outs.values())
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b)
    a, b = (pd.read_excel(p / "recommendations.xlsx") for p in outs.values())
    pd.testing.assert_frame_equal(a, b)
