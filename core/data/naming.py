"""Product names and codes as a user expects them (issue 15 item 5).

A product's name is the description it carries most often (:func:`usual_names`):
warehouse notes typed into the description of stock corrections (``damaged``,
``check``, ``??``, ``wrongly marked``, 报损, 盘点 ...) never become a product's name,
however often they occur (:func:`is_note`). Codes that differ only in surrounding
spaces or letter case (``85123A``, `` 85123A``, ``85123a``) are reported
(:func:`spelling_groups`): spaces are never part of a code and are dropped; codes
that differ in case stay separate products unless the user asks to merge them
(``ImportOptions.merge_case_codes``, ``--merge-case-codes``), into the spelling used
on most rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.data.report import Report

__all__ = [
    "add_name_counts",
    "is_note",
    "name_counts",
    "pick_names",
    "product_names",
    "report_spellings",
    "spelling_groups",
    "usual_names",
]

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
#: A whole description that is a stock note, not a product's name.
_NOTE = re.compile(
    r"(?:wet |water |re-?)?(?:damaged?|damages|check(?:ed)?|stock check|missing|lost|found|"
    r"faulty|broken|smashed|crushed|mouldy|counted|adjust(?:ment)?|mixed up|test(?:ing)?|"
    r"samples?|unknown|n/?a|none|null|nan|tbc|tbd|returned|dotcom|amazon|manual)|"
    r"损坏|破损|报损|盘点|盘亏|盘盈|待查|核对|错误|录错|测试|样品|未知|无|丢失|遗失|调整|作废|"
    r"退货|残次|次品"
)
#: Notes that go on with free text: ``wrongly marked 23343``, ``thrown away-can't sell``.
_NOTE_START = re.compile(
    r"(?:wrongly|wrong (?:code|barcode|stock)|incorrect(?:ly)?|thrown away|write off|"
    r"written off|sold as sets?|label mix ?up|mix ?up|damaged|报损|盘点|录错)\b"
)


def is_note(text: str) -> bool:
    """Whether a description is a stock note (``damaged``, ``??``, 报损) rather than a name."""
    core = _EDGES.sub("", str(text).strip().casefold())
    return not core or bool(_NOTE.fullmatch(core) or _NOTE_START.match(core))


def usual_names(uid: np.ndarray, names: np.ndarray) -> pd.Series:
    """Product -> its most frequent description that is not a stock note.

    Ties go to the description used last (a product renamed once keeps its new name).
    A product described by notes only gets an empty name (it is shown by its code).
    """
    return pick_names(name_counts(uid, names)).reindex(pd.unique(uid)).fillna("")


def name_counts(uid: np.ndarray, names: np.ndarray, start: int = 0) -> pd.DataFrame:
    """How often each product carries each description (stock notes left out).

    One row per product and description: ``n`` lines, ``last`` the position of the last
    one (``start`` + its index here). Counts of several parts of a file add up with
    :func:`add_name_counts`; :func:`pick_names` chooses from them.
    """
    raw, seen = pd.factorize(pd.Series(names, dtype=object))  # NaN: -1
    clean = np.array([str(u).strip() for u in seen] + [""], dtype=object)  # stripped once each
    text = clean[raw]
    inverse, uniq = pd.factorize(text)
    bad = np.array([is_note(u) for u in uniq], dtype=bool)[inverse]
    pos = np.arange(start, start + len(text))
    rows = pd.DataFrame({"uid": uid, "name": text, "pos": pos})[~bad]
    counts = rows.groupby(["uid", "name"], sort=False).agg(n=("pos", "size"), last=("pos", "max"))
    return counts.reset_index()


def add_name_counts(*parts: pd.DataFrame) -> pd.DataFrame:
    """The :func:`name_counts` of several parts as one."""
    both = pd.concat(parts, ignore_index=True)
    return (
        both.groupby(["uid", "name"], sort=False)
        .agg(n=("n", "sum"), last=("last", "max"))
        .reset_index()
    )


def pick_names(counts: pd.DataFrame) -> pd.Series:
    """Product -> the name with the most lines, ties to the one used last."""
    best = counts.sort_values(["uid", "n", "last"], ascending=[True, False, False])
    return best.drop_duplicates("uid").set_index("uid")["name"]


def spelling_groups(codes: np.ndarray, uniques: np.ndarray) -> tuple[list, list]:
    """The codes written two ways: ``(spaced, cased)``.

    ``codes`` index ``uniques`` (the raw distinct values, stripped; ``-1``: empty), so
    a code written with and without spaces around it shows up twice in ``uniques``.
    ``spaced`` lists those codes; ``cased`` lists each group of spellings that differ
    only in letter case, the spelling on most rows first.
    """
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    per = pd.Series(counts, index=pd.Index(uniques, dtype=object)).groupby(level=0).sum()
    spaced = sorted(set(pd.Index(uniques, dtype=object)[pd.Index(uniques).duplicated()]))
    keys = per.index.str.casefold()
    several = keys.duplicated(keep=False)  # only these can be written two ways
    folded = per[several].groupby(keys[several], sort=False)
    cased = []
    for _, group in folded:
        if len(group) > 1:
            cased.append(list(group.sort_values(ascending=False, kind="stable").index))
    return spaced, cased


def report_spellings(
    report: Report, col: str, codes: np.ndarray, uniques: np.ndarray, rownum, merge: bool
) -> np.ndarray | None:
    """Report codes written two ways; with ``merge``, return ``uniques`` with each case
    variant replaced by its group's first spelling (``None`` when nothing changes)."""
    spaced, cased = spelling_groups(codes, uniques)
    if spaced:
        shown = ", ".join(spaced[:5]) + (" ..." if len(spaced) > 5 else "")
        report.add(
            "info",
            "codes_with_spaces",
            f"Codes written both with and without spaces around them ({len(spaced)}): {shown}",
            f"有 {len(spaced)} 个编码有时带前后空格、有时不带（例如 {shown}）",
            column=col,
            action_en="read without the spaces, as one product each",
            action_zh="去掉空格后读取，各自算作一个商品",
        )
    if not cased:
        return None
    shown = "; ".join(" / ".join(g) for g in cased[:5]) + (" ..." if len(cased) > 5 else "")
    spelled = {s for g in cased for s in g}
    rows = rownum[np.isin(codes, np.flatnonzero(np.isin(uniques, list(spelled))))].tolist()
    if not merge:
        report.add(
            "warning",
            "case_variant_codes",
            f"Codes written in different letter case ({len(cased)}): {shown}; they are read "
            "as different products",
            f"有 {len(cased)} 个编码的大小写写法不一（{shown}）：目前按不同商品读取",
            column=col,
            rows=rows,
            action_en="if they are the same products, import with --merge-case-codes "
            "(in the window: merge codes that differ only in case)",
            action_zh="如果是同一商品，请用 --merge-case-codes 重新导入（窗口中：合并仅大小写不同的编码）",
        )
        return None
    canon = {s: g[0] for g in cased for s in g}
    report.add(
        "info",
        "case_codes_merged",
        f"Codes written in different letter case were merged ({len(cased)}): {shown}",
        f"已合并 {len(cased)} 个仅大小写不同的编码（{shown}）",
        column=col,
        rows=rows,
        action_en="each read as the spelling used on most rows",
        action_zh="统一为出现次数最多的写法",
    )
    return np.array([canon.get(u, u) for u in uniques], dtype=object)


def product_names(dataset, *, ids_when_unnamed: bool = True) -> dict[str, str]:
    """``unique_id`` -> the name a person reads, for tables and reports.

    The name column where the file has one (an empty name stays empty); else the source's
    first ID column (``ids_when_unnamed``), else nothing. ``dataset`` may be ``None``.
    """
    if dataset is None:
        return {}
    series = dataset.series
    ids = [c for c in dataset.mapping.ids if c in series.columns]
    if "name" in series.columns:
        col = "name"
    elif ids_when_unnamed:
        col = ids[0] if ids else "unique_id"
    else:
        return {}
    names = series[col].fillna("").astype(str)
    return dict(zip(series["unique_id"].astype(str), names, strict=True))
