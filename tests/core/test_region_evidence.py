"""The suggested holiday region says what it saw in Chinese and in English.

``roles["region"]["evidence"]`` stays the English text (the window shows it);
``evidence_zh`` is the same in Chinese, and ``inspect`` shows the one of ``--lang``.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from core.cli import main
from core.data import dataset_summary, format_summary, load_dataset
from tests.core.conftest import to_text

EN_WORDS = re.compile(r"\b(?:on|of|rows|cells|column|names|in Chinese|currency sign)\b")


def _rows(header: list[str], price: str = "9.50", extra: str | None = None) -> list[list[str]]:
    """Ten days of three products; ``extra`` (a country or currency) ends every row."""
    rows = [header]
    for day in pd.date_range("2024-03-01", periods=10):
        for k, sku in enumerate(("A-100", "B-200", "C-300")):
            row = [f"{day:%Y-%m-%d}", sku, f"Thing {k}", str(k + day.day % 3), price]
            if extra is not None:
                # one row in six elsewhere: the country on most rows still speaks
                row.append("France" if extra == "United Kingdom" and k == 2 and day.day % 2
                           else extra)  # fmt: skip
            rows.append(row)
    return rows


EN = ["Date", "SKU", "Product", "Qty", "Price"]
ZH = ["日期", "商品编码", "商品名称", "销量", "单价"]
CASES = {
    "country": (EN + ["Country"], "2.55", "United Kingdom", "GB", "Country",
                "United Kingdom on 25 of 30 rows", "30 行中有 25 行为“United Kingdom”"),
    "yen": (EN, "¥59.00", None, "CN", "Price", "'¥59.00': a currency sign in 30 of 30 cells",
            "“¥59.00”：30 个单元格中有 30 个带货币符号"),
    "dollar": (EN, "$12.99", None, "US", "Price", "'$12.99': a currency sign in 30 of 30 cells",
               "“$12.99”：30 个单元格中有 30 个带货币符号"),
    "chinese_headers": (ZH, "59.00", None, "CN", None, "5 of 5 column names in Chinese",
                        "5 个表头中有 5 个为中文"),
    "currency": (EN + ["Currency"], "59.00", "CNY", "CN", "Currency", "CNY on 30 of 30 rows",
                 "30 行中有 30 行为“CNY”"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_region_evidence_in_both_languages(tmp_path, capsys, case):
    header, price, extra, region, column, en, zh = CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(to_text(_rows(header, price, extra)), encoding="utf-8")
    found = load_dataset(path).roles["region"]
    assert (found["region"], found["column"]) == (region, column)
    assert (found["evidence"], found["evidence_zh"]) == (en, zh)
    assert not EN_WORDS.search(zh.replace("United Kingdom", ""))

    assert main(["inspect", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["region"] == found  # every key kept: region, signal, column, evidence
    assert set(summary["region"]) == {"region", "signal", "column", "evidence", "evidence_zh"}

    assert main(["inspect", str(path), "--lang", "zh"]) == 0
    line = _region_line(capsys.readouterr().out)
    assert f"region: {region}" in line and zh in line and en not in line
    assert main(["inspect", str(path), "--lang", "en"]) == 0
    line = _region_line(capsys.readouterr().out)
    assert f"region: {region}" in line and en in line and zh not in line
    assert main(["inspect", str(path)]) == 0  # both languages: Chinese, then English
    assert f"{zh} / {en}" in _region_line(capsys.readouterr().out)


def _region_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith("节假日地区 region:")]
    assert len(lines) == 1, text
    return lines[0]


def test_a_summary_without_chinese_evidence_still_shows_the_english(tmp_path):
    """A summary written before ``evidence_zh`` existed falls back to ``evidence``."""
    path = tmp_path / "uk.csv"
    path.write_text(to_text(_rows(EN + ["Country"], "2.55", "United Kingdom")), "utf-8")
    summary = dataset_summary(load_dataset(path))
    del summary["region"]["evidence_zh"]
    for lang in ("zh", "en", "both"):
        line = _region_line(format_summary(summary, lang))
        assert line.count("United Kingdom on 25 of 30 rows") == 1


def _uk_shop(path) -> None:
    rows = [["Date", "StockCode", "Description", "Quantity", "Country"]]
    for day in pd.date_range("2024-01-01", periods=120):
        for k, code in enumerate(("85123A", "22423", "47566")):
            rows.append([f"{day:%Y-%m-%d}", code, f"GIFT {k}", str(1 + (day.day + k) % 4),
                         "United Kingdom"])  # fmt: skip
    path.write_text(to_text(rows), "utf-8")


def test_the_cli_uses_the_suggested_region_and_says_so(tmp_path, capsys):
    path = tmp_path / "uk_shop.csv"
    _uk_shop(path)
    out = tmp_path / "fc.csv"
    args = ["forecast", str(path), "--model", "snaive", "--horizon", "7", "--out", str(out)]
    assert main(args + ["--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "Holidays and festivals: GB, from United Kingdom on 360 of 360 rows" in err
    assert "(--region to change)" in err
    assert main(args + ["--lang", "zh"]) == 0
    assert (
        "节假日与购物节：GB，依据：360 行中有 360 行为“United Kingdom”" in capsys.readouterr().err
    )
    assert main(args + ["--lang", "en", "--region", "CN"]) == 0  # the user's choice wins
    assert "Holidays and festivals" not in capsys.readouterr().err
