"""Turning the text cells of store exports into numbers, flags and dates.

Store exports write values for people, not programs: ``¥1,299.00``, ``￥35``,
``12元``, ``3件``, ``(5)`` for a return. The parsers here work on the *unique* values
of a column (sales tables repeat the same quantities many times), which keeps a
million-row import fast. Dates are read by :mod:`core.data.dates`; its parsers are
offered here too, so a caller reads every kind of cell from one place.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.data.dates import DateParse, looks_like_dates, parse_date_values, parse_dates

__all__ = [
    "DateParse",
    "looks_like_dates",
    "numeric_share",
    "parse_date_values",
    "parse_dates",
    "parse_flags",
    "parse_numbers",
]

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
    if np.isfinite(fast).all():  # "inf" and "-inf" are read as numbers but are not
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


def numeric_share(column: pd.Series, sample: int = 500) -> float:
    """Share of non-empty sampled values that read as numbers."""
    vals = column.astype(str).str.strip()
    vals = vals[vals != ""].head(sample)
    if vals.empty:
        return 0.0
    parsed = np.array([_clean_number(v) for v in vals])
    return float(np.isfinite(parsed).mean())
