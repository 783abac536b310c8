"""The main window: the five steps in a sidebar, menus, status bar, projects, drag-and-drop.

Steps: Import -> Features -> Train -> Forecast -> Recommendations. The window owns the
:class:`~ui.session.Session` the views share, saves and opens ``.skucast`` projects
(in a worker: saving a model and re-importing data take seconds), remembers its
geometry, last folder, recent files and language, and asks before closing unsaved work.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QUrl, Slot
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from core import __version__
from ui import i18n
from ui.settings import AppSettings
from ui.views.base import show_error
from ui.workers.task_worker import TaskRunner

__all__ = ["MainWindow", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
PROJECT_SUFFIX = ".skucast"


class MainWindow(QMainWindow):
    """SkuCast's main window (see module doc)."""

    def __init__(self, settings: AppSettings | None = None, lazy: bool = False) -> None:
        super().__init__()
        self.settings = settings or AppSettings()
        self.session = None
        self.views: list = []
        self.project_runner = TaskRunner(self)
        self.last_error: QMessageBox | None = None
        self._close_after_save = False
        self._shortcuts: list = []
        self._build_shell()
        self._build_menus()
        self._build_status()
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        if (geometry := self.settings.geometry()) is not None:
            self.restoreGeometry(geometry)
        self.retranslate()
        if not lazy:
            self.finish_setup()

    def finish_setup(self) -> None:
        """Create the session and the five views (pandas, scipy and pyqtgraph load here).

        ``run()`` calls this right after the first paint, so the window shows at once.
        """
        if self.session is not None:
            return
        from ui.session import Session

        self.session = Session(self)
        self._apply_shortcuts()
        self._build_views()
        self._connect()
        self.retranslate()
        self.show_step(0)

    # ------------------------------------------------------------------ build
    def _build_views(self) -> None:
        from ui.views.features_view import FeaturesView
        from ui.views.forecast_view import ForecastView
        from ui.views.import_view import ImportView
        from ui.views.recommendations_view import RecommendationsView
        from ui.views.training_view import TrainingView

        self.import_view = ImportView(self.session, self)
        self.features_view = FeaturesView(self.session, self)
        self.training_view = TrainingView(self.session, self)
        self.forecast_view = ForecastView(self.session, self)
        self.recommendations_view = RecommendationsView(self.session, self)
        self.views = [self.import_view, self.features_view, self.training_view,
                      self.forecast_view, self.recommendations_view]  # fmt: skip
        while self.stack.count():
            self.stack.removeWidget(self.stack.widget(0))
        for view in self.views:
            self.stack.addWidget(view)

    def _build_shell(self) -> None:
        """Sidebar and an empty page: what paints before the views exist."""
        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setFixedWidth(190)
        self.steps.addItems(["" for _ in range(5)])
        self.stack = QStackedWidget()
        self.stack.addWidget(QLabel())
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.steps)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _action(self, slot, shortcut=None) -> QAction:
        action = QAction(self)
        if shortcut is not None:  # set in finish_setup: the first QKeySequence costs ~50 ms
            self._shortcuts.append((action, shortcut))
        action.triggered.connect(slot)
        return action

    def _apply_shortcuts(self) -> None:
        for action, shortcut in self._shortcuts:
            action.setShortcut(QKeySequence(shortcut))
        self._shortcuts.clear()

    def _build_menus(self) -> None:
        K = QKeySequence.StandardKey  # noqa: N806
        self.act_open = self._action(self.open_file_dialog, K.Open)
        self.act_sample = self._action(self.open_sample)
        self.act_open_project = self._action(self.open_project_dialog, "Ctrl+Shift+O")
        self.act_save = self._action(self.save_project, K.Save)
        self.act_save_as = self._action(self.save_project_as, "Ctrl+Shift+S")
        self.act_export_forecast = self._action(self._export_forecast, "Ctrl+E")
        self.act_export_chart = self._action(self._export_chart)
        self.act_export_recs = self._action(self._export_recommendations, "Ctrl+Shift+E")
        self.act_quit = self._action(self.close, K.Quit)
        self.menu_file = self.menuBar().addMenu("")
        self.menu_recent = self.menu_file.addMenu("")
        self.menu_export = self.menu_file.addMenu("")
        for item in (self.act_open, self.act_sample, self.menu_recent.menuAction(), None,
                     self.act_open_project, self.act_save, self.act_save_as, None,
                     self.menu_export.menuAction(), None, self.act_quit):  # fmt: skip
            self.menu_file.addSeparator() if item is None else self.menu_file.addAction(item)
        self.menu_export.addActions(
            [self.act_export_forecast, self.act_export_chart, self.act_export_recs]
        )
        self.menu_view = self.menuBar().addMenu("")
        self.step_actions = []
        for index in range(5):
            act = self._action(lambda _=False, i=index: self.show_step(i), f"Ctrl+{index + 1}")
            self.step_actions.append(act)
            self.menu_view.addAction(act)
        self.menu_lang = self.menuBar().addMenu("")
        group = QActionGroup(self)
        self.lang_actions = {}
        for code, name in i18n.LANGUAGES.items():
            act = QAction(name, self, checkable=True)
            act.setData(code)
            act.triggered.connect(self._language_chosen)
            group.addAction(act)
            self.menu_lang.addAction(act)
            self.lang_actions[code] = act
        self.menu_help = self.menuBar().addMenu("")
        self.act_guide = self._action(self.show_guide, K.HelpContents)
        self.act_about = self._action(self.show_about)
        self.menu_help.addActions([self.act_guide, self.act_about])
        self._fill_recent()

    def _build_status(self) -> None:
        self.data_label = QLabel()
        self.data_label.setObjectName("dataLabel")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(140)
        self.busy_bar.hide()
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.data_label)

    def _connect(self) -> None:
        self.steps.currentRowChanged.connect(self.stack.setCurrentIndex)
        for view in self.views:
            view.sig_status.connect(self.show_status)
            view.sig_goto.connect(self.show_step)
        self.session.sig_data_changed.connect(self._update_data_label)
        self.session.sig_dirty_changed.connect(self.setWindowModified)
        self.project_runner.sig_finished.connect(self._project_done)
        self.project_runner.sig_failed.connect(self._project_failed)
        self.project_runner.sig_running.connect(self.busy_bar.setVisible)

    # ------------------------------------------------------------- language
    def step_titles(self) -> list[str]:
        return [self.tr("Import data"), self.tr("Features"), self.tr("Train"),
                self.tr("Forecast"), self.tr("Recommendations")]  # fmt: skip

    def retranslate(self) -> None:
        self._update_title()
        for row, title in enumerate(self.step_titles()):
            self.steps.item(row).setText(f"{row + 1}  {title}")
            self.step_actions[row].setText(title)
        self.menu_file.setTitle(self.tr("&File"))
        self.act_open.setText(self.tr("&Open sales file..."))
        self.act_sample.setText(self.tr("Open &sample shop"))
        self.menu_recent.setTitle(self.tr("&Recent files"))
        self.act_open_project.setText(self.tr("Open &project..."))
        self.act_save.setText(self.tr("&Save project"))
        self.act_save_as.setText(self.tr("Save project &as..."))
        self.menu_export.setTitle(self.tr("&Export"))
        self.act_export_forecast.setText(self.tr("Forecasts (CSV/XLSX)..."))
        self.act_export_chart.setText(self.tr("Chart (PNG/SVG)..."))
        self.act_export_recs.setText(self.tr("Recommendations (CSV/XLSX)..."))
        self.act_quit.setText(self.tr("&Quit"))
        self.menu_view.setTitle(self.tr("&View"))
        self.menu_lang.setTitle(self.tr("&Language"))
        self.menu_help.setTitle(self.tr("&Help"))
        self.act_guide.setText(self.tr("User &guide"))
        self.act_about.setText(self.tr("&About SkuCast"))
        self.lang_actions[i18n.current()].setChecked(True)
        self._update_data_label()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @Slot()
    def _language_chosen(self) -> None:
        self.set_language(self.sender().data())

    def set_language(self, lang: str) -> None:
        """Switch the whole UI to ``lang`` (``zh_CN`` or ``en``) now and next time."""
        i18n.install(lang)
        self.settings.set_language(i18n.current())
        self.retranslate()
        for view in self.views:
            view.retranslate()

    # ----------------------------------------------------------------- status
    def _update_title(self) -> None:
        if self.session is None:
            self.setWindowTitle(f"SkuCast {__version__}")
            return
        name = self.session.project_path.name if self.session.project_path else ""
        if not name and self.session.source_path is not None:
            name = self.session.source_path.name
        self.setWindowTitle(f"{name or self.tr('Untitled')}[*] - SkuCast {__version__}")

    @Slot()
    def _update_data_label(self) -> None:
        data = None if self.session is None else self.session.dataset
        if data is None:
            self.data_label.setText(self.tr("No data loaded"))
        else:
            first, last = data.date_range
            self.data_label.setText(
                self.tr("{name}: {n} products, {a} to {b}").format(
                    name=self.session.source_path.name if self.session.source_path else "",
                    n=data.n_series, a=f"{first:%Y-%m-%d}", b=f"{last:%Y-%m-%d}",
                )
            )  # fmt: skip
        self._update_title()

    @Slot(str)
    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    @Slot(int)
    def show_step(self, index: int) -> None:
        self.finish_setup()
        self.steps.setCurrentRow(index)

    def current_view(self):
        return self.stack.currentWidget()

    # ------------------------------------------------------------ open files
    def _file_filter(self) -> str:
        return self.tr("Sales files (*.csv *.txt *.tsv *.xlsx *.xlsm);;All files (*)")

    @Slot()
    def open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open sales file"),
                                              self.settings.last_folder(), self._file_filter())  # fmt: skip
        if path:
            self.open_path(path)

    @Slot()
    def open_sample(self) -> None:
        from core.sample import SAMPLE_PATH

        self.open_path(str(SAMPLE_PATH), remember=False)

    def open_path(self, path: str, remember: bool = True) -> None:
        """Open a sales file or a project, by its suffix."""
        self.finish_setup()
        if not self._confirm_discard():
            return
        if remember:
            self.settings.set_last_folder(path)
            self.settings.add_recent(path)
            self._fill_recent()
        if Path(path).suffix.lower() == PROJECT_SUFFIX:
            self.open_project(path)
            return
        self.session.project_path = None
        self.show_step(0)
        self.import_view.open_file(path)

    def _fill_recent(self) -> None:
        self.menu_recent.clear()
        for path in self.settings.recent():
            act = self.menu_recent.addAction(Path(path).name)
            act.setData(path)
            act.setToolTip(path)
            act.triggered.connect(self._recent_chosen)
        self.menu_recent.setEnabled(bool(self.menu_recent.actions()))

    @Slot()
    def _recent_chosen(self) -> None:
        self.open_path(self.sender().data())

    # -------------------------------------------------------- drag and drop
    def _dropped_path(self, event) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [u.toLocalFile() for u in urls if u.isLocalFile()]
        ok = [p for p in paths if Path(p).suffix.lower() in (*SUPPORTED_SUFFIXES, PROJECT_SUFFIX)]
        return ok[0] if len(paths) == 1 and ok else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._dropped_path(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802
        path = self._dropped_path(event)
        if path:
            event.acceptProposedAction()
            self.open_path(path)

    # ---------------------------------------------------------------- projects
    @Slot()
    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open project"),
                                              self.settings.last_folder(),
                                              self.tr("SkuCast projects (*.skucast)"))  # fmt: skip
        if path:
            self.open_path(path)

    def open_project(self, path: str) -> bool:
        """Open a project in a worker; the current analysis stays until it succeeds."""
        from core.analysis import open_analysis

        if not self._idle():
            return False
        self._pending = ("open", Path(path))
        self.show_status(self.tr("Opening project {name}...").format(name=Path(path).name))
        return self.project_runner.start(open_analysis, path)

    @Slot()
    def save_project(self) -> bool:
        if self.session.project_path is None:
            return self.save_project_as()
        return self.save_project_to(self.session.project_path)

    @Slot()
    def save_project_as(self) -> bool:
        if not self.session.has_data:
            self.show_status(self.tr("Nothing to save yet: open a sales file first."))
            return False
        start = self.session.project_path or Path(self.settings.last_folder()) / (
            (self.session.source_path.stem if self.session.source_path else "analysis")
            + PROJECT_SUFFIX
        )
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save project"), str(start),
                                              self.tr("SkuCast projects (*.skucast)"))  # fmt: skip
        return bool(path) and self.save_project_to(Path(path))

    def save_project_to(self, path: Path) -> bool:
        """Save the analysis to ``path`` in a worker."""
        from core.analysis import save_project
        from ui.project_io import session_to_project

        if not self.session.has_data or not self._idle():
            return False
        self._pending = ("save", Path(path))
        project = session_to_project(self.session)
        self.show_status(self.tr("Saving {name}...").format(name=Path(path).name))
        return self.project_runner.start(save_project, project, path, progress=False)

    def _idle(self) -> bool:
        busy = self.project_runner.is_running() or any(v.is_busy() for v in self.views)
        if busy:
            self.show_status(self.tr("Please wait: SkuCast is still working."))
        return not busy

    @Slot(object)
    def _project_done(self, result) -> None:
        from ui.project_io import apply_opened

        kind, path = self._pending
        if kind == "save":
            saved, notes = result
            self.session.project_path = saved
            self.session.set_dirty(False)
            self.settings.add_recent(saved)
            self._fill_recent()
            self.show_status(self.tr("Saved {name}").format(name=saved.name))
            if notes:
                self.show_status(" ".join(notes))
            if self._close_after_save:
                self.close()
        else:
            apply_opened(self.session, result, path)
            self.show_status(self.tr("Opened {name}").format(name=path.name))
            self.show_step(4 if self.session.recommendations is not None else 3
                           if self.session.forecast is not None else 0)  # fmt: skip
        self._update_data_label()

    @Slot(str, str)
    def _project_failed(self, message: str, details: str) -> None:
        self._close_after_save = False
        kind, path = self._pending
        title = self.tr("Could not save the project") if kind == "save" else self.tr(
            "Could not open the project")  # fmt: skip
        self.last_error = show_error(self, title, message, details)
        self.show_status(title)

    # ------------------------------------------------------------------ help
    @Slot()
    def show_guide(self) -> None:
        from core.resources import resource_path

        guide = resource_path("guide", f"guide_{i18n.current()}.html")
        if guide.is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(guide)))

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About SkuCast"), self.tr(
            "<b>SkuCast {v}</b><p>Offline sales and product-lifecycle forecasting for online "
            "stores: forecasts with intervals, lifecycle stages and reorder and promotion "
            "advice, compared honestly with simple baselines.</p>").format(v=__version__))  # fmt: skip

    # --------------------------------------------------------------- exports
    def _export_forecast(self) -> None:
        self.forecast_view.export_forecast_dialog()

    def _export_chart(self) -> None:
        self.forecast_view.export_chart_dialog()

    def _export_recommendations(self) -> None:
        self.recommendations_view.export_dialog()

    # ------------------------------------------------------------------ close
    def _confirm_discard(self) -> bool:
        """Ask before dropping unsaved work; True when it may go."""
        if self.session is None or not self.session.dirty:
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved work"),
            self.tr("The current analysis has unsaved changes. Save it as a project first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save,
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Save:
            return self.save_project() and False  # continue after the save finishes
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self._close_after_save and not self._confirm_discard():
            self._close_after_save = self.project_runner.is_running()
            event.ignore()
            return
        if self.project_runner.is_running():
            event.ignore()  # the save finishes first; the window then closes itself
            self._close_after_save = True
            return
        for view in self.views:
            view.shutdown()
        self.project_runner.wait()
        self.settings.set_geometry(self.saveGeometry())
        self.settings.store.sync()  # main.py leaves with os._exit after a GUI run
        super().closeEvent(event)

    def discard_changes(self) -> None:
        """Mark the analysis as saved (tests and scripted runs)."""
        if self.session is not None:
            self.session.set_dirty(False)
