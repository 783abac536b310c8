"""Benchmark: does the window stay responsive while a model trains, and how long does it take?

Opens the main window offscreen (every view built, as in the app) on the bundled sample
shop, presses the Train view's Start with the default settings (LSTM, fit + backtest against the baselines + permutation importance)
and, with a 10 ms QTimer in the GUI thread, records the worst gap between two ticks
until the result is in the session. Training runs in a child process (spawned for each
training, so both trainings of a run pay for starting Python and importing Keras
there); the benchmark also reports whether Keras ever reached the window's process.
With ``--forecast`` it then presses the Forecast view's button once: the forecast and
the lifecycle stages run in a child process too (the packed model is loaded there). Before training, the same timer runs for ``--idle`` seconds with
nothing to do: on a shared machine, the gaps the scheduler alone causes. ``--in-thread``
trains and forecasts in a QThread of the window's process instead, as SkuCast did
before, for a comparison on the same machine. Cyclic garbage is collected by the app's
GUI-thread collector (:mod:`ui.collector`); the benchmark times every collection and
counts any that ran outside the GUI thread. ``--auto-gc`` gives collection back to
Python (the former behaviour) for an A/B. Each run is a fresh process. Prints Markdown
for docs/BENCHMARKS.md.

    python -m benchmarks.bench_gui_responsiveness [--runs 3] [--epochs N] [--no-warm]
                                                  [--forecast] [--idle 60] [--in-thread]
                                                  [--auto-gc]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _watch(runner, start, where_text, seconds: float | None = None) -> dict:
    """Run ``start()`` and tick a 10 ms timer until ``runner`` is idle again (or, with
    ``seconds``, for that long).

    Returns the worst and 99th-percentile gap between ticks (ms), gaps over 100 ms per
    minute, where the worst one happened, the wall time and the runner's result.
    """
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    clock, gaps, where = QElapsedTimer(), [], {}
    state = {"last": 0, "result": None, "error": None}
    collections, off_gui = [], []  # ms per collection; collections in other threads

    def timed(phase: str, _info: dict) -> None:
        if phase == "start":
            state["gc"] = time.perf_counter()
        elif "gc" in state:
            collections.append(1000 * (time.perf_counter() - state.pop("gc")))
            if threading.current_thread() is not threading.main_thread():
                off_gui.append(threading.current_thread().name)

    def tick() -> None:
        now = clock.elapsed()
        gap = now - state["last"]
        state["last"] = now
        gaps.append(gap)
        if gap >= max(gaps):
            where["worst"] = where_text()

    loop = QEventLoop()
    timer = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    links = [] if runner is None else [
        runner.sig_finished.connect(lambda r: state.update(result=r)),
        runner.sig_failed.connect(lambda m, d: state.update(error=m)),
        runner.sig_running.connect(lambda busy: None if busy else QTimer.singleShot(50, loop.quit)),
    ]  # fmt: skip
    if seconds is not None:
        QTimer.singleShot(int(seconds * 1000), loop.quit)
    clock.start()
    timer.start()
    gc.callbacks.append(timed)
    started = time.perf_counter()
    start()
    loop.exec()
    wall = time.perf_counter() - started
    gc.callbacks.remove(timed)
    timer.stop()
    for link in links:
        runner.disconnect(link)
    if state["error"]:
        raise SystemExit(f"task failed: {state['error']}")
    over = sum(g > 100 for g in gaps[1:]) / (wall / 60)
    return {"wall_s": wall, "worst_gap_ms": max(gaps[1:]), "p99_gap_ms": _p99(gaps[1:]),
            "over_100_per_min": over, "worst_at": where.get("worst", ""),
            "gc_worst_ms": max(collections, default=0.0), "gc_count": len(collections),
            "gc_off_gui": len(off_gui), "result": state["result"]}  # fmt: skip


def _train_once(view, epochs: int | None) -> dict:
    """One training through the view; the GUI thread's tick gaps and the wall time."""
    if epochs:
        view.form.epochs.setValue(epochs)
    out = _watch(view.runner, view.start_training, view.stage.text)
    result = out.pop("result")
    out["epochs"] = len(result.history or getattr(result.model, "history_log_", []))
    out.update({f"{k}_s": v for k, v in result.seconds.items()})
    return out


def _forecast_once(window) -> dict:
    """One forecast through the Forecast view's button (a child process, or a thread
    with ``--in-thread``): the GUI thread's gaps, the wall time, the stage timings. The
    result fills every view that shows it (Forecast and Recommendations)."""
    window.show_step(3)
    view = window.forecast_view
    out = _watch(view.runner, view.run_forecast, view.status_label.text)
    out.pop("result")
    return out


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))])


def _idle(seconds: float) -> dict:
    """The timer's gaps while the window has nothing to do (the machine's own noise)."""
    out = _watch(None, lambda: None, str, seconds)
    out.pop("result")
    return out


def child(args) -> None:
    """One process: ``--idle`` seconds of nothing, a training, a second one (unless
    ``--no-warm``) and a forecast (with ``--forecast``); JSON on stdout."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    from ui.main_window import make_window
    from ui.preview import load_sample
    from ui.qapp import make_app
    from ui.views import forecast_view, training_view

    if args.in_thread:  # the former design, for comparison: training in a QThread
        from ui.workers.task_worker import TaskRunner

        training_view.ProcessRunner = TaskRunner
        forecast_view.ProcessRunner = TaskRunner

    app = make_app()
    if args.auto_gc:  # the former behaviour: Python collects in whichever thread allocates
        from ui.collector import collect_in_gui_thread

        collect_in_gui_thread(app).stop()
    window = make_window("en")
    window.resize(1440, 900)
    window.show()
    session = window.session
    load_sample(session)
    window.show_step(2)
    view = window.training_view
    app.processEvents()
    out = {"open_s": time.perf_counter() - started, "keras_at_open": "keras" in sys.modules,
           "series": int(session.frames.frame["unique_id"].nunique())}  # fmt: skip
    if args.idle > 0:
        out["idle"] = _idle(args.idle)
    out["cold"] = _train_once(view, args.epochs)
    if not args.no_warm:
        out["warm"] = _train_once(view, args.epochs)
    out["keras_after_training"] = "keras" in sys.modules
    if args.forecast:
        out["forecast"] = _forecast_once(window)
        out["keras_after_forecast"] = "keras" in sys.modules
    for each in window.views:
        each.shutdown()
    print(json.dumps(out))


def _row(label: str, values: list[float], unit: str, decimals: int | None = None) -> str:
    cells = [statistics.median(values), min(values), max(values)]
    if decimals is None:
        decimals = 0 if unit in ("ms", "") else 1
    return f"| {label} | " + " | ".join(f"{v:.{decimals}f} {unit}".rstrip()
                                          for v in cells) + " |"  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=None, help="default: the form's (40)")
    parser.add_argument("--no-warm", action="store_true", help="skip the second training")
    parser.add_argument("--forecast", action="store_true", help="also time the first forecast")
    parser.add_argument(
        "--idle",
        type=float,
        default=60.0,
        help="seconds of the timer with nothing running first (0: skip)",
    )
    parser.add_argument(
        "--in-thread",
        action="store_true",
        help="train in a QThread of the window's process (the former design)",
    )
    parser.add_argument(
        "--auto-gc",
        action="store_true",
        help="let Python collect garbage in any thread (the former behaviour)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    cmd = [sys.executable, "-m", "benchmarks.bench_gui_responsiveness", "--child"]
    cmd += ["--epochs", str(args.epochs)] if args.epochs else []
    cmd += ["--no-warm"] if args.no_warm else []
    cmd += ["--forecast"] if args.forecast else []
    cmd += ["--idle", str(args.idle)]
    cmd += ["--in-thread"] if args.in_thread else []
    cmd += ["--auto-gc"] if args.auto_gc else []
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
          f"{os.cpu_count()} CPUs; training in {'a thread' if args.in_thread else 'a process'}; "
          f"garbage collected {'by Python in any thread' if args.auto_gc else 'in the GUI thread'}; "
          f"Keras imported at window open: {first['keras_at_open']}, "
          f"after training: {first['keras_after_training']}")  # fmt: skip
    print("\n| measure | median | min | max |\n|---|---|---|---|")
    if "idle" in first:
        name = f"idle window, {args.idle:.0f} s (machine noise)"
        print(_row(f"{name}: worst GUI gap", [r["idle"]["worst_gap_ms"] for r in runs], "ms"))
        print(_row(f"{name}: gaps > 100 ms per min", [r["idle"]["over_100_per_min"]
                                                      for r in runs], "/min"))  # fmt: skip
    kinds = ["cold", "warm"] if "warm" in first else ["cold"]
    for kind in kinds:
        name = "first training" if kind == "cold" else "second training"
        print(_row(f"{name}: worst GUI gap", [r[kind]["worst_gap_ms"] for r in runs], "ms"))
        print(_row(f"{name}: 99th pct. gap", [r[kind]["p99_gap_ms"] for r in runs], "ms"))
        print(_row(f"{name}: gaps > 100 ms per min", [r[kind]["over_100_per_min"]
                                                      for r in runs], "/min"))  # fmt: skip
        print(_row(f"{name}: wall time", [r[kind]["wall_s"] for r in runs], "s"))
        print(_row(f"{name}: slowest garbage collection", [r[kind]["gc_worst_ms"]
                                                           for r in runs], "ms", 1))  # fmt: skip
        print(_row(f"{name}: collections outside the GUI thread", [r[kind]["gc_off_gui"]
                                                                   for r in runs], ""))  # fmt: skip
        for phase in ("fit", "backtest", "final", "importance"):
            values = [r[kind].get(f"{phase}_s") for r in runs]
            if all(v is not None for v in values):
                print(_row(f"{name}: {phase}", values, "s"))
    if "forecast" in first:
        name = "forecast (in a thread)" if args.in_thread else "forecast (in a process)"
        forecasts = [r["forecast"] for r in runs]
        print(_row(f"{name}: worst GUI gap", [f["worst_gap_ms"] for f in forecasts], "ms"))
        print(_row(f"{name}: gaps > 100 ms per min", [f["over_100_per_min"] for f in forecasts],
                   "/min"))  # fmt: skip
        print(_row(f"{name}: wall time", [f["wall_s"] for f in forecasts], "s"))
        print(_row(f"{name}: slowest garbage collection", [f["gc_worst_ms"] for f in forecasts],
                   "ms", 1))  # fmt: skip
        print(_row(f"{name}: collections outside the GUI thread", [f["gc_off_gui"]
                                                                   for f in forecasts], ""))  # fmt: skip
        print(f"\nKeras imported into the window's process after the forecast: "
              f"{first['keras_after_forecast']}")  # fmt: skip
    worst = max(runs, key=lambda r: r["cold"]["worst_gap_ms"])["cold"]
    print(f"\nworst gap of the first training happened at: {worst['worst_at']!r}")


if __name__ == "__main__":
    main()
