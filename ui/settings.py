"""What the app remembers between runs (QSettings): window geometry, the last folder,
recent files and the language. The only module that touches QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["AppSettings"]

MAX_RECENT = 8


class AppSettings:
    """Typed access to the app's QSettings (organisation ``SkuCast``)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings("SkuCast", "SkuCast")

    # ---------------------------------------------------------------- window
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    # --------------------------------------------------------------- folders
    def last_folder(self) -> str:
        value = self.store.value("files/last_folder", "")
        return value if isinstance(value, str) and Path(value).is_dir() else str(Path.home())

    def set_last_folder(self, path: str | Path) -> None:
        folder = Path(path)
        self.store.setValue("files/last_folder", str(folder if folder.is_dir() else folder.parent))

    def recent(self) -> list[str]:
        value = self.store.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if isinstance(v, str) and Path(v).exists()]

    def add_recent(self, path: str | Path) -> list[str]:
        path = str(Path(path).resolve())
        items = [path, *[p for p in self.recent() if p != path]][:MAX_RECENT]
        self.store.setValue("files/recent", items)
        return items

    # -------------------------------------------------------------- language
    def language(self) -> str | None:
        value = self.store.value("ui/language", "")
        return value if value in ("zh_CN", "en") else None

    def set_language(self, lang: str) -> None:
        self.store.setValue("ui/language", lang)
