"""Planned promotions and prices: choose a plan file, see what was read, clear it.

A plan file (CSV/XLSX) names products by the sales file's ID columns (or ``unique_id``)
and gives a promotion and/or price per date ahead. :func:`core.analysis.load_plan` reads
it against the session's data; the panel hands the result to
:meth:`ui.session.Session.set_plan` and says in one line what was read (products, dates,
columns), or why the file does not fit, in the UI language. It follows the session: a
new sales file reads the plan again (or drops it) and the line says so.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFileDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from core.analysis import PlanSummary, load_plan, summarize_plan
from core.errors import InputError
from ui.i18n import error_text, products

__all__ = ["PlanPanel"]

_ERROR_STYLE = "color: #b3261e;"
_WARN_STYLE = "color: #a15c00;"


class PlanPanel(QGroupBox):
    """The plan file of the session (see module doc).

    Signals
    -------
    sig_status(str)
        One-line news for the window's status bar (a plan loaded, cleared or refused).
    """

    sig_status = Signal(str)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.error: InputError | None = None  # why the last file chosen was refused
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("choosePlan")
        self.choose_button.clicked.connect(self.choose_file)
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearPlan")
        self.clear_button.clicked.connect(self.clear)
        self.state = QLabel()
        self.state.setObjectName("planState")
        self.state.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.help)
        box.addLayout(buttons)
        box.addWidget(self.state)
        session.sig_data_changed.connect(self._session_changed)
        session.sig_plan_changed.connect(self._session_changed)
        self.retranslate()

    # --------------------------------------------------------------- language
    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.setTitle(self.tr("Planned promotions and prices"))
        self.help.setText(self.tr(
            "A CSV or Excel file with the sales file's product ID columns (or unique_id), a "
            "date column and a promotion and/or price column for the days ahead. The LSTM "
            "and GRU models forecast with it; the baselines ignore it."))  # fmt: skip
        self.choose_button.setText(self.tr("Choose plan file..."))
        self.clear_button.setText(self.tr("Clear"))
        self.refresh()

    # ----------------------------------------------------------------- state
    @Slot()
    def _session_changed(self) -> None:
        self.error = None  # the refusal was about the data and plan of before
        self.refresh()

    def refresh(self) -> None:
        """Show the session's plan (or the last refusal) and enable the buttons."""
        s = self.session
        self.choose_button.setEnabled(s.has_data)
        self.clear_button.setEnabled(s.plan is not None)
        text, style = self.describe()
        self.state.setText(text)
        self.state.setStyleSheet(style)

    def describe(self) -> tuple[str, str]:
        """The state line and its style sheet."""
        s = self.session
        if self.error is not None:
            text = self.tr("Not used: {why}").format(why=error_text(self.error))
            if s.plan is not None:
                text += " " + self.tr("The forecast keeps using {name}.").format(name=s.plan_name)
            return text, _ERROR_STYLE
        if not s.has_data:
            return self.tr("Open a sales file first: the plan names its products."), ""
        if s.plan is None and s.plan_status == "dropped":
            text = self.tr("{name} was dropped: it does not fit the sales data.").format(
                name=s.plan_name)  # fmt: skip
            return text + " " + error_text(s.plan_error), _ERROR_STYLE
        if s.plan is None:
            return self.tr("No plan: forecasts assume no promotion and the last known price."), ""
        summary = summarize_plan(s.plan, s.dataset)
        text = self.summary_text(s.plan_name, summary)
        if s.plan_status == "rechecked":
            text = self.tr("Read again for the new sales data.") + " " + text
        warn = summary.ahead == 0 or summary.matched < summary.products
        return text, _WARN_STYLE if warn else ""

    def summary_text(self, name: str, summary: PlanSummary) -> str:
        """What a plan holds, in words: products, dates, columns and its gaps."""
        names = {"promo": self.tr("promotion"), "price": self.tr("price")}
        text = self.tr("{name}: {products}, {dates} dates ({first} to {last}); "
                       "columns: {columns}.").format(
            name=name, products=products(summary.matched), dates=summary.dates,
            first=_day(summary.first), last=_day(summary.last),
            columns=self.tr(", ").join(names[c] for c in summary.columns))  # fmt: skip
        missing = summary.products - summary.matched
        if missing:
            text += " " + self.tr("Products not in the sales file: {n} (e.g. {ids}).").format(
                n=missing, ids=", ".join(summary.unknown))  # fmt: skip
        if summary.ahead == 0:
            text += " " + self.tr("None of its dates is after the sales data's last day, so it "
                                  "does not change the forecast.")  # fmt: skip
        return text

    # --------------------------------------------------------------- actions
    @Slot()
    def choose_file(self) -> None:
        """Ask for a plan file (CSV/XLSX) and use it."""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a plan file"), "",
                                              self.tr("Tables (*.csv *.txt *.xlsx *.xlsm)"))  # fmt: skip
        if path:
            self.load(path)

    def load(self, path) -> bool:
        """Read the plan file at ``path`` for the session's data; False when it does not fit
        (the line says why and the session keeps its plan)."""
        s = self.session
        if not s.has_data:
            return False
        try:
            plan, name, data = load_plan(path, s.dataset)
        except InputError as exc:
            self.error = exc
            self.refresh()
            self.sig_status.emit(self.state.text())
            return False
        s.set_plan(plan, name, data)  # refreshes through sig_plan_changed
        self.sig_status.emit(self.state.text())
        return True

    @Slot()
    def clear(self) -> None:
        """Forecast without a plan."""
        if self.session.plan is not None:
            self.session.clear_plan()
            self.sig_status.emit(self.tr("Plan cleared: forecasts assume no promotion."))


def _day(value) -> str:
    return "" if value is None else value.date().isoformat()
