"""Picking the date, order, product and quantity columns of one sales table, and saying how.

:class:`Context` holds a table's column evidence (:mod:`core.data.roles`) and picks the
core roles one after another, each seeing the ones before: the date first, then an
order number (lines of one order share a date), then the product code (it recurs
across dates and changes within an order), then the quantity. Each pick is a
:class:`~core.data.roles.RoleChoice`; :meth:`Context.describe` lists them for
``inspect``. :func:`warn_unused_codes` warns loudly when a column full of repeating
product codes is left out of the product IDs, so a shop is never silently read as
one product.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.dataset import ColumnMapping
from core.data.headers import names_money, names_role
from core.data.report import Report
from core.data.roles import (
    REFUTED,
    RoleChoice,
    choose,
    column_evidence,
    content_scores,
    distinct_rows,
    header_strength,
    splits,
)
from core.errors import InputError

__all__ = ["Context", "no_date", "no_target", "warn_unused_codes"]

_ROLE_TEXT = {"date": ("date", "日期"), "ids": ("product ID", "商品 ID"),
              "target": ("quantity", "销量")}  # fmt: skip
#: Content fit a product-code column must reach to be taken, or warned about, unnamed.
PRODUCT_FIT = 0.6
ORDER_FIT = 0.7
QUANTITY_FIT = 0.4


def no_date(columns: list[str]) -> InputError:
    """The error for a table with no date column."""
    shown = ", ".join(columns[:15])
    return InputError(
        "No date column was found: no header reads like a date (日期, 下单时间, date ...) and no "
        f"column holds dates. Columns: {shown}. Name the date column (command line: --date-col).",
        "未找到日期列：没有类似日期的表头（日期、下单时间、date 等），也没有内容为日期的列。"
        f"现有列：{shown}。请指定日期列（命令行：--date-col）。",
    )


def no_target(columns: list[str], per_unit: tuple[str, str] | None = None) -> InputError:
    """The error for a table where no column reads as the quantity sold.

    ``per_unit`` names an order-number column whose values repeat and a line-ID column
    unique per row (:meth:`Context.per_unit_lines`): each row may be one unit sold, and
    the message says how to count rows.
    """
    shown = ", ".join(columns) or "-"
    en = (
        "Cannot tell which column holds the quantity sold (销量/数量/sales/quantity ...). "
        f"Candidates: {shown}. Choose it under Columns in the Import view (command line: --target-col)."
    )
    zh = (
        "无法判断哪一列是销量（销量、数量、sales、quantity 等）。"
        f"候选列：{shown}。请在“导入”页的“列映射”中指定销量列（命令行：--target-col）。"
    )
    if per_unit:
        order, line = per_unit
        en += (
            f" Each row may be one unit sold: '{order}' repeats within an order and '{line}' "
            "differs on every row. To count each row as one unit, import with --count-rows "
            '(in the window: tick "Each row is one unit sold" under Columns).'
        )
        zh += (
            f"每行可能就是售出的一件：“{order}”在同一订单内重复，“{line}”每行都不同。"
            "如需把每行计为一件，请用 --count-rows 导入（窗口中：在“列映射”里勾选“每行是售出的一件”）。"
        )
    return InputError(en, zh)


class Context:
    """One table's evidence and the roles picked so far (see module doc)."""

    def __init__(self, frame, columns, free, found, report: Report | None = None):
        self.frame = frame
        self.columns = columns
        self.free = free
        self.found = found
        self.report = report
        self.evidence = column_evidence(frame, columns)
        self.header = header_strength(free, found)
        self.choices: dict[str, RoleChoice] = {}
        self.order: str | None = None

    def refine_headers(self) -> None:
        """Let contents overrule the header's pick for the name and price roles.

        Shopify's ``Name`` holds order numbers (``#1001``); its ``Lineitem name`` holds
        the product names: a picked column whose contents do not fit gives way to
        another column whose header also names the role and whose contents do.
        """
        for role in ("name", "price"):
            col = self.found.get(role)
            fit = content_scores(role, self.evidence)
            if not col or fit[col] >= REFUTED:
                continue
            claimed = set(self.found.values())
            alts = [c for c in self.header[role] if c not in claimed and fit[c] >= 0.5]
            if alts:
                new = max(alts, key=lambda c: fit[c])
                self.found[role] = new
                self.header[role].update({col: 0.6, new: 1.0})

    def _headed(self, *keep: str) -> set[str]:
        """Columns whose headers name a role other than ``keep``."""
        return {c for r, c in self.found.items() if r not in keep}

    def _note(self, role: str, choice: RoleChoice, header: str | None) -> None:
        col = choice.column
        if isinstance(col, list):
            col = col[-1] if col else None
        if self.report is None or not col or col == header:
            return
        en, zh = _ROLE_TEXT[role]
        if header:
            self.report.add(
                "info",
                f"refuted_{role}",
                f"Column '{header}' is named like the {en} column but its contents do not "
                f"fit; column '{col}' was chosen from its contents",
                f"列“{header}”的表头像{zh}列，但内容不符；已根据内容选择列“{col}”",
                column=col,
                action_en="check the mapping",
                action_zh="请核对列映射",
            )
        elif role == "ids":
            self.report.add(
                "info",
                "guessed_ids",
                f"No header names the product ID; column '{col}' was chosen from its "
                "contents (codes that recur across dates)",
                f"没有表头标明商品 ID 列，已根据内容选择列“{col}”（在多个日期重复出现的编码）",
                column=col,
                action_en="check the mapping (--id-cols to change it)",
                action_zh="请核对列映射（可用 --id-cols 更改）",
            )

    def pick_date(self, date_col: str | None, guessed: list[str]) -> str:
        if date_col:
            self.choices["date"] = RoleChoice("date", date_col, 1.0, source="user")
            return date_col
        header = self.found.get("date")
        content = content_scores("date", self.evidence)
        choice = choose(
            "date", self.header["date"], content, self.free, header_pick=header, threshold=0.9
        )
        if choice.column is None:
            raise no_date(self.columns)
        if choice.source == "content" and not header:
            guessed.append("date")
        self._note("date", choice, header)
        self.choices["date"] = choice
        return choice.column

    def pick_order(self, date: str) -> str | None:
        """An order-number column, by header or by contents (see module doc)."""
        if "order" in self.found:
            self.order = self.found["order"]
            return self.order
        skip = self._headed("order") | {date}
        cands = [c for c in self.free if c not in skip]
        content = content_scores("order", self.evidence, date)
        best = max(cands, key=lambda c: content[c], default=None)
        self.order = best if best and content[best] >= ORDER_FIT else None
        return self.order

    def pick_ids(self, id_cols: list[str] | None, date: str, order: str | None) -> list[str]:
        if id_cols is not None:
            self.choices["ids"] = RoleChoice("ids", list(id_cols), 1.0, source="user")
            return list(id_cols)
        store = self.found.get("store") if self.found.get("store") != date else None
        header = self.found.get("item") if self.found.get("item") != date else None
        skip = self._headed("item") | {date, order}
        cands = [c for c in self.free if c not in skip]
        content = content_scores("item", self.evidence, date, order)
        if header:
            # IDs that make (IDs, date) a key are borne out by the contents, codes or not
            key = self.key_share([c for c in (store, header) if c], date)
            content[header] = max(content[header], 0.8 * key if key >= 0.95 else 0.0)
            header = self._finest(header, cands, content)
        choice = choose(
            "ids", self.header["item"], content, cands, header_pick=header, threshold=PRODUCT_FIT
        )
        if store and choice.column and not self._splits_products(store, choice.column):
            self._redundant_note(store, choice.column)
            store = None  # one warehouse for the whole file, or one per product: no ID
        ids = ([store] if store else []) + ([choice.column] if choice.column else [])
        choice.column = ids
        self._note("ids", choice, header)
        self.choices["ids"] = choice
        return ids

    def _splits_products(self, extra: str, main: str) -> bool:
        """Whether ``extra`` (a store or warehouse column) tells apart some products that
        ``main``'s codes do not: a column with one value, or one value per product, adds
        nothing to the product ID."""
        ev, code = self.evidence[extra], self.evidence[main]
        where = np.where(ev.codes >= 0, 0, -1)  # the rows where ``extra`` is filled
        return (
            ev.distinct >= 2
            and distinct_rows([code.codes, ev.codes])[0] > distinct_rows([code.codes, where])[0]
        )

    def _redundant_note(self, extra: str, main: str) -> None:
        if self.report is None:
            return
        filled = np.flatnonzero(self.evidence[extra].codes >= 0)
        if not filled.size:
            en, zh = "it is empty", "它是空的"
        elif self.evidence[extra].distinct < 2:
            value = str(self.frame[extra].iloc[filled[0]]).strip()
            en = f"it holds a single value ('{value}') throughout"
            zh = f"全表只有一个值（“{value}”）"
        else:
            en = f"each code in '{main}' has a single '{extra}' value"
            zh = f"“{main}”的每个编码只对应一个“{extra}”值"
        self.report.add(
            "info",
            "redundant_id_column",
            f"Column '{extra}' is named like a store or warehouse, but {en}: it tells no "
            f"products apart and is not part of the product ID",
            f"列“{extra}”的表头像店铺或仓库，但{zh}：它区分不出商品，未用作商品 ID",
            column=extra,
            action_en=f"to forecast per '{extra}' anyway, import with --id-cols {extra},{main}",
            action_zh=f"如仍需按“{extra}”分开预测，请用 --id-cols {extra},{main} 重新导入",
        )

    def _finest(self, pick: str, cands: list[str], content: dict[str, float]) -> str:
        """The finest product-code column that divides ``pick`` (a variant's code, not its
        style's): headed like a product code, recurring like one, each value within one of
        ``pick``'s values."""
        finer = [
            c
            for c in cands
            if c != pick
            and content[c] >= PRODUCT_FIT
            and names_role(c, "item")
            and splits(self.evidence[pick], self.evidence[c])
        ]
        best = max(finer, key=lambda c: self.evidence[c].distinct, default=pick)
        if best != pick:
            self.header["item"].update({pick: 0.6, best: 1.0})
            self._finer_note(pick, best)
        return best

    def _finer_note(self, coarse: str, fine: str) -> None:
        if self.report is not None:
            self.report.add(
                "info",
                "variant_ids",
                f"Column '{fine}' divides the codes of '{coarse}' further (the variants of "
                f"each product): sales are forecast per '{fine}'",
                f"列“{fine}”把“{coarse}”的编码进一步细分（每个商品的规格）：按“{fine}”预测销量",
                column=fine,
                action_en=f"to forecast per '{coarse}' instead, import with --id-cols {coarse}",
                action_zh=f"如需按“{coarse}”预测，请用 --id-cols {coarse} 重新导入",
            )

    def pick_target(self, target_col: str | None, taken: set, guessed: list[str]) -> str:
        if target_col:
            self.choices["target"] = RoleChoice("target", target_col, 1.0, source="user")
            return target_col
        header = self.found.get("target") if self.found.get("target") not in taken else None
        skip = taken | self._headed("target") | {self.order}
        cands = [c for c in self.columns if c not in skip and (c == header or not names_money(c))]
        content = content_scores("target", self.evidence)
        ids = self.choices["ids"].column if "ids" in self.choices else []
        for c in cands:
            if c != header and content[c] > 0 and self._per_product(c, ids):
                content[c] = 0.0  # the same number on every row of a product: its ID or size
        choice = choose(
            "target", self.header["target"], content, cands, header_pick=header,
            threshold=QUANTITY_FIT,
        )  # fmt: skip
        if choice.column is None:
            numeric = [c for c in cands if self.evidence[c].number >= 0.9
                       and not self._per_product(c, ids) and not self._line_ids(c)]  # fmt: skip
            if len(numeric) != 1:
                raise no_target(cands, self.per_unit_lines())
            choice = RoleChoice("target", numeric[0], 0.5 * content[numeric[0]], source="content")
        if choice.source == "content" and not header:
            guessed.append("target")
        self._note("target", choice, header)
        self.choices["target"] = choice
        return choice.column

    def ignored_target(self, target_col: str | None, taken: set) -> str | None:
        """The quantity column that counting rows sets aside: the user's, or the one the
        contents point to (``None`` when no column reads as a quantity)."""
        if target_col:
            return target_col
        try:
            return self.pick_target(None, taken, [])
        except InputError:
            return None
        finally:
            self.choices.pop("target", None)  # rows are counted: no column is the quantity

    def per_unit_lines(self) -> tuple[str, str] | None:
        """An order-number column whose values repeat and a line-ID column unique per row
        (an order-item ID: numbers or codes, no date): the shape of an export with one row
        per unit sold. ``None`` when the table does not look like that."""
        order = self.order
        if not order or order not in self.evidence or self.evidence[order].repeat < 1.1:
            return None
        for col in self.columns:
            ev = self.evidence[col]
            shaped = ev.date < 0.5 and (ev.number >= 0.9 or ev.code >= 0.5)
            if col != order and shaped and self._line_ids(col):
                return order, col
        return None

    def _line_ids(self, col: str) -> bool:
        """Whether ``col`` numbers the rows (an order-item ID): a value on every row, each once."""
        ev = self.evidence[col]
        return ev.rows >= 20 and ev.filled > 0.95 and ev.repeat < 1.05

    def _per_product(self, col: str, ids: list[str]) -> bool:
        """Whether ``col`` holds one value per product (and the products repeat): an
        attribute of the product, never the quantity sold, which varies."""
        ids = [c for c in ids if c in self.evidence]
        ev = self.evidence[col]
        if not ids or ev.distinct < 2:
            return False
        products, rows = distinct_rows([self.evidence[c].codes for c in ids])
        if rows < 3 * products:
            return False
        return distinct_rows([*(self.evidence[c].codes for c in ids), ev.codes])[0] == products

    def describe(self, mapping: ColumnMapping, order: str | None) -> dict:
        """Role -> column, confidence and runner-up, JSON-ready, for ``inspect``."""
        out = {r: self.choices[r].to_dict() for r in ("date", "ids", "target") if r in self.choices}
        used = set(mapping.used_columns())
        for role, col in (
            ("price", mapping.price),
            ("revenue", mapping.revenue),
            ("name", mapping.name),
            ("order", order),
        ):
            if not col:
                continue
            kind = "price" if role == "revenue" else role
            content = content_scores(kind, self.evidence, mapping.date)
            cands = [col] + [c for c in self.free if c not in used and c != col]
            choice = choose(
                role, self.header.get(role, {}), content, cands, header_pick=col, threshold=2.0
            )
            out[role] = choice.to_dict()
        return out

    def key_share(self, ids: list[str], date: str) -> float:
        """Distinct (IDs, date) pairs per row: 1.0 when each product has one row per date."""
        distinct, rows = distinct_rows([self.evidence[c].codes for c in [*ids, date]])
        return distinct / rows if rows else 0.0

    def n_series(self, ids: list[str]) -> int:
        """Distinct products the ID columns give, in the sampled rows."""
        cols = [c for c in ids if c in self.evidence]
        if not cols:
            return 1
        distinct, rows = distinct_rows([self.evidence[c].codes for c in cols])
        return max(1, distinct) if rows else 1


def warn_unused_codes(report: Report, ctx: Context, mapping: ColumnMapping) -> None:
    """Warn when a column of many repeating product codes is not among the product IDs."""
    used = set(mapping.used_columns()) | ctx._headed("item")  # a buyer's nickname is no product
    fit = content_scores("item", ctx.evidence, mapping.date, ctx.order)
    series = ctx.n_series(mapping.ids)
    for col in sorted(fit, key=lambda c: -fit[c]):
        ev = ctx.evidence[col]
        if col in used or fit[col] < PRODUCT_FIT or ev.repeat < 2:
            continue
        if ev.distinct < 20 or ev.distinct < 5 * series:
            continue
        n = int(pd.Series(ctx.frame[col]).astype(str).str.strip().replace("", None).nunique())
        report.add(
            "warning",
            "unused_product_codes",
            f"Column '{col}' holds {n} different codes that recur across dates, but it is "
            f"not a product ID column: the sales of all of them are added into {series} "
            "series",
            f"列“{col}”含有 {n} 个不同的编码且在多个日期重复出现，但未用作商品 ID 列："
            f"它们的销量被合并成 {series} 个序列",
            column=col,
            action_en=f"if '{col}' names the products, import with --id-cols {col} "
            "(in the window: choose it as the product ID)",
            action_zh=f"如果“{col}”是商品编码，请用 --id-cols {col} 重新导入（窗口中：将其选为商品 ID）",
        )
        return
