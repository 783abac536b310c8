"""The two panels around the Recommendations table: the inventory settings for all
products and the policy backtest's figures.

:class:`InventoryForm` holds lead time, review period, service level, MOQ and pack size
(shown in the units a store operator uses: days, percent) and the stock-file controls;
it turns its values into :class:`core.recommend.inventory.InventoryOptions` and back.
:class:`SimulationPanel` shows what following SkuCast's advice would have done against
ordering what sold (:func:`core.recommend.simulate.simulate_policy`), with its verdict.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.analysis import simulation_view
from core.recommend import InventoryOptions
from ui.i18n import pick, products

__all__ = ["FORM", "InventoryForm", "SimulationPanel", "hbox"]

#: Settings of the form: option field, range, decimals, step, form value per option unit.
FORM = (("lead_time", 0.5, 365, 1, 1.0, 1), ("review_period", 0, 365, 1, 1.0, 1),
        ("service_level", 50, 99.9, 1, 0.5, 100), ("moq", 0, 1e7, 0, 1.0, 1),
        ("pack_size", 1, 1e6, 0, 1.0, 1))  # fmt: skip


def hbox(*items) -> QHBoxLayout:
    """A row of widgets; an int adds that much space, ``None`` a stretch."""
    row = QHBoxLayout()
    for item in items:
        if item is None:
            row.addStretch(1)
        elif isinstance(item, int):
            row.addSpacing(item)
        else:
            row.addWidget(item)
    return row


def _spin(low: float, high: float, decimals: int, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setMinimumWidth(90)
    return box


class InventoryForm(QGroupBox):
    """Inventory settings for all products, plus the stock line and its buttons.

    Attributes
    ----------
    spins : dict
        Option field -> spin box (service level in percent).
    stock_label, stock_button, reset_button : QWidget
        What the stock on hand comes from; load a stock file; drop per-product edits.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spins = {name: _spin(lo, hi, dec, step) for name, lo, hi, dec, step, _ in FORM}
        self.labels = {name: QLabel() for name in self.spins}
        self.stock_label = QLabel()
        self.stock_label.setWordWrap(True)
        self.stock_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.stock_button, self.reset_button = QPushButton(), QPushButton()
        pairs = [w for n in self.spins for w in (self.labels[n], self.spins[n], 14)]
        layout = QVBoxLayout(self)
        layout.addLayout(hbox(*pairs, None))
        layout.addLayout(hbox(self.stock_label, self.stock_button, self.reset_button))

    def retranslate(self) -> None:
        self.setTitle(self.tr("Inventory settings for all products"))
        texts = (self.tr("Lead time (days)"), self.tr("Review period (days)"),
                 self.tr("Service level (%)"), self.tr("Minimum order (MOQ)"),
                 self.tr("Pack size"))  # fmt: skip
        for label, text in zip(self.labels.values(), texts, strict=True):
            label.setText(text)
        self.stock_button.setText(self.tr("Load stock file..."))
        self.reset_button.setText(self.tr("Reset per-product edits"))

    def show_stock(self, in_file: bool, own: int) -> None:
        """Say where the stock on hand comes from: the sales file's stock column
        (``in_file``) or nothing, and ``own`` products with stock or settings of their own."""
        text = (self.tr("Stock on hand: the last value of the sales file's stock column.")
                if in_file else
                self.tr("Stock on hand: unknown (taken as 0); load a stock file or type it in."))  # fmt: skip
        if own:
            text += " " + self.tr("{products} with their own stock or settings.").format(
                products=products(own))
        self.stock_label.setText(text)

    def ask_stock_file(self) -> str:
        """The stock file (CSV/XLSX) the user picks; empty when cancelled."""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load stock file"), "",
                                              self.tr("Tables (*.csv *.txt *.xlsx *.xlsm)"))  # fmt: skip
        return path

    def load(self, options: InventoryOptions) -> None:
        """Show ``options`` in the form."""
        for name, *_, scale in FORM:
            self.spins[name].setValue(getattr(options, name) * scale)

    def options(self, base: InventoryOptions) -> InventoryOptions:
        """``base`` with the form's values.

        Raises
        ------
        InputError
            For values that make no sense together.
        """
        values = {name: round(self.spins[name].value() / scale, 4) for name, *_, scale in FORM}
        options = replace(base, **values)
        options.check()
        return options


class SimulationPanel(QGroupBox):
    """The policy backtest: figures of both policies side by side and the verdict."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures, self.verdict = QLabel(), QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        row = hbox(self.figures, 16, self.verdict)
        row.setStretch(2, 1)
        self.setLayout(row)
        self.hide()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Policy backtest: SkuCast's advice vs ordering what sold"))

    def show_result(self, sim, meta: dict) -> None:
        """Show ``sim`` (a :class:`core.recommend.simulate.PolicyResult`), or only the verdict
        a reopened project kept in ``meta``; hidden when there is neither."""
        verdict = (pick(sim.verdict("en"), sim.verdict("zh")) if sim is not None else
                   pick(meta.get("simulation_en", ""), meta.get("simulation_zh", "")))  # fmt: skip
        self.setVisible(bool(verdict))
        self.verdict.setText(verdict)
        self.figures.setText("" if sim is None else self.table_html(sim.summary))
        self.figures.setMinimumSize(self.figures.sizeHint())  # never squeezed by the table

    def table_html(self, summary: pd.DataFrame) -> str:
        """The policy backtest's figures as a small HTML table."""
        labels = {"fill_rate": self.tr("Fill rate (%)"),
                  "stockout_periods": self.tr("Stock-out periods"),
                  "avg_stock": self.tr("Average stock"), "orders": self.tr("Orders"),
                  "ordered": self.tr("Units ordered"),
                  "stock_value": self.tr("Average stock value"),
                  "order_value": self.tr("Order value")}  # fmt: skip
        frame = simulation_view(summary, labels)
        cell = '<td align="{}" style="padding: 1px 10px">{}</td>'.format
        head = "".join(cell("right", f"<b>{t}</b>")
                       for t in ("", self.tr("SkuCast"), self.tr("Order what sold")))  # fmt: skip
        shown = [f"{v:,.1f}" if m == labels["fill_rate"] else f"{v:,.0f}"
                 for m, *pair in frame.itertuples(index=False) for v in pair]  # fmt: skip
        rows = "".join(f"<tr>{cell('left', m)}{cell('right', a)}{cell('right', b)}</tr>"
                       for m, a, b in zip(frame["metric"], shown[::2], shown[1::2],
                                          strict=True))  # fmt: skip
        return f"<table><tr>{head}</tr>{rows}</table>"
