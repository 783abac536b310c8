"""The import as one worker task: read, import, clean, with stages and cancel.

:func:`run_import` runs in a :class:`~ui.workers.task_worker.TaskRunner` thread. Core's
``load_dataset`` has no progress hooks, so the task reports coarse stages
(``reading``, ``importing``, ``cleaning``) and checks ``should_stop`` between them.
Its first progress event also carries the file's column names and sheets
(:func:`core.data.peek_columns`), so the view can offer them in the mapping combos even
when the import then fails (a file without a recognisable date column). The CLI prepares
its data with the same function.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.data import (
    CleaningOptions,
    CleaningResult,
    Dataset,
    ImportOptions,
    clean,
    load_dataset,
    needs_streaming,
    peek_columns,
)
from core.errors import CancelledError

__all__ = ["ENCODINGS", "SEPARATORS", "ImportResult", "run_import"]

#: Encodings offered besides automatic detection.
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "big5", "shift_jis", "cp1252")
#: Separators offered besides automatic detection (value, English name).
SEPARATORS = ((",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe"))
_STAGES = ("reading", "importing", "cleaning")
_PEEK_BYTES = 1 << 20


@dataclass
class ImportResult:
    """What a successful import hands back to the GUI thread.

    Attributes
    ----------
    path : str
        The file as the user named it.
    source_bytes : bytes
        Its content (what a project embeds); empty for a file too big to hold at once
        (read part by part, :mod:`core.data.stream`), which a project links to instead.
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
        ``sheets``; a big file's import adds ``bytes_done`` and ``bytes_total`` after
        each part it read) and the cancel check, also made after each part.

    Raises
    ------
    InputError
        When the file cannot be imported; CancelledError when cancelled.
    """
    _stage(on_progress, should_stop, 0)
    big = not source_bytes and Path(path).is_file() and needs_streaming(Path(path))
    try:
        if big:  # read part by part, never whole: a project links it instead of embedding it
            with open(path, "rb") as fh:
                data = fh.read(_PEEK_BYTES)
        else:
            data = source_bytes or Path(path).read_bytes()
    except OSError:  # missing or unreadable: the import below says why, in both languages
        data = b""
    columns, sheets = peek_columns(path, data, options)
    _stage(on_progress, should_stop, 1, columns=columns, sheets=sheets)

    def on_block(done: int, total: int) -> None:
        _stage(on_progress, should_stop, 1, bytes_done=done, bytes_total=total)

    if big:
        data = b""
    if not source_bytes:
        raw = load_dataset(path, options, on_block=on_block)
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
