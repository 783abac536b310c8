"""Writing result tables for spreadsheets: CSV that Excel opens correctly, and XLSX.

CSV is written as UTF-8 with a byte-order mark (``utf-8-sig``), so Excel shows Chinese
product names instead of mojibake. Text cells starting with ``= + - @`` or a tab or
carriage return get a leading ``'`` so a spreadsheet never runs them as a formula
(formula injection through product names or IDs). Files are written to a temporary file
in the same folder and renamed into place, so an interrupted export never leaves half a
file under the real name.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from core.data.dataset import Dataset
from core.errors import InputError

__all__ = ["excel_safe", "forecast_table", "ids_first", "write_table"]

_RISKY = ("=", "+", "-", "@", "\t", "\r")


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
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=suffix, dir=target.parent)
        os.close(fd)
        try:
            if suffix == ".csv":
                safe.to_csv(tmp, index=False, encoding="utf-8-sig")
            else:
                safe.to_excel(tmp, index=False, engine="openpyxl")
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


def forecast_table(fc: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """A forecast with the input's own ID columns first and a ``date`` column."""
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    keys = dataset.series[["unique_id", *ids]] if ids else dataset.series[["unique_id"]]
    out = keys.merge(fc, on="unique_id", how="right").rename(columns={"ds": "date"})
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    value_cols = [c for c in fc.columns if c not in ("unique_id", "ds")]
    out[value_cols] = out[value_cols].round(3)
    return out[[*(ids or ["unique_id"]), "date", *value_cols]]
