"""Smoke tests of a built SkuCast bundle: does the frozen app really run the whole job?

``python packaging/smoke.py dist/SkuCast`` (or ``dist/SkuCast.app``) runs every check and
exits non-zero when one fails; ``--only self-test,forecast`` picks some; ``--time 3``
instead times three ``--self-test`` launches of the bundle and three from source,
interleaved, and prints the medians. Used by ``build.py`` after a build and by
``tests/test_packaging.py`` (``SKUCAST_TEST_BUNDLE``).

Each check runs the bundle's executable as a user would, with the sample shop that is
*inside* the bundle (so a missing ``resources/`` fails too), in a temporary folder:

* ``self-test``: ``--self-test``: the window opens off-screen and, through its views,
  imports the sample, trains a 1-epoch LSTM, forecasts and recommends (Qt, pyqtgraph,
  i18n, Keras/TensorFlow, the lifecycle and inventory code); its JSON report must say
  every step passed in a *frozen* app.
* ``inspect``: the CLI reads and summarises the sample (pandas, charset detection).
* ``forecast``: a 1-epoch LSTM (TensorFlow/Keras collected, holidays' calendars).
* ``backtest``: statistical baselines (statsforecast, coreforecast, fugue -> pyarrow).
* ``lifecycle``: life curves (scipy.optimize).
* ``recommend``: order advice written as .xlsx (scipy.stats, openpyxl).
* ``tune``: one optuna trial.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_config as cfg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ("resources", "sample", "sample_shop.csv")
SELF_TEST_OK = "SkuCast self-test: ok"
#: The steps of ``--self-test`` (ui/self_test.py), in order; each must pass.
SELF_TEST_STEPS = ("open window", "import sample", "train tiny LSTM", "forecast", "recommendations")
SELF_TEST_REPORT = "self-test.json"
#: The app's own watchdog (``--timeout``) ends a hung self-test before the check's timeout.
SELF_TEST_TIMEOUT = 480


def self_test_problem(report: Path, frozen: bool | None = True) -> str:
    """What is wrong with a ``--self-test`` JSON report ("" when nothing).

    ``frozen``: whether the report must come from a bundle (True), from source (False), or
    either (None).
    """
    try:
        data = json.loads(Path(report).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"no readable self-test report: {exc}"
    if not data.get("ok") or data.get("exit_code") != 0:
        return f"self-test failed: {data.get('reason') or 'no reason given'}"
    steps = {step["name"]: step for step in data.get("steps", [])}
    if tuple(steps) != SELF_TEST_STEPS or not all(step["ok"] for step in steps.values()):
        return f"self-test steps {list(steps)}, expected {list(SELF_TEST_STEPS)} all passed"
    trained = steps["train tiny LSTM"]["figures"]
    if trained.get("model") != "lstm" or trained.get("epochs", 0) < 1:
        return f"self-test did not train the LSTM: {trained}"
    if frozen is not None and data["environment"].get("frozen") is not frozen:
        return f"self-test ran {'from source' if frozen else 'frozen'}: {data['environment']}"
    return ""


@dataclass(frozen=True)
class Check:
    """One command run against the bundle; ``{sample}`` and ``{tmp}`` are filled in."""

    name: str
    args: tuple[str, ...]
    expect: str = ""  # text the output must contain
    outputs: tuple[str, ...] = field(default=())  # files (under {tmp}) it must write
    timeout: int = 600
    #: (the check's temporary folder) -> what is wrong with what it wrote, "" if nothing
    verify: Callable[[Path], str] | None = None


def _verify_self_test(tmp: Path) -> str:
    return self_test_problem(tmp / "self-test" / SELF_TEST_REPORT, frozen=True)


CHECKS = (
    Check("self-test", ("--self-test", "{tmp}/self-test", "--timeout", str(SELF_TEST_TIMEOUT)),
          expect=SELF_TEST_OK, outputs=("self-test/self-test.json", "self-test/self-test.txt"),
          timeout=SELF_TEST_TIMEOUT + 60, verify=_verify_self_test),
    Check("inspect", ("inspect", "{sample}", "--lang", "en"), expect="series:"),
    Check("forecast", ("forecast", "{sample}", "--epochs", "1", "--horizon", "7",
                       "--out", "{tmp}/forecast.csv", "--lang", "en"),
          expect="with lstm", outputs=("forecast.csv",)),
    Check("backtest", ("backtest", "{sample}", "--horizon", "7", "--folds", "1",
                       "--models", "ets,snaive,croston", "--lang", "en"), expect="wins on"),
    Check("lifecycle", ("lifecycle", "{sample}", "--out", "{tmp}/lifecycle.csv", "--lang", "en"),
          outputs=("lifecycle.csv",)),
    Check("recommend", ("recommend", "{sample}", "--model", "snaive",
                        "--out", "{tmp}/advice.xlsx", "--lang", "en"), outputs=("advice.xlsx",)),
    Check("tune", ("tune", "{sample}", "--horizon", "7", "--trials", "1", "--epochs", "1",
                   "--budget-minutes", "2", "--out", "{tmp}/params.json", "--lang", "en"),
          outputs=("params.json",)),
)  # fmt: skip
CHECK_NAMES = tuple(check.name for check in CHECKS)


def executables(bundle: Path, platform: str = sys.platform) -> dict[str, Path]:
    """The app and CLI executables of ``bundle`` (a one-folder dir or a macOS ``.app``).

    ``cli`` is ``skucast-cli(.exe)`` where it was built (Windows), else the app itself.
    """
    bundle = Path(bundle)
    suffix = ".exe" if platform.startswith("win") else ""
    folder = bundle / "Contents" / "MacOS" if bundle.suffix == ".app" else bundle
    app = folder / f"{cfg.APP_NAME}{suffix}"
    cli = folder / f"{cfg.CLI_NAME}{suffix}"
    return {"app": app, "cli": cli if cli.is_file() else app}


def bundled_sample(bundle: Path) -> Path:
    """The sample shop CSV inside the bundle (``_internal/`` or ``Contents/Resources/``)."""
    bundle = Path(bundle)
    for base in (
        bundle / cfg.CONTENTS_DIR,
        bundle / "Contents" / "Resources",
        bundle / "Contents" / "Frameworks",
    ):
        if base.joinpath(*SAMPLE).is_file():
            return base.joinpath(*SAMPLE)
    raise FileNotFoundError(f"no {'/'.join(SAMPLE)} in {bundle}: resources/ was not bundled")


def bundle_env(base: dict | None = None) -> dict:
    """The environment of a check: off-screen Qt, UTF-8 output, no user Python paths."""
    env = dict(os.environ if base is None else base)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


def run_check(check: Check, bundle: Path, tmp: Path) -> dict:
    """Run one check; a dict with name, ok, rc, seconds and the output's tail."""
    exe = executables(bundle)["cli"]
    values = {"sample": str(bundled_sample(bundle)), "tmp": str(tmp)}
    argv = [str(exe), *(arg.format(**values) for arg in check.args)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              env=bundle_env(), cwd=tmp, timeout=check.timeout)  # fmt: skip
        rc, out = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out = -1, f"timed out after {check.timeout} s\n{exc.stdout or ''}{exc.stderr or ''}"
    seconds = time.perf_counter() - start
    missing = [name for name in check.outputs if not (tmp / name).is_file()]
    verified = check.verify(tmp) if check.verify is not None and not missing else ""
    ok = rc == 0 and check.expect in out and not missing and not verified
    problem = "" if ok else f"rc={rc}" + (f", missing {missing}" if missing else "")
    if verified:
        problem += f", {verified}"
    elif not ok and check.expect not in out:
        problem += f", output lacks {check.expect!r}"
    elif not ok and rc != 0:
        problem += ", after printing the expected output (a crash at exit?)"
    return {"name": check.name, "ok": ok, "rc": rc, "seconds": round(seconds, 2),
            "problem": problem, "tail": out[-3000:]}  # fmt: skip


def run_checks(bundle: Path, names=None, log=None, keep: Path | None = None) -> list[dict]:
    """Run the named checks (default all) in a temporary folder; return their results.

    ``keep``: a folder that receives the self-test's report (``self-test.json``/``.txt``),
    passed or not, e.g. for a CI artefact.
    """
    log = log or functools.partial(print, flush=True)
    bundle = Path(bundle).resolve()  # checks run with a temporary folder as cwd
    wanted = CHECK_NAMES if not names else tuple(names)
    unknown = set(wanted) - set(CHECK_NAMES)
    if unknown:
        raise ValueError(f"unknown checks {sorted(unknown)}; known: {', '.join(CHECK_NAMES)}")
    results = []
    with tempfile.TemporaryDirectory(prefix="skucast-smoke-") as tmp:
        for check in CHECKS:
            if check.name in wanted:
                result = run_check(check, bundle, Path(tmp))
                log(f"  {'ok  ' if result['ok'] else 'FAIL'} {check.name:<10} {result['seconds']:7.1f} s"
                    + ("" if result["ok"] else f"  {result['problem']}\n{result['tail']}"))  # fmt: skip
                results.append(result)
        report = Path(tmp) / "self-test"
        if keep is not None and report.is_dir():
            shutil.copytree(report, keep, dirs_exist_ok=True)
    return results


def time_launch(argv: list[str], frozen: bool | None = None) -> dict:
    """One ``--self-test`` launch of ``argv`` (a report folder is appended): wall seconds
    from launch to exit, exit status, whether its report passed, and seconds per step."""
    with tempfile.TemporaryDirectory(prefix="skucast-self-test-") as tmp:
        report = Path(tmp) / "report"
        start = time.perf_counter()
        try:
            proc = subprocess.run([*argv, str(report)], capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", env=bundle_env(), cwd=tmp,
                                  timeout=SELF_TEST_TIMEOUT + 60)  # fmt: skip
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            rc = -1
        seconds = round(time.perf_counter() - start, 3)
        problem = self_test_problem(report / SELF_TEST_REPORT, frozen)
        steps = {}
        if (report / SELF_TEST_REPORT).is_file():
            data = json.loads((report / SELF_TEST_REPORT).read_text(encoding="utf-8"))
            steps = {step["name"]: step["seconds"] for step in data["steps"]}
    return {"seconds": seconds, "rc": rc, "ok": rc == 0 and not problem, "problem": problem,
            "steps": steps}  # fmt: skip


def bundle_command(bundle: Path) -> list[str]:
    """The bundle's ``--self-test`` command (without a report folder)."""
    return [str(executables(Path(bundle).resolve())["cli"]), "--self-test"]


def source_command(python: str = sys.executable) -> list[str]:
    """``python main.py --self-test``, the same self-test from source."""
    return [python, str(ROOT / "main.py"), "--self-test"]


def time_self_test(bundle: Path, runs: int = 3) -> list[dict]:
    """:func:`time_launch` of the bundle's ``--self-test``, ``runs`` times."""
    return [time_launch(bundle_command(bundle), frozen=True) for _ in range(runs)]


def compare_with_source(bundle: Path, runs: int = 3, python: str = sys.executable) -> dict:
    """Time ``runs`` self-tests of the bundle and ``runs`` from source, interleaved (so a
    busy machine slows both alike); the launches and the medians of those that passed."""
    launches: dict[str, list[dict]] = {"bundle": [], "source": []}
    for _ in range(runs):
        launches["bundle"].append(time_launch(bundle_command(bundle), frozen=True))
        launches["source"].append(time_launch(source_command(python), frozen=False))
    result: dict = {"launches": launches}
    for kind, runs_of_kind in launches.items():
        times = [launch["seconds"] for launch in runs_of_kind if launch["ok"]]
        result[f"{kind}_median"] = statistics.median(times) if times else None
    if result["bundle_median"] and result["source_median"]:
        result["ratio"] = round(result["bundle_median"] / result["source_median"], 3)
    return result


def _print_comparison(result: dict) -> None:
    for kind in ("bundle", "source"):
        for launch in result["launches"][kind]:
            steps = ", ".join(f"{name} {sec:.1f}" for name, sec in launch["steps"].items())
            status = "ok  " if launch["ok"] else f"FAIL rc={launch['rc']} {launch['problem']}"
            print(f"  {kind:<6} {launch['seconds']:7.2f} s  {status}  [{steps}]")
        print(f"{kind} median: {result[f'{kind}_median']} s")
    print(f"bundle / source: {result.get('ratio')}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Smoke-test a built SkuCast bundle.")
    parser.add_argument("bundle", type=Path, help="dist/SkuCast (or dist/SkuCast.app)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(CHECK_NAMES)}")
    parser.add_argument("--time", type=int, metavar="N",
                        help="instead: time N --self-test launches of the bundle and N from "
                             "source (this Python), interleaved")  # fmt: skip
    parser.add_argument("--json", type=Path, help="with --time: write the timings here")
    args = parser.parse_args(argv)
    if args.time:
        result = compare_with_source(args.bundle, args.time)
        _print_comparison(result)
        if args.json:
            args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
        launches = result["launches"]["bundle"] + result["launches"]["source"]
        return 0 if all(launch["ok"] for launch in launches) else 1
    names = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else None
    results = run_checks(args.bundle, names)
    failed = [r["name"] for r in results if not r["ok"]]
    print(
        f"{len(results) - len(failed)}/{len(results)} checks passed"
        + (f"; failed: {failed}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
