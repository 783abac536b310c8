"""Benchmark: how long until the SkuCast window is visible, against a bare PySide6 window.

Each run is a fresh Python process (imports are part of start-up). A run measures from
process start (``time.perf_counter`` at the first line, plus interpreter start measured
from outside) until the window's first paint has been processed, offscreen. The goal
from the desktop-app issue: SkuCast within 1.5x of the bare window.

    python -m benchmarks.bench_startup [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
from PySide6.QtCore import QTimer
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800); w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""

_SKUCAST = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from ui.main_window import make_window
from ui.qapp import make_app
app = make_app([])
w = make_window("en", lazy=True); w.show()
if {ready}:
    QTimer.singleShot(0, w.finish_setup)
    QTimer.singleShot(0, lambda: QTimer.singleShot(0, app.quit))
else:
    QTimer.singleShot(0, app.quit)
app.exec()
assert "keras" not in sys.modules, "keras imported at start-up"
"""


def _time(code: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # compiled bytecode is cached, as in an installed app (pip writes .pyc files, the
    # bundle carries them); the warm-up run below writes SkuCast's
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    shown = _SKUCAST.format(root=str(ROOT), ready=False)
    ready = _SKUCAST.format(root=str(ROOT), ready=True)
    _time(_BARE), _time(ready)  # warm the file cache and write the bytecode
    runs = {"bare PySide6 QMainWindow": [], "SkuCast window painted": [],
            "SkuCast views ready": []}  # fmt: skip
    for _ in range(args.runs):  # interleaved, so machine load hits all alike
        for name, code in zip(runs, (_BARE, shown, ready), strict=True):
            runs[name].append(_time(code))
    print("| process start to | median s | min s | max s |\n|---|---|---|---|")
    for name, times in runs.items():
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")
    base = statistics.median(runs["bare PySide6 QMainWindow"])
    shown_ratio = statistics.median(runs["SkuCast window painted"]) / base
    print(f"\nwindow painted: {shown_ratio:.2f}x the bare window (goal <= 1.5x), "
          f"{args.runs} runs each")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
