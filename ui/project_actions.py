"""Opening and saving the window's analysis as a ``.skucast`` project, in a worker.

Saving packs a model and the results, opening re-imports and re-cleans the embedded
sales file: seconds of work, so both run in a :class:`~ui.workers.task_worker.TaskRunner`
(:func:`core.analysis.save_project`, :func:`core.analysis.open_analysis`). The current
analysis stays until an opened project is complete; a damaged file shows a readable
error and changes nothing. Built by :mod:`ui.workspace` after the window's first paint.

The texts belong to the window's translation context, ``MainWindow``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.analysis import PROJECT_SUFFIX, open_analysis, save_project
from ui.i18n import translate
from ui.project_io import apply_opened, session_to_project
from ui.views.base import show_error
from ui.workers.task_worker import TaskRunner

__all__ = ["ProjectActions"]


class ProjectActions(QObject):
    """The window's Open project / Save project / Save project as (see module doc).

    Parameters
    ----------
    window : MainWindow
        The window whose ``session`` and ``views`` are saved or replaced, and whose status
        bar, recent files and close request are told the outcome.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.runner = TaskRunner(self)
        self._pending: tuple[str, Path] | None = None
        self.runner.sig_finished.connect(self._done)
        self.runner.sig_failed.connect(self._failed)
        self.runner.sig_running.connect(window.busy_bar.setVisible)

    def idle(self) -> bool:
        """True when nothing runs (else the status bar asks the user to wait)."""
        busy = self.runner.is_running() or any(v.is_busy() for v in self.window.views)
        if busy:
            self.window.show_status(
                translate("MainWindow", "Please wait: SkuCast is still working."))  # fmt: skip
        return not busy

    def open_dialog(self) -> None:
        """Ask for a project file and open it (through the window, which remembers it)."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, translate("MainWindow", "Open project"),
            self.window.settings.last_folder(),
            translate("MainWindow", "SkuCast projects (*.skucast)"))  # fmt: skip
        if path:
            self.window.open_path(path)

    def open(self, path: str) -> bool:
        """Open a project in a worker; the current analysis stays until it succeeds."""
        if not self.idle():
            return False
        self._pending = ("open", Path(path))
        self.window.show_status(translate("MainWindow", "Opening project {name}...").format(
            name=Path(path).name))  # fmt: skip
        return self.runner.start(open_analysis, path)

    def save(self) -> bool:
        """Save to the project's own file, or ask for one."""
        path = self.window.session.project_path
        return self.save_as() if path is None else self.save_to(path)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        window, session = self.window, self.window.session
        if not session.has_data:
            window.show_status(
                translate("MainWindow", "Nothing to save yet: open a sales file first."))  # fmt: skip
            return False
        stem = session.source_path.stem if session.source_path else "analysis"
        start = session.project_path or Path(window.settings.last_folder()) / (
            stem + PROJECT_SUFFIX
        )
        path, _ = QFileDialog.getSaveFileName(
            window, translate("MainWindow", "Save project"), str(start),
            translate("MainWindow", "SkuCast projects (*.skucast)"))  # fmt: skip
        return bool(path) and self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Save the analysis to ``path`` in a worker."""
        session = self.window.session
        if not session.has_data or not self.idle():
            return False
        self._pending = ("save", Path(path))
        project = session_to_project(session)
        self.window.show_status(translate("MainWindow", "Saving {name}...").format(
            name=Path(path).name))  # fmt: skip
        return self.runner.start(save_project, project, path, progress=False)

    def confirm_discard(self) -> bool:
        """Ask before dropping unsaved work; True when it may go (a save answer starts the
        save and returns False: the window closes once it is done)."""
        if not self.window.session.dirty:
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, translate("MainWindow", "Unsaved work"),
            translate("MainWindow",
                      "The current analysis has unsaved changes. Save it as a project first?"),
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save,
        )  # fmt: skip
        if answer == buttons.Save:
            return self.save() and False  # continue after the save finishes
        return answer == buttons.Discard

    @Slot(object)
    def _done(self, result) -> None:
        window, session = self.window, self.window.session
        kind, path = self._pending
        if kind == "save":
            saved, notes = result
            session.project_path = saved
            session.set_dirty(False)
            window.settings.add_recent(saved)
            window.fill_recent()
            window.show_status(translate("MainWindow", "Saved {name}").format(name=saved.name))
            if notes:
                window.show_status(" ".join(notes))
            if window.close_after_save:
                window.close()
        else:
            apply_opened(session, result, path)
            window.show_status(translate("MainWindow", "Opened {name}").format(name=path.name))
            if session.recommendations is not None:
                window.show_overview()  # once there is advice: what needs attention first
            else:
                window.show_step(3 if session.forecast is not None else 0)
        window.update_data_label()

    @Slot(str, str)
    def _failed(self, message: str, details: str) -> None:
        window = self.window
        window.close_after_save = False
        kind, _path = self._pending
        title = (translate("MainWindow", "Could not save the project") if kind == "save"
                 else translate("MainWindow", "Could not open the project"))  # fmt: skip
        window.last_error = show_error(window, title, message, details)
        window.show_status(title)
