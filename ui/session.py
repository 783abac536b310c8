"""The analysis the window is working on: data, settings, model and results.

One :class:`Session` per window. Views read from it and write to it through its
setters; each setter clears what depends on the changed step (new data drops the model
and results; a new model drops the forecast and advice) and emits a signal so every
view can refresh. A setter emits the signal of its step and then those of every later
step, in order (data, model, forecast, recommendations): a view that shows several
steps refreshes on the last one it shows and needs no other. ``dirty`` tracks unsaved
work for the close prompt.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QObject, Signal

from core.data import CleaningOptions, ImportOptions
from core.forecast import TrainSettings
from core.recommend import InventoryOptions

__all__ = ["Session"]


class Session(QObject):
    """State shared by the views (see module doc).

    Attributes
    ----------
    source_path : Path or None
        The imported sales file (only ever read).
    source_bytes : bytes
        Its content as imported (what a project embeds).
    raw : Dataset or None
        The import before cleaning.
    cleaning : CleaningResult or None
        Cleaning of ``raw`` with ``cleaning_options``.
    frames : ModelFrames or None
        Model-ready frames of the cleaned data.
    model, backtest, importance
        The fitted forecaster, its :class:`~core.forecast.leaderboard.BacktestResult` (or a
        leaderboard table restored from a project) and permutation importance.
    forecast, stages, stage_history, recommendations : DataFrame or None
    simulation : PolicyResult or None
    stock : DataFrame or None
        Per-product overrides typed by the user: ``unique_id`` plus any of ``on_hand``,
        ``lead_time``, ``service_level``.
    """

    sig_data_changed = Signal()
    sig_model_changed = Signal()
    sig_forecast_changed = Signal()
    sig_recommendations_changed = Signal()
    sig_dirty_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source_path: Path | None = None
        self.source_bytes = b""
        self.import_options = ImportOptions()
        self.cleaning_options = CleaningOptions()
        self.train_settings = TrainSettings()
        self.inventory_options = InventoryOptions()
        self.project_path: Path | None = None
        self.raw = None
        self.cleaning = None
        self.frames = None
        self.stock: pd.DataFrame | None = None
        self.meta: dict = {}
        self._dirty = False
        self._clear_model()

    # ----------------------------------------------------------------- state
    @property
    def dataset(self):
        """The cleaned dataset (``None`` before an import)."""
        return None if self.cleaning is None else self.cleaning.dataset

    @property
    def freq(self) -> str | None:
        return None if self.dataset is None else self.dataset.freq

    @property
    def has_data(self) -> bool:
        return self.cleaning is not None

    @property
    def dirty(self) -> bool:
        return self._dirty

    def set_dirty(self, value: bool = True) -> None:
        if value != self._dirty:
            self._dirty = value
            self.sig_dirty_changed.emit(value)

    def _clear_model(self) -> None:
        self.model = None
        self.backtest = None
        self.leaderboard: pd.DataFrame | None = None
        self.importance: pd.DataFrame | None = None
        self.history_log: list[dict] = []
        self._clear_forecast()

    def _clear_forecast(self) -> None:
        self.forecast: pd.DataFrame | None = None
        self.stages: pd.DataFrame | None = None
        self.stage_history: pd.DataFrame | None = None
        self._clear_recommendations()

    def _clear_recommendations(self) -> None:
        self.recommendations: pd.DataFrame | None = None
        self.simulation = None

    # --------------------------------------------------------------- setters
    def set_data(self, path, source_bytes: bytes, options: ImportOptions, raw, cleaning) -> None:
        """A new import (``raw``) and its cleaning; everything downstream is dropped."""
        from core.data import model_frames

        self.source_path = Path(path) if path else None
        self.source_bytes = source_bytes
        self.import_options = options
        self.raw = raw
        self.stock = None
        self.meta = {}
        self._set_cleaning(cleaning, model_frames(cleaning.dataset))
        self.set_dirty(True)

    def set_cleaning(self, options: CleaningOptions, cleaning) -> None:
        """New cleaning options applied to the same import; downstream is dropped."""
        from core.data import model_frames

        self.cleaning_options = options
        self._set_cleaning(cleaning, model_frames(cleaning.dataset))
        self.set_dirty(True)

    def _set_cleaning(self, cleaning, frames) -> None:
        self.cleaning = cleaning
        self.frames = frames
        self._clear_model()
        self.sig_data_changed.emit()
        self.sig_model_changed.emit()
        self.sig_forecast_changed.emit()
        self.sig_recommendations_changed.emit()

    def set_model(self, model, backtest=None, importance=None, leaderboard=None,
                  history_log=None) -> None:  # fmt: skip
        """A trained model (with its backtest and importance); forecasts are dropped.

        ``history_log`` (epoch records) defaults to the model's own ``history_log_``.
        """
        self.model = model
        self.backtest = backtest
        self.leaderboard = leaderboard
        if backtest is not None and leaderboard is None:
            self.leaderboard = backtest.ranked()
        self.importance = importance
        if history_log is None:
            history_log = getattr(model, "history_log_", []) or []
        self.history_log = list(history_log)
        self._clear_forecast()
        self.set_dirty(True)
        self.sig_model_changed.emit()
        self.sig_forecast_changed.emit()
        self.sig_recommendations_changed.emit()

    def set_forecast(self, forecast, stages, stage_history) -> None:
        """Forecast and lifecycle stages; advice is dropped."""
        self.forecast, self.stages, self.stage_history = forecast, stages, stage_history
        self._clear_recommendations()
        self.set_dirty(True)
        self.sig_forecast_changed.emit()
        self.sig_recommendations_changed.emit()

    def set_recommendations(self, table, simulation=None) -> None:
        self.recommendations = table
        if simulation is not None:
            self.simulation = simulation
        self.set_dirty(True)
        self.sig_recommendations_changed.emit()

    def set_inventory_options(self, options: InventoryOptions) -> None:
        self.inventory_options = options
        self.set_dirty(True)

    def set_train_settings(self, settings: TrainSettings) -> None:
        self.train_settings = settings
        self.set_dirty(True)

    def verdict(self, lang: str) -> str:
        """The backtest's verdict in ``lang`` (``en``/``zh``), or ``""``."""
        if self.backtest is not None:
            return self.backtest.verdict(lang)
        return self.meta.get(f"verdict_{lang}", "")
