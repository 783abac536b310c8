"""Which column plays which role, judged from its contents with the header as one more clue.

Every column gets evidence (:class:`ColumnEvidence`): how many of its values read as
dates or numbers, whether the numbers are whole, small and non-negative (quantities)
or carry cents (prices), how many distinct values it has and how often each repeats,
and whether the values look like product codes (``85123A``, ``00123``,
``MEN5004-KR-L``). Relations between columns add more: a product code recurs on many
dates, an order number keeps one date and repeats once per line, a product's name
maps about one-to-one to its code, a customer stays the same within an order while
the product changes.

:func:`content_scores` turns the evidence into a 0..1 fit per role and column;
:func:`choose` combines that with what the header says (:func:`header_strength`) into a
:class:`RoleChoice`: the column, how sure SkuCast is (``confidence``) and the
runner-up, so ``inspect`` can say what it found and a wrong guess is seen at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.data.headers import SYNONYMS, normalize_header
from core.data.parsing import looks_like_dates, parse_numbers

__all__ = [
    "ColumnEvidence",
    "RoleChoice",
    "choose",
    "column_evidence",
    "content_scores",
    "distinct_rows",
    "header_strength",
    "splits",
]

#: Rows looked at for the relations between columns (enough to see orders and repeats).
SAMPLE_ROWS = 200_000
_VALUE_SAMPLE = 2_000
_UNIQUE_SAMPLE = 400
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-_./#+]{0,39}$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_TEXT = re.compile(r"\s|[\u3400-\u9fff]")
#: Content fit a header's own choice must reach to stand (below: the contents refute it).
REFUTED = 0.25


@dataclass
class ColumnEvidence:
    """What a column's contents say about it (see module doc)."""

    name: str
    codes: np.ndarray  # factorized stripped values, -1 where empty
    rows: int
    filled: float
    distinct: int
    repeat: float  # non-empty rows per distinct value
    date: float  # share of values that read as dates (0.5: could be Excel serials)
    number: float  # share of values that read as numbers
    integer: float  # share of those numbers that are whole
    nonneg: float
    magnitude: float  # median absolute value
    top_share: float  # rows covered by the 10 most frequent values
    code: float  # share of distinct values shaped like product codes
    text: float  # share of distinct values that are words (spaces, Chinese)
    lead_zero: float  # share of distinct values like 00123
    #: other column -> distinct (this, other) value pairs, counted once per table
    pair_counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class RoleChoice:
    """The column chosen for a role, how sure the choice is, and the next best column."""

    role: str
    column: str | list[str] | None
    confidence: float = 0.0
    runner_up: str | None = None
    runner_up_confidence: float = 0.0
    source: str = "none"  # user | header | content | header+content | none

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "confidence": round(float(self.confidence), 2),
            "runner_up": self.runner_up,
            "runner_up_confidence": round(float(self.runner_up_confidence), 2),
            "source": self.source,
        }


def _factor(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the stripped values (-1 where empty) and the distinct non-empty values.

    The values are the column's own, stripped, in the order they first appear (as
    ``pd.unique`` of the non-empty cells gives them), from the one factorization.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    stripped = np.array([str(u).strip() for u in uniques], dtype=object)
    inner, kept = pd.factorize(stripped)
    remap = np.where(np.asarray(kept, dtype=object)[inner] == "", -1, inner)
    out = np.full(codes.shape, -1, dtype=np.int64)
    ok = codes >= 0
    out[ok] = remap[codes[ok]]
    if column.dtype == object:
        values = stripped[stripped != ""]
    else:  # other dtypes print differently as numpy scalars: keep pd.unique's values
        raw = pd.unique(column.to_numpy()[out >= 0])
        values = np.array([str(u).strip() for u in raw], dtype=object)
    return out, values


def _shape(uniques: np.ndarray) -> tuple[float, float, float]:
    """Shares of code-shaped, word-shaped and leading-zero values among ``uniques``."""
    if uniques.size == 0:
        return 0.0, 0.0, 0.0
    digits = [u for u in uniques if u.isdigit()]
    widths = pd.Series([len(u) for u in digits]).value_counts()
    fixed = bool(len(digits)) and widths.iloc[0] >= 0.7 * len(digits)
    code = text = zero = 0
    for u in uniques:
        if _TEXT.search(u):
            text += 1
        elif u.isdigit():
            zero += len(u) >= 2 and u[0] == "0"
            # a bare number is a code only at a fixed width (85123, 100012345678) or as 00123
            code += (len(u) >= 2 and u[0] == "0") or (fixed and len(u) >= 5)
        elif _CODE.match(u.removeprefix("#")) and not _DECIMAL.match(u):
            code += any(c.isdigit() for c in u) or u.isupper()
    n = uniques.size
    return code / n, text / n, zero / n


def _numbers(values: pd.Series) -> tuple[float, float, float, float]:
    parsed, bad, empty = parse_numbers(values)
    filled = ~empty
    if not filled.any():
        return 0.0, 0.0, 1.0, 0.0
    good = parsed.to_numpy()[filled & ~bad]
    share = good.size / int(filled.sum())
    if good.size == 0:
        return share, 0.0, 1.0, 0.0
    whole = float(np.mean(np.isclose(good, np.round(good))))
    return share, whole, float(np.mean(good >= 0)), float(np.median(np.abs(good)))


def column_evidence(frame: pd.DataFrame, columns: list[str]) -> dict[str, ColumnEvidence]:
    """Evidence for each of ``columns`` from the first :data:`SAMPLE_ROWS` rows."""
    head = frame.iloc[:SAMPLE_ROWS]
    n = len(head)
    step = max(1, n // _VALUE_SAMPLE)
    out = {}
    for col in columns:
        codes, uniques = _factor(head[col])
        filled = codes >= 0
        counts = np.bincount(codes[filled]) if filled.any() else np.zeros(0, np.int64)
        distinct = int(counts.size)
        sample = uniques[:: max(1, uniques.size // _UNIQUE_SAMPLE)]
        number, whole, nonneg, mag = _numbers(head[col].iloc[::step])
        code, text, zero = _shape(sample)
        top = np.sort(counts)[-10:].sum() / max(1, int(filled.sum()))
        out[col] = ColumnEvidence(
            name=col,
            codes=codes,
            rows=n,
            filled=float(filled.mean()) if n else 0.0,
            distinct=distinct,
            repeat=float(filled.sum()) / max(1, distinct),
            date=looks_like_dates(pd.Series(sample)) if sample.size else 0.0,
            number=number,
            integer=whole,
            nonneg=nonneg,
            magnitude=mag,
            top_share=float(top),
            code=code,
            text=text,
            lead_zero=zero,
        )
    return out


def header_strength(columns: list[str], found: dict[str, str]) -> dict[str, dict[str, float]]:
    """Role -> column -> how strongly the header names that role.

    1.0 for the column :func:`core.data.headers.match_headers` chose, 0.6 for another
    column whose header is also a synonym of the role, nothing otherwise.
    """
    norm = {c: normalize_header(c) for c in columns}
    out: dict[str, dict[str, float]] = {}
    for role, syns in SYNONYMS.items():
        out[role] = {c: 0.6 for c in columns if norm[c] in syns}
        if role in found:
            out[role][found[role]] = 1.0
    return out


def distinct_rows(codes: list[np.ndarray]) -> tuple[int, int]:
    """Distinct combinations of the code columns, and the rows where all of them are filled.

    The codes (``>= 0``, ``-1`` where empty) are folded into one integer per row, so
    counting is one hash pass rather than a sort of the rows.
    """
    ok = np.logical_and.reduce([c >= 0 for c in codes])
    key = codes[0][ok].astype(np.int64)
    for col in codes[1:]:
        col = col[ok]
        radix = int(col.max()) + 1 if col.size else 1
        if key.size and int(key.max()) >= np.iinfo(np.int64).max // radix:
            key = pd.factorize(key)[0].astype(np.int64)  # renumber before it could overflow
        key = key * radix + col
    return (len(pd.unique(key)) if key.size else 0), int(key.size)


def _pairs(ev: ColumnEvidence, other: ColumnEvidence) -> int:
    """Distinct (``ev``, ``other``) value pairs; each pair of columns is counted once."""
    if other.name not in ev.pair_counts:
        n = distinct_rows([ev.codes, other.codes])[0]
        ev.pair_counts[other.name] = other.pair_counts[ev.name] = n
    return ev.pair_counts[other.name]


def splits(coarse: ColumnEvidence, fine: ColumnEvidence) -> bool:
    """Whether ``fine`` divides ``coarse`` further: more values, each within one of ``coarse``.

    A style code and its variants' codes (有赞 商品编码 / 规格编码, Shopee's parent SKU
    and SKU) relate this way; two codes for the same products (SKU and ASIN) do not.
    """
    if fine.distinct <= coarse.distinct or fine.filled < coarse.filled - 0.05:
        return False
    return _pairs(coarse, fine) == fine.distinct


def _per_value(ev: ColumnEvidence, other: ColumnEvidence) -> float:
    """Mean number of distinct ``other`` values per value of ``ev`` (>= 1)."""
    return max(1.0, _pairs(ev, other) / max(1, ev.distinct))


def _name_partner(ev: ColumnEvidence, evidence: dict[str, ColumnEvidence]) -> float:
    """How one-to-one some word-shaped column (a product name) is with ``ev``."""
    best = 0.0
    for other in evidence.values():
        if other is ev or other.text < 0.5 or other.distinct < 5:
            continue
        pairs = _pairs(ev, other)
        if pairs:
            best = max(best, min(ev.distinct, other.distinct) / pairs)
    return best


def _magnitude(median: float) -> float:
    return 1.0 if median <= 100 else 1.0 / (1.0 + math.log10(median / 100))


def _date_fit(ev: ColumnEvidence) -> float:
    return ev.date


def _quantity_fit(ev: ColumnEvidence) -> float:
    if ev.number < 0.9 or ev.date >= 0.9 or (ev.distinct <= 1 and ev.magnitude == 0):
        return 0.0  # a column of zeros (wallet credit, fees waived) sells nothing
    low_card = 1.0 - min(1.0, ev.distinct / max(1.0, 0.5 * ev.rows * ev.filled))
    spread = max(ev.top_share, low_card)
    fit = ev.integer * _magnitude(ev.magnitude) * (1.0 - ev.lead_zero)
    return fit * (0.5 + 0.25 * ev.nonneg + 0.25 * spread) * (0.5 if ev.date == 0.5 else 1.0)


def _price_fit(ev: ColumnEvidence) -> float:
    if ev.number < 0.9 or ev.date >= 0.9:
        return 0.0
    return (1.0 - ev.integer) * 0.7 + 0.3 * ev.nonneg


def _name_fit(ev: ColumnEvidence) -> float:
    if ev.date >= 0.5 or ev.number >= 0.9:
        return 0.0
    return ev.text * min(1.0, ev.distinct / 5)


def _order_fit(ev: ColumnEvidence, date: ColumnEvidence | None) -> float:
    """An order number: repeats once per line (a little), always on one date."""
    if date is None or ev is date or ev.date >= 0.5 or ev.repeat < 1.2 or ev.text > 0.5:
        return 0.0
    one_date = 1.0 / _per_value(ev, date)
    many = min(1.0, ev.distinct / max(1.0, 0.02 * ev.rows))
    return one_date**4 * many * (0.6 + 0.4 * max(ev.code, ev.number))


def _product_fit(
    ev: ColumnEvidence,
    date: ColumnEvidence | None,
    order: ColumnEvidence | None,
    evidence: dict[str, ColumnEvidence],
) -> float:
    """A product code: code-shaped, repeats, recurs on many dates, changes within an order."""
    if ev is date or ev is order or ev.date >= 0.5 or ev.distinct < 2:
        return 0.0
    repeat = min(1.0, (ev.repeat - 1.0) / 3.0)
    dates = 1.0 - 1.0 / _per_value(ev, date) if date is not None else 0.5
    link = _name_partner(ev, evidence) if ev.code >= 0.5 else 0.0
    if order is not None:
        lines = ev.rows * ev.filled - order.distinct
        within = (_pairs(order, ev) - order.distinct) / lines if lines > 0 else 0.0
        link = max(link, within)
    return ev.code * (0.35 + 0.25 * repeat + 0.2 * dates + 0.2 * link)


def content_scores(
    role: str,
    evidence: dict[str, ColumnEvidence],
    date: str | None = None,
    order: str | None = None,
) -> dict[str, float]:
    """Column -> how well its contents fit ``role`` (0..1).

    ``date`` and ``order`` name the columns already chosen for those roles: a product
    code is judged by how it recurs across dates and varies within orders.
    """
    d = evidence.get(date) if date else None
    o = evidence.get(order) if order else None
    fits = {
        "date": _date_fit,
        "target": _quantity_fit,
        "price": _price_fit,
        "name": _name_fit,
        "order": lambda ev: _order_fit(ev, d),
        "item": lambda ev: _product_fit(ev, d, o, evidence),
    }
    fit = fits[role]
    return {c: float(np.clip(fit(ev), 0.0, 1.0)) for c, ev in evidence.items()}


def choose(
    role: str,
    header: dict[str, float],
    content: dict[str, float],
    candidates: list[str],
    *,
    header_pick: str | None = None,
    threshold: float = 0.5,
) -> RoleChoice:
    """Pick ``role``'s column among ``candidates``: the header's pick unless contents refute it.

    A column's score is ``0.5 * header + 0.5 * content``. The header's pick stands
    when its content fit reaches :data:`REFUTED` or no column fits by content alone;
    otherwise the best content fit of at least ``threshold`` is chosen. Confidence is
    the score lowered by a close rival, the same way for the pick and the runner-up:
    ``score * (1 - 0.5 * min(1, rival / score))``.
    """
    if header_pick and header_pick not in candidates:
        candidates = [header_pick, *candidates]
    scores = {c: 0.5 * header.get(c, 0.0) + 0.5 * content.get(c, 0.0) for c in candidates}
    ranked = sorted(candidates, key=lambda c: (-content.get(c, 0.0), candidates.index(c)))
    best_content = ranked[0] if ranked and content.get(ranked[0], 0.0) >= threshold else None
    pick = None
    if header_pick and (content.get(header_pick, 0.0) >= REFUTED or best_content is None):
        pick = header_pick
    elif best_content is not None:
        pick = best_content
    if pick is None:
        return RoleChoice(role, None)
    fits = content.get(pick, 0.0) >= REFUTED
    source = ("header+content" if fits else "header") if header.get(pick) else "content"
    others = [c for c in candidates if c != pick and scores[c] >= 0.1]
    runner = max(others, key=lambda c: scores[c], default=None)
    top = scores[pick]
    second = scores[runner] if runner else 0.0
    return RoleChoice(role, pick, _sure(top, second), runner, _sure(second, top), source)


def _sure(score: float, other: float) -> float:
    """A score lowered by a rival column's: two equally good columns leave it half as sure."""
    if score <= 0:
        return 0.0
    return score * (1.0 - 0.5 * min(1.0, other / score))
