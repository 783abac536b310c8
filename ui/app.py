"""Starting the SkuCast desktop app.

Keras is never imported here: the window paints first and heavy work is
imported lazily by the views that need it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core import __version__


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    """The app's main window (an overview until the full views land)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(f"SkuCast {__version__}")
        self.resize(1100, 720)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.title = QLabel(tr("SkuCast — sales and lifecycle forecasting"), central)
        font = QFont(self.title.font())
        font.setPointSize(font.pointSize() + 6)
        self.title.setFont(font)
        self.overview = QPlainTextEdit(central)
        self.overview.setReadOnly(True)
        self.overview.setPlaceholderText(tr("Open a sales file (CSV or XLSX) to begin."))
        layout.addWidget(self.title)
        layout.addWidget(self.overview, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(tr("No data loaded"))

    def load(self, path: str) -> None:
        """Import ``path`` and show its summary and validation report."""
        from core.cleaning import clean
        from core.errors import SkuCastError
        from core.importer import load_dataset
        from core.summary import dataset_summary, format_summary

        try:
            result = clean(load_dataset(path))
        except SkuCastError as exc:
            self.overview.setPlainText(exc.message())
            self.statusBar().showMessage(tr("Could not import the file"))
            return
        summary = dataset_summary(result.dataset)
        self.overview.setPlainText(format_summary(summary))
        self.statusBar().showMessage(
            tr("{n} products, {a} .. {b}").format(
                n=summary["series"], a=summary["first_date"], b=summary["last_date"]
            )
        )


def run(argv: list[str]) -> int:
    """Open the window; ``--demo`` loads the bundled sample shop."""
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts, True)
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    window = MainWindow()
    window.show()
    if "--demo" in argv:
        from core.sample import SAMPLE_PATH

        window.load(str(SAMPLE_PATH))
    return app.exec()
