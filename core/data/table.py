"""A file's cells as text, whatever it was read from, and the header rules both readers share.

:mod:`core.data.io` (CSV) and :mod:`core.data.xlsx` (workbooks) both return a
:class:`RawTable` and find, clean and report the header row the same way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from core.data.dataset import SourceInfo
from core.data.report import Report

__all__ = ["RawTable", "ReadOptions", "clean_header", "find_header", "report_header"]


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
