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

from PySide6.QtCore import QEvent, QObject, QTimer

from core import lazy
from ui.main_window import PROJECT_SUFFIX, make_window
from ui.qapp import make_app

__all__ = ["DEFERRED", "run"]

#: SkuCast's modules the window imports only after its first paint, always through
#: ``core.lazy.load`` (pandas, scipy, pyqtgraph and the views come with them); anything
#: else is imported at the top of its file. ``tests/test_architecture.py`` checks that
#: every name given to ``lazy.load`` is listed here or in ``core.lazy``.
DEFERRED = (
    "ui.workspace",  # the session, the five views and the project actions
    "ui.screenshots",  # --screenshots
    "ui.self_test",  # --self-test
    "ui.catalogues",  # python -m ui.i18n: the developers' translation tool
)


class _FileOpenFilter(QObject):
    """macOS hands a double-clicked ``.skucast`` to the app as a QFileOpenEvent, not argv."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FileOpen and event.file().lower().endswith(PROJECT_SUFFIX):
            self._window.open_project(event.file())
            return True
        return False


def run(argv: list[str]) -> int:
    """Open the window (see module doc for the flags)."""
    app = make_app(argv)
    if "--screenshots" in argv:
        index = argv.index("--screenshots")
        folder = argv[index + 1] if len(argv) > index + 1 else "screenshots"
        return lazy.load("ui.screenshots").take_screenshots(folder)
    if "--self-test" in argv:
        self_test = lazy.load("ui.self_test")
        folder, timeout = self_test.parse_args(argv[argv.index("--self-test") + 1 :])
        return self_test.run_self_test(folder, timeout)
    window = make_window(lazy=True)
    window.show()
    QTimer.singleShot(0, window.finish_setup)  # after the first paint
    if "--demo" in argv:
        QTimer.singleShot(0, window.open_sample)
    elif argv and argv[0].lower().endswith(PROJECT_SUFFIX):  # Windows file association
        QTimer.singleShot(0, lambda: window.open_project(argv[0]))
    app.installEventFilter(_FileOpenFilter(window))
    return app.exec()
