"""The backtest leaderboard: one row per model, best first, and the verdict sentence.

The table is a :class:`~ui.models.dataframe_model.DataFrameModel` over a display copy of
the leaderboard (``BacktestResult.ranked()`` or a table restored from a project): model
names for people, shares in percent, friendly headers. The verdict (core's own
sentence, in the UI language) says plainly which model wins and by how much.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.forecast import display_name
from ui.i18n import core_lang
from ui.models.dataframe_model import DataFrameModel

__all__ = ["LeaderboardPanel", "display_board"]

#: Shares shown in percent (the leaderboard holds fractions).
_PERCENT = ("wape", "bias")


def display_board(board: pd.DataFrame | None, lang: str = "en",
                  chosen: str | None = None) -> pd.DataFrame:  # fmt: skip
    """The columns people read, best first: rank, model, errors, coverage, seconds.

    Parameters
    ----------
    board : DataFrame or None
        A leaderboard (``model``, ``rank`` and metric columns).
    lang : {"en", "zh"}
        Language of the model names.
    chosen : str, optional
        The model the user trained; marked with a star.
    """
    if board is None or board.empty or "model" not in board:
        return pd.DataFrame()
    data = board.copy()
    if "rank" in data:
        data = data.sort_values("rank", kind="stable", na_position="last")
    coverage = [c for c in data.columns if str(c).startswith("coverage_")]
    keep = [c for c in ("rank", "model", "mase", "rmsse", "wape", "smape", "mae", "rmse", "bias",
                        *coverage) if c in data.columns]  # fmt: skip
    out = data[keep].copy()
    out["model"] = [
        display_name(str(m), lang) + (" ★" if m == chosen else "") for m in data["model"]
    ]
    for col in (*_PERCENT, *coverage):
        if col in out:
            out[col] = (pd.to_numeric(out[col], errors="coerce") * 100).round(1)
    if "fit_seconds" in data:
        seconds = pd.to_numeric(data["fit_seconds"], errors="coerce")
        if "predict_seconds" in data:
            seconds = seconds.add(pd.to_numeric(data["predict_seconds"], errors="coerce"),
                                  fill_value=0)  # fmt: skip
        out["seconds"] = seconds.round(1)
    if "rank" in out:
        out["rank"] = out["rank"].astype("object").where(out["rank"].notna(), None)
    return out.reset_index(drop=True)


class LeaderboardPanel(QWidget):
    """Verdict sentence, leaderboard table and a note on reading it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._board: pd.DataFrame | None = None
        self._chosen: str | None = None
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet(
            "QLabel#verdict { background: #eef5ee; border: 1px solid #b9d8bb;"
            " border-radius: 4px; padding: 8px; font-weight: 600; }"
        )
        self.model = DataFrameModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("leaderboard")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.verdict)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.retranslate()
        self.show_board(None, "")

    def headers(self) -> dict:
        """Column name -> header text in the current language."""
        heads = {
            "rank": self.tr("Rank"),
            "model": self.tr("Model"),
            "mase": self.tr("MASE"),
            "wape": self.tr("WAPE %"),
            "smape": self.tr("sMAPE %"),
            "mae": self.tr("MAE"),
            "rmse": self.tr("RMSE"),
            "rmsse": self.tr("RMSSE"),
            "bias": self.tr("Bias %"),
            "seconds": self.tr("Time (s)"),
        }
        if self._board is not None:
            for col in self._board.columns:
                if str(col).startswith("coverage_"):
                    level = str(col).split("_")[1]
                    heads[col] = self.tr("{level}% interval hit %").format(level=level)
        return heads

    def retranslate(self) -> None:
        """Headers, model names and the note in the current language."""
        self.note.setText(self.tr("Lower is better for MASE, WAPE, sMAPE, MAE and RMSE. MASE below 1 beats a naive forecast; bias above 0 means forecasts run high; an interval's hit rate should be close to its level. ★ marks the model you trained."))  # fmt: skip
        if self._board is not None:
            self._fill()

    def show_board(self, board: pd.DataFrame | None, verdict: str,
                   chosen: str | None = None) -> None:  # fmt: skip
        """Show ``board`` (None: empty) and the ``verdict`` sentence."""
        self._board, self._chosen = board, chosen
        self.verdict.setText(verdict)
        self.verdict.setVisible(bool(verdict))
        self._fill()

    def set_verdict(self, verdict: str) -> None:
        self.verdict.setText(verdict)
        self.verdict.setVisible(bool(verdict))

    def rows(self) -> int:
        return self.model.rowCount()

    def _fill(self) -> None:
        frame = display_board(self._board, core_lang(), self._chosen)
        self.model.set_frame(frame, self.headers())
        header = self.table.horizontalHeader()
        for col in range(len(frame.columns)):
            mode = QHeaderView.ResizeMode
            header.setSectionResizeMode(col, mode.Stretch if frame.columns[col] == "model"
                                        else mode.ResizeToContents)  # fmt: skip
