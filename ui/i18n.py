"""Languages of the app: Qt translators for zh_CN and English, switchable at run time.

Every visible string goes through ``tr()``; the compiled catalogues live in
``resources/i18n/skucast_<lang>.qm`` (sources ``.ts`` beside them, built by
``python -m ui.i18n --update``). Installing a translator makes Qt send every widget a
``LanguageChange`` event; views answer it by calling their ``retranslate()``.

Core messages come in both languages already (``SkuCastError.en``/``.zh``, ``reason_en``/
``reason_zh`` columns); :func:`pick` chooses the one matching the UI language.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

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


def error_text(exc: BaseException) -> str:
    """A user-readable message for ``exc`` in the UI language."""
    if hasattr(exc, "en") and hasattr(exc, "zh"):
        return pick(exc.en, exc.zh)
    return f"{type(exc).__name__}: {exc}"


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


def _sources() -> list[str]:
    root = Path(__file__).resolve().parent
    return sorted(str(p) for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def load_glossary(lang: str) -> dict[str, dict[str, str]]:
    """Translations kept by hand as JSON: ``{context: {English: translation}}``."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(resource_path("i18n", lang).glob("*.json")):
        for context, table in json.loads(path.read_text("utf-8")).items():
            merged.setdefault(context, {}).update(table)
    return merged


def fill_catalogue(ts: Path, glossary: dict[str, dict[str, str]]) -> list[str]:
    """Write the glossary's translations into a ``.ts`` file; returns what is missing."""
    from xml.etree import ElementTree  # developers' tool: kept off the app's start-up

    tree = ElementTree.parse(ts)
    missing = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        table = glossary.get(name, {})
        for message in context.iter("message"):
            source = message.findtext("source")
            node = message.find("translation")
            if node is None:
                node = ElementTree.SubElement(message, "translation")
            text = table.get(source)
            if text:
                node.text = text
                node.attrib.pop("type", None)
            elif not (node.text and node.get("type") is None):
                missing.append(f"{name}: {source}")
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing


def update_catalogues() -> list[str]:
    """Refresh ``.ts`` sources from the code, fill them from the JSON glossaries and
    compile them to ``.qm`` (developers run ``python -m ui.i18n``)."""
    import subprocess  # developers' tool: kept off the app's start-up

    bindir = Path(sys.executable).parent
    missing = []
    for lang in LANGUAGES:
        if lang == "en":
            continue
        ts = resource_path("i18n", f"skucast_{lang}.ts")
        run = subprocess.run
        run([str(bindir / "pyside6-lupdate"), *_sources(), "-ts", str(ts), "-no-obsolete", "-locations", "none"],
            check=True, capture_output=True)  # fmt: skip
        missing += fill_catalogue(ts, load_glossary(lang))
        run([str(bindir / "pyside6-lrelease"), str(ts), "-qm", str(qm_path(lang))],
            check=True, capture_output=True)  # fmt: skip
    return missing


if __name__ == "__main__":
    gaps = update_catalogues()
    print("\n".join(f"untranslated: {g}" for g in gaps) or "all strings translated")
    sys.exit(1 if gaps else 0)
