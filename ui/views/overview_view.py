"""Overview: what needs attention now, the stage mix and the ABC x XYZ table.

Once the session has recommendations, :func:`core.analysis.overview.overview_task` runs in
a worker (it may read and score the forecast archive beside the project or sales file)
and the view shows its items as cards (a number, what it counts, the money where it
applies and up to five products), a bar chart of the stage mix and the ABC x XYZ counts.
Clicking a card or a cell asks, through ``sig_show_products(view, ids, title)``, for the
Recommendations view narrowed to exactly those products (the accuracy card: the Forecast
view on the worst product); the main window does it. A second tab beside the stage mix
shows the accuracy of every archived run over time and the worst-forecast products (:class:`~ui.widgets.accuracy_panel.AccuracyPanel`,
which scores the archive in a worker of its own), or one sentence on why there is none yet.
Before there are recommendations the view says which step comes next, with a button to it.

``python -m ui.views.overview_view`` opens the view on the bundled sample shop.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.analysis import (
    ITEMS,
    archive_path,
    effective_stock,
    overview_task,
    recommend_task,
)
from core.data import product_names
from core.forecast import display_name
from core.lifecycle import STAGE_NAMES
from ui.i18n import core_lang, pick, products
from ui.preview import run_preview
from ui.views.base import BaseView, heading
from ui.widgets.accuracy_panel import AccuracyPanel
from ui.widgets.overview_panels import AbcXyzTable, OverviewCard, StageMixChart
from ui.workers.task_worker import TaskRunner

__all__ = ["OverviewView"]

#: Products listed on a card.
LISTED = 5
#: Views the step buttons of the hint lead to (main-window step indexes).
_STEPS = {"import": 0, "train": 2, "forecast": 3, "recommendations": 4}


class OverviewView(BaseView):
    """The Overview (see module doc)."""

    #: ``(view, ids, title)``: show the products ``ids`` in ``view`` (``recommendations``
    #: or ``forecast``); ``title`` says what they are.
    sig_show_products = Signal(str, object, str)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.runner = TaskRunner(self)
        self.overview = None
        self._again = False
        self._next = "import"
        self._names: dict[str, str] = {}
        self._build()
        self._connect()
        self.retranslate()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.title_label, self.subtitle = heading(), QLabel()
        self.subtitle.setWordWrap(True)
        self.hint_label, self.next_button = QLabel(), QPushButton()
        self.hint_label.setWordWrap(True)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QWidget()
        box = QVBoxLayout(hint)
        box.addStretch(1)
        box.addWidget(self.hint_label)
        box.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self.cards = {key: OverviewCard(key) for key in ITEMS}
        grid = QGridLayout()
        grid.setSpacing(10)
        for n, card in enumerate(self.cards.values()):
            grid.addWidget(card, n // 4, n % 4)
        self.stage_box, self.abc_box = QGroupBox(), QGroupBox()
        self.stage_plot = StageMixChart()
        QVBoxLayout(self.stage_box).addWidget(self.stage_plot)
        self.abc_table = AbcXyzTable()
        self.abc_note = QLabel()
        self.abc_note.setWordWrap(True)
        self.abc_note.setStyleSheet("color: #555;")
        abc_layout = QVBoxLayout(self.abc_box)
        abc_layout.addWidget(self.abc_table, 1)
        abc_layout.addWidget(self.abc_note)
        mix = QWidget()
        bottom = QHBoxLayout(mix)
        bottom.setContentsMargins(0, 4, 0, 0)
        bottom.addWidget(self.stage_box, 1)
        bottom.addWidget(self.abc_box, 1)
        self.accuracy = AccuracyPanel()
        # the stage mix and ABC x XYZ, or the accuracy of the archived runs over time
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.addTab(mix, "")
        self.bottom_tabs.addTab(self.accuracy, "")
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(grid, 3)
        body.addWidget(self.bottom_tabs, 2)
        self.stack = QStackedWidget()
        self.stack.addWidget(hint)
        self.stack.addWidget(content)
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 14, 18, 14)
        root.addWidget(self.title_label)
        root.addWidget(self.subtitle)
        root.addWidget(self.stack, 1)

    def _connect(self) -> None:
        for card in self.cards.values():
            card.sig_clicked.connect(self.open_item)
        self.abc_table.sig_cell_clicked.connect(self.open_cell)
        self.next_button.clicked.connect(self._goto_next)
        self.runner.sig_finished.connect(self._finished)
        self.runner.sig_failed.connect(self.fail)
        self.runner.sig_running.connect(self._running)
        # every session change ends with sig_recommendations_changed: one refresh
        self.session.sig_recommendations_changed.connect(self.refresh)

    def runners(self) -> list:
        return [self.runner, self.accuracy.runner]

    def is_busy(self) -> bool:
        """Never: the summary reads the analysis and holds nothing up (saving, closing);
        :meth:`is_reading` says whether it is being computed."""
        return False

    def is_reading(self) -> bool:
        return self.runner.is_running() or self.accuracy.runner.is_running()

    # --------------------------------------------------------------- language
    def title(self) -> str:
        return self.tr("Overview")

    def retranslate(self) -> None:
        self.title_label.setText(self.tr("Overview"))
        self.stage_box.setTitle(self.tr("Products by lifecycle stage"))
        self.abc_box.setTitle(self.tr("ABC (share of sales value) x XYZ (demand variability)"))
        self.abc_table.set_labels(
            [self.tr("A: top 80% of value"), self.tr("B: next 15%"), self.tr("C: last 5%")],
            [self.tr("X: steady (CV up to 0.5)"), self.tr("Y: variable (0.5 to 1)"),
             self.tr("Z: erratic (above 1, or new)")])  # fmt: skip
        self.abc_table.setToolTip(self.tr("Click a count to see those products."))
        self.accuracy.retranslate()
        self.bottom_tabs.setTabText(0, self.tr("Stages and ABC x XYZ"))
        self.bottom_tabs.setTabText(1, self.tr("Forecast accuracy over time"))
        if self.overview is not None and self.session.recommendations is not None:
            self._show()
        else:
            self.refresh()

    def item_title(self, key: str) -> str:
        """What the card ``key`` counts, in the UI language (also the filter's title)."""
        titles = {
            "order": self.tr("To order now"), "stockout_now": self.tr("Out of stock now"),
            "stockout_lead": self.tr("Out of stock within the lead time"),
            "excess": self.tr("Excess stock"), "stage_changed": self.tr("Stage changed"),
            "decline_soon": self.tr("Entering decline within 8 weeks"),
            "promote": self.tr("To promote for the next festival"),
            "accuracy": self.tr("Forecast accuracy"),
        }  # fmt: skip
        return titles[key]

    # ---------------------------------------------------------------- running
    @Slot()
    def refresh(self) -> None:
        """Show what to do next, or compute the overview of the session's advice."""
        s = self.session
        if s.recommendations is None:
            self.overview = None
            self._show_hint()
            return
        if self.runner.is_running():
            self._again = True
            return
        stock = effective_stock(s.frames, None, s.stock)
        where = s.project_path or s.source_path
        archive = archive_path(where) if where is not None else None
        self.subtitle.setText(self.tr("Reading the recommendations..."))
        self.runner.start(overview_task, s.recommendations, s.stages, s.frames, s.freq,
                          stage_history=s.stage_history, stock=stock,
                          archive=archive if archive is not None and archive.is_file() else None,
                          leaderboard=s.leaderboard, model=getattr(s.model, "name", None),
                          region=s.train_settings.region)  # fmt: skip
        self.accuracy.read(archive, s.frames.full, product_names(s.dataset))

    @Slot(object)
    def _finished(self, overview) -> None:
        # advice that changed meanwhile is being read again (see _running)
        if self.runner.is_running() or self.session.recommendations is None:
            return
        self.overview = overview
        self._show()

    @Slot(bool)
    def _running(self, running: bool) -> None:
        # the thread's end comes before its result: a new run now makes that result stale
        if not running and self._again:
            self._again = False
            self.refresh()

    def _show_hint(self) -> None:
        s = self.session
        steps = (
            (s.has_data, "import", self.tr("Open a sales file to begin (step 1: Import).")),
            (s.model is not None, "train", self.tr("Train a model next (step 3: Train).")),
            (s.forecast is not None, "forecast",
             self.tr("Forecast every product next (step 4: Forecast).")),
            (False, "recommendations",
             self.tr("Compute the recommendations next (step 5: Recommendations): the "
                     "overview sums them up.")),
        )  # fmt: skip
        self._next, text = next((key, text) for done, key, text in steps if not done)
        self.subtitle.setText(self.tr("What needs attention now, once there is advice."))
        self.hint_label.setText(text)
        self.next_button.setText(self.tr("Go there"))
        self.stack.setCurrentIndex(0)

    @Slot()
    def _goto_next(self) -> None:
        self.sig_goto.emit(_STEPS[self._next])

    # ---------------------------------------------------------------- showing
    def _show(self) -> None:
        ov, s = self.overview, self.session
        self._names = product_names(s.dataset)
        self.subtitle.setText(self.tr("What needs attention now: {products}, data up to "
                                      "{date}. Click a card or a count to see the products.")
                              .format(products=products(len(ov.table)), date=f"{ov.as_of:%Y-%m-%d}"))  # fmt: skip
        for key, card in self.cards.items():
            item = ov.item(key)
            card.setVisible(item is not None)
            if item is not None:
                card.set_content(self._number(item), self.item_title(key), self._figure(item),
                                 self._lines(item))  # fmt: skip
                card.setToolTip(self.tr("Click to see these products.") if item.ids else "")
        self._show_stages(ov.stage_mix)
        self._show_abc(ov)
        self.stack.setCurrentIndex(1)
        self._fit_tabs()

    def _fit_tabs(self) -> None:
        """Leave the cards the height their lists need; the tabs below take the rest (the
        layout alone shares the height by size hints and clips the cards' lists)."""
        rows: dict[int, int] = {}
        for n, card in enumerate(self.cards.values()):  # the grid's places (see _build)
            if not card.isHidden():
                rows[n // 4] = max(rows.get(n // 4, 0), card.sizeHint().height())
        cards = sum(rows.values()) + 10 * max(len(rows) - 1, 0) + 8
        self.bottom_tabs.setMaximumHeight(max(260, self.stack.height() - cards))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.stack.currentIndex() == 1:
            self._fit_tabs()

    def _number(self, item) -> str:
        if item.key == "accuracy":
            return "–" if item.value is None else f"{item.value:.0%}"
        return f"{item.count:,}"

    def _money(self, item) -> str:
        if item.value_basis == "units" or item.value is None:
            return self.tr("{u} units (the data has no prices)").format(
                u=f"{item.figures.get('units', 0):,.0f}")  # fmt: skip
        basis = {"cost": self.tr("at cost"), "price": self.tr("at selling price"),
                 "cost+price": self.tr("at cost, else at selling price")}[item.value_basis]  # fmt: skip
        return f"{item.value:,.0f} {basis}"

    def _figure(self, item) -> str:
        f, key = item.figures, item.key
        if key == "order":
            return self.tr("Order value {v}").format(v=self._money(item))
        if key == "excess":
            if not item.count:
                return self.tr("Over {d} days of cover").format(d=f"{f['days']:.0f}")
            return self.tr("Over {d} days of cover; value {v}, median {m} days").format(
                d=f"{f['days']:.0f}", v=self._money(item), m=f"{f['median_days']:,.0f}")  # fmt: skip
        if key == "stage_changed":
            if "since" not in f:
                return self.tr("No earlier run to compare with.")
            if f["source"] == "archive":
                return self.tr("Since the last run ({date})").format(date=f["since"])
            return self.tr("Since {date} (a week ago)").format(date=f["since"])
        if key == "decline_soon":
            return self.tr("Plan the clearance; stop reordering.")
        if key == "promote":
            if "festival_en" not in f:
                return self.tr("No shopping festival in the next 60 days.")
            return self.tr("{name} on {date}").format(
                name=pick(f["festival_en"], f["festival_zh"]), date=f["festival_date"])  # fmt: skip
        if key == "accuracy":
            source = (self.tr("Last run ({date})").format(date=str(f.get("data_end", ""))[:10])
                      if f.get("source") == "archive" else self.tr("Backtest"))  # fmt: skip
            return self.tr("{source}, {model}: MASE {mase}").format(
                source=source, model=display_name(f.get("model", ""), core_lang()),
                mase=f"{f.get('mase', np.nan):.2f}")  # fmt: skip
        return {"stockout_now": self.tr("No stock on hand."),
                "stockout_lead": self.tr("Stock lasts less than the lead time.")}[key]  # fmt: skip

    def _lines(self, item) -> list[str]:
        lines = []
        for uid in item.ids[:LISTED]:
            detail = self._detail(item, uid)
            name = self._names.get(uid, uid)
            lines.append(f"· {name}" + (f"  ({detail})" if detail else ""))
        if item.count > LISTED and item.key != "accuracy":
            lines.append(self.tr("... and {n} more").format(n=item.count - LISTED))
        if item.key == "accuracy" and item.ids:
            lines.insert(0, self.tr("Worst forecast:"))
        return lines

    def _detail(self, item, uid: str) -> str:
        value = item.detail.get(uid)
        if item.key in ("order", "stockout_now"):
            return self.tr("order {n}").format(n=f"{value:,.0f}") if value and value > 0 else ""
        if item.key == "stockout_lead":
            return self.tr("out {date}").format(date=value) if isinstance(value, str) else ""
        if item.key == "excess":
            if value is None or not np.isfinite(value):
                return self.tr("no sales expected")
            return self.tr("{d} days").format(d=f"{value:,.0f}")
        if item.key == "stage_changed":
            now = self.overview.table.set_index("unique_id")["stage"].get(uid, "")
            return f"{_stage_name(value)} → {_stage_name(now)}"
        if item.key == "decline_soon":
            return self.tr("from {date}").format(date=value) if isinstance(value, str) else ""
        return str(value or "")

    def _show_stages(self, mix: dict) -> None:
        self.stage_plot.show_mix(mix, {s: _stage_name(s) for s in mix}, self.tr("Products"))

    def _show_abc(self, ov) -> None:
        self.abc_table.show_counts(ov.abc_xyz)
        note = self.tr("Last 52 weeks of sales.")
        if ov.abc_basis == "units":
            note += " " + self.tr("ABC by units sold: the data has no prices.")
        self.abc_note.setText(note)

    # ---------------------------------------------------------------- clicking
    @Slot(str)
    def open_item(self, key: str) -> None:
        """Ask for the products of item ``key`` in the view its click opens."""
        item = None if self.overview is None else self.overview.item(key)
        if item is None:
            return
        self.sig_show_products.emit(item.view, list(item.ids), self.item_title(key))

    @Slot(str, str)
    def open_cell(self, abc: str, xyz: str) -> None:
        """Ask for the Recommendations view narrowed to one ABC x XYZ cell."""
        if self.overview is None:
            return
        ids = self.overview.cell_ids(abc, xyz)
        self.sig_show_products.emit("recommendations", ids,
                                    self.tr("class {abc}{xyz}").format(abc=abc, xyz=xyz))  # fmt: skip

    def shown_counts(self) -> dict:
        """Card key -> the number its card shows (for checks and tests)."""
        return {k: c.number.text() for k, c in self.cards.items() if not c.isHidden()}


def _stage_name(code) -> str:
    return pick(*STAGE_NAMES.get(code, (str(code), str(code))))


def _recommend(view) -> None:  # pragma: no cover - the preview
    """The sample's advice with the default settings, computed here (a preview only)."""
    s = view.session
    result = recommend_task(s.model, s.frames, s.freq, s.forecast, s.stages,
                            effective_stock(s.frames, None, s.stock), s.inventory_options)  # fmt: skip
    s.set_recommendations(result.table)


if __name__ == "__main__":  # pragma: no cover - python -m ui.views.overview_view
    raise SystemExit(run_preview(OverviewView, stage="forecast", then=_recommend))
