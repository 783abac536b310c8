"""Smoke tests of a built SkuCast bundle: does the frozen app really run the whole job?

``python packaging/smoke.py dist/SkuCast`` (or ``dist/SkuCast.app``) runs every check and
exits non-zero when one fails; ``--only self-test,forecast`` picks some. Used by
``build.py`` after a build and by ``tests/test_packaging.py`` (``SKUCAST_TEST_BUNDLE``).

Each check runs the bundle's executable as a user would, with the sample shop that is
*inside* the bundle (so a missing ``resources/`` fails too), in a temporary folder:

* ``self-test``: the window opens off-screen and imports the sample (Qt, pyqtgraph, i18n).
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
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_config as cfg  # noqa: E402

SAMPLE = ("resources", "sample", "sample_shop.csv")
SELF_TEST_OK = "SkuCast self-test: ok"


@dataclass(frozen=True)
class Check:
    """One command run against the bundle; ``{sample}`` and ``{tmp}`` are filled in."""

    name: str
    args: tuple[str, ...]
    expect: str = ""  # text the output must contain
    outputs: tuple[str, ...] = field(default=())  # files (under {tmp}) it must write
    timeout: int = 600


CHECKS = (
    Check("self-test", ("--self-test",), expect=SELF_TEST_OK, timeout=300),
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
    ok = rc == 0 and check.expect in out and not missing
    problem = "" if ok else f"rc={rc}" + (f", missing {missing}" if missing else "")
    if not ok and check.expect not in out:
        problem += f", output lacks {check.expect!r}"
    elif not ok and rc != 0:
        problem += ", after printing the expected output (a crash at exit?)"
    return {"name": check.name, "ok": ok, "rc": rc, "seconds": round(seconds, 2),
            "problem": problem, "tail": out[-3000:]}  # fmt: skip


def run_checks(bundle: Path, names=None, log=None) -> list[dict]:
    """Run the named checks (default all) in a temporary folder; return their results."""
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
    return results


def time_launches(argv: list[str], runs: int = 3, cwd: Path | None = None) -> list[dict]:
    """Run ``argv`` (a ``--self-test`` command) ``runs`` times: wall seconds from launch to
    exit, exit status, and whether the self-test reported ok, for each launch."""
    launches = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, env=bundle_env(),
                              cwd=cwd, timeout=300)  # fmt: skip
        seconds = round(time.perf_counter() - start, 3)
        launches.append(
            {"seconds": seconds, "rc": proc.returncode, "ok": SELF_TEST_OK in proc.stdout}
        )
    return launches


def time_self_test(bundle: Path, runs: int = 3) -> list[dict]:
    """:func:`time_launches` of the bundle's ``--self-test``."""
    return time_launches([str(executables(Path(bundle).resolve())["cli"]), "--self-test"], runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Smoke-test a built SkuCast bundle.")
    parser.add_argument("bundle", type=Path, help="dist/SkuCast (or dist/SkuCast.app)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(CHECK_NAMES)}")
    args = parser.parse_args(argv)
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
