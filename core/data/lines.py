"""The lines of a long table, read one by one: dates, codes, quantities, roles, screening.

:func:`order_lines` turns a :class:`~core.data.io.RawTable` of a long table (one row per
product and day, or per order line) into canonical rows (``unique_id``, ``ds``, ``_row``,
``y`` and the roles' values), with every change reported: closed and refunded orders,
unreadable dates, codes written two ways, cancellations, returns and lines that are not
products. :mod:`core.data.importer` uses it on a whole file, :mod:`core.data.stream` on
each part of a file too big to hold at once, with the first part's :class:`LinePlan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.data.dataset import ID_SEP, ColumnMapping
from core.data.dates import report_dates
from core.data.naming import report_spellings, usual_names
from core.data.orders import screen_order_lines
from core.data.parsing import parse_dates, parse_flags, parse_numbers
from core.data.report import Report
from core.data.schema import changed_roles, detect_mapping, role_name
from core.data.table import RawTable
from core.data.units import counted_units, parse_quantities, report_counted_rows
from core.errors import InputError

__all__ = ["LinePlan", "order_lines", "product_table"]

_SUMMARY = re.compile(r"^(合计|总计|小计|汇总|total|grand total|subtotal|sum)[:：]?$", re.I)
_NOT_SOLD = re.compile(
    r"关闭|關閉|不成立|取消|退款|已退|未付款|待付款|等待买家付款|cancel|refund|void|unpaid|"
    r"pending|closed",
    re.IGNORECASE,
)
_SCI_ID = re.compile(r"^\d(\.\d+)?[eE]\+\d+$")


@dataclass
class LinePlan:
    """What the first part of a big file decided, applied alike to every later part.

    :mod:`core.data.stream` reads a large file in parts; each part goes through
    :func:`order_lines` with the mapping, hints, layout and day/month order of the first
    one, so that no part is read differently from the others.
    """

    mapping: ColumnMapping
    hints: dict
    is_orders: bool
    dayfirst: bool | None


def order_lines(raw: RawTable, options, report: Report, plan=None, lines=None):
    """The screened lines of a long table: ``(frame, table, plan)``, row-aligned.

    ``frame`` holds ``unique_id``, ``ds``, ``_row``, ``y`` and the roles' values, one row
    per kept line; ``table`` the same lines' cells. With a ``plan`` the columns are not
    detected again (and the findings on detection are not repeated). ``lines``, if
    given, receives the findings on the lines instead of ``report``.
    """
    table = raw.frame
    whole = plan is None  # a part of a file is not refused for what the whole file may make up
    if plan is None:
        mapping, hints, guessed = detect_mapping(
            table, options.date_col, options.id_cols, options.target_col,
            options.feature_cols, options.roles, report=report, count_rows=options.count_rows,
        )  # fmt: skip
        _report_roles(
            report, changed_roles(mapping, [str(c) for c in table.columns], options.roles)
        )
    else:
        mapping, hints, guessed = plan.mapping, plan.hints, []
        options = replace(options, dayfirst=plan.dayfirst)
    for role in guessed:
        col = getattr(mapping, role)
        report.add(
            "info",
            f"guessed_{role}",
            f"No header names the {role}; column '{col}' was chosen from its contents",
            f"没有表头标明{'日期' if role == 'date' else '销量'}列，已根据内容选择列“{col}”",
            column=col,
            action_en="check the mapping",
            action_zh="请核对列映射",
        )
    report = report if lines is None else lines
    if "status" in hints:
        table = _drop_non_sales(table, hints["status"], raw.info.header_row, report)
    rownum = table.index.to_numpy(dtype=np.int64) + raw.info.header_row + 1
    keep = _drop_bad_dates(table, mapping, options, report, rownum, whole)
    table, rownum = table.loc[keep.values], rownum[keep.to_numpy()]
    dates = keep.attrs["dates"][keep.to_numpy()]
    factors = {col: _factor(table[col]) for col in mapping.ids}  # shared with the screening
    for col in mapping.ids:
        merged = report_spellings(report, col, *factors[col], rownum, options.merge_case_codes)
        if merged is not None:
            codes = factors[col][0]
            table = table.assign(**{col: np.where(codes >= 0, merged[codes], None)})
            factors[col] = _factor(table[col])
    frame = pd.DataFrame(
        {
            "unique_id": _unique_ids(factors, mapping.ids, report, rownum, len(table)),
            "ds": dates.to_numpy(),
            "_row": rownum,
        }
    )
    if options.count_rows:
        frame["y"] = counted_units(len(table))
    else:
        frame["y"] = parse_quantities(table[mapping.target], mapping.target, report, rownum, whole)
    _add_roles(frame, table, mapping, report)
    if plan is None:
        is_orders = options.layout == "orders" or (
            options.layout == "auto"
            and (keep.attrs["has_time"] or "order" in hints or options.count_rows)
            and frame.duplicated(["unique_id", "ds"]).any()
        )
        plan = LinePlan(mapping, hints, is_orders, keep.attrs["dayfirst"])
    frame, table = screen_order_lines(
        frame,
        table,
        mapping,
        hints,
        plan.is_orders,
        options.keep_non_products,
        report,
        factors,
        refuse_empty=whole,
    )
    if options.count_rows:
        report_counted_rows(report, len(frame), hints.get("ignored_target"))
    return frame, table, plan


def _report_roles(report: Report, changed: dict) -> None:
    """One line listing the roles the user set against what the headers say."""
    if not changed:
        return
    en = "; ".join(f"{r} = {c or '(none)'}" for r, c in changed.items())
    zh = "；".join(f"{role_name(r, 'zh')} = {c or '（无）'}" for r, c in changed.items())
    report.add(
        "info",
        "mapping_chosen",
        f"Columns set by hand instead of from the headers: {en}",
        f"以下列由您手动指定（而非按表头识别）：{zh}",
        action_en="used as chosen",
        action_zh="按您的选择使用",
    )


def _drop_non_sales(table: pd.DataFrame, col: str, header_row: int, report: Report):
    """Drop closed, cancelled, refunded and unpaid orders: they are not demand that was met."""
    status = table[col].astype(str).str.strip()
    drop = (
        status.str.contains(_NOT_SOLD, regex=True)
        & ~status.str.contains(r"部分|partial", case=False, regex=True)
    ).to_numpy()
    if drop.any():
        kinds = ", ".join(f"{k} ({n})" for k, n in status[drop].value_counts().head(6).items())
        report.add(
            "info",
            "orders_not_sold",
            f"{int(drop.sum())} order lines are closed, cancelled, refunded or unpaid: {kinds}",
            f"有 {int(drop.sum())} 行订单已关闭、取消、退款或未付款：{kinds}",
            column=col,
            rows=(table.index[drop].to_numpy() + header_row + 1).tolist(),
            action_en="not counted as sales",
            action_zh="不计入销量",
        )
    return table.loc[~drop]


def _drop_bad_dates(table, mapping: ColumnMapping, options, report: Report, rownum, refuse=True):
    col = mapping.date
    parsed = parse_dates(table[col], options.dayfirst)
    bad, empty = parsed.bad, parsed.empty
    summary = np.zeros(len(table), dtype=bool)
    if (bad | empty).any():
        cand = table.loc[bad | empty].astype(str)
        hits = cand.apply(lambda c: c.str.strip().str.match(_SUMMARY)).any(axis=1)
        summary[np.flatnonzero(bad | empty)[hits.to_numpy()]] = True
    report_dates(report, col, parsed, summary, rownum)
    usable = ~(bad | empty)
    if refuse and (usable.sum() == 0 or usable.sum() < 0.5 * len(table)):
        sample = ", ".join(table[col][bad].astype(str).unique()[:5])
        raise InputError(
            f"Most values of the date column '{col}' cannot be read as dates (e.g. {sample}). "
            "Choose the right date column (--date-col) or fix the date format.",
            f"日期列“{col}”的大部分值无法识别为日期（例如 {sample}）。"
            "请指定正确的日期列（--date-col）或修正日期格式。",
        )
    keep = pd.Series(usable, index=table.index)
    keep.attrs["dates"] = parsed.values.dt.normalize() if parsed.has_time else parsed.values
    keep.attrs["has_time"] = parsed.has_time
    fmt = parsed.fmt
    keep.attrs["dayfirst"] = (
        fmt.find("%d") < fmt.find("%m") if "%d" in fmt and "%m" in fmt else None
    )
    return keep


def _factor(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and stripped unique strings of a text column (cheap on repeated IDs)."""
    codes, uniques = pd.factorize(column)
    return codes, np.array([str(u).strip() for u in uniques], dtype=object)


def _unique_ids(factors: dict, ids: list[str], report: Report, rownum, n: int) -> np.ndarray:
    """One ID per row from the ID columns' ``factors`` (:func:`_factor` of each)."""
    if not ids:
        return np.full(n, "all", dtype=object)
    combined = np.zeros(n, dtype=np.int64)
    labels: list[np.ndarray] = []
    for col in ids:
        codes, uniques = factors[col]
        sci = np.array([bool(_SCI_ID.match(u)) for u in uniques], dtype=bool)
        if sci.any():
            report.add(
                "warning",
                "mangled_ids",
                "IDs written in scientific notation (like 6.01E+11): Excel has rounded "
                "them and they cannot be recovered",
                "ID 为科学计数法（如 6.01E+11）：已被 Excel 截断，无法恢复原值",
                column=col,
                rows=rownum[sci[codes]].tolist(),
                action_en="kept as written; export the IDs as text",
                action_zh="按原样保留；请将 ID 列以文本格式导出",
            )
        combined = combined * len(uniques) + codes
        labels.append((codes, uniques))
    # keys numbered in order of appearance: a key's first row is where the running
    # maximum of the numbers grows (one hash pass instead of sorting every row)
    inverse = pd.factorize(combined)[0]
    firsts = np.flatnonzero(np.diff(np.maximum.accumulate(inverse), prepend=-1))
    names = [ID_SEP.join(str(u[c[i]]) for c, u in labels) for i in firsts]
    return np.array(names, dtype=object)[inverse]


def _add_roles(
    frame: pd.DataFrame, table: pd.DataFrame, mapping: ColumnMapping, report: Report
) -> None:
    for role in ("price", "revenue", "stock"):
        col = getattr(mapping, role)
        if col:
            frame[role] = parse_numbers(table[col])[0].to_numpy()
    if mapping.promo:
        frame["promo"] = parse_flags(table[mapping.promo]).to_numpy()
    if mapping.revenue and not mapping.price:
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["price"] = np.where(frame["y"] > 0, frame["revenue"] / frame["y"], np.nan)
        report.add(
            "info",
            "price_from_revenue",
            "Unit price computed as amount / quantity",
            "单价按金额 / 数量计算",
            column=mapping.revenue,
        )
    for col in mapping.features:
        values, bad, _ = parse_numbers(table[col])
        frame[col] = values.to_numpy() if bad.mean() < 0.1 else table[col].astype(str).to_numpy()


def product_table(frame: pd.DataFrame, table: pd.DataFrame, mapping: ColumnMapping, names=None):
    """One row per product: its ID cells as last seen and its usual name.

    ``names`` (product -> name) replaces the names counted from these lines.
    """
    last = ~frame["unique_id"].duplicated(keep="last").to_numpy()
    cols = {"unique_id": frame["unique_id"].to_numpy()[last]}
    roles = [(c, c) for c in mapping.ids] + [
        (r, getattr(mapping, r)) for r in ("name", "category", "brand") if getattr(mapping, r)
    ]
    for key, col in roles:
        cols[key] = np.array([str(v).strip() for v in table[col].to_numpy()[last]], dtype=object)
    if mapping.name:  # the name a product carries most often, never a stock note
        if names is None:
            names = usual_names(frame["unique_id"].to_numpy(), table[mapping.name].to_numpy())
        cols["name"] = names.reindex(cols["unique_id"]).to_numpy(dtype=object)
    return pd.DataFrame(cols).sort_values("unique_id").reset_index(drop=True)
