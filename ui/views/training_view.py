"""Train view (placeholder until the full view lands)."""

from __future__ import annotations

from ui.views.base import BaseView


class TrainingView(BaseView):
    """Train step."""

    def title(self) -> str:
        return self.tr("Train")
