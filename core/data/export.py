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
``low 80%`` ...; ``预测均值（期望）``, ``中位数``, ``80% 下限`` ...), the product's name
and lifecycle stage beside its IDs when known. :func:`not_forecast_table` lists the products
the forecast leaves out (stopped selling) with the reason, and :func:`write_forecast` writes
both: two sheets of one workbook, or a second CSV beside the first.

Cells are written as a spreadsheet expects them: whole quantities as integers (``140``,
not ``140.0``), dates as real Excel dates in a workbook and ``YYYY-MM-DD`` in a CSV, and
the file with the permissions the user's umask gives a new file (not the private 0600 of
a temporary file).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from core.data.dataset import Dataset
from core.errors import InputError
from core.text import CELL, pick

__all__ = ["excel_safe", "forecast_table", "ids_first", "not_forecast_table", "replace_file",
           "write_forecast", "write_sheets", "write_table"]  # fmt: skip

_RISKY = ("=", "+", "-", "@", "\t", "\r")
#: Headers of a forecast's value columns in words: column -> (English, Chinese).
FORECAST_HEADERS = {"forecast": ("expected (mean)", "预测均值（期望）"),
                    "median": ("median", "中位数")}  # fmt: skip
#: Headers of the other columns an export adds: column -> (English, Chinese).
EXTRA_HEADERS = {"date": ("date", "日期"), "stage": ("stage", "生命周期阶段"),
                 "last_date": ("last sale", "最后销售日期"),
                 "periods_since": ("periods without sales", "无销量期数"),
                 "reason": ("why not forecast", "未预测原因")}  # fmt: skip


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
    if suffix == ".csv":
        safe = spreadsheet_cells(frame, csv=True)
        return replace_file(target, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig"))
    return write_sheets({"Sheet1": frame}, target)


def spreadsheet_cells(frame: pd.DataFrame, csv: bool = False) -> pd.DataFrame:
    """``frame`` as a spreadsheet should show it: formula-safe text (:func:`excel_safe`),
    float columns holding only whole numbers as integers, and date columns (every time at
    midnight) as dates: ``YYYY-MM-DD`` text for a CSV, ``datetime.date`` cells (real Excel
    dates) for a workbook. Columns with a time of day or fractions are left as they are."""
    out = excel_safe(frame)
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_float_dtype(values):
            known = values.dropna()
            if len(known) and bool((known == known.round()).all()) and known.abs().max() < 2**53:
                out[col] = values.round().astype("Int64")
        elif pd.api.types.is_datetime64_any_dtype(values):
            known = values.dropna()
            if len(known) and bool((known == known.dt.normalize()).all()):
                if csv:
                    out[col] = values.dt.strftime("%Y-%m-%d")
                else:
                    out[col] = values.dt.date.astype(object).where(values.notna(), None)
    return out


def write_sheets(sheets: dict[str, pd.DataFrame], path) -> Path:
    """One ``.xlsx`` with a sheet per frame (names cut to Excel's 31 characters), each
    made formula-safe as by :func:`write_table`, written atomically; returns the path."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"Cannot write {target.name}: sheets need an .xlsx file name.",
                         f"无法写入 {target.name}：多个工作表需要 .xlsx 文件名。")  # fmt: skip

    def write(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl", date_format="YYYY-MM-DD",
                            datetime_format="YYYY-MM-DD HH:MM:SS") as writer:  # fmt: skip
            for name, frame in sheets.items():
                spreadsheet_cells(frame).to_excel(writer, sheet_name=name[:31], index=False)

    return replace_file(target, write)


def replace_file(target: Path, write) -> Path:
    """``write(tmp)`` into a temporary file beside ``target``, then swap it in: a reader
    never sees half a file and a failed write leaves the old one."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix,
                                   dir=target.parent)  # fmt: skip
        os.close(fd)
        try:
            os.chmod(tmp, 0o666 & ~_umask())  # a new file's usual mode, not mkstemp's 0600
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


def _umask() -> int:
    """The process's umask (read by setting it and putting it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def ids_first(table: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """``table`` keyed by ``unique_id`` with the source's own ID columns in front
    (``unique_id`` itself dropped when the source has ID columns)."""
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    keys = dataset.series[["unique_id", *ids]] if ids else dataset.series[["unique_id"]]
    out = keys.merge(table, on="unique_id", how="right")
    return out.drop(columns="unique_id") if ids else out


def _keys(dataset: Dataset) -> tuple[pd.DataFrame, list[str]]:
    """Each product's ``unique_id``, the source's ID columns and its name (when mapped,
    under the source's own header: ``商品名称``), and the columns shown."""
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    keys = dataset.series[["unique_id", *ids]].copy()
    if "name" in dataset.series.columns:
        header = dataset.mapping.name or "name"
        header = header if header not in keys.columns else f"{header} (name)"
        keys[header] = dataset.series["name"].to_numpy()
        ids.append(header)
    return keys, ids


def forecast_table(fc: pd.DataFrame, dataset: Dataset, lang: str | None = None,
                   stages: pd.Series | None = None) -> pd.DataFrame:  # fmt: skip
    """A forecast with the input's own ID columns (and product name) first and a ``date``.

    ``forecast`` (expected demand) and ``median`` both go out; a table saved before the
    median existed gets its ``forecast`` as the median. ``stages``: each product's
    lifecycle stage as the user reads it (text indexed by ``unique_id``), written beside
    its name. ``lang`` (``en``, ``zh`` or ``both``): headers in words
    (:data:`FORECAST_HEADERS`, :data:`EXTRA_HEADERS`, bands as ``low 80%`` / ``80% 下限``);
    ``None`` keeps the column names (``date``, ``stage``, ``forecast``, ``median``, ``lo_80``).
    """
    if "median" not in fc.columns and "forecast" in fc.columns:
        fc = fc.assign(median=fc["forecast"])
    keys, shown = _keys(dataset)
    out = keys.merge(fc, on="unique_id", how="right").rename(columns={"ds": "date"})
    out["date"] = pd.to_datetime(out["date"]).dt.normalize()
    first = [c for c in ("forecast", "median") if c in fc.columns]
    value_cols = first + [c for c in fc.columns if c not in ("unique_id", "ds", *first)]
    out[value_cols] = out[value_cols].round(3)
    extra = []
    if stages is not None:
        out["stage"] = out["unique_id"].map(stages)
        extra = ["stage"]
    out = out[[*(shown or ["unique_id"]), *extra, "date", *value_cols]]
    if lang is None:
        return out
    return out.rename(columns={c: forecast_header(c, lang) for c in [*extra, "date", *value_cols]})


def not_forecast_table(inactive: pd.DataFrame, dataset: Dataset,
                       lang: str | None = None) -> pd.DataFrame:  # fmt: skip
    """The products a forecast leaves out, with why: ``inactive`` is the alignment's
    (``unique_id``, ``last_date``, ``periods_since``; :class:`core.data.Alignment`), shown
    with the source's IDs and name and a ``reason`` in ``lang`` (``None``: both)."""
    keys, shown = _keys(dataset)
    out = keys.merge(inactive, on="unique_id", how="right")
    out["last_date"] = pd.to_datetime(out["last_date"]).dt.normalize()
    out["reason"] = [
        pick(lang or "both",
             f"stopped selling: no sales for {int(n)} periods since {d.date()}",
             f"已停售：自 {d.date()} 起 {int(n)} 期无销量", sep=CELL)
        for n, d in zip(out["periods_since"], out["last_date"], strict=True)
    ]  # fmt: skip
    out = out[[*(shown or ["unique_id"]), "last_date", "periods_since", "reason"]]
    if lang is None:
        return out
    return out.rename(columns={c: forecast_header(c, lang) for c in EXTRA_HEADERS
                               if c in out.columns})  # fmt: skip


def write_forecast(table: pd.DataFrame, skipped: pd.DataFrame | None, path,
                   lang: str | None = None) -> list[Path]:  # fmt: skip
    """Write a :func:`forecast_table` and its :func:`not_forecast_table` to ``path``:
    a workbook gets a second sheet, a CSV a second file ``<name>_not_forecast.csv``
    beside it (nothing extra when every product was forecast). Returns the paths."""
    target = Path(path)
    if skipped is None or skipped.empty:
        return [write_table(table, target)]
    names = (pick(lang or "en", "forecast", "预测", sep=" "),
             pick(lang or "en", "not forecast", "未预测", sep=" "))  # fmt: skip
    if target.suffix.lower() == ".xlsx":
        return [write_sheets(dict(zip(names, (table, skipped), strict=True)), target)]
    first = write_table(table, target)
    return [first, write_table(skipped, target.with_name(f"{target.stem}_not_forecast.csv"))]


def forecast_header(column: str, lang: str) -> str:
    """The header in words of a forecast column (``forecast``, ``median``, ``lo_80``...)."""
    if column in FORECAST_HEADERS:
        return pick(lang, *FORECAST_HEADERS[column], sep=CELL)
    if column in EXTRA_HEADERS:
        return pick(lang, *EXTRA_HEADERS[column], sep=CELL)
    side, _, level = column.partition("_")
    if side in ("lo", "hi") and level.isdigit():
        en = f"{'low' if side == 'lo' else 'high'} {level}%"
        zh = f"{level}% {'下限' if side == 'lo' else '上限'}"
        return pick(lang, en, zh, sep=CELL)
    return column
