"""The validation and cleaning report as a table: severity, message, rows, action.

Core's :class:`~core.data.report.Finding` carries its message in English and Chinese; the
table shows the one matching the UI language and re-renders on :meth:`retranslate`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableWidget, QTableWidgetItem

from ui.i18n import pick

__all__ = ["ReportTable"]

#: Severity -> (text colour, standard icon).
_LOOK = {
    "error": ("#b3261e", QStyle.StandardPixmap.SP_MessageBoxCritical),
    "warning": ("#a15c00", QStyle.StandardPixmap.SP_MessageBoxWarning),
    "info": ("#1f5fa8", QStyle.StandardPixmap.SP_MessageBoxInformation),
}


def _rows_text(finding) -> str:
    if not finding.rows:
        return ""
    text = ", ".join(str(r) for r in finding.rows[:8])
    more = finding.n_rows - min(len(finding.rows), 8)
    return f"{text} (+{more})" if more > 0 else text


class ReportTable(QTableWidget):
    """Findings of the import checks and of cleaning, one per row."""

    COLUMNS = ("severity", "step", "message", "column", "rows", "action")

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.setObjectName("reportTable")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for col in range(len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, 220)
        self._findings: list[tuple[str, object]] = []
        self._has_data = False
        self.retranslate()

    def set_findings(self, imported, cleaning) -> None:
        """Show the import's findings, then cleaning's (lists of Finding)."""
        self._findings = [("import", f) for f in imported] + [("cleaning", f) for f in cleaning]
        self._has_data = True
        self._render()

    def clear_report(self) -> None:
        """No data: say where the checks will appear."""
        self._findings, self._has_data = [], False
        self._render()

    def messages(self) -> list[str]:
        """The message column as shown (for tests and copy)."""
        return [f.text() for r in range(self.rowCount()) if (f := self.item(r, 2)) is not None]

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.setHorizontalHeaderLabels([self.tr("Severity"), self.tr("Step"), self.tr("Message"),
                                        self.tr("Column"), self.tr("Rows in file"),
                                        self.tr("What SkuCast did")])  # fmt: skip
        self._render()

    def _render(self) -> None:
        names = {"error": self.tr("Error"), "warning": self.tr("Warning"), "info": self.tr("Note")}
        steps = {"import": self.tr("Import"), "cleaning": self.tr("Cleaning")}
        findings = self._findings
        self.clearContents()
        self.clearSpans()
        if not findings:
            self.setRowCount(1)
            self.setSpan(0, 0, 1, len(self.COLUMNS))
            if self._has_data:
                item = QTableWidgetItem(self.tr("No problems found."))
                item.setForeground(QBrush(QColor("#2e7d32")))
            else:
                item = QTableWidgetItem(self.tr("The checks of an imported file appear here."))
            self.setItem(0, 0, item)
            return
        self.setRowCount(len(findings))
        for row, (step, f) in enumerate(findings):
            colour, icon = _LOOK.get(f.severity, _LOOK["info"])
            first = QTableWidgetItem(self.style().standardIcon(icon), names.get(f.severity, ""))
            first.setForeground(QBrush(QColor(colour)))
            message = pick(f.en, f.zh)
            cells = (first, QTableWidgetItem(steps[step]), QTableWidgetItem(message),
                     QTableWidgetItem(f.column or ""), QTableWidgetItem(_rows_text(f)),
                     QTableWidgetItem(pick(f.action_en, f.action_zh)))  # fmt: skip
            cells[2].setToolTip(message)
            cells[4].setToolTip(", ".join(str(r) for r in f.rows))
            for col, item in enumerate(cells):
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, item)
        self.resizeRowsToContents()
