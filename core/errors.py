"""Errors SkuCast raises on purpose, each with a message in Chinese and English.

The CLI turns an :class:`InputError` into exit code 2 and the GUI into a dialog;
anything else escaping is a bug (exit code 1).
"""

from __future__ import annotations

from core.text import pick

__all__ = ["CancelledError", "InputError", "NotFittedError", "SkuCastError"]


class SkuCastError(Exception):
    """Base class of SkuCast's own errors.

    Parameters
    ----------
    en : str
        Plain-language message in English.
    zh : str
        The same message in Chinese.
    """

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh

    def message(self, lang: str = "both") -> str:
        """Return the message in ``"en"``, ``"zh"`` or ``"both"`` (Chinese first)."""
        return pick(lang, self.en, self.zh)


class InputError(SkuCastError):
    """The user's file, options or arguments cannot be used as given."""


class NotFittedError(SkuCastError, ValueError):
    """A model was asked to predict before it was fitted."""

    def __init__(self, name: str = "model") -> None:
        super().__init__(
            f"The {name} must be fitted before it can predict.",
            f"{name} 尚未训练，无法预测。",
        )


class CancelledError(SkuCastError):
    """Long work was cancelled by the user through ``should_stop``."""

    def __init__(self) -> None:
        super().__init__("Cancelled by the user.", "已被用户取消。")
