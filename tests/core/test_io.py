"""Reading raw files: encodings, separators, line endings, XLSX, and refusals."""

from __future__ import annotations

import gzip

import pytest
from openpyxl import Workbook

import core.data.io as cio
from core.data import read_table, sniff_separator
from core.errors import InputError
from tests.core.conftest import TAOBAO_DAILY, to_text


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_encodings_are_detected(write_csv, encoding, expected):
    raw = read_table(write_csv(TAOBAO_DAILY, encoding=encoding))
    assert raw.info.encoding == expected
    assert list(raw.frame.columns)[:3] == ["日期", "商品编码", "商品名称"]
    assert raw.frame.loc[0, "商品编码"] == "00123"
    assert raw.frame.loc[3, "单价"] == "￥1,299.00"


def test_gb18030_only_characters(write_csv):
    rows = [
        ["日期", "商品", "销量"],
        ["2024-01-01", "𠮷野家联名款", "3"],
        ["2024-01-02", "𠮷野家联名款", "4"],
    ]
    raw = read_table(write_csv(rows, encoding="gb18030"))
    assert raw.frame.loc[0, "商品"] == "𠮷野家联名款"


def test_encoding_override_and_bad_override(write_csv):
    path = write_csv(TAOBAO_DAILY, encoding="gbk")
    assert read_table(path, cio.ReadOptions(encoding="gbk")).frame.loc[0, "类目"] == "服装"
    with pytest.raises(InputError) as err:
        read_table(path, cio.ReadOptions(encoding="utf-8"))
    assert "utf-8" in err.value.en and "编码" in err.value.zh


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_separators_and_line_endings(write_csv, sep, newline):
    raw = read_table(write_csv(TAOBAO_DAILY, sep=sep, newline=newline))
    assert raw.info.separator == sep
    assert raw.frame.shape == (6, 8)
    assert raw.frame["销量"].tolist() == ["5", "7", "3件", "2", "0", "4"]


def test_sniff_prefers_consistent_separator():
    lines = ["date;item;price", "2024-01-01;a;1,5", "2024-01-02;a;2,5"]
    assert sniff_separator(lines) == ";"


def test_title_rows_above_header_are_skipped(write_csv):
    rows = [["店铺：小米粒旗舰店"], ["导出时间：2024-02-01 10:00"], *TAOBAO_DAILY]
    raw = read_table(write_csv(rows))
    assert raw.frame.columns[0] == "日期"
    assert raw.info.header_row == 3
    assert raw.report.by_code("title_rows_skipped").n_rows == 2


def test_gzip_csv(tmp_path):
    path = tmp_path / "sales.csv.gz"
    path.write_bytes(gzip.compress(to_text(TAOBAO_DAILY).encode("utf-8")))
    raw = read_table(path)
    assert raw.frame.shape == (6, 8)


def test_duplicate_header_names_renamed(write_csv):
    raw = read_table(write_csv([["日期", "销量", "销量"], ["2024-01-01", "1", "2"]]))
    assert list(raw.frame.columns) == ["日期", "销量", "销量.1"]
    assert raw.report.by_code("duplicate_header").severity == "warning"


def _xlsx(path, sheets: dict):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_xlsx_cells_become_text(tmp_path):
    import datetime as dt

    rows = [
        ["日期", "商品编码", "销量"],
        [dt.datetime(2024, 1, 9), "00123", 5],
        [dt.datetime(2024, 1, 10), "00123", 6.0],
        [45302, 123, 2.5],
    ]
    raw = read_table(_xlsx(tmp_path / "s.xlsx", {"销售": rows, "说明": []}))
    assert raw.info.kind == "xlsx" and raw.info.sheet == "销售"
    assert raw.frame["日期"].tolist() == ["2024-01-09", "2024-01-10", "45302"]
    assert raw.frame["商品编码"].tolist() == ["00123", "00123", "123"]
    assert raw.frame["销量"].tolist() == ["5", "6", "2.5"]
    assert raw.report.by_code("sheet_chosen") is not None


def test_xlsx_several_sheets_needs_a_choice(tmp_path):
    rows = [["日期", "销量"], ["2024-01-01", 1], ["2024-01-02", 2]]
    path = _xlsx(tmp_path / "s.xlsx", {"一月": rows, "二月": rows})
    with pytest.raises(InputError) as err:
        read_table(path)
    assert "一月" in err.value.en and "--sheet" in err.value.en and "工作表" in err.value.zh
    assert read_table(path, cio.ReadOptions(sheet="二月")).info.sheet == "二月"
    with pytest.raises(InputError, match="no sheet"):
        read_table(path, cio.ReadOptions(sheet="三月"))


@pytest.mark.parametrize(
    ("content", "en_part", "zh_part"),
    [
        (b"", "empty", "空"),
        (b"   \n\n", "empty", "空"),
        (bytes(range(256)) * 40, "binary", "二进制"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls", "xls"),
        (b"PK\x03\x04 this is no zip", "Excel", "Excel"),
        ("日期,商品编码,销量\n".encode(), "no data rows", "没有数据行"),
    ],
)
def test_bad_files_are_refused_clearly(tmp_path, content, en_part, zh_part):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_table(path)
    assert en_part in err.value.en
    assert zh_part in err.value.zh


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "nope.csv")


def test_huge_file_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:  # a sparse 2 GB file: costs no disk and no time
        fh.write(b"date,item,sales\n")
        fh.truncate(2 * 1024**3)
    monkeypatch.setattr(cio, "available_memory", lambda: 4 * 1024**3)
    with pytest.raises(InputError) as err:
        read_table(path)
    assert "2.0 GB" in err.value.en and "memory" in err.value.en
    assert "内存" in err.value.zh


def test_ragged_rows_are_skipped_and_reported(tmp_path):
    path = tmp_path / "ragged.csv"
    text = "日期,商品编码,销量\n2024-01-01,A,1\n2024-01-02,A,2,多余\n2024-01-03,A,3\n2024-01-04\n"
    path.write_text(text, encoding="utf-8")
    raw = read_table(path)
    # the too-long row 3 is skipped; the too-short row 5 is kept with empty cells
    assert raw.frame["销量"].tolist() == ["1", "3", ""]
    assert raw.frame["日期"].tolist() == ["2024-01-01", "2024-01-03", "2024-01-04"]
    finding = raw.report.by_code("bad_lines")
    assert finding.severity == "warning" and finding.rows == [3]
