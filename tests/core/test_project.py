"""Project files: a whole analysis saved as one .skucast zip and reopened exactly."""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from core.analysis import Project, load_project, open_analysis, save_project
from core.data import ImportOptions
from core.errors import InputError
from core.forecast import TrainSettings, make_model
from core.recommend import InventoryOptions


def _history() -> pd.DataFrame:
    ds = pd.date_range("2024-01-01", periods=70, freq="D")
    rng = np.random.default_rng(3)
    return pd.concat(
        pd.DataFrame({"unique_id": uid, "ds": ds, "y": rng.poisson(lam, len(ds)).astype(float)})
        for uid, lam in (("00123", 5.0), ("A-9", 12.0))
    )


@pytest.fixture
def project() -> Project:
    model = make_model("snaive").fit(_history(), "D")
    fc = model.predict(7, levels=[80])
    stages = pd.DataFrame({"unique_id": ["00123", "A-9"], "stage": ["maturity", "decline"],
                           "confidence": [0.8, 0.55],
                           "next_stage_date": [pd.Timestamp("2024-05-01"), pd.NaT]})  # fmt: skip
    return Project(
        source_name="店铺销量.csv",
        source_bytes="日期,商品编码,销量\n2024-01-01,00123,5\n".encode("gb18030"),
        import_options=ImportOptions(encoding="gb18030", id_cols=["商品编码"]),
        train_settings=TrainSettings(model="snaive", epochs=3, levels=[80]),
        inventory_options=InventoryOptions(lead_time=10, service_level=0.9),
        model=model,
        results={"forecast": fc, "stages": stages},
        meta={"verdict_en": "Seasonal naive wins.", "verdict_zh": "季节性朴素法胜出。"},
    )


def test_round_trip_keeps_settings_results_and_model(project, tmp_path):
    path, notes = save_project(project, tmp_path / "shop")
    assert path.name == "shop.skucast" and notes == []
    back = load_project(path)
    assert back.source_name == "店铺销量.csv"
    assert back.source_bytes.decode("gb18030").startswith("日期,商品编码")
    assert back.import_options.id_cols == ["商品编码"]
    assert back.train_settings.epochs == 3 and back.train_settings.model == "snaive"
    assert back.inventory_options.lead_time == 10 and back.inventory_options.service_level == 0.9
    assert back.meta["verdict_zh"] == "季节性朴素法胜出。"
    stages = back.results["stages"]
    assert stages["unique_id"].tolist() == ["00123", "A-9"]  # leading zeros kept
    assert stages["next_stage_date"].iloc[0] == pd.Timestamp("2024-05-01")
    assert pd.isna(stages["next_stage_date"].iloc[1])
    pd.testing.assert_frame_equal(back.results["forecast"], project.results["forecast"])
    again = back.model.predict(7, levels=[80])
    pd.testing.assert_frame_equal(again, project.results["forecast"])


def test_source_file_is_written_back_for_reimport(project, tmp_path):
    path, _ = save_project(project, tmp_path / "p.skucast")
    out = load_project(path).source_file(tmp_path)
    assert out.name == "店铺销量.csv"
    assert out.read_bytes() == project.source_bytes


def test_failed_save_keeps_previous_file(project, tmp_path, monkeypatch):
    path, _ = save_project(project, tmp_path / "p.skucast")
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("core.analysis.project._write_members", boom)
    with pytest.raises(InputError, match="No space left"):
        save_project(project, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.skucast"]  # no temp file left


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "not a zip archive"),
        (None, "no manifest.json"),
    ],
)
def test_foreign_files_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "x.skucast"
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "hi")
    else:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_project(path)
    assert message in info.value.en and "不是 SkuCast 项目文件" in info.value.zh


def test_newer_and_unsafe_projects_are_refused(project, tmp_path):
    newer = tmp_path / "newer.skucast"
    with zipfile.ZipFile(newer, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "skucast-project",
                                                  "schema_version": 99}))  # fmt: skip
    with pytest.raises(InputError, match="newer SkuCast"):
        load_project(newer)
    unsafe = tmp_path / "unsafe.skucast"
    with zipfile.ZipFile(unsafe, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "skucast-project",
                                                  "schema_version": 1}))  # fmt: skip
        zf.writestr("../evil.txt", "x")
    with pytest.raises(InputError, match="unsafe member"):
        load_project(unsafe)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_truncated_project_is_reported_as_damaged(project, tmp_path):
    path, _ = save_project(project, tmp_path / "p.skucast")
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(InputError) as info:
        load_project(path)
    assert "damaged" in info.value.en


def _shop_csv(days: int = 60) -> bytes:
    """A small two-product daily export, as the sales file of a project."""
    ds = pd.date_range("2024-01-01", periods=days, freq="D")
    rng = np.random.default_rng(5)
    rows = [f"{d:%Y/%m/%d},{uid},{int(rng.poisson(lam))},{'满减' if d.day % 9 == 0 else ''}"
            for uid, lam in (("00123", 6.0), ("00456", 3.0)) for d in ds]  # fmt: skip
    return ("日期,商品编码,销量,活动\n" + "\n".join(rows) + "\n").encode("gb18030")


def _analysis(plan: bytes = b"", plan_name: str = "") -> Project:
    return Project(source_name="shop.csv", source_bytes=_shop_csv(),
                   import_options=ImportOptions(), plan_name=plan_name,
                   plan_bytes=plan)  # fmt: skip


PLAN = "商品编码,日期,活动\n00123,2024/3/1,满减\n00123,2024/3/2,满减\n00456,2024/3/2,\n".encode(
    "gb18030"
)


def test_a_plan_file_is_kept_as_it_was_loaded(project, tmp_path):
    project.plan_name, project.plan_bytes = "促销计划.csv", PLAN
    path, _ = save_project(project, tmp_path / "shop")
    with zipfile.ZipFile(path) as zf:
        assert zf.read("plan/促销计划.csv") == PLAN
    back = load_project(path)
    assert back.plan_name == "促销计划.csv" and back.plan_bytes == PLAN
    # a second save of the opened project writes the same plan again
    again, _ = save_project(back, tmp_path / "again")
    assert load_project(again).plan_bytes == PLAN


def test_opening_reads_the_plan_again_for_the_data(tmp_path):
    path, _ = save_project(_analysis(PLAN, "plan.csv"), tmp_path / "shop")
    opened = open_analysis(path)
    assert opened.plan_error is None
    plan = opened.plan
    assert plan["unique_id"].tolist() == ["00123", "00123", "00456"]  # leading zeros kept
    assert plan["ds"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-01", "2024-03-02",
                                                            "2024-03-02"]  # fmt: skip
    assert plan["promo"].tolist() == [1.0, 1.0, 0.0]


def test_a_plan_that_no_longer_fits_leaves_the_project_openable(tmp_path):
    other = b"unique_id,date,promo\nZZ-1,2024-03-01,1\n"
    path, _ = save_project(_analysis(other, "old plan.csv"), tmp_path / "shop")
    opened = open_analysis(path)
    assert opened.plan is None and opened.cleaning.dataset.n_series == 2
    assert "old plan.csv names none of the sales file's products" in opened.plan_error.en
    assert "ZZ-1" in opened.plan_error.zh and "没有销售文件里的商品" in opened.plan_error.zh


def test_a_project_saved_before_plans_were_kept_opens_as_before(tmp_path):
    """The members an earlier SkuCast wrote (no ``plan/``), written here by hand."""
    fc = pd.DataFrame({"unique_id": ["00123"], "ds": ["2024-03-01"], "forecast": [5.5]})
    path = tmp_path / "old.skucast"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps({
            "format": "skucast-project", "schema_version": 1, "app_version": "0.1.0",
            "saved_at": "2026-12-01T21:05:03", "source_name": "shop.csv"}))  # fmt: skip
        zf.writestr("settings.json", json.dumps({
            "import_options": ImportOptions().to_dict(),
            "train_settings": TrainSettings(model="snaive").to_dict()}))  # fmt: skip
        zf.writestr("data/shop.csv", _shop_csv())
        zf.writestr("results/forecast.csv", fc.to_csv(index=False))
        zf.writestr(
            "results/columns.json",
            json.dumps({"forecast": {"unique_id": "text", "ds": "datetime", "forecast": "number"}}),
        )
        zf.writestr("results/meta.json", "{}")
    opened = open_analysis(path)
    assert opened.project.plan_name == "" and opened.project.plan_bytes == b""
    assert opened.plan is None and opened.plan_error is None
    assert opened.project.train_settings.model == "snaive"
    assert opened.project.results["forecast"]["forecast"].tolist() == [5.5]
    assert opened.cleaning.dataset.n_series == 2
