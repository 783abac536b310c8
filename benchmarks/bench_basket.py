"""Benchmark: "bought together" pairs (:func:`core.recommend.basket_pairs`) against the
pandas self-merge on the order number that a user would write.

The file is the UK online-retail order-line export (``InvoiceNo``, ``StockCode``, ...) when
``--file`` names it or ``../shared/data`` holds it; without one, an order-line file of the
same shape is generated (``--lines`` lines, ``--products`` products, orders of about 27
lines, products bought in families, a few giant orders, cancellations and postage) and
the output says so. Each method runs ``--runs`` times in this process; the medians (and
min–max) are printed as a Markdown table for docs/BENCHMARKS.md, and the two methods'
pair counts are checked to agree.

    python -m benchmarks.bench_basket --runs 5 [--file PATH] [--max-order-size 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.data import ImportOptions, load_dataset  # noqa: E402
from core.recommend import BasketOptions, basket_pairs  # noqa: E402

#: Names the UK online-retail export goes by (UCI "Online Retail", Kaggle copies of it).
UK_NAMES = ("online_retail.csv", "Online Retail.csv", "online_retail.csv.gz", "OnlineRetail.csv",
            "Online Retail.xlsx", "online_retail.xlsx")  # fmt: skip
SHARED = ROOT.parent / "shared" / "data"


def find_uk_file(folder: Path = SHARED) -> Path | None:
    """The UK online-retail file in ``folder``, or ``None``."""
    for name in UK_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def write_orders(path: Path, lines: int = 540_000, products: int = 4_000, seed: int = 0) -> Path:
    """An order-line export shaped like the UK file (see module doc), written to ``path``."""
    rng = np.random.default_rng(seed)
    sizes = np.clip(rng.lognormal(2.9, 0.9, lines // 20), 1, 400).astype(int)
    sizes[rng.choice(len(sizes), 25, replace=False)] = rng.integers(300, 1100, 25)  # giants
    sizes = sizes[np.cumsum(sizes) <= lines]
    order = np.repeat(np.arange(len(sizes)), sizes)
    n = len(order)
    weight = 1.0 / (np.arange(products) + 30.0)  # a few best sellers, a long tail
    popular = rng.choice(products, n, p=weight / weight.sum())
    family = popular // 4  # products come in families of 4 (colours of one design)
    follow = rng.random(n) < 0.45  # a line often picks the previous line's family
    same_order = np.r_[False, order[1:] == order[:-1]]
    prev = np.r_[family[:1], family[:-1]]
    code = np.where(follow & same_order, prev * 4 + rng.integers(0, 4, n), popular) % products
    days = pd.Timestamp("2010-12-01") + pd.to_timedelta(rng.integers(0, 373, len(sizes)), "D")
    hours = pd.to_timedelta(rng.integers(8 * 60, 19 * 60, len(sizes)), "min")
    when = (days + hours).strftime("%m/%d/%Y %H:%M").to_numpy()[order]
    invoice = (536365 + order).astype(str).astype(object)
    cancel = np.isin(order, rng.choice(len(sizes), len(sizes) // 50, replace=False))
    invoice[cancel] = "C" + invoice[cancel]
    stock = np.char.add("2", np.char.zfill((code + 1000).astype(str), 4)).astype(object)
    postage = rng.random(n) < 0.003
    stock[postage] = "POST"
    qty = rng.integers(1, 13, n) * np.where(cancel, -1, 1)
    frame = pd.DataFrame({
        "InvoiceNo": invoice, "StockCode": stock,
        "Description": np.where(postage, "POSTAGE", "ITEM " + stock.astype(str)),
        "Quantity": qty, "InvoiceDate": when, "UnitPrice": np.round(rng.uniform(0.3, 9, n), 2),
        "CustomerID": 12346 + order % 4300, "Country": "United Kingdom",
    })  # fmt: skip
    frame.to_csv(path, index=False)
    return path


def user_lines(path: Path) -> pd.DataFrame:
    """The order lines as a user would screen them: no cancelled invoices, no returns."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding_errors="replace")
    qty = pd.to_numeric(raw["Quantity"], errors="coerce")
    keep = ~raw["InvoiceNo"].str.startswith("C") & (qty > 0) & ~raw["StockCode"].eq("POST")
    return raw.loc[keep, ["InvoiceNo", "StockCode"]].rename(
        columns={"InvoiceNo": "order", "StockCode": "unique_id"}
    )


def pandas_pairs(lines: pd.DataFrame, min_orders: int, max_size: int) -> pd.DataFrame:
    """Pairs the plain pandas way: a self-merge on the order number, then a group-by."""
    lines = lines.drop_duplicates()
    size = lines.groupby("order")["unique_id"].transform("size")
    lines = lines[size <= max_size]
    n_orders = lines["order"].nunique()
    per = lines.groupby("unique_id")["order"].nunique()
    both = lines.merge(lines, on="order")
    both = both[both["unique_id_x"] < both["unique_id_y"]]
    counts = both.groupby(["unique_id_x", "unique_id_y"]).size().rename("orders").reset_index()
    counts = counts[counts["orders"] >= min_orders]
    na, nb = counts["unique_id_x"].map(per), counts["unique_id_y"].map(per)
    counts["support"] = counts["orders"] / n_orders
    counts["confidence"], counts["confidence_back"] = counts["orders"] / na, counts["orders"] / nb
    counts["lift"] = counts["orders"] * n_orders / (na * nb)
    return counts


def _agree(ours: pd.DataFrame, merged: pd.DataFrame) -> bool:
    """Both methods give every pair the same count, support, confidences and lift."""
    half = ours[ours["unique_id"] < ours["partner"]]
    both = half.merge(merged, left_on=["unique_id", "partner"],
                      right_on=["unique_id_x", "unique_id_y"], suffixes=("", "_pd"))  # fmt: skip
    return len(both) == len(merged) and all(
        np.allclose(both[a], both[b])
        for a, b in (("orders_together", "orders"), ("support", "support_pd"),
                     ("confidence", "confidence_pd"), ("confidence_back", "confidence_back_pd"),
                     ("lift", "lift_pd"))
    )  # fmt: skip


def _timed(fn, runs: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=540_000)
    parser.add_argument("--products", type=int, default=4_000)
    parser.add_argument("--min-orders", type=int, default=5)
    parser.add_argument("--max-order-size", type=int, default=100)
    args = parser.parse_args()
    path = args.file or find_uk_file()
    generated = path is None
    if generated:
        path = write_orders(Path(tempfile.mkdtemp()) / "orders.csv", args.lines, args.products)
    t0 = time.perf_counter()
    dataset = load_dataset(path, ImportOptions(id_cols=["StockCode"]))
    import_s = time.perf_counter() - t0
    lines = user_lines(path)
    # every pair (no lift cut, no top-k) so the two methods count the same thing
    opts = BasketOptions(min_orders=args.min_orders, max_order_size=args.max_order_size,
                         top=10**9, min_lift=0.0)  # fmt: skip
    ours, result = _timed(lambda: basket_pairs(dataset.orders, opts), args.runs)
    strings, _ = _timed(lambda: basket_pairs(lines, opts), args.runs)
    default = BasketOptions(min_orders=args.min_orders, max_order_size=args.max_order_size)
    shown, _ = _timed(lambda: basket_pairs(dataset.orders, default), args.runs)
    theirs, merged = _timed(lambda: pandas_pairs(lines, args.min_orders, args.max_order_size),
                            args.runs)  # fmt: skip
    same = len(result.pairs) // 2 == len(merged) and _agree(result.pairs, merged)
    kind = "generated (no UK file found)" if generated else path.name
    print(
        f"file: {kind}; {len(lines):,} order lines kept, {result.n_orders:,} orders, "
        f"{result.n_products:,} products, {result.skipped_orders} orders over "
        f"{args.max_order_size} products left out; import {import_s:.1f} s; {args.runs} runs"
    )
    print(
        f"pairs in >= {args.min_orders} orders: ours {len(result.pairs) // 2:,}, "
        f"self-merge {len(merged):,} ({'same' if same else 'DIFFERENT'})"
    )
    print("| method | median (s) | min | max |\n|---|---|---|---|")
    for label, vals in (("basket_pairs on the import's order codes", ours),
                        ("basket_pairs, defaults (top 10 per product, lift > 1)", shown),
                        ("basket_pairs on the order-number strings", strings),
                        ("pandas self-merge on the order number", theirs)):  # fmt: skip
        print(f"| {label} | {statistics.median(vals):.3f} | {min(vals):.3f} | {max(vals):.3f} |")


if __name__ == "__main__":
    main()
