"""What the main window builds after its first paint: the session, the five views, the
Overview and the project actions.

Importing this module imports pandas, scipy, pyqtgraph and every view (most of a
second), so :class:`~ui.main_window.MainWindow` loads it with ``core.lazy.load`` once
the window has painted (it is listed in ``ui.app.DEFERRED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.sample import SAMPLE_PATH
from ui.project_actions import ProjectActions
from ui.session import Session
from ui.views.base import BaseView
from ui.views.features_view import FeaturesView
from ui.views.forecast_view import ForecastView
from ui.views.import_view import ImportView
from ui.views.overview_view import OverviewView
from ui.views.recommendations_view import RecommendationsView
from ui.views.training_view import TrainingView

__all__ = ["STEPS", "Workspace", "build"]

#: The five steps, in the sidebar's order.
STEPS = (ImportView, FeaturesView, TrainingView, ForecastView, RecommendationsView)


@dataclass
class Workspace:
    """The window's analysis and everything that shows or stores it."""

    session: Session
    #: One view per step of :data:`STEPS`, in that order.
    views: list[BaseView]
    projects: ProjectActions
    #: The bundled sample shop (File > Open sample shop).
    sample_path: Path = SAMPLE_PATH
    #: What needs attention now (shown above the steps).
    overview: BaseView | None = None


def build(window) -> Workspace:
    """A session owned by ``window``, its five views and the Overview (children of
    ``window``) and the window's project actions."""
    session = Session(window)
    views = [step(session, window) for step in STEPS]
    return Workspace(session, views, ProjectActions(window),
                     overview=OverviewView(session, window))  # fmt: skip
