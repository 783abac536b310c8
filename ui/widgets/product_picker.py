"""Choosing one product and reading its lifecycle stage.

:class:`ProductPicker`: search by ID or name, filter by category and stage, sort by
sales. The list comes from :func:`core.analysis.pipeline.sales_ranking` (best sellers first)
joined with the lifecycle stages when there are any; clicking a header sorts by it.
Fast with 50,000 products (``benchmarks/bench_window_rows.py``): the rows are a
:class:`~ui.models.dataframe_model.DataFrameModel` (cells formatted only when painted),
a keystroke filters with numpy over a search key made once per product list (no Python
loop over the rows), and the columns fit the rows on screen, not all of them.

:class:`ProductInfo`: the chosen product's stage with its confidence and reason (in the
UI language), the next stage and when, and the forecast total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QItemSelectionModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.lifecycle import STAGE_NAMES, STAGES
from ui.i18n import pick
from ui.models.dataframe_model import DataFrameModel
from ui.widgets.big_table import SortArrowHeader
from ui.widgets.forecast_plot import STAGE_COLORS

__all__ = ["ProductInfo", "ProductPicker"]

_COLUMNS = ["label", "total", "stage_name", "unique_id"]
#: Rows read to fit a column to its contents: 0, the rows on screen (Qt reads up to
#: 1,000 by default, on every change of a column in ``ResizeToContents`` mode).
_FIT_ROWS = 0


class ProductPicker(QWidget):
    """A searchable, filterable, sortable product list (see module doc).

    Signals
    -------
    sig_product_changed(str)
        The ``unique_id`` of the product chosen.
    """

    sig_product_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._products = _empty()
        self._current: str | None = None
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.stage = QComboBox()
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        self.model = DataFrameModel(pd.DataFrame(columns=_COLUMNS))
        self.table = QTableView()
        self.table.setHorizontalHeader(SortArrowHeader(self.table))  # ▲ ascending on every style
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        header.setResizeContentsPrecision(_FIT_ROWS)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.search, self.category, self.stage, self.table, self.count_label):
            layout.addWidget(widget)
        self.search.textChanged.connect(self._refilter)
        self.category.currentIndexChanged.connect(self._refilter)
        self.stage.currentIndexChanged.connect(self._refilter)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.retranslate()

    # ----------------------------------------------------------------- data
    def set_products(self, ranking: pd.DataFrame | None, stages: pd.DataFrame | None) -> None:
        """Products to choose from: a :func:`~core.analysis.pipeline.sales_ranking` table and
        the lifecycle stages (``unique_id``, ``stage``), either may be ``None``."""
        if ranking is None or ranking.empty:
            self._products = _empty()
        else:
            table = ranking[["unique_id", "label", "total", "category"]].copy()
            table["unique_id"] = table["unique_id"].astype(str)
            stage = pd.Series(dtype=object)
            if stages is not None and "stage" in stages:
                stage = stages.drop_duplicates("unique_id").set_index("unique_id")["stage"]
            table["stage"] = table["unique_id"].map(stage).fillna("").astype(str)
            # what a search reads, once per list rather than once per keystroke
            table["key"] = (table["label"].astype(str) + "\t" + table["unique_id"]).str.casefold()
            self._products = self._with_stage_names(table)
        self._fill_combo(self.category, sorted(c for c in self._products["category"].unique() if c))
        present = set(self._products["stage"])
        self._fill_combo(self.stage, [s for s in STAGES if s in present])
        self._refilter()

    def _fill_combo(self, combo: QComboBox, values: list[str]) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", None)
        for value in values:
            combo.addItem(value, value)
        index = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.setVisible(bool(values))
        combo.blockSignals(False)
        self._combo_texts()

    def _combo_texts(self) -> None:
        self.category.setItemText(0, self.tr("All categories"))
        self.stage.setItemText(0, self.tr("All stages"))
        for i in range(1, self.stage.count()):
            self.stage.setItemText(i, pick(*STAGE_NAMES[self.stage.itemData(i)]))

    @staticmethod
    def _with_stage_names(table: pd.DataFrame) -> pd.DataFrame:
        """``table`` with ``stage_name`` in the UI language (one name per stage, mapped)."""
        codes = table["stage"].unique()
        names = {s: pick(*STAGE_NAMES[s]) if s in STAGE_NAMES else "" for s in codes}
        return table.assign(stage_name=table["stage"].map(names).fillna(""))

    def visible_ids(self) -> list[str]:
        """``unique_id`` of the rows listed now, in their order."""
        return self.model.frame["unique_id"].astype(str).tolist()

    def _row_of(self, uid: str | None) -> int | None:
        """The row listing ``uid`` now (None: not listed)."""
        if uid is None or not len(self.model.frame):
            return None
        rows = np.flatnonzero(self.model.frame["unique_id"].to_numpy() == uid)
        return int(rows[0]) if len(rows) else None

    def current(self) -> str | None:
        """The chosen product's ``unique_id``."""
        return self._current

    def select(self, uid: str) -> bool:
        """Choose ``uid`` (clearing filters that hide it); False when unknown."""
        if not (self._products["unique_id"].to_numpy() == uid).any():
            return False
        if self._row_of(uid) is None:
            for widget in (self.search, self.category, self.stage):
                widget.blockSignals(True)
            self.search.clear()
            self.category.setCurrentIndex(0)
            self.stage.setCurrentIndex(0)
            for widget in (self.search, self.category, self.stage):
                widget.blockSignals(False)
            self._refilter()
        self._select_row(self._row_of(uid))
        return True

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    @Slot()
    def _refilter(self) -> None:
        table = self._products
        keep = np.ones(len(table), bool)
        if text := self.search.text().strip().casefold():
            keep &= table["key"].str.contains(text, regex=False).to_numpy(bool)
        if (cat := self.category.currentData()) is not None:
            keep &= table["category"].to_numpy() == cat
        if (stage := self.stage.currentData()) is not None:
            keep &= table["stage"].to_numpy() == stage
        shown = table.loc[keep, _COLUMNS] if not keep.all() else table[_COLUMNS]
        self.model.set_frame(shown)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.table.setColumnHidden(_COLUMNS.index("unique_id"), True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.count_label.setText(self.tr("{n} of {total} products").format(
            n=len(shown), total=len(self._products)))  # fmt: skip
        row = self._row_of(self._current)
        if row is not None:
            self._select_row(row)
        elif len(shown):
            self._select_row(0)

    @Slot(object, object)
    def _row_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        uid = str(self.model.frame["unique_id"].iloc[current.row()])
        if uid != self._current:
            self._current = uid
            self.sig_product_changed.emit(uid)

    # --------------------------------------------------------------- language
    def retranslate(self) -> None:
        """Texts in the UI language (stage names included)."""
        self.search.setPlaceholderText(self.tr("Search ID or name"))
        self.model.set_headers({"label": self.tr("Product"), "total": self.tr("Units sold"),
                                "stage_name": self.tr("Stage")})  # fmt: skip
        self._combo_texts()
        self._products = self._with_stage_names(self._products)
        self._refilter()


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=[*_COLUMNS, "category", "stage", "key"])


def _label(name: str, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ProductInfo(QFrame):
    """Stage, confidence, reason and next stage of one product (see module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(230)
        self.product_label = _label("productTitle")
        self.product_label.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.stage_caption = QLabel()
        self.stage_label = _label("stage", wrap=False)
        self.stage_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confidence_label = _label("confidence")
        self.reason_label = _label("reason")
        self.next_label = _label("nextStage")
        self.peak_label = _label("peak")
        self.total_label = _label("forecastTotal")
        layout = QVBoxLayout(self)
        for w in (self.product_label, self.stage_caption, self.stage_label, self.confidence_label,
                  self.reason_label, self.next_label, self.peak_label, self.total_label):  # fmt: skip
            layout.addWidget(w)
        layout.addStretch(1)
        self._shown: tuple = ("", None, None, False, False)
        self.retranslate()

    def retranslate(self) -> None:
        """Texts in the UI language (the product shown is shown again)."""
        self.stage_caption.setText(self.tr("Lifecycle stage"))
        self.show_product(*self._shown)

    def show_product(self, label: str, row, fc, forecast: bool = True, data: bool = True) -> None:
        """Show one product.

        Parameters
        ----------
        label : str
            ID and name.
        row : pandas.Series or None
            Its row of :func:`core.lifecycle.stages.classify_lifecycle` (None: not classified).
        fc : pandas.DataFrame or None
            Its forecast rows.
        forecast : bool
            Whether the session has a forecast at all.
        data : bool
            Whether any data is loaded.
        """
        self._shown = (label, row, fc, forecast, data)
        self.product_label.setText(label)
        for w in (self.confidence_label, self.reason_label, self.next_label, self.peak_label):
            w.setText("")
        if row is None:
            self.stage_label.setText(self.tr("Not classified yet") if data and label else "")
            self.stage_label.setStyleSheet("")
        else:
            self._show_stage(row)
        if fc is None or fc.empty:
            self.total_label.setText(self.tr("No forecast for this product.")
                                     if forecast and label else "")  # fmt: skip
        else:
            self.total_label.setText(self.tr("Expected sales over the next {n} periods: {total} units.")
                                     .format(n=len(fc), total=f"{fc['forecast'].sum():,.0f}"))  # fmt: skip

    def _show_stage(self, row) -> None:
        stage = str(row["stage"])
        r, g, b, _ = STAGE_COLORS.get(stage, STAGE_COLORS["inactive"])
        self.stage_label.setText(pick(*STAGE_NAMES.get(stage, (stage, stage))))
        self.stage_label.setStyleSheet(
            f"background: rgb({r},{g},{b}); border-radius: 4px; padding: 6px;"
            " font-size: 13pt; font-weight: bold; color: #222;"
        )
        self.confidence_label.setText(self.tr("Confidence: {p:.0%}").format(
            p=float(row["confidence"])))  # fmt: skip
        self.reason_label.setText(pick(str(row["reason_en"]), str(row["reason_zh"])))
        self.next_label.setText(self._next_text(row))
        peak = row.get("peak_date")
        if not pd.isna(peak):
            self.peak_label.setText(self.tr("Fitted peak: {date}").format(
                date=f"{pd.Timestamp(peak):%Y-%m-%d}"))  # fmt: skip

    def _next_text(self, row) -> str:
        nxt, when = row.get("next_stage"), row.get("next_stage_date")
        if not isinstance(nxt, str) or nxt not in STAGE_NAMES:
            return self.tr("No change of stage expected soon.")
        name = pick(*STAGE_NAMES[nxt])
        if pd.isna(when):
            return self.tr("Next stage: {stage}").format(stage=name)
        return self.tr("Next stage: {stage} from about {date}").format(
            stage=name, date=f"{pd.Timestamp(when):%Y-%m-%d}")  # fmt: skip
