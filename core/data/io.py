"""Reading store exports into a raw table of strings.

Handles CSV (optionally gzip-compressed) and XLSX; UTF-8 with or without BOM,
UTF-16 with BOM (Excel's "Unicode text"), GBK/GB18030 and, last, whatever
charset-normalizer guesses; comma, semicolon, tab and pipe separators; CR, LF
and CRLF line endings; title lines above the header. Everything is read as
text (``00123`` stays ``00123``); typing happens in :mod:`core.data.importer`.

Every refusal is an :class:`~core.errors.InputError` with a message in Chinese
and English: empty, binary, header-only, legacy ``.xls``, damaged ``.xlsx``,
several data sheets without ``sheet=``, and files too large for free memory.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import warnings
import zlib
from collections import Counter
from pathlib import Path

import pandas as pd
import psutil
from charset_normalizer import from_bytes

from core.data.dataset import SourceInfo
from core.data.report import Report
from core.data.table import (
    RawTable,
    ReadOptions,
    align_repeated_headers,
    check_width,
    clean_header,
    drop_blank_columns,
    drop_empty_rows,
    find_header,
    report_header,
)
from core.data.xlsx import read_xlsx
from core.errors import InputError

SEPARATORS = (",", ";", "\t", "|")
#: Bytes of memory a CSV byte costs once read as text cells (measured ~10x; margin).
CSV_MEMORY_FACTOR = 12
XLSX_MEMORY_FACTOR = 60
SNIFF_LINES = 50
_BIG_CELL = 1 << 30  # a cell of 1 GiB cannot be in a file that passed the memory check


def available_memory() -> int:
    """Bytes of memory free for a new allocation (psutil's ``available``)."""
    return int(psutil.virtual_memory().available)


def _fmt_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _check_memory(path: Path, expanded: int, factor: int) -> None:
    need = expanded * factor
    free = available_memory()
    if need > 0.8 * free:
        raise InputError(
            f"'{path.name}' is {_fmt_size(expanded)}; reading it needs about "
            f"{_fmt_size(need)} of memory but only {_fmt_size(free)} is free. Export a "
            "shorter period or fewer products, or sum order lines to daily totals first, "
            "then import the smaller files.",
            f"文件“{path.name}”大小为 {_fmt_size(expanded)}，读取约需 {_fmt_size(need)} 内存，"
            f"但当前仅有 {_fmt_size(free)} 可用。请按时间段或商品拆分导出，"
            "或先将订单明细汇总为每日销量，再分别导入。",
        )


def gzip_size(path: Path) -> int:
    """Uncompressed size from the gzip trailer (mod 4 GiB; a lower bound)."""
    if path.stat().st_size < 18:  # a gzip header and trailer alone take 18 bytes
        raise _bad_gzip(path, "cut short")
    with open(path, "rb") as fh:
        fh.seek(-4, os.SEEK_END)
        return int.from_bytes(fh.read(4), "little")


def read_table(path: str | os.PathLike, options: ReadOptions | None = None) -> RawTable:
    """Read a CSV/XLSX file into a :class:`RawTable` of strings.

    Parameters
    ----------
    path : path-like
        The file to read.
    options : ReadOptions, optional
        Encoding, separator or sheet overrides.

    Raises
    ------
    InputError
        When the file cannot be used; the message says why and what to do.
    """
    options = options or ReadOptions()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"File not found: {path}", f"找不到文件：{path}")
    size = path.stat().st_size
    if size == 0:
        raise _empty(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        _check_memory(path, size, XLSX_MEMORY_FACTOR)

        return read_xlsx(path, options.sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"'{path.name}' is an old Excel 97-2003 (.xls) workbook. Open it in Excel or WPS "
            "and save it as .xlsx or .csv, then import that file.",
            f"“{path.name}”是旧版 Excel 97-2003（.xls）文件。请用 Excel 或 WPS 打开后另存为 "
            ".xlsx 或 .csv，再导入。",
        )
    gz = head.startswith(b"\x1f\x8b")
    _check_memory(path, gzip_size(path) if gz else size, CSV_MEMORY_FACTOR)
    try:
        data = gzip.decompress(path.read_bytes()) if gz else path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:  # zlib: a damaged compressed block
        raise _bad_gzip(path, str(exc)) from None
    return read_csv_bytes(data, path, options)


def _bad_gzip(path: Path, reason: str) -> InputError:
    return InputError(
        f"'{path.name}' looks gzip-compressed but cannot be decompressed ({reason}); it may "
        "have been cut short by an interrupted download. Download or export it again.",
        f"“{path.name}”看起来是 gzip 压缩文件，但无法解压（{reason}），可能下载未完成。"
        "请重新下载或导出。",
    )


def _empty(path: Path) -> InputError:
    return InputError(
        f"'{path.name}' is empty: it has no header and no rows. Export the sales again.",
        f"文件“{path.name}”是空的：没有表头也没有数据行。请重新导出销售数据。",
    )


def _binary(path: Path) -> InputError:
    return InputError(
        f"'{path.name}' is not a text table (CSV) or an Excel workbook (XLSX); it looks like a "
        "binary file. Choose the CSV or XLSX file exported from your shop back-end.",
        f"“{path.name}”不是文本表格（CSV）或 Excel 工作簿（XLSX），看起来是二进制文件。"
        "请选择从店铺后台导出的 CSV 或 XLSX 文件。",
    )


def decode_bytes(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``.

    Order: explicit ``encoding``; BOM; strict UTF-8; GB18030 (a superset of GBK) unless
    its text reads as Windows-1252 paired up (:func:`_latin_in_disguise`);
    charset-normalizer. A file with NUL bytes and no UTF-16 BOM is binary.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                f"'{path.name}' cannot be read as {encoding} ({exc}). Leave the encoding on "
                "automatic or choose another one (utf-8, gbk, gb18030, utf-16).",
                f"无法按 {encoding} 编码读取“{path.name}”（{exc}）。请改为自动检测，"
                "或选择其他编码（utf-8、gbk、gb18030、utf-16）。",
            ) from None
    for bom, name in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise _binary(path) from None
    if b"\x00" in data[:65536]:
        raise _binary(path)
    for name in ("utf-8", "gb18030"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "gb18030" and _latin_in_disguise(text):
            try:
                return data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                pass
        return text, name

    best = from_bytes(data[:200_000]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputError(
        f"The text encoding of '{path.name}' could not be recognised. Choose it by hand "
        "(for Chinese exports usually gbk or utf-8).",
        f"无法识别“{path.name}”的文本编码。请手动选择编码（中文导出文件通常为 gbk 或 utf-8）。",
    )


_FIRST_TEXT = re.compile(r"\s*")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _latin_in_disguise(text: str) -> bool:
    """Whether GB18030 text is really Windows-1252 whose accented letters paired up.

    An accented letter of a European word (``ö`` in ``Größe``) and the byte after it
    decode as one Chinese character between two Latin letters (``Gr鲞e``); Chinese text
    has runs of characters. True when most runs are one character inside a Latin word.
    """
    runs = lone = 0
    for hit in _HAN_RUN.finditer(text[:200_000]):
        runs += 1
        a, b = hit.start(), hit.end()
        if (b - a == 1 and a > 0 and b < len(text) and text[a - 1].isascii()
                and text[a - 1].isalpha() and text[b].isascii() and text[b].isalnum()):  # fmt: skip
            lone += 1
    return runs >= 3 and lone >= 0.5 * runs


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    return bad / len(sample) > 0.01


def sniff_separator(lines: list[str]) -> str:
    """Pick the separator whose field count is most consistent (and > 1) over ``lines``."""
    best, best_score = ",", -1.0
    for sep in SEPARATORS:
        counts = [len(row) for row in csv_rows(lines, sep)]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = freq / len(counts) + 0.001 * width
        if score > best_score:
            best, best_score = sep, score
    return best


def read_csv_bytes(data: bytes, path: Path, options: ReadOptions) -> RawTable:
    """Decode and parse CSV bytes (see :func:`read_table`)."""
    text, encoding = decode_bytes(data, path, options.encoding)
    del data
    if _looks_binary(text):
        raise _binary(path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _empty(path)
    # the sniffing starts at the first line with text: blank lines above it are skipped
    start = _FIRST_TEXT.match(text).end()
    lead, start = text.count("\n", 0, start), text.rfind("\n", 0, start) + 1
    window = text[start : start + 200_000]
    head_lines = [ln for ln in window.split("\n")[:SNIFF_LINES] if ln.strip()]
    sep = options.sep or sniff_separator(head_lines)
    rows = csv_rows(head_lines, sep)
    header_idx = find_header(rows)
    report = Report()
    skip = lead + _blank_lines_before(window, head_lines[header_idx])
    if header_idx:
        report.add(
            "info",
            "title_rows_skipped",
            f"Skipped {header_idx} title line(s) above the header",
            f"已跳过表头上方的 {header_idx} 行标题信息",
            rows=list(range(1, skip + 1)),
            action_en="not imported",
            action_zh="未导入",
        )
    names, dups = clean_header(rows[header_idx])
    check_width(sum(1 for c in rows[header_idx] if c.strip()))  # parsing is slow when wide
    frame, bad_lines = parse_csv(text, sep, skip, names)
    del text
    report_header(report, dups)
    frame = drop_blank_columns(frame, rows[header_idx], report)
    frame = drop_empty_rows(frame, skip + 1, report)
    frame = align_repeated_headers(frame, skip + 1, report)
    if bad_lines:
        report.add(
            "warning",
            "bad_lines",
            "Rows with a different number of fields than the header were skipped",
            "部分行的字段数与表头不一致，已跳过",
            rows=bad_lines,
            action_en="rows skipped",
            action_zh="已跳过这些行",
        )
    if frame.empty:
        raise InputError(
            f"'{path.name}' has a header but no data rows. Export a period that has sales.",
            f"“{path.name}”只有表头，没有数据行。请导出有销售记录的时间段。",
        )
    info = SourceInfo(
        path=str(path),
        kind="csv",
        encoding=encoding,
        separator=sep,
        header_row=skip + 1,
        rows_read=int(frame.shape[0]),
    )
    return RawTable(frame, info, report)


def _blank_lines_before(text: str, header_line: str) -> int:
    """Physical line index (0-based) of ``header_line`` in ``text``."""
    for i, line in enumerate(text[:200_000].split("\n")):
        if line == header_line:
            return i
    return 0


def csv_rows(lines, sep: str) -> list[list[str]]:
    """``csv.reader`` rows of ``lines``, with no limit on the size of a cell.

    The csv module refuses cells over 128 KB (``field larger than field limit``); a long
    product description or a pasted HTML snippet can be longer. The limit is the csv
    module's own setting, raised for this read and put back afterwards.
    """
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, _BIG_CELL))
    try:
        return list(csv.reader(lines, delimiter=sep))
    finally:
        csv.field_size_limit(old)


def parse_csv(text: str, sep: str, skip: int, names: list[str]) -> tuple[pd.DataFrame, list[int]]:
    """Parse with the fast C engine; on ragged rows, re-parse and collect them.

    Blank lines are kept as empty rows (and dropped by :func:`drop_empty_rows` with a
    finding) so that the frame's index stays the line number less the header's.
    """
    kwargs = dict(
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skiprows=skip,
        skip_blank_lines=False,
        header=0,
        names=names,
        index_col=False,  # a too-long row must not silently become the index
    )
    try:
        with warnings.catch_warnings():
            # pandas only warns when the first row is longer than the header, and drops
            # its extra cells: read such a table the slow way, which reports them
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), engine="c", **kwargs), []
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        return _parse_ragged(text, sep, skip, names)


def _parse_ragged(
    text: str, sep: str, skip: int, names: list[str]
) -> tuple[pd.DataFrame, list[int]]:
    """Slow path for tables with rows longer than the header.

    Those rows are skipped and their 1-based line numbers returned, unless their extra
    cells are all empty (trailing separators a spreadsheet left); shorter rows are kept
    with empty cells, which the later checks report (empty date, empty quantity).
    pandas' own fallback would silently drop the extra cells instead.
    """
    width, rows, index, bad = len(names), [], [], []
    for i, row in enumerate(csv_rows(io.StringIO(text), sep)):
        if i <= skip:
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            bad.append(i + 1)
            continue
        rows.append(row[:width] + [""] * (width - len(row)))
        index.append(i - skip - 1)
    return pd.DataFrame(rows, columns=names, index=index, dtype=str), bad
