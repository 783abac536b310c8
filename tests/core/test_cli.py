"""The headless CLI as a user runs it: exit codes, bilingual messages, no tracebacks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.cli.progress import TerminalProgress
from tests.core.conftest import TAOBAO_DAILY

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
    )


def test_inspect_prints_mapping_and_report(write_csv, capsys):
    path = write_csv(TAOBAO_DAILY, encoding="gbk")
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "gb18030" in out and "商品编码" in out and "2024-01-01 .. 2024-01-03" in out
    assert "商品数 series:    2" in out


def test_inspect_json(write_csv, capsys):
    rows = TAOBAO_DAILY + [["2024/1/5", "00123", "纯棉短袖T恤", "服装", "-1", "￥59.00", "", "110"]]
    assert main(["inspect", str(write_csv(rows)), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["series"] == 2 and data["frequency"] == "D"
    assert data["mapping"]["ids"] == ["商品编码"]
    codes = [f["code"] for f in data["report"]]
    assert "negative_values" in codes and "missing_dates" in codes
    assert data["rows"] == 8  # 00123: 1/1-1/5 with 1/4 inserted by cleaning; 00456: 3


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 50, "binary"),
        ("日期,商品,销量\n".encode("gbk"), "no data rows"),
        ("商品,销量\na,1\nb,2\n".encode(), "No date column"),
    ],
)
def test_bad_input_exits_2_with_bilingual_message(tmp_path, content, expect):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    proc = run_cli("inspect", path)
    assert proc.returncode == 2
    assert expect in proc.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in proc.stderr)  # Chinese too
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_several_sheets_exit_2(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["日期", "销量"])
    wb.active.append(["2024-01-01", 1])
    ws = wb.create_sheet("退货")
    ws.append(["日期", "销量"])
    ws.append(["2024-01-01", 1])
    wb.save(tmp_path / "two.xlsx")
    proc = run_cli("inspect", tmp_path / "two.xlsx")
    assert proc.returncode == 2 and "--sheet" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_arguments_exit_2(write_csv):
    assert main(["inspect"]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["inspect", str(write_csv(TAOBAO_DAILY)), "--target-col", "nope"]) == 2


def test_help_lists_the_commands_and_the_desktop_flags(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--demo opens it on the bundled sample shop" in text
    assert all(c in text for c in ("inspect", "forecast", "recommend", "orders", "lifecycle"))


def test_cleaning_flags_and_bad_freq(write_csv, capsys):
    rows = TAOBAO_DAILY + [["2024/1/5", "00123", "纯棉短袖T恤", "服装", "9", "￥59.00", "", "1"]]
    path = str(write_csv(rows))
    assert main(["inspect", path, "--json", "--fill", "ffill", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    fill = next(f for f in data["report"] if f["code"] == "clean_fill_inserted")
    assert fill["n_rows"] == 1 and "previous value" in fill["en"]
    assert main(["inspect", path, "--freq", "fortnightly"]) == 2
    assert "Unknown frequency" in capsys.readouterr().err
    assert main(["inspect", path, "--freq", "w", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["frequency"] == "W-MON"


def test_missing_file_exit_2(tmp_path, capsys):
    assert main(["inspect", str(tmp_path / "nope.csv"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("File not found") and "找不到" not in err


def test_sample_command_writes_gbk_file(tmp_path):
    out = tmp_path / "shop.csv"
    proc = run_cli("sample", "--out", out)
    assert proc.returncode == 0, proc.stderr
    head = out.read_bytes()[:200].decode("gbk")
    assert head.startswith("日期,商品编码")
    assert (tmp_path / "shop_stages.csv").is_file()


def test_inspect_real_store_item_file(shared_data):
    proc = run_cli(
        "inspect",
        shared_data / "store_item_demand_train.csv.gz",
        "--id-cols",
        "store,item",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["series"], data["frequency"]) == (500, "D")
    assert (data["first_date"], data["last_date"]) == ("2013-01-01", "2017-12-31")
    assert data["report"] == [] and data["rows"] == 913_000


def test_inspect_real_m5_needs_calendar(shared_data):
    path = shared_data / "m5_sales_train_validation_10series.csv"
    proc = run_cli("inspect", path)
    assert proc.returncode == 2 and "--start-date" in proc.stderr
    proc = run_cli("inspect", path, "--start-date", "2011-01-29", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["series"] == 10 and data["layout"] == "wide" and data["last_date"] == "2016-04-24"


def test_role_flags_set_or_clear_optional_columns(write_csv, capsys):
    path = write_csv(TAOBAO_DAILY, encoding="gbk")
    assert main(["inspect", str(path), "--promo-col", "", "--category-col", "商品名称",
                 "--name-col", ""]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "promo = (none); name = (none); category = 商品名称" in out
    assert "促销" not in out.split("检查报告")[0]  # the mapping lists no promotion column
    assert main(["inspect", str(path), "--price-col", "价钱"]) == 2
    err = capsys.readouterr().err
    assert "--price-col" in err and "单价" in err


def test_progress_names_the_fold_only_where_there_is_one():
    out = io.StringIO()
    bar = TerminalProgress("en", stream=out)
    bar({"stage": "backtest", "model": "lstm", "fold": 2, "folds": 3, "done": 2, "total": 6})
    bar({"stage": "backtest", "model": "lstm", "fold": None, "folds": None, "done": 6,
         "total": 6})  # fmt: skip
    first, final = out.getvalue().splitlines()
    assert first.endswith("lstm fold 2/3") and final.endswith("] 100% lstm")
    assert "None" not in final
