"""Writing result tables for spreadsheets: CSV that Excel opens correctly, and XLSX.

CSV is written as UTF-8 with a byte-order mark (``utf-8-sig``), so Excel shows Chinese
product names instead of mojibake. Text cells starting with ``= + - @`` or a tab or
carriage return get a leading ``'`` so a spreadsheet never runs them as a formula
(formula injection through product names or IDs). Files are written to a temporary file
in the same folder and renamed into place, so an interrupted export never leaves half a
file under the real name.

:func:`forecast_table` writes both point figures of a forecast: ``forecast``, the
expected demand (the mean: the figure to add up over days and lead times), and
``median``, the 0.5 quantile, which the ``lo``/``hi`` bands surround. Asked for a
language, it gives the columns headers that say so (``expected (mean)``, ``median``,
``low 80%`` ...; ``预测均值（期望）``, ``中位数``, ``80% 下限`` ...).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from core.data.dataset import Dataset
from core.errors import InputError
from core.text import CELL, pick

__all__ = ["excel_safe", "forecast_table", "ids_first", "write_sheets", "write_table"]

_RISKY = ("=", "+", "-", "@", "\t", "\r")
#: Headers of a forecast's value columns in words: column -> (English, Chinese).
FORECAST_HEADERS = {"forecast": ("expected (mean)", "预测均值（期望）"),
                    "median": ("median", "中位数")}  # fmt: skip


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot start a spreadsheet formula."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            text = out[col]
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(_RISKY))
            if risky.any():
                out[col] = text.where(~risky, "'" + text.astype(str))
    return out


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` to ``path`` (``.csv`` or ``.xlsx``) atomically; returns the path.

    Raises
    ------
    InputError
        For another extension, or a folder that cannot be written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(
            f"Cannot write {target.name}: use a .csv or .xlsx file name.",
            f"无法写入 {target.name}：请使用 .csv 或 .xlsx 文件名。",
        )
    safe = excel_safe(frame)
    if suffix == ".csv":
        return _replace(target, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig"))
    return _replace(target, lambda tmp: safe.to_excel(tmp, index=False, engine="openpyxl"))


def write_sheets(sheets: dict[str, pd.DataFrame], path) -> Path:
    """One ``.xlsx`` with a sheet per frame (names cut to Excel's 31 characters), each
    made formula-safe as by :func:`write_table`, written atomically; returns the path."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"Cannot write {target.name}: sheets need an .xlsx file name.",
                         f"无法写入 {target.name}：多个工作表需要 .xlsx 文件名。")  # fmt: skip

    def write(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                excel_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)

    return _replace(target, write)


def _replace(target: Path, write) -> Path:
    """``write(tmp)`` into a temporary file beside ``target``, then swap it in: a reader
    never sees half a file and a failed write leaves the old one."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix,
                                   dir=target.parent)  # fmt: skip
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except PermissionError as exc:
        raise InputError(
            f"Cannot write {target}: permission denied or the file is open in another "
            f"program ({exc.strerror}).",
            f"无法写入 {target}：没有权限，或文件正被其他程序打开。",
        ) from exc
    except OSError as exc:
        raise InputError(
            f"Cannot write {target}: {exc.strerror or exc}.", f"无法写入 {target}：{exc}。"
        ) from exc
    return target


def ids_first(table: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """``table`` keyed by ``unique_id`` with the source's own ID columns in front
    (``unique_id`` itself dropped when the source has ID columns)."""
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    keys = dataset.series[["unique_id", *ids]] if ids else dataset.series[["unique_id"]]
    out = keys.merge(table, on="unique_id", how="right")
    return out.drop(columns="unique_id") if ids else out


def forecast_table(fc: pd.DataFrame, dataset: Dataset, lang: str | None = None) -> pd.DataFrame:
    """A forecast with the input's own ID columns first and a ``date`` column.

    ``forecast`` (expected demand) and ``median`` both go out; a table saved before the
    median existed gets its ``forecast`` as the median. ``lang`` (``en``, ``zh`` or
    ``both``): value headers in words (:data:`FORECAST_HEADERS`, bands as ``low 80%`` /
    ``80% 下限``); ``None`` keeps the column names (``forecast``, ``median``, ``lo_80``).
    """
    if "median" not in fc.columns and "forecast" in fc.columns:
        fc = fc.assign(median=fc["forecast"])
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    keys = dataset.series[["unique_id", *ids]] if ids else dataset.series[["unique_id"]]
    out = keys.merge(fc, on="unique_id", how="right").rename(columns={"ds": "date"})
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    first = [c for c in ("forecast", "median") if c in fc.columns]
    value_cols = first + [c for c in fc.columns if c not in ("unique_id", "ds", *first)]
    out[value_cols] = out[value_cols].round(3)
    out = out[[*(ids or ["unique_id"]), "date", *value_cols]]
    if lang is None:
        return out
    return out.rename(columns={c: forecast_header(c, lang) for c in value_cols})


def forecast_header(column: str, lang: str) -> str:
    """The header in words of a forecast column (``forecast``, ``median``, ``lo_80``...)."""
    if column in FORECAST_HEADERS:
        return pick(lang, *FORECAST_HEADERS[column], sep=CELL)
    side, _, level = column.partition("_")
    if side in ("lo", "hi") and level.isdigit():
        en = f"{'low' if side == 'lo' else 'high'} {level}%"
        zh = f"{level}% {'下限' if side == 'lo' else '上限'}"
        return pick(lang, en, zh, sep=CELL)
    return column
