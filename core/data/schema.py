"""Which column is which: detecting the column mapping from headers and contents.

Headers are matched by :func:`core.data.headers.match_headers` (English and Chinese
names that shop back-ends really use); every column's contents are weighed too
(:mod:`core.data.roles`, :mod:`core.data.role_picks`): contents find the date, the
product codes and the quantity where headers say nothing, and overrule a header whose
column does not fit. The user's overrides always win and are checked against the
real columns.
"""

from __future__ import annotations

import difflib

import pandas as pd

from core.data.dataset import ColumnMapping
from core.data.headers import match_headers
from core.data.report import Report
from core.data.role_picks import Context as _Context
from core.data.role_picks import warn_unused_codes
from core.errors import InputError

__all__ = [
    "OPTIONAL_ROLES",
    "changed_roles",
    "check_columns",
    "check_roles",
    "detect_mapping",
    "role_name",
]


def _suggest(name: str, columns: list[str]) -> str:
    close = difflib.get_close_matches(name, columns, n=3, cutoff=0.4)
    return ", ".join(close) if close else ", ".join(columns[:12])


def check_columns(names: list[str], columns: list[str], flag: str) -> None:
    """Raise a clear :class:`InputError` when an override names a missing column."""
    for name in names:
        if name not in columns:
            hint = _suggest(name, columns)
            raise InputError(
                f"{flag}: the file has no column '{name}'. Columns that come close: {hint}.",
                f"{flag}：文件中没有名为“{name}”的列。相近的列：{hint}。",
            )


#: Roles besides date, IDs and target that the user can give a column or none.
OPTIONAL_ROLES = ("price", "revenue", "promo", "stock", "name", "category", "brand")
_ROLE_ZH = {"price": "价格", "revenue": "销售额", "promo": "促销", "stock": "库存",
            "name": "商品名称", "category": "类目", "brand": "品牌"}  # fmt: skip


def check_roles(roles: dict[str, str] | None, columns: list[str]) -> dict[str, str | None]:
    """The user's column for each optional role (``None``: no column), checked.

    ``roles`` maps a role of :data:`OPTIONAL_ROLES` to a column name, or to an empty
    string (or ``None``) for "the file has no such column". Unknown roles, missing
    columns and one column given two roles raise a bilingual :class:`InputError`.
    """
    out: dict[str, str | None] = {}
    for role, col in (roles or {}).items():
        if role not in OPTIONAL_ROLES:
            raise InputError(
                f"Unknown column role '{role}'; use one of {', '.join(OPTIONAL_ROLES)}.",
                f"未知的列角色“{role}”；可选：{'、'.join(OPTIONAL_ROLES)}。",
            )
        out[role] = str(col) if col else None
        if col:
            check_columns([str(col)], columns, f"--{role}-col")
    named = [c for c in out.values() if c]
    twice = sorted({c for c in named if named.count(c) > 1})
    if twice:
        raise InputError(
            f"Column '{twice[0]}' is given two roles; give each column one role.",
            f"列“{twice[0]}”被指定了两个角色；每列只能有一个角色。",
        )
    return out


def role_name(role: str, lang: str = "en") -> str:
    """A role's name for messages (``price`` -> ``价格`` in Chinese)."""
    return _ROLE_ZH.get(role, role) if lang == "zh" else role


def _claim_roles(mapping: ColumnMapping, found: dict, chosen: dict, taken: set) -> None:
    """Give each optional role the user's column, else the detected one not yet taken."""
    for role, col in chosen.items():
        if col in taken:
            raise InputError(
                f"Column '{col}' is already the date, ID or sales column; it cannot also be "
                f"the {role} column.",
                f"列“{col}”已用作日期、商品 ID 或销量列，不能同时作为{role_name(role, 'zh')}列。",
            )
    taken |= {c for c in chosen.values() if c}
    for role in OPTIONAL_ROLES:
        col = chosen[role] if role in chosen else found.get(role)
        if col and (role in chosen or col not in taken):
            setattr(mapping, role, col)
            taken.add(col)


def detect_mapping(
    frame: pd.DataFrame,
    date_col: str | None = None,
    id_cols: list[str] | None = None,
    target_col: str | None = None,
    feature_cols: list[str] | None = None,
    roles: dict[str, str] | None = None,
    report: Report | None = None,
    count_rows: bool = False,
) -> tuple[ColumnMapping, dict, list[str]]:
    """Detect the long-table mapping from contents and headers, applying the user's overrides.

    Each column's contents are weighed for each role (:mod:`core.data.roles`); a
    header naming the role is strong evidence that the contents can refute. ``roles``
    gives optional roles a column, or none (see :func:`check_roles`); the other
    optional roles are found from the headers. ``report`` receives the notes on
    roles found from contents and the warning when a column of repeating product
    codes is left out of the product IDs.

    Returns
    -------
    mapping : ColumnMapping
    hints : dict
        ``order``: an order-number column (the table holds order lines);
        ``status``: an order-status column (closed or refunded orders are not sales);
        ``roles``: role -> :meth:`RoleChoice.to_dict` (column, confidence, runner-up);
        ``ignored_target``: with ``count_rows``, the quantity column set aside, if any.
    guessed : list of str
        Roles decided from contents rather than headers (to tell the user).
    """
    columns = [str(c) for c in frame.columns]
    for flag, names in (
        ("--date-col", [date_col] if date_col else []),
        ("--id-cols", id_cols or []),
        ("--target-col", [target_col] if target_col else []),
        ("--feature-cols", feature_cols or []),
    ):
        check_columns(names, columns, flag)
    chosen = check_roles(roles, columns)
    explicit = {c for c in [date_col, target_col, *(id_cols or []), *(feature_cols or [])] if c}
    explicit |= {c for c in chosen.values() if c}
    free = [c for c in columns if c not in explicit]
    found = match_headers(free)
    ctx = _Context(frame, columns, free, found, report)
    ctx.refine_headers()
    guessed: list[str] = []
    date = ctx.pick_date(date_col, guessed)
    order = ctx.pick_order(date)
    ids = ctx.pick_ids(id_cols, date, order)
    taken = {date, *ids, *(feature_cols or [])}
    if count_rows:
        target, ignored = None, ctx.ignored_target(target_col, taken | explicit)
    else:
        target, ignored = ctx.pick_target(target_col, taken | explicit, guessed), None
    mapping = ColumnMapping(date=date, ids=ids, target=target, features=list(feature_cols or []))
    taken |= {target} if target else set()
    _claim_roles(mapping, found, chosen, taken)
    hints: dict = {r: found[r] for r in ("order", "status") if r in found and found[r] not in taken}
    if order and order not in taken and "order" not in hints:
        hints["order"] = order
    if ignored:
        hints["ignored_target"] = ignored
    hints["roles"] = ctx.describe(mapping, hints.get("order"))
    if report is not None:
        warn_unused_codes(report, ctx, mapping)
    return mapping, hints, guessed


def changed_roles(mapping: ColumnMapping, columns: list[str], roles: dict | None) -> dict:
    """The optional roles where the user's choice differs from what the headers say.

    Returns role -> column (``None``: the user said the file has none), for the import
    report: a choice that only repeats the detection is not worth a line.
    """
    if not roles:
        return {}
    chosen = check_roles(roles, columns)
    core = {mapping.date, mapping.target, *mapping.ids, *mapping.features}
    natural = match_headers([c for c in columns if c not in core])
    return {r: c for r, c in chosen.items() if natural.get(r) != c}
