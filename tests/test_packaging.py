"""Packaging: the spec, installers and runtime hook, checked without building anything.

The spec is executed against stand-in PyInstaller classes (no PyInstaller needed), once
per platform, so its Windows and macOS branches are exercised on Linux too. The one test
that needs a real bundle runs only when ``SKUCAST_TEST_BUNDLE`` points at one
(``python packaging/build.py`` makes ``dist/SkuCast``).
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_config as cfg  # noqa: E402
import smoke  # noqa: E402

import core  # noqa: E402
from core import lazy  # noqa: E402

HOOK_PATH = PACKAGING / "rthooks" / "pyi_rth_skucast.py"
RELEASE_WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _load_hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("pyi_rth_skucast", HOOK_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not frozen: defines functions, changes nothing
    return module


# --- version and bundle contents -------------------------------------------------------


def test_version_matches_core_and_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert cfg.read_version(ROOT) == core.__version__ == pyproject["project"]["version"]
    assert cfg.windows_version_tuple("0.1.0") == (0, 1, 0, 0)
    assert cfg.windows_version_tuple("1.2.3rc4") == (1, 2, 3, 4)


def test_modules_loaded_by_name_reach_the_bundle():
    # core.lazy.load imports by name, which PyInstaller's analysis cannot follow
    names = cfg.lazy_imports(ROOT)
    assert set(lazy.HEAVY_LIBRARIES) | set(lazy.HEAVY_MODULES) <= set(names)
    assert "core.forecast.models.baselines" in names and "keras" in names
    spec = (PACKAGING / "skucast.spec").read_text(encoding="utf-8")
    assert "hiddenimports = cfg.lazy_imports(ROOT)" in spec


def test_resources_are_bundled_under_their_own_name():
    assert cfg.data_files(ROOT) == [(str(ROOT / "resources"), "resources")]
    assert (ROOT / "resources" / "sample" / "sample_shop.csv").is_file()
    assert list((ROOT / "resources" / "i18n").glob("*.qm"))


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("pyarrow/libarrow.so.2600", True),
        ("pyarrow/libarrow_compute.so.2600", True),
        ("pyarrow/libarrow_flight.so.2600", False),
        ("pyarrow/libarrow_s3.so.2600", False),
        ("pyarrow/libarrow_python.so.2600", True),  # the soname extensions link
        ("pyarrow/libarrow_python.so", False),
        ("pyarrow/libarrow_python.so.2600.1.0", False),
        ("pyarrow\\arrow_flight.dll", False),
        ("tensorflow/compiler/tf2xla/ops/_xla_ops.so", False),
        ("tensorflow/libtensorflow_cc.so.2", True),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("resources/sample/sample_shop.csv", True),
    ],
)
def test_dropped_files(dest, kept):
    assert cfg.keep_file(dest) is kept
    assert cfg.filter_toc([(dest, "/src", "BINARY")]) == (
        [(dest, "/src", "BINARY")] if kept else []
    )


def test_excludes_leave_what_the_app_imports():
    excluded = set(cfg.EXCLUDED_MODULES)
    assert {"tensorboard", "tkinter", "keras.src.testing", "pytest"} <= excluded
    # statsforecast -> fugue -> triad imports pyarrow; Keras needs TF; the app needs these
    for needed in ("pyarrow", "pyarrow.compute", "tensorflow", "keras", "scipy", "optuna",
                   "statsforecast", "holidays", "openpyxl", "pyqtgraph", "PySide6", "numba"):  # fmt: skip
        assert needed not in excluded


# --- the spec, run against stand-in PyInstaller objects ---------------------------------


class _Target:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


class _Analysis(_Target):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.binaries = [
            ("pyarrow/libarrow_flight.so.2600", "/x", "BINARY"),
            ("pyarrow/libarrow.so.2600", "/y", "BINARY"),
        ]
        self.datas = [("PySide6/Qt/translations/qt_fr.qm", "/z", "DATA")]
        self.pure, self.scripts = [], []


def run_spec(monkeypatch, tmp_path, platform: str) -> dict:
    """Execute skucast.spec as PyInstaller would on ``platform``; return its namespace."""
    compat = types.ModuleType("PyInstaller.compat")
    compat.is_win, compat.is_darwin = platform == "win32", platform == "darwin"
    compat.is_linux = platform == "linux"
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, **_: [f"{package}.stub"]
    hooks.collect_data_files = lambda package, **_: [
        (f"/site/{package}/locale", f"{package}/locale")
    ]
    for name, module in {"PyInstaller": types.ModuleType("PyInstaller"), "PyInstaller.compat": compat,
                         "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
                         "PyInstaller.utils.hooks": hooks}.items():  # fmt: skip
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(cfg, "windows_version_info", lambda version: ("version-info", version))
    stripped = []
    monkeypatch.setattr(cfg, "strip_toc", lambda toc, cache: stripped.append(cache) or list(toc))
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv("SKUCAST_CLI_EXE", raising=False)
    icons = tmp_path / "icons"
    icons.mkdir()
    for name in ("skucast.ico", "skucast.icns"):
        (icons / name).write_bytes(b"icon")
    made: dict[str, list] = {
        "EXE": [],
        "COLLECT": [],
        "BUNDLE": [],
        "Analysis": [],
        "strip": stripped,
    }

    def recorder(kind, cls=_Target):
        def make(*args, **kwargs):
            obj = cls(*args, **kwargs)
            made[kind].append(obj)
            return obj

        return make

    namespace = {"SPECPATH": str(PACKAGING), "workpath": str(tmp_path), "__file__": str(PACKAGING / "skucast.spec"),
                 "Analysis": recorder("Analysis", _Analysis), "PYZ": _Target, "EXE": recorder("EXE"),
                 "COLLECT": recorder("COLLECT"), "BUNDLE": recorder("BUNDLE")}  # fmt: skip
    code = compile((PACKAGING / "skucast.spec").read_text(encoding="utf-8"), "skucast.spec", "exec")
    exec(code, namespace)  # noqa: S102 - our own spec
    return made


def test_spec_linux_one_folder_with_resources_and_hook(monkeypatch, tmp_path):
    made = run_spec(monkeypatch, tmp_path, "linux")
    (analysis,) = made["Analysis"]
    kw = analysis.kwargs
    assert analysis.args[0] == [str(ROOT / "main.py")]
    assert (str(ROOT / "resources"), "resources") in kw["datas"]
    assert ("/site/holidays/locale", "holidays/locale") in kw["datas"]
    assert "holidays.countries.stub" in kw["hiddenimports"]
    assert kw["runtime_hooks"] == [str(HOOK_PATH)]
    assert kw["excludes"] == cfg.EXCLUDED_MODULES
    # the filters ran on what analysis collected
    assert [b[0] for b in analysis.binaries] == ["pyarrow/libarrow.so.2600"]
    assert analysis.datas == []
    (exe,) = made["EXE"]
    assert exe.kwargs["exclude_binaries"] is True  # one-folder: binaries go to COLLECT
    assert exe.kwargs["name"] == "SkuCast" and exe.kwargs["console"] is True
    assert exe.kwargs["upx"] is False and exe.kwargs["contents_directory"] == "_internal"
    (coll,) = made["COLLECT"]
    assert coll.kwargs["name"] == "SkuCast"
    # PyInstaller's own strip breaks auditwheel-patched libraries: cfg.strip_toc instead
    assert exe.kwargs["strip"] is False and coll.kwargs["strip"] is False
    assert made["strip"] == [tmp_path / "stripped"]
    assert not made["BUNDLE"]


def test_spec_windows_windowed_app_plus_console_cli(monkeypatch, tmp_path):
    made = run_spec(monkeypatch, tmp_path, "win32")
    exes = {exe.kwargs["name"]: exe.kwargs for exe in made["EXE"]}
    assert set(exes) == {"SkuCast", "skucast-cli"}
    assert exes["SkuCast"]["console"] is False and exes["skucast-cli"]["console"] is True
    assert exes["SkuCast"]["icon"].endswith("skucast.ico")
    assert exes["SkuCast"]["version"] == ("version-info", core.__version__)
    assert len(made["COLLECT"][0].args) == 4  # both exes, binaries, datas in one folder


def test_spec_macos_app_bundle_with_document_type(monkeypatch, tmp_path):
    made = run_spec(monkeypatch, tmp_path, "darwin")
    (exe,) = made["EXE"]
    assert exe.kwargs["console"] is False and exe.kwargs["argv_emulation"] is False
    (bundle,) = made["BUNDLE"]
    assert bundle.kwargs["name"] == "SkuCast.app"
    assert bundle.kwargs["icon"].endswith("skucast.icns")
    assert bundle.kwargs["version"] == core.__version__
    plist = bundle.kwargs["info_plist"]
    assert plist["CFBundleShortVersionString"] == core.__version__
    (declared,) = plist["UTExportedTypeDeclarations"]
    assert declared["UTTypeTagSpecification"]["public.filename-extension"] == ["skucast"]
    assert plist["CFBundleDocumentTypes"][0]["LSItemContentTypes"] == [declared["UTTypeIdentifier"]]
    plistlib.dumps(plist)  # serialisable as an Info.plist


def test_strip_toc_strips_chosen_libraries_once(tmp_path):
    tool = tmp_path / "fake-strip"
    calls = tmp_path / "calls"
    tool.write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\nprintf stripped > "$2"\n')
    tool.chmod(0o755)
    sources = {}
    for dest in (
        "tensorflow/libtensorflow_cc.so.2",
        "numpy.libs/libscipy_openblas64_.so",
        "libpython3.11.so.1.0",
    ):
        sources[dest] = tmp_path / "src" / dest
        sources[dest].parent.mkdir(parents=True, exist_ok=True)
        sources[dest].write_text("original with symbols")
    toc = [(dest, str(src), "BINARY") for dest, src in sources.items()]
    cache = tmp_path / "cache"
    out = cfg.strip_toc(toc, cache, platform="linux", strip_tool=str(tool))
    assert [entry[1] for entry in out] == [
        str(cache / "tensorflow/libtensorflow_cc.so.2"),
        str(sources["numpy.libs/libscipy_openblas64_.so"]),  # auditwheel-patched: untouched
        str(cache / "libpython3.11.so.1.0"),
    ]
    assert Path(out[0][1]).read_text() == "stripped"
    assert sources["tensorflow/libtensorflow_cc.so.2"].read_text() == "original with symbols"
    cfg.strip_toc(toc, cache, platform="linux", strip_tool=str(tool))  # cached: not redone
    assert len(calls.read_text().splitlines()) == 2
    assert cfg.strip_toc(toc, cache, platform="win32", strip_tool=str(tool)) == toc


def test_cli_exe_can_be_forced(monkeypatch):
    monkeypatch.setenv("SKUCAST_CLI_EXE", "1")
    assert cfg.build_cli_exe("linux")
    monkeypatch.setenv("SKUCAST_CLI_EXE", "0")
    assert not cfg.build_cli_exe("win32")
    monkeypatch.delenv("SKUCAST_CLI_EXE")
    assert cfg.build_cli_exe("win32") and not cfg.build_cli_exe("darwin")


# --- runtime hook -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "parts"),
    [("linux", (".cache",)), ("darwin", ("Library", "Caches")), ("win32", ("AppData", "Local"))],
)
def test_runtime_hook_sets_a_writable_numba_cache(tmp_path, platform, parts):
    hook = _load_hook()
    env: dict[str, str] = {"KERAS_BACKEND": "jax"}
    changed = hook.configure(env, platform=platform, home=tmp_path)
    cache = Path(env["NUMBA_CACHE_DIR"])
    assert cache == tmp_path.joinpath(*parts, "SkuCast", "numba")
    assert cache.is_dir() and os.access(cache, os.W_OK)
    assert env["KERAS_BACKEND"] == "tensorflow"  # only the TF backend is bundled
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "2"
    assert set(changed) == {"NUMBA_CACHE_DIR", "KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL"}


def test_runtime_hook_keeps_user_settings_and_falls_back(tmp_path):
    hook = _load_hook()
    env = {
        "NUMBA_CACHE_DIR": "/mine",
        "TF_CPP_MIN_LOG_LEVEL": "0",
        "LOCALAPPDATA": str(tmp_path / "a"),
    }
    hook.configure(env, platform="win32", home=tmp_path)
    assert env["NUMBA_CACHE_DIR"] == "/mine" and env["TF_CPP_MIN_LOG_LEVEL"] == "0"
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    env = {"XDG_CACHE_HOME": str(blocker)}  # the cache folder cannot be created
    hook.configure(env, platform="linux", home=tmp_path)
    assert Path(env["NUMBA_CACHE_DIR"]).is_dir()
    assert not Path(env["NUMBA_CACHE_DIR"]).is_relative_to(blocker)


def test_runtime_hook_gives_a_windowed_exe_a_log(monkeypatch, tmp_path):
    hook = _load_hook()
    assert hook.redirect_missing_streams(tmp_path) is None  # streams present: untouched
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    log = hook.redirect_missing_streams(tmp_path / "logs")
    print("progress 50%")
    sys.stderr.write("a warning\n")
    sys.stdout.flush()
    stream = sys.stdout
    monkeypatch.undo()
    stream.close()
    assert log.read_text(encoding="utf-8") == "progress 50%\na warning\n"


def test_runtime_hook_is_inert_from_source():
    before = dict(os.environ)
    _load_hook()
    assert dict(os.environ) == before


# --- Windows installer ------------------------------------------------------------------


def _iss() -> str:
    return (PACKAGING / "windows" / "skucast.iss").read_text(encoding="utf-8")


def _define(text: str, name: str) -> str:
    match = re.search(rf'#define {name} "([^"]*)"', text)
    assert match, f"{name} not defined"
    return match.group(1)


def test_inno_setup_names_the_exes_version_and_association():
    text = _iss()
    assert _define(text, "AppVersion") == core.__version__
    assert _define(text, "AppExeName") == f"{cfg.APP_NAME}.exe"
    assert _define(text, "CliExeName") == f"{cfg.CLI_NAME}.exe"
    assert _define(text, "ProjectExt") == cfg.PROJECT_SUFFIX
    assert _define(text, "SourceDir") == r"..\..\dist\SkuCast"
    assert "OutputBaseFilename={#AppName}-{#AppVersion}-setup" in text
    for line in ("Compression=lzma2/ultra64", "SolidCompression=yes", "PrivilegesRequired=lowest",
                 "ChangesAssociations=yes", "ArchitecturesInstallIn64BitMode=x64compatible"):  # fmt: skip
        assert re.search(rf"^{re.escape(line)}$", text, re.MULTILINE), line
    assert re.search(
        r'^Name: "\{autoprograms\}\\\{#AppName\}"; Filename: "\{app\}\\\{#AppExeName\}"', text, re.M
    )
    assert r'ValueData: """{app}\{#AppExeName}"" ""%1"""' in text  # open command
    assert "Software\\Classes\\{#ProjectExt}" in text and "[UninstallDelete]" in text


def test_inno_setup_preprocessor_blocks_balance():
    lines = [line.strip() for line in _iss().splitlines()]
    opened = sum(line.startswith(("#if ", "#ifdef", "#ifndef")) for line in lines)
    assert opened == sum(line == "#endif" for line in lines)
    sections = re.findall(r"^\[(\w+)\]$", _iss(), re.MULTILINE)
    assert sections[:2] == ["Setup", "Languages"] and "Registry" in sections and "Files" in sections


def test_iscc_command_signs_only_when_configured(tmp_path):
    import build

    bundle = tmp_path / "dist" / "SkuCast"
    cmd = build.iscc_command(bundle, "0.1.0", tmp_path, environ={})
    assert "/DAppVersion=0.1.0" in cmd and f"/DSourceDir={bundle}" in cmd
    assert not any(arg.startswith(("/DSign", "/S")) for arg in cmd)
    assert cmd[-1].endswith("skucast.iss")
    cmd = build.iscc_command(
        bundle, "0.1.0", tmp_path, environ={"SKUCAST_SIGNTOOL_ARGS": "sign /a"}
    )
    assert "/DSign=1" in cmd and "/Ssigntool=signtool.exe sign /a $f" in cmd


# --- macOS ------------------------------------------------------------------------------


def test_entitlements_are_minimal_and_valid():
    entitlements = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert entitlements == {
        "com.apple.security.cs.allow-jit": True,
        "com.apple.security.cs.allow-unsigned-executable-memory": True,
    }


def _fake_mac_tools(bin_dir: Path, log: Path) -> None:
    """Stand-ins for codesign, xcrun, hdiutil, ... that log their arguments."""
    tools = {
        "codesign": "",
        "xcrun": 'if [ "$1 $2" = "notarytool submit" ]; then echo \'{"id": "abc", "status": "Accepted"}\'; fi',
        "hdiutil": 'for a; do last="$a"; done; : > "$last"',
        "ditto": 'if [ "$1" = "-c" ]; then : > "${@: -1}"; else cp -R "$1" "$2"; fi',
        "spctl": "",
        "file": 'case "$2" in *.so|*.dylib|*/QtCore) echo "Mach-O 64-bit dynamically linked shared library";; '
        '*) echo "ASCII text";; esac',
        "plistbuddy": 'echo 0.1.0',
    }  # fmt: skip
    for name, body in tools.items():
        path = bin_dir / name
        path.write_text(f'#!/usr/bin/env bash\necho "{name} $*" >> "{log}"\n{body}\n')
        path.chmod(0o755)


def _fake_app(tmp_path: Path) -> Path:
    app = tmp_path / "dist" / "SkuCast.app"
    for rel in ("Contents/MacOS/SkuCast", "Contents/Frameworks/numpy/_core/x.so",
                "Contents/Frameworks/PySide6/Qt/lib/QtCore.framework/Versions/A/QtCore",
                "Contents/Frameworks/libpython3.11.dylib", "Contents/Resources/resources/guide/x.html",
                "Contents/Info.plist"):  # fmt: skip
        (app / rel).parent.mkdir(parents=True, exist_ok=True)
        (app / rel).write_text("x")
    return app


def _run_dmg_script(
    tmp_path: Path, env_extra: dict
) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    _fake_mac_tools(bin_dir, log)
    app = _fake_app(tmp_path)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "PLISTBUDDY": str(bin_dir / "plistbuddy"),
           "PYTHON": "true", "HOME": str(tmp_path), **env_extra}  # fmt: skip
    proc = subprocess.run(["bash", str(PACKAGING / "macos" / "build_dmg.sh"), str(app)],
                          capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    calls = log.read_text().splitlines() if log.exists() else []
    return proc, calls


needs_bash = pytest.mark.skipif(
    shutil.which("bash") is None or sys.platform == "win32", reason="needs bash"
)


@needs_bash
def test_dmg_script_without_identity_skips_signing(tmp_path):
    proc, calls = _run_dmg_script(tmp_path, {})
    assert proc.returncode == 0, proc.stderr
    assert "skipping code signing" in proc.stdout
    assert not [c for c in calls if c.startswith(("codesign", "xcrun"))]
    assert (tmp_path / "dist" / "SkuCast-0.1.0.dmg").exists()


@needs_bash
def test_dmg_script_signs_inside_out_then_notarizes_and_staples(tmp_path):
    proc, calls = _run_dmg_script(tmp_path, {"SKUCAST_MACOS_SIGN_IDENTITY": "Developer ID Application: T (X)",
                                             "SKUCAST_NOTARY_PROFILE": "skucast"})  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    signs = [c for c in calls if c.startswith("codesign --force")]
    targets = [c.rsplit(" ", 1)[1] for c in signs]
    app = str(tmp_path / "dist" / "SkuCast.app")
    assert all("--options runtime" in c for c in signs[:-1])  # the .dmg is signed without it
    assert targets.index(
        f"{app}/Contents/Frameworks/PySide6/Qt/lib/QtCore.framework/Versions/A/QtCore"
    ) < targets.index(f"{app}/Contents/Frameworks/PySide6/Qt/lib/QtCore.framework")
    assert f"{app}/Contents/Resources/resources/guide/x.html" not in targets  # not Mach-O
    exe_sign = signs[targets.index(f"{app}/Contents/MacOS/SkuCast")]
    assert "--entitlements" in exe_sign and "--deep" not in " ".join(signs)
    assert targets[-2:] == [app, str(tmp_path / "dist" / "SkuCast-0.1.0.dmg")]
    notary = [c for c in calls if c.startswith(("xcrun notarytool submit", "xcrun stapler"))]
    assert [c.split()[3].rsplit("/", 1)[-1] for c in notary] == [
        "SkuCast-0.1.0-app.zip", "SkuCast.app", "SkuCast-0.1.0.dmg", "SkuCast-0.1.0.dmg"]  # fmt: skip
    assert all("--keychain-profile skucast" in c for c in notary if "submit" in c)


# --- icons, build and smoke scripts -----------------------------------------------------


def test_icon_containers_hold_every_size():
    import make_icons

    pngs = {size: b"\x89PNG" + bytes([size % 256]) * 3 for size in make_icons.ICO_SIZES}
    ico = make_icons.ico_bytes(pngs)
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, len(pngs))
    width, _h, _c, _r, _p, _bpp, size, offset = struct.unpack("<BBBBHHII", ico[6:22])
    assert width == 16 and ico[offset : offset + size] == pngs[16]
    icns = make_icons.icns_bytes({128: b"a", 1024: b"bb"})
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic07" in icns and b"ic10" in icns


@pytest.mark.parametrize("script", ["build.py", "smoke.py", "make_icons.py"])
def test_scripts_help(script):
    proc = subprocess.run([sys.executable, str(PACKAGING / script), "--help"], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "usage" in proc.stdout.lower()


def test_build_outputs_are_git_ignored():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "build/" in ignored and "dist/" in ignored


# --- a real bundle ----------------------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("SKUCAST_TEST_BUNDLE"), reason="set SKUCAST_TEST_BUNDLE=dist/SkuCast"
)
def test_built_bundle_self_test_and_cli():
    bundle = Path(os.environ["SKUCAST_TEST_BUNDLE"])
    results = smoke.run_checks(bundle, ["self-test", "inspect"], log=lambda *_: None)
    assert [r["name"] for r in results] == ["self-test", "inspect"]
    for result in results:
        assert result["ok"], f"{result['name']}: {result['problem']}\n{result['tail']}"


def test_release_workflow_is_valid_yaml():
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(RELEASE_WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["tags"] == ["v*"]
    build, release = workflow["jobs"]["build"], workflow["jobs"]["release"]
    assert {entry["os"] for entry in build["strategy"]["matrix"]["include"]} == {
        "windows-latest",
        "macos-14",
    }
    runs = [step.get("run", "") for step in build["steps"]]
    assert "python packaging/build.py --installer" in runs  # builds and smoke-tests
    assert release["needs"] == "build" and release["permissions"] == {"contents": "write"}
    upload = next(
        step for step in build["steps"] if step.get("uses", "").startswith("actions/upload")
    )
    assert "dist/self-test/" in upload["with"]["path"].split()  # the bundle's self-test report
