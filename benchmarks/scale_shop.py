"""Generated shops of any size for the scaling benchmark (``bench_scale``).

Two years of daily sales for ``n`` products, written as a long CSV the way an ERP exports
it (日期, 商品编码, 类目, 销量; days without sales left out). Each product has its own
level (log-normal, from a fraction of a unit to dozens a day), a life shape drawn from
four families (launched inside the window and rising, flat, fading, rise and fall), a
weekly pattern, a yearly swing for a third of them, a few promotion days and Poisson or
negative binomial noise. Generated with numpy over the whole product × day grid in
batches, so 50,000 products take seconds, not the minutes of the sample generator (whose
products are richer; this shop is about cost, not accuracy).

    python -m benchmarks.scale_shop --products 4000 --out /tmp/shop4000.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_shop"]

DAYS = 730
START = "2024-01-01"
#: Products generated at once (bounded memory at 50,000 products).
BATCH = 2_000


def _shapes(rng: np.random.Generator, n: int, t: np.ndarray) -> np.ndarray:
    """Life shapes in [0, 1] for ``n`` products over days ``t`` (n × days)."""
    kind = rng.integers(0, 4, n)[:, None]
    launch = rng.uniform(-400, 500, n)[:, None]
    rise = rng.uniform(30, 200, n)[:, None]
    fade = rng.uniform(200, 900, n)[:, None]
    age = t[None, :] - launch
    grown = 1.0 / (1.0 + np.exp(-(age - rise) / (rise / 4)))
    faded = np.exp(-np.clip(age - 2 * rise, 0, None) / fade)
    shape = np.where(kind == 0, grown, 1.0)
    shape = np.where(kind == 2, np.exp(-t[None, :] / fade), shape)
    shape = np.where(kind == 3, grown * faded, shape)
    return np.where(age < 0, 0.0, shape)


def _batch(rng: np.random.Generator, first: int, n: int, dates: pd.DatetimeIndex) -> pd.DataFrame:
    t = np.arange(len(dates), dtype=float)
    level = np.exp(rng.normal(0.5, 1.2, n))[:, None]
    weekly = 1 + rng.uniform(0, 0.3, n)[:, None] * np.cos(
        2 * np.pi * (dates.dayofweek.to_numpy()[None, :] - rng.integers(0, 7, n)[:, None]) / 7
    )
    yearly = 1 + (rng.random(n) < 0.33)[:, None] * rng.uniform(0.2, 0.6, n)[:, None] * np.cos(
        2 * np.pi * (t[None, :] - rng.uniform(0, 365, n)[:, None]) / 365.25
    )
    promo = np.where(rng.random((n, len(t))) < 0.01, rng.uniform(1.5, 4), 1.0)
    mean = level * _shapes(rng, n, t) * weekly * yearly * promo
    shape_nb = np.where(rng.random(n) < 0.5, np.inf, rng.uniform(1.5, 8, n))[:, None]
    gamma = np.where(
        np.isinf(shape_nb),
        1.0,
        rng.gamma(np.where(np.isinf(shape_nb), 1, shape_nb))
        / np.where(np.isinf(shape_nb), 1, shape_nb),
    )
    qty = rng.poisson(mean * gamma)
    rows, cols = np.nonzero(qty)
    codes = np.array([f"SKU{first + i:06d}" for i in range(n)])
    cats = np.array([f"类目{(first + i) % 20:02d}" for i in range(n)])
    return pd.DataFrame(
        {
            "日期": dates[cols].strftime("%Y-%m-%d"),
            "商品编码": codes[rows],
            "类目": cats[rows],
            "销量": qty[rows, cols],
        }
    )


def write_shop(n: int, out: Path, seed: int = 7) -> Path:
    """Write a shop of ``n`` products to ``out`` (CSV, UTF-8); returns ``out``."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(START, periods=DAYS, freq="D")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        for k, first in enumerate(range(0, n, BATCH)):
            part = _batch(rng, first, min(BATCH, n - first), dates)
            part.sort_values(["日期", "商品编码"]).to_csv(fh, index=False, header=k == 0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(write_shop(args.products, args.out, args.seed))


if __name__ == "__main__":
    main()
