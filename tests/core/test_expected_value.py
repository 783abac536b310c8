"""Issue 17: ``forecast`` is the expected demand (the mean), ``median`` the 0.5 quantile.

A product selling 1 unit on a random quarter of its days has a daily median of 0 but an
expected demand of 0.25 a day: its forecast must add up to about a quarter of the
horizon, while its median stays 0 and the bands lie around the median.
"""

from __future__ import annotations

import json
import zipfile
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from core import lazy
from core.analysis import Project, load_project, save_project
from core.data import ImportOptions, forecast_table, load_dataset, write_table
from core.forecast import LSTMForecaster, make_model, with_median
from core.forecast.models import (
    QUANTILES,
    Forecaster,
    build_panel,
    has_mean_head,
    load_forecaster,
    predict_blocks,
    quantile_mean,
    save_forecaster,
)
from core.recommend import recommend_inventory
from core.recommend.demand import quantile_table

RATE, HORIZON, DAYS = 0.25, 28, 364
TINY = {"units": 8, "lookback": 14, "horizon": 7, "epochs": 3, "windows_per_epoch": 256,
        "batch_size": 64}  # fmt: skip


def one_in_four(n_products: int = 6, days: int = DAYS, seed: int = 0) -> pd.DataFrame:
    """Products selling 1 unit on each day with probability 1/4, else nothing."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2024-01-01", periods=days, freq="D")
    return pd.concat(
        pd.DataFrame({"unique_id": f"P{i}", "ds": ds, "y": (rng.random(days) < RATE) * 1.0})
        for i in range(n_products)
    )


# ----------------------------------------------------------------- the contract
class _Skewed(Forecaster):
    """Mean above the 80 % band (rare big orders), median 0."""

    name = "skewed"

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None):
        self.ids_ = sorted(frame["unique_id"].astype(str).unique())

    def _predict(self, horizon, levels, future):
        ds = pd.date_range("2025-01-01", periods=horizon)
        return pd.DataFrame({"unique_id": np.repeat(self.ids_, horizon), "ds": np.tile(ds, 1),
                             "forecast": 0.4, "median": 0.0, "lo_80": -1.0, "hi_80": 0.0})


def test_bands_are_kept_around_the_median_not_the_mean():
    fc = _Skewed().fit(one_in_four(1), "D").predict(5, levels=(80,))
    assert list(fc.columns) == ["unique_id", "ds", "forecast", "median", "lo_80", "hi_80"]
    assert (fc["forecast"] == 0.4).all() and (fc["median"] == 0).all()
    assert (fc["lo_80"] <= fc["median"]).all() and (fc["median"] <= fc["hi_80"]).all()
    assert (fc["forecast"] > fc["hi_80"]).all()  # not forced into the band
    assert (fc["lo_80"] == 0).all()  # clipped at 0


def test_a_model_without_a_median_gets_its_mean_and_old_tables_are_upgraded():
    old = pd.DataFrame({"unique_id": ["a"], "ds": [pd.Timestamp("2025-01-01")],
                        "forecast": [2.0], "lo_80": [1.0], "hi_80": [3.0]})  # fmt: skip
    new = with_median(old)
    assert list(new.columns) == ["unique_id", "ds", "forecast", "median", "lo_80", "hi_80"]
    assert new["median"].iloc[0] == 2.0 and "median" not in old
    assert with_median(new) is new


# ---------------------------------------------------------------- the baselines
def test_croston_mean_adds_up_to_a_quarter_while_its_median_is_zero():
    history = one_in_four(4)
    fc = make_model("croston").fit(history, "D").predict(HORIZON, levels=(80, 95))
    totals = fc.groupby("unique_id")[["forecast", "median"]].sum()
    assert (fc["median"] == 0).all() and (fc["forecast"] > 0).all()
    # Croston's rate estimate from a year of Bernoulli(1/4) days: the rate of the sample
    # itself varies by sqrt(.25 * .75 / 364) = 0.023 (9 %); SBA deflates by 5 % and
    # smooths towards the last intervals, so +-35 % of 0.25 x 28 = 7 is 3.5 sd of noise
    assert totals["forecast"].between(0.65 * RATE * HORIZON, 1.35 * RATE * HORIZON).all()
    assert (fc["lo_95"] <= fc["median"]).all() and (fc["median"] <= fc["hi_95"]).all()


def test_symmetric_baselines_give_their_mean_as_median():
    fc = make_model("snaive").fit(one_in_four(2), "D").predict(7, levels=(80,))
    assert np.allclose(fc["forecast"], fc["median"])


# --------------------------------------------------------- the deep model's mean
def test_quantile_mean_of_a_normal_is_its_mean_and_of_sparse_demand_positive():
    z = np.array([NormalDist().inv_cdf(q) for q in QUANTILES])
    normal = 10.0 + 2.0 * z
    assert quantile_mean(normal[None, :])[0] == pytest.approx(10.0, abs=0.05)
    sparse = np.array([[0, 0, 0, 0, 0, 0.6, 1, 1, 1.0]])  # sells on ~1 day in 4
    median = sparse[0, QUANTILES.index(0.5)]
    assert median == 0 and 0.175 <= quantile_mean(sparse)[0] <= 0.375


class _FakeNetwork:
    """Stands in for Keras: a constant scaled forecast (quantiles, then the mean)."""

    def __init__(self, quantiles, mean=None):
        self.row = np.asarray([*quantiles, *([] if mean is None else [mean])], np.float32)
        self.output_shape = (None, 7, len(self.row))
        self.lookbacks = []

    def predict(self, inputs, batch_size=None, verbose=0):
        self.lookbacks.append(inputs["past"][:, -7:, 0].copy())
        n, h = inputs["future"].shape[:2]
        return np.broadcast_to(self.row, (n, h, len(self.row))).copy()


def test_predict_blocks_reads_the_mean_head_and_feeds_the_mean_back():
    frame = one_in_four(2, days=74).reset_index(drop=True)
    frame.loc[frame["ds"] > frame["ds"].max() - pd.Timedelta(days=14), "y"] = np.nan
    panel = build_panel(frame, "D", [], np.zeros((2, 1), np.int64), 7, 7)
    known = panel.length - 14
    sparse = [0, 0, 0, 0, 0, 0.5, 1, 1, 1]
    net = _FakeNetwork(sparse, mean=0.2)
    assert has_mean_head(net)
    out = predict_blocks(net, panel, known, 14, 7)
    assert out.shape == (2, 14, len(QUANTILES) + 1)
    assert (out[..., QUANTILES.index(0.5)] == 0).all() and (out[..., -1] > 0).all()
    fed = net.lookbacks[1] * 1.0  # the second block's lookback ends with the first block
    assert (fed > 0).all()  # the mean (not the median of 0) was written back
    old = _FakeNetwork(sparse)  # a network saved before the mean head
    out_old = predict_blocks(old, panel, known, 7, 7)
    assert not has_mean_head(old)
    assert np.allclose(out_old[..., -1], quantile_mean(out_old[..., :-1]))


@pytest.fixture(scope="module")
def sparse_lstm():
    params = {"units": 16, "lookback": 28, "horizon": 14, "epochs": 12, "batch_size": 64,
              "windows_per_epoch": 1024, "max_passes": None, "feature_groups": ("lags",)}
    return LSTMForecaster(**params).fit(one_in_four(8), "D")


def test_lstm_expected_demand_of_a_one_in_four_product(sparse_lstm):
    fc = sparse_lstm.predict(HORIZON, levels=(80,))
    totals = fc.groupby("unique_id")["forecast"].sum()
    assert (fc.groupby("unique_id")["median"].max() < 0.5).all()  # the median day sells 0
    assert (fc["forecast"] > 0).all()
    # 8 products x 364 days: the shop's rate is known to +-0.008 (3 %); a small network
    # after 12 epochs is allowed +-30 % on each product's 28-day total of 7
    assert totals.between(0.7 * RATE * HORIZON, 1.3 * RATE * HORIZON).all(), totals.to_dict()


# --------------------------------------------------------- saved models, projects
def _old_style_lstm(frame):
    """A deep model whose network has no mean head, as saved before issue 17."""
    net = lazy.load("core.forecast.models.lstm_net")
    build = net.build_network
    net.build_network = lambda **kw: build(**{**kw, "mean_head": False})
    try:
        return LSTMForecaster(**TINY).fit(frame, "D")
    finally:
        net.build_network = build


def test_a_saved_model_without_the_mean_head_still_loads(tmp_path):
    model = _old_style_lstm(one_in_four(3, days=90))
    assert not has_mean_head(model.model_)
    folder = save_forecaster(model, tmp_path / "old")
    meta = json.loads((folder / "skucast_model.json").read_text("utf-8"))
    assert meta["schema_version"] == 1
    back = load_forecaster(folder)
    a, b = model.predict(10, levels=(80,)), back.predict(10, levels=(80,))
    pd.testing.assert_frame_equal(a, b)
    assert (b["forecast"] > 0).all() and (b["lo_80"] <= b["median"]).all()
    refit = back.refit(one_in_four(3, days=100), "D", epochs=1)  # warm start keeps its shape
    assert not has_mean_head(refit.model_)


def test_a_saved_model_with_the_mean_head_is_schema_2(tmp_path):
    model = LSTMForecaster(**TINY).fit(one_in_four(3, days=90), "D")
    folder = save_forecaster(model, tmp_path / "new")
    assert json.loads((folder / "skucast_model.json").read_text("utf-8"))["schema_version"] == 2
    pd.testing.assert_frame_equal(model.predict(7), load_forecaster(folder).predict(7))


def test_an_old_project_without_median_still_opens(tmp_path):
    fc = make_model("snaive").fit(one_in_four(2, days=30), "D").predict(7, levels=[80])
    old = fc.drop(columns="median")
    path, _ = save_project(Project(source_name="s.csv", source_bytes=b"a,b\n1,2\n",
                                   results={"forecast": old}), tmp_path / "old")  # fmt: skip
    with zipfile.ZipFile(path) as zf:
        assert "median" not in zf.read("results/forecast.csv").decode("utf-8").splitlines()[0]
    back = load_project(path).results["forecast"]
    assert list(back.columns[:4]) == ["unique_id", "ds", "forecast", "median"]
    assert np.allclose(back["median"], back["forecast"])


# ------------------------------------------------------------ export and advice
def test_csv_export_has_both_columns_with_headers_that_say_which(tmp_path):
    src = tmp_path / "sales.csv"
    src.write_text("日期,商品编码,销量\n" + "".join(f"2025-01-{d:02d},0007,{d % 4 == 0:d}\n"
                                              for d in range(1, 29)), "utf-8")  # fmt: skip
    dataset = load_dataset(src, ImportOptions())
    fc = make_model("croston").fit(dataset.frame, "D").predict(7, levels=(80,))
    plain = pd.read_csv(write_table(forecast_table(fc, dataset), tmp_path / "fc.csv"),
                        encoding="utf-8-sig", dtype={"商品编码": str})  # fmt: skip
    assert list(plain.columns) == ["商品编码", "date", "forecast", "median", "lo_80", "hi_80"]
    assert (plain["forecast"] > 0).all() and (plain["median"] == 0).all()
    zh = forecast_table(fc, dataset, lang="zh")
    assert list(zh.columns) == ["商品编码", "日期", "预测均值（期望）", "中位数", "80% 下限",
                                "80% 上限"]  # fmt: skip
    en = forecast_table(fc, dataset, lang="en")
    assert list(en.columns[2:4]) == ["expected (mean)", "median"]
    legacy = forecast_table(fc.drop(columns="median"), dataset)
    assert "median" in legacy.columns


def test_the_advice_reads_the_median_column_as_the_middle_of_the_distribution():
    ds = pd.date_range("2025-01-01", periods=14)
    fc = pd.DataFrame({"unique_id": "a", "ds": ds, "forecast": 0.3, "median": 0.0,
                       "lo_80": 0.0, "hi_80": 1.0})  # fmt: skip
    probs, values = quantile_table(fc)
    assert np.allclose(values[:, list(probs).index(0.5)], 0.0)
    inv = recommend_inventory(fc, None, None)
    assert inv["forecast_lead_time"].iloc[0] > 0
