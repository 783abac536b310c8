"""Which holiday calendar fits a shop, from what its sales file says (issue 15 item 5).

The regions are those of :mod:`core.festivals`: ``CN``, ``US``, ``GB`` and ``intl``. The
signals, strongest first: a country column (``Country``, ``ship-country``, 国家 ...: the country
on most rows), a currency column (``CNY``, ``USD``, ``EUR`` ...), currency signs in the
price and amount cells (``$12.99``, ``￥59``, ``£3.25``, ``€``), and Chinese column
names. :func:`suggest_region` returns the first that speaks, with what it saw in
English and in Chinese, so ``inspect`` can say why and the user can choose otherwise
(``--region``).
"""

from __future__ import annotations

import re

import pandas as pd

from core.data.dataset import ColumnMapping
from core.data.headers import names_role, normalize_header

__all__ = ["REGIONS", "suggest_region"]

REGIONS = ("CN", "US", "GB", "intl")
#: Share of rows (or cells) one region must reach to be suggested from a column.
MAJORITY = 0.6
_SAMPLE = 2000
_CN = {"china", "中国", "中国大陆", "中华人民共和国", "cn", "chn", "prc", "mainland china",
       "people's republic of china", "china mainland"}  # fmt: skip
_US = {"united states", "united states of america", "usa", "us", "u.s.", "u.s.a.", "美国",
       "america"}  # fmt: skip
_GB = {"united kingdom", "uk", "u.k.", "gb", "gbr", "great britain", "britain", "england",
       "scotland", "wales", "northern ireland", "channel islands", "英国"}  # fmt: skip
_CURRENCY_HEADERS = {"currency", "currencycode", "币种", "货币", "币别", "结算币种"}
_CURRENCIES = {"cny": "CN", "rmb": "CN", "usd": "US", "gbp": "GB"}
#: Currency signs, the more specific first: ``NZ$`` and ``JP¥`` are not the US or China.
_SIGNS = [
    (re.compile(r"US\$"), "US"),
    (re.compile(r"£|GBP"), "GB"),
    (re.compile(r"(?:NZ|AU|A|C|CA|S|SG|HK|NT|MX|R)\$|JP¥|円|€|₹|₩|₫|₱|฿|RM\s?\d"), "intl"),
    (re.compile(r"\$"), "US"),
    (re.compile(r"CN¥|RMB|[¥￥元]"), "CN"),
]
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


def _country(value: str) -> str:
    text = value.strip().casefold()
    return next(
        (r for r, names in (("CN", _CN), ("US", _US), ("GB", _GB)) if text in names), "intl"
    )


def _majority(regions: pd.Series) -> tuple[str, int] | None:
    """The region on most rows, when it has :data:`MAJORITY`; else ``intl`` (many markets)."""
    if regions.empty:
        return None
    counts = regions.value_counts()
    top = str(counts.index[0])
    return (top, int(counts.iloc[0])) if counts.iloc[0] >= MAJORITY * len(regions) else ("intl", 0)


def _cells(table: pd.DataFrame, col: str) -> pd.Series:
    values = table[col].iloc[:: max(1, len(table) // _SAMPLE)].astype(str).str.strip()
    return values[(values != "") & (values.str.casefold() != "nan")]


def _on_rows(counts: pd.Series, of: int) -> tuple[str, str]:
    """The most frequent value and its rows, in English and in Chinese."""
    top, n = counts.index[0], int(counts.iloc[0])
    return f"{top} on {n} of {of} rows", f"{of} 行中有 {n} 行为“{top}”"


def _by_country(table: pd.DataFrame, mapping: ColumnMapping) -> dict | None:
    for col in table.columns:
        norm = normalize_header(col)
        if "country" not in norm and "国家" not in norm:
            continue
        values = _cells(table, col)
        found = _majority(values.map(_country))
        if found:
            counts = values.value_counts()
            return _result(found[0], "country", col, *_on_rows(counts, len(values)))
    return None


def _by_currency(table: pd.DataFrame, mapping: ColumnMapping) -> dict | None:
    for col in table.columns:
        if normalize_header(col) not in _CURRENCY_HEADERS:
            continue
        values = _cells(table, col).str.casefold()
        codes = values[values.str.fullmatch(r"[a-z]{3}")]
        found = _majority(codes.map(lambda c: _CURRENCIES.get(c, "intl")))
        if found:
            counts = codes.str.upper().value_counts()
            return _result(found[0], "currency", col, *_on_rows(counts, len(codes)))
    return None


def _sign(value: str) -> str | None:
    return next((region for sign, region in _SIGNS if sign.search(value)), None)


def _by_symbols(table: pd.DataFrame, mapping: ColumnMapping) -> dict | None:
    money = [c for c in (mapping.price, mapping.revenue) if c]
    money += [c for c in table.columns if c not in money and
              (names_role(c, "price") or names_role(c, "revenue"))]  # fmt: skip
    for col in money:
        values = _cells(table, col)
        signs = values.map(_sign).dropna()
        if len(signs) < 0.5 * max(1, len(values)):
            continue
        found = _majority(signs)
        if found:
            sample, n, of = values[signs.index[0]], len(signs), len(values)
            en = f"'{sample}': a currency sign in {n} of {of} cells"
            zh = f"“{sample}”：{of} 个单元格中有 {n} 个带货币符号"
            return _result(found[0], "symbol", col, en, zh)
    return None


def _by_headers(table: pd.DataFrame, mapping: ColumnMapping) -> dict | None:
    names = [str(c) for c in table.columns]
    if any(_KANA.search(n) for n in names):
        return _result("intl", "headers", None, "Japanese column names", "表头为日文")
    han, of = sum(bool(_HAN.search(n)) for n in names), len(names)
    if han >= max(1, 0.3 * of):
        en, zh = f"{han} of {of} column names in Chinese", f"{of} 个表头中有 {han} 个为中文"
        return _result("CN", "headers", None, en, zh)
    return None


def _result(region: str, signal: str, column: str | None, en: str, zh: str) -> dict:
    return {"region": region, "signal": signal, "column": column, "evidence": en,
            "evidence_zh": zh}  # fmt: skip


def suggest_region(table: pd.DataFrame, mapping: ColumnMapping) -> dict | None:
    """The holiday region the data points to, or ``None`` when nothing in it does.

    Returns ``{"region": "CN" | "US" | "GB" | "intl", "signal": "country" | "currency" |
    "symbol" | "headers", "column": the column it came from (or None), "evidence": what
    was seen, in English, "evidence_zh": the same in Chinese}``.
    """
    for finder in (_by_country, _by_currency, _by_symbols, _by_headers):
        found = finder(table, mapping)
        if found:
            return found
    return None
