"""Never a traceback (issue 15, item 8): damaged exports give a dataset or a bilingual refusal.

Good exports written here (a Taobao daily table in GB18030, a Shopify order-line CSV, a
workbook, a gzip-compressed CSV) are damaged by hypothesis the ways files get damaged on
real laptops: an interrupted download, a bad disk, edits in Excel, a re-save in another
encoding, a giant cell, a cut or corrupted workbook. Each damaged file must either load
as a :class:`~core.data.Dataset` that holds together or raise :class:`InputError` with a
message in both languages, within the per-example deadline (a hang fails the test).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.cli import main
from core.data import Dataset, clean, load_dataset
from core.errors import InputError

#: Examples per test times this; SKUCAST_FUZZ_DEPTH=20 for a long search by hand.
DEPTH = int(os.environ.get("SKUCAST_FUZZ_DEPTH", "1"))
#: Reproducible in CI and quick on two slow cores; a per-example deadline catches hangs.
FUZZ = settings(
    max_examples=30 * DEPTH,
    deadline=5000,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(21)]


def _csv_text(rows: list[list[str]], sep: str = ",") -> str:
    def cell(value: str) -> str:
        if sep in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(sep.join(cell(str(c)) for c in row) + "\n" for row in rows)


def _taobao_rows() -> list[list[str]]:
    rows = [["日期", "商品编码", "商品名称", "销量", "单价"]]
    items = [("00123", "纯棉短袖T恤", "59.00"), ("00456", "加厚羽绒服", "1299.00")]
    for i, day in enumerate(DAYS):
        for k, (code, name, price) in enumerate(items):
            rows.append([f"{day.year}/{day.month}/{day.day}", code, name, str((i + k) % 6), price])
    return rows


def _shopify_rows() -> list[list[str]]:
    rows = [["Name", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem sku",
             "Lineitem price", "Financial Status"]]  # fmt: skip
    items = [("Linen Shirt - M", "LS-M", "45.00"), ("Wool Socks", "WS-01", "12.50")]
    for i, day in enumerate(DAYS):
        for k in range(2):
            name, sku, price = items[(i + k) % 2]
            stamp = f"{day.isoformat()} {9 + k:02d}:15:00 +0000"
            rows.append([f"#{1001 + 2 * i + k}", stamp, str(1 + k), name, sku, price, "paid"])
    return rows


def _xlsx_rows() -> list[list]:
    rows: list[list] = [["Date", "SKU", "Qty", "Price"]]
    for i, day in enumerate(DAYS):
        for k, sku in enumerate(("A-100", "B-200")):
            rows.append([dt.datetime(day.year, day.month, day.day), sku, (i * 3 + k) % 5, 9.9])
    return rows


def _xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sales"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


#: name -> (file suffix, text encoding or None for a workbook, text rows or None)
BASES = {
    "taobao": (".csv", "gb18030", _taobao_rows()),
    "shopify": (".csv", "utf-8", _shopify_rows()),
    "gzip": (".csv.gz", "utf-8", _taobao_rows()),
    "xlsx": (".xlsx", None, None),
}
XLSX = _xlsx_bytes(_xlsx_rows())
TEXT_BASES = [name for name, (_, enc, _) in BASES.items() if enc]


def _pack(base: str, text: str, encoding: str | None = None) -> bytes:
    """The bytes of ``text`` written as ``base`` writes it (gzip-compressed for .csv.gz)."""
    data = text.encode(encoding or BASES[base][1], errors="replace")
    return gzip.compress(data, mtime=0) if base == "gzip" else data


def good_bytes(base: str) -> bytes:
    """The undamaged export ``base``."""
    return XLSX if base == "xlsx" else _pack(base, _csv_text(BASES[base][2]))


# --- the damage ----------------------------------------------------------------------------


@st.composite
def disk_damage(draw) -> tuple[str, bytes]:
    """An interrupted download, flipped bytes, a zeroed block or stray bytes."""
    base = draw(st.sampled_from(list(BASES)))
    data = bytearray(good_bytes(base))
    kind = draw(st.sampled_from(["truncate", "flip", "zero", "insert"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "truncate":
        data = data[: max(at, 1)]
    elif kind == "flip":
        for pos in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8)):
            data[pos] = draw(st.integers(0, 255))
    elif kind == "zero":
        size = draw(st.integers(1, 4096))
        data[at : at + size] = bytes(len(data[at : at + size]))
    else:
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return base, bytes(data)


@st.composite
def line_damage(draw) -> tuple[str, bytes]:
    """Lines and cells inserted or deleted, stray quotes, another separator."""
    base = draw(st.sampled_from(TEXT_BASES))
    lines = _csv_text(BASES[base][2]).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["add line", "drop line", "add cell", "drop cell", "quote"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "add line":
            junk = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
            lines.insert(i, draw(st.sampled_from(lines) | junk))
        elif kind == "drop line" and len(lines) > 1:
            del lines[i]
        elif kind == "quote":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + '"' + lines[i][at:]
        elif kind != "drop line":
            cells = lines[i].split(",")
            j = draw(st.integers(0, len(cells) - 1))
            cells[j : j + 1] = [] if kind == "drop cell" else ["", cells[j]]
            lines[i] = ",".join(cells)
    text = "\n".join(lines)
    sep = draw(st.sampled_from([None, ";", "\t", "|", " "]))
    if sep:
        text = text.replace(",", sep)
    return base, _pack(base, text)


#: What a user types over a cell: numbers that are not (``inf``), errors, dates far away.
TYPED = st.sampled_from(
    ["inf", "-inf", "1e400", "NaN", "#N/A", "#VALUE!", "-", "0001-01-01", "9999-12-31",
     "2958466", "1e18", "(5)", "12%", "合计", "Total", ""]
) | st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)  # fmt: skip


def _serial(day: dt.date) -> str:
    return str((day - dt.date(1899, 12, 30)).days)


@st.composite
def excel_edits(draw) -> tuple[str, bytes]:
    """What opening and saving a CSV in Excel does to it."""
    base = draw(st.sampled_from(TEXT_BASES))
    rows = [list(r) for r in BASES[base][2]]
    date_col = 0 if base != "shopify" else 1
    kinds = ["serial", "us dates", "thousands", "zeros", "trail", "typed"]
    edits = draw(st.sets(st.sampled_from(kinds), min_size=1))
    share = draw(st.floats(0.05, 1.0))
    for n, row in enumerate(rows[1:]):
        if n > share * len(rows):
            break
        day = DAYS[n // 2 % len(DAYS)]
        if "serial" in edits:
            row[date_col] = _serial(day)
        elif "us dates" in edits:
            row[date_col] = f"{day.month}/{day.day}/{day.year}"
        if "thousands" in edits:  # 1,000 for a quantity, 12,990.00 for a price
            qty, price = (2, 5) if base == "shopify" else (3, 4)
            row[qty] = f"{int(row[qty]) * 1000:,}"
            row[price] = f"{float(row[price]) * 10:,.2f}"
        if "zeros" in edits:
            row[4 if base == "shopify" else 1] = row[4 if base == "shopify" else 1].lstrip("0")
    for _ in range(draw(st.integers(1, 6)) if "typed" in edits else 0):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[draw(st.integers(0, len(row) - 1))] = draw(TYPED)
    if "trail" in edits:
        rows = [r + [""] * draw(st.integers(1, 5)) for r in rows]
    return base, _pack(base, _csv_text(rows))


@st.composite
def resaved(draw) -> tuple[str, bytes]:
    """Saved again in another encoding (Excel's Unicode text, a Western or Chinese ANSI)."""
    base = draw(st.sampled_from(TEXT_BASES))
    encoding = draw(st.sampled_from(["utf-16", "cp1252", "gbk", "utf-8-sig", "latin-1"]))
    sep = draw(st.sampled_from([",", "\t"]))
    return base, _pack(base, _csv_text(BASES[base][2], sep), encoding)


@st.composite
def giant_cell(draw) -> tuple[str, bytes]:
    """One cell over 200 KB: a pasted description or HTML snippet, maybe with line breaks."""
    base = draw(st.sampled_from(TEXT_BASES))
    rows = [list(r) for r in BASES[base][2]]
    size = draw(st.integers(200_000, 600_000))
    chunk = draw(st.sampled_from(["x", "<p>描述</p>", "a\nb", 'say "hi" ']))
    cell = chunk * (size // len(chunk))
    rows[draw(st.integers(0, len(rows) - 1))][draw(st.integers(0, 3))] = cell
    return base, _pack(base, _csv_text(rows))


@st.composite
def broken_workbook(draw) -> tuple[str, bytes]:
    """A workbook whose zip is cut, or one of whose members is damaged or missing."""
    src = zipfile.ZipFile(io.BytesIO(XLSX))
    names = src.namelist()
    target = draw(st.sampled_from(names))
    kind = draw(st.sampled_from(["cut", "garble", "drop", "empty"]))
    if kind == "cut":
        return "xlsx", XLSX[: draw(st.integers(4, len(XLSX) - 1))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            body = src.read(name)
            if name == target and kind == "drop":
                continue
            if name == target and kind == "empty":
                body = b""
            elif name == target:
                at = draw(st.integers(0, max(len(body) - 1, 0)))
                body = body[:at] + draw(st.binary(min_size=1, max_size=32)) + body[at + 1 :]
            dst.writestr(name, body)
    return "xlsx", out.getvalue()


CELLS = st.one_of(
    st.none(),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.sampled_from(["#N/A", "#VALUE!", "=SUM(C2:C9)", "1,000", "1/2/2024", "45292", "", " "]),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 1, 1)),
    st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=20),  # Excel's own
)


@st.composite
def workbook_edits(draw) -> tuple[str, bytes]:
    """A workbook typed over in Excel: error values, formulas, serials, text in number cells."""
    rows = _xlsx_rows()
    for _ in range(draw(st.integers(1, 12))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[draw(st.integers(0, len(row))) % len(row)] = draw(CELLS)
    if draw(st.booleans()):
        rows = [r + [None] * draw(st.integers(1, 3)) + [draw(CELLS)] for r in rows]
    if draw(st.booleans()):
        del rows[draw(st.integers(0, len(rows) - 1))]
    return "xlsx", _xlsx_bytes(rows)


@st.composite
def wrong_resave(draw) -> tuple[str, bytes]:
    """Damage upon damage, or a file saved under the other kind's suffix."""
    base, data = draw(st.one_of(line_damage(), excel_edits(), workbook_edits()))
    if draw(st.booleans()):
        data = bytearray(data)
        data = bytes(data[: draw(st.integers(1, len(data)))])
    other = {"xlsx": "taobao", "taobao": "xlsx", "shopify": "xlsx", "gzip": "shopify"}
    return (other[base] if draw(st.booleans()) else base), data


ANY_DAMAGE = st.one_of(
    disk_damage(), line_damage(), excel_edits(), resaved(), giant_cell(), broken_workbook(),
    workbook_edits(), wrong_resave(),
)  # fmt: skip


# --- the checks ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("damaged")


def _write(folder, damaged: tuple[str, bytes]):
    base, data = damaged
    path = folder / f"export{BASES[base][0]}"
    path.write_bytes(data)
    return path


def check_loads_or_refuses(path) -> None:
    """A dataset that holds together, or a refusal with a message in both languages."""
    try:
        ds = load_dataset(path)
    except InputError as exc:
        assert exc.en.strip() and exc.zh.strip(), exc
        return
    assert isinstance(ds, Dataset)
    assert len(ds.frame) > 0 and ds.n_series >= 1 and ds.source.rows_read >= 0
    assert ds.frame["ds"].notna().all()
    assert set(ds.frame["unique_id"]) <= set(ds.series["unique_id"])
    y = ds.frame["y"].to_numpy(dtype=float)
    assert not np.isinf(y).any()
    if np.isnan(y).any():  # a missing quantity is kept as NaN, said, and filled by cleaning
        said = {f.code for f in ds.report.findings}
        assert said & {"empty_values", "non_numeric"}, ds.report.findings
    cleaned = clean(ds).dataset.frame["y"].to_numpy(dtype=float)
    assert cleaned.size > 0 and not np.isnan(cleaned).any()


@pytest.mark.parametrize("base", list(BASES))
def test_the_good_exports_load(folder, base):
    ds = load_dataset(_write(folder, (base, good_bytes(base))))
    assert ds.n_series == 2 and ds.frame["y"].notna().all()


def _flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def _good_text(base: str = "taobao") -> str:
    return _csv_text(BASES[base][2])


#: What the fuzzing found, kept as plain cases (each was a traceback, a hang or lost data).
FOUND = {
    "gzip cut to its magic bytes": ("gzip", b"\x1f\x8b"),
    "gzip with a damaged block": ("gzip", _flipped(good_bytes("gzip"), 10)),  # zlib.error
    "quantity 'inf'": ("shopify", _good_text("shopify").replace(",1,", ",inf,", 1).encode()),
    "first row longer than the header": (
        "taobao", _good_text().replace("\n", ",extra\n", 2).replace(",extra", "", 1).encode(
            "gb18030")),
    "thousands of trailing commas": ("shopify", _good_text("shopify").replace(
        "\n", "," * 3000 + "\n").encode()),
    "a header 20,000 cells wide": ("shopify", ("a," * 20_000 + "\n1,2\n").encode()),
    "many blank lines above the header": ("taobao", _pack("taobao", "\n" * 60 + _good_text())),
}  # fmt: skip


@pytest.mark.parametrize("name", list(FOUND))
def test_what_the_fuzzing_found(folder, name):
    check_loads_or_refuses(_write(folder, FOUND[name]))


def test_trailing_empty_columns_are_dropped_and_said(folder):
    ds = load_dataset(_write(folder, FOUND["thousands of trailing commas"]))
    assert ds.report.by_code("empty_columns") and ds.n_series == 2


#: interrupted download or bad disk; lines, cells, quotes and separator; edits in Excel;
#: a cut or corrupted workbook; a workbook typed over; damage upon damage, the wrong suffix
DAMAGES = [disk_damage, line_damage, excel_edits, broken_workbook, workbook_edits, wrong_resave]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
@FUZZ
@given(data=st.data())
def test_damaged_exports_load_or_are_refused(folder, damage, data):
    check_loads_or_refuses(_write(folder, data.draw(damage(), label="damaged")))


@settings(FUZZ, max_examples=15 * DEPTH)
@given(damaged=resaved())
def test_saved_again_in_another_encoding(folder, damaged):
    check_loads_or_refuses(_write(folder, damaged))


@settings(FUZZ, max_examples=8 * DEPTH)
@given(damaged=giant_cell())
def test_a_giant_cell(folder, damaged):
    check_loads_or_refuses(_write(folder, damaged))


@settings(FUZZ, max_examples=8 * DEPTH)
@given(damaged=ANY_DAMAGE)
def test_inspect_exits_0_or_2(folder, damaged):
    assert main(["inspect", str(_write(folder, damaged))]) in (0, 2)
