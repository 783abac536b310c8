"""Reading Excel workbooks (.xlsx) into a table of strings with openpyxl.

Cells become text the way the user sees them: integral numbers without ``.0``
(an ID typed as a number), dates as ISO strings, text as is. A workbook with
several sheets holding data is read from the one sheet that holds a sales-like table (a
column of dates and one of numbers, as a notes or settings sheet does not) and says so;
with several such sheets it must be told which one to use.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from core import lazy
from core.data.dataset import SourceInfo
from core.data.parsing import looks_like_dates, numeric_share
from core.data.report import Report
from core.data.table import (
    RawTable,
    align_repeated_headers,
    clean_header,
    drop_blank_columns,
    drop_empty_rows,
    find_header,
    report_header,
)
from core.errors import InputError


def _damaged(path: Path, exc: Exception) -> InputError:
    return InputError(
        f"'{path.name}' is not a readable Excel workbook (.xlsx); it may be damaged or "
        f"password-protected ({type(exc).__name__}). Open it in Excel or WPS and save it "
        "again as .xlsx or .csv.",
        f"“{path.name}”不是可读取的 Excel 工作簿（.xlsx），文件可能已损坏或设有密码"
        f"（{type(exc).__name__}）。请用 Excel 或 WPS 打开后重新另存为 .xlsx 或 .csv。",
    )


def _open(path: Path):
    try:
        # A file object, not a path: openpyxl refuses paths without an .xlsx suffix.
        return lazy.load("openpyxl").load_workbook(
            io.BytesIO(path.read_bytes()), read_only=True, data_only=True
        )
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _damaged(path, exc) from None


def _tables(path: Path) -> dict[str, list[list[str]]]:
    """Each sheet's rows as text, by sheet name.

    A read-only workbook parses its sheets only here, so a damaged sheet (bad XML, a
    failed zip checksum) is found here, not on opening.
    """
    wb = _open(path)
    try:
        return {ws.title: _rows(ws) for ws in wb.worksheets}
    except MemoryError:
        raise
    except Exception as exc:  # XML, zip and value errors of a damaged member
        raise _damaged(path, exc) from None
    finally:
        wb.close()


def cell_text(value: object) -> str:
    """The text a spreadsheet cell shows, for import as a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def _rows(ws) -> list[list[str]]:
    rows = []
    for row in ws.iter_rows(values_only=True):
        cells = [cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        rows.append(cells)
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def sheet_sizes(path: Path) -> list[tuple[str, int]]:
    """(name, number of non-empty rows) for each sheet."""
    return [(name, sum(1 for r in rows if any(r))) for name, rows in _tables(path).items()]


def read_xlsx(path: Path, sheet: str | None = None) -> RawTable:  # noqa: F821
    """Read one sheet of an XLSX workbook (see :func:`core.data.io.read_table`)."""
    tables = _tables(path)
    report = Report()
    name = _choose_sheet(path, tables, sheet, report)
    rows = tables[name]
    filled = [i for i, r in enumerate(rows) if any(r)]
    header_idx = find_header([rows[i] for i in filled[:50]])
    header_at = filled[header_idx]  # 0-based position of the header among all rows
    if header_idx:
        report.add(
            "info",
            "title_rows_skipped",
            f"Skipped {header_idx} title row(s) above the header",
            f"已跳过表头上方的 {header_idx} 行标题信息",
            rows=[i + 1 for i in filled[:header_idx]],
            action_en="not imported",
            action_zh="未导入",
        )
    header = rows[header_at]
    body = rows[header_at + 1 :]
    if not any(any(r) for r in body):
        raise InputError(
            f"Sheet '{name}' of '{path.name}' has a header but no data rows.",
            f"“{path.name}”的工作表“{name}”只有表头，没有数据行。",
        )
    width = max(len(header), max(len(r) for r in body))
    header = header + [""] * (width - len(header))
    names, dups = clean_header(header)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in body], columns=names, dtype=str)
    report_header(report, dups)
    frame = drop_blank_columns(frame, header, report)
    frame = drop_empty_rows(frame, header_at + 1, report)
    frame = align_repeated_headers(frame, header_at + 1, report)
    info = SourceInfo(
        path=str(path),
        kind="xlsx",
        sheet=name,
        header_row=header_at + 1,
        rows_read=int(frame.shape[0]),
    )
    return RawTable(frame, info, report)


def _choose_sheet(path: Path, tables: dict, sheet: str | None, report: Report) -> str:
    sizes = {n: sum(1 for r in rows if any(r)) for n, rows in tables.items()}
    listing = ", ".join(f"'{n}' ({c} rows)" for n, c in sizes.items())
    listing_zh = "、".join(f"“{n}”（{c} 行）" for n, c in sizes.items())
    if sheet is not None:
        if sheet not in tables:
            raise InputError(
                f"Workbook '{path.name}' has no sheet '{sheet}'. Its sheets: {listing}.",
                f"工作簿“{path.name}”中没有名为“{sheet}”的工作表。现有工作表：{listing_zh}。",
            )
        return sheet
    filled = [n for n, c in sizes.items() if c >= 2]
    if not filled:
        raise InputError(
            f"Workbook '{path.name}' has no sheet with a header and data rows.",
            f"工作簿“{path.name}”中没有包含表头和数据行的工作表。",
        )
    sales = [n for n in filled if _looks_like_sales(tables[n])] if len(filled) > 1 else filled
    if len(sales) != 1:
        raise InputError(
            f"Workbook '{path.name}' has several sheets with data: {listing}. Choose the sheet "
            "that holds the sales (command line: --sheet NAME).",
            f"工作簿“{path.name}”中有多个包含数据的工作表：{listing_zh}。请选择存放销售数据的"
            "工作表（命令行：--sheet 名称）。",
        )
    chosen = sales[0]
    if len(filled) > 1:
        others = ", ".join(f"'{n}' ({sizes[n]} rows)" for n in filled if n != chosen)
        others_zh = "、".join(f"“{n}”（{sizes[n]} 行）" for n in filled if n != chosen)
        report.add(
            "info",
            "sheet_chosen",
            f"Read sheet '{chosen}', the only one with a table of dates and quantities; "
            f"{others} hold no such table",
            f"已读取工作表“{chosen}”：只有它是含日期和数量的表格；{others_zh}不是销售表格",
            action_en="choose another with --sheet",
            action_zh="可用 --sheet 选择其他工作表",
        )
    elif len(sizes) > 1:
        report.add(
            "info",
            "sheet_chosen",
            f"Read sheet '{chosen}', the only one with data",
            f"已读取唯一包含数据的工作表“{chosen}”",
        )
    return chosen


def _looks_like_sales(rows: list[list[str]]) -> bool:
    """A header, at least two data rows, a column of dates and another of numbers."""
    filled = [r for r in rows if any(r)]
    if len(filled) < 3:
        return False
    at = find_header(filled[:50])
    header, body = filled[at], filled[at + 1 : at + 301]
    if len(header) < 2 or len(body) < 2:
        return False
    width = max(len(r) for r in body)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in body], dtype=str)
    dates = [c for c in frame.columns if looks_like_dates(frame[c]) >= 0.8]
    if not dates:
        return False
    return any(numeric_share(frame[c]) >= 0.8 for c in frame.columns if c not in dates[:1])
