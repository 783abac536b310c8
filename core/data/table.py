"""A file's cells as text, whatever it was read from, and the header rules both readers share.

:mod:`core.data.io` (CSV) and :mod:`core.data.xlsx` (workbooks) both return a
:class:`RawTable` and find, clean and report the header row the same way. Both keep the
frame's index equal to the row number less the header's (the importer reports rows by
it), drop empty rows with a finding, and recognise a second header further down, where
two exports were pasted one below the other, aligning the parts by column name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.data.dataset import SourceInfo
from core.data.report import Report
from core.errors import InputError

#: More columns than any sales table has (five years of days, one column each): refused
#: rather than examined one by one for minutes.
MAX_COLUMNS = 5000

__all__ = [
    "RawTable",
    "ReadOptions",
    "align_repeated_headers",
    "check_width",
    "clean_header",
    "drop_blank_columns",
    "drop_empty_rows",
    "find_header",
    "report_header",
]


@dataclass
class ReadOptions:
    """How to read a file; ``None`` means detect."""

    encoding: str | None = None
    sep: str | None = None
    sheet: str | None = None


@dataclass
class RawTable:
    """A file's cells as strings, with how it was read and what was noticed."""

    frame: pd.DataFrame
    info: SourceInfo
    report: Report = field(default_factory=Report)


def find_header(rows: list[list[str]]) -> int:
    """Index of the header row: the first row as wide as the table's modal width.

    Shop exports often put a title, the shop name or the export time above the
    real header; those rows are narrower than the table.
    """
    widths = [sum(1 for cell in row if cell.strip()) for row in rows]
    full = [w for w in widths if w > 0]
    if not full:
        return 0
    modal = Counter(full).most_common(1)[0][0]
    for i, w in enumerate(widths):
        if w >= max(2, modal) or (modal < 2 and w > 0):
            return i
    return 0


def clean_header(names: list[str]) -> tuple[list[str], list[str]]:
    """Strip header names, name blanks ``column_N`` and make duplicates unique.

    Returns the new names and the list of names that were duplicated.
    """
    out: list[str] = []
    dups: list[str] = []
    seen: Counter[str] = Counter()
    for i, raw in enumerate(names):
        name = str(raw).replace("\ufeff", "").strip() or f"column_{i + 1}"
        seen[name] += 1
        if seen[name] > 1:
            dups.append(name)
            name = f"{name}.{seen[name] - 1}"
        out.append(name)
    return out, dups


def report_header(report: Report, dups: list[str]) -> None:
    """Add the duplicate-header warning when header names had to be renamed."""
    if dups:
        report.add(
            "warning",
            "duplicate_header",
            "Several columns have the same name; later ones were renamed with .1, .2",
            "多个列名称相同，后出现的列已重命名为 .1、.2",
            column=", ".join(sorted(set(dups))),
            action_en="renamed",
            action_zh="已重命名",
        )


def drop_blank_columns(frame: pd.DataFrame, header: list, report: Report) -> pd.DataFrame:
    """Drop columns with no header and no value; refuse a table wider than :data:`MAX_COLUMNS`.

    A spreadsheet re-saved as CSV often ends every line with empty cells (thousands of
    them where the sheet's used range went far right). ``header`` holds the header's raw
    cells, one per column of ``frame``.
    """
    blank = [i for i, name in enumerate(header) if not str(name).replace("\ufeff", "").strip()]
    if blank and not frame.empty:
        empty = (frame.iloc[:, blank].to_numpy(dtype=object) == "").all(axis=0)
        drop = [frame.columns[i] for i, e in zip(blank, empty, strict=True) if e]
        if drop:
            frame = frame.drop(columns=drop)
            report.add(
                "info",
                "empty_columns",
                f"{len(drop)} column(s) with no header and no values",
                f"有 {len(drop)} 列既无表头也无数据",
                action_en="not imported",
                action_zh="未导入",
            )
    check_width(frame.shape[1])
    return frame


def check_width(n_columns: int) -> None:
    """Refuse a table of more than :data:`MAX_COLUMNS` columns (see there)."""
    if n_columns > MAX_COLUMNS:
        raise InputError(
            f"The table has {n_columns} columns, more than a sales table has "
            f"({MAX_COLUMNS} at most); the separator or the file may be wrong. Check the "
            "file in a spreadsheet, or choose the separator by hand (--sep).",
            f"表格有 {n_columns} 列，超过销售表格可能的列数（最多 {MAX_COLUMNS} 列），"
            "分隔符或文件可能有误。请用表格软件检查文件，或手动指定分隔符（--sep）。",
        )


def _row_numbers(frame: pd.DataFrame, mask: np.ndarray, header_row: int) -> list[int]:
    return (frame.index.to_numpy()[mask] + header_row + 1).tolist()


def drop_empty_rows(frame: pd.DataFrame, header_row: int, report: Report) -> pd.DataFrame:
    """Drop rows whose every cell is empty; report those above the last data row.

    Empty rows after the last data row are not part of the table (spreadsheets leave
    them) and go without a finding. The index is kept, so row numbers stay true.
    """
    if frame.empty or frame.shape[1] == 0:
        return frame
    cand = np.flatnonzero(frame.iloc[:, 0].to_numpy() == "")
    if cand.size == 0:
        return frame
    cells = frame.iloc[cand].to_numpy(dtype=object)
    blank = np.array([not any(str(c).strip() for c in row) for row in cells], dtype=bool)
    empty = np.zeros(len(frame), dtype=bool)
    empty[cand[blank]] = True
    if not empty.any():
        return frame
    filled = np.flatnonzero(~empty)
    inside = empty & (np.arange(len(frame)) < (filled[-1] if filled.size else -1))
    if inside.any():
        report.add(
            "info",
            "empty_rows",
            f"{int(inside.sum())} empty row(s) inside the table",
            f"表格中有 {int(inside.sum())} 行空行",
            rows=_row_numbers(frame, inside, header_row),
            action_en="not imported",
            action_zh="未导入",
        )
    return frame.loc[~empty]


def _fold(value: object) -> str:
    return str(value).replace("\ufeff", "").strip().casefold()


def align_repeated_headers(frame: pd.DataFrame, header_row: int, report: Report) -> pd.DataFrame:
    """Find rows that repeat the header and align the parts below them by column name.

    Two exports pasted one below the other leave the second one's header in the data,
    perhaps with the columns in another order. A row counts as a header when at least
    half of its cells (and two) are header names. Its part (down to the next header) is
    rearranged to the first header's order; a header with other columns is refused
    with its row number, as the parts cannot be joined by name.
    """
    names = list(frame.columns)
    folded = [_fold(n) for n in names]
    if frame.empty or len(set(folded)) < 2 or len(set(folded)) < len(folded):
        return frame
    cand = np.flatnonzero(frame.iloc[:, 0].isin(set(names)).to_numpy())
    if cand.size == 0:
        return frame
    cells = frame.iloc[cand].to_numpy(dtype=object)
    need = max(2, (len(names) + 1) // 2)
    hits = [sum(_fold(c) in set(folded) for c in row) >= need for row in cells]
    heads = cand[np.array(hits, dtype=bool)]
    if heads.size == 0:
        return frame
    values = frame.to_numpy(dtype=object, copy=True)
    moved = []
    for k, at in enumerate(heads):
        row_no = int(frame.index[at]) + header_row + 1
        seen = [_fold(c) for c in clean_header([str(c) for c in values[at]])[0]]
        order = _order_of(seen, folded, names, values[at], row_no)
        end = heads[k + 1] if k + 1 < heads.size else len(frame)
        if order != list(range(len(names))):
            values[at + 1 : end] = values[at + 1 : end][:, order]
            moved.append(row_no)
    keep = np.ones(len(frame), dtype=bool)
    keep[heads] = False
    out = pd.DataFrame(values[keep], columns=names, index=frame.index[keep], dtype=str)
    _report_repeated(report, _row_numbers(frame, ~keep, header_row), moved)
    return out


def _order_of(seen: list[str], folded: list[str], names, raw, row_no: int) -> list[int]:
    """Positions in the repeated header of each of the first header's columns."""
    if sorted(seen) != sorted(folded):
        missing = [n for n, f in zip(names, folded, strict=True) if f not in seen]
        extra = [str(c).strip() for c, f in zip(raw, seen, strict=True) if f not in folded]
        gone, new = ", ".join(missing) or "-", ", ".join(extra) or "-"
        raise InputError(
            f"Row {row_no} starts a second table whose columns differ from the first header's "
            f"(missing: {gone}; new: {new}). Save the two parts as separate files, or give "
            "them the same columns.",
            f"第 {row_no} 行开始了第二个表格，其列与第一个表头不同（缺少：{gone}；新增：{new}）。"
            "请将两部分另存为单独的文件，或使其列相同。",
        )
    return [seen.index(f) for f in folded]


def _report_repeated(report: Report, rows: list[int], moved: list[int]) -> None:
    en = (
        f"; the columns below row(s) {', '.join(map(str, moved))} were in another order and "
        "were aligned by name"
        if moved
        else ""
    )
    zh = f"；第 {'、'.join(map(str, moved))} 行以下的列顺序不同，已按列名对齐" if moved else ""
    report.add(
        "info",
        "repeated_header",
        f"The header is repeated inside the table (two exports pasted together){en}",
        f"表头在表格中重复出现（可能是两份导出拼接在一起）{zh}",
        rows=rows,
        action_en="header rows not imported; the parts read as one table",
        action_zh="重复的表头行未导入；各部分合并为一个表格",
    )
