"""The validation report: every problem found in an input and what was done about it.

Each :class:`Finding` names its severity, the column and rows concerned, a message
in Chinese and English, and the action taken. Errors stop the import; warnings and
notes never do. The same report is shown by ``python main.py inspect`` and the GUI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]

MAX_ROWS_LISTED = 20


@dataclass
class Finding:
    """One problem, or one change made to the data.

    ``rows`` holds up to :data:`MAX_ROWS_LISTED` 1-based row numbers as the user
    sees them in a spreadsheet (header = row 1); ``n_rows`` is the full count.
    """

    severity: Severity
    code: str
    en: str
    zh: str
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    n_rows: int = 0
    action_en: str = ""
    action_zh: str = ""

    def text(self, lang: str = "en") -> str:
        """Render the finding as one line of text in ``lang`` (``en`` or ``zh``)."""
        msg, act = (self.zh, self.action_zh) if lang == "zh" else (self.en, self.action_en)
        parts = [msg.rstrip("。.")]
        if self.column:
            parts.append(("列" if lang == "zh" else "column") + f" {self.column!r}")
        if self.rows:
            listed = ", ".join(str(r) for r in self.rows)
            more = self.n_rows - len(self.rows)
            if more > 0:
                listed += f" (+{more})"
            parts.append(("行 " if lang == "zh" else "rows ") + listed)
        text = "; ".join(parts)
        if act:
            text += (" → " + act) if lang == "zh" else (" -> " + act)
        return text


def row_sample(rows: Iterable[int]) -> tuple[list[int], int]:
    """Return (first rows, total count) of a row-number iterable for a :class:`Finding`."""
    rows = list(rows)
    return [int(r) for r in rows[:MAX_ROWS_LISTED]], len(rows)


@dataclass
class Report:
    """An ordered list of findings, with helpers to add, query and render them."""

    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        en: str,
        zh: str,
        *,
        column: str | None = None,
        rows: Sequence[int] | None = None,
        n_rows: int | None = None,
        action_en: str = "",
        action_zh: str = "",
    ) -> Finding:
        """Append a finding and return it. ``rows`` may be longer than the listed sample."""
        listed, count = row_sample(rows or [])
        finding = Finding(
            severity,
            code,
            en,
            zh,
            column,
            listed,
            count if n_rows is None else n_rows,
            action_en,
            action_zh,
        )
        self.findings.append(finding)
        return finding

    def extend(self, other: Report | Iterable[Finding]) -> None:
        """Append all findings of another report."""
        self.findings.extend(other.findings if isinstance(other, Report) else other)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    def codes(self) -> list[str]:
        """Codes of all findings, in order (handy in tests and logs)."""
        return [f.code for f in self.findings]

    def by_code(self, code: str) -> Finding | None:
        """The first finding with ``code``, or ``None``."""
        return next((f for f in self.findings if f.code == code), None)

    def to_dicts(self) -> list[dict]:
        """Plain dictionaries for JSON output."""
        return [asdict(f) for f in self.findings]

    def format(self, lang: str = "both") -> str:
        """Render the whole report, one finding per line, grouped by severity."""
        if not self.findings:
            return (
                "没有发现问题。 / No problems found."
                if lang == "both"
                else ("没有发现问题。" if lang == "zh" else "No problems found.")
            )
        labels = {
            "error": ("错误", "ERROR"),
            "warning": ("警告", "WARNING"),
            "info": ("处理", "NOTE"),
        }
        lines = []
        for sev in ("error", "warning", "info"):
            for f in self.findings:
                if f.severity != sev:
                    continue
                zh_label, en_label = labels[sev]
                if lang in ("zh", "both"):
                    lines.append(f"[{zh_label}] {f.text('zh')}")
                if lang in ("en", "both"):
                    prefix = "   " if lang == "both" else ""
                    lines.append(f"{prefix}[{en_label}] {f.text('en')}")
        return "\n".join(lines)


#: A figure in a text; not a part of a date, a time or a code (``2018-02-29``, ``5pcs``).
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_\-/:.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![A-Za-z0-9_\-/:])"
)
#: A listed kind with its count: ``POST (12)``, ``运费（3）``.
_ITEM = re.compile(r"^(?P<label>.+?)\s?[（(](?P<n>\d+)[)）]$")
_MORE = re.compile(r"\s?[（(]\+\d+[)）]$")


def merge_findings(parts: Sequence[Sequence[Finding]]) -> list[Finding]:
    """The findings on the parts of one file (read part by part) as findings on the file.

    Findings with the same severity, code and column become one: their rows and row
    counts add up, and so do the figures in their texts where the texts differ only in
    their figures ("12 lines ..." + "3 lines ..." = "15 lines ..."), or in the counts of a
    list of kinds ("POST (5), DOT (2)"). A text that cannot be added up this way keeps
    the first part's wording and says so.
    """
    groups: dict[tuple, list[Finding]] = {}
    for part in parts:
        for f in part:
            groups.setdefault((f.severity, f.code, f.column), []).append(f)
    out = []
    for same in groups.values():
        first = same[0]
        rows = [r for f in same for r in f.rows][:MAX_ROWS_LISTED]
        en, zh = _sum_texts([f.en for f in same], "en"), _sum_texts([f.zh for f in same], "zh")
        out.append(
            Finding(first.severity, first.code, en, zh, first.column, rows,
                    sum(f.n_rows for f in same), first.action_en, first.action_zh)
        )  # fmt: skip
    return out


def _sum_texts(texts: list[str], lang: str) -> str:
    if len(set(texts)) == 1:
        return texts[0]
    shapes = {_NUMBER.sub("#", t) for t in texts}
    if len(shapes) == 1:
        return _add_figures(texts)
    listed = [_split_list(t) for t in texts]
    if all(listed) and len({_NUMBER.sub("#", head) for head, _ in listed}) == 1:
        wide = lang == "zh" and "）" in texts[0]
        return _add_figures([head for head, _ in listed]) + _join_list(listed, wide)
    tail = (
        "（仅为文件第一部分的统计）"
        if lang == "zh"
        else " (figures for the first part of the file only)"
    )
    return texts[0] + tail


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _add_figures(texts: list[str]) -> str:
    figures = [[_number(m) for m in _NUMBER.findall(t)] for t in texts]
    sums = [sum(col) for col in zip(*figures, strict=True)]
    commas = any("," in m for t in texts for m in _NUMBER.findall(t))
    it = iter(sums)

    def put(match: re.Match) -> str:
        value = next(it)
        if float(value).is_integer() and "." not in match.group():
            return f"{int(value):,}" if commas else str(int(value))
        return f"{value:g}"

    return _NUMBER.sub(put, texts[0])


def _split_list(text: str) -> tuple[str, dict[str, int]] | None:
    """``"head: A (2), B (1)"`` -> ``("head: ", {"A": 2, "B": 1})``; None if not a list."""
    cut = max(text.rfind(": "), text.rfind("："))
    if cut < 0:
        return None
    head, body = (
        text[: cut + (2 if text[cut] == ":" else 1)],
        _MORE.sub("", text[cut + 1 :].strip()),
    )
    items = {}
    for item in re.split(r", |、", body):
        match = _ITEM.match(item.strip())
        if not match:
            return None
        items[match["label"]] = items.get(match["label"], 0) + int(match["n"])
    return head, items


def _join_list(listed: list, wide: bool) -> str:
    total: dict[str, int] = {}
    for _, items in listed:
        for label, n in items.items():
            total[label] = total.get(label, 0) + n
    top = sorted(total.items(), key=lambda kv: -kv[1])
    shown = top[:8]
    if wide:
        text = "、".join(f"{k}（{n}）" for k, n in shown)
    else:
        text = ", ".join(f"{k} ({n})" for k, n in shown)
    return text + (f" (+{len(top) - 8})" if len(top) > 8 else "")
