"""Core work behind the window's Purchase orders page, run by a TaskRunner.

Plain functions (no Qt), each taking ``on_progress`` / ``should_stop`` where the window
runs it in a worker:

- :func:`supplier_task` reads a supplier table, from a file or from the rows the user
  typed (:data:`ROW_COLUMNS`), and resolves it for the products of the data
  (:func:`core.recommend.resolve_suppliers`).
- :func:`supplier_stock` puts the resolved lead time, MOQ, pack size and unit cost into
  the per-product inputs of the advice, as ``recommend --suppliers`` does
  (:meth:`core.recommend.SupplierResolution.merge_into`), first taking out what the
  previous supplier table put there, so a row removed from the table stops counting.
- :func:`orders_task` makes the orders (:func:`core.recommend.build_orders`) and
  :func:`export_task` writes them (:func:`core.recommend.write_orders`).

Rows typed in the window are checked here with their own row numbers (1 = the first
row), then read exactly as a file is: written to a temporary CSV and read by
:func:`core.recommend.read_suppliers`, so both paths obey the same rules.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.data import parse_numbers
from core.errors import CancelledError, InputError
from core.recommend import (
    PurchaseOrders,
    SupplierResolution,
    SupplierTable,
    build_orders,
    read_suppliers,
    resolve_suppliers,
    write_orders,
)

__all__ = [
    "EDITED_NAME",
    "NUMBER_COLUMNS",
    "ROW_COLUMNS",
    "SupplierResult",
    "applied_values",
    "check_rows",
    "empty_rows",
    "export_task",
    "orders_task",
    "parse_budget",
    "supplier_rows",
    "supplier_stock",
    "supplier_task",
]

#: Columns of the supplier rows the window edits: product key (``unique_id``) or
#: category, or neither for the default row, then the supplier's values.
ROW_COLUMNS = ("unique_id", "category", "supplier", "supplier_code", "lead_time", "moq",
               "pack_size", "unit_cost")  # fmt: skip
#: The numeric columns; they are also the per-product inputs the advice reads.
NUMBER_COLUMNS = ("lead_time", "moq", "pack_size", "unit_cost")
_TEXT_COLUMNS = ("unique_id", "category", "supplier", "supplier_code")
#: The name of a table typed in the window (in messages and :attr:`SupplierResult.name`).
EDITED_NAME = "suppliers (edited).csv"


@dataclass
class SupplierResult:
    """What :func:`supplier_task` made.

    Attributes
    ----------
    rows : pandas.DataFrame
        The table as rows of :data:`ROW_COLUMNS` (text cells ``""``, numbers ``NaN``
        where not given): what the window shows and saves.
    resolution : SupplierResolution or None
        ``None`` for a table without rows (no supplier table).
    name : str
        The file's name (or the name of the edited table).
    """

    rows: pd.DataFrame
    resolution: SupplierResolution | None
    name: str


def _check(should_stop) -> None:
    if should_stop is not None and should_stop():
        raise CancelledError()


def empty_rows() -> pd.DataFrame:
    """A supplier table without rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in _TEXT_COLUMNS})
    for col in NUMBER_COLUMNS:
        frame[col] = pd.Series(dtype=float)
    return frame[list(ROW_COLUMNS)]


def supplier_rows(table: SupplierTable) -> pd.DataFrame:
    """``table`` as rows of :data:`ROW_COLUMNS`: product rows, category rows, default row."""
    parts = []
    for frame, key in ((table.products, "unique_id"), (table.categories, "category")):
        part = frame.rename_axis(key).reset_index()
        parts.append(part.assign(**{("category" if key == "unique_id" else "unique_id"): ""}))
    if table.default is not None:
        parts.append(pd.DataFrame([table.default]).assign(unique_id="", category=""))
    rows = pd.concat([empty_rows(), *parts], ignore_index=True)[list(ROW_COLUMNS)]
    return _tidy(rows)


def _tidy(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    for col in _TEXT_COLUMNS:
        out[col] = out[col].fillna("").astype(str).str.strip() if col in out else ""
    for col in NUMBER_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="coerce") if col in out else np.nan
    return out[list(ROW_COLUMNS)].reset_index(drop=True)


def check_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The typed rows, tidied; rows with nothing in them are dropped.

    Raises
    ------
    InputError
        Naming the row (1 = the first) for a number out of range, two rows for one
        product or one category, or two default rows.
    """
    out = _tidy(rows)
    values = out[["supplier", "supplier_code"]].ne("").any(axis=1) | out[list(NUMBER_COLUMNS)].notna().any(axis=1)  # fmt: skip
    out["_row"] = np.arange(1, len(out) + 1)
    out = out[values | out[["unique_id", "category"]].ne("").any(axis=1)]
    limits = {"lead_time": (0, False), "pack_size": (0, False), "moq": (0, True),
              "unit_cost": (0, True)}  # fmt: skip
    for col, (low, equal_ok) in limits.items():
        v = out[col]
        bad = v.notna() & ~((v >= low) if equal_ok else (v > low))
        if bad.any():
            row = int(out.loc[bad, "_row"].iloc[0])
            raise InputError(f"Supplier table, row {row}: {col} {v[bad].iloc[0]:g} is out of range.",
                             f"供应商表第 {row} 行：{col} 为 {v[bad].iloc[0]:g}，超出允许范围。")  # fmt: skip
    keyed = out["unique_id"].ne("")
    for rows_of, col, en, zh in ((out[keyed], "unique_id", "product", "商品"),
                                 (out[~keyed & out["category"].ne("")], "category", "category",
                                  "类目")):  # fmt: skip
        dup = rows_of[rows_of[col].duplicated(keep=False)]
        if len(dup):
            a, b = dup["_row"].iloc[:2]
            raise InputError(f"Supplier table: rows {a} and {b} are both for {en} "
                             f"{dup[col].iloc[0]}; keep one.",
                             f"供应商表：第 {a} 行和第 {b} 行都是{zh} {dup[col].iloc[0]}，请只保留一行。")  # fmt: skip
    default = out[~keyed & out["category"].eq("")]
    if len(default) > 1:
        a, b = default["_row"].iloc[:2]
        raise InputError(f"Supplier table: rows {a} and {b} are both default rows (no product "
                         "and no category); keep one.",
                         f"供应商表：第 {a} 行和第 {b} 行都是默认行（没有商品也没有类目），请只保留一行。")  # fmt: skip
    return out.drop(columns="_row").reset_index(drop=True)


def _read_rows(rows: pd.DataFrame, dataset) -> SupplierTable:
    """Typed rows read as a file is (see module doc)."""
    with tempfile.TemporaryDirectory(prefix="skucast-suppliers-") as folder:
        path = Path(folder) / EDITED_NAME
        rows.to_csv(path, index=False, encoding="utf-8-sig")
        table = read_suppliers(path, dataset)
    table.path = EDITED_NAME
    return table


def supplier_task(source, dataset, *, on_progress=None, should_stop=None) -> SupplierResult:
    """Read and resolve a supplier table: ``source`` is a file path or a DataFrame of
    typed rows (:data:`ROW_COLUMNS`); no rows means no supplier table.

    Raises
    ------
    InputError
        For a file or rows that cannot be used (in both languages).
    """
    if dataset is None:
        raise InputError("Import sales data first.", "请先导入销售数据。")
    if isinstance(source, pd.DataFrame):
        rows = check_rows(source)
        if rows.empty:
            return SupplierResult(rows, None, "")
        table, name = _read_rows(rows, dataset), EDITED_NAME
    else:
        table, name = read_suppliers(source, dataset), Path(source).name
        rows = supplier_rows(table)
    _check(should_stop)
    resolution = resolve_suppliers(table, dataset)
    resolution.path = name
    return SupplierResult(rows, resolution, name)


def applied_values(resolution: SupplierResolution | None) -> pd.DataFrame | None:
    """The per-product values a resolution puts into the advice inputs."""
    if resolution is None:
        return None
    return resolution.table[["unique_id", *NUMBER_COLUMNS]].astype({"unique_id": str})


def supplier_stock(stock: pd.DataFrame | None, resolution: SupplierResolution | None,
                   previous: pd.DataFrame | None = None) -> pd.DataFrame | None:  # fmt: skip
    """The per-product advice inputs ``stock`` with the supplier values of ``resolution``.

    Values equal to what the previous table put there (``previous``:
    :func:`applied_values` of it) are taken out first; a value typed since stays unless
    the new table gives one. ``None`` when nothing is left.
    """
    base = None if stock is None or not len(stock) else stock.copy()
    if base is not None and previous is not None:
        base = base.assign(unique_id=base["unique_id"].astype(str)).set_index("unique_id")
        prev = previous.drop_duplicates("unique_id").set_index("unique_id").reindex(base.index)
        for col in NUMBER_COLUMNS:
            if col in base:
                base.loc[base[col].astype(float).eq(prev[col]).to_numpy(), col] = np.nan
        base = base.reset_index()
    out = base if resolution is None else resolution.merge_into(base)
    if out is None:
        return None
    kept = out.drop(columns="unique_id").notna().any(axis=1)
    out = out.loc[kept, [c for c in out.columns if c == "unique_id" or out[c].notna().any()]]
    return out.reset_index(drop=True) if len(out) else None


def orders_task(advice: pd.DataFrame, resolution: SupplierResolution | None, options,
                purchase, products: pd.DataFrame | None = None, prices: pd.Series | None = None,
                *, on_progress=None, should_stop=None) -> PurchaseOrders:  # fmt: skip
    """One purchase order per supplier from the advice (:func:`core.recommend.build_orders`)."""
    return build_orders(advice, resolution, options, purchase, products=products, prices=prices)


def export_task(orders: PurchaseOrders, path, layout="generic", lang: str = "both", *,
                on_progress=None, should_stop=None) -> list[Path]:  # fmt: skip
    """Write ``orders`` to ``path`` in ``layout`` (:func:`core.recommend.write_orders`)."""
    if orders is None or orders.lines.empty:
        raise InputError("There are no order lines to export.", "没有可导出的采购明细。")
    return write_orders(orders, path, layout, lang)


def parse_budget(text: str) -> float | None:
    """A budget typed as text (``¥12,000``); empty means no limit."""
    if not str(text).strip():
        return None
    values, bad, _ = parse_numbers(pd.Series([str(text)]))
    if np.asarray(bad).any() or not np.isfinite(values.iloc[0]) or values.iloc[0] < 0:
        raise InputError(f"The budget {text!r} is not an amount of 0 or more.",
                         f"预算 {text!r} 不是大于或等于 0 的金额。")  # fmt: skip
    return float(values.iloc[0])
