"""The ``basket`` command: the products bought together in the same orders (联合购买).

``python main.py basket FILE [--product ID] [--min-orders N] [--top K] --out pairs.csv``
reads order lines with the import and cleaning flags of ``inspect`` and writes each
product's partners (:func:`core.recommend.basket_pairs`: orders together, support,
confidence both ways, lift), or one product's with ``--product``. A file without an
order-number column cannot tell which products share an order: exit code 2, with the
columns it would need.
"""

from __future__ import annotations

import argparse

import pandas as pd

from core.cli.common import (
    EXIT_OK,
    add_cleaning_args,
    add_import_args,
    import_file,
    positive,
)
from core.data import write_table
from core.errors import InputError
from core.recommend import BasketOptions, basket_pairs
from core.text import pick

__all__ = ["COMMANDS", "add_basket_command"]

_ROUND = {"support": 5, "confidence": 4, "confidence_back": 4, "lift": 2}


def add_basket_command(sub, common) -> None:
    """Register ``basket`` on the subparsers ``sub``."""
    p = sub.add_parser("basket", parents=[common],
                       help="products bought together in the same orders")  # fmt: skip
    add_import_args(p)
    add_cleaning_args(p)
    g = p.add_argument_group("bought together")
    g.add_argument("--product", help="only this product's partners (its ID as in the file)")
    g.add_argument("--min-orders", type=positive, default=5,
                   help="orders a pair must share to be listed (default 5)")  # fmt: skip
    g.add_argument("--top", type=positive, default=10, help="partners per product (default 10)")
    g.add_argument("--max-order-size", type=positive, default=100,
                   help="leave out orders with more products than this (default 100)")  # fmt: skip
    p.add_argument("--out", required=True, help="output .csv or .xlsx")


def _no_orders(path: str, columns: list[str]) -> InputError:
    listed = ", ".join(columns[:12]) + (f" (+{len(columns) - 12})" if len(columns) > 12 else "")
    return InputError(
        f"{path} has no order numbers: 'bought together' needs order lines, one line per "
        "product, with an order-number column (a header like InvoiceNo, Order ID, 订单号) "
        f"beside the date, product and quantity columns. Columns found: {listed}.",
        f"{path} 中没有订单号：“联合购买”需要订单明细（每个商品一行），并带有订单号列"
        f"（表头如 订单号、订单编号、InvoiceNo、Order ID），以及日期、商品和数量列。"
        f"文件中的列：{listed}。",
    )


def _product(dataset, wanted: str) -> str:
    """The ``unique_id`` of ``--product``: as written, else ignoring case and spaces."""
    ids = dataset.series["unique_id"].astype(str)
    if (ids == wanted).any():
        return wanted
    loose = ids[ids.str.strip().str.casefold() == wanted.strip().casefold()]
    if len(loose):
        return str(loose.iloc[0])
    examples = ", ".join(ids.head(5))
    raise InputError(
        f"No product '{wanted}' in the file (IDs look like {examples}).",
        f"文件中没有商品“{wanted}”（商品 ID 形如 {examples}）。",
    )


def _table(pairs: pd.DataFrame, dataset) -> pd.DataFrame:
    """The pairs for a spreadsheet: the source's ID columns and product names first."""
    out = pairs.copy()
    for col, digits in _ROUND.items():
        out[col] = out[col].round(digits)
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    names = "name" in dataset.series.columns
    keys = dataset.series[["unique_id", *ids, *(["name"] if names else [])]]
    out = keys.merge(out, on="unique_id", how="right")
    if names:
        partner_names = dataset.series.set_index("unique_id")["name"]
        out.insert(out.columns.get_loc("partner") + 1, "partner_name",
                   out["partner"].map(partner_names).fillna(""))  # fmt: skip
    return out.drop(columns="unique_id") if len(ids) == 1 else out


def _top_lines(pairs: pd.DataFrame, lang: str, n: int = 5) -> list[str]:
    """The pairs sharing the most orders, each once."""
    a, b = pairs["unique_id"].astype(str), pairs["partner"].astype(str)
    first = a.where(a < b, b)
    best = pairs.assign(_a=first, _b=a.where(a >= b, b))
    best = best.sort_values(["orders_together", "lift"], ascending=False, kind="stable")
    best = best.drop_duplicates(["_a", "_b"]).head(n)
    return [pick(lang, f"  {r.unique_id} + {r.partner}: {r.orders_together} orders, "
                       f"lift {r.lift:.1f}, confidence {r.confidence:.0%}",
                 f"  {r.unique_id} + {r.partner}：{r.orders_together} 个订单，提升度 {r.lift:.1f}，"
                 f"置信度 {r.confidence:.0%}") for r in best.itertuples()]  # fmt: skip


def cmd_basket(args: argparse.Namespace) -> int:
    options = BasketOptions(min_orders=args.min_orders, max_order_size=args.max_order_size,
                            top=args.top)  # fmt: skip
    imported = import_file(args)
    dataset = imported.cleaning.dataset
    if dataset.orders is None:
        raise _no_orders(args.file, imported.columns)
    product = _product(dataset, args.product) if args.product else None
    result = basket_pairs(dataset.orders, options)
    pairs = result.partners(product) if product else result.pairs
    write_table(_table(pairs, dataset), args.out)
    for line in result.describe(args.lang):
        print(line)
    if product and not len(pairs):
        print(pick(args.lang,
                   f"{product} shares no order with any product {options.min_orders} times or "
                   "more (at a lift above 1)",
                   f"{product} 与任何商品同时购买都不足 {options.min_orders} 个订单（或提升度不高于 1）"))  # fmt: skip
    elif len(pairs):
        print(pick(args.lang, "Bought together most often:", "最常一起购买："))
        for line in _top_lines(pairs, args.lang):
            print(line)
    print(pick(args.lang, f"{len(pairs)} rows written to {args.out}",
               f"已将 {len(pairs)} 行写入 {args.out}"))  # fmt: skip
    return EXIT_OK


COMMANDS = {"basket": cmd_basket}
