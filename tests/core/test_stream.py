"""Big CSV exports read part by part give what a whole read gives (core.data.stream).

The files here are small; the blocks are made tiny (a few KB) so that every file is cut
into dozens of parts, at awkward places: inside an order, between the lines of one
product-day, next to quoted cells with commas and line breaks.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data import ImportOptions, load_dataset
from core.data import stream as stream_mod
from core.data.report import Finding, merge_findings
from core.errors import InputError

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def order_lines(n: int = 6000, seed: int = 0) -> list[str]:
    """Lines of a UK gift shop's order export: cancellations, postage, quoted names."""
    rng = np.random.default_rng(seed)
    codes = [f"{21000 + i}" + ("A" if i % 4 == 0 else "") for i in range(80)] + ["POST", "M"]
    names = {c: f'"HEART, WICKER NO {c}"' if i % 3 else f"LANTERN {c}" for i, c in enumerate(codes)}
    names["POST"], names["M"] = "POSTAGE", "Manual"
    p = np.r_[np.full(80, 0.97 / 80), [0.02, 0.01]]
    invoice = 536365 + np.cumsum(rng.random(n) < 0.15)
    start = pd.Timestamp("2010-12-01 08:00")
    minutes = np.sort(rng.integers(0, 300 * 24 * 60, n))
    lines = [HEADER]
    for i in range(n):
        code = codes[rng.choice(len(codes), p=p)]
        cancel = rng.random() < 0.03
        qty = int(rng.integers(1, 25)) * (-1 if cancel else 1)
        when = start + pd.Timedelta(minutes=int(minutes[i]))
        name = names[code] if rng.random() > 0.01 else "damaged"
        price = f"{rng.uniform(0.4, 12):.2f}" if rng.random() > 0.02 else ""
        lines.append(
            f"{'C' if cancel else ''}{invoice[i]},{code},{name},{qty},"
            f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d},{price},"
            f"{17850 + i % 7}.0,United Kingdom"
        )
    return lines


@pytest.fixture
def export(tmp_path) -> Path:
    lines = order_lines()
    lines.insert(0, "Online Retail export,,,,,,,")  # a title line above the header
    lines.insert(1300, "")  # a blank line inside
    lines.insert(2100, "581001,21003,LANTERN 21003,2,6/1/2011 9:00,1.25,17850.0,United Kingdom,x")
    lines.insert(3000, '581002,21001,"HEART, WICKER\nNO 21001",3,6/2/2011 9:00,2.10,,United Kingdom')
    path = tmp_path / "online_retail.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def stream(path: Path, block: int = 4096, options: ImportOptions | None = None):
    return stream_mod.stream_long_table(path, options or ImportOptions(), block_bytes=block)


def test_a_streamed_file_gives_what_a_whole_read_gives(export):
    whole = load_dataset(export)
    raw, frame, series, mapping, roles, orders = stream(export)
    assert mapping == whole.mapping and mapping.ids == ["StockCode"]
    assert raw.info.layout == "orders" and raw.info.header_row == whole.source.header_row == 2
    pd.testing.assert_frame_equal(frame, whole.frame[frame.columns])  # exact, prices too
    pd.testing.assert_frame_equal(series, whole.series)
    assert "damaged" not in set(series["name"])
    blocks = export.stat().st_size // 4096 + 1  # an order cut between two blocks counts twice
    n_orders, want = orders["order"].nunique(), whole.orders["order"].nunique()
    assert want <= n_orders <= want + blocks and n_orders == orders["order"].max() + 1
    assert set(orders["unique_id"]) == set(whole.orders["unique_id"])
    for code in ("non_products", "orders_cancelled", "bad_lines", "empty_rows", "order_lines_summed"):
        got, want = raw.report.by_code(code), whole.report.by_code(code)
        assert (got.en, got.zh, got.n_rows, got.rows) == (want.en, want.zh, want.n_rows, want.rows)
    assert raw.report.by_code("bad_lines").rows == [2101]  # the line with a ninth cell
    assert raw.report.by_code("title_rows_skipped") is not None
    assert raw.report.by_code("streamed") is not None


def test_load_dataset_streams_a_file_over_the_threshold_and_reports_progress(export, monkeypatch):
    whole = load_dataset(export)
    monkeypatch.setattr(stream_mod, "STREAM_BYTES", 10_000)
    monkeypatch.setattr(stream_mod, "BLOCK_BYTES", 50_000)
    seen = []
    data = load_dataset(export, on_block=lambda done, total: seen.append((done, total)))
    note = data.report.by_code("streamed")
    assert note is not None and "parts" in note.en and "分块" in note.zh
    size = export.stat().st_size
    assert len(seen) >= 5 and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    pd.testing.assert_frame_equal(data.frame, whole.frame)
    assert data.freq == whole.freq
    # the region is suggested from the first block's rows
    assert data.roles["region"]["region"] == whole.roles["region"]["region"] == "GB"
    assert data.source.rows_read == whole.source.rows_read


def test_gzip_and_gbk_exports_stream_too(tmp_path):
    lines = ["日期,商品编码,商品名称,数量"]
    for d in range(120):
        for k in range(6):
            lines.append(f"2024-01-{1 + d % 28:02d},SKU{k:03d},保温杯{k}号，大容量,{(d * k) % 7}")
    plain = tmp_path / "销售.csv"
    plain.write_bytes("\n".join(lines).encode("gbk"))
    packed = tmp_path / "销售.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    whole = load_dataset(plain)
    for path in (plain, packed):
        raw, frame, series, *_ = stream(path, block=2048)
        assert raw.info.encoding == "gb18030"
        pd.testing.assert_frame_equal(frame, whole.frame[frame.columns])
        assert list(series["name"]) == [f"保温杯{k}号，大容量" for k in range(6)]


def test_a_change_of_encoding_past_the_first_block_is_refused_with_a_message(tmp_path):
    lines = [HEADER] + order_lines(3000)[1:]
    lines.append("581003,21002,心形挂饰,2,6/3/2011 9:00,1.10,,China")
    path = tmp_path / "mixed.csv"
    path.write_bytes("\n".join(lines[:-1]).encode("ascii") + b"\n" + lines[-1].encode("gbk"))
    with pytest.raises(InputError) as err:
        stream(path)
    assert "--encoding" in str(err.value) and "编码" in err.value.zh


def test_a_wide_table_too_big_to_read_is_refused(tmp_path):
    dates = pd.date_range("2024-01-01", periods=30).strftime("%Y-%m-%d")
    rows = ["sku," + ",".join(dates)] + [f"A{i}," + ",".join(["1"] * 30) for i in range(400)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(rows))
    with pytest.raises(InputError) as err:
        stream(path)
    assert "one column per date" in str(err.value) and "宽表" in err.value.zh


def test_a_quoted_cell_with_no_end_is_refused_not_read_for_ever(tmp_path):
    path = tmp_path / "open_quote.csv"
    path.write_text(HEADER + '\n536365,85123A,"WHITE HANGING HEART\n' + "x" * 200_000)
    monkeypatch_block = 1024
    with pytest.raises(InputError):
        stream(path, block=monkeypatch_block)


def finding(en: str, zh: str, rows: list[int], n: int) -> Finding:
    return Finding("info", "non_products", en, zh, None, rows, n)


def test_findings_on_parts_add_up_to_findings_on_the_file():
    parts = [
        [finding("5 lines are not products: POST (3), M (2)", "有 5 行不是商品：POST（3）、M（2）", [4, 9], 5)],
        [finding("3 lines are not products: POST (2), DOT (1)", "有 3 行不是商品：POST（2）、DOT（1）", [40], 3)],
    ]
    (merged,) = merge_findings(parts)
    assert merged.en == "8 lines are not products: POST (5), M (2), DOT (1)"
    assert merged.zh == "有 8 行不是商品：POST（5）、M（2）、DOT（1）"
    assert (merged.rows, merged.n_rows) == ([4, 9, 40], 8)
    sums = merge_findings([[finding("1,200 lines: 3.5 units", "1,200 行：3.5 件", [], 0)],
                           [finding("30 lines: 2 units", "30 行：2 件", [], 0)]])  # fmt: skip
    assert (sums[0].en, sums[0].zh) == ("1,230 lines: 5.5 units", "1,230 行：5.5 件")
    dates = merge_findings([[finding("first sale 2018-02-03", "首次 2018-02-03", [], 0)],
                            [finding("first sale 2019-05-06", "首次 2019-05-06", [], 0)]])  # fmt: skip
    assert dates[0].en.startswith("first sale 2018-02-03") and "first part" in dates[0].en
    assert "第一部分" in dates[0].zh


def test_a_big_file_is_linked_by_its_project_not_embedded(export, tmp_path, monkeypatch):
    from core.analysis import Project, open_analysis, run_import, save_project
    from core.data import CleaningOptions

    monkeypatch.setattr(stream_mod, "STREAM_BYTES", 10_000)
    events = []
    result = run_import(str(export), ImportOptions(), CleaningOptions(), on_progress=events.append)
    assert result.source_bytes == b""  # never read whole
    assert result.raw.report.by_code("streamed") is not None
    reading = [e for e in events if "bytes_total" in e]
    assert reading and reading[-1]["bytes_done"] == export.stat().st_size
    project = Project(source_name=export.name, source_bytes=result.source_bytes,
                      source_path=str(export), import_options=result.options)  # fmt: skip
    saved, _ = save_project(project, tmp_path / "shop.skucast")
    opened = open_analysis(saved)
    assert opened.project.source_path == str(export.resolve())
    pd.testing.assert_frame_equal(opened.raw.frame, result.raw.frame)
    export.rename(tmp_path / "moved.csv")
    with pytest.raises(InputError) as err:
        open_analysis(saved)
    assert str(export.resolve()) in str(err.value) and "原处" in err.value.zh


def test_the_cli_reads_a_big_file_with_a_progress_line(export, monkeypatch, capsys):
    from core.cli.main import main

    monkeypatch.setattr(stream_mod, "STREAM_BYTES", 10_000)
    monkeypatch.setattr(stream_mod, "BLOCK_BYTES", 40_000)
    assert main(["inspect", str(export), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "orders" in out and "read in parts of" in out
    lines = [ln for ln in err.splitlines() if ln.startswith("Reading the file part by part")]
    assert 2 <= len(lines) <= 11 and lines[-1].endswith("MB") and "100%" in lines[-1]


def test_a_part_of_only_postage_or_a_cut_last_line_is_not_refused(tmp_path):
    lines = order_lines(3000)
    postage = [f"581{i:03d},POST,POSTAGE,1,6/9/2011 10:00,18.00,12583.0,France" for i in range(400)]
    path = tmp_path / "cut.csv"
    # a run of postage lines fills whole blocks; the file ends inside a line, as a cut
    # download does, so the last block is one line whose date is cut off
    path.write_text("\n".join(lines + postage + lines[1:50]) + "\n581999,21001,HEART,4")
    raw, frame, *_ = stream(path, block=2048)
    whole = load_dataset(path)
    pd.testing.assert_frame_equal(frame, whole.frame[frame.columns])
    assert raw.report.by_code("non_products").n_rows == whole.report.by_code("non_products").n_rows


def test_bought_together_keeps_the_most_recent_orders_within_its_bound(export, monkeypatch):
    monkeypatch.setattr(stream_mod, "BASKET_ROWS", 1500)
    raw, frame, series, mapping, roles, orders = stream(export)
    note = raw.report.by_code("baskets_recent")
    assert note is not None and "最近" in note.zh
    assert 1500 - 200 <= len(orders) <= 1500  # within one block under the bound
    assert orders["order"].min() == 0 and orders["order"].max() + 1 == orders["order"].nunique()
    assert frame["y"].sum() == load_dataset(export).frame["y"].sum()  # sales are all counted


def test_utf8_blocks_read_by_pyarrow_equal_the_careful_reader(export, tmp_path, monkeypatch):
    lf = tmp_path / "lf.csv"
    lf.write_bytes(export.read_bytes().replace(b"\r\n", b"\n"))
    used = []
    fast = stream_mod._arrow_block
    monkeypatch.setattr(stream_mod, "_arrow_block", lambda *a: used.append(fast(*a)) or used[-1])
    raw, frame, series, *_ = stream(lf)
    taken = sum(f is not None for f in used)
    assert 0.8 * len(used) < taken < len(used)  # the blocks with a blank or a long row: careful
    monkeypatch.setattr(stream_mod, "_arrow_block", lambda *a: None)
    raw2, frame2, series2, *_ = stream(lf)
    pd.testing.assert_frame_equal(frame, frame2)
    pd.testing.assert_frame_equal(series, series2)
    assert [f.text() for f in raw.report.findings] == [f.text() for f in raw2.report.findings]
