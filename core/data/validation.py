"""Checks on an imported long table: frequency, duplicates, negatives, gaps, short series.

Each check adds findings to a :class:`~core.data.report.Report` saying what it found
and what will be done about it (by :mod:`core.data.cleaning`'s defaults). Only a table
that cannot be forecast at all is an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.report import Report
from core.errors import InputError

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
#: Fewer periods than this and a product is "too short to forecast" on its own.
MIN_PERIODS = {"D": 28, "W": 8, "M": 6}
FREQ_NAMES = {"D": ("daily", "日"), "W": ("weekly", "周"), "M": ("monthly", "月")}


def freq_kind(freq: str) -> str:
    """``'D'``, ``'W'`` or ``'M'`` for a pandas alias such as ``'W-MON'`` or ``'MS'``."""
    return "W" if freq.startswith("W") else ("M" if freq.startswith("M") else "D")


def _day_numbers(ds: pd.Series) -> np.ndarray:
    return ds.to_numpy().astype("datetime64[D]").astype(np.int64)


def detect_freq(frame: pd.DataFrame, report: Report) -> str:
    """Detect day / week / month from the most common gap between a product's dates."""
    days = _day_numbers(frame["ds"])
    uid = frame["unique_id"].to_numpy()
    same = np.r_[False, uid[1:] == uid[:-1]]
    diffs = np.diff(days, prepend=days[:1])[same]
    diffs = diffs[diffs > 0]
    if diffs.size == 0:
        if frame["ds"].nunique() < 2:
            raise InputError(
                "The file holds a single date; at least two dates are needed to forecast.",
                "文件中只有一个日期；至少需要两个日期才能预测。",
            )
        diffs = np.diff(np.unique(days))
    mode = int(np.argmax(np.bincount(np.minimum(diffs, 400))))
    if mode == 7:
        wd = int(pd.Series(frame["ds"].dt.dayofweek).mode().iloc[0])
        return f"W-{WEEKDAYS[wd]}"
    if 28 <= mode <= 31:
        return "MS"
    if mode != 1:
        report.add(
            "warning",
            "irregular_dates",
            f"Dates are spaced irregularly (most often {mode} days apart); treated as daily",
            f"日期间隔不规则（最常见间隔 {mode} 天），按日数据处理",
            action_en="missing days are filled by cleaning",
            action_zh="缺少的日期将在清洗时补齐",
        )
    return "D"


def snap_to_freq(ds: pd.Series, freq: str) -> pd.Series:
    """Move dates to the start of their period (week start weekday / month start)."""
    kind = freq_kind(freq)
    if kind == "M":
        return ds.dt.to_period("M").dt.start_time
    if kind == "W":
        anchor = WEEKDAYS.index(freq.split("-")[1])
        shift = (ds.dt.dayofweek - anchor) % 7
        return ds - pd.to_timedelta(shift, unit="D")
    return ds.dt.normalize()


def _periods_between(first: pd.Series, last: pd.Series, freq: str) -> np.ndarray:
    kind = freq_kind(freq)
    if kind == "M":
        return ((last.dt.year - first.dt.year) * 12 + last.dt.month - first.dt.month).to_numpy() + 1
    step = 7 if kind == "W" else 1
    return ((last - first).dt.days // step).to_numpy() + 1


def check_table(frame: pd.DataFrame, freq: str, report: Report) -> None:
    """Run the duplicate, negative, gap and length checks on a canonical frame."""
    _check_duplicates(frame, report)
    _check_negatives(frame, report)
    stats = frame.groupby("unique_id", sort=False)["ds"].agg(["min", "max", "nunique"])
    periods = _periods_between(stats["min"], stats["max"], freq)
    _check_gaps(stats, periods, freq, report)
    _check_short(stats, periods, freq, report)


def _rows(frame: pd.DataFrame, mask: np.ndarray) -> list[int]:
    return frame["_row"].to_numpy()[mask].tolist()


def _check_duplicates(frame: pd.DataFrame, report: Report) -> None:
    dup = frame.duplicated(["unique_id", "ds"], keep=False).to_numpy()
    if dup.any():
        report.add(
            "warning",
            "duplicate_keys",
            f"{int(dup.sum())} rows share a product and date with another row",
            f"有 {int(dup.sum())} 行与其他行的商品和日期相同",
            rows=_rows(frame, dup),
            action_en="cleaning adds them up (duplicates=sum)",
            action_zh="清洗时将其合计（duplicates=sum）",
        )


def _check_negatives(frame: pd.DataFrame, report: Report) -> None:
    neg = (frame["y"] < 0).to_numpy()
    if neg.any():
        report.add(
            "warning",
            "negative_values",
            f"{int(neg.sum())} negative quantities (returns or corrections)",
            f"有 {int(neg.sum())} 个负数销量（退货或冲销）",
            rows=_rows(frame, neg),
            action_en="cleaning sets them to 0 (negatives=zero)",
            action_zh="清洗时设为 0（negatives=zero）",
        )


def _check_gaps(stats: pd.DataFrame, periods: np.ndarray, freq: str, report: Report) -> None:
    missing = periods - stats["nunique"].to_numpy()
    n_series = int((missing > 0).sum())
    if n_series:
        en_unit, zh_unit = FREQ_NAMES[freq_kind(freq)]
        report.add(
            "warning",
            "missing_dates",
            f"{n_series} product(s) miss {int(missing.sum())} {en_unit} period(s) between "
            "their first and last date",
            f"{n_series} 个商品在首末日期之间共缺少 {int(missing.sum())} 个{zh_unit}的数据",
            action_en="cleaning inserts them with 0 sales (fill=zero)",
            action_zh="清洗时补齐这些日期，销量记为 0（fill=zero）",
        )


def _check_short(stats: pd.DataFrame, periods: np.ndarray, freq: str, report: Report) -> None:
    kind = freq_kind(freq)
    short = periods < MIN_PERIODS[kind]
    if short.any():
        en_unit, zh_unit = FREQ_NAMES[kind]
        names = ", ".join(stats.index[short][:10].astype(str))
        more = f" (+{int(short.sum()) - 10})" if short.sum() > 10 else ""
        report.add(
            "warning",
            "short_series",
            f"{int(short.sum())} product(s) have fewer than {MIN_PERIODS[kind]} {en_unit} "
            f"periods of history: {names}{more}",
            f"{int(short.sum())} 个商品的历史少于 {MIN_PERIODS[kind]} 个{zh_unit}：{names}{more}",
            action_en="kept; their forecasts lean on similar products and are marked "
            "low-confidence",
            action_zh="保留；其预测参考同类商品，并标记为低置信度",
        )
