"""``packaging/smoke.py``: the checks of a built bundle, judged without building one.

Stand-in bundles (a script named like the app that writes a made-up ``--self-test``
report) show that a check passes only on a complete report from a *frozen* app, and that
the report is kept; ``tests/test_packaging.py`` runs the checks on a real bundle when
``SKUCAST_TEST_BUNDLE`` is set.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"
sys.path.insert(0, str(PACKAGING))

import smoke  # noqa: E402

needs_posix = pytest.mark.skipif(
    shutil.which("bash") is None or sys.platform == "win32", reason="runs a script as an exe"
)


def test_smoke_checks_cover_gui_cli_and_training():
    checks = {check.name: check for check in smoke.CHECKS}
    assert {"self-test", "inspect", "forecast", "backtest"} <= set(checks)
    self_test = checks["self-test"]
    assert self_test.args == ("--self-test", "{tmp}/self-test", "--timeout", "480")
    assert self_test.outputs == ("self-test/self-test.json", "self-test/self-test.txt")
    assert self_test.timeout > 480 and self_test.verify is not None  # the app's watchdog first
    forecast = checks["forecast"].args
    assert forecast[forecast.index("--epochs") + 1] == "1" and "{sample}" in forecast
    env = smoke.bundle_env({"PYTHONPATH": "x", "PATH": "/bin"})
    assert env["QT_QPA_PLATFORM"] == "offscreen" and "PYTHONPATH" not in env


def test_smoke_finds_executables_per_platform(tmp_path):
    folder = tmp_path / "SkuCast"
    folder.mkdir()
    assert smoke.executables(folder, "linux") == {
        "app": folder / "SkuCast",
        "cli": folder / "SkuCast",
    }
    (folder / "skucast-cli.exe").write_text("")
    exes = smoke.executables(folder, "win32")
    assert exes == {"app": folder / "SkuCast.exe", "cli": folder / "skucast-cli.exe"}
    app = tmp_path / "SkuCast.app"
    assert smoke.executables(app, "darwin")["app"] == app / "Contents" / "MacOS" / "SkuCast"
    with pytest.raises(FileNotFoundError, match="resources"):
        smoke.bundled_sample(folder)
    sample = folder.joinpath("_internal", *smoke.SAMPLE)
    sample.parent.mkdir(parents=True)
    sample.write_text("")
    assert smoke.bundled_sample(folder) == sample


def _self_test_data(**changes) -> dict:
    """A passing ``--self-test`` report of a bundle, with ``changes`` applied."""
    steps = [{"name": name, "ok": True, "seconds": 1.0, "figures": {}, "error": ""}
             for name in smoke.SELF_TEST_STEPS]  # fmt: skip
    steps[2]["figures"] = {"model": "lstm", "epochs": 1, "loss": 0.2}
    data = {"ok": True, "exit_code": 0, "reason": "", "steps": steps,
            "environment": {"frozen": True}, **changes}  # fmt: skip
    return data


def _self_test_report(path: Path, **changes) -> Path:
    path.write_text(json.dumps(_self_test_data(**changes)), encoding="utf-8")
    return path


def test_self_test_report_is_judged_on_every_step(tmp_path):
    good = _self_test_report(tmp_path / "good.json")
    assert smoke.self_test_problem(good) == ""
    assert smoke.self_test_problem(good, frozen=False).startswith("self-test ran frozen")
    assert smoke.self_test_problem(good, frozen=None) == ""
    failed = _self_test_report(tmp_path / "f.json", ok=False, exit_code=1, reason="forecast: x")
    assert smoke.self_test_problem(failed) == "self-test failed: forecast: x"
    steps = json.loads(good.read_text())["steps"]
    short = _self_test_report(tmp_path / "s.json", steps=steps[:2])
    assert smoke.self_test_problem(short).startswith("self-test steps ['open window'")
    steps[2]["figures"] = {"model": "snaive", "epochs": 0}
    untrained = _self_test_report(tmp_path / "u.json", steps=steps)
    assert smoke.self_test_problem(untrained).startswith("self-test did not train the LSTM")
    source = _self_test_report(tmp_path / "src.json", environment={"frozen": False})
    assert smoke.self_test_problem(source).startswith("self-test ran from source")
    assert smoke.self_test_problem(tmp_path / "none.json").startswith("no readable")


def test_time_launch_reads_the_report(tmp_path):
    fake = tmp_path / "fake_app.py"  # stands in for a bundle: writes a report where told
    fake.write_text(
        "import json, pathlib, sys\n"
        "folder = pathlib.Path(sys.argv[-1]); folder.mkdir()\n"
        f"folder.joinpath('self-test.json').write_text({json.dumps(_self_test_data())!r})\n"
    )
    launch = smoke.time_launch([sys.executable, str(fake), "--self-test"], frozen=True)
    assert launch["ok"] and launch["rc"] == 0 and launch["problem"] == ""
    assert launch["steps"] == dict.fromkeys(smoke.SELF_TEST_STEPS, 1.0)
    assert 0 < launch["seconds"] < 60
    launch = smoke.time_launch([sys.executable, str(fake), "--self-test"], frozen=False)
    assert not launch["ok"] and launch["problem"].startswith("self-test ran frozen")


def _fake_bundle(tmp_path: Path, report: dict) -> Path:
    """A one-folder "bundle" whose executable answers ``--self-test DIR`` with ``report``."""
    folder = tmp_path / "SkuCast"
    sample = folder.joinpath("_internal", *smoke.SAMPLE)
    sample.parent.mkdir(parents=True)
    sample.write_text("")
    exe = folder / "SkuCast"
    exe.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        "folder = pathlib.Path(sys.argv[2]); folder.mkdir(parents=True)\n"
        f"folder.joinpath('self-test.json').write_text({json.dumps(report)!r})\n"
        "folder.joinpath('self-test.txt').write_text('SkuCast self-test: ok')\n"
        f"print({smoke.SELF_TEST_OK!r})\n"
    )
    exe.chmod(0o755)
    return folder


@needs_posix
def test_self_test_check_judges_the_report_and_keeps_it(tmp_path):
    bundle = _fake_bundle(tmp_path / "good", _self_test_data())
    kept = tmp_path / "kept"
    [result] = smoke.run_checks(bundle, ["self-test"], log=lambda *_: None, keep=kept)
    assert result["ok"] and result["problem"] == "", result
    assert json.loads((kept / "self-test.json").read_text())["ok"] is True
    assert (kept / "self-test.txt").is_file()
    # a report from a Python run, not a frozen one, fails the check even with exit 0
    bundle = _fake_bundle(tmp_path / "source", _self_test_data(environment={"frozen": False}))
    [result] = smoke.run_checks(bundle, ["self-test"], log=lambda *_: None)
    assert not result["ok"] and result["rc"] == 0
    assert "self-test ran from source" in result["problem"]
