"""The import as one worker task: read, import, clean, with stages and cancel.

:func:`run_import` runs in a :class:`~ui.workers.task_worker.TaskRunner` thread. Core's
``load_dataset`` has no progress hooks, so the task reports coarse stages
(``reading``, ``importing``, ``cleaning``) and checks ``should_stop`` between them.
Its first progress event also carries the file's column names and sheets
(:func:`peek_columns`), so the view can offer them in the mapping combos even when the
import then fails (a file without a recognisable date column).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from core.data import (
    CleaningOptions,
    CleaningResult,
    Dataset,
    ImportOptions,
    ReadOptions,
    cell_text,
    clean,
    clean_header,
    find_header,
    load_dataset,
    read_csv_bytes,
)
from core.errors import CancelledError

__all__ = ["ENCODINGS", "SEPARATORS", "ImportResult", "peek_columns", "run_import"]

#: Encodings offered besides automatic detection.
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "big5", "shift_jis", "cp1252")
#: Separators offered besides automatic detection (value, English name).
SEPARATORS = ((",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe"))
#: Bytes of a CSV read to find its header (the import itself reads everything).
_PEEK_BYTES = 256 * 1024
_STAGES = ("reading", "importing", "cleaning")


@dataclass
class ImportResult:
    """What a successful import hands back to the GUI thread.

    Attributes
    ----------
    path : str
        The file as the user named it.
    source_bytes : bytes
        Its content (what a project embeds).
    options : ImportOptions
        The options the import ran with.
    raw : Dataset
        The import before cleaning.
    cleaning : CleaningResult
        ``raw`` cleaned with the session's cleaning options.
    columns, sheets : list of str
        The file's header names and (for a workbook) sheet names.
    """

    path: str
    source_bytes: bytes
    options: ImportOptions
    raw: Dataset
    cleaning: CleaningResult
    columns: list[str]
    sheets: list[str]


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
    from openpyxl import load_workbook


    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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


def _stage(on_progress, should_stop, index: int, **extra) -> None:
    if should_stop is not None and should_stop():
        raise CancelledError()
    if on_progress is not None:
        on_progress({"stage": _STAGES[index], "done": index, "total": len(_STAGES), **extra})


def run_import(path: str, options: ImportOptions, cleaning_options: CleaningOptions,
               source_bytes: bytes | None = None, on_progress=None,
               should_stop=None) -> ImportResult:  # fmt: skip
    """Read, import and clean a sales file (runs in a worker thread).

    Parameters
    ----------
    path : str
        The sales file.
    options : ImportOptions
    cleaning_options : CleaningOptions
    source_bytes : bytes, optional
        Import these bytes instead of the file at ``path`` (a project's embedded data
        whose original file is gone); ``path`` then only names it.
    on_progress, should_stop : callable, optional
        Stage events (``stage``, ``done``, ``total``; the first adds ``columns`` and
        ``sheets``) and the cancel check.

    Raises
    ------
    InputError
        When the file cannot be imported; CancelledError when cancelled.
    """
    _stage(on_progress, should_stop, 0)
    data = Path(path).read_bytes() if source_bytes is None else source_bytes
    columns, sheets = peek_columns(path, data, options)
    _stage(on_progress, should_stop, 1, columns=columns, sheets=sheets)
    if source_bytes is None:
        raw = load_dataset(path, options)
    else:
        work = Path(tempfile.mkdtemp(prefix="skucast-import-"))
        try:
            copy = work / (Path(path).name or "data.csv")
            copy.write_bytes(data)
            raw = load_dataset(copy, options)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        raw.source.path = str(path)
    _stage(on_progress, should_stop, 2)
    cleaning = clean(raw, cleaning_options)
    if should_stop is not None and should_stop():
        raise CancelledError()
    return ImportResult(str(path), data, options, raw, cleaning, columns, sheets)
