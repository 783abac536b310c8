"""Helpers that write small, real-looking store exports for the import tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

TAOBAO_DAILY = [
    ["日期", "商品编码", "商品名称", "类目", "销量", "单价", "活动", "库存"],
    ["2024/1/1", "00123", "纯棉短袖T恤", "服装", "5", "￥59.00", "", "120"],
    ["2024/1/2", "00123", "纯棉短袖T恤", "服装", "7", "￥59.00", "", "113"],
    ["2024/1/3", "00123", "纯棉短袖T恤", "服装", "3件", "￥59.00", "店铺满减", "110"],
    ["2024/1/1", "00456", "加厚羽绒服", "服装", "2", "￥1,299.00", "", "40"],
    ["2024/1/2", "00456", "加厚羽绒服", "服装", "0", "￥1,299.00", "", "40"],
    ["2024/1/3", "00456", "加厚羽绒服", "服装", "4", "1,199元", "双11大促", "36"],
]


def to_text(rows: list[list[str]], sep: str = ",", newline: str = "\n") -> str:
    """CSV text as exporters write it: cells with the separator or quotes are quoted."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator=newline).writerows(rows)
    return buf.getvalue()


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write rows as a CSV file with the given encoding, separator and line ending."""

    def write(rows, name="export.csv", encoding="utf-8", sep=",", newline="\n") -> Path:
        path = tmp_path / name
        path.write_bytes(to_text(rows, sep, newline).encode(encoding))
        return path

    return write
