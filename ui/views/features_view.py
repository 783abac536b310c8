"""Features view (placeholder until the full view lands)."""

from __future__ import annotations

from ui.views.base import BaseView


class FeaturesView(BaseView):
    """Features step."""

    def title(self) -> str:
        return self.tr("Features")
