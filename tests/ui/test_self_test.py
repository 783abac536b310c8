"""``--self-test``: the installer smoke test, run from source as a user (or CI) would.

The full run trains a real 1-epoch LSTM through the views (30-90 s on two busy cores);
the failure and timeout paths are checked too, since a self-test that cannot fail
proves nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ui.self_test import (
    DEFAULT_TIMEOUT,
    EXIT_FAILED,
    EXIT_TIMEOUT,
    JSON_NAME,
    TEXT_NAME,
    SelfTestReport,
    Step,
    parse_args,
    run_self_test,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import smoke  # noqa: E402

STEPS = ["open window", "import sample", "train tiny LSTM", "forecast", "recommendations"]


def _self_test(tmp_path: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = smoke.bundle_env()  # offscreen Qt, no stray PYTHONPATH
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--self-test", *args],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=tmp_path, timeout=timeout)  # fmt: skip


def test_parse_args_folder_and_timeout():
    assert parse_args([]) == (None, DEFAULT_TIMEOUT)
    assert parse_args(["out"]) == (Path("out"), DEFAULT_TIMEOUT)
    assert parse_args(["--timeout", "5", "out"]) == (Path("out"), 5.0)
    assert parse_args(["out", "--timeout", "2.5"]) == (Path("out"), 2.5)
    with pytest.raises(SystemExit, match="--timeout"):
        parse_args(["--timeout", "soon"])


def test_report_text_and_files(tmp_path):
    report = SelfTestReport(started="2026-01-01T00:00:00+00:00", versions={"SkuCast": "0.1.0"},
                            environment={"frozen": True},
                            steps=[Step("import sample", True, 1.234, {"rows": 10}),
                                   Step("train tiny LSTM", False, 0.5, error="boom")],
                            ok=False, exit_code=1, reason="train: boom", seconds_total=1.8)  # fmt: skip
    report.write(tmp_path / "r")
    lines = (tmp_path / "r" / TEXT_NAME).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "SkuCast self-test: FAILED: train: boom (1.8 s)"
    assert lines[1:3] == ["SkuCast 0.1.0", "frozen=True"]
    assert lines[3].split() == ["ok", "import", "sample", "1.23", "s", "rows=10"]
    assert lines[4].split() == ["FAIL", "train", "tiny", "LSTM", "0.50", "s", "boom"]
    data = json.loads((tmp_path / "r" / JSON_NAME).read_text(encoding="utf-8"))
    assert data["steps"][1] == {"name": "train tiny LSTM", "ok": False, "seconds": 0.5,
                                "figures": {}, "error": "boom"}  # fmt: skip


def test_self_test_from_source_trains_forecasts_and_recommends(tmp_path):
    report_dir = tmp_path / "report"
    proc = _self_test(tmp_path, str(report_dir))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("SkuCast self-test: ok (")
    assert smoke.self_test_problem(report_dir / JSON_NAME, frozen=False) == ""
    data = json.loads((report_dir / JSON_NAME).read_text(encoding="utf-8"))
    assert data["ok"] and data["exit_code"] == 0 and data["reason"] == ""
    steps = {step["name"]: step for step in data["steps"]}
    assert list(steps) == STEPS and all(step["ok"] for step in steps.values())
    assert steps["import sample"]["figures"] == {"rows": 27441, "products": 60, "freq": "D"}
    trained = steps["train tiny LSTM"]["figures"]
    assert trained["model"] == "lstm" and trained["epochs"] == 3 and trained["loss"] > 0
    assert set(trained["leaderboard"].split("/")) == {"lstm", "snaive"}
    forecast = steps["forecast"]["figures"]
    assert forecast["horizon"] == 28  # the daily default
    assert forecast["rows"] == forecast["products"] * 28
    recs = steps["recommendations"]["figures"]
    assert recs["rows"] == forecast["products"] and 0 <= recs["to_order"] <= recs["rows"]
    # every figure is rounded to 0.01 s, the steps' sum may pass the total by that much each
    assert sum(step["seconds"] for step in steps.values()) <= data["seconds_total"] + 0.01 * len(
        steps
    )
    assert {"SkuCast", "Python", "Qt", "keras", "tensorflow"} <= set(data["versions"])
    assert data["environment"]["frozen"] is False
    assert data["environment"]["qt_platform"] == "offscreen"
    assert (report_dir / TEXT_NAME).read_text(encoding="utf-8") in proc.stdout


def test_self_test_failure_exits_non_zero_with_the_reason(qtbot, tmp_path, capsys):
    broken = tmp_path / "broken.csv"
    broken.write_text("a,b\n1,2\n", encoding="utf-8")
    code = run_self_test(tmp_path / "report", timeout=300, sample=broken)
    assert code == EXIT_FAILED
    data = json.loads((tmp_path / "report" / JSON_NAME).read_text(encoding="utf-8"))
    assert not data["ok"] and data["exit_code"] == EXIT_FAILED
    assert data["reason"].startswith("import: No date column was found")
    assert [(s["name"], s["ok"]) for s in data["steps"]] == [
        ("open window", True), ("import sample", False)]  # fmt: skip
    assert data["steps"][1]["error"] == data["reason"]
    assert not data["details"]  # an input problem, not a bug: no traceback to report
    err = capsys.readouterr().err
    assert "SkuCast self-test failed: import: No date column was found" in err


def test_self_test_watchdog_ends_a_run_that_takes_too_long(tmp_path):
    report_dir = tmp_path / "report"
    proc = _self_test(tmp_path, str(report_dir), "--timeout", "6", timeout=120)
    assert proc.returncode == EXIT_TIMEOUT, proc.stdout + proc.stderr
    assert "SkuCast self-test failed: timed out after 6 s" in proc.stderr
    data = json.loads((report_dir / JSON_NAME).read_text(encoding="utf-8"))
    assert data["exit_code"] == EXIT_TIMEOUT and data["reason"] == "timed out after 6 s"
    unfinished = [step for step in data["steps"] if not step["ok"]]
    assert len(unfinished) == 1 and unfinished[0]["error"] == "timed out after 6 s"
    assert 5.5 <= data["seconds_total"] <= 30
