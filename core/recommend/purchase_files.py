"""Purchase order files: the orders of :func:`~core.recommend.purchase.build_orders` as
CSV or XLSX, in a generic layout or an ERP's purchase upload layout.

Files (:func:`write_orders`) are CSV in ``utf-8-sig`` (Excel shows Chinese) or XLSX,
with every text cell that could start a formula neutralised
(:func:`core.data.excel_safe`), in a *layout*: a mapping of output header -> line field
(:data:`~core.recommend.purchase.LINE_FIELDS`; an empty field gives an empty column).
Presets (:data:`PRESETS`):

``generic``
    Bilingual headers (``采购单号 / PO number`` ...). As XLSX, a second sheet holds the
    totals per supplier; as CSV, they go to ``<name>_totals.csv``.
``jushuitan`` (聚水潭)
    ``外部单号, 供应商编码, 采购日期, 商品编码, 数量, 价格, 协议到货时间, 采购员``.
``wangdiantong`` (旺店通)
    ``采购单编号, 供应商编号, 商家编码, 采购数量, 税前单价, 预计到货时间, 收货仓编号,
    预计入库仓库编号, 采购员``.

The preset files hold the order lines only (an upload file must not carry total rows);
their totals go to ``<name>_totals.<ext>``.

Where the preset columns come from, and what is uncertain
---------------------------------------------------------
Neither system's Excel import template was found in public text; the column names are
the Chinese field names of each system's public open-platform documentation for creating
a purchase order, which the import templates follow as far as could be checked:

- 聚水潭: "采购单上传" (``/open/jushuitan/purchase/upload``, openweb.jushuitan.com
  dev-doc docId=27, as described in the open-source jst-java SDK's
  ``JstUploadPurchaseRequest``): header ``supplier_id`` 供应商编码, ``external_id``
  外部单号, ``po_date`` 采购日期, ``purchaser_name`` 采购员; lines ``sku_id`` 商品编码
  (the merchant SKU code, 商家编码), ``qty`` 数量, ``price`` 价格, ``plan_arrive_date``
  协议到货时间.
- 旺店通 (旗舰版): "采购单新建" ``purchase.PurchaseOrder.createOrder``
  (open.wangdian.cn/qjb/open/apidoc): header ``purchase_no`` 采购单编号 (optional),
  ``provider_no`` 供应商编号, ``receive_warehouse_nos`` 收货仓编号,
  ``expect_warehouse_no`` 预计入库仓库编号, ``purchaser_name`` 采购员 (the last three
  required: ``warehouse`` / ``buyer`` options), ``expect_time`` 预计到货时间
  (``2021-07-10 10:35:00``); lines ``spec_no`` 商家编码, ``num`` 采购数量, ``price``
  税前单价.

Uncertain: whether the ERPs' Excel templates use exactly these headers (聚水潭's may say
单价 for 价格 or 计划到货日期 for 协议到货时间), whether they group lines into orders by
外部单号 / 采购单编号 or by supplier, and the date format they accept. 聚水潭's supplier
code is its numeric supplier ID. A layout file (:func:`read_layout`) renames any column.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from core.data import read_table, write_sheets, write_table
from core.errors import InputError
from core.recommend.purchase import LINE_FIELDS, NO_SUPPLIER, TOTAL_FIELDS, PurchaseOrders
from core.text import CELL, pick

__all__ = [
    "PRESETS",
    "layout_for",
    "order_table",
    "read_layout",
    "totals_table",
    "write_orders",
]

_GENERIC = ("order_no", "supplier", "supplier_code", "product_id", "name", "quantity",
            "unit_cost", "line_value", "order_date", "arrival_date", "lead_time")  # fmt: skip
#: Preset layouts: output header -> line field (``generic`` is built in the language asked).
PRESETS: dict[str, dict[str, str] | None] = {
    "generic": None,
    "jushuitan": {"外部单号": "order_no", "供应商编码": "supplier_code", "采购日期": "order_date",
                  "商品编码": "product_id", "数量": "quantity", "价格": "unit_cost",
                  "协议到货时间": "arrival_date", "采购员": "buyer"},
    "wangdiantong": {"采购单编号": "order_no", "供应商编号": "supplier_code",
                     "商家编码": "product_id", "采购数量": "quantity", "税前单价": "unit_cost",
                     "预计到货时间": "arrival_datetime", "收货仓编号": "warehouse",
                     "预计入库仓库编号": "warehouse", "采购员": "buyer"},
}  # fmt: skip


def layout_for(layout: str | dict, lang: str = "both") -> dict[str, str]:
    """Output header -> line field of a preset name or a mapping (checked)."""
    if isinstance(layout, str):
        if layout not in PRESETS:
            raise InputError(f"Unknown layout {layout!r}: use {', '.join(PRESETS)}.",
                             f"未知的列格式 {layout!r}：请使用 {'、'.join(PRESETS)}。")  # fmt: skip
        preset = PRESETS[layout]
        if preset is None:
            return {pick(lang, *LINE_FIELDS[f], sep=CELL): f for f in _GENERIC}
        return dict(preset)
    return dict(layout)


def read_layout(path, extra_fields=()) -> dict[str, str]:
    """A layout file: JSON ``{"header": "field", ...}`` (or a list of pairs), or a CSV/XLSX
    with two columns, header then field. Fields are
    :data:`~core.recommend.purchase.LINE_FIELDS`, the sales file's ID columns
    (``extra_fields``) or empty (an empty column)."""
    path = Path(path)
    name = path.name
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise InputError(f"Cannot read the layout file {name}: {exc}.",
                             f"无法读取列格式文件 {name}：{exc}。") from None  # fmt: skip
        pairs = list(data.items()) if isinstance(data, dict) else data
        if not isinstance(pairs, list) or not all(
            isinstance(p, list | tuple) and len(p) == 2 for p in pairs
        ):
            raise InputError(f"{name}: a layout is an object {{\"header\": \"field\"}}.",
                             f"{name}：列格式应为 {{\"表头\": \"字段\"}} 形式的对象。")  # fmt: skip
    else:
        table = read_table(path).frame
        if table.shape[1] < 2:
            raise InputError(f"{name}: a layout file has two columns, header and field.",
                             f"{name}：列格式文件需要两列：表头和字段。")  # fmt: skip
        pairs = list(zip(table.iloc[:, 0], table.iloc[:, 1].fillna(""), strict=True))
    layout = {str(h).strip(): str(f or "").strip() for h, f in pairs}
    known = set(LINE_FIELDS) | set(extra_fields)
    bad = [f for f in layout.values() if f and f not in known]
    if bad or not layout:
        raise InputError(
            f"{name}: unknown field(s) {', '.join(bad) or '(none given)'}; fields are "
            f"{', '.join(sorted(known))}.",
            f"{name}：未知字段 {'、'.join(bad) or '（未给出）'}；可用字段：{'、'.join(sorted(known))}。",
        )
    return layout


def order_table(orders: PurchaseOrders, layout: dict[str, str]) -> pd.DataFrame:
    """The order lines in ``layout`` (header -> field; empty field: empty column)."""
    lines = orders.lines
    out = pd.DataFrame(index=lines.index)
    for header, fld in layout.items():
        if not fld:
            out[header] = ""
        elif fld == "quantity":
            out[header] = _whole(lines[fld])
        else:
            out[header] = lines.get(fld, "")
    return out


def totals_table(orders: PurchaseOrders, lang: str = "both") -> pd.DataFrame:
    """Totals per order with a grand-total row, headers in ``lang``."""
    t = orders.totals.copy()
    t["supplier"] = [s or pick(lang, *NO_SUPPLIER, sep=CELL) for s in t["supplier"]]
    total = {"order_no": pick(lang, "Total", "合计", sep=CELL), "supplier": "",
             "supplier_code": "", "lines": int(t["lines"].sum()),
             "quantity": float(t["quantity"].sum()), "value": orders.total_value,
             "uncosted": int(t["uncosted"].sum()), "order_date": "",
             "first_arrival": t["first_arrival"].min() if len(t) else "",
             "last_arrival": t["last_arrival"].max() if len(t) else ""}  # fmt: skip
    t = pd.concat([t, pd.DataFrame([total])], ignore_index=True)
    t["quantity"] = _whole(t["quantity"])
    return t.rename(columns={c: pick(lang, *h, sep=CELL) for c, h in TOTAL_FIELDS.items()})


def write_orders(orders: PurchaseOrders, path, layout: str | dict = "generic",
                 lang: str = "both") -> list[Path]:  # fmt: skip
    """Write the order lines in ``layout`` to ``path`` (``.csv``/``.xlsx``) and the totals
    beside them (see module doc); returns the paths written."""
    target = Path(path)
    lines = order_table(orders, layout_for(layout, lang))
    totals = totals_table(orders, lang)
    if layout == "generic" and target.suffix.lower() == ".xlsx":
        sheets = {pick(lang, "Lines", "采购明细", sep=" "): lines,
                  pick(lang, "Totals", "供应商汇总", sep=" "): totals}  # fmt: skip
        return [write_sheets(sheets, target)]
    beside = target.with_name(f"{target.stem}_totals{target.suffix}")
    return [write_table(lines, target), write_table(totals, beside)]


def _whole(values: pd.Series) -> pd.Series:
    v = values.astype(float)
    return v.astype("int64") if np.allclose(v, np.round(v)) and v.notna().all() else v
