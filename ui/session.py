"""The analysis the window is working on: data, settings, model and results.

One :class:`Session` per window. Views read from it and write to it through its
setters; each setter clears what depends on the changed step (new data drops the model
and results; a new model drops the forecast and advice) and emits a signal so every
view can refresh. A setter emits the signal of its step and then those of every later
step, in order (data, model, forecast, recommendations): a view that shows several
steps refreshes on the last one it shows and needs no other. ``dirty`` tracks unsaved
work for the close prompt.

A plan of promotions and prices (:meth:`set_plan`) feeds the forecast: changing it drops
the forecast and advice (``sig_plan_changed``, then the forecast and advice signals). New
sales data reads the plan's file again with the new ID columns and drops it, keeping
the reason in ``plan_error``, when it no longer fits.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QObject, Signal

from core.analysis import read_plan
from core.data import CleaningOptions, ImportOptions, model_frames
from core.errors import InputError
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
    plan : DataFrame or None
        Planned ``promo``/``price`` per ``unique_id`` and ``ds``
        (:func:`core.analysis.read_plan` of ``plan_bytes``).
    plan_name, plan_bytes : str, bytes
        The plan file's name and content as loaded (what a project embeds).
    plan_status : str
        ``""``, ``"loaded"``, ``"rechecked"`` (read again for new sales data) or
        ``"dropped"`` (it did not fit them; ``plan_error`` says why, ``plan_name`` stays).
    forecast_plan : dict or None
        The plan the forecast was made with: ``{"name": ..., "columns": [...]}``, the
        columns the model read (empty when it reads none).
    """

    sig_data_changed = Signal()
    sig_plan_changed = Signal()
    sig_model_changed = Signal()
    sig_forecast_changed = Signal()
    sig_recommendations_changed = Signal()
    sig_dirty_changed = Signal(bool)
    #: A new sales file is being read (True) or no longer (False): work on the data waits.
    sig_loading_changed = Signal(bool)

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
        self.loading = False
        self._forget_plan()
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

    def set_loading(self, value: bool) -> None:
        """A file is being imported: buttons that start work on the data are disabled
        until it is in (the data they would use is about to be replaced)."""
        if value != self.loading:
            self.loading = value
            self.sig_loading_changed.emit(value)

    def set_dirty(self, value: bool = True) -> None:
        if value != self._dirty:
            self._dirty = value
            self.sig_dirty_changed.emit(value)

    def _clear_model(self) -> None:
        self.model = None
        self.backtest = None
        #: The backtest's forecasts a reopened project kept (``model, unique_id, ds,
        #: forecast``) when the backtest itself is not at hand; see :meth:`fit_table`.
        self.backtest_fit: pd.DataFrame | None = None
        self.leaderboard: pd.DataFrame | None = None
        self.importance: pd.DataFrame | None = None
        self.history_log: list[dict] = []
        self._clear_forecast()

    def _forget_plan(self) -> None:
        self.plan: pd.DataFrame | None = None
        self.plan_name, self.plan_bytes = "", b""
        self.plan_status = ""
        self.plan_error: InputError | None = None

    def _clear_forecast(self) -> None:
        self.forecast: pd.DataFrame | None = None
        self.forecast_plan: dict | None = None
        self.stages: pd.DataFrame | None = None
        self.stage_history: pd.DataFrame | None = None
        self._clear_recommendations()

    def _clear_recommendations(self) -> None:
        self.recommendations: pd.DataFrame | None = None
        self.simulation = None

    # --------------------------------------------------------------- setters
    def set_data(self, path, source_bytes: bytes, options: ImportOptions, raw, cleaning,
                 keep_plan: bool = True) -> None:  # fmt: skip
        """A new import (``raw``) and its cleaning; everything downstream is dropped.

        The plan is read again for the new data (or forgotten without ``keep_plan``);
        ``sig_plan_changed`` follows the other signals when its state changed.
        """
        self.source_path = Path(path) if path else None
        self.source_bytes = source_bytes
        self.import_options = options
        self.raw = raw
        self.stock = None
        self.meta = {}
        before = self.plan_status
        if keep_plan:
            self._recheck_plan(cleaning.dataset)
        else:
            self._forget_plan()
        self._set_cleaning(cleaning, model_frames(cleaning.dataset))
        self.set_dirty(True)
        if before or self.plan_status:
            self.sig_plan_changed.emit()

    def _recheck_plan(self, dataset) -> None:
        if not self.plan_bytes:
            self._forget_plan()  # a note on a plan dropped before is old news now
            return
        try:
            self.plan = read_plan(self.plan_bytes, self.plan_name, dataset)
            self.plan_status, self.plan_error = "rechecked", None
        except InputError as exc:
            self.plan, self.plan_bytes = None, b""
            self.plan_status, self.plan_error = "dropped", exc

    def set_cleaning(self, options: CleaningOptions, cleaning) -> None:
        """New cleaning options applied to the same import; downstream is dropped."""
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
        self.backtest_fit = None
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

    def set_plan(self, plan: pd.DataFrame | None, name: str = "", data: bytes = b"",
                 error: InputError | None = None) -> None:  # fmt: skip
        """A new plan (``None``: none; with ``error``: the file ``name`` was dropped for
        it); the forecast and advice are dropped."""
        self._forget_plan()
        if plan is not None:
            self.plan, self.plan_name, self.plan_bytes = plan, name, data
            self.plan_status = "loaded"
        elif error is not None:
            self.plan_name, self.plan_status, self.plan_error = name, "dropped", error
        self._clear_forecast()
        self.set_dirty(True)
        self.sig_plan_changed.emit()
        self.sig_forecast_changed.emit()
        self.sig_recommendations_changed.emit()

    def clear_plan(self) -> None:
        """Forecast without a plan from now on."""
        self.set_plan(None)

    def set_forecast(self, forecast, stages, stage_history, plan_used: dict | None = None) -> None:
        """Forecast and lifecycle stages (``plan_used``: see ``forecast_plan``); advice is
        dropped."""
        self.forecast, self.stages, self.stage_history = forecast, stages, stage_history
        self.forecast_plan = plan_used
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

    def fit_table(self) -> pd.DataFrame | None:
        """The backtest's forecasts (the chart's fit line): the backtest's own, or the
        ones a reopened project kept."""
        table = getattr(self.backtest, "forecasts", None)
        return table if table is not None else self.backtest_fit

    def verdict(self, lang: str) -> str:
        """The backtest's verdict in ``lang`` (``en``/``zh``), or ``""``."""
        if self.backtest is not None:
            return self.backtest.verdict(lang)
        return self.meta.get(f"verdict_{lang}", "")
