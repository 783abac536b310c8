"""Benchmark: import + validate (and default cleaning) of a large sales file.

Each run is a fresh Python process so that its peak memory (max RSS, which
includes the interpreter and pandas themselves) is its own. Prints the median
and spread of the runs as a Markdown table for docs/BENCHMARKS.md.

    python -m benchmarks.bench_import [--file PATH] [--runs 5] [--id-cols store,item]
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
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from core.data.importer import ImportOptions, load_dataset
from core.data.cleaning import clean
t1 = time.perf_counter()
ds = load_dataset({path!r}, ImportOptions(id_cols={ids!r}))
t2 = time.perf_counter()
res = clean(ds)
t3 = time.perf_counter()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(import_s=t2 - t1, clean_s=t3 - t2, modules_s=t1 - t0, peak_mb=peak_mb,
                      series=ds.n_series, rows=len(res.dataset.frame))))
"""


def run_once(path: Path, ids: list[str] | None) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path), ids=ids)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--id-cols", default="store,item")
    args = parser.parse_args()
    if not args.file.is_file():
        sys.exit(f"benchmark data not found: {args.file}")
    ids = [c for c in args.id_cols.split(",") if c] or None
    runs = [run_once(args.file, ids) for _ in range(args.runs)]
    print(
        f"file: {args.file.name}; {runs[0]['series']} series, {runs[0]['rows']} rows; "
        f"{args.runs} runs"
    )
    print("| measure | median | min | max |\n|---|---|---|---|")
    for key, label in (
        ("import_s", "import + validate (s)"),
        ("clean_s", "default cleaning (s)"),
        ("peak_mb", "peak memory, whole process (MB)"),
    ):
        vals = [r[key] for r in runs]
        print(f"| {label} | {statistics.median(vals):.2f} | {min(vals):.2f} | {max(vals):.2f} |")


if __name__ == "__main__":
    main()
