"""The one bilingual text picker: every Chinese/English choice in core goes through it.

SkuCast's messages come in pairs (English, Chinese); ``lang`` is ``"en"``, ``"zh"`` or
``"both"``. Both languages are joined in one of two ways: :data:`LINES` (Chinese on one
line, English on the next: messages on the terminal) or :data:`CELL` (``中文 / English``
in one line: a cell of a table).
"""

from __future__ import annotations

__all__ = ["CELL", "LANGS", "LINES", "pick"]

#: The languages a caller may ask for.
LANGS = ("zh", "en", "both")
#: Join of both languages for messages: Chinese line, then English line.
LINES = "\n"
#: Join of both languages inside one table cell.
CELL = " / "


def pick(lang: str, en: str, zh: str, sep: str = LINES) -> str:
    """``en`` for ``"en"``, ``zh`` for ``"zh"``, else both joined by ``sep``.

    Examples
    --------
    >>> pick("en", "Stock", "库存")
    'Stock'
    >>> pick("both", "Stock", "库存", sep=CELL)
    '库存 / Stock'
    """
    if lang == "en":
        return en
    if lang == "zh":
        return zh
    return f"{zh}{sep}{en}"
