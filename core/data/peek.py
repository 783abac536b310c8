"""A cheap look at a sales file's header and sheets, before the import proper.

The import dialog offers the file's column names in its mapping combos as soon as a file
is chosen, and keeps offering them when the import then fails (a file without a
recognisable date column), so the user can say which column is which. Only the first
256 KiB of a CSV (decompressed) and the first 50 rows of a workbook are read.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from core import lazy
from core.data.importer import ImportOptions
from core.data.io import read_csv_bytes
from core.data.table import ReadOptions, clean_header, find_header
from core.data.xlsx import cell_text

__all__ = ["peek_columns"]


#: Bytes of a CSV read to find its header (the import itself reads everything).
_PEEK_BYTES = 256 * 1024


def _head_text_bytes(data: bytes) -> bytes:
    """The first complete lines of a (possibly gzip-compressed) CSV's bytes."""
    if data.startswith(b"\x1f\x8b"):
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, _PEEK_BYTES)
        except zlib.error:
            return b""
    if len(data) <= _PEEK_BYTES or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data
    head = data[:_PEEK_BYTES]
    return head[: head.rfind(b"\n") + 1] or head


def _peek_xlsx(data: bytes, sheet: str | None) -> tuple[list[str], list[str]]:


    book = lazy.load("openpyxl").load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = list(book.sheetnames)
        if sheet not in sheets:
            sheet = sheets[0] if len(sheets) == 1 else None
        if sheet is None:
            return [], sheets
        rows = [
            [cell_text(v) for v in row]
            for row in book[sheet].iter_rows(max_row=50, values_only=True)
        ]
        rows = [r for r in rows if any(r)]
        if not rows:
            return [], sheets
        header = rows[find_header(rows)]
        while header and not header[-1]:
            header.pop()
        return clean_header(header)[0], sheets
    finally:
        book.close()


def peek_columns(
    path: str | Path, data: bytes, options: ImportOptions
) -> tuple[list[str], list[str]]:
    """The header names and sheet names of a sales file, read cheaply.

    Parameters
    ----------
    path : str or Path
        The file's name (for messages).
    data : bytes
        Its content.
    options : ImportOptions
        Encoding, separator and sheet overrides.

    Returns
    -------
    columns, sheets : list of str
        Empty where they cannot be read (the import then says why).
    """
    try:
        if data.startswith(b"PK\x03\x04"):
            return _peek_xlsx(data, options.sheet)
        head = _head_text_bytes(data)
        table = read_csv_bytes(head, Path(path), ReadOptions(options.encoding, options.sep))
        return [str(c) for c in table.frame.columns], []
    except Exception:  # noqa: BLE001 - a damaged file: the import itself says why
        return [], []
