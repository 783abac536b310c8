"""The main window's menu bar: File (with Recent files and Export), View, Language, Help.

:class:`WindowMenus` makes the actions and menus once, connected to the window's slots,
and sets their texts again in :meth:`WindowMenus.retranslate`. Its keyboard shortcuts
are set by :meth:`WindowMenus.apply_shortcuts` after the first paint: the first
``QKeySequence`` costs ~50 ms. Part of the window's light shell; the texts belong to
the window's translation context, ``MainWindow``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from ui import i18n
from ui.i18n import translate

__all__ = ["WindowMenus"]


class WindowMenus(QObject):
    """The menus of ``window`` (a :class:`~ui.main_window.MainWindow`; see module doc)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._shortcuts: list = []
        w, K = window, QKeySequence.StandardKey  # noqa: N806
        self.act_open = self._action(w.open_file_dialog, K.Open)
        self.act_sample = self._action(w.open_sample)
        self.act_open_project = self._action(w.open_project_dialog, "Ctrl+Shift+O")
        self.act_save = self._action(w.save_project, K.Save)
        self.act_save_as = self._action(w.save_project_as, "Ctrl+Shift+S")
        self.act_export_forecast = self._action(w.export_forecast_dialog, "Ctrl+E")
        self.act_export_chart = self._action(w.export_chart_dialog)
        self.act_export_recs = self._action(w.export_recommendations_dialog, "Ctrl+Shift+E")
        self.act_quit = self._action(w.close, K.Quit)
        self.file = w.menuBar().addMenu("")
        self.recent = self.file.addMenu("")
        self.export = self.file.addMenu("")
        for item in (self.act_open, self.act_sample, self.recent.menuAction(), None,
                     self.act_open_project, self.act_save, self.act_save_as, None,
                     self.export.menuAction(), None, self.act_quit):  # fmt: skip
            self.file.addSeparator() if item is None else self.file.addAction(item)
        self.export.addActions([self.act_export_forecast, self.act_export_chart,
                                self.act_export_recs])  # fmt: skip
        self.view = w.menuBar().addMenu("")
        self.act_overview = self._action(w.show_overview, "Ctrl+0")
        self.view.addAction(self.act_overview)
        self.view.addSeparator()
        self.step_actions = []
        for index in range(5):
            act = self._action(lambda _=False, i=index: w.show_step(i), f"Ctrl+{index + 1}")
            self.step_actions.append(act)
            self.view.addAction(act)
        self._build_language_menu()
        self.help = w.menuBar().addMenu("")
        self.act_guide = self._action(w.show_guide, K.HelpContents)
        self.act_about = self._action(w.show_about)
        self.help.addActions([self.act_guide, self.act_about])

    def _action(self, slot, shortcut=None) -> QAction:
        action = QAction(self.window)
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        action.triggered.connect(slot)
        return action

    def _build_language_menu(self) -> None:
        self.language = self.window.menuBar().addMenu("")
        group = QActionGroup(self)
        self.lang_actions = {}
        for code, name in i18n.LANGUAGES.items():
            act = QAction(name, self.window, checkable=True)
            act.setData(code)
            act.triggered.connect(self._language_chosen)
            group.addAction(act)
            self.language.addAction(act)
            self.lang_actions[code] = act

    def apply_shortcuts(self) -> None:
        """Give the actions their keyboard shortcuts (once, after the first paint)."""
        for action, shortcut in self._shortcuts:
            action.setShortcut(QKeySequence(shortcut))
        self._shortcuts.clear()

    def fill_recent(self, paths: list[str]) -> None:
        """List ``paths`` (most recent first) under File > Recent files."""
        self.recent.clear()
        for path in paths:
            act = self.recent.addAction(Path(path).name)
            act.setData(path)
            act.setToolTip(path)
            act.triggered.connect(self._recent_chosen)
        self.recent.setEnabled(bool(self.recent.actions()))

    @Slot()
    def _recent_chosen(self) -> None:
        self.window.open_path(self.sender().data())

    @Slot()
    def _language_chosen(self) -> None:
        self.window.set_language(self.sender().data())

    def retranslate(self, step_titles: list[str]) -> None:
        """Set every text again in the current language; View lists ``step_titles``."""
        for action, title in zip(self.step_actions, step_titles, strict=True):
            action.setText(title)
        self.file.setTitle(translate("MainWindow", "&File"))
        self.act_open.setText(translate("MainWindow", "&Open sales file..."))
        self.act_sample.setText(translate("MainWindow", "Open &sample shop"))
        self.recent.setTitle(translate("MainWindow", "&Recent files"))
        self.act_open_project.setText(translate("MainWindow", "Open &project..."))
        self.act_save.setText(translate("MainWindow", "&Save project"))
        self.act_save_as.setText(translate("MainWindow", "Save project &as..."))
        self.export.setTitle(translate("MainWindow", "&Export"))
        self.act_export_forecast.setText(translate("MainWindow", "Forecasts (CSV/XLSX)..."))
        self.act_export_chart.setText(translate("MainWindow", "Chart (PNG/SVG)..."))
        self.act_export_recs.setText(translate("MainWindow", "Recommendations (CSV/XLSX)..."))
        self.act_quit.setText(translate("MainWindow", "&Quit"))
        self.view.setTitle(translate("MainWindow", "&View"))
        self.act_overview.setText(translate("MainWindow", "Overview"))
        self.language.setTitle(translate("MainWindow", "&Language"))
        self.help.setTitle(translate("MainWindow", "&Help"))
        self.act_guide.setText(translate("MainWindow", "User &guide"))
        self.act_about.setText(translate("MainWindow", "&About SkuCast"))
        self.lang_actions[i18n.current()].setChecked(True)
