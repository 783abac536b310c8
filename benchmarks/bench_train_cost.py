"""Benchmark: wall time and peak memory of training the LSTM on a large store export.

Each run is a fresh Python process that does what the app does: import and validate
``store_item_demand_train.csv.gz`` (500 daily series, all 1826 days), apply the
default cleaning, then fit the LSTM with default settings and a 90-day horizon
(holidays: US). Wall time counts everything after the interpreter started, module
imports included; peak memory is the process's max RSS, Python, pandas and
TensorFlow included. Prints the median and spread of the runs as a Markdown table
for docs/BENCHMARKS.md.

    python -m benchmarks.bench_train_cost [--runs 3] [--file PATH] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "store_item_demand_train.csv.gz"

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from core.data.importer import ImportOptions, load_dataset
from core.data.cleaning import clean
from core.forecast.models.registry import make_model
ds = clean(load_dataset({path!r}, ImportOptions(id_cols=["store", "item"]))).dataset
frame = ds.frame[["unique_id", "ds", "y"]]
t1 = time.perf_counter()
model = make_model("lstm", horizon=90, region="US", random_state={seed})
model.fit(frame, ds.freq)
t2 = time.perf_counter()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(total_s=t2 - t0, prep_s=t1 - t0, fit_s=t2 - t1, peak_mb=peak_mb,
                      epochs=len(model.history_log_), best_epoch=model.best_epoch_,
                      series=ds.n_series, rows=len(frame))))
"""


def run_once(path: Path, seed: int) -> dict:
    """One fresh process: import, clean, train; returns its JSON figures."""
    code = CHILD.format(root=str(ROOT), path=str(path), seed=seed)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0, help="random_state of every run")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    args = parser.parse_args()
    if not args.file.is_file():
        sys.exit(f"benchmark data not found: {args.file}")
    runs = []
    for _ in range(args.runs):
        runs.append(run_once(args.file, args.seed))
        print(f"  {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    print(f"file: {args.file.name}; {runs[0]['series']} series, {runs[0]['rows']} rows; "
          f"LSTM defaults, horizon 90; {args.runs} runs")  # fmt: skip
    print("| measure | median | min | max |\n|---|---|---|---|")
    for key, label, fmt in (
        ("total_s", "import + clean + train, wall (s)", ".0f"),
        ("prep_s", "of which import + clean + modules (s)", ".1f"),
        ("fit_s", "of which LSTM fit (s)", ".0f"),
        ("peak_mb", "peak memory, whole process (MB)", ".0f"),
        ("epochs", "epochs run (early stopping)", ".0f"),
    ):
        vals = [r[key] for r in runs]
        cells = [format(v, fmt) for v in (statistics.median(vals), min(vals), max(vals))]
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
