"""Starting the SkuCast desktop app.

Keras is never imported here: the window paints first and heavy work is imported
lazily by the workers that need it.

``python main.py``                   the app
``python main.py --demo``            the app with the bundled sample shop imported
``python main.py --self-test [DIR]`` import, train, forecast, recommend; report to DIR; quit
``python main.py --screenshots DIR`` a PNG of every view on the sample, in both languages

``--self-test`` is what proves an installation whole (see :mod:`ui.self_test`).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ui import i18n
from ui.collector import collect_in_gui_thread

__all__ = ["run", "make_app", "make_window"]

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
    """The QApplication (created once), with names, font and language set."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName("SkuCast")
    app.setOrganizationName("SkuCast")
    _use_cjk_font(app)
    collect_in_gui_thread(app)  # a worker thread must never destroy a widget
    return app


def make_window(lang: str | None = None, lazy: bool = False):
    """The main window in ``lang`` (default: remembered, else the system language).

    With ``lazy`` the views are built by ``window.finish_setup()`` (after the first paint).
    """
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    settings = AppSettings()
    i18n.install(lang or settings.language() or i18n.system_language())
    return MainWindow(settings, lazy=lazy)


class _FileOpenFilter(QObject):
    """macOS hands a double-clicked ``.skucast`` to the app as a QFileOpenEvent, not argv."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FileOpen and event.file().lower().endswith(".skucast"):
            self._window.open_project(event.file())
            return True
        return False


def run(argv: list[str]) -> int:
    """Open the window (see module doc for the flags)."""
    app = make_app(argv)
    if "--screenshots" in argv:
        from ui.screenshots import take_screenshots

        index = argv.index("--screenshots")
        folder = argv[index + 1] if len(argv) > index + 1 else "screenshots"
        return take_screenshots(folder)
    if "--self-test" in argv:
        from ui.self_test import parse_args, run_self_test

        folder, timeout = parse_args(argv[argv.index("--self-test") + 1 :])
        return run_self_test(folder, timeout)
    window = make_window(lazy=True)
    window.show()
    QTimer.singleShot(0, window.finish_setup)  # after the first paint
    if "--demo" in argv:
        QTimer.singleShot(0, window.open_sample)
    elif argv and argv[0].lower().endswith(".skucast"):  # Windows file association
        QTimer.singleShot(0, lambda: window.open_project(argv[0]))
    app.installEventFilter(_FileOpenFilter(window))
    return app.exec()
