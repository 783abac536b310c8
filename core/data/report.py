"""The validation report: every problem found in an input and what was done about it.

Each :class:`Finding` names its severity, the column and rows concerned, a message
in Chinese and English, and the action taken. Errors stop the import; warnings and
notes never do. The same report is shown by ``python main.py inspect`` and the GUI.
"""

from __future__ import annotations

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
