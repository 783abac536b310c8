"""Big CSV exports read part by part, so that memory stays bounded whatever their size.

A year of order lines from a busy shop is gigabytes of text; held whole as cells it
would need ten times that in memory. A CSV larger than :data:`STREAM_BYTES` is
therefore read in blocks of :data:`BLOCK_BYTES` (8 MB, cut at a line end outside quotes):

1. the first block is read as a whole small file would be (:func:`core.data.io.read_csv_bytes`:
   encoding, separator, title lines, header), and its columns, layout and day/month order
   are decided there once (:class:`~core.data.lines.LinePlan`);
2. every block, the first included, is parsed with pandas' C reader like a small file
   and goes through the same line rules (:func:`~core.data.lines.order_lines`: dates,
   codes, cancellations, returns, lines that are not products), with that plan;
3. each block's lines are summed per product and day before the next block is read;
   the sums of all blocks are summed again at the end, and the blocks' findings merged
   into findings on the whole file (:func:`~core.data.report.merge_findings`).

Sums (units, amounts), maxima (promotions), the last stock and the usual product name
are exact. Averaged values (a unit price without an amount column) of a product-day cut
between two blocks are the mean of the two blocks' means. An order cut between two
blocks counts as two orders for "bought together", which keeps the most recent
:data:`BASKET_ROWS` order lines (and says so when it leaves older ones out). Codes
written two ways are found within each block. The note ``streamed`` says the file was read this way.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from core.data.io import csv_rows, gzip_size, parse_csv, read_csv_bytes
from core.data.lines import LinePlan, order_lines, product_table
from core.data.naming import add_name_counts, name_counts, pick_names
from core.data.orders import order_baskets
from core.data.report import Report, merge_findings
from core.data.table import (
    RawTable,
    ReadOptions,
    align_repeated_headers,
    clean_header,
    drop_empty_rows,
)
from core.data.units import add_partial_sums, finish_sums, partial_sums
from core.data.wide import find_date_columns
from core.errors import InputError

__all__ = ["BLOCK_BYTES", "STREAM_BYTES", "needs_streaming", "stream_long_table"]

#: CSV files (uncompressed) larger than this are read part by part.
STREAM_BYTES = 256 * 2**20
#: Bytes of the file read and parsed at a time.
BLOCK_BYTES = 8 * 2**20
#: Most (order, product) rows kept for "bought together" (8 bytes each); older ones go.
BASKET_ROWS = 4_000_000
_QUOTE, _NEWLINE = 0x22, 0x0A
_PER_BLOCK = {"bad_lines", "empty_rows", "repeated_header"}
_FOLD_ROWS = 500_000  # new product-day rows that make the sums fold at the least
#: pyarrow's own pool keeps what it freed; the system allocator gives it back between blocks
_POOL = pa.system_memory_pool()


def needs_streaming(path: Path) -> bool:
    """Whether ``path`` is a CSV (plain or gzip) big enough to be read part by part."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xfe", b"\xfe\xff")):
        return False  # workbooks, and UTF-16 text (read whole or refused by core.data.io)
    gz = head.startswith(b"\x1f\x8b")
    size = gzip_size(path) if gz else path.stat().st_size
    return size > STREAM_BYTES


def _blocks(path: Path, block_bytes: int) -> Iterator[bytes]:
    """The file's bytes in blocks that end at a line end outside quotes."""
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if gz else open
    carry = b""  # the bytes after the last cut: always an even number of quotes before them
    try:
        with opener(path, "rb") as fh:
            while True:
                data = fh.read(block_bytes)
                if not data:
                    break
                buf = carry + data
                arr = np.frombuffer(buf, dtype=np.uint8)
                inside = np.cumsum(arr == _QUOTE, dtype=np.uint8) & 1  # wraps: parity kept
                ends = np.flatnonzero((arr == _NEWLINE) & (inside == 0))
                if ends.size == 0:
                    if len(buf) > 8 * block_bytes:
                        raise _too_long(path)
                    carry = buf
                    continue
                cut = int(ends[-1]) + 1
                yield buf[:cut]
                carry = buf[cut:]
            if carry.strip():
                yield carry
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            f"'{path.name}' could not be read to the end ({exc}); the file may be cut short "
            "or damaged. Download or export it again.",
            f"“{path.name}”无法完整读取（{exc}），文件可能不完整或已损坏。请重新下载或导出。",
        ) from None


def _too_long(path: Path) -> InputError:
    return InputError(
        f"'{path.name}' has a line or a quoted cell longer than {BLOCK_BYTES * 8 >> 20} MB; "
        "check the file's quotes and separator in a spreadsheet.",
        f"“{path.name}”中有一行或一个带引号的单元格超过 {BLOCK_BYTES * 8 >> 20} MB，"
        "请用表格软件检查引号和分隔符。",
    )


class _Totals:
    """What the blocks read so far add up to."""

    def __init__(self, plan: LinePlan) -> None:
        self.plan = plan
        self.sums: list[pd.DataFrame] = []
        self.products: list[pd.DataFrame] = []
        self.names: pd.DataFrame | None = None
        self.baskets: list[tuple[np.ndarray, np.ndarray]] = []  # (order, product code)
        self.codes: dict[str, int] = {}  # product -> its code in the sums and the baskets
        self.n_orders = self.kept = 0
        self.dropped = 0  # orders of the first blocks let go to keep the baskets bounded
        self.lines = 0

    def add(self, frame: pd.DataFrame, table: pd.DataFrame) -> None:
        mapping, hints = self.plan.mapping, self.plan.hints
        self.lines += len(frame)
        if mapping.name:
            counts = name_counts(frame["unique_id"].to_numpy(), table[mapping.name].to_numpy(),
                                 start=int(frame["_row"].iloc[0]) if len(frame) else 0)  # fmt: skip
            self.names = counts if self.names is None else add_name_counts(self.names, counts)
        found = product_table(frame, table, mapping, names=pd.Series(dtype=object))
        both = pd.concat([*self.products, found], ignore_index=True)  # the last cells win
        self.products = [both.drop_duplicates("unique_id", keep="last")]
        baskets = order_baskets(frame, table, mapping, hints)
        if baskets is not None and len(baskets):
            self._add_baskets(baskets)
        local, cats = pd.factorize(frame["unique_id"])  # products as codes: small and fast
        frame = frame.assign(unique_id=self._codes(cats)[local])
        self.sums.append(partial_sums(frame) if self.plan.is_orders else frame)
        # fold the sums into one row per product-day once the new ones outgrow the folded
        # ones: memory stays near one table of product-days, each row folded a few times
        fresh = sum(len(f) for f in self.sums[1:])
        if self.plan.is_orders and fresh >= max(len(self.sums[0]), _FOLD_ROWS):
            self.sums = [add_partial_sums(pd.concat(self.sums, ignore_index=True))]

    def _codes(self, products) -> np.ndarray:
        return np.array(
            [self.codes.setdefault(c, len(self.codes)) for c in products], dtype=np.int32
        )

    def _add_baskets(self, baskets: pd.DataFrame) -> None:
        """Keep the orders as codes; past :data:`BASKET_ROWS`, let the oldest go."""
        local = self._codes(baskets["unique_id"].cat.categories)
        order = baskets["order"].to_numpy(dtype=np.int32) + np.int32(self.n_orders)
        self.n_orders = int(order.max()) + 1
        self.baskets.append((order, local[baskets["unique_id"].cat.codes.to_numpy()]))
        self.kept += len(order)
        while self.kept > BASKET_ROWS and len(self.baskets) > 1:
            gone = self.baskets.pop(0)
            self.kept -= len(gone[0])
            self.dropped += len(np.unique(gone[0]))

    def result(self, report: Report):
        frame = pd.concat(self.sums, ignore_index=True) if len(self.sums) > 1 else self.sums[0]
        self.sums.clear()
        if self.plan.is_orders:
            frame = finish_sums(add_partial_sums(frame), added=True)
            report.add(
                "info",
                "order_lines_summed",
                f"Order lines: {self.lines} lines summed into {len(frame)} product-days",
                f"订单明细：{self.lines} 行已按商品和日期合计为 {len(frame)} 行",
                action_en="quantities added up per product and day",
                action_zh="按商品和日期合计销量",
            )
        labels = np.array(list(self.codes), dtype=object)
        rank = np.empty(len(labels), dtype=np.int32)
        rank[np.argsort(labels, kind="stable")] = np.arange(len(labels), dtype=np.int32)
        codes = frame["unique_id"].to_numpy()
        frame = frame.take(np.lexsort((frame["ds"].to_numpy(), rank[codes])))
        frame["unique_id"] = labels[frame["unique_id"].to_numpy()]
        frame = frame.reset_index(drop=True)
        products = self.products[0]
        if self.names is not None:
            names = pick_names(self.names).reindex(products["unique_id"]).fillna("")
            products["name"] = names.to_numpy(dtype=object)
        products = products.sort_values("unique_id").reset_index(drop=True)
        baskets = None
        if self.baskets:
            order = np.concatenate([o for o, _ in self.baskets])
            codes = np.concatenate([c for _, c in self.baskets])
            used = np.unique(codes)  # the products in the orders kept, in name order
            used = used[np.argsort(rank[used], kind="stable")]
            new = np.full(len(labels), -1, dtype=np.int32)
            new[used] = np.arange(len(used), dtype=np.int32)
            baskets = pd.DataFrame({
                "order": pd.factorize(order)[0].astype(np.int32),
                "unique_id": pd.Categorical.from_codes(new[codes], categories=pd.Index(labels[used])),
            })  # fmt: skip
        if self.dropped:
            kept = int(baskets["order"].max()) + 1
            report.add(
                "info",
                "baskets_recent",
                f"'Bought together' counts the last {kept:,} orders of the file; the "
                f"{self.dropped:,} before them are left out so that memory stays bounded",
                f"“一起购买”统计文件中最近的 {kept:,} 个订单；更早的 {self.dropped:,} 个订单"
                "未计入，以限制内存占用",
                action_en="sales of all orders counted",
                action_zh="所有订单的销量均已计入",
            )
        return frame, products, baskets


def stream_long_table(
    path: Path,
    options,
    block_bytes: int | None = None,
    on_block: Callable[[int, int], None] | None = None,
):
    """Read a long CSV part by part (see module doc).

    ``options`` is an :class:`~core.data.importer.ImportOptions`; ``on_block(bytes_read,
    total)`` is called after each block (progress). Returns ``(sample, frame, series,
    mapping, roles, orders)``: ``sample`` is the :class:`RawTable` of the first block (its
    report is the whole file's report), the rest as :func:`core.data.importer.load_dataset`
    builds them.
    """
    total = path.stat().st_size
    block_bytes = block_bytes or BLOCK_BYTES
    blocks = _blocks(path, block_bytes)
    first = next(blocks, b"")
    sample = read_csv_bytes(first, path, ReadOptions(options.encoding, options.sep))
    report, info = sample.report, sample.info
    # the blocks' own pass finds these again, the first block's included
    report.findings = [f for f in report.findings if f.code not in _PER_BLOCK]
    if (
        len(find_date_columns([str(c) for c in sample.frame.columns])) >= 7
        or options.layout == "wide"
    ):
        raise InputError(
            f"'{path.name}' is a table with one column per date and too big to read at once "
            f"({total >> 20} MB). Export it with one row per product and date, or fewer dates.",
            f"“{path.name}”是每个日期一列的宽表，文件太大（{total >> 20} MB），无法一次读取。"
            "请按“每行一个商品和日期”导出，或减少日期范围。",
        )
    _, _, plan = order_lines(sample, options, report, lines=Report())
    text = first.decode(info.encoding, errors="replace")
    header_line = text.replace("\r\n", "\n").split("\n")[info.header_row - 1]
    names = clean_header(csv_rows([header_line], info.separator)[0])[0]
    keep = [str(c) for c in sample.frame.columns]
    totals, parts, done, records, kept = _Totals(plan), [], 0, 0, 0
    for data in _chain(first, blocks):
        done += len(data)
        part_report = Report()
        part, n_records = _parse_block(data, path, info, names, records, part_report, first is data)
        records += n_records
        part = drop_empty_rows(part[keep], info.header_row, part_report)
        part = align_repeated_headers(part, info.header_row, part_report)
        kept += len(part)
        if len(part):
            raw = RawTable(part, info, part_report)
            frame, table, _ = order_lines(raw, options, part_report, plan=plan)
            totals.add(frame, table)
        parts.append(part_report.findings)
        if on_block is not None:
            on_block(done, total)
    if not totals.sums or not sum(len(s) for s in totals.sums):
        raise InputError(
            f"'{path.name}' has no sales lines that could be read.",
            f"“{path.name}”中没有可读取的销售记录。",
        )
    report.findings.extend(merge_findings(parts))
    frame, series, orders = totals.result(report)
    info.rows_read, info.layout = kept, "orders" if plan.is_orders else "long"
    report.add(
        "info",
        "streamed",
        f"Large file ({total / 2**30:.1f} GB): read in parts of {block_bytes / 2**20:.3g} MB, "
        "each summed per product and day, so memory stays bounded",
        f"大文件（{total / 2**30:.1f} GB）：按每块 {block_bytes / 2**20:.3g} MB 分块读取，"
        "每块按商品和日期汇总，内存占用有上限",
        action_en="read in full",
        action_zh="已完整读取",
    )
    return sample, frame, series, plan.mapping, plan.hints.get("roles", {}), orders


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _parse_block(data: bytes, path: Path, info, names, before: int, report: Report, is_first: bool):
    """One block's cells, indexed by record after the header as a whole-file read would be."""
    if is_first:  # the title lines and the header: the whole-file rules already read them
        data = b"\n".join(data.split(b"\n")[info.header_row :])
    frame = _arrow_block(data, info, names)
    if frame is not None:
        frame.index = pd.RangeIndex(before, before + len(frame))
        return frame, len(frame)
    try:
        text = data.decode(info.encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"Part of '{path.name}' (after about {before:,} rows) is not in the encoding "
            f"{info.encoding} found at its start ({exc.reason}). Choose the encoding by hand "
            "(--encoding gbk, gb18030 or utf-8).",
            f"“{path.name}”的后半部分（约第 {before:,} 行之后）不是文件开头的编码 {info.encoding}。"
            "请手动指定编码（--encoding gbk、gb18030 或 utf-8）。",
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    placeholder = info.separator.join("x" * len(names))  # parse_csv names the columns
    frame, bad = parse_csv(placeholder + "\n" + text, info.separator, 0, names)
    n_records = len(frame) + len(bad)
    frame.index = frame.index + before
    if bad:
        report.add(
            "warning",
            "bad_lines",
            "Rows with a different number of fields than the header were skipped",
            "部分行的字段数与表头不一致，已跳过",
            rows=[b - 1 + before + info.header_row for b in bad],
            action_en="rows skipped",
            action_zh="已跳过这些行",
        )
    return frame, n_records


def _arrow_block(data: bytes, info, names: list[str]) -> pd.DataFrame | None:
    """A UTF-8 block parsed by pyarrow's CSV reader, about twice as fast as pandas' C reader
    on these blocks (``docs/BENCHMARKS.md``); ``None`` where the block needs the careful path
    (other encodings, rows of another width, blank lines, carriage returns)."""
    if info.encoding not in ("utf-8", "utf-8-sig", "ascii") or b"\r" in data:
        return None
    odd = []
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            memory_pool=_POOL,
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=info.separator, newlines_in_values=True, ignore_empty_lines=False,
                invalid_row_handler=lambda row: odd.append(row) or "skip",
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
    except (pa.ArrowInvalid, ValueError):  # not UTF-8 after all, or not CSV: the careful path
        return None
    if odd:
        return None
    return table.to_pandas(memory_pool=_POOL)
