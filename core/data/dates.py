"""Reading the date cells of store exports, and reporting the ones that cannot be read.

Exports write dates for people: ``2024年1月9日``, ``2024/1/9``, ``20240109``, Excel serial
numbers, ambiguous ``01/02/2024`` and ``06-05-21``, and often with something after or
before the date: a weekday (``2018-01-01 星期五``, ``Mon 09/01/2024``), a time with
上午/下午 or AM/PM (``2024-01-09 下午3:05``, ``1/9/2024 3:05 PM``) or a time zone
(``2024-01-09T13:45:10+08:00``). :func:`clean_date_text` takes the weekday out and
writes times on a 24-hour clock; the shop's wall-clock time is kept (a time zone is
dropped, not converted). The order of day and month, two-digit years included, is the
one that reads the most values, then the one that gives the most regular dates.

Dates that do not exist (``2018-02-29``) are told apart from unreadable text, and a
written weekday that disagrees with its date is noticed; :func:`report_dates` turns both
into findings. Parsers work on the unique values of a column, which keeps a million-row
import fast.
"""

from __future__ import annotations

import calendar
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.data.report import Report

__all__ = [
    "DATE_FORMATS",
    "DateParse",
    "clean_date_text",
    "looks_like_dates",
    "parse_date_values",
    "parse_dates",
    "report_dates",
]

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
EXCEL_SERIAL_RANGE = (20000, 80000)  # 1954-10-03 .. 2119-01-10
EXCEL_ORIGIN = "1899-12-30"
_TIMES = ("", " %H:%M", " %H:%M:%S")
#: A date whose day and month could be either way round: ``01/02/2024``, ``06-05-21``.
_SHAPE = re.compile(r"^(\d{1,4})([/.-])\d{1,2}\2(\d{2,4})(?:[ T](\d{1,2}:\d{2}(:\d{2})?))?$")
_TZ = re.compile(
    r"\s*(?:[+-]\d{2}:?\d{2}|Z|(?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|"
    r"CST|PST|PDT|EST|EDT|BST|CET|CEST|JST|HKT|SGT|\(?北京时间\)?)$",
    re.IGNORECASE,
)
_FRACTION = re.compile(r"(\d:\d{2})\.\d+")
_EN_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY = re.compile(
    r"[(（]?\s*(?:(?:星期|周|礼拜)([一二三四五六日天])|"
    r"\b(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday|s|r|rs)?\b\.?)\s*[)）]?,?",
    re.IGNORECASE,
)
_ZH_CLOCK = re.compile(
    r"(上午|早上|凌晨|中午|下午|晚上)\s*(\d{1,2})(?:[:：点时](\d{2})?)?(:\d{2})?分?"
)
_EN_CLOCK = re.compile(r"(\d{1,2})(:\d{2})?(:\d{2})?\s*([ap])\.?m\.?(?![a-z])", re.IGNORECASE)
_PLAIN = re.compile(r"^[\d/.-]+(?: \d{1,2}:\d{2}(?::\d{2})?)?$")


@dataclass
class DateParse:
    """Result of :func:`parse_dates`."""

    values: pd.Series  # datetime64[ns], NaT where unreadable or empty
    bad: np.ndarray  # bool mask: non-empty but unreadable (impossible dates included)
    empty: np.ndarray  # bool mask: empty cells
    fmt: str  # the format used, "excel-serial" or "mixed"
    has_time: bool  # some values carry a time of day (order lines)
    ambiguous: bool = False  # day/month order could not be told from the data
    impossible: np.ndarray | None = None  # bool mask: dates that do not exist (2018-02-29)
    weekday_mismatch: np.ndarray | None = None  # bool mask: written weekday disagrees


def _hour24(hour: int, pm: bool, noon: bool = False) -> int:
    if noon:
        return hour + 12 if hour < 11 else hour
    if pm:
        return hour + 12 if hour < 12 else hour
    return 0 if hour == 12 else hour


def _zh_clock(match: re.Match) -> str:
    mark, hour, minute, second = match.groups()
    hour = _hour24(int(hour), mark in ("下午", "晚上"), mark == "中午")
    return f"{hour:02d}:{minute or '00'}{second or ''}"


def _en_clock(match: re.Match) -> str:
    hour, minute, second, half = match.groups()
    return f"{_hour24(int(hour), half.lower() == 'p'):02d}{minute or ':00'}{second or ''}"


def clean_date_text(text: str) -> tuple[str, int]:
    """Take a weekday, a 12-hour clock and a time zone out of one date cell.

    Returns the cleaned text and the weekday it named (Monday = 0), or -1 for none:
    ``'2024-01-09 下午3:05'`` -> ``('2024-01-09 15:05', -1)``,
    ``'Mon 09/01/2024'`` -> ``('09/01/2024', 0)``.
    """
    text = text.strip()
    if _PLAIN.match(text):
        return text, -1
    weekday = -1
    found = _WEEKDAY.search(text)
    if found:
        zh, en = found.groups()
        weekday = _ZH_DAYS[zh] if zh else _EN_DAYS[en.lower()]
        text = (text[: found.start()] + " " + text[found.end() :]).strip(" ,")
    text = _ZH_CLOCK.sub(lambda m: " " + _zh_clock(m), text)
    text = _EN_CLOCK.sub(_en_clock, text)
    text = _FRACTION.sub(r"\1", _TZ.sub("", text.strip()))
    return " ".join(text.split()), weekday


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


def _orders(sample: np.ndarray) -> list[tuple[str, ...]]:
    """Groups of formats the sample could be read with when day and month may swap.

    The shape of the values (separator, two- or four-digit year, a time or not) picks the
    group, so a column that is no date costs one regular expression per value.
    """
    shapes = [m for m in map(_SHAPE.match, sample[:50]) if m]
    if len(shapes) < 0.5 * min(len(sample), 50):
        return []
    first, sep, last, clock, secs = shapes[0].groups()
    time = _TIMES[0] if clock is None else _TIMES[2 if secs else 1]
    if len(last) == 4:
        fmts = ("%m{0}%d{0}%Y", "%d{0}%m{0}%Y")
    elif len(first) == 4:
        return []
    else:
        fmts = ("%d{0}%m{0}%y", "%m{0}%d{0}%y", "%y{0}%m{0}%d")
    return [tuple(f.format(sep) + time for f in fmts)]


def _pick_order(uniques, group, dayfirst) -> tuple[pd.DatetimeIndex, str, bool] | None:
    parsed = [_try_format(uniques, f) for f in group]
    ok = [float(p.notna().mean()) for p in parsed]
    allowed = list(range(len(group)))
    if dayfirst is not None:
        wrong = "%m" if dayfirst else "%d"
        allowed = [i for i in allowed if not group[i].startswith(wrong)]
    if max(ok[i] for i in allowed) < 0.5:
        return None
    best = max(ok[i] for i in allowed)
    tied = [i for i in allowed if abs(ok[i] - best) < 1e-9]
    if len(tied) == 1:
        return parsed[tied[0]], group[tied[0]], False
    scores = [_regularity(parsed[i]) for i in tied]
    i = tied[int(np.argmax(scores))]
    return parsed[i], group[i], True


def parse_date_values(
    uniques: np.ndarray, dayfirst: bool | None = None
) -> tuple[pd.DatetimeIndex, str, bool]:
    """Parse unique date strings (already cleaned); return (dates, format, ambiguous)."""
    serial = _excel_serials(uniques)
    if serial is not None:
        return serial, "excel-serial", False
    sample = uniques[:: max(1, uniques.size // 300)]
    best_fmt, best_ok = None, 0.0
    for fmt in DATE_FORMATS:
        read = _try_format(sample, fmt)
        ok = float(read.notna().mean())
        if ok == 1.0:
            return (read if sample.size == uniques.size else _try_format(uniques, fmt)), fmt, False
        if ok > best_ok:
            best_fmt, best_ok = fmt, ok
    if best_fmt is not None and best_ok >= 0.8:
        return _try_format(uniques, best_fmt), best_fmt, False
    for group in _orders(sample):
        picked = _pick_order(uniques, group, dayfirst)
        if picked is not None:
            return picked
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


def _impossible(values: np.ndarray, fmt: str) -> np.ndarray:
    """Which unreadable values are dates of the right shape that do not exist (02-29)."""
    if fmt in ("excel-serial", "none") or not values.size:
        return np.zeros(values.size, dtype=bool)
    if fmt == "mixed":
        fmt = "%Y-%m-%d"
    pattern, order = "", []
    for piece in re.split(r"(%[a-zA-Z])", fmt):
        if piece in ("%Y", "%y", "%m", "%d"):
            order.append(piece[1].lower())
            pattern += r"(\d{4})" if piece == "%Y" else r"(\d{1,2})"
        elif piece.startswith("%"):
            pattern += r"\d{1,2}"
        else:
            pattern += "".join("[-/.]" if c in "-/." else re.escape(c) for c in piece)
    if sorted(order) != ["d", "m", "y"]:
        return np.zeros(values.size, dtype=bool)
    shape = re.compile(pattern + r"(?!\d)")
    out = np.zeros(values.size, dtype=bool)
    for i, text in enumerate(values):
        found = shape.match(text)
        if found:
            parts = dict(zip(order, map(int, found.groups()), strict=True))
            year, month, day = parts["y"], parts["m"], parts["d"]
            year += 2000 if year < 100 else 0
            out[i] = 1 <= month <= 12 and calendar.monthrange(year, month)[1] < day <= 31
    return out


def parse_dates(column: pd.Series, dayfirst: bool | None = None) -> DateParse:
    """Parse a text column of dates (see module doc); empty cells become NaT."""
    text = column.astype(str).str.strip() if column.dtype != object else column
    codes, uniques = pd.factorize(text)
    uniques = np.asarray(uniques, dtype=object)
    nonempty = np.array([u.strip() != "" for u in uniques], dtype=bool)
    parsed = pd.DatetimeIndex(np.full(uniques.size, np.datetime64("NaT"), "datetime64[ns]"))
    impossible_u = np.zeros(uniques.size, dtype=bool)
    mismatch_u = np.zeros(uniques.size, dtype=bool)
    fmt, ambiguous = "none", False
    if nonempty.any():
        cleaned = [clean_date_text(u) for u in uniques[nonempty]]
        cand = np.array([c[0] for c in cleaned], dtype=object)
        named = np.array([c[1] for c in cleaned], dtype=np.int64)
        got, fmt, ambiguous = parse_date_values(cand, dayfirst)
        arr = parsed.to_numpy().copy()
        arr[nonempty] = got.to_numpy().astype("datetime64[ns]")
        parsed = pd.DatetimeIndex(arr)
        unread = got.isna()
        impossible_u[np.flatnonzero(nonempty)[unread]] = _impossible(cand[unread], fmt)
        wrong = (named >= 0) & ~unread & (got.dayofweek.to_numpy() != named)
        mismatch_u[nonempty] = wrong
    values = pd.Series(parsed.take(codes), index=column.index)
    empty = ~nonempty[codes]
    bad = values.isna().to_numpy() & ~empty
    valid = parsed[~parsed.isna()]
    has_time = bool(valid.size and (valid != valid.normalize()).any())
    return DateParse(
        values, bad, empty, fmt, has_time, ambiguous, impossible_u[codes], mismatch_u[codes]
    )


def looks_like_dates(column: pd.Series, sample: int = 300) -> float:
    """Share of a column's non-empty sampled values that read as dates (for detection)."""
    vals = column[column.astype(str).str.strip() != ""].astype(str).unique()[:sample]
    if vals.size == 0:
        return 0.0
    if _excel_serials(vals) is not None:
        return 0.5  # plain numbers could be serials or quantities: weak evidence only
    cleaned = np.array([clean_date_text(v)[0] for v in vals], dtype=object)
    got, _, _ = parse_date_values(cleaned)
    ok = got.notna() & (got.year >= 1990) & (got.year <= 2100)
    return float(np.mean(ok))


def _order_words(fmt: str) -> tuple[str, str]:
    """``'%d-%m-%y'`` -> ``('day-month-year', '日-月-年')``."""
    words = {"d": ("day", "日"), "m": ("month", "月"), "y": ("year", "年")}
    keys = [p[1].lower() for p in re.findall(r"%[dmyY]", fmt)]
    return "-".join(words[k][0] for k in keys), "-".join(words[k][1] for k in keys)


def report_dates(report: Report, col: str, parsed: DateParse, summary, rownum) -> None:
    """Findings for the date column: summary rows, unreadable, impossible and empty dates."""
    impossible = parsed.impossible & ~summary
    bad, empty = parsed.bad & ~summary & ~impossible, parsed.empty & ~summary
    if summary.any():
        report.add(
            "info", "summary_rows", "Total/summary rows (合计, Total ...) were found",
            "发现合计/汇总行（合计、总计等）", column=col, rows=rownum[summary].tolist(),
            action_en="not imported", action_zh="未导入",
        )  # fmt: skip
    if bad.any():
        report.add(
            "warning", "bad_dates", f"{int(bad.sum())} values are not readable dates",
            f"有 {int(bad.sum())} 个值无法识别为日期", column=col, rows=rownum[bad].tolist(),
            action_en="rows skipped", action_zh="已跳过这些行",
        )  # fmt: skip
    if impossible.any():
        report.add(
            "warning", "impossible_dates",
            f"{int(impossible.sum())} dates do not exist in the calendar (a 29 February "
            "outside a leap year, a 31st in a 30-day month)",
            f"有 {int(impossible.sum())} 个日期在日历中不存在（如非闰年的 2 月 29 日、小月的 31 日）",
            column=col, rows=rownum[impossible].tolist(),
            action_en="rows left out", action_zh="这些行未导入",
        )  # fmt: skip
    if empty.any():
        report.add(
            "warning", "empty_dates", f"{int(empty.sum())} rows have no date",
            f"有 {int(empty.sum())} 行没有日期", column=col, rows=rownum[empty].tolist(),
            action_en="rows skipped", action_zh="已跳过这些行",
        )  # fmt: skip
    mismatch = parsed.weekday_mismatch & ~summary
    if mismatch.any():
        report.add(
            "warning", "weekday_mismatch",
            f"{int(mismatch.sum())} dates are followed by a weekday that does not match them",
            f"有 {int(mismatch.sum())} 个日期后写的星期与日期不符",
            column=col, rows=rownum[mismatch].tolist(),
            action_en="the date was used, the weekday ignored",
            action_zh="按日期读取，忽略所写的星期",
        )  # fmt: skip
    if parsed.ambiguous:
        _report_ambiguous(report, col, parsed.fmt)


def _report_ambiguous(report: Report, col: str, fmt: str) -> None:
    if "%Y" in fmt:
        en = "day/month" if fmt.startswith("%d") else "month/day"
        zh = "日/月" if fmt.startswith("%d") else "月/日"
        text = (
            f"Dates such as 01/02/2024 could be day/month or month/day; read as {en}, the "
            "order that gives regular dates",
            f"类似 01/02/2024 的日期可能是日/月或月/日；已按{zh}读取（日期更规律）",
        )
    else:
        en, zh = _order_words(fmt)
        text = (
            f"Dates with two-digit years such as 06-05-21 could be read in several orders; "
            f"read as {en}, the order that gives regular dates",
            f"类似 06-05-21 的两位年份日期可有多种读法；已按{zh}读取（日期更规律）",
        )
    report.add(
        "warning", "ambiguous_dates", *text, column=col,
        action_en="use --dayfirst / --monthfirst to change",
        action_zh="可用 --dayfirst / --monthfirst 更改",
    )  # fmt: skip
