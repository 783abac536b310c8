"""Regression test for the PySide6 6.12.0 / Python 3.11 crash (``none_dealloc``).

PySide6 6.12.0's abi3 binary drops a reference from ``None`` on every void Qt
call under Python 3.11; a plot updated a few thousand times then aborts the
interpreter. SkuCast pins PySide6 < 6.12 on Python < 3.12 (pyproject.toml).
The hammering runs in a subprocess so that a crash fails this test instead of
killing the test session.
"""

import subprocess
import sys
import textwrap

from PySide6 import __version__ as pyside_version

SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    plot = pg.PlotWidget()
    curve = plot.plot()
    plot.show()
    x = np.arange(200.0)
    before = sys.getrefcount(None)
    for i in range(3000):
        curve.setData(x, np.sin(x / 10 + i))
        app.processEvents()
    after = sys.getrefcount(None)
    print(before, after)
    """
)


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:2])


def test_installed_pyside_is_safe_for_this_python():
    if sys.version_info < (3, 12):
        assert _version_tuple(pyside_version) < (6, 12), (
            f"PySide6 {pyside_version} crashes Python {sys.version.split()[0]}; "
            "the pyproject marker should have pinned < 6.12"
        )


def test_plot_updates_keep_none_refcount():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    before, after = (int(v) for v in proc.stdout.split()[-2:])
    # On 3.11 the refcount of None is mutable; a leak of one per call would drop ~3000+.
    assert after >= before - 100, (before, after)
