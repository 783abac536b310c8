"""``lifecycle``, ``recommend`` and ``simulate`` on the bundled sample shop."""

from __future__ import annotations

import pandas as pd

import core.cli.decide as decide
from core.cli import main
from core.sample import SAMPLE_PATH

STAGES = {"new", "introduction", "growth", "maturity", "decline", "inactive"}


def test_lifecycle_writes_a_stage_per_product(tmp_path, capsys):
    out, hist = tmp_path / "stages.csv", tmp_path / "history.csv"
    code = main(["lifecycle", str(SAMPLE_PATH), "--out", str(out), "--history", str(hist),
                 "--lang", "zh"])  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, dtype={"商品编码": str}, encoding="utf-8-sig")
    assert list(table.columns) == ["商品编码", "stage", "stage_name", "confidence", "reason",
                                   "next_stage", "next_stage_date"]  # fmt: skip
    assert len(table) == 60 and set(table["stage"]) <= STAGES
    assert table["confidence"].between(0, 1).all()
    assert table["reason"].str.len().gt(5).all()
    assert "成熟期" in set(table["stage_name"])
    history = pd.read_csv(hist, dtype={"商品编码": str}, encoding="utf-8-sig")
    last = history.groupby("商品编码")["stage"].last()
    assert (last == table.set_index("商品编码")["stage"]).all()
    assert "个商品的阶段分布" in capsys.readouterr().out


def test_recommend_with_a_stock_file(tmp_path, capsys):
    stock = tmp_path / "stock.csv"
    stock.write_text("商品编码,库存,在途\n0010600,100000,0\n0010500,0,0\n", encoding="gbk")
    out = tmp_path / "advice.csv"
    code = main(["recommend", str(SAMPLE_PATH), "--model", "snaive", "--lead-time", "10",
                 "--service-level", "0.9", "--stock", str(stock), "--out", str(out),
                 "--lang", "en"])  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, dtype={"商品编码": str}, encoding="utf-8-sig").set_index("商品编码")
    cols = [
        "stage",
        "forecast_lead_time",
        "safety_stock",
        "reorder_point",
        "order_qty",
        "days_of_cover",
        "stockout_date",
        "promotion",
        "promotion_window",
        "reason",
    ]
    assert set(cols) <= set(table.columns)
    assert table.loc["0010500", "order_qty"] > 0  # nothing on hand: order
    assert table.loc["0010600", "order_qty"] == 0  # a warehouse full: no order
    assert table.loc["0010600", "days_of_cover"] > 100
    assert set(table["promotion"]) <= {"promote", "hold", "clear"}
    assert (table.loc[table["promotion"] == "clear", "order_qty"] == 0).all()
    assert "to order now" in capsys.readouterr().out


def test_simulate_prints_both_policies(capsys):
    code = main(["simulate", str(SAMPLE_PATH), "--weeks", "3", "--model", "snaive",
                 "--lead-time", "7", "--lang", "en"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "skucast" in out and "naive" in out and "Following SkuCast: fill rate" in out


def test_bad_service_level_exits_2(capsys):
    code = main(["recommend", str(SAMPLE_PATH), "--service-level", "95", "--out", "x.csv"])
    assert code == 2
    assert "服务水平" in capsys.readouterr().err


def test_inventory_options_take_the_forecasters_rho():
    from types import SimpleNamespace

    from core.cli.decide import _options

    args = SimpleNamespace(lead_time=7.0, review_period=7.0, service_level=0.95, moq=1.0,
                           pack_size=1.0, seed=0, model="lstm")  # fmt: skip
    assert _options(args).rho == 0.0
    assert _options(SimpleNamespace(**{**vars(args), "model": "ets"})).rho == 0.3


def test_the_lead_time_never_changes_the_model_recommend_trains(tmp_path, monkeypatch):
    # issue 14 items 1-2: a network trained for another horizon forecasts other numbers, and
    # a product near the clearance threshold flipped between 7 / 95% and 14 / 99%
    seen = []
    real = decide.fit_model

    def spy(frames, freq, settings, **kwargs):
        seen.append(settings.horizon_for(freq))
        return real(frames, freq, settings, **kwargs)

    monkeypatch.setattr(decide, "fit_model", spy)
    for lead, level in ((7, "0.95"), (14, "0.99"), (30, "0.95")):
        assert main(["recommend", str(SAMPLE_PATH), "--model", "snaive", "--lead-time", str(lead),
                     "--service-level", level, "--out", str(tmp_path / f"r{lead}.csv")]) == 0  # fmt: skip
    assert seen == [28, 28, 37]  # the usual 28 days; 30 + 7 days of review need 37
