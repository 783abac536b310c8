"""Benchmark: lifecycle stages against known true stages, confidence, the next stage, speed.

Measurements (Markdown for docs/BENCHMARKS.md; ``--json`` writes them all):

* **Test bed** (:mod:`benchmarks.lifecycle_bed`, written apart from the classifier):
  shops of 100 scored products (25 per stage, seven curve families, cut at random ages,
  seen from launch or through a window) plus context products, with promotions,
  festivals, stock-outs and noise; the truth is the operator's reading of each
  product's noise-free trend. For the tuning seeds and the held-out seeds, each at daily,
  weekly and monthly frequency, judged as a shop (with its categories) and daily
  products judged alone (one product per file): accuracy, per-stage recall, confusion.
* **Reliability**: confidence bins against the share right (held-out, daily, shop).
* **Next stage**: maturity products whose plateau end (``decline_start``) lies in the
  future: share whose called decline date is within 4 weeks of it; false alarms:
  products that stay mature 16 weeks or more but get a decline called within 8 weeks.
  Growth products: share whose called peak is within 4 weeks of the true one.
* **The ceiling of that dating**: the same rule fed the true plateau starts and the
  true lengths of the category's finished plateaus (:func:`plateau_ceiling`).
* **Stages the rows cannot show** (:func:`hidden_kind`): the share right apart from
  seasonal products under 420 days of rows, relaunches in their new rise and growth
  products whose rows began under 11 weeks ago.
* **What noise costs**: the daily beds again with every day's expected sales instead of
  a Poisson or negative-binomial draw (the stages missed there are missed for other
  reasons: season, the view, the rules).
* **Sample shop**: the shipped sample judged at its last date, against its own truth
  file (share-of-peak thresholds) and against the operator's reading of its curves.
* **Speed**: seconds per product of a whole-shop run (median of ``--runs``).

    python -m benchmarks.bench_lifecycle [--tuning 101,102,103] [--holdout 201,...]
        [--freqs D,W-SUN,MS] [--per-stage 25] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.lifecycle_bed import HOLDOUT_SEEDS, TUNING_SEEDS, make_bed, one_product
from benchmarks.lifecycle_bed_rules import Features, plateau
from core.data import load_dataset
from core.lifecycle import STAGES, classify_lifecycle
from core.sample import SAMPLE_PATH

STAGES_PATH = SAMPLE_PATH.with_name("sample_shop_stages.csv")
CURVE_STAGES = ("introduction", "growth", "maturity", "decline")
BINS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def score(truth: pd.Series, pred: pd.Series) -> dict:
    """Accuracy, per-stage recall, count and confusion matrix of two label series."""
    truth, pred = pd.Series(truth).reset_index(drop=True), pd.Series(pred).reset_index(drop=True)
    table = pd.crosstab(
        pd.Categorical(truth, STAGES), pd.Categorical(pred, STAGES), dropna=False
    ).rename_axis(index="truth", columns="predicted")
    recall = {s: float((pred[truth == s] == s).mean()) for s in STAGES if (truth == s).any()}
    return {
        "n": int(len(truth)),
        "accuracy": float((truth.to_numpy() == pred.to_numpy()).mean()),
        "recall": recall,
        "confusion": {str(k): {str(c): int(v) for c, v in row.items()} for k, row in table.iterrows()},
    }


#: Scored products per stage in each bed (``--per-stage``; fewer while iterating).
PER_STAGE = 25


def judged(bed, alone: bool) -> pd.DataFrame:
    """The classifier's table for the scored products of ``bed``, merged with the truth."""
    truth = bed.truth[bed.truth["scored"]]
    if alone:
        out = pd.concat([classify_lifecycle(one_product(bed, u), bed.freq) for u in truth["unique_id"]])
    else:
        frame = bed.frame.merge(bed.truth[["unique_id", "category"]], on="unique_id")
        out = classify_lifecycle(frame, bed.freq)
    first = bed.frame.groupby("unique_id")["ds"].min()
    out = out.merge(truth, on="unique_id", suffixes=("", "_true"))
    return out.assign(rows_days=(out["cut"] - out["unique_id"].map(first)).dt.days)


#: Rows a product needs before it fits its own yearly season (core.lifecycle.trend).
SEASON_ROWS = 420


def hidden_kind(rows: pd.DataFrame) -> pd.Series:
    """Per judged product, why its true stage may not show in its own rows ('' if not).

    * ``season``: a seasonal product with under :data:`SEASON_ROWS` days of rows; its
      yearly swing (random phase: no other product shares it) looks like a trend;
    * ``relaunch``: a relaunch the truth calls introduction: scored from 5 weeks into its
      new rise, whose sum with the first life's fall may have turned up only lately;
    * ``window``: truth growth (over 10 weeks old) but rows that began under 11 weeks
      before the cut: the rows look like a launch.
    """
    season = (rows["family"] == "seasonal") & (rows["rows_days"] < SEASON_ROWS)
    relaunch = (rows["family"] == "relaunch") & (rows["stage_true"] == "introduction")
    window = (rows["stage_true"] == "growth") & (rows["rows_days"] < 77)
    kind = np.where(season, "season", np.where(relaunch, "relaunch", np.where(window, "window", "")))
    return pd.Series(kind, index=rows.index)


def by_kind(rows: pd.DataFrame) -> dict:
    """Count and share right per :func:`hidden_kind` ('' = the stage shows in the rows)."""
    right = rows["stage"] == rows["stage_true"]
    kinds = hidden_kind(rows)
    return {k or "readable": {"n": int((kinds == k).sum()), "right": float(right[kinds == k].mean())}
            for k in ("", "season", "relaunch", "window") if (kinds == k).any()}  # fmt: skip


def bed_runs(seeds: list[int], freq: str, alone: bool, per_stage: int = PER_STAGE,
             noise: bool = True) -> pd.DataFrame:  # fmt: skip
    """The judged scored products of each seed's bed; ``noise=False``: the same beds with
    every day's expected sales instead of a draw (what the noise alone costs)."""
    parts = []
    for seed in seeds:
        bed = make_bed(seed, per_stage, freq=freq, noise=noise)
        parts.append(judged(bed, alone).assign(seed=seed))
    return pd.concat(parts, ignore_index=True)


def reliability(rows: pd.DataFrame) -> list[dict]:
    """Confidence bins with their count and share right."""
    right = rows["stage"] == rows["stage_true"]
    out = []
    for lo, hi in zip(BINS[:-1], BINS[1:], strict=True):
        inside = (rows["confidence"] >= lo) & (rows["confidence"] < hi + (hi == 1.0))
        out.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(inside.sum()),
                    "right": float(right[inside].mean()) if inside.any() else float("nan")})  # fmt: skip
    sure = rows["confidence"] >= 0.8
    out.append({"bin": ">= 0.8", "n": int(sure.sum()),
                "right": float(right[sure].mean()) if sure.any() else float("nan")})  # fmt: skip
    return out


def reliability_markdown(bins: list[dict]) -> str:
    lines = ["| confidence | products | share right |", "|---|---|---|"]
    lines += [f"| {b['bin']} | {b['n']} | {b['right']:.0%} |" for b in bins if b["n"]]
    return "\n".join(lines) + "\n"


def next_stage(rows: pd.DataFrame) -> dict:
    """How well the next stage is called ahead (see module doc)."""
    mature = rows[(rows["stage_true"] == "maturity") & (rows["mature_weeks_left"] > 0)]
    called = mature["next_stage"].eq("decline")
    err = (mature["next_stage_date"] - mature["decline_start"]).dt.days.abs()
    within = called & (err <= 28)
    stays = mature[mature["mature_weeks_left"] >= 16]
    alarm = stays["next_stage"].eq("decline") & (
        (stays["next_stage_date"] - stays["cut"]).dt.days <= 56
    )
    growth = rows[rows["stage_true"] == "growth"]
    peak_err = (growth["peak_date"] - growth["peak_date_true"]).dt.days.abs()
    return {
        "maturity_n": int(len(mature)),
        "decline_called": float(called.mean()) if len(mature) else float("nan"),
        "decline_within_4w": float(within.mean()) if len(mature) else float("nan"),
        "false_alarm_n": int(len(stays)),
        "false_alarms": float(alarm.mean()) if len(stays) else float("nan"),
        "growth_n": int(len(growth)),
        "peak_within_4w": float((peak_err <= 28).mean()) if len(growth) else float("nan"),
    }


def _true_plateaus(bed) -> dict:
    """``uid -> (start, end, age)`` in days since launch, from the true trend: the first
    day of the segment at 90 % of its peak, the plateau's end (None if it never ends)."""
    out = {}
    for uid, row in bed.truth.set_index("unique_id").iterrows():
        level = bed.curves[uid].to_numpy()
        seg = (row["segment_start"] - row["launch"]).days
        feats = Features.of(level, seg)
        _, end = plateau(feats)
        out[uid] = (seg + int(np.argmax(level[seg:] >= 0.9 * feats.peak)), end, row["age_days"])
    return out


def plateau_ceiling(seeds: list[int], per_stage: int = PER_STAGE) -> dict:
    """The best a decline date from category durations can do on these beds.

    Each maturity product whose plateau ends later gets the median length of its
    category's *true* finished plateaus (other products whose plateau ended before the
    cut) that outlasted its own *true* plateau so far, or 8 weeks when none did: the
    rule of :mod:`core.lifecycle.ahead` with every estimate replaced by the truth.
    Returns the share within 4 weeks of the true end, per family too.
    """
    hits = []
    for seed in seeds:
        bed = make_bed(seed, per_stage)
        spans, truth = _true_plateaus(bed), bed.truth.set_index("unique_id")
        mature = truth[truth["scored"] & (truth["stage"] == "maturity") & (truth["mature_weeks_left"] > 0)]
        for uid, row in mature.iterrows():
            start, _, age = spans[uid]
            so_far = (age - start) / 7
            same = truth.index[(truth["category"] == row["category"]) & (truth.index != uid)]
            cases = np.array([(e - s) / 7 for s, e, a in (spans[v] for v in same) if e is not None and e < a])
            longer = cases[cases > so_far]
            left = float(np.median(longer)) - so_far if len(longer) >= 2 else 8.0
            hits.append((row["family"], abs(left - row["mature_weeks_left"]) <= 4))
    table = pd.DataFrame(hits, columns=["family", "hit"])
    return {"n": len(table), "within_4w": float(table["hit"].mean()),
            "by_family": table.groupby("family")["hit"].mean().round(2).to_dict()}  # fmt: skip


def sample_shop() -> dict:
    """The shipped sample at its last date against its truth file."""
    ds = load_dataset(SAMPLE_PATH)
    runs = pd.read_csv(STAGES_PATH, dtype={"商品编码": str}).sort_values("end")
    last = runs.groupby("商品编码").tail(1).set_index("商品编码")
    end = ds.frame["ds"].max()
    truth = last["stage"].where((end - pd.to_datetime(last["end"])).dt.days <= 90, "inactive")
    out = classify_lifecycle(ds.frame, ds.freq).set_index("unique_id")["stage"]
    return score(truth.reindex(out.index), out)


def speed(seed: int, runs: int) -> dict:
    bed = make_bed(seed, 25)
    frame = bed.frame.merge(bed.truth[["unique_id", "category"]], on="unique_id")
    n = frame["unique_id"].nunique()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        classify_lifecycle(frame, bed.freq)
        times.append(time.perf_counter() - start)
    return {"products": n, "median_s": float(np.median(times)), "ms_per_product": 1000 * float(np.median(times)) / n}


def markdown(name: str, result: dict) -> str:
    """Accuracy line, per-stage recall and confusion matrix as Markdown."""
    used = [s for s in STAGES if any(result["confusion"][s].values()) or
            any(row[s] for row in result["confusion"].values())]  # fmt: skip
    recall = ", ".join(f"{s} {v:.0%}" for s, v in result["recall"].items())
    lines = [
        f"### {name}: {result['accuracy']:.1%} right of {result['n']} ({recall})",
        "",
        "| truth \\ predicted | " + " | ".join(used) + " |",
        "|---" * (len(used) + 1) + "|",
    ]
    for s in used:
        lines.append(f"| {s} | " + " | ".join(str(result["confusion"][s][c]) for c in used) + " |")
    return "\n".join(lines) + "\n"


def _seeds(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tuning", default=",".join(map(str, TUNING_SEEDS)))
    parser.add_argument("--holdout", default=",".join(map(str, HOLDOUT_SEEDS)))
    parser.add_argument("--freqs", default="D,W-SUN,MS")
    parser.add_argument("--runs", type=int, default=3, help="runs of the speed measurement")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--per-stage", type=int, default=PER_STAGE,
                        help="scored products per stage in each bed (fewer: a quicker run)")  # fmt: skip
    args = parser.parse_args(argv)
    results: dict = {"sample_shop": sample_shop()}
    print(markdown("Sample shop at its last date (its truth file)", results["sample_shop"]))
    for part, text in (("tuning", args.tuning), ("held-out", args.holdout)):
        seeds = _seeds(text)
        for freq in args.freqs.split(","):
            rows = bed_runs(seeds, freq, alone=False, per_stage=args.per_stage)
            key = f"{part} {freq} shop"
            results[key] = score(rows["stage_true"], rows["stage"])
            print(markdown(f"Test bed, {part} seeds {text}, {freq}, judged as a shop", results[key]))
            if freq == "D":
                results[f"{part} by kind"] = by_kind(rows)
                print("Right by kind:", json.dumps(results[f"{part} by kind"]), "\n")
                results[f"{part} reliability"] = reliability(rows)
                results[f"{part} next stage"] = next_stage(rows)
                print(reliability_markdown(results[f"{part} reliability"]))
                print(json.dumps(results[f"{part} next stage"], indent=1), "\n")
                results[f"{part} plateau ceiling"] = plateau_ceiling(seeds, args.per_stage)
                print("Ceiling of dating by category durations:", results[f"{part} plateau ceiling"])
                exact = bed_runs(seeds, freq, alone=False, per_stage=args.per_stage, noise=False)
                results[f"{part} D shop noise-free"] = score(exact["stage_true"], exact["stage"])
                results[f"{part} noise-free by kind"] = by_kind(exact)
                print("Right by kind, no noise:", json.dumps(results[f"{part} noise-free by kind"]))
                print(markdown(f"The same beds ({part}), daily, expected sales (no noise)",
                               results[f"{part} D shop noise-free"]))  # fmt: skip
        alone = bed_runs(seeds, "D", alone=True, per_stage=args.per_stage)
        results[f"{part} D alone"] = score(alone["stage_true"], alone["stage"])
        print(markdown(f"Test bed, {part} seeds {text}, daily, one product per file", results[f"{part} D alone"]))
    results["speed"] = speed(_seeds(args.holdout)[0], args.runs)
    print(f"Speed: {results['speed']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
