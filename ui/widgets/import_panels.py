"""The two forms on the left of the import view: how the file is read, and its columns.

:class:`SourcePanel` shows the detected encoding, separator or sheet with a combo to
override each (choosing one re-imports the file). :class:`MappingPanel` shows which
column plays which role, prefilled from the detected :class:`~core.data.dataset.ColumnMapping`;
the date, ID and sales columns can be changed and applied, the other roles are shown as
detected (core finds them from the header names). Its two checkboxes, "codes that differ
only in letter case are one product" and "each row is one unit sold", are the
``merge_case_codes`` and ``count_rows`` import options; ticking one re-imports at once.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from core.analysis import ENCODINGS, SEPARATORS
from core.data import ColumnMapping

__all__ = ["MappingPanel", "SourcePanel"]


def _select(combo: QComboBox, value) -> None:
    """Select the item whose data is ``value`` (the first item when absent)."""
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


class SourcePanel(QGroupBox):
    """How the file was read (encoding, separator, sheet), each with an override.

    Signals
    -------
    sig_changed
        The user picked another encoding, separator or sheet.
    """

    sig_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.file_label = QLabel()
        self.file_label.setObjectName("sourceFile")
        self.file_label.setWordWrap(True)
        self.layout_label = QLabel()
        self.encoding = QComboBox()
        self.encoding.setObjectName("encodingCombo")
        self.encoding.addItem("", None)
        for name in ENCODINGS:
            self.encoding.addItem(name, name)
        self.detected = QLabel()
        self.detected.setObjectName("detectedEncoding")
        self.separator = QComboBox()
        self.separator.addItem("", None)
        for value, _name in SEPARATORS:
            self.separator.addItem("", value)
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheetCombo")
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows = {}
        for key, widget in (("file", self.file_label), ("layout", self.layout_label),
                            ("encoding", self.encoding), ("detected", self.detected),
                            ("separator", self.separator), ("sheet", self.sheet)):  # fmt: skip
            self.rows[key] = QLabel()
            self.form.addRow(self.rows[key], widget)
        for combo in (self.encoding, self.separator, self.sheet):
            combo.activated.connect(self._user_changed)
        self._info, self._path = None, ""
        self.set_source(None, None, [])
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.setTitle(self.tr("File"))
        for key, text in (("file", self.tr("Name")), ("layout", self.tr("Layout")),
                          ("encoding", self.tr("Encoding")), ("detected", ""),
                          ("separator", self.tr("Separator")), ("sheet", self.tr("Sheet"))):  # fmt: skip
            self.rows[key].setText(text)
        self.encoding.setItemText(0, self.tr("Automatic"))
        self.separator.setItemText(0, self.tr("Automatic"))
        names = {",": self.tr("Comma (,)"), ";": self.tr("Semicolon (;)"),
                 "\t": self.tr("Tab"), "|": self.tr("Pipe (|)")}  # fmt: skip
        for i, (value, _name) in enumerate(SEPARATORS, start=1):
            self.separator.setItemText(i, names[value])
        if self.sheet.count():
            self.sheet.setItemText(0, self.tr("Automatic"))
        self.encoding.setToolTip(self.tr("Choose another encoding when the column names "
                                         "show garbled characters."))  # fmt: skip
        self._show_info()

    def _show_info(self) -> None:
        info = self._info
        layouts = {"long": self.tr("one row per product and period"),
                   "wide": self.tr("one column per date"),
                   "orders": self.tr("order lines, summed per day")}  # fmt: skip
        path = info.path if info is not None else self._path
        self.file_label.setText(path.replace("\\", "/").rsplit("/", 1)[-1] if path
                                else self.tr("No file yet"))  # fmt: skip
        if info is not None:
            self.layout_label.setText(layouts.get(info.layout, info.layout))
        else:
            self.layout_label.setText(self.tr("not imported") if path else "")
        encoding = info.encoding if info is not None else None
        self.detected.setText(self.tr("Detected: {name}").format(name=encoding) if encoding
                              else "")  # fmt: skip
        self.form.setRowVisible(self.rows["layout"], bool(path))
        self.form.setRowVisible(self.rows["detected"], bool(encoding))

    def set_source(self, info, options, sheets: list[str], path: str = "") -> None:
        """Show how a file was read and the chosen overrides.

        ``info`` is the import's SourceInfo, or ``None`` for a file not imported (yet),
        named by ``path``.
        """
        self._info, self._path = info, path
        kind = "xlsx" if (info is not None and info.kind == "xlsx") or sheets else "csv"
        _select(self.encoding, getattr(options, "encoding", None))
        _select(self.separator, getattr(options, "sep", None))
        self.sheet.clear()
        self.sheet.addItem(self.tr("Automatic"), None)
        for name in sheets or ([info.sheet] if info is not None and info.sheet else []):
            self.sheet.addItem(name, name)
        _select(self.sheet, getattr(options, "sheet", None))
        for key in ("encoding", "separator"):
            self.form.setRowVisible(self.rows[key], kind == "csv")
        self.form.setRowVisible(self.rows["sheet"], kind == "xlsx")
        self._show_info()

    def read_options(self) -> dict:
        """The chosen overrides as ImportOptions fields (``None``: detect)."""
        return {"encoding": self.encoding.currentData(), "sep": self.separator.currentData(),
                "sheet": self.sheet.currentData()}  # fmt: skip

    @Slot()
    def _user_changed(self) -> None:
        self.sig_changed.emit()


#: Optional roles: found from the header names, changeable like the others.
_DETECTED_ROLES = ("price", "promo", "stock", "name", "category")


class MappingPanel(QGroupBox):
    """Which column plays which role, with an "Apply mapping" button and two import choices.

    Signals
    -------
    sig_apply
        The user asked to re-import with the chosen columns, or ticked a choice.
    """

    sig_apply = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.combos: dict[str, QComboBox] = {}
        self._detected = False
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for role in ("date", "id", "id2", "target", *_DETECTED_ROLES):
            combo = QComboBox()
            combo.setObjectName(f"map_{role}")
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.combos[role], self.labels[role] = combo, QLabel()
            form.addRow(self.labels[role], combo)
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("applyMapping")
        self.apply_button.clicked.connect(self.sig_apply)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")
        self.merge_case = QCheckBox()
        self.merge_case.setObjectName("mergeCaseCodes")
        self.count_rows = QCheckBox()
        self.count_rows.setObjectName("countRows")
        for check in (self.merge_case, self.count_rows):
            check.clicked.connect(self._ticked)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.merge_case)
        box.addWidget(self.count_rows)
        box.addWidget(self.hint)
        box.addWidget(self.apply_button)
        self.set_columns([], None)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.setTitle(self.tr("Columns"))
        for role, text in (("date", self.tr("Date")), ("id", self.tr("Product ID")),
                           ("id2", self.tr("Second ID (e.g. store)")),
                           ("target", self.tr("Units sold")), ("price", self.tr("Price")),
                           ("promo", self.tr("Promotion")), ("stock", self.tr("Stock")),
                           ("name", self.tr("Product name")),
                           ("category", self.tr("Category"))):  # fmt: skip
            self.labels[role].setText(text)
        for combo in self.combos.values():
            if combo.count():
                combo.setItemText(0, self.tr("(none)"))
        tip = self.tr("Found from the column headers. Choose another column, or (none) "
                      "when the file has none, then Apply mapping.")  # fmt: skip
        for role in _DETECTED_ROLES:
            self.combos[role].setToolTip(tip)
        self.combos["id2"].setToolTip(self.tr("A second ID column, when a product is only "
                                              "unique per store or warehouse."))  # fmt: skip
        self.hint.setText(self.tr("Columns are found from the headers; change any of them "
                                  "and press Apply mapping to import again."))  # fmt: skip
        self.apply_button.setText(self.tr("Apply mapping"))
        self.merge_case.setText(self.tr("Codes that differ only in letter case are one product"))
        self.merge_case.setToolTip(self.tr("85123A and 85123a are read as one product (by "
                                           "default they are kept apart and reported)."))  # fmt: skip
        self.count_rows.setText(self.tr("Each row is one unit sold"))
        self.count_rows.setToolTip(self.tr("For order exports without a quantity column, "
                                           "where each unit sold is a row of its own. Any "
                                           "Units sold column is then ignored."))  # fmt: skip

    def set_choices(self, options) -> None:
        """Tick the checkboxes as ``options`` (ImportOptions, or ``None``) say."""
        self.merge_case.setChecked(bool(getattr(options, "merge_case_codes", False)))
        self.count_rows.setChecked(bool(getattr(options, "count_rows", False)))
        self.combos["target"].setEnabled(not self.count_rows.isChecked())

    @Slot()
    def _ticked(self) -> None:
        self.combos["target"].setEnabled(not self.count_rows.isChecked())
        if self.apply_button.isEnabled():  # columns are known and no import is running
            self.sig_apply.emit()

    def set_columns(self, columns: list[str], mapping: ColumnMapping | None) -> None:
        """Offer ``columns``; select ``mapping``'s roles (keep the choice when ``None``)."""
        keep = self.choice() if mapping is None else None
        # a choice made on a detected mapping stays a choice while the file re-imports
        self._detected = mapping is not None or (keep is not None and keep["roles"] is not None)
        if mapping is not None:
            ids = list(mapping.ids)
            chosen = {"date": mapping.date, "target": mapping.target,
                      "id": ids[-1] if ids else None,
                      "id2": ids[0] if len(ids) > 1 else None}  # fmt: skip
            chosen.update({r: getattr(mapping, r) for r in _DETECTED_ROLES})
            extra = [c for c in mapping.used_columns() if c not in columns]
            columns = [*columns, *extra]
        else:
            ids = keep["id_cols"] or []
            chosen = {"date": keep["date_col"], "target": keep["target_col"],
                      "id": ids[-1] if ids else None, "id2": ids[0] if len(ids) > 1 else None}  # fmt: skip
            chosen.update(keep["roles"] or {})
        for role, combo in self.combos.items():
            combo.clear()
            combo.addItem(self.tr("(none)"), None)
            for name in columns:
                combo.addItem(name, name)
            _select(combo, chosen.get(role))
        self.apply_button.setEnabled(bool(columns))

    def choice(self) -> dict:
        """The chosen columns as ImportOptions fields (``None``: detect).

        The optional roles go in ``roles`` (``""``: no such column) once a mapping was
        detected; before that they are left to the headers.
        """
        first, second = self.combos["id"].currentData(), self.combos["id2"].currentData()
        ids = [c for c in (second, first) if c]
        core = {self.combos[r].currentData() for r in ("date", "target")} | set(ids)
        # a column just made the date, ID or sales column gives up its optional role
        roles = {r: self.combos[r].currentData() or "" for r in _DETECTED_ROLES
                 if self.combos[r].currentData() not in core}  # fmt: skip
        if not self._detected:
            roles = None  # nothing was detected yet: let the import look
            ids = ids or None
        count_rows = self.count_rows.isChecked()  # then no column is the quantity
        target = None if count_rows else self.combos["target"].currentData()
        return {"date_col": self.combos["date"].currentData(), "id_cols": ids,
                "target_col": target, "roles": roles, "count_rows": count_rows,
                "merge_case_codes": self.merge_case.isChecked()}  # fmt: skip

    def set_busy(self, busy: bool) -> None:
        """Disable the button and the choices while an import runs."""
        self.apply_button.setEnabled(not busy and self.combos["date"].count() > 1)
        for check in (self.merge_case, self.count_rows):
            check.setEnabled(not busy)
