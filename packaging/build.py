"""Build the SkuCast one-folder bundle, measure it and smoke-test it: one command, any OS.

``python packaging/build.py`` (from the repository root, in the venv that has SkuCast and
``pip install -e ".[packaging]"``):

1. runs PyInstaller on ``packaging/skucast.spec`` -> ``dist/SkuCast/`` (``dist/SkuCast.app``
   on macOS), timing it;
2. reports the bundle's size on disk;
3. runs the smoke tests of ``packaging/smoke.py`` against the frozen executable (GUI
   ``--self-test`` under ``QT_QPA_PLATFORM=offscreen``: import, 1-epoch training, forecast
   and advice through the views; CLI inspect, a 1-epoch forecast, ...); ``--startup-runs N``
   also times N more ``--self-test`` launches (median);
4. Linux: packs ``dist/SkuCast-<version>-linux-<arch>.tar.gz``;
   ``--installer``: Windows runs Inno Setup (``windows/skucast.iss``), macOS runs
   ``macos/build_dmg.sh`` (signing only where the identities are set);
5. writes every figure to ``dist/build-report.json`` (the bundle's self-test report to
   ``dist/self-test/``) and removes PyInstaller's work
   folder (``--keep-work`` keeps it for a faster rebuild).

Exit status: 0 when the build and every smoke test passed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import bundle_config as cfg  # noqa: E402
import smoke  # noqa: E402

SPEC = HERE / "skucast.spec"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python packaging/build.py",
        description="Build the SkuCast one-folder bundle with PyInstaller, measure and smoke-test it.",
    )
    parser.add_argument(
        "--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller work folder (default build/pyinstaller/)")  # fmt: skip
    parser.add_argument(
        "--clean", action="store_true", help="ignore PyInstaller's cache (full rebuild)"
    )
    parser.add_argument("--keep-work", action="store_true", help="keep the work folder afterwards")
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke tests")
    parser.add_argument("--only", help=f"run only these smoke tests: {','.join(smoke.CHECK_NAMES)}")
    parser.add_argument("--startup-runs", type=int, default=0,
                        help="more --self-test launches to time, about a minute each (median "
                             "reported; the smoke test's own launch is timed anyway)")  # fmt: skip
    parser.add_argument("--no-archive", action="store_true", help="Linux: skip the .tar.gz")
    parser.add_argument("--installer", action="store_true",
                        help="Windows: Inno Setup installer; macOS: signed .dmg (see docs/PACKAGING.md)")  # fmt: skip
    parser.add_argument(
        "--skip-build", action="store_true", help="measure and test an existing bundle"
    )
    return parser.parse_args(argv)


def disk_usage(path: Path) -> dict:
    """Bytes of the files under ``path`` (symlinks not followed) and blocks on disk."""
    apparent = allocated = files = 0
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))
            files += 1
            apparent += st.st_size
            allocated += getattr(st, "st_blocks", 0) * 512 or st.st_size
    return {"files": files, "bytes": apparent, "bytes_on_disk": allocated}


def largest_files(path: Path, count: int = 15) -> list[tuple[str, int]]:
    sizes = []
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            full = os.path.join(dirpath, name)
            if not os.path.islink(full):
                sizes.append((os.path.relpath(full, path), os.path.getsize(full)))
    return sorted(sizes, key=lambda item: -item[1])[:count]


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def run_pyinstaller(args) -> float:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit('PyInstaller is missing: pip install -e ".[packaging]"  (pyinstaller>=6.10)')
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
           "--distpath", str(args.dist), "--workpath", str(args.work)]  # fmt: skip
    if args.clean:
        cmd.append("--clean")
    print("+ " + " ".join(cmd), flush=True)
    # PyInstaller's binary cache (stripped copies: ~1 GB) lives in the work folder, not in
    # ~/.cache, so removing the work folder leaves nothing behind
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(args.work / "cache"))
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, env=env)
    return time.perf_counter() - start


def make_tarball(bundle: Path, dist: Path, version: str) -> Path:
    """``SkuCast-<version>-linux-<arch>.tar.gz`` holding the ``SkuCast/`` folder (symlinks kept)."""
    target = dist / f"{cfg.APP_NAME}-{version}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=cfg.APP_NAME)
    return target


def iscc_command(bundle: Path, version: str, work: Path, environ=None) -> list[str]:
    """The Inno Setup compiler call; signs setup and uninstaller when ``SKUCAST_SIGNTOOL_ARGS``
    holds signtool's arguments (e.g. ``sign /fd sha256 /tr URL /td sha256 /sha1 THUMBPRINT``)."""
    environ = os.environ if environ is None else environ
    iscc = shutil.which("iscc") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    cmd = [iscc, f"/DAppVersion={version}", f"/DSourceDir={bundle}", f"/DOutputDir={bundle.parent}"]
    icon = work / "icons" / "skucast.ico"
    if icon.is_file():
        cmd.append(f"/DIconFile={icon}")
    sign_args = environ.get("SKUCAST_SIGNTOOL_ARGS", "").strip()
    if sign_args:
        cmd += ["/DSign=1", f"/Ssigntool=signtool.exe {sign_args} $f"]
    return [*cmd, str(HERE / "windows" / "skucast.iss")]


def sign_windows_exes(bundle: Path) -> None:
    sign_args = os.environ.get("SKUCAST_SIGNTOOL_ARGS", "").strip()
    if not sign_args:
        print("SKUCAST_SIGNTOOL_ARGS not set: executables and installer left unsigned")
        return
    exes = [
        str(p)
        for p in (bundle / f"{cfg.APP_NAME}.exe", bundle / f"{cfg.CLI_NAME}.exe")
        if p.is_file()
    ]
    # one command string: on Windows it reaches signtool as written (quoted paths included)
    subprocess.run(f"signtool.exe {sign_args} " + " ".join(f'"{exe}"' for exe in exes), check=True)


def make_installer(bundle: Path, version: str, work: Path) -> Path | None:
    if sys.platform.startswith("win"):
        sign_windows_exes(bundle)
        subprocess.run(iscc_command(bundle, version, work), check=True)
        return bundle.parent / f"{cfg.APP_NAME}-{version}-setup.exe"
    if sys.platform == "darwin":
        subprocess.run(["bash", str(HERE / "macos" / "build_dmg.sh"), str(bundle)], check=True)
        return bundle.parent / f"{cfg.APP_NAME}-{version}.dmg"
    return None


def main(argv=None) -> int:
    args = parse_args(argv)
    args.dist, args.work = args.dist.resolve(), args.work.resolve()
    version = cfg.read_version(ROOT)
    report: dict = {
        "version": version,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    if not args.skip_build:
        report["build_seconds"] = round(run_pyinstaller(args), 1)
        print(f"built in {report['build_seconds']:.0f} s")
    folder = args.dist / cfg.APP_NAME
    bundle = args.dist / f"{cfg.APP_NAME}.app" if sys.platform == "darwin" else folder
    if not bundle.is_dir():
        print(f"no bundle at {bundle}", file=sys.stderr)
        return 1
    report["bundle"] = str(bundle)
    report["size"] = disk_usage(bundle)
    report["largest_files"] = largest_files(bundle)
    print(f"bundle {bundle}: {report['size']['files']} files, {mib(report['size']['bytes'])} "
          f"({mib(report['size']['bytes_on_disk'])} on disk)")  # fmt: skip
    ok = True
    if not args.no_smoke:
        names = [n for n in args.only.split(",") if n] if args.only else None
        print("smoke tests:", flush=True)
        report["smoke"] = smoke.run_checks(bundle, names, keep=args.dist / "self-test")
        ok = all(r["ok"] for r in report["smoke"])
        for r in report["smoke"]:
            r.pop("tail") if r["ok"] else None
    if ok and args.startup_runs > 0:
        launches = smoke.time_self_test(bundle, args.startup_runs)
        times = [launch["seconds"] for launch in launches if launch["ok"]]
        failed = [launch for launch in launches if launch["rc"] != 0 or not launch["ok"]]
        report["self_test_launches"] = launches
        if times:
            report["self_test_median_seconds"] = statistics.median(times)
            print(f"--self-test launch to exit: median {statistics.median(times):.2f} s of {times}")
        if failed:  # reported, not fatal: the smoke test above already passed once
            print(
                f"WARNING: {len(failed)} of {len(launches)} timed --self-test launches failed: {failed}"
            )
    if ok and sys.platform.startswith("linux") and not args.no_archive:
        start = time.perf_counter()
        tarball = make_tarball(bundle, args.dist, version)
        report["tarball"] = {"path": str(tarball), "bytes": tarball.stat().st_size,
                             "seconds": round(time.perf_counter() - start, 1)}  # fmt: skip
        print(f"tarball {tarball}: {mib(tarball.stat().st_size)}")
    if ok and args.installer:
        installer = make_installer(bundle, version, args.work)
        if installer and installer.is_file():
            report["installer"] = {"path": str(installer), "bytes": installer.stat().st_size}
            print(f"installer {installer}: {mib(installer.stat().st_size)}")
    (args.dist / "build-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if not args.keep_work and args.work.is_dir():
        shutil.rmtree(args.work)
    print(("OK" if ok else "SMOKE TESTS FAILED") + f"; report: {args.dist / 'build-report.json'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
