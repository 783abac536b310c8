"""What goes into the SkuCast bundle, shared by ``skucast.spec``, ``build.py`` and the tests.

Plain Python with no PyInstaller import, so ``tests/test_packaging.py`` can check the
choices without building. Every exclusion here was measured on a real Linux build (see
docs/PACKAGING.md); each entry says why it is safe to leave out.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The windowed app (and, on Linux/macOS, the command line too).
APP_NAME = "SkuCast"
#: Windows only: a console executable beside ``SkuCast.exe`` so the CLI prints to the
#: terminal (a windowed exe has no stdout). Not ``skucast``: it would clash with
#: ``SkuCast`` on case-insensitive file systems.
CLI_NAME = "skucast-cli"
BUNDLE_ID = "com.skucast.desktop"
PROJECT_SUFFIX = ".skucast"
#: The folder beside the executable holding everything else (PyInstaller >= 6 default).
CONTENTS_DIR = "_internal"

#: Modules the app never imports; measured with a module trace of the GUI self-test and of
#: every CLI command (inspect, forecast, backtest, tune, lifecycle, recommend).
EXCLUDED_MODULES = [
    # Tk and development tools from the standard library
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "ensurepip", "venv",
    # test runners (the venv has them for the test suite)
    "pytest", "_pytest", "pytestqt", "pluggy", "iniconfig", "py",
    # TensorFlow extras the Keras-only code never touches
    "tensorboard", "tensorboard_data_server", "tensorboard_plugin_wit", "tensorflow_estimator",
    "tensorflow.compiler.mlir.stablehlo",  # 25 MB extension, loaded only by tf.mlir users
    "clang", "libclang",  # a TF build dependency (80 MB), never imported
    "grpc",  # only TF's distributed runtime imports it
    "keras.src.testing",  # keras' own test helpers (import pytest)
    # other Keras backends: SkuCast ships the TensorFlow backend only
    "jax", "jaxlib", "flax", "torch", "torchvision", "openvino",
    # optuna's database storage (SkuCast studies live in memory)
    "sqlalchemy", "alembic", "mako", "yaml", "_yaml",
    # fugue's distributed engines, pulled in only by name from statsforecast
    "fugue_sql", "fugue_sql_antlr", "fugue_dask", "fugue_duckdb", "fugue_ibis",
    "fugue_notebook", "fugue_polars", "fugue_ray", "fugue_spark", "fugue_test",
    "fugue_contrib", "dask", "duckdb", "ibis", "polars", "ray", "pyspark",
    # pyarrow: statsforecast -> fugue -> triad imports pyarrow (core, compute, json, ipc),
    # so pyarrow stays; its network file systems, Flight RPC and tests go.
    "pyarrow.tests", "pyarrow._pyarrow_cpp_tests", "pyarrow.flight", "pyarrow._flight",
    "pyarrow.cuda", "pyarrow._cuda", "pyarrow.gandiva", "pyarrow._s3fs", "pyarrow._gcsfs",
    "pyarrow._azurefs", "pyarrow._hdfs", "pyarrow.orc", "pyarrow._orc",
    "pyarrow._dataset_orc", "pyarrow._parquet_encryption",
    "pyarrow._dataset_parquet_encryption", "pyarrow.parquet.encryption",
    # notebooks and plotting the app does not use
    "IPython", "ipykernel", "jupyter_client", "notebook", "matplotlib",
    # other Qt bindings
    "PyQt5", "PyQt6", "PySide2",
    # packaging tools
    "setuptools", "pkg_resources", "distutils", "PyInstaller", "pip", "wheel",
]  # fmt: skip

#: Collected files (binaries and data, by their destination path in the bundle) left
#: out after analysis. Each one is loaded only by an excluded module above, or never.
DROPPED_FILES = [
    # pyarrow: leaf libraries of Flight and S3 (checked with readelf: nothing kept needs them)
    "pyarrow/*arrow_flight*", "pyarrow/*arrow_s3*", "pyarrow/*arrow_python_flight*",
    "pyarrow/*arrow_python_parquet_encryption*", "pyarrow/include/*", "pyarrow/tests/*",
    # the wheel ships libarrow_python three times; extensions link its soname (.so.2600)
    "pyarrow/libarrow_python.so", "pyarrow/libarrow_python.so.*.*",
    # TensorFlow: an orphan op library (gen_xla_ops' kernels live in libtensorflow_cc) and
    # the stablehlo bindings excluded above
    "tensorflow/compiler/tf2xla/ops/_xla_ops.*", "tensorflow/compiler/mlir/stablehlo/*",
    "tensorflow/include/*",
    # Qt's own translations: keep Chinese (and English), SkuCast's two languages
    "PySide6/Qt/translations/*",
]  # fmt: skip
KEPT_FILES = ["PySide6/Qt/translations/*_zh_CN.qm", "PySide6/Qt/translations/*_en.qm"]

#: Loaded by name at run time, invisible to PyInstaller's import analysis.
HIDDEN_IMPORT_PACKAGES = [
    "holidays.countries",  # holidays.China etc. resolve through holidays.registry
    "holidays.financial",
]


def lazy_imports(root: Path = ROOT) -> list[str]:
    """The modules SkuCast imports by name through ``core.lazy.load``, which PyInstaller's
    import analysis cannot see: ``HEAVY_LIBRARIES`` and ``HEAVY_MODULES`` of core/lazy.py
    and ``DEFERRED`` of ui/app.py, read without importing either."""
    names: list[str] = []
    for path, wanted in ((root / "core" / "lazy.py", ("HEAVY_LIBRARIES", "HEAVY_MODULES")),
                         (root / "ui" / "app.py", ("DEFERRED",))):  # fmt: skip
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = [getattr(t, "id", "") for t in getattr(node, "targets", [])]
            if isinstance(node, ast.Assign) and set(targets) & set(wanted):
                names += list(ast.literal_eval(node.value))
    return names


def read_version(root: Path = ROOT) -> str:
    """The app version, ``core.__version__``, read without importing ``core``."""
    text = (root / "core" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if not match:
        raise ValueError("core/__init__.py has no __version__")
    return match.group(1)


def windows_version_tuple(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` -> ``(0, 1, 0, 0)`` for the Windows version resource (numbers only)."""
    numbers = [int(part) for part in re.findall(r"\d+", version)[:4]]
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """``resources/`` in the bundle under the same name (see ``core/resources.py``)."""
    return [(str(root / "resources"), "resources")]


def _posix(dest: str) -> str:
    return dest.replace("\\", "/")


def keep_file(dest: str) -> bool:
    """False for a collected file that :data:`DROPPED_FILES` leaves out."""
    dest = _posix(dest)
    if any(fnmatch.fnmatch(dest, pattern) for pattern in KEPT_FILES):
        return True
    return not any(fnmatch.fnmatch(dest, pattern) for pattern in DROPPED_FILES)


def filter_toc(toc):
    """The TOC entries (``(dest, src, typecode)``) that :func:`keep_file` keeps."""
    return [entry for entry in toc if keep_file(entry[0])]


#: Linux: libraries whose symbol tables are stripped (``strip --strip-unneeded``) before
#: they are collected. Measured savings: libtensorflow_cc 195 MiB, the rest of TensorFlow
#: 27 MiB, pyarrow 16 MiB, libpython 17 MiB. Only these: PyInstaller's global ``strip``
#: broke numpy's auditwheel-patched OpenBLAS ("ELF load command address/offset not
#: page-aligned"); Qt's libraries are already stripped. Windows DLLs carry no symbols, and
#: on macOS stripping would invalidate the wheels' signatures.
STRIPPED_FILES = [
    "tensorflow/*.so*",
    "pyarrow/libarrow*.so.*",
    "pyarrow/libparquet.so.*",
    "libpython3*.so*",
]


def strip_toc(toc, cache_dir: Path, platform: str | None = None, strip_tool: str | None = None):
    """Replace the sources of :data:`STRIPPED_FILES` in ``toc`` with stripped copies.

    The copies are kept in ``cache_dir`` and redone only when their source changes. A
    no-op off Linux or without a ``strip`` tool.
    """
    import os
    import shutil
    import subprocess

    strip_tool = strip_tool or shutil.which("strip")
    if not (platform or sys.platform).startswith("linux") or not strip_tool:
        return list(toc)
    result = []
    for dest, src, typecode in toc:
        wanted = typecode in ("BINARY", "EXTENSION")
        if wanted and any(fnmatch.fnmatch(_posix(dest), pattern) for pattern in STRIPPED_FILES):
            target = Path(cache_dir) / dest
            stamp = target.with_name(target.name + ".source")
            info = os.stat(src)
            key = f"{src}|{info.st_size}|{info.st_mtime_ns}"
            if not (target.is_file() and stamp.is_file() and stamp.read_text() == key):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target)
                subprocess.run([strip_tool, "--strip-unneeded", str(target)], check=True)
                stamp.write_text(key)
            src = str(target)
        result.append((dest, src, typecode))
    return result


def build_cli_exe(platform: str | None = None) -> bool:
    """Whether to build :data:`CLI_NAME` beside the app.

    Windows only by default (a GUI-subsystem exe cannot print to the console); set
    ``SKUCAST_CLI_EXE=1`` (or ``0``) to force it on another platform, e.g. to test it.
    """
    import os

    forced = os.environ.get("SKUCAST_CLI_EXE")
    if forced is not None:
        return forced.strip() not in ("", "0", "false", "no")
    return (platform or sys.platform).startswith("win")


def info_plist(version: str) -> dict:
    """macOS ``Info.plist`` additions: version, Retina, and the ``.skucast`` document type."""
    uti = f"{BUNDLE_ID}.project"
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSMinimumSystemVersion": "12.0",
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "SkuCast project",
                "CFBundleTypeRole": "Editor",
                "LSHandlerRank": "Owner",
                "LSItemContentTypes": [uti],
            }
        ],
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": uti,
                "UTTypeDescription": "SkuCast project",
                "UTTypeConformsTo": ["public.data", "public.zip-archive"],
                "UTTypeTagSpecification": {"public.filename-extension": [PROJECT_SUFFIX[1:]]},
            }
        ],
    }


def windows_version_info(version: str):
    """The Windows version resource of the executables (needs PyInstaller)."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = windows_version_tuple(version)
    strings = {
        "CompanyName": "SkuCast",
        "FileDescription": "SkuCast sales forecasting",
        "FileVersion": version,
        "ProductName": APP_NAME,
        "ProductVersion": version,
        "OriginalFilename": f"{APP_NAME}.exe",
        "LegalCopyright": "SkuCast team",
    }
    table = vi.StringTable("040904B0", [vi.StringStruct(k, v) for k, v in strings.items()])
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            vi.StringFileInfo([table]),
            vi.VarFileInfo([vi.VarStruct("Translation", [0x0409, 1200])]),
        ],
    )
