"""The forecast archive (core.analysis.archive, archive_score): runs kept in SQLite, written
in one transaction, migrated, refused when newer, and scored against what sold."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from core.analysis import (
    ARCHIVE_MIGRATIONS,
    ARCHIVE_VERSION,
    archive_path,
    archive_version,
    archived_forecasts,
    list_runs,
    load_run,
    run_import,
    save_run,
    score_runs,
    worst_products,
)
from core.analysis import archive as archive_module
from core.analysis.archive import open_archive
from core.cli import main
from core.data import CleaningOptions, ImportOptions
from core.errors import InputError
from core.forecast import make_base_model
from core.forecast.metrics import mase as reference_mase
from core.sample import SAMPLE_PATH

END = pd.Timestamp("2024-03-14")
HIST_A = [10, 12, 9, 11, 10, 13, 8, 11, 13, 10, 12, 9, 14, 9]
HIST_B = [0, 2, 0, 3, 0, 1, 0, 1, 2, 0, 2, 0, 1, 1]
ACT_A = [12, 11, 10, 13, 9, 12, 10]
ACT_B = [0, 3, 1, 0, 2, 0, 1]  # the last day is not known yet: B scores 6 days


def _days(start, n):
    return pd.date_range(start, periods=n, freq="D")


def _forecast(values: dict, lo: dict | None = None, hi: dict | None = None) -> pd.DataFrame:
    parts = []
    for uid, v in values.items():
        part = pd.DataFrame({"unique_id": uid, "ds": _days(END + pd.Timedelta(days=1), 7),
                             "forecast": np.asarray(v, dtype=float)})  # fmt: skip
        part["median"] = part["forecast"]
        if lo is not None:
            part["lo_80"], part["hi_80"] = np.asarray(lo[uid], float), np.asarray(hi[uid], float)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def small_case():
    """Two products, 14 days of history, a 7-day model forecast and the seasonal naive."""
    history = pd.concat([pd.DataFrame({"unique_id": u, "ds": _days(END - pd.Timedelta(days=13), 14),
                                       "y": np.asarray(h, float)})
                         for u, h in (("A", HIST_A), ("B", HIST_B))], ignore_index=True)  # fmt: skip
    future = pd.concat([pd.DataFrame({"unique_id": u, "ds": _days(END + pd.Timedelta(days=1), 7),
                                      "y": np.asarray(a, float)})
                        for u, a in (("A", ACT_A), ("B", ACT_B))], ignore_index=True)  # fmt: skip
    actuals = pd.concat([history, future.iloc[:-1]], ignore_index=True)
    model = _forecast({"A": [11] * 7, "B": [1] * 7}, lo={"A": [9] * 7, "B": [0] * 7},
                      hi={"A": [13] * 7, "B": [2] * 7})  # fmt: skip
    snaive = _forecast({"A": HIST_A[-7:], "B": HIST_B[-7:]})
    return actuals, model, snaive


def _hand(f, y, hist, naive):
    """The figures of one product, computed here from their definitions."""
    f, y, hist, naive = (np.asarray(a, float) for a in (f, y, hist, naive))
    scale = np.mean(np.abs(hist[7:] - hist[:-7]))
    mae, naive_mae = np.mean(np.abs(f - y)), np.mean(np.abs(naive - y))
    return {"mae": mae, "mase": mae / scale, "bias": f.sum() / y.sum() - 1,
            "total_error": abs(f.sum() - y.sum()) / y.sum(), "snaive_mae": naive_mae,
            "snaive_mase": naive_mae / scale, "fva": 1 - mae / naive_mae}  # fmt: skip


def test_scores_match_a_hand_computation_on_two_products(tmp_path):
    path = tmp_path / "shop.skucast-archive.sqlite"
    actuals, model, snaive = small_case()
    run_id = save_run(path, data_end=END, model="ets", freq="D", forecast=model, snaive=snaive)
    per_run, per_product = score_runs(path, actuals)
    rows = per_product.set_index("unique_id")
    a = _hand([11] * 7, ACT_A, HIST_A, HIST_A[-7:])
    b = _hand([1] * 6, ACT_B[:6], HIST_B, HIST_B[-7:-1])
    for uid, want in (("A", a), ("B", b)):
        for key, value in want.items():
            assert rows.loc[uid, key] == pytest.approx(value), (uid, key)
    assert rows.loc["A", "n"] == 7 and rows.loc["B", "n"] == 6
    # A's band [9, 13] holds all seven; B's [0, 2] misses only the 3
    assert rows.loc["A", "hit_80"] == 1.0 and rows.loc["B", "hit_80"] == pytest.approx(5 / 6)
    assert np.isnan(rows.loc["A", "snaive_hit_80"])  # no band was archived for the naive
    run = per_run.set_index("run_id").loc[run_id]
    f = np.r_[[11.0] * 7, [1.0] * 6]
    y = np.r_[ACT_A, ACT_B[:6]]
    naive = np.r_[HIST_A[-7:], HIST_B[-7:-1]]
    assert run["n"] == 13 and run["products"] == 2
    assert run["mae"] == pytest.approx(np.mean(np.abs(f - y)))
    assert run["mase"] == pytest.approx((a["mase"] + b["mase"]) / 2)
    assert run["bias"] == pytest.approx(f.sum() / y.sum() - 1)
    assert run["total_error"] == pytest.approx(abs(f.sum() - y.sum()) / y.sum())
    assert run["hit_80"] == pytest.approx(12 / 13)
    assert run["fva"] == pytest.approx(1 - np.mean(np.abs(f - y)) / np.mean(np.abs(naive - y)))


def test_worst_products_name_a_stock_out_a_promotion_and_a_new_product(tmp_path):
    path = tmp_path / "a.sqlite"
    actuals, model, snaive = small_case()
    actuals["stock"], actuals["promo"] = 50.0, 0.0
    window = actuals["ds"] > END
    actuals.loc[window & (actuals["unique_id"] == "B") & (actuals["y"] == 0), "stock"] = 0.0
    actuals.loc[window & (actuals["unique_id"] == "A") & (actuals["ds"] == END + pd.Timedelta(days=4)),
                "promo"] = 1.0  # fmt: skip
    young = actuals["unique_id"].eq("A") & (actuals["ds"] < END - pd.Timedelta(days=6))
    older = pd.DataFrame({"unique_id": "B", "ds": _days(END - pd.Timedelta(days=34), 21),
                          "y": 1.0, "stock": 50.0, "promo": 0.0})  # fmt: skip
    # A now has 7 days of history (new), B 35 (not new)
    actuals = pd.concat([older, actuals[~young]], ignore_index=True)
    save_run(path, data_end=END, model="ets", freq="D", forecast=model, snaive=snaive)
    _, per_product = score_runs(path, actuals)
    worst = worst_products(per_product, actuals, n=5, by="total_error").set_index("unique_id")
    assert list(worst.index) == list(per_product.sort_values("total_error", ascending=False)
                                     ["unique_id"])  # fmt: skip
    assert worst.loc["A", "reason"] == "promotion,new"
    assert (
        "7 days of history" in worst.loc["A", "reason_en"] and "新品" in worst.loc["A", "reason_zh"]
    )
    assert worst.loc["B", "reason"] == "stockout"
    plain = worst_products(per_product, actuals.drop(columns=["stock", "promo"]), by="bias")
    assert set(plain["reason"]) <= {"", "new"}
    with pytest.raises(InputError):
        worst_products(per_product, actuals, by="smape")


# ------------------------------------------------------------------ writing and reading
def test_a_run_survives_reopening_with_its_stages_advice_and_bands(tmp_path):
    path = archive_path(tmp_path / "shop.skucast")
    assert path.name == "shop.skucast-archive.sqlite"
    _, model, snaive = small_case()
    model["lo_95"], model["hi_95"] = model["lo_80"] - 1, model["hi_80"] + 1
    stages = pd.DataFrame({"unique_id": ["A", "B"], "stage": ["maturity", "decline"],
                           "confidence": [0.8, 0.6], "next_stage": ["decline", None],
                           "next_stage_date": [pd.Timestamp("2024-05-01"), pd.NaT],
                           "reason_en": ["x", "y"]})  # fmt: skip
    advice = pd.DataFrame({"unique_id": ["A", "B"], "stage": ["maturity", "decline"],
                           "order_qty": [30.0, 0.0], "reorder_point": [40.0, 3.0],
                           "safety_stock": [9.0, 1.0], "days_of_cover": [12.0, np.nan],
                           "stockout_date": [pd.Timestamp("2024-03-30"), pd.NaT],
                           "promotion": ["hold", "clear"], "discount": [0.0, 0.3],
                           "reason": ["Reorder 30", "Clear"], "forecast_lead_time": [77.0, 7.0],
                           "promotion_window": ["", "2024-03-16 .. 2024-03-29"]})  # fmt: skip
    run_id = save_run(path, data_end=END.date(), model="ets", freq="D", forecast=model,
                      snaive=snaive, stages=stages, recommendations=advice,
                      source=tmp_path / "sales.csv", settings={"lead_time": 7, "levels": [80, 95]})  # fmt: skip
    again = load_run(path, run_id)
    assert again.run["data_end"] == "2024-03-14" and again.run["source"] == "sales.csv"
    assert again.run["settings"] == {"lead_time": 7, "levels": [80, 95]}
    assert again.run["horizon"] == 7
    cols = ["unique_id", "ds", "forecast", "median", "lo_80", "hi_80", "lo_95", "hi_95"]
    pd.testing.assert_frame_equal(again.forecast[cols], model[cols], check_dtype=False)
    assert again.snaive["forecast"].tolist() == snaive["forecast"].tolist()
    assert again.stages["next_stage_date"].tolist() == ["2024-05-01", None]
    rec = again.recommendations.set_index("unique_id")
    assert rec.loc["A", "order_qty"] == 30 and np.isnan(rec.loc["B", "days_of_cover"])
    assert rec.loc["B", "promotion_window"] == "2024-03-16 .. 2024-03-29"
    assert (
        rec.loc["A", "forecast_lead_time"] == 77 and rec.loc["A", "stockout_date"] == "2024-03-30"
    )
    with pytest.raises(InputError):
        load_run(path, run_id + 1)


def test_saving_the_same_week_and_model_again_replaces_the_run(tmp_path):
    path = tmp_path / "a.sqlite"
    _, model, snaive = small_case()
    first = save_run(path, data_end=END, model="ets", freq="D", forecast=model, snaive=snaive)
    second = save_run(
        path, data_end=END, model="ets", freq="D", forecast=model.assign(forecast=5.0)
    )
    other = save_run(path, data_end=END, model="snaive", freq="D", forecast=snaive)
    runs = list_runs(path)
    assert sorted(runs["run_id"]) == sorted([second, other]) and first not in set(runs["run_id"])
    rows = archived_forecasts(path, second)
    assert set(rows["kind"]) == {"model"} and (rows["forecast"] == 5.0).all()
    assert len(archived_forecasts(path)) == 2 * len(model)  # the first run's rows are gone


def test_a_failure_midway_leaves_no_half_run(tmp_path, monkeypatch):
    path = tmp_path / "a.sqlite"
    _, model, snaive = small_case()
    kept = save_run(path, data_end=END, model="ets", freq="D", forecast=model, snaive=snaive)
    before = archived_forecasts(path)
    bad_stages = pd.DataFrame({"unique_id": ["A", None], "stage": ["maturity", "growth"]})
    with pytest.raises(InputError) as info:  # the second stage row breaks NOT NULL
        save_run(
            path,
            data_end=END + pd.Timedelta(days=7),
            model="ets",
            freq="D",
            forecast=model.assign(ds=model["ds"] + pd.Timedelta(days=7)),
            stages=bad_stages,
        )
    assert "nothing was changed" in info.value.en and "未作任何改动" in info.value.zh

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(archive_module, "_write_advice", crash)
    advice = pd.DataFrame({"unique_id": ["A"], "order_qty": [1.0]})
    with pytest.raises(RuntimeError):  # would have replaced the kept run: it must survive
        save_run(
            path,
            data_end=END,
            model="ets",
            freq="D",
            forecast=model.assign(forecast=0.0),
            snaive=snaive,
            stages=bad_stages.iloc[:1],
            recommendations=advice,
        )
    assert list_runs(path)["run_id"].tolist() == [kept]
    pd.testing.assert_frame_equal(archived_forecasts(path), before)
    with open_archive(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM stages").fetchone()[0] == 0


def test_a_forecast_must_start_after_the_data_end(tmp_path):
    _, model, _ = small_case()
    with pytest.raises(InputError, match="on or before the data end"):
        save_run(tmp_path / "a.sqlite", data_end=END + pd.Timedelta(days=1), model="ets",
                 freq="D", forecast=model)  # fmt: skip


# ----------------------------------------------------------------- versions and migration
def test_an_archive_from_a_newer_skucast_is_refused_in_both_languages(tmp_path):
    path = tmp_path / "a.sqlite"
    assert archive_version(path) == ARCHIVE_VERSION
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (ARCHIVE_VERSION + 1,))
    conn.close()
    with pytest.raises(InputError) as info:
        list_runs(path)
    assert "newer SkuCast" in info.value.en and "更新版本" in info.value.zh
    assert f"version {ARCHIVE_VERSION + 1}" in info.value.en


def test_damaged_and_foreign_files_are_refused(tmp_path):
    garbage = tmp_path / "g.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    foreign = tmp_path / "f.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER)")
    conn.close()
    for path in (garbage, foreign, tmp_path):
        with pytest.raises(InputError) as info:
            list_runs(path)
        assert info.value.zh and info.value.en


def _version_1_file(path):
    """An archive as version 1 of the schema wrote it, with one run."""
    conn = sqlite3.connect(path)
    for statement in ARCHIVE_MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("UPDATE schema_version SET version = 1")
    conn.execute("INSERT INTO runs (created_at, data_end, model, freq) "
                 "VALUES ('2024-03-15T08:00:00+00:00', '2024-03-14', 'ets', 'D')")  # fmt: skip
    _, model, _ = small_case()
    conn.executemany("INSERT INTO forecasts VALUES (1, 'model', ?, ?, ?, ?, ?, ?)",
                     [(r.unique_id, r.ds.strftime("%Y-%m-%d"), r.forecast, r.median, r.lo_80,
                       r.hi_80) for r in model.itertuples()])  # fmt: skip
    conn.commit()
    conn.close()


def test_version_1_is_migrated_to_2_keeping_its_runs(tmp_path):
    path = tmp_path / "old.sqlite"
    _version_1_file(path)
    assert archive_version(path) == 2
    runs = list_runs(path)
    assert runs["run_id"].tolist() == [1] and runs["horizon"].isna().all()
    actuals, model, _ = small_case()
    later = model.assign(ds=model["ds"] + pd.Timedelta(days=7), lo_95=0.0, hi_95=20.0)
    new = save_run(path, data_end=END + pd.Timedelta(days=7), model="ets", freq="D", forecast=later)
    assert load_run(path, new).forecast["hi_95"].eq(20.0).all()
    per_run, _ = score_runs(path, actuals)
    assert per_run.set_index("run_id").loc[1, "n"] == 13
    assert per_run.set_index("run_id").loc[new, "n"] == 0
    assert np.isnan(per_run.set_index("run_id").loc[1, "snaive_mae"])  # v1 run had no naive


def test_a_migration_is_all_or_nothing(tmp_path, monkeypatch):
    path = tmp_path / "a.sqlite"
    archive_version(path)
    broken = [*ARCHIVE_MIGRATIONS, ["CREATE TABLE extra (x INTEGER)", "ALTER TABLE nowhere ADD y"]]
    monkeypatch.setattr(archive_module, "ARCHIVE_MIGRATIONS", broken)
    with pytest.raises(InputError), open_archive(path, upto=len(broken)):
        pass
    monkeypatch.undo()
    with open_archive(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("SELECT version FROM schema_version").fetchone()[0]
    assert "extra" not in tables and version == ARCHIVE_VERSION


# ----------------------------------------------------------------- replay on the sample shop
@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """The sample shop cut at four successive weeks, an ETS forecast archived at each."""
    dataset = run_import(SAMPLE_PATH, ImportOptions(), CleaningOptions()).cleaning.dataset
    sales = dataset.frame[["unique_id", "ds", "y", "stock", "promo"]]
    last = sales["ds"].max()
    first = sales.groupby("unique_id")["ds"].min()
    ends = sales.groupby("unique_id")["ds"].max()
    ids = sorted(first[(first < last - pd.Timedelta(days=200)) & (ends == last)].index)[:8]
    sales = sales[sales["unique_id"].isin(ids)]
    path = tmp_path_factory.mktemp("replay") / "sample.skucast-archive.sqlite"
    cuts = [last - pd.Timedelta(days=d) for d in (21, 14, 7, 0)]
    for cut in cuts:
        history = sales[sales["ds"] <= cut]
        forecast = make_base_model("ets").fit(history, "D").predict(14, levels=(80,))
        save_run(path, data_end=cut, model="ets", freq="D", forecast=forecast,
                 history=history, source=SAMPLE_PATH, settings={"horizon": 14})  # fmt: skip
    return path, sales, ids, cuts


def test_four_weekly_runs_are_archived_and_the_first_three_scored(replay):
    path, sales, ids, cuts = replay
    runs = list_runs(path)
    assert runs["data_end"].tolist() == cuts and (runs["horizon"] == 14).all()
    per_run, per_product = score_runs(path, sales)
    k = len(ids)
    assert per_run["n"].tolist() == [14 * k, 14 * k, 7 * k, 0]
    assert per_run["snaive_n"].tolist() == [14 * k, 14 * k, 7 * k, 0]
    assert per_run["products"].tolist() == [k, k, k, 0]
    scored = per_run.iloc[:3]
    assert np.isfinite(scored[["mae", "mase", "bias", "snaive_mase", "fva"]].to_numpy()).all()
    assert scored["hit_80"].between(0, 1).all() and scored["snaive_hit_80"].between(0, 1).all()
    assert per_run.iloc[3][["mae", "mase"]].isna().all()
    assert set(per_product["run_id"]) == set(per_run["run_id"].iloc[:3])


def test_the_replay_scores_agree_with_the_leaderboard_metrics(replay):
    """Run 1's MASE per product against core.forecast.metrics.mase on the archived rows."""
    path, sales, ids, cuts = replay
    _, per_product = score_runs(path, sales)
    run_id = list_runs(path)["run_id"].iloc[0]
    rows = archived_forecasts(path, run_id)
    for uid in ids[:4]:
        mine = sales[sales["unique_id"] == uid]
        train = mine.loc[mine["ds"] <= cuts[0], "y"]
        for kind, col in (("model", "mase"), ("snaive", "snaive_mase")):
            fc = rows[(rows["kind"] == kind) & (rows["unique_id"] == uid)]
            y = mine.set_index("ds")["y"].reindex(fc["ds"])
            want = reference_mase(y.to_numpy(), fc["forecast"].to_numpy(), train.to_numpy(), 7)
            got = per_product.set_index(["run_id", "unique_id"]).loc[(run_id, uid), col]
            assert got == pytest.approx(want)
        # the archived naive repeats the last week before the cut
        naive = rows[(rows["kind"] == "snaive") & (rows["unique_id"] == uid)]["forecast"]
        assert naive.to_numpy()[:7] == pytest.approx(train.to_numpy()[-7:])


def test_the_replay_names_promotions_where_the_window_had_one(replay):
    path, sales, _, _ = replay
    _, per_product = score_runs(path, sales)
    worst = worst_products(per_product, sales, n=6)
    assert len(worst) == 6 and worst["mase"].is_monotonic_decreasing
    for _, row in worst.iterrows():
        window = sales[(sales["unique_id"] == row["unique_id"]) & (sales["ds"] > row["data_end"])
                       & (sales["ds"] <= row["last_ds"])]  # fmt: skip
        assert ("promotion" in row["reason"].split(",")) == bool((window["promo"] > 0).any())


# ------------------------------------------------------------------------------- the CLI
def test_forecast_archive_then_archive_score_on_the_command_line(tmp_path, capsys):
    rng = np.random.default_rng(5)
    days = pd.date_range("2024-01-01", periods=84, freq="D")
    rows = [(d.strftime("%Y-%m-%d"), sku, int(rng.poisson(6 + 3 * (d.dayofweek >= 5))))
            for sku in ("00101", "00102") for d in days]  # fmt: skip
    full = pd.DataFrame(rows, columns=["日期", "商品编码", "销量"])
    cut, whole = tmp_path / "cut.csv", tmp_path / "sales.csv"
    full[pd.to_datetime(full["日期"]) <= days[-8]].to_csv(cut, index=False)
    full.to_csv(whole, index=False)
    archive = tmp_path / "shop.sqlite"
    code = main(["forecast", str(cut), "--horizon", "7", "--model", "ets", "--out",
                 str(tmp_path / "fc.csv"), "--archive", str(archive), "--lang", "en"])  # fmt: skip
    assert code == 0
    runs = list_runs(archive)
    assert runs["data_end"].tolist() == [days[-8]] and runs["source"].tolist() == ["cut.csv"]
    assert set(archived_forecasts(archive)["kind"]) == {"model", "snaive"}
    capsys.readouterr()
    per_product = tmp_path / "scores.csv"
    code = main(["archive", "score", str(whole), "--archive", str(archive), "--worst", "2",
                 "--per-product", str(per_product), "--lang", "en"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "fva" in out and "snaive_mase" in out
    scores = pd.read_csv(per_product, dtype={"商品编码": str}, encoding="utf-8-sig")
    assert sorted(scores["商品编码"]) == ["00101", "00102"] and (scores["n"] == 7).all()
    mistyped = tmp_path / "none.sqlite"
    assert main(["archive", "score", str(whole), "--archive", str(mistyped),
                 "--lang", "en"]) == 2  # fmt: skip
    assert "No forecast archive at" in capsys.readouterr().err
    assert not mistyped.exists()  # scoring never creates an empty archive
