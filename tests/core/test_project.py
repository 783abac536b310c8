"""Project files: a whole analysis saved as one .skucast zip and reopened exactly."""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from core.analysis import Project, load_project, save_project
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
