"""A generated UK gift shop's daily demand with a Christmas peak (issue 17 item 5).

Written for the benchmarks apart from SkuCast's sample shop and from its models: its own
curve shapes, calendar and noise. What it is meant to be like: an online gift wholesaler
selling across the UK, most products intermittent, sold in packs, a shop that grows year
on year and whose year is made by the weeks before Christmas.

* Two years and a bit of days, 2010-12-01 .. 2012-12-09 (a Sunday): a 28-day holdout is
  12 November .. 9 December, the Christmas run-up.
* Shut on Saturdays and from 23 December to 3 January; bank holidays of England at a
  third of a normal day; Sunday at 0.6, Friday at 0.85.
* Each product: an order rate (log-normal, Zipf-like over products: many sell on few
  days), a pack size (1 .. 24) and a per-order quantity of pack x (1 + Poisson), so a
  day's units are a compound Poisson sum; a launch date (a third launch during the data)
  and, for some, a stop; a seasonal class: Christmas products (35 %, the year's peak 2-6
  times the base, centred on 20 Nov .. 10 Dec, 3-6 weeks wide), year-round products
  (50 %, a mild autumn lift) and summer products (15 %, a July bump).
* The whole shop grows by 10-35 % a year (one draw per seed).

Rows: every calendar day from a product's first sale to the end, 0 where nothing sold
(what the import gives once missing days are filled in). Deterministic for a seed.

    python -m benchmarks.giftshop_bed /tmp/giftshop.csv --products 600 --seed 0
"""

from __future__ import annotations

import argparse
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

START, END = pd.Timestamp("2010-12-01"), pd.Timestamp("2012-12-09")
PACKS = np.array([1, 2, 3, 4, 6, 12, 24])
PACK_WEIGHTS = np.array([0.30, 0.12, 0.08, 0.10, 0.15, 0.18, 0.07])
WEEKDAY = np.array([1.1, 1.1, 1.1, 1.05, 0.85, 0.0, 0.6])  # Monday .. Sunday; Saturday shut


def _open_days(days: pd.DatetimeIndex) -> np.ndarray:
    """The shop's day factor: weekday, Christmas closure, bank holidays."""
    factor = WEEKDAY[days.dayofweek]
    month, day = days.month.to_numpy(), days.day.to_numpy()
    factor = np.where(((month == 12) & (day >= 23)) | ((month == 1) & (day <= 3)), 0.0, factor)
    bank = holidays.UK(years=range(START.year, END.year + 1), subdiv="ENG")
    is_bank = np.array([d.date() in bank for d in days])
    return np.where(is_bank, factor / 3.0, factor)


def _bump(doy: np.ndarray, centre: float, width: float) -> np.ndarray:
    """A yearly bump on day of year ``doy`` (wrapping around the new year)."""
    gap = np.abs(doy - centre)
    gap = np.minimum(gap, 365.25 - gap)
    return np.exp(-0.5 * (gap / width) ** 2)


def _season(rng: np.random.Generator, doy: np.ndarray) -> np.ndarray:
    kind = rng.choice(3, p=[0.35, 0.50, 0.15])
    if kind == 0:  # a Christmas product
        centre, width, height = rng.uniform(324, 344), rng.uniform(21, 42), rng.uniform(2, 6)
    elif kind == 1:  # sells all year, a little more in the autumn
        centre, width, height = rng.uniform(290, 330), rng.uniform(40, 70), rng.uniform(0.2, 0.8)
    else:  # a summer product
        centre, width, height = rng.uniform(180, 215), rng.uniform(25, 45), rng.uniform(0.8, 2.5)
    return 1.0 + height * _bump(doy, centre, width)


def giftshop(products: int = 600, seed: int = 0) -> pd.DataFrame:
    """The shop's daily demand: ``unique_id, ds, y`` (see module doc)."""
    rng = np.random.default_rng([seed, 17])
    days = pd.date_range(START, END, freq="D")
    n = len(days)
    shop = _open_days(days)
    doy = days.dayofyear.to_numpy(float)
    growth = rng.uniform(0.10, 0.35)
    trend = (1.0 + growth) ** (np.arange(n) / 365.25)
    rank = rng.permutation(np.arange(1, products + 1))
    rates = 6.0 * rank**-0.75 * np.exp(rng.normal(0.0, 0.5, products))  # orders a day
    frames = []
    for k in range(products):
        launch = int(rng.integers(-400, n - 90)) if rng.random() < 0.35 else -400
        stop = int(rng.integers(max(launch, 0) + 120, n + 200)) if rng.random() < 0.2 else n
        alive = (np.arange(n) >= launch) & (np.arange(n) < stop)
        # a new product takes 2-8 weeks to reach its rate
        ramp = np.clip((np.arange(n) - launch) / rng.uniform(14, 56), 0.0, 1.0)
        rate = rates[k] * shop * trend * _season(rng, doy) * ramp * alive
        orders = rng.poisson(rate)
        pack = rng.choice(PACKS, p=PACK_WEIGHTS)
        extra = rng.poisson(0.6 * orders)  # each order 1 + Poisson(0.6) packs
        y = pack * (orders + extra)
        sold = np.flatnonzero(y > 0)
        if sold.size == 0:
            continue
        first = sold[0]
        frames.append(pd.DataFrame({"unique_id": f"G{k:04d}", "ds": days[first:],
                                    "y": y[first:].astype(float)}))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--products", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    frame = giftshop(args.products, args.seed)
    frame.rename(columns={"unique_id": "StockCode", "ds": "Date", "y": "Quantity"}).to_csv(
        args.out, index=False
    )
    print(f"{args.out}: {frame['unique_id'].nunique()} products, {len(frame)} rows")


if __name__ == "__main__":
    main()
