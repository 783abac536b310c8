"""Benchmark: lifecycle stage accuracy against known true stages.

Measurements, each printed as accuracy plus a confusion matrix (rows: truth, columns:
prediction), as Markdown for docs/BENCHMARKS.md:

* ``sample, shop end``: the shipped sample shop judged at its last date. The truth is
  the true stage on each product's last row, or ``inactive`` where that row is more
  than 90 days before the shop's last date.
* ``sample, own last date``: every product judged alone as of its own last row
  (``as_of``), so products discontinued long ago are judged on their last real stage.
* ``shop cuts``: freshly generated shops (:func:`core.sample.shop.generate_shop` with other
  seeds: random Bass curves, plateaus, weekly and yearly seasonality, festivals,
  promotions, stock-outs, negative-binomial noise) judged whole at 4 random dates each,
  as the app judges a shop; every product on sale with 28+ days of history is scored.
* ``synthetic``: the products of the same shops judged *alone* (no other product to
  pool with), each cut at a random date at least 28 days after launch.

The synthetic figures come twice: for the seeds the method was tuned on (``--seeds``)
and for seeds it never saw (``--holdout``).

    python -m benchmarks.bench_lifecycle [--seeds 1,2,3,4] [--holdout 5,...,10] [--json OUT]
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

from core.data import load_dataset
from core.lifecycle import STAGES, classify_lifecycle
from core.sample import SAMPLE_PATH, generate_shop

STAGES_PATH = SAMPLE_PATH.with_name("sample_shop_stages.csv")


def last_truth(stages: pd.DataFrame) -> pd.DataFrame:
    """True stage on each product's last row: ``unique_id``, ``last``, ``truth``."""
    runs = stages.sort_values("end").groupby("商品编码").tail(1)
    return pd.DataFrame(
        {"unique_id": runs["商品编码"], "last": pd.to_datetime(runs["end"]), "truth": runs["stage"]}
    ).reset_index(drop=True)


def score(truth: pd.Series, pred: pd.Series) -> dict:
    """Accuracy, count and confusion matrix (as nested dict) of two label series."""
    table = pd.crosstab(
        pd.Categorical(truth, STAGES), pd.Categorical(pred, STAGES), dropna=False
    ).rename_axis(index="truth", columns="predicted")
    return {
        "n": int(len(truth)),
        "accuracy": float((truth.to_numpy() == pred.to_numpy()).mean()),
        "confusion": {
            str(k): {str(c): int(v) for c, v in row.items()} for k, row in table.iterrows()
        },
    }


def sample_shop() -> dict:
    """Both sample-shop measurements."""
    ds = load_dataset(SAMPLE_PATH)
    truth = last_truth(pd.read_csv(STAGES_PATH, dtype={"商品编码": str}))
    end = ds.frame["ds"].max()
    start = time.perf_counter()
    at_end = classify_lifecycle(ds.frame, ds.freq).merge(truth, on="unique_id")
    seconds = time.perf_counter() - start
    gone = (end - at_end["last"]).dt.days > 90
    end_truth = at_end["truth"].where(~gone, "inactive")
    own = [
        classify_lifecycle(rows, ds.freq, as_of=truth.set_index("unique_id").loc[uid, "last"])
        for uid, rows in ds.frame.groupby("unique_id")
    ]
    own = pd.concat(own, ignore_index=True).merge(truth, on="unique_id")
    return {
        "shop_end": {**score(end_truth, at_end["stage"]), "seconds": round(seconds, 2)},
        "own_last_date": score(own["truth"], own["stage"]),
    }


def shop_frame(sales: pd.DataFrame) -> pd.DataFrame:
    """A generated shop's export table as the long frame the importer would give."""
    return pd.DataFrame(
        {
            "unique_id": sales["商品编码"].astype(str),
            "ds": pd.to_datetime(sales["日期"], format="%Y/%m/%d"),
            "y": sales["销量"].astype(float),
            "stock": sales["库存"].astype(float),
            "promo": (sales["活动"] != "").astype(float),
        }
    )


def synthetic(seeds: list[int]) -> dict:
    """Random cuts of the products of freshly generated shops."""
    truths, preds, seconds = [], [], 0.0
    for seed in seeds:
        shop = generate_shop(seed=seed)
        frame, rng = shop_frame(shop.sales), np.random.default_rng(seed)
        stages = shop.stages.set_index(["商品编码", "日期"])["stage"]
        for uid, rows in frame.groupby("unique_id"):
            days = rows["ds"].to_numpy()
            if len(days) < 29:
                continue
            cut = pd.Timestamp(days[rng.integers(27, len(days))])
            start = time.perf_counter()
            pred = classify_lifecycle(rows, "D", as_of=cut)["stage"].iloc[0]
            seconds += time.perf_counter() - start
            truths.append(stages.loc[(uid, cut)])
            preds.append(pred)
    out = score(pd.Series(truths), pd.Series(preds))
    return {**out, "seconds": round(seconds, 2)}


def shop_cuts(seeds: list[int], cuts: int = 4) -> dict:
    """Whole shops judged at random dates, as the app judges a shop at its last date.

    Each generated shop is cut at ``cuts`` random dates (at least 90 days into its
    window) and classified as a whole as of each date, so the products share their
    calendar (:mod:`core.lifecycle.pool`). Scored: every product with a row on the cut
    date and at least 28 days of history. ``late`` scores the cuts after the shop's
    first year only (a shop with a year of history behind it).
    """
    truths, preds, late, seconds = [], [], [], 0.0
    for seed in seeds:
        shop = generate_shop(seed=seed)
        frame, rng = shop_frame(shop.sales), np.random.default_rng(seed + 1000)
        truth = shop.stages.set_index(["日期", "商品编码"])["stage"]
        dates = np.sort(frame["ds"].unique())
        first = frame.groupby("unique_id")["ds"].min()
        for cut in rng.choice(dates[90:], size=cuts, replace=False):
            cut = pd.Timestamp(cut)
            start = time.perf_counter()
            pred = classify_lifecycle(frame, "D", as_of=cut).set_index("unique_id")["stage"]
            seconds += time.perf_counter() - start
            on_sale = truth.loc[cut]
            keep = on_sale.index[(cut - first.reindex(on_sale.index)).dt.days + 1 >= 28]
            truths.extend(on_sale.loc[keep])
            preds.extend(pred.loc[keep])
            late.extend([(cut - pd.Timestamp(dates[0])).days >= 365] * len(keep))
    truths, preds, late = pd.Series(truths), pd.Series(preds), np.asarray(late)
    out = score(truths, preds)
    return {**out, "late": score(truths[late], preds[late]), "seconds": round(seconds, 2)}


def markdown(name: str, result: dict) -> str:
    """Accuracy line and confusion matrix of one measurement as Markdown."""
    used = [s for s in STAGES if any(result["confusion"][s].values()) or
            any(row[s] for row in result["confusion"].values())]  # fmt: skip
    lines = [
        f"### {name}: accuracy {result['accuracy']:.1%} of {result['n']} products"
        + (f" ({result['seconds']} s)" if "seconds" in result else ""),
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
    parser.add_argument("--seeds", default="1,2,3,4", help="seeds the method was tuned on")
    parser.add_argument("--holdout", default="5,6,7,8,9,10", help="seeds never tuned on")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = sample_shop()
    print(markdown("Sample shop at its last date", results["shop_end"]))
    print(markdown("Sample shop, each product alone at its own last date",
                   results["own_last_date"]))  # fmt: skip
    for name, text in (("tuned", args.seeds), ("held-out", args.holdout)):
        if not text:
            continue
        seeds = _seeds(text)
        shops, products = shop_cuts(seeds), synthetic(seeds)
        results[f"shop_cuts_{name}"], results[f"synthetic_{name}"] = shops, products
        label = f"seeds {text}, {name}"
        print(markdown(f"Synthetic shops judged whole at random dates ({label})", shops))
        late = shops["late"]
        print(f"After the shops' first year: {late['accuracy']:.1%} of {late['n']}.\n")
        print(markdown(f"Synthetic products judged alone at random dates ({label})", products))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
