"""``forecast``, ``backtest`` and ``tune`` on the bundled sample shop, as a user runs them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core.cli import main
from core.data import align_to_end
from core.sample import SAMPLE_PATH
from tests.core.test_cli import run_cli

TINY = {"units": 8, "lookback": 14, "epochs": 2, "windows_per_epoch": 256, "batch_size": 64}


@pytest.fixture(scope="module")
def tiny_params(tmp_path_factory):
    path = tmp_path_factory.mktemp("params") / "tiny.json"
    path.write_text(json.dumps({"schema_version": 1, "params": TINY}), "utf-8")
    return path


@pytest.fixture(scope="module")
def sample_ids():
    raw = pd.read_csv(SAMPLE_PATH, encoding="gbk", dtype=str)
    return raw


def test_forecast_snaive_writes_the_documented_columns(tmp_path, capsys, sample_ids):
    out = tmp_path / "fc.csv"
    code = main(["forecast", str(SAMPLE_PATH), "--horizon", "14", "--model", "snaive",
                 "--level", "80", "--level", "95", "--out", str(out), "--lang", "en"])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "written to" in captured.out
    assert (
        "stopped selling" in captured.err
    )  # discontinued products are named, not dropped silently
    fc = pd.read_csv(out, dtype={"商品编码": str}, encoding="utf-8-sig")
    assert list(fc.columns) == ["商品编码", "商品名称", "stage", "date", "forecast", "median",
                                "lo_80", "hi_80", "lo_95", "hi_95"]  # fmt: skip
    names = sample_ids.drop_duplicates("商品编码").set_index("商品编码")["商品名称"]
    assert (fc["商品名称"] == fc["商品编码"].map(names)).all()  # each product's own name
    assert set(fc["stage"]) <= {"New", "Introduction", "Growth", "Maturity", "Decline"}
    cells = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert cells["forecast"].str.fullmatch(r"\d+").all()  # seasonal naive: whole units, "140"
    assert cells["hi_80"].str.contains(".", regex=False).any()  # the bands keep their decimals
    skipped = pd.read_csv(tmp_path / "fc_not_forecast.csv", dtype={"商品编码": str},
                          encoding="utf-8-sig")  # fmt: skip
    assert "not forecast" in captured.out and str(len(skipped)) in captured.out
    assert skipped["商品编码"].isin(sample_ids["商品编码"]).all()
    assert not set(skipped["商品编码"]) & set(fc["商品编码"])
    assert (skipped["periods without sales"] > 90).all()
    assert "forecast = expected sales" in captured.out  # the summary says which is which
    assert fc["商品编码"].str.startswith("00").all()  # leading zeros kept
    assert fc.groupby("商品编码").size().eq(14).all()
    last = pd.to_datetime(sample_ids["日期"]).max()
    assert fc["date"].min() == (last + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    assert (fc["lo_95"] <= fc["lo_80"]).all() and (fc["hi_80"] <= fc["hi_95"]).all()
    active = set(sample_ids.loc[pd.to_datetime(sample_ids["日期"]) > last - pd.Timedelta(days=90),
                                "商品编码"])  # fmt: skip
    assert set(fc["商品编码"]) == active


def test_forecast_lstm_save_then_load_gives_the_same_numbers(tmp_path, tiny_params, capsys):
    first, second, folder = tmp_path / "a.csv", tmp_path / "b.xlsx", tmp_path / "model"
    args = ["forecast", str(SAMPLE_PATH), "--horizon", "7", "--params", str(tiny_params)]
    imp = tmp_path / "importance.csv"
    assert (
        main([*args, "--out", str(first), "--save-model", str(folder), "--importance", str(imp)])
        == 0
    )
    groups = pd.read_csv(imp, encoding="utf-8-sig")
    assert {"lags", "calendar", "holidays", "promo_price"} <= set(groups["group"])
    assert groups["share"].sum() == pytest.approx(100, abs=0.1)
    assert "低置信度" in capsys.readouterr().out  # products launched recently are flagged
    assert main([*args, "--out", str(second), "--load-model", str(folder)]) == 0
    a = pd.read_csv(first, dtype={"商品编码": str}, encoding="utf-8-sig")
    b = pd.read_excel(second, dtype={"商品编码": str})
    assert pd.api.types.is_datetime64_any_dtype(b["date"])  # real Excel dates in a workbook
    a["date"] = pd.to_datetime(a["date"])
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_forecast_uses_a_plan_file(tmp_path, capsys):
    plan = tmp_path / "plan.csv"
    plan.write_text("商品编码,日期,是否促销\n0010000,2025-12-31,是\n", encoding="gbk")
    out = tmp_path / "fc.csv"
    code = main(["forecast", str(SAMPLE_PATH), "--horizon", "3", "--model", "snaive",
                 "--future", str(plan), "--out", str(out)])  # fmt: skip
    assert code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("商品编码,日期,备注\n0010000,2025-12-31,x\n", encoding="utf-8")
    code = main(["forecast", str(SAMPLE_PATH), "--horizon", "3", "--model", "snaive",
                 "--future", str(bad), "--out", str(out)])  # fmt: skip
    assert code == 2
    assert "计划文件" in capsys.readouterr().err


def test_backtest_prints_a_leaderboard_and_writes_json(tmp_path, capsys):
    js = tmp_path / "bt.json"
    per = tmp_path / "per.csv"
    code = main(["backtest", str(SAMPLE_PATH), "--horizon", "14", "--folds", "2",
                 "--models", "snaive,croston", "--json", str(js), "--per-product", str(per),
                 "--lang", "en"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "mase" in out and "snaive" in out and "croston" in out
    body = json.loads(js.read_text("utf-8"))
    text = json.dumps(body)
    assert "fit_seconds" in text and "predict_seconds" in text and "mase" in text
    assert len(pd.read_csv(per, encoding="utf-8-sig")) > 0


def test_tune_writes_settings_that_forecast_accepts(tmp_path, tiny_params):
    best = tmp_path / "best.json"
    code = main(["tune", str(SAMPLE_PATH), "--budget-minutes", "2", "--trials", "1",
                 "--horizon", "7", "--epochs", "1", "--out", str(best)])  # fmt: skip
    assert code == 0
    params = json.loads(best.read_text("utf-8"))["params"]
    assert params["horizon"] == 7 and params["epochs"] == 1
    assert {"lookback", "units", "layers", "dropout", "learning_rate"} <= set(params)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--horizon", "0", "--out", "x.csv"], "horizon"),
        (["--horizon", "7", "--out", "x.txt", "--model", "snaive"], ".csv"),
        (["--horizon", "7", "--out", "x.csv", "--model", "prophet"], "prophet"),
        (["--horizon", "7", "--out", "x.csv", "--level", "120"], "120"),
    ],
)
def test_bad_forecast_arguments_exit_2_without_traceback(args, needle, tmp_path):
    result = run_cli("forecast", SAMPLE_PATH, *args)
    assert result.returncode == 2
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_unknown_backtest_model_is_refused(capsys):
    assert main(["backtest", str(SAMPLE_PATH), "--horizon", "7", "--models", "snaive,magic"]) == 2
    err = capsys.readouterr().err
    assert "magic" in err and "未知模型" in err


def test_align_to_end_extends_recent_and_sets_aside_old_products():
    dates = pd.date_range("2024-01-01", periods=200, freq="D")
    live = pd.DataFrame({"unique_id": "live", "ds": dates, "y": 1.0, "price": 9.0, "promo": 1.0})
    quiet = live.iloc[:190].assign(unique_id="quiet")  # last row 10 days before the end
    gone = live.iloc[:50].assign(unique_id="gone")  # 150 days without rows
    aligned = align_to_end(pd.concat([live, quiet, gone]), "D")
    assert list(aligned.inactive["unique_id"]) == ["gone"]
    assert aligned.extended.to_dict("records")[0]["periods_added"] == 10
    tail = aligned.frame[aligned.frame["unique_id"] == "quiet"].tail(10)
    assert (tail["y"] == 0).all() and (tail["promo"] == 0).all() and (tail["price"] == 9).all()
    assert aligned.frame.groupby("unique_id")["ds"].max().eq(dates[-1]).all()
    lines = aligned.describe("en")
    assert "10 periods added" in lines[0] and "gone" in lines[1]


def test_forecast_ets_names_the_festival_lift_it_took_out(tmp_path, capsys):
    """The sample shop's Double 11 and Spring Festival are measured and said, in both
    languages; the forecast stays a non-negative expected value."""
    out = tmp_path / "fc.csv"
    args = ["forecast", str(SAMPLE_PATH), "--horizon", "14", "--model", "ets", "--out", str(out)]
    assert main([*args, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    line = next(x for x in text.splitlines() if "festival lift" in x)
    assert "Double 11" in line or "Spring Festival" in line
    fc = pd.read_csv(out)
    assert (fc["forecast"] >= 0).all() and fc["forecast"].sum() > 0
    assert main([*args, "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert any("节日拉动" in x and ("双11" in x or "春节" in x) for x in text.splitlines())
