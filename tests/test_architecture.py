"""The house rules of docs/ARCHITECTURE.md, checked on the source itself.

* the import-linter contracts of pyproject.toml hold (layers that only look down, core
  never imports the window or Qt, the window never imports the CLI, no import circles),
  and they fail when a layer is crossed;
* SkuCast's imports sit at the top of files: no import statement inside a function in
  core/ or ui/; the only deferred imports go through :func:`core.lazy.load`, with names
  from its lists (or the window's ``DEFERRED``);
* importing core does not load Keras, TensorFlow, statsforecast, optuna or openpyxl;
* callers outside a package import from its public face, and every face resolves;
* no module is much over 400 lines.
"""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core import lazy

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py")])
PACKAGES = ("core.data", "core.forecast", "core.forecast.models", "core.lifecycle",
            "core.recommend", "core.analysis", "core.cli", "core.sample")  # fmt: skip
#: Lines a module may have: the style guide's ~400, with a little slack.
MAX_LINES = 420
LINT = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _lint(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the tree at ``root`` (its pyproject.toml, its packages)."""
    return subprocess.run([sys.executable, "-c", LINT, "pyproject.toml", "--no-cache"],
                          cwd=root, capture_output=True, text=True, timeout=600)  # fmt: skip


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_import_contracts_hold():
    proc = _lint(ROOT)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "4 kept, 0 broken" in proc.stdout


def test_a_crossed_layer_or_a_qt_import_in_core_breaks_the_contracts(tmp_path):
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("core", "ui"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "core" / "data" / "upward.py").write_text("from core.cli import main\n")
    (tmp_path / "core" / "recommend" / "window.py").write_text("import PySide6.QtCore\n")
    proc = _lint(tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:]
    text = " ".join(proc.stdout.split())  # the report wraps long contract names
    assert "> data > floor BROKEN" in text
    assert "core never imports the window, Qt or pyqtgraph BROKEN" in text
    assert "core.data.upward -> core.cli" in proc.stdout
    assert "core.recommend.window -> PySide6" in proc.stdout


def _function_imports(tree: ast.Module) -> list[ast.stmt]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
    return found


def test_imports_sit_at_the_top_of_files():
    offenders = [
        f"{_rel(path)}:{node.lineno}"
        for path in SOURCES
        if path != ROOT / "core" / "lazy.py"
        for node in _function_imports(_tree(path))
    ]
    assert offenders == [], "import inside a function (use core.lazy.load for heavy ones)"


def _window_deferred() -> tuple[str, ...]:
    """``DEFERRED`` of ui/app.py, read without importing Qt."""
    for node in _tree(ROOT / "ui" / "app.py").body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "DEFERRED" for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    return ()


def _lazy_calls(tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "load"
        and getattr(node.func.value, "id", "") == "lazy"
    ]


def test_deferred_imports_name_only_listed_modules():
    allowed = set(lazy.HEAVY_MODULES) | set(_window_deferred())
    calls, offenders = 0, []
    for path in SOURCES:
        for call in _lazy_calls(_tree(path)):
            calls += 1
            arg = call.args[0] if call.args else None
            name = arg.value if isinstance(arg, ast.Constant) else None
            if not isinstance(name, str) or (
                name not in allowed and name.split(".")[0] not in lazy.HEAVY_LIBRARIES
            ):
                offenders.append(f"{_rel(path)}:{call.lineno}: {ast.unparse(call)}")
    assert offenders == []
    assert calls >= 4  # Keras, the network module, the baselines, optuna at least


def test_importing_core_loads_no_heavy_library():
    code = (
        "import importlib, pkgutil, sys, core\n"
        "from core import lazy\n"
        "for m in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    if m.name not in lazy.HEAVY_MODULES:\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & set(lazy.HEAVY_LIBRARIES)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def _package_of(rel: str) -> str:
    return rel.rsplit("/", 1)[0].replace("/", ".")


def test_callers_outside_a_package_use_its_public_face():
    offenders = []
    for path in SOURCES:
        rel = _rel(path)
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if node.module in lazy.HEAVY_MODULES:
                continue
            for package in PACKAGES:
                inside = rel.startswith(package.replace(".", "/") + "/")
                deeper = node.module.startswith(package + ".")
                nested = any(
                    node.module.startswith(p + ".") and p.startswith(package + ".")
                    for p in PACKAGES
                )
                if deeper and not inside and not nested:
                    offenders.append(f"{rel}:{node.lineno}: from {node.module}")
    assert offenders == [], "import from the package itself (its __init__), not its modules"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_face_resolves(package):
    face = importlib.import_module(package)
    assert face.__doc__ and face.__all__
    missing = [name for name in face.__all__ if not hasattr(face, name)]
    assert missing == []
    assert len(set(face.__all__)) == len(face.__all__)


def test_no_module_is_much_over_400_lines():
    long = {_rel(p): n for p in SOURCES if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}
