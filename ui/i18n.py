"""Languages of the app: Qt translators for zh_CN and English, switchable at run time.

Every visible string goes through ``tr()``; the compiled catalogues live in
``resources/i18n/skucast_<lang>.qm`` (sources ``.ts`` beside them, built by
``python -m ui.i18n``, which runs :mod:`ui.catalogues`). Installing a translator makes Qt send every widget a
``LanguageChange`` event; views answer it by calling their ``retranslate()``.

Core messages come in both languages already (``SkuCastError.en``/``.zh``, ``reason_en``/
``reason_zh`` columns); :func:`pick` chooses the one matching the UI language.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from core import lazy
from core.errors import InputError
from core.resources import resource_path
from core.text import pick as pick_lang

__all__ = ["LANGUAGES", "current", "pick", "install", "system_language", "translate"]

#: Language code -> name shown in the menu (in its own language).
LANGUAGES = {"zh_CN": "中文", "en": "English"}
_state = {"lang": "en", "translator": None}


def translate(context: str, text: str) -> str:
    """Translate ``text`` in ``context`` (for code outside a QObject's ``tr``)."""
    return QCoreApplication.translate(context, text)


def current() -> str:
    """The UI language code (``zh_CN`` or ``en``)."""
    return _state["lang"]


def core_lang() -> str:
    """The UI language as core's ``lang`` argument: ``zh`` or ``en``."""
    return "zh" if _state["lang"] == "zh_CN" else "en"


def pick(en: str, zh: str) -> str:
    """The message in the UI language (:func:`core.text.pick` in :func:`core_lang`)."""
    return pick_lang(core_lang(), en, zh)


def products(n: int) -> str:
    """``n`` products in the UI language: "1 product", "2,000 products", "2,000 个商品"."""
    n = int(n)
    return pick(f"{n:,} product" if n == 1 else f"{n:,} products", f"{n:,} 个商品")


def error_text(exc: BaseException) -> str:
    """A user-readable message for ``exc`` in the UI language."""
    if hasattr(exc, "en") and hasattr(exc, "zh"):
        return pick(exc.en, exc.zh)
    return f"{type(exc).__name__}: {exc}"


def is_user_error(exc: BaseException) -> bool:
    """True for a problem with the user's input (:class:`core.errors.InputError`, also when
    raised in a child process): a plain message to act on, no traceback to show."""
    return isinstance(exc, InputError) or getattr(exc, "kind", None) == "InputError"


def system_language() -> str:
    """``zh_CN`` when the system locale is Chinese, otherwise ``en``."""
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def qm_path(lang: str) -> Path:
    return resource_path("i18n", f"skucast_{lang}.qm")


def install(lang: str) -> bool:
    """Switch the UI to ``lang``; returns False when its catalogue is missing.

    English is the source language: switching to it removes the translator.
    """
    if lang not in LANGUAGES:
        lang = "en"
    app = QCoreApplication.instance()
    old = _state["translator"]
    if old is not None and app is not None:
        app.removeTranslator(old)
    _state["translator"] = None
    ok = True
    if lang != "en":
        translator = QTranslator(app)
        ok = translator.load(str(qm_path(lang)))
        if ok and app is not None:
            app.installTranslator(translator)
            _state["translator"] = translator
    _state["lang"] = lang if ok else "en"
    QLocale.setDefault(QLocale(QLocale.Language.Chinese if _state["lang"] == "zh_CN"
                               else QLocale.Language.English))  # fmt: skip
    return ok


if __name__ == "__main__":  # developers: python -m ui.i18n refreshes the catalogues
    raise SystemExit(lazy.load("ui.catalogues").main())
