"""Units sold: read from a quantity column, or counted one per row, then summed per day.

Most exports carry the quantity of each line (:func:`parse_quantities`). Some order
exports (Lazada's among them) have no quantity column: each unit sold is a row of its
own, with its own order-item ID. When the user says so (``ImportOptions.count_rows``,
``--count-rows``) every row is one unit (:func:`counted_units`), and the report says so
plainly, naming any quantity column that was set aside (:func:`report_counted_rows`).
Order lines of one product and day are then added up (:func:`sum_order_lines`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.parsing import parse_numbers
from core.data.report import Report
from core.errors import InputError

__all__ = [
    "add_partial_sums",
    "count_rows_wide_error",
    "counted_units",
    "parse_quantities",
    "finish_sums",
    "partial_sums",
    "report_counted_rows",
    "sum_order_lines",
]


def parse_quantities(
    column: pd.Series, name: str, report: Report, rownum, refuse=True
) -> np.ndarray:
    """The quantities of ``column`` as floats (NaN where empty or not a number).

    Cells that are not numbers and empty cells are reported with their rows
    (``rownum``: the file's row of each cell).

    Raises
    ------
    InputError
        When no cell of the column is a number.
    """
    values, bad, empty = parse_numbers(column)
    if bad.any():
        sample = ", ".join(column[bad].astype(str).unique()[:5])
        report.add(
            "warning",
            "non_numeric",
            f"{int(bad.sum())} quantities are not numbers (e.g. {sample})",
            f"有 {int(bad.sum())} 个销量不是数字（例如 {sample}）",
            column=name,
            rows=rownum[bad].tolist(),
            action_en="treated as missing; cleaning fills them (fill=zero)",
            action_zh="视为缺失值；清洗时填补（fill=zero）",
        )
    if empty.any():
        report.add(
            "warning",
            "empty_values",
            f"{int(empty.sum())} quantities are empty",
            f"有 {int(empty.sum())} 个销量为空",
            column=name,
            rows=rownum[empty].tolist(),
            action_en="treated as missing; cleaning fills them (fill=zero)",
            action_zh="视为缺失值；清洗时填补（fill=zero）",
        )
    if refuse and values.isna().all():
        raise InputError(
            f"The quantity column '{name}' holds no numbers. Choose the column with "
            "units sold (Import view: Columns; command line: --target-col).",
            f"销量列“{name}”中没有数字。请指定记录销售件数的列（“导入”页的“列映射”；命令行：--target-col）。",
        )
    return values.to_numpy(dtype="float64")


def counted_units(n_rows: int) -> np.ndarray:
    """One unit sold per row (``--count-rows``)."""
    return np.ones(n_rows, dtype="float64")


def report_counted_rows(report: Report, n_rows: int, ignored: str | None) -> None:
    """Say that each row was counted as one unit, and which quantity column was set aside.

    ``n_rows`` are the rows counted (after cancellations and non-product lines were left
    out); ``ignored`` is the column that reads as a quantity but was not used, if any.
    """
    report.add(
        "info",
        "rows_counted",
        f"Each row counted as one unit sold (--count-rows): {n_rows:,} rows → {n_rows:,} units",
        f"每行计为售出一件（--count-rows）：{n_rows:,} 行 → {n_rows:,} 件",
        action_en="to read the quantities from a column instead, import without --count-rows",
        action_zh="如需按某一列读取数量，请不加 --count-rows 重新导入",
    )
    if ignored:
        report.add(
            "warning",
            "quantity_column_ignored",
            f"Column '{ignored}' reads as a quantity column but was ignored: --count-rows "
            "counts each row as one unit instead",
            f"列“{ignored}”看起来是数量列，但已被忽略：--count-rows 把每行计为一件",
            column=ignored,
            action_en=f"if '{ignored}' holds the units of each row, import without --count-rows",
            action_zh=f"如果“{ignored}”记录的是每行的件数，请不加 --count-rows 重新导入",
        )


def count_rows_wide_error() -> InputError:
    """The error for ``--count-rows`` on a table with one column per date."""
    return InputError(
        "--count-rows counts order lines, one row per unit sold, but this file has one "
        "column per date (its cells are the quantities). Import it without --count-rows.",
        "--count-rows 用于每行是售出一件的订单明细，但此文件每个日期一列（单元格即销量）。"
        "请不加 --count-rows 导入。",
    )


def sum_order_lines(frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    """Add up the order lines of each product and day (one row per product-day).

    Quantities and amounts are summed, promotions kept if any line had one, the last
    stock kept, other numbers averaged; the unit price is the amount over the units
    where both are known.
    """
    out = finish_sums(partial_sums(frame))
    report.add(
        "info",
        "order_lines_summed",
        f"Order lines: {len(frame)} lines summed into {len(out)} product-days",
        f"订单明细：{len(frame)} 行已按商品和日期合计为 {len(out)} 行",
        action_en="quantities added up per product and day",
        action_zh="按商品和日期合计销量",
    )
    return out


_COUNT = "\x00n"  # suffix of the columns counting the values an average is taken over


def partial_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per product-day of ``frame``'s lines, in a form that adds up over parts.

    Averaged columns hold their sum and a count beside it; :func:`finish_sums` adds up
    the partial sums of several parts of a file (or one) and takes the averages.
    """
    how = {"y": "sum", "_row": "min"}
    how.update({c: "sum" for c in ("revenue",) if c in frame})
    how.update({c: "max" for c in ("promo",) if c in frame})
    how.update({c: "last" for c in ("stock",) if c in frame})
    means = [
        c
        for c in frame.columns
        if c not in how and c not in ("unique_id", "ds") and pd.api.types.is_numeric_dtype(frame[c])
    ]
    how.update(
        {c: "first" for c in frame.columns if c not in how and c not in means + ["unique_id", "ds"]}
    )
    counted = {f"{c}{_COUNT}": frame[c].notna().to_numpy(dtype=np.int64) for c in ["y", *means]}
    work = frame.assign(**{c: frame[c].fillna(0) for c in means}, **counted)
    how.update({c: "sum" for c in [*means, *counted]})
    return work.groupby(["unique_id", "ds"], sort=False, as_index=False, observed=True).agg(how)


def add_partial_sums(parts: pd.DataFrame, sort: bool = False) -> pd.DataFrame:
    """Several parts' :func:`partial_sums` (concatenated) as one, still partial."""
    how = {c: "sum" for c in parts.columns if c.endswith(_COUNT) or c in ("y", "revenue")}
    how.update({"_row": "min", **{c: "max" for c in ("promo",) if c in parts}})
    how.update({c: "last" for c in ("stock",) if c in parts})
    how.update({c[: -len(_COUNT)]: "sum" for c in parts.columns if c.endswith(_COUNT)})
    how.update({c: "first" for c in parts.columns if c not in how and c not in ("unique_id", "ds")})
    return parts.groupby(["unique_id", "ds"], sort=sort, as_index=False, observed=True).agg(how)


def finish_sums(parts: pd.DataFrame, added: bool = False) -> pd.DataFrame:
    """The product-days of :func:`partial_sums` (of one part or several, concatenated;
    ``added``: already one row per product-day, as :func:`add_partial_sums` leaves them)."""
    out = parts if added else add_partial_sums(parts, sort=True)
    means = [c[: -len(_COUNT)] for c in out.columns if c.endswith(_COUNT) and c != "y" + _COUNT]
    with np.errstate(divide="ignore", invalid="ignore"):
        for c in means:
            n = out.pop(c + _COUNT).to_numpy()
            out[c] = np.where(n > 0, out[c].to_numpy(dtype=float) / np.maximum(n, 1), np.nan)
        out["y"] = out["y"].where(out.pop("y" + _COUNT).to_numpy() > 0)
        if "revenue" in out and "price" in out:
            out["price"] = np.where(out["y"] > 0, out["revenue"] / out["y"], out["price"])
    fixed = [c for c in ("unique_id", "ds", "y", "_row", "revenue", "promo", "stock") if c in out]
    rest = [c for c in out.columns if c not in fixed]
    return out[fixed + [c for c in rest if c in means] + [c for c in rest if c not in means]]
