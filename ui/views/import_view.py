"""Import view (placeholder until the full view lands)."""

from __future__ import annotations

from ui.views.base import BaseView


class ImportView(BaseView):
    """Import step."""

    def title(self) -> str:
        return self.tr("Import")
