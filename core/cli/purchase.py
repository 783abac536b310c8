"""The ``orders`` command: purchase orders by supplier from the reorder advice.

``python main.py orders FILE --suppliers S.csv --po-layout generic|jushuitan|wangdiantong
[--layout-file F] [--budget N] --out orders.xlsx|.csv`` makes the advice exactly as
``recommend`` does (same import, cleaning, inventory, stock and model flags:
:func:`core.cli.decide.add_advice_args`), then one order per supplier
(:func:`core.recommend.build_orders`) written in the chosen column layout
(:func:`core.recommend.write_orders`). The flag is ``--po-layout`` because ``--layout``
already names the sales file's layout (long, wide, orders).
"""

from __future__ import annotations

import argparse

from core.cli.decide import add_advice_args, run_advice
from core.recommend import (
    PRESETS,
    PurchaseOptions,
    build_orders,
    last_prices,
    read_layout,
    write_orders,
)
from core.text import pick

__all__ = ["COMMANDS", "add_purchase_commands"]


def add_purchase_commands(sub, common) -> None:
    """Register ``orders`` on the subparsers ``sub``."""
    p = sub.add_parser("orders", parents=[common],
                       help="purchase orders by supplier, for Excel or an ERP upload")  # fmt: skip
    add_advice_args(p)
    g = p.add_argument_group("purchase orders")
    g.add_argument("--po-layout", default="generic", choices=list(PRESETS),
                   help="columns of the file: generic (bilingual), jushuitan (聚水潭), "
                        "wangdiantong (旺店通); default generic")  # fmt: skip
    g.add_argument("--layout-file", help="your own columns: JSON {\"header\": \"field\"} or a "
                                         "two-column CSV/XLSX (header, field)")  # fmt: skip
    g.add_argument("--budget", type=float, help="cash for all orders together")
    g.add_argument("--order-date", help="date the orders are placed (default: first forecast day)")
    g.add_argument("--warehouse", default="", help="receiving warehouse code (旺店通 收货仓编号)")
    g.add_argument("--buyer", default="", help="buyer name (采购员)")
    p.add_argument("--out", required=True, help="output .csv or .xlsx")


def cmd_orders(args: argparse.Namespace) -> int:
    run = run_advice(args)
    dataset = run.dataset
    layout = args.po_layout
    if args.layout_file:
        layout = read_layout(args.layout_file, extra_fields=dataset.mapping.ids)
    purchase = PurchaseOptions(order_date=args.order_date or run.forecast["ds"].min(),
                               budget=args.budget, warehouse=args.warehouse,
                               buyer=args.buyer)  # fmt: skip
    orders = build_orders(run.table, run.suppliers, run.options, purchase,
                          products=dataset.series, prices=last_prices(run.frames.frame))  # fmt: skip
    paths = write_orders(orders, args.out, layout, args.lang)
    for line in orders.describe(args.lang):
        print(line)
    print(pick(args.lang, f"Written to {', '.join(map(str, paths))}",
               f"已写入 {'、'.join(map(str, paths))}"))  # fmt: skip
    if run.suppliers is None:
        print(pick(args.lang, "No supplier table (--suppliers): one order without a supplier, "
                              "no unit costs.",
                   "未提供供应商表（--suppliers）：所有商品合为一张无供应商、无单价的采购单。"))  # fmt: skip
    if not run.stock_given:
        print(pick(args.lang, "No stock figures given (--stock or a 库存 column): stock taken as 0.",
                   "未提供库存（--stock 或 库存 列）：库存按 0 计算。"))  # fmt: skip
    return 0


COMMANDS = {"orders": cmd_orders}
