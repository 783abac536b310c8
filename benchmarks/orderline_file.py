"""Generated order-line exports of any size, shaped like a UK online gift shop's.

The columns and cell forms of the well-known order-line export of a UK online gift
retailer (``InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,
Country``): invoices numbered from 536365 with 1 to 30 lines each, about 2% of them
cancelled (``C536379``, negative quantities); stock codes such as ``85123A`` or
``22423`` with Zipf-like popularity; a few lines that are not products (``POST``,
``DOT``, ``M``, ``D``, ``BANK CHARGES``); upper-case descriptions, some with commas
inside (quoted); dates written ``12/1/2010 8:26`` that advance over about two years of
opening hours; prices such as ``2.55``; customer numbers written ``17850.0`` or left
empty; mostly ``United Kingdom``.

The file is written in blocks of invoices, each block built with numpy lookups into
tables of ready-made cells, so memory stays small whatever the size and 2 GiB take
seconds. The same seed, size and product count give the same bytes.

    python -m benchmarks.orderline_file /tmp/orders.csv --size 2G
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

__all__ = [
    "DATE_FORMAT",
    "HEADER",
    "NON_PRODUCTS",
    "OrderlineFile",
    "orderline_sums",
    "parse_size",
    "write_orderlines",
]

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
#: How InvoiceDate is written (month first, hours and days without a leading zero).
DATE_FORMAT = "%m/%d/%Y %H:%M"
#: Lines that are not products: code, description, price, share of all lines.
NON_PRODUCT_LINES = (
    ("POST", "POSTAGE", 18.0, 0.0025),
    ("DOT", "DOTCOM POSTAGE", 11.77, 0.0012),
    ("M", "Manual", 0.85, 0.0008),
    ("D", "Discount", 5.76, 0.0002),
    ("BANK CHARGES", "Bank Charges", 15.0, 0.0001),
)
NON_PRODUCTS = frozenset(code for code, *_ in NON_PRODUCT_LINES)
FIRST_INVOICE = 536365
CANCELLED_SHARE = 0.02
#: Invoices generated at once (about 14 MB of text).
BLOCK_INVOICES = 10_000
OPEN_MINUTES = 12 * 60  # 8:00 to 20:00
QUANTITIES = np.array([1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 18, 20, 24, 36, 48, 72, 96, 144])
QUANTITY_WEIGHTS = np.array([22, 14, 6, 6, 2, 9, 5, 4, 12, 2, 1, 2, 8, 1, 2, 1, 2, 1], float)
PRICES = (0.19, 0.29, 0.42, 0.55, 0.65, 0.72, 0.85, 1.25, 1.45, 1.65, 1.95, 2.1, 2.55,
          2.95, 3.25, 3.75, 4.25, 4.95, 5.95, 6.75, 7.95, 8.5, 9.95, 12.75, 14.95, 18.0)  # fmt: skip
COUNTRIES = ("Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium", "Switzerland",
             "Portugal", "Australia", "Norway", "Italy", "Channel Islands", "Finland",
             "Cyprus", "Sweden", "Denmark", "Japan", "Poland", "USA", "Israel")  # fmt: skip
COLOURS = ("WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "CREAM", "BLACK", "SILVER",
           "GOLD", "PANTRY", "VINTAGE", "RETROSPOT", "POLKADOT", "SKULLS", "UNION JACK",
           "WOODLAND", "REGENCY", "PAISLEY", "SPACEBOY", "DOLLY GIRL", "CHARLOTTE")  # fmt: skip
MAKINGS = ("HANGING", "GLASS", "CERAMIC", "ENAMEL", "WOODEN", "METAL", "PAPER", "FELT",
           "ZINC", "WICKER", "LACE", "JUMBO", "MINI", "ANTIQUE", "FROSTED", "HEART")  # fmt: skip
THINGS = ("T-LIGHT HOLDER", "LANTERN", "MUG", "BAG", "CAKE CASES", "TEA SET", "DOORMAT",
          "HOT WATER BOTTLE", "ALARM CLOCK", "LUNCH BOX", "PHOTO FRAME", "CANDLE",
          "BUNTING", "NOTEBOOK", "PURSE", "CUSHION COVER", "COAT HANGER", "STORAGE JAR",
          "CAKE STAND", "PLATE", "BOWL", "BAKING SET", "PARTY BAG", "SIGN", "BIRD HOUSE",
          "WALL CLOCK", "CHRISTMAS DECORATION", "GIFT WRAP", "HAND WARMER", "NAPKINS")  # fmt: skip
SETS = ("", "", "", "", "SET OF 3 ", "SET OF 6 ", "SET 2 ", "PACK OF 12 ", "PACK OF 72 ")
EXTRAS = (", ASSORTED", ", SMALL", ", LARGE", ", 2 COLOURS", ' 12"', " 50'S")


@dataclass(frozen=True)
class OrderlineFile:
    """What :func:`write_orderlines` wrote: the path, its bytes and lines (without the
    header) and the invoices begun."""

    path: Path
    size_bytes: int
    lines: int
    invoices: int


def parse_size(text: str) -> int:
    """``"2G"`` -> 2 GiB, ``"512M"``, ``"64K"`` or plain bytes (binary multiples)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 2G, 512M, 1000000)")
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * 1024**power)


def _cell(text: str) -> str:
    """A CSV cell: quoted (quotes doubled) when it holds a comma or a quote."""
    return f'"{text.replace(chr(34), 2 * chr(34))}"' if ("," in text or '"' in text) else text


def _price(value: float) -> bytes:
    return repr(round(value, 2)).encode()


@dataclass(frozen=True)
class _Tables:
    """Ready-made cells (each with the comma or line end that follows it)."""

    products: np.ndarray  # b"85123A,WHITE HANGING HEART T-LIGHT HOLDER,"
    cdf: np.ndarray  # popularity of each product, cumulated
    prices: np.ndarray  # 2 per product: single and bulk (12 or more) price
    quantities: np.ndarray  # positive values, then the same negated
    customers: np.ndarray  # b"17850.0,United Kingdom\n" or b",United Kingdom\n"
    days: np.ndarray  # b"12/1/2010 " for each trading day
    times: np.ndarray  # b"8:26," for each minute of the opening hours
    two_years: int  # trading days from 1 December 2010 to 30 November 2012


def _products(rng: np.random.Generator, n: int) -> list[tuple[str, str, float]]:
    numbers = rng.choice(np.arange(10002, 90215), size=n, replace=False)
    suffix = rng.choice(list("ABCDEFGHJKLNPSWY"), size=n)
    has_suffix = rng.random(n) < 0.25
    out = []
    for number, letter, with_letter in zip(numbers, suffix, has_suffix, strict=True):
        parts = [
            str(rng.choice(SETS)),
            str(rng.choice(COLOURS)) + " " if rng.random() < 0.7 else "",
            str(rng.choice(MAKINGS)) + " " if rng.random() < 0.6 else "",
            str(rng.choice(THINGS)),
            str(rng.choice(EXTRAS)) if rng.random() < 0.08 else "",
        ]
        price = float(rng.choice(PRICES[:-3])) if rng.random() < 0.97 else float(PRICES[-1])
        out.append((f"{number}{letter if with_letter else ''}", "".join(parts), price))
    return out


def _tables(seed: int, n_products: int) -> _Tables:
    rng = np.random.default_rng([seed, 1])
    items = _products(rng, n_products)
    weight = 1.0 / np.arange(1, n_products + 1) ** 0.9
    weight = rng.permutation(weight)
    other = np.array([share for *_, share in NON_PRODUCT_LINES])
    weight = np.concatenate([weight / weight.sum() * (1 - other.sum()), other])
    items += [(code, text, price) for code, text, price, _ in NON_PRODUCT_LINES]
    products = np.array([f"{code},{_cell(text)},".encode() for code, text, _ in items], object)
    prices = [_price(p * f) + b"," for _, _, p in items for f in (1.0, 0.85 if p > 0.3 else 1)]
    customers = [f"{12346 + k}.0,".encode() for k in range(4400)] + [b","] * 1100
    countries = np.where(rng.random(len(customers)) < 0.9, 0, rng.integers(1, 21, 5500))
    places = ("United Kingdom", *COUNTRIES)
    days = np.arange("2010-12-01", "2013-12-01", dtype="datetime64[D]")
    days = days[((days.astype(int) + 3) % 7 != 5) & ~_closed(days)]  # shut on Saturdays
    minutes = np.arange(OPEN_MINUTES) + 8 * 60
    return _Tables(
        products=products,
        cdf=np.cumsum(weight) / weight.sum(),
        prices=np.array(prices, object),
        quantities=np.array([f"{q},".encode() for q in (*QUANTITIES, *-QUANTITIES)], object),
        customers=np.array(
            [c + places[k].encode() + b"\n" for c, k in zip(customers, countries, strict=True)],
            object,
        ),
        days=np.array([_day(d) for d in days.tolist()], object),
        times=np.array([f"{m // 60}:{m % 60:02d},".encode() for m in minutes], object),
        two_years=int((days < np.datetime64("2012-12-01")).sum()),
    )


def _closed(days: np.ndarray) -> np.ndarray:
    """The Christmas closure, 23 December to 3 January."""
    month_day = (days - days.astype("datetime64[M]")).astype(int) + 1
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    return ((month == 12) & (month_day >= 23)) | ((month == 1) & (month_day <= 3))


def _day(day) -> bytes:
    return f"{day.month}/{day.day}/{day.year} ".encode()


def _block(rng: np.random.Generator, tab: _Tables, first: int, n: int, step: float) -> bytes:
    """The lines of invoices ``first`` .. ``first + n - 1`` (0 = invoice 536365)."""
    cancelled = rng.random(n) < CANCELLED_SHARE
    n_lines = np.where(cancelled, rng.integers(1, 4, n), rng.integers(1, 31, n))
    number = np.arange(first, first + n) + FIRST_INVOICE
    invoice = np.array(
        [
            (b"C%d," if c else b"%d,") % k
            for k, c in zip(number.tolist(), cancelled.tolist(), strict=True)
        ],
        object,
    )
    minute = (26 + np.arange(first, first + n) * step).astype(np.int64)
    day = np.minimum(minute // OPEN_MINUTES, len(tab.days) - 1)
    when = tab.days[day] + tab.times[minute % OPEN_MINUTES]
    customer = rng.integers(0, len(tab.customers), n)
    of = np.repeat(np.arange(n), n_lines)
    product = np.searchsorted(tab.cdf, rng.random(len(of)), side="right")
    product = np.minimum(product, len(tab.products) - 1)
    q = np.searchsorted(np.cumsum(QUANTITY_WEIGHTS), rng.random(len(of)) * QUANTITY_WEIGHTS.sum())
    bulk = QUANTITIES[q] >= 12
    cells = np.empty((len(of), 6), dtype=object)
    cells[:, 0] = invoice[of]
    cells[:, 1] = tab.products[product]
    cells[:, 2] = tab.quantities[q + len(QUANTITIES) * cancelled[of]]
    cells[:, 3] = when[of]
    cells[:, 4] = tab.prices[2 * product + bulk]
    cells[:, 5] = tab.customers[customer[of]]
    return b"".join(cells.ravel().tolist())


def write_orderlines(
    path: str | Path, size_bytes: int, seed: int = 0, products: int = 4000
) -> OrderlineFile:
    """Write an order-line CSV of about ``size_bytes`` (never more) to ``path``.

    Parameters
    ----------
    path
        Where to write (UTF-8, ``\\n`` line ends); parent folders are made.
    size_bytes
        Target size; the file stops at the last whole line that fits.
    seed
        Random seed: the same seed, size and ``products`` give the same bytes.
    products
        Distinct product codes, besides the five codes that are not products.

    Returns
    -------
    OrderlineFile
        The path, bytes and lines written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tab = _tables(seed, products)
    sample = _block(np.random.default_rng([seed, 2]), tab, 0, 2000, 0.0)
    per_invoice = len(sample) / 2000
    step = tab.two_years * OPEN_MINUTES / max(size_bytes / per_invoice, 1.0)
    rng = np.random.default_rng([seed, 3])
    head = (HEADER + "\n").encode()
    written, lines, first = len(head), 0, 0
    with path.open("wb") as fh:
        fh.write(head)
        while written < size_bytes:
            block = _block(rng, tab, first, BLOCK_INVOICES, step)
            first += BLOCK_INVOICES
            if written + len(block) > size_bytes:
                block = block[: block.rfind(b"\n", 0, size_bytes - written) + 1]
                written = size_bytes  # the last block: stop after it
                if block:
                    last = block[block.rfind(b"\n", 0, len(block) - 1) + 1 :]
                    first = int(last.split(b",", 1)[0].lstrip(b"C")) - FIRST_INVOICE + 1
            fh.write(block)
            written += len(block)
            lines += block.count(b"\n")
    return OrderlineFile(path, path.stat().st_size, lines, first)


def orderline_sums(path: str | Path) -> dict[tuple[str, str], int]:
    """Units per (StockCode, ISO day) of the product lines of invoices that are not
    cancelled, read with the :mod:`csv` module: the reference for small files."""
    sums: dict[tuple[str, str], int] = defaultdict(int)
    with Path(path).open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["InvoiceNo"].startswith("C") or row["StockCode"] in NON_PRODUCTS:
                continue
            day = datetime.strptime(row["InvoiceDate"], DATE_FORMAT).date().isoformat()
            sums[row["StockCode"], day] += int(row["Quantity"])
    return dict(sums)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="2G", help="e.g. 2G, 512M (binary multiples)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--products", type=int, default=4000)
    args = parser.parse_args()
    info = write_orderlines(args.out, parse_size(args.size), args.seed, args.products)
    print(f"{info.path}: {info.size_bytes:,} bytes, {info.lines:,} lines")


if __name__ == "__main__":
    main()
