"""Benchmark: ``lifecycle`` and ``recommend`` on generated shops of growing size.

Each run is a fresh ``python main.py <command>`` process on a shop written by
:mod:`benchmarks.scale_shop` (two years of daily sales). It reports the wall time, the
CPU time of the process and its workers over the wall time (2.0 = both cores of this
machine busy throughout), the peak memory of the main process (a worker's own peak
cannot be read here: Linux counts a spawned child's peak from its parent's size at the
moment it started), and the time of each step (import, training, forecast, lifecycle, advice),
timed by wrapping the CLI's pipeline functions.

``--mem-steps`` also reports the peak resident memory of the main process inside each step,
inside the import, cleaning and alignment functions, the lifecycle's stages and the feature,
scaling, panel, training and forecast functions of the deep model (:data:`MEM_STEPS`). It is exact, not sampled: Linux's peak (``VmHWM``) is read on entering
and leaving each function and reset in between (``/proc/self/clear_refs``), and a function's
peak is the larger of its own and its callees'.

    python -m benchmarks.bench_scale --products 1000,4000 --runs 3 [--commands lifecycle,recommend]
        [--jobs N] [--extra "--model ets"] [--mem-steps]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
from functools import wraps
from pathlib import Path

from benchmarks.scale_shop import write_shop

ROOT = Path(__file__).resolve().parents[1]

#: ``(module, function or Class.method)`` whose peak memory ``--mem-steps`` reports.
MEM_STEPS = (
    ("core.cli.common", "prepare"),
    ("core.data.importer", "load_dataset"),
    ("core.data.cleaning", "clean"),
    ("core.data.alignment", "model_frames"),
    ("core.forecast.features", "build_features"),
    ("core.forecast.features", "future_frame"),
    ("core.forecast.models.lstm_inputs", "feature_stats"),
    ("core.forecast.models.lstm_inputs", "scale_features"),
    ("core.forecast.models.windowing", "build_panel"),
    ("core.forecast.models.lstm", "LSTMForecaster._prepare"),
    ("core.forecast.models.lstm", "LSTMForecaster._validation"),
    ("core.forecast.models.lstm", "LSTMForecaster._train"),
    ("core.forecast.models.lstm", "LSTMForecaster._predict"),
    ("core.forecast.models.lstm", "LSTMForecaster.predict_quantiles"),
    ("core.analysis", "lifecycle_tables"),
    ("core.lifecycle.stages", "_check_frame"),
    ("core.lifecycle.stages", "_products"),
    ("core.lifecycle.stages", "_stage_table"),
    ("core.data.export", "write_table"),
    ("core.recommend", "recommendations"),
    ("core.recommend.advice", "recommend_inventory"),
    ("core.recommend.advice", "promotion_effects"),
    ("core.recommend.advice", "recommend_promotion"),
    ("core.forecast.models.lstm_inputs", "history_columns"),
    ("core.analysis", "make_forecast"),
)

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
import core.cli.decide as decide
steps = {{}}
def timed(name, fn):
    def run(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - t
    return run
if {mem_steps!r}:
    from benchmarks.bench_scale import watch_memory
    mem = watch_memory()
for name, attr in (("import", "prepare"), ("train", "fit_model"), ("forecast", "make_forecast"),
                   ("lifecycle", "lifecycle_tables"), ("advice", "recommendations")):
    setattr(decide, attr, timed(name, getattr(decide, attr)))
from core.cli import main
code = main({argv!r})
wall = time.perf_counter() - t0
me = resource.getrusage(resource.RUSAGE_SELF)
import core.parallel
core.parallel.shutdown()
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
mem = mem.report() if {mem_steps!r} else {{}}
peak = max(me.ru_maxrss / 1024, mem.get("(process)", [0, 0])[1])  # resets lower ru_maxrss
print(json.dumps(dict(code=code, wall=wall, cpu=cpu, peak_mb=peak, steps=steps, mem=mem)))
"""


def _kib(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field):
                return float(line.split()[1])
    return 0.0


class _PeakWatch:
    """Peak resident memory per watched function, from Linux's resettable peak (module doc).

    ``peaks`` holds MB per function; the whole process' peak is kept too, since resetting
    ``VmHWM`` also resets what ``getrusage`` reports.
    """

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self.stack: list[list] = [["(process)", _kib("VmHWM:")]]
        self.entry: dict[str, float] = {}

    def _reset(self) -> None:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")

    def enter(self, name: str) -> None:
        top = self.stack[-1]
        top[1] = max(top[1], _kib("VmHWM:"))
        self._reset()
        rss = _kib("VmRSS:")
        self.entry.setdefault(name, rss / 1024)
        self.stack.append([name, rss])

    def leave(self) -> None:
        name, peak = self.stack.pop()
        peak = max(peak, _kib("VmHWM:"))
        self.peaks[name] = max(self.peaks.get(name, 0.0), peak / 1024)
        self.stack[-1][1] = max(self.stack[-1][1], peak)

    def report(self) -> dict[str, list[float]]:
        """``{name: [MB on first entry, peak MB]}``, the whole process as ``(process)``."""
        self.stack[0][1] = max(self.stack[0][1], _kib("VmHWM:"))
        out = {name: [round(self.entry[name]), round(mb)] for name, mb in self.peaks.items()}
        out["(process)"] = [0, round(self.stack[0][1] / 1024)]
        return out


def watch_memory() -> _PeakWatch:
    """Wrap every function of :data:`MEM_STEPS` (wherever it was imported by name) to
    record its peak memory; returns the watch (call in the benchmark's child process)."""
    import importlib

    watch = _PeakWatch()
    for module_name, qualname in MEM_STEPS:
        owner = importlib.import_module(module_name)
        *path, attr = qualname.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, attr)

        def wrapped(*a, _fn=original, _name=qualname, **k):
            watch.enter(_name)
            try:
                return _fn(*a, **k)
            finally:
                watch.leave()

        wrapped = wraps(original)(wrapped)
        if path:
            setattr(owner, attr, wrapped)
            continue
        for module in list(sys.modules.values()):  # names imported elsewhere, too
            if getattr(module, attr, None) is original:
                setattr(module, attr, wrapped)
    return watch


def run_once(
    command: str, shop: Path, out: Path, extra: list[str], mem_steps: bool = False
) -> dict:
    argv = [command, str(shop), "--out", str(out), "--lang", "en", *extra]
    code = CHILD.format(root=str(ROOT), argv=argv, mem_steps=mem_steps)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=False)  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"{command} exited {result['code']}: {done.stderr[-2000:]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", default="1000,4000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commands", default="lifecycle,recommend")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--extra", default="", help="more CLI flags, e.g. '--model ets'")
    parser.add_argument("--mem-steps", action="store_true",
                        help="also print the peak memory (MB) inside each step")  # fmt: skip
    args = parser.parse_args()
    extra = shlex.split(args.extra) + ([] if args.jobs is None else ["--jobs", str(args.jobs)])
    print(
        "| products | command | wall s (median) | s / 1,000 products | CPU / wall | "
        "peak MB (main) | steps (s) |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(p) for p in args.products.split(",")):
            shop = write_shop(n, Path(tmp) / f"shop{n}.csv")
            for command in args.commands.split(","):
                runs = [run_once(command, shop, Path(tmp) / f"{command}.csv", extra,
                                 args.mem_steps) for _ in range(args.runs)]  # fmt: skip
                wall = statistics.median(r["wall"] for r in runs)
                util = statistics.median(r["cpu"] / r["wall"] for r in runs)
                steps = {k: statistics.median(r["steps"].get(k, 0.0) for r in runs)
                         for k in runs[0]["steps"]}  # fmt: skip
                step_text = ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
                print(
                    f"| {n:,} | {command} {args.extra} | {wall:.1f} "
                    f"({min(r['wall'] for r in runs):.1f}-{max(r['wall'] for r in runs):.1f}) | "
                    f"{1000 * wall / n:.1f} | {util:.2f} | "
                    f"{max(r['peak_mb'] for r in runs):.0f} | {step_text} |",
                    flush=True,
                )
                for r in runs if args.mem_steps else ():
                    print("  peak MB per step [on entry, peak]:", json.dumps(r["mem"]), flush=True)


if __name__ == "__main__":
    main()
