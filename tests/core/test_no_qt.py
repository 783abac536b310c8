"""core/ must stay free of Qt and of the ui package: it runs headless through the CLI."""

import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"

BLOCKER = """
import importlib.abc, importlib.util, pkgutil, sys
sys.path.insert(0, {root!r})
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'ui'):
            raise ImportError('blocked: ' + name)
        return None
sys.meta_path.insert(0, Block())
import core
names = [m.name for m in pkgutil.walk_packages(core.__path__, 'core.')]
for name in names:
    importlib.import_module(name)
print(' '.join(names))
"""


def test_every_core_module_imports_without_qt():
    code = BLOCKER.format(root=str(CORE.parent))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    walked = set(proc.stdout.split())
    packages = {"core.data", "core.forecast", "core.forecast.models", "core.lifecycle",
                "core.recommend", "core.analysis", "core.cli", "core.sample"}  # fmt: skip
    assert packages <= walked
    assert len(walked) >= 60


def test_no_qt_import_statements_in_core():
    offenders = []
    for path in CORE.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and any(
                stripped.split()[1].split(".")[0] == mod for mod in ("PySide6", "pyqtgraph", "ui")
            ):
                offenders.append(f"{path.name}:{n}: {stripped}")
    assert offenders == []
