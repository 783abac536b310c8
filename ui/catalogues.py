"""The developers' translation tool: ``python -m ui.i18n`` (or ``python -m ui.catalogues``).

Refreshes ``resources/i18n/skucast_<lang>.ts`` from the code with ``pyside6-lupdate``,
fills in the translations kept by hand as JSON (``resources/i18n/<lang>/*.json``:
``{context: {English: translation}}``) and compiles the ``.qm`` files with
``pyside6-lrelease``. Never imported by the app (``ui.app.DEFERRED``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from core.resources import resource_path
from ui.i18n import LANGUAGES, qm_path

__all__ = ["fill_catalogue", "load_glossary", "main", "sources", "update_catalogues"]


def sources() -> list[str]:
    """The Python files whose strings the catalogues hold (all of ``ui/``)."""
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
    bindir = Path(sys.executable).parent
    missing = []
    for lang in LANGUAGES:
        if lang == "en":
            continue
        ts = resource_path("i18n", f"skucast_{lang}.ts")
        run = subprocess.run
        run([str(bindir / "pyside6-lupdate"), *sources(), "-ts", str(ts), "-no-obsolete", "-locations", "none"],
            check=True, capture_output=True)  # fmt: skip
        missing += fill_catalogue(ts, load_glossary(lang))
        run([str(bindir / "pyside6-lrelease"), str(ts), "-qm", str(qm_path(lang))],
            check=True, capture_output=True)  # fmt: skip
    return missing


def main() -> int:
    """Update the catalogues and list what is untranslated; 1 when something is."""
    gaps = update_catalogues()
    print("\n".join(f"untranslated: {g}" for g in gaps) or "all strings translated")
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main())
