"""What every view of the main window shares.

A view is a thin QWidget over the :class:`~ui.session.Session`: it reads its form,
calls core (through a :class:`~ui.workers.task_worker.TaskRunner` for anything slow)
and shows the result. Views re-read their texts in :meth:`BaseView.retranslate` when the
language changes, report one-line news through ``sig_status`` and stop their workers in
:meth:`BaseView.shutdown` when the window closes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from ui.i18n import translate

__all__ = ["BaseView", "heading", "placeholder_stack", "show_error"]


def heading(text: str = "") -> QLabel:
    """A view's title label: larger, bold."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.45)
    font.setBold(True)
    label.setFont(font)
    label.setObjectName("viewTitle")
    return label


def show_error(parent: QWidget, title: str, message: str, details: str = "") -> QMessageBox:
    """A readable, non-blocking error dialog; technical details folded away."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                      parent)  # fmt: skip
    if details:
        box.setDetailedText(details)
    box.setObjectName("errorDialog")
    box.open()
    return box


def placeholder_stack(box: QWidget, content: QWidget) -> tuple[QLabel, QStackedWidget]:
    """Fill ``box`` with ``content`` behind a centred hint shown while it has nothing."""
    hint = QLabel()
    hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
    hint.setWordWrap(True)
    hint.setObjectName("placeholder")
    stack = QStackedWidget()
    stack.addWidget(hint)
    stack.addWidget(content)
    QVBoxLayout(box).addWidget(stack)
    return hint, stack


class BaseView(QWidget):
    """Base of the five views (see module doc)."""

    sig_status = Signal(str)
    #: Ask the main window to show another step (its index).
    sig_goto = Signal(int)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.last_error: QMessageBox | None = None

    def title(self) -> str:  # pragma: no cover - every view overrides
        return ""

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""

    def is_busy(self) -> bool:
        return any(r.is_running() for r in self.runners())

    def runners(self) -> list:
        """The view's task runners (for busy checks and shutdown)."""
        return []

    def shutdown(self, msecs: int = 30000) -> None:
        """Cancel running work and wait for its threads (the window is closing)."""
        for runner in self.runners():
            runner.wait(msecs)

    def fail(self, message: str, details: str = "") -> None:
        """Show a failure; the view stays usable. With technical ``details`` (a bug's
        traceback) it is "something went wrong"; without, a problem with the input the
        user can fix, under a plain title."""
        title = (translate("BaseView", "SkuCast: something went wrong") if details
                 else translate("BaseView", "SkuCast: please check"))  # fmt: skip
        self.last_error = show_error(self, title, message, details)
        self.sig_status.emit(message.splitlines()[0] if message else "")

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
