"""Turning the text cells of store exports into dates and numbers.

Store exports write values for people, not programs: ``¥1,299.00``, ``￥35``,
``12元``, ``3件``, ``(5)`` for a return, ``2024年1月9日``, ``2024/1/9``,
``20240109``, ``2024-01-09 13:45:10``, Excel serial numbers, and ambiguous
``01/02/2024``. The parsers here work on the *unique* values of a column
(sales tables repeat the same dates and quantities many times), which keeps a
million-row import fast.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Tried in order on a sample of the unique values; the first that reads them all wins.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y%m%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m",
    "%Y/%m",
    "%Y年%m月",
    "%d.%m.%Y",
)
AMBIGUOUS = ("%m/%d/%Y", "%d/%m/%Y")
AMBIGUOUS_TIME = ("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S")
EXCEL_SERIAL_RANGE = (20000, 80000)  # 1954-10-03 .. 2119-01-10
EXCEL_ORIGIN = "1899-12-30"
_TZ_SUFFIX = re.compile(r"\s*(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)$")

_NUM_JUNK = re.compile(
    r"[¥￥$€£,，\s]|元|RMB|CNY|USD|人民币|[件个只份套双箱瓶盒袋包台条支张]$", re.IGNORECASE
)
_NUM_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
FALSE_WORDS = {
    "",
    "0",
    "0.0",
    "否",
    "无",
    "不",
    "没有",
    "n",
    "no",
    "false",
    "f",
    "none",
    "-",
    "--",
    "—",
    "n/a",
    "na",
    "null",
    "nan",
    "非促销",
    "无活动",
    "未参加",
}


@dataclass
class DateParse:
    """Result of :func:`parse_dates`."""

    values: pd.Series  # datetime64[ns], NaT where unreadable or empty
    bad: np.ndarray  # bool mask: non-empty but unreadable
    empty: np.ndarray  # bool mask: empty cells
    fmt: str  # the format used, "excel-serial" or "mixed"
    has_time: bool  # some values carry a time of day (order lines)
    ambiguous: bool = False  # day/month order could not be told from the data


def _try_format(values: np.ndarray, fmt: str) -> pd.DatetimeIndex:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.DatetimeIndex(pd.to_datetime(values, format=fmt, errors="coerce"))


def _excel_serials(values: np.ndarray) -> pd.DatetimeIndex | None:
    nums = pd.to_numeric(pd.Series(values), errors="coerce")
    lo, hi = EXCEL_SERIAL_RANGE
    if nums.notna().all() and nums.between(lo, hi).all():
        return pd.DatetimeIndex(pd.to_datetime(nums, unit="D", origin=EXCEL_ORIGIN))
    return None


def _regularity(idx: pd.DatetimeIndex) -> float:
    """Share of gaps between sorted unique dates equal to the most common gap."""
    days = np.unique(idx.dropna().normalize().asi8) // 86_400_000_000_000
    if days.size < 3:
        return 0.0
    diffs = np.diff(days)
    return float(np.max(np.unique(diffs, return_counts=True)[1]) / diffs.size)


def parse_date_values(
    uniques: np.ndarray, dayfirst: bool | None = None
) -> tuple[pd.DatetimeIndex, str, bool]:
    """Parse unique date strings; return (dates, format, ambiguous)."""
    serial = _excel_serials(uniques)
    if serial is not None:
        return serial, "excel-serial", False
    # Keep the shop's wall-clock time: "2024-03-01 23:30:00 +0800" is March 1st there.
    uniques = np.array([_TZ_SUFFIX.sub("", u) for u in uniques], dtype=object)
    sample = uniques[:: max(1, uniques.size // 300)]
    best_fmt, best_ok = None, 0.0
    for fmt in DATE_FORMATS:
        ok = float(_try_format(sample, fmt).notna().mean())
        if ok == 1.0:
            return _try_format(uniques, fmt), fmt, False
        if ok > best_ok:
            best_fmt, best_ok = fmt, ok
    if best_fmt is not None and best_ok >= 0.8:
        return _try_format(uniques, best_fmt), best_fmt, False
    for pair in (AMBIGUOUS, AMBIGUOUS_TIME[:2], AMBIGUOUS_TIME[2:]):
        parsed = [_try_format(uniques, f) for f in pair]
        ok = [p.notna().mean() for p in parsed]
        if max(ok) < 0.5:
            continue
        if dayfirst is not None:
            i = 1 if dayfirst else 0
            return parsed[i], pair[i], False
        if abs(ok[0] - ok[1]) > 1e-9:
            i = int(np.argmax(ok))
            return parsed[i], pair[i], False
        i = int(_regularity(parsed[1]) > _regularity(parsed[0]))
        return parsed[i], pair[i], True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mixed = pd.to_datetime(
            pd.Series(uniques)
            .str.replace(r"[年月]", "-", regex=True)
            .str.replace("日", "", regex=False),
            format="mixed",
            errors="coerce",
            dayfirst=bool(dayfirst),
        )
    return pd.DatetimeIndex(mixed), "mixed", False


def parse_dates(column: pd.Series, dayfirst: bool | None = None) -> DateParse:
    """Parse a text column of dates (see module doc); empty cells become NaT."""
    text = column.astype(str).str.strip() if column.dtype != object else column
    codes, uniques = pd.factorize(text)
    uniques = np.asarray(uniques, dtype=object)
    nonempty = np.array([u.strip() != "" for u in uniques], dtype=bool)
    parsed = pd.DatetimeIndex(np.full(uniques.size, np.datetime64("NaT"), "datetime64[ns]"))
    fmt, ambiguous = "none", False
    if nonempty.any():
        cand = np.array([u.strip() for u in uniques[nonempty]], dtype=object)
        got, fmt, ambiguous = parse_date_values(cand, dayfirst)
        arr = parsed.to_numpy().copy()
        arr[nonempty] = got.to_numpy().astype("datetime64[ns]")
        parsed = pd.DatetimeIndex(arr)
    values = pd.Series(parsed.take(codes), index=column.index)
    empty = ~nonempty[codes]
    bad = values.isna().to_numpy() & ~empty
    valid = parsed[~parsed.isna()]
    has_time = bool(valid.size and (valid != valid.normalize()).any())
    return DateParse(values, bad, empty, fmt, has_time, ambiguous)


def _clean_number(text: str) -> float:
    s = text.strip()
    if not s:
        return np.nan
    neg = s.startswith("(") and s.endswith(")") or s.startswith("（") and s.endswith("）")
    if neg:
        s = s[1:-1]
    s = _NUM_JUNK.sub("", s)
    s = _NUM_JUNK.sub("", s)  # a unit after a currency word, e.g. "12元件" is rare but cheap
    if s.endswith("%"):
        s = s[:-1]
    if not _NUM_RE.match(s):
        return np.inf  # marker: unreadable
    value = float(s)
    return -value if neg else value


def parse_numbers(column: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse store-formatted numbers.

    Returns
    -------
    values : pd.Series of float64, NaN where empty or unreadable
    bad : bool mask of non-empty cells that are not numbers
    empty : bool mask of empty cells
    """
    codes, uniques = pd.factorize(column.astype(str))
    fast = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy("float64")
    if not np.isnan(fast).any():
        n = len(column)
        return pd.Series(fast[codes], index=column.index), np.zeros(n, bool), np.zeros(n, bool)
    parsed = np.array([_clean_number(u) for u in uniques], dtype="float64")
    empty_u = np.array([u.strip() == "" for u in uniques], dtype=bool)
    bad_u = np.isinf(parsed)
    parsed[bad_u] = np.nan
    values = pd.Series(parsed[codes], index=column.index, dtype="float64")
    return values, bad_u[codes], empty_u[codes]


def parse_flags(column: pd.Series) -> pd.Series:
    """Promotion-style columns as 0/1: names of campaigns, 是/否, Y/N, 1/0, discounts."""
    codes, uniques = pd.factorize(column.astype(str))
    out = np.empty(len(uniques), dtype="float64")
    for i, u in enumerate(uniques):
        key = u.strip().lower()
        if key in FALSE_WORDS:
            out[i] = 0.0
            continue
        num = _clean_number(key)
        out[i] = float(num > 0) if np.isfinite(num) else 1.0
    return pd.Series(out[codes], index=column.index)


def looks_like_dates(column: pd.Series, sample: int = 300) -> float:
    """Share of a column's non-empty sampled values that read as dates (for detection)."""
    vals = column[column.astype(str).str.strip() != ""].astype(str).unique()[:sample]
    if vals.size == 0:
        return 0.0
    if _excel_serials(vals) is not None:
        return 0.5  # plain numbers could be serials or quantities: weak evidence only
    got, _, _ = parse_date_values(np.asarray(vals, dtype=object))
    ok = got.notna() & (got.year >= 1990) & (got.year <= 2100)
    return float(np.mean(ok))


def numeric_share(column: pd.Series, sample: int = 500) -> float:
    """Share of non-empty sampled values that read as numbers."""
    vals = column.astype(str).str.strip()
    vals = vals[vals != ""].head(sample)
    if vals.empty:
        return 0.0
    parsed = np.array([_clean_number(v) for v in vals])
    return float(np.isfinite(parsed).mean())
