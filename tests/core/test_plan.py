"""The weekly ``plan`` command and its printable report (core.cli.plan,
core.analysis.weekly_report): a small sample shop cut at four successive weeks, planned
each week into one archive, then the files and the report checked against the archive."""

from __future__ import annotations

import sqlite3
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from core.analysis import (
    ARCHIVE_VERSION,
    WeeklyReport,
    accuracy_svg,
    list_runs,
    report_html,
    run_import,
    score_runs,
    stage_mix_svg,
)
from core.cli import main
from core.data import CleaningOptions, ImportOptions
from core.sample import write_sample

SUPPLIERS = ["商品编码,类目,供应商,供应商编码,交货期(天),起订量,箱规,采购价",
             ",服装,杭州织造,1001,10,,6,60", ",家居,宁波家纺,1002,5,,2,35.5",
             "*,,义乌百货,1000,7,1,1,20"]  # fmt: skip
#: The product renamed so that its name needs escaping in HTML.
ODD_ID, ODD_NAME = "0020400", 'Box <b>& "收纳箱"'
ODD_ESCAPED = "Box &lt;b&gt;&amp; &quot;收纳箱&quot;"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}
SVG_LEAVES = {"line", "rect", "polyline", "path"}


def _plan(csv, out, archive, lang="en", *extra) -> int:
    return main(["plan", str(csv), "--suppliers", str(csv.parent.parent / "suppliers.csv"),
                 "--archive", str(archive), "--out", str(out), "--model", "ets",
                 "--lang", lang, "--jobs", "1", *extra])  # fmt: skip


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    """The shop cut at four weeks, each cut planned (English) into one archive folder; the
    last week planned again in Chinese."""
    root = tmp_path_factory.mktemp("plan")
    full, _ = write_sample(root / "full.csv", n_skus=12, days=300)
    sales = pd.read_csv(full, encoding="gbk", dtype=str, keep_default_na=False)
    sales.loc[sales["商品编码"] == ODD_ID, "商品名称"] = ODD_NAME
    days = pd.to_datetime(sales["日期"], format="%Y/%m/%d")
    (root / "suppliers.csv").write_bytes("\r\n".join(SUPPLIERS).encode("gbk"))
    archive = root / "archive"
    archive.mkdir()
    cuts = [days.max() - pd.Timedelta(days=d) for d in (21, 14, 7, 0)]
    for i, cut in enumerate(cuts):
        week = root / f"week{i}"
        week.mkdir()
        sales[days <= cut].to_csv(week / "shop.csv", index=False, encoding="gbk")
        assert _plan(week / "shop.csv", root / f"out{i}", archive) == 0
    before = list_runs(archive / "shop.skucast-archive.sqlite")
    assert _plan(root / "week3" / "shop.csv", root / "out3zh", archive, "zh") == 0
    return {"root": root, "cuts": cuts, "archive": archive / "shop.skucast-archive.sqlite",
            "before": before}  # fmt: skip


def _html(weeks, out="out3") -> str:
    return (weeks["root"] / out / "report.html").read_text("utf-8")


class _Checker(HTMLParser):
    """Well-formedness: every element closed in order; collects the totals' data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.totals, self.grand = [], [], {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-order" in a:
            self.totals[a["data-order"]] = float(a["data-value"])
        if "data-total" in a:
            self.grand = float(a["data-total"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID | SVG_LEAVES:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")


def _check(text: str) -> _Checker:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    return checker


# --------------------------------------------------------------------------- the loop
def test_each_week_is_one_run_and_planning_again_replaces_it(weeks):
    runs = list_runs(weeks["archive"])
    assert runs["data_end"].tolist() == weeks["cuts"]
    assert (runs["model"] == "ets").all() and (runs["source"] == "shop.csv").all()
    before, after = weeks["before"]["run_id"].tolist(), runs["run_id"].tolist()
    assert len(before) == 4 and before[:3] == after[:3]
    assert after[3] != before[3]  # the last week's run replaced, not added


def test_accuracy_csv_holds_the_archive_scores(weeks):
    dataset = run_import(weeks["root"] / "week3" / "shop.csv", ImportOptions(),
                         CleaningOptions()).cleaning.dataset  # fmt: skip
    per_run, _ = score_runs(weeks["archive"], dataset.frame)
    acc = pd.read_csv(weeks["root"] / "out3" / "accuracy.csv", encoding="utf-8-sig")
    assert acc["data_end"].tolist() == [f"{c:%Y-%m-%d}" for c in weeks["cuts"]]
    assert (acc["n"].iloc[:3] > 0).all() and acc["n"].iloc[3] == 0
    for col in ("mase", "snaive_mase", "fva", "bias", "hit_80"):
        assert acc[col].iloc[:3].to_numpy() == pytest.approx(per_run[col].iloc[:3].to_numpy())
    assert acc[["mase", "snaive_mase"]].iloc[3].isna().all()
    assert not np.allclose(acc["mase"].iloc[:3], acc["snaive_mase"].iloc[:3])
    # a week earlier only the first run was scored
    first = pd.read_csv(weeks["root"] / "out1" / "accuracy.csv", encoding="utf-8-sig")
    assert len(first) == 2 and first["n"].iloc[0] > 0 and first["n"].iloc[1] == 0


def test_the_report_totals_are_the_sums_of_the_order_lines(weeks):
    out = weeks["root"] / "out3"
    lines = pd.read_csv(out / "purchase_orders.csv", encoding="utf-8-sig", dtype=str)
    lines["Line value"] = lines["Line value"].astype(float)
    sums = lines.groupby("PO number")["Line value"].sum().round(2)
    checker = _check(_html(weeks))
    assert len(sums) >= 2 and checker.totals == pytest.approx(sums.to_dict())
    assert checker.grand == pytest.approx(round(float(lines["Line value"].sum()), 2))
    totals = pd.read_csv(out / "purchase_orders_totals.csv", encoding="utf-8-sig")
    assert totals["Total value"].iloc[:-1].tolist() == pytest.approx(sums.tolist())
    assert ODD_ID in set(lines["Product ID"])  # the odd name is in the report's orders


def test_the_report_draws_both_charts_and_escapes_names(weeks):
    text = _html(weeks)
    assert text.count("<svg") == 2 and 'class="stage-mix"' in text and 'class="accuracy"' in text
    assert 'class="one"' in text and 'stroke-dasharray="6 4"' in text
    assert ODD_ESCAPED in text and ODD_NAME not in text and "<b>" not in text
    assert "<script" not in text and "http" not in text and "src=" not in text
    acc = pd.read_csv(weeks["root"] / "out3" / "accuracy.csv", encoding="utf-8-sig")
    shown = [f"{v:.6g}" for v in acc["mase"].iloc[:3]]
    assert f'data-series="model:ets" data-values="{",".join(shown)}"' in text
    assert "@media print" in text and "break-before:page" in text


def test_the_first_week_says_the_chart_needs_two_runs(weeks):
    text = _html(weeks, "out0")
    _check(text)
    assert text.count("<svg") == 1 and "the chart needs at least two" in text
    assert "No product scored yet" in text


def test_the_chinese_report_has_chinese_labels(weeks):
    text = _html(weeks, "out3zh")
    _check(text)
    assert '<html lang="zh-CN">' in text
    labels = (
        "概览",
        "需立即订货",
        "采购单",
        "预测准确率变化",
        "季节性朴素法",
        "各生命周期阶段的商品数",
    )
    assert all(label in text for label in labels)
    assert "Purchase orders" not in text and "Overview" not in text


# ------------------------------------------------------------------------ bad input
def test_bad_input_exits_2_and_writes_nothing(weeks, tmp_path, capsys):
    week = weeks["root"] / "week3" / "shop.csv"
    out = tmp_path / "out"
    assert _plan(weeks["root"] / "week3" / "none.csv", out, tmp_path) == 2
    assert "none.csv" in capsys.readouterr().err
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert _plan(week, afile / "sub", tmp_path, "both") == 2
    err = capsys.readouterr().err
    assert "--out" in err and "是文件" in err and "is a file" in err
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(weeks["archive"].read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (ARCHIVE_VERSION + 1,))
    conn.close()
    assert _plan(week, out, newer, "both") == 2
    err = capsys.readouterr().err
    assert "newer SkuCast" in err and "更新版本" in err and "Traceback" not in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "newer.sqlite"]


# ------------------------------------------------------------------------ the parts
def test_missing_parts_are_said_in_words():
    text = report_html(WeeklyReport(as_of=pd.Timestamp("2024-03-04")), "en")
    _check(text)
    assert "<svg" not in text
    said = ("No overview", "No purchase orders", "No supplier table", "No forecast archive")
    assert all(sentence in text for sentence in said)
    both = report_html(WeeklyReport(as_of=pd.Timestamp("2024-03-04")), "both")
    assert "SkuCast 每周报告 / SkuCast weekly report" in both


def test_the_charts_need_something_to_draw():
    assert stage_mix_svg({}) == ""
    svg = stage_mix_svg({"growth": 3, "maturity": 6, "<odd>": 1}, "zh")
    assert "成长期" in svg and "&lt;odd&gt;" in svg and svg.count('class="bar"') == 3
    assert 'data-count="6"' in svg and 'width="300.0"' in svg  # the longest bar is full width
    runs = pd.DataFrame({"run_id": [1, 2], "data_end": pd.to_datetime(["2024-03-04", "2024-03-11"]),
                         "model": "ets", "n": [70, 0], "mase": [0.8, np.nan],
                         "snaive_mase": [1.1, np.nan]})  # fmt: skip
    assert accuracy_svg(None) == "" and accuracy_svg(runs) == ""  # one scored run
    runs.loc[1, ["n", "mase", "snaive_mase"]] = [35, 1.3, 0.9]
    svg = accuracy_svg(runs)
    assert 'data-values="0.8,1.3"' in svg and 'data-series="snaive" data-values="1.1,0.9"' in svg
