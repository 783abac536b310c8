"""The main window: the five steps in a sidebar, menus, status bar, projects, drag-and-drop.

Steps: Import -> Features -> Train -> Forecast -> Recommendations; above them the
Overview (what needs attention now: :class:`~ui.views.overview_view.OverviewView`, page
:data:`OVERVIEW_STEP` of the stack), shown on opening a project with advice. A click on
the Overview opens the Recommendations view narrowed to its products
(:meth:`MainWindow.show_products`). The window owns the
:class:`~ui.session.Session` the views share, opens and saves ``.skucast`` projects
(:mod:`ui.project_actions`, in a worker), remembers its geometry, last folder, recent
files and language, and asks before closing unsaved work.

This module is the shell that paints first and stays light (Qt and SkuCast's settings
only). The session, the views and the project actions are built by
:meth:`MainWindow.finish_setup` from :mod:`ui.workspace`, loaded with ``core.lazy.load``
(``ui.app.DEFERRED``): that is where pandas, scipy and pyqtgraph are imported.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core import __version__, lazy
from core.resources import resource_path
from ui import i18n
from ui.menus import WindowMenus
from ui.settings import AppSettings

__all__ = ["MainWindow", "OVERVIEW_STEP", "PROJECT_SUFFIX", "SUPPORTED_SUFFIXES", "make_window"]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".gz", ".xlsx", ".xlsm")  # .gz: csv.gz, tsv.gz
PROJECT_SUFFIX = ".skucast"
#: The Overview's index for :meth:`MainWindow.show_step` (after the five steps).
OVERVIEW_STEP = 5


class MainWindow(QMainWindow):
    """SkuCast's main window (see module doc)."""

    def __init__(self, settings: AppSettings | None = None, lazy: bool = False) -> None:
        super().__init__()
        self.settings = settings or AppSettings()
        self.session = None
        self.views: list = []
        self.projects = None  # ui.project_actions.ProjectActions, made by finish_setup
        self.last_error: QMessageBox | None = None
        #: Close once the save running now has finished (set by the close prompt).
        self.close_after_save = False
        self._build_shell()
        self.menus = WindowMenus(self)
        self.fill_recent()
        self._build_status()
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        if (geometry := self.settings.geometry()) is not None:
            self.restoreGeometry(geometry)
        self.retranslate()
        if not lazy:
            self.finish_setup()

    def finish_setup(self) -> None:
        """Create the session, the five views and the project actions (pandas, scipy and
        pyqtgraph load here, with :mod:`ui.workspace`).

        ``run()`` calls this right after the first paint, so the window shows at once.
        """
        if self.session is not None:
            return
        work = lazy.load("ui.workspace").build(self)
        self.session, self.projects = work.session, work.projects
        self.views = [*work.views, work.overview]  # the stack's pages, the Overview last
        self._sample_path = work.sample_path
        (self.import_view, self.features_view, self.training_view, self.forecast_view,
         self.recommendations_view, self.overview_view) = self.views  # fmt: skip
        while self.stack.count():
            self.stack.removeWidget(self.stack.widget(0))
        for view in self.views:
            self.stack.addWidget(view)
        self.menus.apply_shortcuts()
        self._connect()
        self.retranslate()
        self.show_step(0)

    @property
    def project_runner(self):
        """The worker of project opens and saves (None before :meth:`finish_setup`)."""
        return None if self.projects is None else self.projects.runner

    # ------------------------------------------------------------------ build
    def _build_shell(self) -> None:
        """Sidebar and an empty page: what paints before the views exist."""
        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setFixedWidth(190)
        self.steps.addItems(["" for _ in range(5)])
        self.overview_button = QPushButton()
        self.overview_button.setObjectName("overviewButton")
        self.overview_button.setCheckable(True)
        self.overview_button.setFixedWidth(190)
        self.overview_button.clicked.connect(self.show_overview)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(self.overview_button)
        side.addWidget(self.steps, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(QLabel())
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

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
        self.steps.currentRowChanged.connect(self._step_chosen)
        for view in self.views:
            view.sig_status.connect(self.show_status)
            view.sig_goto.connect(self.show_step)
        self.overview_view.sig_show_products.connect(self.show_products)
        # a training is followed by its forecast, and the forecast by the advice
        self.training_view.sig_trained.connect(self.forecast_view.follow_training)
        self.forecast_view.sig_followed.connect(self.recommendations_view.run_recommend)
        self.session.sig_data_changed.connect(self.update_data_label)
        self.session.sig_dirty_changed.connect(self.setWindowModified)

    # ------------------------------------------------------------- language
    def step_titles(self) -> list[str]:
        return [self.tr("Import data"), self.tr("Features"), self.tr("Train"),
                self.tr("Forecast"), self.tr("Recommendations")]  # fmt: skip

    def retranslate(self) -> None:
        titles = self.step_titles()
        for row, title in enumerate(titles):
            self.steps.item(row).setText(f"{row + 1}  {title}")
        self.overview_button.setText(self.tr("Overview"))
        self.menus.retranslate(titles)
        self.update_data_label()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Switch the whole UI to ``lang`` (``zh_CN`` or ``en``) now and next time."""
        i18n.install(lang)
        self.settings.set_language(i18n.current())
        # a passing message was written in the old language: the views say it again
        self.statusBar().clearMessage()
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
    def update_data_label(self) -> None:
        data = None if self.session is None else self.session.dataset
        if data is None:
            self.data_label.setText(self.tr("No data loaded"))
        else:
            first, last = data.date_range
            self.data_label.setText(
                self.tr("{name}: {products}, {a} to {b}").format(
                    name=self.session.source_path.name if self.session.source_path else "",
                    products=i18n.products(data.n_series), a=f"{first:%Y-%m-%d}", b=f"{last:%Y-%m-%d}",
                )
            )  # fmt: skip
        self._update_title()

    @Slot(str)
    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    @Slot(int)
    def show_step(self, index: int) -> None:
        """Show step ``index`` (0-4), or the Overview for :data:`OVERVIEW_STEP`."""
        self.finish_setup()
        if index == OVERVIEW_STEP:
            self.show_overview()
            return
        self.steps.setCurrentRow(index)
        self._step_chosen(index)

    @Slot()
    def show_overview(self) -> None:
        """Show the Overview (no step chosen in the sidebar)."""
        self.finish_setup()
        self.steps.blockSignals(True)
        self.steps.setCurrentRow(-1)
        self.steps.blockSignals(False)
        self.stack.setCurrentWidget(self.overview_view)
        self.overview_button.setChecked(True)

    @Slot(int)
    def _step_chosen(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)
            self.overview_button.setChecked(False)

    @Slot(str, object, str)
    def show_products(self, view: str, ids, title: str) -> None:
        """Open ``view`` on the products ``ids``: the Recommendations table narrowed to
        them, or the Forecast view on the first (what the Overview's clicks ask for)."""
        if view == "forecast":
            if ids:
                self.forecast_view.picker.select(str(ids[0]))
            self.show_step(3)
            return
        self.recommendations_view.show_products(ids, title)
        self.show_step(4)

    def current_view(self):
        return self.stack.currentWidget()

    # ------------------------------------------------------------ open files
    def _file_filter(self) -> str:
        return self.tr("Sales files (*.csv *.txt *.tsv *.gz *.xlsx *.xlsm);;All files (*)")

    @Slot()
    def open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open sales file"),
                                              self.settings.last_folder(), self._file_filter())  # fmt: skip
        if path:
            self.open_path(path)

    @Slot()
    def open_sample(self) -> None:
        self.finish_setup()
        self.open_path(str(self._sample_path), remember=False)

    def open_path(self, path: str, remember: bool = True) -> None:
        """Open a sales file or a project, by its suffix."""
        self.finish_setup()
        if not self._confirm_discard():
            return
        if remember:
            self.settings.set_last_folder(path)
            self.settings.add_recent(path)
            self.fill_recent()
        if Path(path).suffix.lower() == PROJECT_SUFFIX:
            self.open_project(path)
            return
        self.session.project_path = None
        self.show_step(0)
        self.import_view.open_file(path)

    def fill_recent(self) -> None:
        """Show the remembered files under File > Recent files."""
        self.menus.fill_recent(self.settings.recent())

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
        self.finish_setup()
        self.projects.open_dialog()

    def open_project(self, path: str) -> bool:
        """Open a project in a worker; the current analysis stays until it succeeds."""
        self.finish_setup()
        return self.projects.open(path)

    @Slot()
    def save_project(self) -> bool:
        return self.projects.save()

    @Slot()
    def save_project_as(self) -> bool:
        return self.projects.save_as()

    def save_project_to(self, path: Path) -> bool:
        """Save the analysis to ``path`` in a worker."""
        return self.projects.save_to(path)

    # ------------------------------------------------------------------ help
    @Slot()
    def show_guide(self) -> None:
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
    @Slot()
    def export_forecast_dialog(self) -> None:
        self.forecast_view.export_forecast_dialog()

    @Slot()
    def export_chart_dialog(self) -> None:
        self.forecast_view.export_chart_dialog()

    @Slot()
    def export_recommendations_dialog(self) -> None:
        self.recommendations_view.export_dialog()

    # ------------------------------------------------------------------ close
    def _confirm_discard(self) -> bool:
        """Ask before dropping unsaved work; True when it may go."""
        return self.projects is None or self.projects.confirm_discard()

    def closeEvent(self, event) -> None:  # noqa: N802
        runner = self.project_runner
        if not self.close_after_save and not self._confirm_discard():
            self.close_after_save = runner is not None and runner.is_running()
            event.ignore()
            return
        if runner is not None and runner.is_running():
            event.ignore()  # the save finishes first; the window then closes itself
            self.close_after_save = True
            return
        for view in self.views:
            view.shutdown()
        if runner is not None:
            runner.wait()
        self.settings.set_geometry(self.saveGeometry())
        self.settings.store.sync()  # main.py leaves with os._exit after a GUI run
        super().closeEvent(event)

    def discard_changes(self) -> None:
        """Mark the analysis as saved (tests and scripted runs)."""
        if self.session is not None:
            self.session.set_dirty(False)


def make_window(lang: str | None = None, lazy: bool = False) -> MainWindow:
    """The main window in ``lang`` (default: remembered, else the system language).

    With ``lazy`` the views are built by ``window.finish_setup()`` (after the first paint).
    """
    settings = AppSettings()
    i18n.install(lang or settings.language() or i18n.system_language())
    return MainWindow(settings, lazy=lazy)
