"""Benchmark: holdout accuracy of the LSTM and LightGBM against the statistical baselines.

Store Item Demand data (500 daily series, 2013-2017): every model is fitted on all
but the last 90 days and forecasts those 90 days. With ``--data sample``: the bundled
sample shop instead (its active products, as the app imports and aligns them), the last
28 days hidden, their planned prices and promotions given (region CN). Scores are the mean over series of
sMAPE (percent, 0..200) and MASE (season 7), the coverage of the 80 % interval, and
the wall time of fit + predict. Each (model, seed) runs in a fresh Python process so
that no TensorFlow state or memory carries over. The LSTM runs once per seed
``0..runs-1``; the baselines are deterministic and run once. Prints the median and
spread (min-max) as a Markdown table for docs/BENCHMARKS.md.

    python -m benchmarks.bench_accuracy [--runs 3] [--models lstm,lgbm,snaive,ets,mstl]
                                        [--data store-item|sample] [--file PATH] [--json OUT]
                                        [--exclude-last DAYS]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "store_item_demand_train.csv.gz"
HOLDOUT = 90
SEASON = 7
LEVEL = 80
#: Constructor arguments per model; the LSTM forecasts the whole holdout in one block.
PARAMS = {"lstm": {"horizon": HOLDOUT, "region": "US"}, "lgbm": {"region": "US"}}
PARAMS["ensemble"] = {"member_params": {k: dict(v) for k, v in PARAMS.items()}}
#: The sample shop's holdout and the constructor arguments there.
SAMPLE_HOLDOUT = 28
SAMPLE_PARAMS = {"lstm": {"horizon": SAMPLE_HOLDOUT, "region": "CN"}, "lgbm": {"region": "CN"}}
SAMPLE_PARAMS["ensemble"] = {"member_params": {k: dict(v) for k, v in SAMPLE_PARAMS.items()}}
#: Models with a seed (the ensemble: its LSTM member's).
STOCHASTIC = {"lstm", "gru", "ensemble"}


def load_store_item(path: Path):
    """The store-item file as a SkuCast frame ``unique_id ("store|item"), ds, y``."""
    import pandas as pd

    raw = pd.read_csv(path, parse_dates=["date"])
    return pd.DataFrame({
        "unique_id": raw["store"].astype(str) + "|" + raw["item"].astype(str),
        "ds": raw["date"],
        "y": raw["sales"].astype(float),
    })  # fmt: skip


def load_sample():
    """The sample shop's active products, imported and aligned as the app does."""
    from core.analysis import run_import
    from core.data import CleaningOptions, ImportOptions, model_frames
    from core.sample import SAMPLE_PATH

    imported = run_import(SAMPLE_PATH, ImportOptions(), CleaningOptions())
    return model_frames(imported.cleaning.dataset).frame


def split_last(frame, periods: int):
    """``(history, holdout)``: the holdout is the last ``periods`` dates of the panel."""
    dates = frame["ds"].drop_duplicates().sort_values()
    cutoff = dates.iloc[-periods - 1]
    return frame[frame["ds"] <= cutoff], frame[frame["ds"] > cutoff]


def score_one(path: Path, name: str, seed: int, data: str = "store-item",
              exclude: int = 0) -> dict:  # fmt: skip
    """Fit ``name`` on the history, forecast the holdout and score it (runs in the child);
    ``exclude``: drop the last days first (a tuning window that never sees the holdout)."""
    sys.path.insert(0, str(ROOT))
    from core.forecast import evaluate, make_model, summarize

    sample = data == "sample"
    holdout_days = SAMPLE_HOLDOUT if sample else HOLDOUT
    frame = load_sample() if sample else load_store_item(path)
    if exclude:
        frame = split_last(frame, exclude)[0]
    history, holdout = split_last(frame, holdout_days)
    plans = [c for c in ("promo", "price") if c in holdout]
    future = holdout[["unique_id", "ds", *plans]] if sample and plans else None
    params = dict((SAMPLE_PARAMS if sample else PARAMS).get(name, {}))
    if name == "ensemble":
        params["member_params"] = {**params["member_params"],
                                   "lstm": {**params["member_params"]["lstm"], "random_state": seed}}
    elif name in STOCHASTIC:
        params["random_state"] = seed
    model = make_model(name, **params)
    started = time.perf_counter()
    model.fit(history, "D")
    forecast = model.predict(holdout_days, levels=(LEVEL,), future=future)
    seconds = time.perf_counter() - started
    summary = summarize(evaluate(forecast, holdout, history, season=SEASON, levels=(LEVEL,)))
    row = {
        "model": name,
        "seed": seed if name in STOCHASTIC else None,
        "seconds": seconds,
        "smape": summary["smape"],
        "mase": summary["mase"],
        "coverage_80": summary[f"coverage_{LEVEL}"],
        "wape": summary["wape"],
        "bias": summary["bias"],
        "n_series": summary["n_series"],
    }
    if name == "ensemble":
        row["variants"] = ensemble_variants(model, holdout_days, future, holdout, history)
    if hasattr(model, "train_seconds_"):
        row["train_seconds"] = model.train_seconds_
        row["best_epoch"] = getattr(model, "best_epoch_", None)
        row["epochs_run"] = len(getattr(model, "history_log_", []) or [])
    return row


def ensemble_variants(model, days: int, future, holdout, history) -> dict:
    """The fitted ensemble's other combinations and its members alone, scored alike
    (the members are fitted once, so this costs only forecasts)."""
    from core.forecast import evaluate, summarize

    def score(fc) -> dict:
        got = summarize(evaluate(fc, holdout, history, season=SEASON, levels=(LEVEL,)))
        return {k: got[k] for k in ("smape", "mase", "bias", f"coverage_{LEVEL}")}

    out = {}
    chosen = (model.combine, model.weighting)
    combos = [("median", "product"), ("mean", "product")]
    if model.scores_["lstm"].notna().any():  # the global members were validated too
        combos += [("weighted", "product"), ("weighted", "group")]
    for combine, weighting in combos:
        model.combine, model.weighting = combine, weighting
        label = combine if combine != "weighted" else f"weighted/{weighting}"
        out[label] = score(model.predict(days, levels=(LEVEL,), future=future))
    model.combine, model.weighting = chosen
    members = model.member_forecasts(days, levels=(LEVEL,), future=future)
    for member, fc in members.items():
        out[f"member {member}"] = score(fc)
    if {"lstm", "lgbm"} <= set(members):
        out["mean of lstm and lgbm"] = score(mean_of(members["lstm"], members["lgbm"]))
    return out


def mean_of(a, b):
    """The row-by-row mean of two forecasts' ``forecast``, ``median`` and band columns."""
    keys = ["unique_id", "ds"]
    both = a.merge(b, on=keys, suffixes=("_a", "_b"))
    cols = [c for c in a.columns if c not in keys and f"{c}_b" in both]
    return both[keys].assign(**{c: (both[f"{c}_a"] + both[f"{c}_b"]) / 2 for c in cols})


def run_child(path: Path, name: str, seed: int, data: str = "store-item",
              exclude: int = 0) -> dict:  # fmt: skip
    """Run :func:`score_one` in a fresh interpreter and return its JSON row."""
    cmd = [sys.executable, "-m", "benchmarks.bench_accuracy", "--file", str(path),
           "--data", data, "--exclude-last", str(exclude), "--child", f"{name}:{seed}"]  # fmt: skip
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        tail = "\n".join(out.stderr.strip().splitlines()[-5:])
        return {"model": name, "seed": seed, "error": tail or f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _spread(values: list[float], fmt: str) -> str:
    """``median (min-max)``, or the single value."""
    if len(values) == 1:
        return format(values[0], fmt)
    med = format(statistics.median(values), fmt)
    return f"{med} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def table(rows: list[dict]) -> str:
    """Markdown table, one line per model: median (min-max) over its runs."""
    lines = [
        "| model | runs | sMAPE (%) | MASE (s=7) | bias | coverage 80 % | fit + predict (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(r["model"] for r in rows):
        ok = [r for r in rows if r["model"] == name and "error" not in r]
        if not ok:
            lines.append(f"| {name} | 0 | failed | | | | |")
            continue
        cells = [
            _spread([r[k] for r in ok], f)
            for k, f in (
                ("smape", ".2f"),
                ("mase", ".3f"),
                ("bias", "+.3f"),
                ("coverage_80", ".3f"),
                ("seconds", ".0f"),
            )
        ]
        lines.append(f"| {name} | {len(ok)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=3, help="LSTM seeds 0..runs-1")
    parser.add_argument("--models", default="lstm,snaive,ets,mstl")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    parser.add_argument("--data", choices=("store-item", "sample"), default="store-item")
    parser.add_argument("--exclude-last", type=int, default=0,
                        help="drop this many last days first (tuning)")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.data == "store-item" and not args.file.is_file():
        sys.exit(f"benchmark data not found: {args.file}")
    if args.child:
        name, seed = args.child.split(":")
        print(json.dumps(score_one(args.file, name, int(seed), args.data, args.exclude_last)))
        return
    rows = []
    for name in [m for m in args.models.split(",") if m]:
        seeds = range(args.runs) if name in STOCHASTIC else [0]
        for seed in seeds:
            row = run_child(args.file, name, seed, args.data, args.exclude_last)
            print(f"  {json.dumps(row)}", file=sys.stderr, flush=True)
            rows.append(row)
    note = f"; LSTM seeds 0..{args.runs - 1}" if STOCHASTIC & {r["model"] for r in rows} else ""
    source, days = ("sample shop", SAMPLE_HOLDOUT) if args.data == "sample" else (
        args.file.name, HOLDOUT)  # fmt: skip
    dropped = f", after dropping the last {args.exclude_last}" if args.exclude_last else ""
    print(f"data: {source}; last {days} days held out{dropped}{note}")
    print(table(rows))
    for row in rows:
        if "error" in row:
            print(f"{row['model']} (seed {row['seed']}) failed: {row['error']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
