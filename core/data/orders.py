"""What order lines mean: cancellations, returns and lines that are not products.

Order exports hold more than sales. Cancelled invoices (``C536379``: numbers starting with
``C``) and lines with negative quantities (returns, refunds) are not demand; summed per
day with the sales they would hide real demand or, on a later day, push it below zero.
Lines for postage (``POST``, ``DOT``, 运费, 邮费), discounts (``D``), manual corrections
(``M``), fees (``BANK CHARGES``, ``AMAZONFEE``) and gift vouchers (``gift_0001_20``) are
not products at all. :func:`screen_order_lines` recognises both from the invoice numbers,
product codes and descriptions, leaves them out and reports each kind with its count and
rows; ``keep_non_products`` (``--keep-non-products``) keeps the non-product lines.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.data.dataset import ColumnMapping
from core.data.report import Report
from core.errors import InputError

__all__ = ["cancelled_invoices", "non_product_lines", "order_baskets", "screen_order_lines"]

#: Product codes that name a charge, a correction or a voucher, not goods.
_CODE = re.compile(
    r"(?:post|dot|c2|cruk|pads|amazonfee|amazon fee|bank charges?|adjust\d*|test\d*|"
    r"gift_\d+_\d+|运费|邮费|快递费|运费险|差价|补差价|手续费|包装费|打包费)",
    re.IGNORECASE,
)
#: One-letter codes (D discount, M manual, B bad debt, S samples): only in files whose
#: real product codes carry digits, where a bare letter cannot be a product.
_LETTER = re.compile(r"[dmbs]", re.IGNORECASE)
_NAME = re.compile(
    r"(?:postage|dotcom postage|carriage|discount|manual|bank charges?|amazon fee|"
    r"adjust bad debt|samples?|cruk commission|gift voucher.*|packing charges?|"
    r"shipping(?: fee| charges?)?|delivery(?: fee| charges?)?|"
    r"(?:补|拍)?(?:运费|邮费|快递费|运费险|差价|补差价|手续费|包装费|打包费)"
    r"(?:补拍|专拍|链接|专用)?)",
    re.IGNORECASE,
)
_INVOICE = re.compile(r"^[Cc]?\d{4,}$")


def _stripped(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(column)
    return codes, np.array([str(u).strip() for u in uniques], dtype=object)


def non_product_lines(
    table: pd.DataFrame, mapping: ColumnMapping, factors: dict | None = None
) -> tuple[np.ndarray, list]:
    """Mask of lines whose code or description names no product, and their labels.

    ``factors`` may give an ID column's codes and stripped distinct values
    (``pd.factorize`` order) when the caller has them already.
    """
    mask = np.zeros(len(table), dtype=bool)
    labels = np.full(len(table), "", dtype=object)
    for col in mapping.ids:
        codes, text = (factors or {}).get(col) or _stripped(table[col])
        digits = np.mean([any(ch.isdigit() for ch in t) for t in text]) if len(text) else 0.0
        hit = np.array(
            [bool(_CODE.fullmatch(t)) or (digits >= 0.8 and bool(_LETTER.fullmatch(t)))
             for t in text], dtype=bool,
        )  # fmt: skip
        if hit.any():
            rows = hit[codes] & ~mask
            labels[rows] = text[codes[rows]]
            mask |= rows
    if mapping.name:
        codes, uniques = pd.factorize(table[mapping.name])
        text = [str(u).strip() for u in uniques]
        hit = np.array([bool(_NAME.fullmatch(t)) for t in text], dtype=bool)
        if hit.any():
            rows = hit[codes] & ~mask
            labels[rows] = np.array(text, dtype=object)[codes[rows]]
            mask |= rows
    return mask, labels


def _invoice_column(table: pd.DataFrame, mapping: ColumnMapping, hints: dict) -> str | None:
    """The order-number column: named by the headers, else the one of numbers like C536379."""
    if hints.get("order"):
        return hints["order"]
    used = {mapping.date, mapping.target, *mapping.ids, *mapping.features}
    used |= {getattr(mapping, r) for r in ("price", "revenue", "promo", "stock", "name")}
    for col in table.columns:
        if col in used:
            continue
        sample = table[col].head(2000).astype(str).str.strip()
        looks = len(sample) and sample.str.match(_INVOICE).mean() >= 0.95
        if looks and cancelled_invoices(table[col]).any():
            return col
    return None


def cancelled_invoices(column: pd.Series) -> np.ndarray:
    """Lines of cancelled invoices: order numbers written ``C`` + digits (``C536379``)."""
    codes, uniques = pd.factorize(column)
    hit = np.array([bool(re.match(r"^[Cc]\d", str(u).strip())) for u in uniques], dtype=bool)
    return hit[codes] if hit.size else np.zeros(len(column), dtype=bool)


def screen_order_lines(
    frame: pd.DataFrame,
    table: pd.DataFrame,
    mapping: ColumnMapping,
    hints: dict,
    is_orders: bool,
    keep_non_products: bool,
    report: Report,
    factors: dict | None = None,
    refuse_empty: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leave out cancellations, returns and non-product lines (see module doc).

    ``frame`` (the canonical rows) and ``table`` (the source cells) are row-aligned and are
    returned filtered alike. Returns are only told apart in order lines (``is_orders``): in
    a table of daily totals a negative value is a correction that cleaning reports.
    ``factors`` passes the ID columns' codes on to :func:`non_product_lines`. With
    ``refuse_empty`` (the default) a table with nothing left is refused.
    """
    rows, y = frame["_row"].to_numpy(), frame["y"].to_numpy()
    drop = np.zeros(len(frame), dtype=bool)
    others, labels = non_product_lines(table, mapping, factors)
    if others.any():
        _report_non_products(report, others, labels, rows, keep_non_products)
        if not keep_non_products:
            drop |= others
    invoice = _invoice_column(table, mapping, hints)
    cancelled = cancelled_invoices(table[invoice]) & ~drop if invoice else np.zeros_like(drop)
    if cancelled.any():
        _report_lines(report, "orders_cancelled", invoice, cancelled, rows, y,
                      ("order lines belong to cancelled invoices (numbers starting with C)",
                       "行订单属于已取消的发票（编号以 C 开头）"))  # fmt: skip
        drop |= cancelled
    returned = (y < 0) & ~drop if is_orders else np.zeros_like(drop)
    if returned.any():
        _report_lines(report, "orders_returned", mapping.target, returned, rows, y,
                      ("order lines have negative quantities (returns or refunds)",
                       "行订单数量为负（退货或退款）"))  # fmt: skip
        drop |= returned
    if not drop.any():
        return frame, table
    if drop.all() and refuse_empty:
        raise InputError(
            "No product sales are left once cancellations, returns and non-product lines "
            "(postage, discounts, fees) are left out.",
            "去除取消、退货和非商品行（运费、折扣、手续费）后，没有剩余的商品销售。",
        )
    return frame.loc[~drop], table.loc[~drop]


def order_baskets(
    frame: pd.DataFrame, table: pd.DataFrame, mapping: ColumnMapping, hints: dict
) -> pd.DataFrame | None:
    """Which products each order holds, for "bought together" (:mod:`core.recommend.basket`).

    ``frame`` and ``table`` are the row-aligned lines :func:`screen_order_lines` kept (so
    cancelled invoices, returns and non-product lines are already out). Returns ``None``
    when no column holds order numbers; else one row per order and product, however many
    lines repeat it: ``order`` (``int32``, the orders numbered 0, 1, .. in order of first
    appearance) and ``unique_id`` (categorical), integer codes rather than strings, so a
    file of a million lines keeps a few MB. Lines without an order number are left out.
    """
    col = _invoice_column(table, mapping, hints)
    if col is None or not len(table):
        return None
    codes, text = _stripped(table[col])
    empty = np.array([t == "" for t in text], dtype=bool)
    ok = codes >= 0
    ok[ok] = ~empty[codes[ok]]
    products = pd.Categorical(frame["unique_id"].to_numpy()[ok])
    # the same number written with and without spaces is one order
    orders = pd.factorize(text)[0][codes[ok]]
    n_products = max(len(products.categories), 1)
    keys = pd.unique(orders.astype(np.int64) * n_products + products.codes)
    order = pd.factorize(keys // n_products)[0].astype(np.int32)
    uid = pd.Categorical.from_codes((keys % n_products).astype(products.codes.dtype),
                                    products.categories)  # fmt: skip
    return pd.DataFrame({"order": order, "unique_id": uid})


def _report_lines(report: Report, code: str, col, mask, rows, y, text) -> None:
    n, units = int(mask.sum()), float(np.nansum(np.abs(y[mask])))
    report.add(
        "info", code, f"{n} {text[0]}: {units:g} units", f"有 {n} {text[1]}：共 {units:g} 件",
        column=col, rows=rows[mask].tolist(),
        action_en="not counted as demand", action_zh="不计入需求",
    )  # fmt: skip


def _report_non_products(report: Report, mask, labels, rows, keep: bool) -> None:
    kinds = pd.Series(labels[mask]).value_counts()
    listed = ", ".join(f"{k} ({n})" for k, n in kinds.head(8).items())
    listed_zh = "、".join(f"{k}（{n}）" for k, n in kinds.head(8).items())
    more = f" (+{len(kinds) - 8})" if len(kinds) > 8 else ""
    n = int(mask.sum())
    report.add(
        "info",
        "non_products_kept" if keep else "non_products",
        f"{n} lines are not products (postage, discounts, fees, vouchers): {listed}{more}",
        f"有 {n} 行不是商品（运费、折扣、手续费、礼券等）：{listed_zh}{more}",
        rows=rows[mask].tolist(),
        action_en="kept as products (--keep-non-products)"
        if keep
        else "left out of the products; --keep-non-products keeps them",
        action_zh="按商品保留（--keep-non-products）"
        if keep
        else "未计入商品；可用 --keep-non-products 保留",
    )
