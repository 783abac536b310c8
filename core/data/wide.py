"""Wide tables: one row per product, one column per date (``2024-01-09`` or ``d_1``).

Columns named ``d_1 .. d_N`` (day numbers, as in the M5 competition file) need
either a start date or a calendar file mapping ``d_N`` to dates. The remaining
columns identify the product (the first column unique per row, preferring
ID-like names) or describe it (name, category, brand).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.data.dataset import ID_SEP, ColumnMapping
from core.data.headers import match_headers
from core.data.io import RawTable, read_table
from core.data.parsing import parse_date_values, parse_numbers
from core.data.report import Report
from core.data.schema import check_columns, check_roles
from core.errors import InputError

_DAY_NUM = re.compile(r"^d_?(\d+)$", re.IGNORECASE)


def find_date_columns(columns: list[str]) -> list[str]:
    """Columns whose header is a date or a day number ``d_N``."""
    day_nums = [c for c in columns if _DAY_NUM.match(c)]
    if len(day_nums) >= 7:
        return day_nums
    cand = np.array([c for c in columns if any(ch.isdigit() for ch in c)], dtype=object)
    if cand.size < 7:
        return []
    parsed, _, _ = parse_date_values(cand)
    ok = parsed.notna() & (parsed.year >= 1990) & (parsed.year <= 2100)
    return [str(c) for c, good in zip(cand, ok, strict=True) if good]


def _day_number_dates(date_cols: list[str], options) -> pd.DatetimeIndex:
    nums = np.array([int(_DAY_NUM.match(c).group(1)) for c in date_cols])
    if options.calendar:
        return _calendar_dates(date_cols, options.calendar)
    if options.start_date:
        try:
            start = pd.Timestamp(options.start_date)
        except (ValueError, TypeError):
            raise InputError(
                f"--start-date '{options.start_date}' is not a date (YYYY-MM-DD).",
                f"--start-date“{options.start_date}”不是日期（格式 YYYY-MM-DD）。",
            ) from None
        return pd.DatetimeIndex(start + pd.to_timedelta(nums - nums.min(), unit="D"))
    first, last = date_cols[0], date_cols[-1]
    raise InputError(
        f"Columns {first} .. {last} are day numbers, not dates. Give the date of {first} "
        "(--start-date YYYY-MM-DD) or a calendar file with columns d and date (--calendar FILE).",
        f"列 {first} .. {last} 是天数编号而不是日期。请提供 {first} 对应的日期"
        "（--start-date YYYY-MM-DD）或包含 d 和 date 两列的日历文件（--calendar FILE）。",
    )


def _calendar_dates(date_cols: list[str], calendar: str) -> pd.DatetimeIndex:
    cal = read_table(calendar).frame
    check_columns(["d", "date"], list(cal.columns), "--calendar")
    lookup = dict(zip(cal["d"].str.strip(), cal["date"].str.strip(), strict=True))
    missing = [c for c in date_cols if c not in lookup]
    if missing:
        raise InputError(
            f"The calendar has no date for {len(missing)} day columns (e.g. {missing[0]}).",
            f"日历文件中缺少 {len(missing)} 个天数列的日期（例如 {missing[0]}）。",
        )
    parsed, _, _ = parse_date_values(np.array([lookup[c] for c in date_cols], dtype=object))
    return parsed


def _wide_ids(table: pd.DataFrame, attrs: list[str], options) -> list[str]:
    if options.id_cols:
        check_columns(options.id_cols, list(table.columns), "--id-cols")
        return list(options.id_cols)
    found = match_headers(attrs)
    ordered = [found[r] for r in ("item", "store") if r in found] + attrs
    for col in ordered:
        if table[col].is_unique:
            return [col]
    if "item" in found and "store" in found:
        pair = [found["store"], found["item"]]
        if not table.duplicated(pair).any():
            return pair
    raise InputError(
        "No column identifies each row of the wide table; name the ID columns (--id-cols).",
        "宽表中没有能唯一标识每一行的列；请指定商品 ID 列（--id-cols）。",
    )


def melt_wide(raw: RawTable, date_cols: list[str], options, report: Report):
    """Turn a wide table into the canonical long frame, series table and mapping."""
    table = raw.frame
    attrs = [c for c in table.columns if c not in set(date_cols)]
    is_day_num = bool(_DAY_NUM.match(date_cols[0]))
    if is_day_num:
        dates = _day_number_dates(date_cols, options)
    else:
        dates, _, _ = parse_date_values(np.array(date_cols, dtype=object))
    ids = _wide_ids(table, attrs, options) if attrs else []
    chosen = check_roles(options.roles, attrs)
    found = match_headers([c for c in attrs if c not in ids and c not in chosen.values()])
    mapping = ColumnMapping(date=None, ids=ids, target=None)
    for role in ("name", "category", "brand"):
        setattr(mapping, role, chosen[role] if role in chosen else found.get(role))
    uid = _joined_ids(table, ids)
    n_rows, n_dates = table.shape[0], len(date_cols)
    values, bad, _ = parse_numbers(pd.Series(table[date_cols].to_numpy().ravel()))
    rownum = np.repeat(np.arange(n_rows) + raw.info.header_row + 1, n_dates)
    if bad.any():
        report.add(
            "warning",
            "non_numeric",
            f"{int(bad.sum())} cells are not numbers",
            f"有 {int(bad.sum())} 个单元格不是数字",
            rows=rownum[bad].tolist(),
            action_en="treated as missing; cleaning fills them (fill=zero)",
            action_zh="视为缺失值；清洗时填补（fill=zero）",
        )
    frame = (
        pd.DataFrame(
            {
                "unique_id": np.repeat(uid, n_dates),
                "ds": np.tile(dates.to_numpy().astype("datetime64[ns]"), n_rows),
                "_row": rownum,
                "y": values.to_numpy(),
            }
        )
        .sort_values(["unique_id", "ds"], kind="stable")
        .reset_index(drop=True)
    )
    series = _wide_series(table, uid, ids, mapping)
    report.add(
        "info",
        "wide_table",
        f"Wide table: {n_rows} products x {n_dates} date columns turned into rows",
        f"宽表：{n_rows} 个商品 x {n_dates} 个日期列已转换为逐行数据",
        action_en=f"dates {dates.min().date()} .. {dates.max().date()}",
        action_zh=f"日期 {dates.min().date()} 至 {dates.max().date()}",
    )
    return frame, series, mapping


def _joined_ids(table: pd.DataFrame, ids: list[str]) -> np.ndarray:
    if not ids:
        return np.array([f"row{i + 1}" for i in range(table.shape[0])], dtype=object)
    uid = table[ids[0]].astype(str).str.strip()
    for col in ids[1:]:
        uid = uid + ID_SEP + table[col].astype(str).str.strip()
    return uid.to_numpy(dtype=object)


def _wide_series(table: pd.DataFrame, uid: np.ndarray, ids: list[str], mapping) -> pd.DataFrame:
    cols = {"unique_id": uid}
    cols.update({c: table[c].astype(str).str.strip().to_numpy() for c in ids})
    for role in ("name", "category", "brand"):
        col = getattr(mapping, role)
        if col:
            cols[role] = table[col].astype(str).str.strip().to_numpy()
    return pd.DataFrame(cols).sort_values("unique_id").reset_index(drop=True)
