"""Benchmark: ``lifecycle`` and ``recommend`` on generated shops of growing size.

Each run is a fresh ``python main.py <command>`` process on a shop written by
:mod:`benchmarks.scale_shop` (two years of daily sales). It reports the wall time, the
CPU time of the process and its workers over the wall time (2.0 = both cores of this
machine busy throughout), the peak memory of the main process (a worker's own peak
cannot be read here: Linux counts a spawned child's peak from its parent's size at the
moment it started), and the time of each step (import, training, forecast, lifecycle, advice),
timed by wrapping the CLI's pipeline functions.

    python -m benchmarks.bench_scale --products 1000,4000 --runs 3 [--commands lifecycle,recommend]
        [--jobs N] [--extra "--model ets"]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.scale_shop import write_shop

ROOT = Path(__file__).resolve().parents[1]

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
print(json.dumps(dict(code=code, wall=wall, cpu=cpu, peak_mb=me.ru_maxrss / 1024,
                      steps=steps)))
"""


def run_once(command: str, shop: Path, out: Path, extra: list[str]) -> dict:
    argv = [command, str(shop), "--out", str(out), "--lang", "en", *extra]
    code = CHILD.format(root=str(ROOT), argv=argv)
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
                runs = [run_once(command, shop, Path(tmp) / f"{command}.csv", extra)
                        for _ in range(args.runs)]  # fmt: skip
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


if __name__ == "__main__":
    main()
