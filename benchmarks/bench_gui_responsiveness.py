"""Benchmark: does the window stay responsive while a model trains, and how long does it take?

Opens the Train view offscreen on the bundled sample shop, presses Start with the
default settings (LSTM, fit + backtest against the baselines + permutation importance)
and, with a 10 ms QTimer in the GUI thread, records the worst gap between two ticks
until the result is in the session. Each run is a fresh process, so its first training
pays for importing Keras (a cold start, as a user's first training does); the same
process then trains once more (warm). Prints Markdown for docs/BENCHMARKS.md.

    python -m benchmarks.bench_gui_responsiveness [--runs 3] [--epochs N] [--no-warm]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _train_once(app, view, epochs: int | None) -> dict:
    """One training through the view; the GUI thread's tick gaps and the wall time."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    if epochs:
        view.form.epochs.setValue(epochs)
    clock, gaps, where = QElapsedTimer(), [], {}
    state = {"last": 0, "result": None, "error": None}

    def tick() -> None:
        now = clock.elapsed()
        gap = now - state["last"]
        state["last"] = now
        gaps.append(gap)
        if gap >= max(gaps):
            where["worst"] = view.stage.text()

    loop = QEventLoop()
    timer = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    runner = view.runner
    links = [
        runner.sig_finished.connect(lambda r: state.update(result=r)),
        runner.sig_failed.connect(lambda m, d: state.update(error=m)),
        runner.sig_running.connect(lambda busy: None if busy else QTimer.singleShot(50, loop.quit)),
    ]
    clock.start()
    timer.start()
    started = time.perf_counter()
    view.start_training()
    loop.exec()
    wall = time.perf_counter() - started
    timer.stop()
    for link in links:
        runner.disconnect(link)
    if state["error"]:
        raise SystemExit(f"training failed: {state['error']}")
    result = state["result"]
    log = getattr(result.model, "history_log_", [])
    return {"wall_s": wall, "worst_gap_ms": max(gaps[1:]), "p99_gap_ms": _p99(gaps[1:]),
            "worst_at": where.get("worst", ""), "epochs": len(log),
            **{f"{k}_s": v for k, v in result.seconds.items()}}  # fmt: skip


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))])


def child(epochs: int | None, warm: bool) -> None:
    """One process: a cold training and (with ``warm``) a second one; JSON on stdout."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    from ui.app import make_app
    from ui.session import Session
    from ui.views.training_view import TrainingView, load_sample

    app = make_app()
    session = Session()
    load_sample(session)
    view = TrainingView(session)
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    out = {"open_s": time.perf_counter() - started, "keras_at_open": "keras" in sys.modules,
           "series": int(session.frames.frame["unique_id"].nunique())}  # fmt: skip
    out["cold"] = _train_once(app, view, epochs)
    if warm:
        out["warm"] = _train_once(app, view, epochs)
    view.shutdown()
    print(json.dumps(out))


def _row(label: str, values: list[float], unit: str) -> str:
    cells = [statistics.median(values), min(values), max(values)]
    return f"| {label} | " + " | ".join(f"{v:.0f} {unit}" if unit == "ms" else
                                          f"{v:.1f} {unit}" for v in cells) + " |"  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=None, help="default: the form's (40)")
    parser.add_argument("--no-warm", action="store_true", help="skip the second training")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.epochs, not args.no_warm)
        return
    cmd = [sys.executable, "-m", "benchmarks.bench_gui_responsiveness", "--child"]
    cmd += ["--epochs", str(args.epochs)] if args.epochs else []
    cmd += ["--no-warm"] if args.no_warm else []
    runs = []
    for i in range(args.runs):
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"run {i + 1} failed:\n{done.stderr[-3000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"  run {i + 1}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    first = runs[0]
    print(f"sample shop: {first['series']} products, default settings "
          f"({first['cold']['epochs']} epochs run); {args.runs} fresh processes; "
          f"{os.cpu_count()} CPUs; Keras imported at window open: {first['keras_at_open']}")  # fmt: skip
    print("\n| measure | median | min | max |\n|---|---|---|---|")
    kinds = ["cold", "warm"] if "warm" in first else ["cold"]
    for kind in kinds:
        name = "first training (imports Keras)" if kind == "cold" else "second training"
        print(_row(f"{name}: worst GUI gap", [r[kind]["worst_gap_ms"] for r in runs], "ms"))
        print(_row(f"{name}: 99th pct. gap", [r[kind]["p99_gap_ms"] for r in runs], "ms"))
        print(_row(f"{name}: wall time", [r[kind]["wall_s"] for r in runs], "s"))
        for phase in ("fit", "backtest", "importance"):
            values = [r[kind].get(f"{phase}_s") for r in runs]
            if all(v is not None for v in values):
                print(_row(f"{name}: {phase}", values, "s"))
    worst = max(runs, key=lambda r: r["cold"]["worst_gap_ms"])["cold"]
    print(f"\nworst gap of the first training happened at: {worst['worst_at']!r}")


if __name__ == "__main__":
    main()
