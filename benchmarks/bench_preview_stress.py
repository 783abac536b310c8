"""Benchmark: the Import view's preview on a million rows, the way a user handles it.

Issue 14 item 9: on the 913,000-row store-item file, Ctrl+A in the preview froze the
window for ~15 s, every later keystroke for ~6 s and typing for minutes. This times,
offscreen and in the GUI thread (each step is a freeze of the window as long as it
lasts), on a frame shaped like that file's preview (product ``store/item``, date, units,
row in file):

1. *load*: the rows into the preview, columns fitted, first paint;
2. *Ctrl+A* after a click on the first cell, with the repaint;
3. *a key after select-all*: Ctrl+Down, which moves the cursor and keeps every row
   selected;
4. *typing 5 letters* that no row starts with (Qt then reads every row per key),
   every row still selected;
5. *sort* by a click on the Units sold header, every row still selected;
6. *Down*, back to one row selected.

*after* is the Import view as shipped (:class:`~ui.widgets.big_table.BigTableView` over
:class:`~ui.models.dataframe_model.DataFrameModel`); *before* rebuilds the former preview
(a plain ``QTableView`` set up as it was, over :class:`FormerModel`, the model with its
former Python ``flags``). Each repeat is a fresh view; the table gives the median.

    python -m benchmarks.bench_preview_stress [--rows 1000000] [--repeats 3] [--skip-before]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

from ui.models.dataframe_model import DataFrameModel
from ui.session import Session
from ui.views.import_view import ImportView

STEPS = ("load", "Ctrl+A", "Ctrl+Down after select-all", "typing 5 letters",
         "sort (Units sold)", "Down", "scroll bar to the end", "scroll bar to the middle",
         "Page Down x 10", "Ctrl+End")  # fmt: skip
#: Letters no product ID starts with: Qt's search reads every row for each.
TYPED = "hello"


class FormerModel(DataFrameModel):
    """FORMER BEHAVIOUR, kept for this comparison only: the model's Python ``flags``
    override as it was before issue 14 item 9 (Qt calls it once per selected cell)."""

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and str(self._frame.columns[index.column()]) in self._editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base


def store_items(rows: int, seed: int = 0) -> pd.DataFrame:
    """A preview frame like the store-item file's: 10 stores x 50 items, daily, 5 years."""
    rng = np.random.default_rng(seed)
    stores, items = rng.integers(1, 11, rows), rng.integers(1, 51, rows)
    labels = np.array([f"{s}/{i}" for s in range(11) for i in range(51)], dtype=object)
    return pd.DataFrame({
        "unique_id": labels[stores * 51 + items],
        "ds": pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 1826, rows), "D"),
        "y": rng.integers(0, 230, rows).astype(float),
        "_row": np.arange(2, rows + 2),
    })  # fmt: skip


def _former_table(view: ImportView) -> tuple[QTableView, DataFrameModel]:
    """FORMER BEHAVIOUR: the preview table as the Import view made it before."""
    model = FormerModel(parent=view)
    table = QTableView()
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSortingEnabled(True)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.horizontalHeader().setMinimumSectionSize(96)
    table.horizontalHeader().setResizeContentsPrecision(100)
    vertical = table.verticalHeader()
    vertical.hide()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.preview_stack.addWidget(table)
    return table, model


def _timed(app: QApplication, action) -> float:
    start = time.perf_counter()
    action()
    app.processEvents()
    return time.perf_counter() - start


def run_once(app: QApplication, frame: pd.DataFrame, former: bool) -> dict[str, float]:
    """The steps on a fresh Import view; seconds per step."""
    view = ImportView(Session())
    view.resize(1100, 750)
    table, model = _former_table(view) if former else (view.table, view.model)
    view.show()
    app.processEvents()
    headers = view._headers()

    def load() -> None:
        model.set_frame(frame, headers)
        table.resizeColumnsToContents()
        view.preview_stack.setCurrentWidget(table)

    times = {"load": _timed(app, load)}
    first = table.visualRect(model.index(0, 0)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    app.processEvents()
    times["Ctrl+A"] = _timed(app, lambda: QTest.keyClick(table, Qt.Key.Key_A,
                                                         Qt.KeyboardModifier.ControlModifier))  # fmt: skip
    times["Ctrl+Down after select-all"] = _timed(app, lambda: QTest.keyClick(
        table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier))  # fmt: skip
    times["typing 5 letters"] = _timed(app, lambda: QTest.keyClicks(table, TYPED))
    header = table.horizontalHeader()
    units = header.sectionViewportPosition(2) + header.sectionSize(2) // 2
    times["sort (Units sold)"] = _timed(app, lambda: QTest.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(units, 5)))  # fmt: skip
    assert model.frame["y"].is_monotonic_increasing, "the click did not sort by units"
    assert len(table.selectionModel().selection()) == 1, "every row should still be selected"
    times["Down"] = _timed(app, lambda: QTest.keyClick(table, Qt.Key.Key_Down))
    bar = table.verticalScrollBar()
    times["scroll bar to the end"] = _timed(app, lambda: bar.setValue(bar.maximum()))
    times["scroll bar to the middle"] = _timed(app, lambda: bar.setValue(bar.maximum() // 2))
    times["Page Down x 10"] = max(_timed(app, lambda: QTest.keyClick(table, Qt.Key.Key_PageDown))
                                  for _ in range(10))  # fmt: skip
    times["Ctrl+End"] = _timed(app, lambda: QTest.keyClick(table, Qt.Key.Key_End,
                                                           Qt.KeyboardModifier.ControlModifier))  # fmt: skip
    view.shutdown()
    view.deleteLater()
    app.processEvents()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-before", action="store_true", help="time the new view only")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the app starts
    app = QApplication.instance() or QApplication([])
    frame = store_items(args.rows)
    kinds = ["after"] if args.skip_before else ["before", "after"]
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for repeat in range(args.repeats):
        for kind in kinds:
            runs[kind].append(run_once(app, frame, former=kind == "before"))
            shown = ", ".join(f"{k} {v:.3f}" for k, v in runs[kind][-1].items())
            print(f"repeat {repeat + 1} {kind}: {shown}", flush=True)
    print(f"\n{args.rows:,} rows, median of {args.repeats} (s; min-max)\n")
    print("| step | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for step in STEPS:
        cells = []
        for kind in kinds:
            values = [run[step] for run in runs[kind]]
            cells.append(f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})")
        print(f"| {step} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
