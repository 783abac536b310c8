"""The one QApplication of SkuCast: names, a font with Chinese glyphs, the GUI-thread collector.

A low module: the window (:mod:`ui.app`), the standalone view previews
(:mod:`ui.preview`) and the tests all make their application here, so no view needs
the top of the package.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ui.collector import collect_in_gui_thread

__all__ = ["CJK_FAMILIES", "cjk_family", "make_app"]

#: Fonts with Chinese glyphs that come with Windows (YaHei), macOS (PingFang, Hiragino)
#: and common Linux desktops, in order of preference. SkuCast ships no font of its own:
#: every supported system has one of the first four (a CJK font would add 16-20 MB to
#: the installer); elsewhere any installed font Qt reports as writing Simplified Chinese
#: is used.
CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
                "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei")  # fmt: skip


def cjk_family(families: list[str], chinese: list[str]) -> str | None:
    """The family to put first: a preferred one that is installed, else the first of
    ``chinese`` (families able to write Simplified Chinese), else ``None``."""
    installed = set(families)
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    return chinese[0] if chinese else None


def _use_cjk_font(app: QApplication) -> str | None:
    """Prefer a font that has Chinese glyphs, so 中文 never renders as boxes.

    Returns the family chosen, or ``None`` when the system has no Chinese font (the
    Chinese texts then show as boxes; README says which package to install).
    """
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    family = cjk_family(QFontDatabase.families(), chinese)
    if family is not None:
        font = QFont(app.font())
        font.setFamilies([family, *app.font().families()])
        app.setFont(font)
    return family


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with its names and font set; cycles are
    collected in its thread from now on (:mod:`ui.collector`)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName("SkuCast")
    app.setOrganizationName("SkuCast")
    _use_cjk_font(app)
    collect_in_gui_thread(app)  # a worker thread must never destroy a widget
    return app
