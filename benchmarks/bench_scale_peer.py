"""Benchmark: SkuCast's whole job against statsforecast's AutoETS alone, in one run.

On the same generated shop (:mod:`benchmarks.scale_shop`, two years of daily sales) and
the same machine, one after the other: what a user would run instead, statsforecast's
``AutoETS(season_length=7)`` fitted and forecast 28 days ahead over every product with
``n_jobs`` processes (only the forecast: no stages, no advice), then SkuCast's
``lifecycle`` and ``recommend`` (the LSTM, the default) as fresh CLI processes
(:func:`benchmarks.bench_scale.run_once`). Runs alternate peer / SkuCast so a change in
the machine's load hits both alike; the medians are printed as a Markdown table.

    python -m benchmarks.bench_scale_peer --products 4000 --runs 3 [--n-jobs 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_scale import ROOT, run_once
from benchmarks.scale_shop import write_shop

PEER = """
import json, resource, sys, time
t0 = time.perf_counter()
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, SeasonalNaive
raw = pd.read_csv({shop!r}, dtype={{"商品编码": str}})
frame = raw.rename(columns={{"商品编码": "unique_id", "日期": "ds", "销量": "y"}})
frame = frame.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
frame["ds"] = pd.to_datetime(frame["ds"])
t1 = time.perf_counter()
# AutoETS fails on some series (an IndexError inside statsforecast): the fallback
# model a user would set keeps the run going
sf = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs={n_jobs},
                   fallback_model=SeasonalNaive(season_length=7))
fc = sf.forecast(df=frame, h=28)
t2 = time.perf_counter()
usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
cpu = sum(u.ru_utime + u.ru_stime for u in usage)
print(json.dumps({{"wall": t2 - t0, "read": t1 - t0, "fit_forecast": t2 - t1, "cpu": cpu,
                  "rows": len(fc), "series": int(frame["unique_id"].nunique()),
                  "peak_mb": usage[0].ru_maxrss / 1024}}))
"""


def run_peer(shop: Path, n_jobs: int) -> dict:
    """One fresh process: read the shop with pandas, AutoETS fit and forecast."""
    done = subprocess.run([sys.executable, "-c", PEER.format(shop=str(shop), n_jobs=n_jobs)],
                          capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(name: str, n: int, runs: list[dict], steps: str = "") -> str:
    wall = statistics.median(r["wall"] for r in runs)
    util = statistics.median(r["cpu"] / r["wall"] for r in runs)
    peak = max(r["peak_mb"] for r in runs)
    spread = f"{min(r['wall'] for r in runs):.1f}-{max(r['wall'] for r in runs):.1f}"
    return (f"| {n:,} | {name} | {wall:.1f} ({spread}) | {1000 * wall / n:.1f} | {util:.2f} "
            f"| {peak:.0f} | {steps} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", default="4000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=2, help="statsforecast's n_jobs")
    parser.add_argument("--commands", default="lifecycle,recommend")
    args = parser.parse_args()
    started = time.perf_counter()
    print("| products | job | wall s (median, range) | s / 1,000 products | CPU / wall | "
          "peak MB (main) | steps (s, median) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(p) for p in args.products.split(",")):
            shop = write_shop(n, Path(tmp) / f"shop{n}.csv")
            results: dict[str, list[dict]] = {"peer": []}
            for _ in range(args.runs):
                results["peer"].append(run_peer(shop, args.n_jobs))
                for command in args.commands.split(","):
                    out = Path(tmp) / f"{command}.csv"
                    results.setdefault(command, []).append(run_once(command, shop, out, []))
            peer = results.pop("peer")
            fit = statistics.median(r["fit_forecast"] for r in peer)
            print(_row(f"statsforecast AutoETS, n_jobs={args.n_jobs} (forecast only)", n,
                       peer, f"read {statistics.median(r['read'] for r in peer):.1f}, "
                             f"fit+forecast {fit:.1f}"))  # fmt: skip
            for command, runs in results.items():
                steps = {k: statistics.median(r["steps"].get(k, 0.0) for r in runs)
                         for k in runs[0]["steps"]}  # fmt: skip
                text = ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
                print(_row(f"SkuCast {command}", n, runs, text), flush=True)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"\n{args.runs} runs each, {time.perf_counter() - started:.0f} s in all; "
          f"load average at the end {' '.join(load)}; "
          f"benchmark process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
