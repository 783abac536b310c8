"""Benchmark: do SkuCast's reorder points reach the service level they promise?

On real daily sales (``../shared/data/store_item_demand_train.csv.gz``, Kaggle Store
Item Demand: 10 stores x 50 items, 2013-2017; see ``../shared/data/README.md``) the
history is cut at several dates near its end. At each cutoff a forecaster is fitted on
the history up to it and :func:`core.recommend.inventory.recommend_inventory` gives, for each
lead time ``L`` and service level, the two figures of its (R, S) policy:

* ``reorder_point``: the service-level quantile of demand over the lead time ``L``;
* ``order_up_to``: the same over the protection interval ``L + R`` (review period R).

The benchmark counts how often the demand that really followed the cutoff stayed at or
below them (over the next ``L`` and ``L + R`` days). A calibrated policy reaches the
target: 95 % of (product, cutoff) pairs at a 95 % service level. The forecast carries
the intervals the CLI's ``recommend`` asks for (50, 80 and 95 %), with no lifecycle
stage (so no stage rule changes a level). A second table shows how the forecast's own
daily bands did (share of product-days inside the 80 % and 95 % bands, under the median):
it tells daily bands that are too wide from a copula ``rho`` that ties the days too tightly.

    python -m benchmarks.bench_calibration [--models ets,lstm] [--products 250]
        [--cutoffs 6] [--step 56] [--lead-times 7,14] [--review 7] [--epochs 5]
        [--rhos 0.3,0.5] [--json OUT]

``rho`` is the copula correlation of :class:`core.recommend.inventory.InventoryOptions` (0.3 by
default since this benchmark, 0.5 before; 0 for the LSTM, see
:func:`core.recommend.inventory.rho_for`). By default a random 250 of the 500 products are used to
keep an ETS run to a few minutes on two cores (the LSTM at 40 epochs: about 30 minutes).

Skips (exit 0) when the data file is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.forecast import make_model
from core.recommend import InventoryOptions, recommend_inventory

DATA = ROOT.parent / "shared" / "data" / "store_item_demand_train.csv.gz"
LEVELS = (0.80, 0.90, 0.95, 0.98)
#: Interval levels of the forecast, as ``main.py recommend`` asks for them.
FORECAST_LEVELS = (50, 80, 95)


def load(products: int, seed: int = 0) -> pd.DataFrame:
    """Long frame ``unique_id, ds, y`` of ``products`` series drawn at random (all: 500)."""
    raw = pd.read_csv(DATA, parse_dates=["date"])
    raw["unique_id"] = raw["store"].astype(str) + "_" + raw["item"].astype(str)
    ids = np.sort(raw["unique_id"].unique())
    if products < len(ids):
        ids = np.sort(np.random.default_rng(seed).choice(ids, size=products, replace=False))
    frame = raw[raw["unique_id"].isin(ids)]
    return frame.rename(columns={"date": "ds", "sales": "y"})[["unique_id", "ds", "y"]]


def cutoffs(frame: pd.DataFrame, n: int, step: int, reach: int) -> list[pd.Timestamp]:
    """``n`` cutoffs ``step`` days apart, the last leaving ``reach`` days of actuals."""
    last = frame["ds"].max() - pd.Timedelta(days=reach)
    return [last - pd.Timedelta(days=step * k) for k in reversed(range(n))]


def actual_sums(frame: pd.DataFrame, cut: pd.Timestamp, days: int) -> pd.Series:
    """Units each product sold in the ``days`` days after ``cut``."""
    after = frame[(frame["ds"] > cut) & (frame["ds"] <= cut + pd.Timedelta(days=days))]
    return after.groupby("unique_id")["y"].sum()


def forecast(model: str, history: pd.DataFrame, horizon: int, epochs: int) -> pd.DataFrame:
    """Fit ``model`` on ``history`` and forecast ``horizon`` days with intervals."""
    params = {"epochs": epochs, "random_state": 0} if model in ("lstm", "gru") else {}
    fitted = make_model(model, **params).fit(history, "D")
    return fitted.predict(horizon, levels=FORECAST_LEVELS)


def daily_bands(fc: pd.DataFrame, frame: pd.DataFrame) -> dict:
    """How the forecast's own daily bands did: (product, day) pairs inside the 80 % and
    95 % bands and under the median, and the median 80 % band width over the forecast.

    Separates the two causes of a miscalibrated reorder point: daily bands that are too
    wide or narrow, or the correlation of errors across days (the copula ``rho``).
    """
    both = fc.merge(frame, on=["unique_id", "ds"], how="inner")
    y = both["y"]
    return {
        "days": len(both),
        "in_80": int(y.between(both["lo_80"], both["hi_80"]).sum()),
        "in_95": int(y.between(both["lo_95"], both["hi_95"]).sum()),
        "under_median": int((y <= both["forecast"]).sum()),
        "width_80": float(((both["hi_80"] - both["lo_80"]) / both["forecast"]).median()),
    }


def score_cut(fc, frame, cut, lead_times, review, rho) -> list[dict]:
    """Hit or miss of every product, lead time and level at one cutoff."""
    rows, bands = [], daily_bands(fc, frame)
    for lead in lead_times:
        over_lead = actual_sums(frame, cut, lead)
        over_protect = actual_sums(frame, cut, lead + review)
        for level in LEVELS:
            opts = InventoryOptions(
                lead_time=lead, review_period=review, service_level=level, rho=rho
            )
            advice = recommend_inventory(fc, options=opts).set_index("unique_id")
            ids, mean = advice.index, advice["forecast_lead_time"]
            rows.append({
                "cutoff": cut.date().isoformat(), "lead_time": lead, "level": level,
                "rho": rho, "n": len(ids),
                "rop_hits": int((over_lead.reindex(ids) <= advice["reorder_point"]).sum()),
                "s_hits": int((over_protect.reindex(ids) <= advice["order_up_to"]).sum()),
                "rop_over_mean": float((advice["reorder_point"] / mean).median()),
                "actual_over_mean": float((over_lead.reindex(ids) / mean).median()),
                **bands,
            })  # fmt: skip
    return rows


def run(model, frame, cuts, lead_times, review, rhos, epochs) -> pd.DataFrame:
    """Every cutoff of one model: one row per cutoff, lead time, level and rho."""
    rows, horizon = [], max(lead_times) + review
    for cut in cuts:
        start = time.perf_counter()
        fc = forecast(model, frame[frame["ds"] <= cut], horizon, epochs)
        fitted = time.perf_counter() - start
        for rho in rhos:
            rows += score_cut(fc, frame, cut, lead_times, review, rho)
        print(
            f"{model} cutoff {cut.date()}: fit + forecast {fitted:.0f} s, "
            f"advice {time.perf_counter() - start - fitted:.0f} s",
            file=sys.stderr,
        )
    return pd.DataFrame(rows).assign(model=model)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Achieved share per model, lead time and level, pooled over cutoffs."""
    keys = ["model", "rho", "lead_time", "level"]
    grouped = table.groupby(keys)
    out = grouped[["n", "rop_hits", "s_hits"]].sum()
    out["reorder_point"] = out["rop_hits"] / out["n"]
    out["order_up_to"] = out["s_hits"] / out["n"]
    per_cut = table.assign(rate=table["rop_hits"] / table["n"]).groupby(keys)["rate"]
    out["rop_min_cut"], out["rop_max_cut"] = per_cut.min(), per_cut.max()
    out["rop_over_mean"] = grouped["rop_over_mean"].median()
    out["actual_over_mean"] = grouped["actual_over_mean"].median()
    return out.reset_index()


def band_summary(table: pd.DataFrame) -> str:
    """Daily band coverage per model (pooled over cutoffs) as a Markdown table."""
    if "days" not in table:
        return ""
    cuts = table.drop_duplicates(["model", "cutoff"]).groupby("model")
    sums = cuts[["days", "in_80", "in_95", "under_median"]].sum()
    lines = [
        "| model | days scored | inside 80 % band | inside 95 % band | at or under median "
        "| 80 % band width / forecast (median) |",
        "|---|---|---|---|---|---|",
    ]
    for model, r in sums.iterrows():
        width = cuts.get_group(model)["width_80"].median()
        lines.append(
            f"| {model} | {r.days} | {r.in_80 / r.days:.3f} | {r.in_95 / r.days:.3f} "
            f"| {r.under_median / r.days:.3f} | {width:.2f} |"
        )
    return "\n".join(lines)


def markdown(table: pd.DataFrame, review: int) -> str:
    """The summary as a Markdown table."""
    lines = [
        "| model | rho | lead time L | target | reorder point: achieved (cutoff range) "
        f"| order-up-to (L + {review}): achieved | reorder point / forecast mean "
        "| actual / forecast mean |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.model} | {r.rho:g} | {r.lead_time} | {r.level:.2f} | {r.reorder_point:.3f} "
            f"({r.rop_min_cut:.2f}-{r.rop_max_cut:.2f}) | {r.order_up_to:.3f} "
            f"| {r.rop_over_mean:.2f} | {r.actual_over_mean:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="ets,lstm", help="comma-separated forecasters")
    parser.add_argument("--products", type=int, default=250, help="random subset (all: 500)")
    parser.add_argument("--cutoffs", type=int, default=6)
    parser.add_argument("--step", type=int, default=56, help="days between cutoffs")
    parser.add_argument("--lead-times", default="7,14")
    parser.add_argument("--review", type=int, default=7, help="review period R (days)")
    parser.add_argument("--epochs", type=int, default=5, help="deep models: training epochs")
    parser.add_argument("--rhos", default="0.3,0.5", help="copula correlations to score")
    parser.add_argument("--json", type=Path, help="also write every row here")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return 0
    lead_times = [int(x) for x in args.lead_times.split(",")]
    frame = load(args.products)
    cuts = cutoffs(frame, args.cutoffs, args.step, max(lead_times) + args.review)
    rhos = [float(x) for x in args.rhos.split(",")]
    table = pd.concat(
        [
            run(m, frame, cuts, lead_times, args.review, rhos, args.epochs)
            for m in args.models.split(",")
        ]
    )
    print(markdown(summary(table), args.review))
    print()
    print(band_summary(table))
    if args.json:
        args.json.write_text(table.to_json(orient="records", indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
