"""Train step: choose a model, train it with live loss curves, compare it with baselines.

The form (:class:`~ui.widgets.training_form.TrainingForm`) builds a
:class:`~core.analysis.pipeline.TrainSettings`; Start hands it to
:func:`core.analysis.training_tasks.train_job` in a child process (fit, backtest against
the baselines, permutation importance) and puts the result in the session. Tune searches
the deep model's settings with optuna within a time budget and writes the best ones back
into the form. Both run through a :class:`~ui.workers.task_worker.ProcessRunner`:
TensorFlow is imported in the child, so the window never stalls while it loads and
builds models. The trained model arrives packed and is loaded into this process when
it is first used (the first forecast, in the forecast worker's thread).

``python -m ui.views.training_view`` opens the view on the bundled sample shop.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.analysis import TUNED_KEYS, TuneOutcome, train_job, tune_task
from core.forecast import TrainSettings, display_name
from ui.i18n import core_lang
from ui.preview import run_preview
from ui.views.base import BaseView
from ui.widgets.leaderboard_panel import LeaderboardPanel
from ui.widgets.loss_plot import LossPlot
from ui.widgets.training_form import TrainingForm
from ui.widgets.training_progress import TrainingProgress
from ui.workers.task_worker import ProcessRunner

__all__ = ["TrainingView"]


class TrainingView(BaseView):
    """The Train step (see module doc).

    Attributes
    ----------
    extra : dict
        Deep-model arguments beyond :class:`TrainSettings` passed to the worker
        (``windows_per_epoch``, ``patience``): tests and benchmarks train tiny models.
    importance_repeats : int
        Shuffles per feature group for the importance (0 skips it).
    sig_trained
        A training finished and its model is the session's (the forecast follows).
    """

    sig_trained = Signal()

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.runner = ProcessRunner(self)
        self.extra: dict = {}
        self.importance_repeats = 3
        self._task: str | None = None
        self._used: TrainSettings | None = None
        self._loaded: TrainSettings | None = None
        self._finish_tune = threading.Event()
        self.reader = TrainingProgress(self)
        self._started, self._frames, self._offset = 0.0, None, 0
        #: Keras/TensorFlow versions the last training ran with (in its child process)
        self.last_versions: dict = {}
        self._stage_render = None  # what wrote the stage line (see _show_stage)
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self._refresh_results)
        self._build()
        self._connect()
        self.retranslate()
        self._on_data_changed()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.form = TrainingForm()
        self.start_btn, self.cancel_btn, self.tune_btn = QPushButton(), QPushButton(), QPushButton()
        self.start_btn.setObjectName("startTraining")
        self.start_btn.setDefault(True)
        self.start_btn.setMinimumHeight(34)
        self.budget, self.budget_label = QSpinBox(minimum=1, maximum=240, value=5), QLabel()
        self.progress = QProgressBar(textVisible=False, maximum=1000)
        self.stage, self.eta, self.hint = QLabel(), QLabel(), QLabel()
        for label in (self.stage, self.hint):
            label.setWordWrap(True)
        self.eta.setStyleSheet("color: #666;")
        self.hint.setStyleSheet("color: #a15c00;")
        buttons, tune = QHBoxLayout(), QHBoxLayout()
        buttons.addWidget(self.start_btn, 2)
        buttons.addWidget(self.cancel_btn, 1)
        tune.addWidget(self.tune_btn, 2)
        tune.addWidget(self.budget_label)
        tune.addWidget(self.budget, 1)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 8, 0)
        column.addWidget(self.form)
        column.addSpacing(6)
        column.addLayout(buttons)
        column.addLayout(tune)
        column.addSpacing(6)
        for widget in (self.progress, self.stage, self.eta, self.hint):
            column.addWidget(widget)
        column.addStretch()
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(left)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFixedWidth(390)
        self.loss_plot, self.board = LossPlot(), LeaderboardPanel()
        self.plot_box, self.results_box = QGroupBox(), QGroupBox()
        QVBoxLayout(self.plot_box).addWidget(self.loss_plot)
        self.summary = QLabel(wordWrap=True)
        self.next_btn = QPushButton()
        self.next_btn.setObjectName("nextForecast")
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.next_btn)
        results = QVBoxLayout(self.results_box)
        results.addWidget(self.board, 1)
        results.addLayout(bottom)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.plot_box)
        split.addWidget(self.results_box)
        split.setSizes([420, 380])
        split.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        self.runner.sig_progress.connect(self._on_progress)
        self.runner.sig_finished.connect(self._on_finished)
        self.runner.sig_failed.connect(self._on_failed)
        self.runner.sig_cancelled.connect(self._on_cancelled)
        self.runner.sig_running.connect(self._set_busy)
        self.session.sig_data_changed.connect(self._on_data_changed)
        self.session.sig_loading_changed.connect(self._update_enabled)
        self.session.sig_model_changed.connect(self._refresh_timer.start)
        self.form.sig_model_changed.connect(self._update_enabled)
        self.start_btn.clicked.connect(self.start_training)
        self.cancel_btn.clicked.connect(self.cancel)
        self.tune_btn.clicked.connect(self.start_tuning)
        self.next_btn.clicked.connect(self._go_next)

    # ------------------------------------------------------------------- text
    def title(self) -> str:
        return self.tr("Train")

    def retranslate(self) -> None:
        """Every text of the view in the current language."""
        self.form.retranslate()
        self.budget_label.setText(self.tr("Budget"))
        self.budget.setSuffix(self.tr(" min"))
        self.budget.setToolTip(self.tr("Minutes the settings search may take."))
        self.start_btn.setText(self.tr("Train and backtest"))
        self.start_btn.setToolTip(
            self.tr("Train the model, then test it against the baselines on the latest periods.")
        )
        self.cancel_btn.setText(self.tr("Cancel"))
        self.tune_btn.setText(self.tr("Tune settings…"))
        self.tune_btn.setToolTip(
            self.tr(
                "Search units, layers, lookback, dropout and learning rate automatically and put the best values into the form."
            )
        )
        self.plot_box.setTitle(self.tr("Training curves"))
        self.results_box.setTitle(self.tr("Backtest: accuracy on held-out recent sales"))
        self.next_btn.setText(self.tr("Next: forecast →"))
        self.loss_plot.retranslate()
        self.board.retranslate()
        if self._stage_render is not None:
            self.stage.setText(self._stage_render())
        self._update_enabled()
        if not self.runner.is_running():
            self._refresh_results()

    def _show_stage(self, render) -> None:
        """Set the stage line to ``render()`` and keep ``render`` so that a language
        switch writes the line again in the new language (progress lines are rewritten
        by the next event anyway)."""
        self._stage_render = render
        self.stage.setText(render())

    def _time(self, seconds: float) -> str:
        if seconds < 90:
            return self.tr("{n} s").format(n=max(int(round(seconds)), 1))
        return self.tr("{n} min").format(n=round(seconds / 60, 1))

    @Slot()
    def _update_enabled(self, *_args) -> None:
        busy, loading = self.runner.is_running(), self.session.loading
        ready = self.session.frames is not None and not loading
        self.form.setEnabled(not busy)
        self.start_btn.setEnabled(ready and not busy)
        self.tune_btn.setEnabled(ready and self.form.is_deep() and not busy)
        self.budget.setEnabled(not busy)
        self.cancel_btn.setEnabled(busy)
        self.progress.setVisible(busy or self.progress.value() > 0)
        self.next_btn.setEnabled(self.session.model is not None and not busy)
        self.hint.setText("" if ready else self.tr("A sales file is being imported…") if loading
                          else self.tr("Import a sales file first (step 1)."))  # fmt: skip
        self.hint.setVisible(not ready)

    @Slot()
    def _on_data_changed(self) -> None:
        settings = self.session.train_settings
        self.form.set_freq(self.session.freq, settings)
        if settings is not self._loaded:
            self._loaded = settings
            self.form.load_settings(settings)
        self._update_enabled()
        self._refresh_timer.start()

    # ---------------------------------------------------------------- actions
    def _begin(self, task: str, settings: TrainSettings) -> None:
        self.session.set_train_settings(settings)
        self._loaded = self._used = settings
        self._task = task
        self._started, self._frames, self._offset = time.monotonic(), self.session.frames, 0
        self.reader.begin(settings, 60.0 * self.budget.value() if task == "tune" else None)
        self.progress.setValue(0)
        self.eta.clear()

    @Slot()
    def start_training(self) -> bool:
        """Train, backtest and explain with the form's settings in a child process."""
        if self.session.frames is None or self.session.loading or self.runner.is_running():
            return False
        self._begin("train", self.form.settings(self.session.train_settings))
        self.loss_plot.clear()
        self.board.show_board(None, "")
        self._show_stage(lambda: self.tr("Starting…"))
        return self.runner.start(train_job, self.session.frames, self.session.freq, self._used,
                                 extra=self.extra or None,
                                 importance_repeats=self.importance_repeats)  # fmt: skip

    @Slot()
    def start_tuning(self) -> bool:
        """Search the deep model's settings within the budget (minutes)."""
        if self.session.frames is None or self.session.loading or self.runner.is_running():
            return False
        self._begin("tune", self.form.settings(self.session.train_settings))
        self._finish_tune = threading.Event()
        self._show_stage(lambda: self.tr("Starting the settings search…"))
        return self.runner.start(tune_task, self.session.frames, self.session.freq, self._used,
                                 budget_minutes=float(self.budget.value()),
                                 extra=self.extra or None,
                                 finish=self._finish_tune.is_set)  # fmt: skip

    @Slot()
    def cancel(self) -> None:
        """Stop the running task; a search keeps its best trial so far."""
        if self._task == "tune":
            self._finish_tune.set()
            self._show_stage(lambda: self.tr("Stopping after the current trial…"))
        else:
            self.runner.cancel()
            self._show_stage(lambda: self.tr("Cancelling…"))

    def runners(self) -> list:
        return [self.runner]

    @Slot()
    def _go_next(self) -> None:
        self.sig_goto.emit(3)

    @Slot(bool)
    def _set_busy(self, busy: bool) -> None:
        self._update_enabled()
        if not busy:
            self._task = None

    # --------------------------------------------------------------- progress
    @Slot(object)
    def _on_progress(self, event: dict) -> None:
        phase, stage = event.get("phase"), event.get("stage")
        if phase == "final" and stage == "start":  # the cutoff's curve goes on
            self._offset = self.loss_plot.epochs[-1] if self.loss_plot.epochs else 0
        if phase in ("fit", "final") and stage == "train":
            if phase == "final":
                epoch = int(event.get("epoch") or 0) + self._offset
                self.loss_plot.add_epoch({**event, "epoch": epoch, "part": "final"})
            else:
                self.loss_plot.add_epoch(event)
        reading = self.reader.read(event)
        if reading.new_step:
            self.eta.clear()  # the next step's time left is not known yet
        if reading.done is not None:
            self.progress.setValue(max(self.progress.value(), int(1000 * reading.done)))
        self._stage_render = None  # the next event writes the line again
        self.stage.setText(reading.text)
        if reading.left is not None:
            left = self._time(reading.left)
            self.eta.setText(self.tr("About {time} left in this step").format(time=left))

    # ----------------------------------------------------------------- results
    @Slot(object)
    def _on_finished(self, result) -> None:
        seconds = time.monotonic() - self._started
        took = self._time(seconds)
        self.progress.setValue(1000)
        self.eta.clear()
        if isinstance(result, TuneOutcome):
            self._apply_tuning(result, seconds)
            return
        if self.session.frames is not self._frames:
            self._show_stage(
                lambda: self.tr("The data changed while training; the result was dropped.")
            )
            return
        self.last_versions = dict(result.versions)
        self.session.set_model(result.model, backtest=result.backtest, importance=result.importance,
                               history_log=result.history)  # fmt: skip
        self._show_stage(lambda: self.tr("Finished in {time}.").format(time=self._time(seconds)))
        self.sig_status.emit(self.tr("Training finished in {time}.").format(time=took))
        self.sig_trained.emit()

    def _apply_tuning(self, outcome: TuneOutcome, seconds: float) -> None:
        values = {k: outcome.params[k] for k in TUNED_KEYS if k in outcome.params}
        settings = replace(self.form.settings(self.session.train_settings), **values)
        self.form.load_settings(settings)
        self.session.set_train_settings(settings)
        self._loaded = settings
        self.form.show_advanced(True)
        self._show_stage(lambda: self.tr(
            "Best of {n} trials in {time} (validation loss {loss:.4f}) written into the form."
        ).format(n=outcome.trials, time=self._time(seconds), loss=outcome.score))  # fmt: skip
        self.sig_status.emit(self.stage.text())

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self.progress.setValue(0)
        self.progress.hide()
        self.eta.clear()
        tune = self._task == "tune"
        self._show_stage(lambda: self.tr("Tuning failed.") if tune else self.tr("Training failed."))
        self.fail(message, details)
        self._refresh_timer.start()

    @Slot()
    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self.progress.hide()
        self.eta.clear()
        tune = self._task == "tune"
        self._show_stage(
            lambda: self.tr("Tuning cancelled") if tune else self.tr("Training cancelled")
        )
        self.sig_status.emit(self.stage.text())
        self._refresh_timer.start()

    @Slot()
    def _refresh_results(self) -> None:
        """Show the session's model: curves, leaderboard, verdict and a summary line."""
        model, board = self.session.model, self.session.leaderboard
        name = getattr(model, "name", None) or (self.session.train_settings.model if board
                                                 is not None else None)  # fmt: skip
        self.board.show_board(board, self.session.verdict(core_lang()), name)
        if not self.runner.is_running():
            self.loss_plot.set_history(self.session.history_log)
        self.summary.setText(self._summary(model, name))
        self._update_enabled()

    def _summary(self, model, name: str | None) -> str:
        if name is None:
            return self.tr("No model yet. Choose the settings, then press Train and backtest.")
        text = self.tr("Current model: {model}").format(model=display_name(name, core_lang()))
        best, log = getattr(model, "best_epoch_", None), self.session.history_log
        if best is not None and log:
            # a network trained on after its backtest: its epochs follow the cutoff's
            before = sum(1 for r in log if r.get("part") == "cutoff")
            text += " · " + (self.tr("best epoch {best} of {epochs}: {before} up to the "
                                     "backtest cutoff, then {after} on all the data")
                             if before and len(log) > before
                             else self.tr("best epoch {best} of {epochs}")).format(
                best=before + int(best), epochs=len(log), before=before,
                after=len(log) - before)  # fmt: skip
        seconds = getattr(model, "train_seconds_", None)
        if seconds:
            text += " · " + self.tr("trained in {time}").format(time=self._time(seconds))
        return text


if __name__ == "__main__":  # pragma: no cover - python -m ui.views.training_view
    raise SystemExit(run_preview(TrainingView))
