"""The shipped Chinese catalogue is complete, in sync with the code, and loads; the app's
font writes Chinese."""

import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QFontMetrics

from ui import catalogues, i18n
from ui.qapp import _use_cjk_font, cjk_family

TS = i18n.resource_path("i18n", "skucast_zh_CN.ts")


def test_shipped_catalogue_has_no_unfinished_message():
    root = ElementTree.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 300
    unfinished = [m.findtext("source") for m in messages
                  if m.find("translation").get("type") == "unfinished"
                  or not m.findtext("translation")]  # fmt: skip
    assert unfinished == []


def test_every_string_in_the_code_has_a_translation(tmp_path):
    ts = tmp_path / "check.ts"
    shutil.copy(TS, ts)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *catalogues.sources(), "-ts", str(ts), "-no-obsolete",
                    "-locations", "none"], check=True, capture_output=True)  # fmt: skip
    assert catalogues.fill_catalogue(ts, catalogues.load_glossary("zh_CN")) == []


def test_compiled_catalogue_switches_language(qapp):
    assert i18n.install("zh_CN")
    assert i18n.current() == "zh_CN" and i18n.core_lang() == "zh"
    assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
    assert i18n.pick("Saved", "已保存") == "已保存"
    i18n.install("en")
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


def test_the_chinese_font_is_chosen_by_preference_then_by_script():
    assert cjk_family(["Arial", "PingFang SC", "Microsoft YaHei"], []) == "Microsoft YaHei"
    assert cjk_family(["Arial", "Droid Sans Fallback"], ["Droid Sans Fallback"]) == (
        "Droid Sans Fallback"
    )
    assert cjk_family(["Arial", "DejaVu Sans"], []) is None


def test_the_app_font_writes_chinese_when_the_system_has_a_font_for_it(qapp):
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no Chinese font installed (apt-get install fonts-noto-cjk)")
    family = _use_cjk_font(qapp)
    assert family and qapp.font().families()[0] == family
    assert all(QFontMetrics(qapp.font()).inFontUcs4(ord(ch)) for ch in "销量预测补货")
