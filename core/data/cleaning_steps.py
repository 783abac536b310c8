"""The steps of :func:`core.data.cleaning.clean`, run on one working copy of the frame.

Internal to :mod:`core.data.cleaning`, which holds the options, the result and the
documentation of each step's defaults; import from there. :class:`Cleaner` keeps
a copy of the frame sorted by ``unique_id, ds`` with two helper columns (the
product's code and whether a row was inserted), and each step method changes it,
logging one row per changed value and one ``info`` finding per kind of change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.data.dataset import Dataset
from core.data.report import Report
from core.data.stockouts import find_stockouts
from core.errors import InputError
from core.periods import PeriodGrid, bfill_index, ffill_index

if TYPE_CHECKING:
    from core.data.cleaning import CleaningOptions

CHANGE_COLUMNS = ["unique_id", "ds", "step", "column", "before", "after", "_row"]
_CODE, _INS = "__code", "__inserted"
_DUP_RULES = {
    "sum": ("summed", "求和"),
    "mean": ("averaged", "取平均"),
    "last": ("last value", "取最后值"),
}
_FILL_TEXT = {
    "zero": ("set to 0", "填 0"),
    "ffill": ("previous value, 0 before the first", "沿用前值，首个值之前填 0"),
    "linear": ("linear interpolation", "线性插值"),
    "mean": ("product mean", "商品均值"),
    "median": ("product median", "商品中位数"),
}


class Cleaner:
    """Working state shared by the steps: a sorted copy of the frame plus helpers.

    Parameters
    ----------
    dataset : Dataset
        Data to clean; it is copied, never modified.
    options : CleaningOptions
        Validated options.
    """

    def __init__(self, dataset: Dataset, options: CleaningOptions) -> None:
        self.dataset, self.options = dataset, options
        self.report, self.changes = Report(), []
        m = dataset.mapping
        self.names = {"y": m.target, "price": m.price, "stock": m.stock, "ds": m.date}
        self.frame, self.uniques = _sorted_copy(dataset.frame)

    def _col(self, name: str) -> np.ndarray:
        return self.frame[name].to_numpy()

    def _log(self, step: str, column: str, mask: np.ndarray, before, after) -> None:
        """Record one change row per ``True`` in ``mask`` (columns, made a table at the end)."""
        picked = {c: self.frame[c].to_numpy()[mask] for c in ("unique_id", "ds", "_row")}
        extra = {"step": step, "column": column, "before": before, "after": after}
        self.changes.append({**picked, **extra})

    def _note(self, code: str, col: str, text: tuple, action: tuple, mask=None, n=None) -> None:
        """Add an info finding; ``mask`` marks the rows touched (for the row list)."""
        rows = self._col("_row")[mask] if mask is not None else np.empty(0, dtype=int)
        self.report.add(
            "info", code, text[0], text[1], column=self.names[col] or col,
            rows=np.sort(rows[rows > 0]).tolist(), n_rows=int(mask.sum()) if n is None else n,
            action_en=action[0], action_zh=action[1],
        )  # fmt: skip

    def duplicates(self) -> None:
        """Merge rows sharing ``(unique_id, ds)`` into the first of them."""
        codes, ds = self._col(_CODE), self._col("ds")
        dup_prev = np.r_[False, (codes[1:] == codes[:-1]) & (ds[1:] == ds[:-1])]
        if not dup_prev.any():
            return
        in_group = dup_prev | np.r_[dup_prev[1:], False]
        group = np.unique(np.cumsum(~dup_prev)[in_group], return_inverse=True)[1]
        merged = _aggregate(self.frame[in_group], group, self.options.duplicates)
        after = merged["y"].to_numpy()[group]
        self._log("duplicates", "y", in_group, self._col("y")[in_group], after)
        n_keys, n = int(group.max()) + 1, int(in_group.sum())
        rule_en, rule_zh = _DUP_RULES[self.options.duplicates]
        self._note(
            "clean_duplicates", "y",
            (f"{n} rows share a product and date with another row; merged into {n_keys} row(s).",
             f"{n} 行与其他行的商品和日期相同，已合并为 {n_keys} 行。"),
            (f"sales {rule_en}; price averaged, promo maximum, stock last value",
             f"销量{rule_zh}；价格取平均，促销取最大，库存取最后值"),
            mask=in_group,
        )  # fmt: skip
        keep = self.frame[~dup_prev].reset_index(drop=True)
        where = (np.cumsum(~dup_prev) - 1)[in_group & ~dup_prev]
        for col in merged:
            values = keep[col].to_numpy(copy=True)
            if values.dtype != object:
                values = values.astype(np.result_type(values.dtype, merged[col].dtype))
            values[where] = merged[col].to_numpy()
            keep[col] = values
        self.frame = keep

    def negatives(self) -> None:
        """Set negative sales (returns) to 0 when ``negatives="zero"``."""
        y = self._col("y")
        mask = y < 0
        if self.options.negatives != "zero" or not mask.any():
            return
        self._log("negatives", "y", mask, y[mask], 0.0)
        self.frame["y"] = np.where(mask, 0.0, y)
        n = int(mask.sum())
        self._note(
            "clean_negatives", "y",
            (f"Negative sales (returns) set to 0 in {n} row(s).", f"{n} 行的负销量（退货）已设为 0。"),
            ("set to 0", "设为 0"), mask=mask,
        )  # fmt: skip

    def gaps(self) -> None:
        """Insert the periods missing between each product's first and last date."""
        if not self.options.fill_gaps:
            return
        grid = _gap_grid(self.dataset.freq)
        codes, buckets = self._col(_CODE), grid.periods(self._col("ds"))
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        ends = np.r_[starts[1:] - 1, codes.size - 1]
        distinct = np.add.reduceat(np.r_[True, buckets[1:] != buckets[:-1]].astype(int), starts)
        missing = buckets[ends] - buckets[starts] + 1 - distinct
        if not missing.any():
            return
        sel = np.flatnonzero(missing > 0)
        span = buckets[ends[sel]] - buckets[starts[sel]] + 1
        all_codes = np.repeat(codes[starts[sel]], span)
        all_buckets = np.repeat(buckets[starts[sel]] - np.cumsum(span) + span, span)
        all_buckets += np.arange(span.sum())
        low, width = buckets.min(), buckets.max() - buckets.min() + 1
        have = np.isin(all_codes * width + all_buckets - low, codes * width + buckets - low)
        self._insert(all_codes[~have], grid.dates(all_buckets[~have]))
        n = int(missing.sum())
        self._note(
            "clean_gaps", "ds",
            (f"{n} missing period(s) inserted inside the date ranges of {sel.size} product(s).",
             f"在 {sel.size} 个商品的日期范围内插入了 {n} 个缺失周期。"),
            ("sales filled in the next step; promo set to 0", "销量在下一步填充；促销设为 0")
            if "promo" in self.frame.columns
            else ("sales filled in the next step", "销量在下一步填充"),
            n=n,
        )  # fmt: skip
        for col in ("price", "stock"):
            if col in self.frame:
                self._carry_forward(col)

    def _insert(self, codes: np.ndarray, dates: np.ndarray) -> None:
        """Append NaN rows for the missing periods and restore the sort order."""
        rows = {"unique_id": self.uniques[codes], "ds": dates, "y": np.nan, "_row": 0}
        rows.update({_CODE: codes, _INS: True})
        if "promo" in self.frame:
            rows["promo"] = 0
        # the unsorted frame replaces the old one at once: two whole copies at most, not three
        self.frame = pd.concat([self.frame, pd.DataFrame(rows)], ignore_index=True)
        del rows
        order = np.lexsort((self._col("ds").view(np.int64), self._col(_CODE)))
        self.frame = self.frame.take(order)  # stable: as sort_values, without its key copies
        self.frame.index = pd.RangeIndex(len(order))
        self._log("gaps", "y", self._col(_INS), np.nan, np.nan)

    def _carry_forward(self, col: str) -> None:
        """Forward-fill ``col`` into inserted rows within each series."""
        values = self.frame[col].to_numpy(dtype=np.float64, copy=True)
        idx = ffill_index(~np.isnan(values), self._col(_CODE))
        mask = self._col(_INS) & (idx >= 0)
        if not mask.any():
            return
        self._log("gaps", col, mask, np.nan, values[idx[mask]])
        values[mask] = values[idx[mask]]
        self.frame[col] = values
        n, what = int(mask.sum()), "价格" if col == "price" else "库存"
        self._note(
            f"clean_gap_{col}", col,
            (f"{n} inserted period(s) took the {col} of the previous period.",
             f"{n} 个插入周期的{what}沿用了前一周期的值。"),
            ("carried forward", "沿用前值"), n=n,
        )  # fmt: skip

    def fill(self) -> None:
        """Fill missing sales (inserted periods and empty cells) per product."""
        y = self._col("y").astype(np.float64)
        missing = np.isnan(y)
        if not missing.any():
            return
        filled = _fill_values(y, missing, self._col(_CODE), self.options.fill)[missing]
        filled[np.isnan(filled)] = 0.0  # products with no observed value at all
        self._log("fill", "y", missing, np.nan, filled)
        y[missing] = filled
        self.frame["y"] = y
        inserted = missing & self._col(_INS)
        cells = missing & ~inserted
        how = _FILL_TEXT[self.options.fill]
        n_ins, n_cells = int(inserted.sum()), int(cells.sum())
        if n_ins:
            self._note(
                "clean_fill_inserted", "y",
                (f"Sales of {n_ins} inserted period(s) filled: {how[0]}.",
                 f"{n_ins} 个插入周期的销量已填充：{how[1]}。"), how, mask=inserted,
            )  # fmt: skip
        if n_cells:
            self._note(
                "clean_fill_missing", "y",
                (f"{n_cells} empty or non-numeric sales cell(s) filled: {how[0]}.",
                 f"{n_cells} 个空白或非数字的销量单元格已填充：{how[1]}。"), how, mask=cells,
            )  # fmt: skip

    def outliers(self) -> None:
        """Clip each product's sales to its IQR or sigma band."""
        opts = self.options
        if opts.outliers == "none":
            return
        y, codes = self._col("y"), self._col(_CODE)
        low, high, flat = _bounds(pd.Series(y).groupby(codes), self.uniques.size, opts)
        clipped = np.clip(y, low[codes], high[codes])
        mask = clipped != y
        if opts.outliers == "iqr":
            rule = (f"IQR, k={opts.iqr_k:g}",) * 2
        else:
            rule = (f"mean ± {opts.sigma:g} std", f"均值 ± {opts.sigma:g} 倍标准差")
        if mask.any():
            self._log("outliers", "y", mask, y[mask], clipped[mask])
            self.frame["y"] = clipped
            n, m = int(mask.sum()), np.unique(codes[mask]).size
            self._note(
                "clean_outliers", "y",
                (f"{n} extreme sales value(s) in {m} product(s) clipped: {rule[0]}.",
                 f"{m} 个商品的 {n} 个极端销量已截断：{rule[1]}。"),
                ("clipped to the product's band", "截断到该商品的范围内"), mask=mask,
            )  # fmt: skip
        if flat:
            self._note(
                "clean_outliers_skipped", "y",
                (f"{flat} product(s) not clipped: most of their values are equal (IQR = 0).",
                 f"{flat} 个商品未做截断：大部分销量相同（IQR = 0）。"),
                ("left unchanged", "保持不变"), n=flat,
            )  # fmt: skip

    def stockouts(self) -> None:
        """Mark stock-out periods and add the demand estimated behind them."""
        if self.options.stockouts != "impute" or "stockout" in self.frame:
            return
        found = find_stockouts(self.frame, self.dataset.freq)
        mask = found.flag
        if not mask.any():
            return
        self._log("stockouts", "demand", mask, self._col("y")[mask], found.demand[mask])
        self.frame["stockout"], self.frame["demand"] = mask, found.demand
        line_en, line_zh = found.describe("en")[0], found.describe("zh")[0]
        self._note(
            "clean_stockouts", "y", (line_en, line_zh),
            ("sales kept as sold; demand estimated for training",
             "销量保持不变；为训练估计需求"), mask=mask,
        )  # fmt: skip

    def finish(self) -> tuple[Dataset, pd.DataFrame, Report]:
        """Drop helper columns; return the cleaned dataset, the changes and the new findings."""
        # the working copy is ours: the cleaned frame takes its columns as they are
        frame = pd.DataFrame({c: col for c, col in self.frame.items() if c not in (_CODE, _INS)},
                             copy=False)  # fmt: skip
        self.frame = None
        report = Report(list(self.dataset.report.findings))
        report.extend(self.report)
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in CHANGE_COLUMNS})
        changes = _change_table(self.changes) if self.changes else empty
        self.changes = []
        types = {"ds": "datetime64[ns]", "before": float, "after": float, "_row": np.int64}
        changes = changes.astype(types, copy=False)
        return self.dataset.with_frame(frame, report), changes, self.report


def _change_table(pieces: list[dict]) -> pd.DataFrame:
    """The logged changes as one table, built a column at a time (emptying ``pieces``).

    A big shop's gaps and fill steps log millions of rows each: a table per step and
    their concatenation at once were the peak memory of its cleaning.
    """
    sizes = [len(piece["unique_id"]) for piece in pieces]
    columns = {}
    for col in CHANGE_COLUMNS:
        parts = []
        for piece, n in zip(pieces, sizes, strict=True):
            value = piece.pop(col)
            if isinstance(value, str):  # the step's one text, the same object in every row
                text, value = value, np.empty(n, dtype=object)
                value.fill(text)
            elif np.ndim(value) == 0:  # one number for the whole step
                value = np.full(n, value)
            parts.append(np.asarray(value))
        columns[col] = np.concatenate(parts)
        del parts
    return pd.DataFrame(columns, copy=False)


def _gap_grid(freq: str) -> PeriodGrid:
    """Period grid of ``freq``, with an error message that names the gaps step."""
    try:
        return PeriodGrid.from_freq(freq)
    except InputError:
        raise InputError(
            f"Cannot insert missing periods for frequency {freq!r}; use D, W-MON..W-SUN, MS or ME.",
            f"无法按频率 {freq!r} 补齐缺失周期；请使用 D、W-MON..W-SUN、MS 或 ME。",
        ) from None


def _sorted_copy(source: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Copy of ``source`` sorted by ID and date, plus helper columns and the sorted IDs."""
    if source["ds"].isna().any():
        raise InputError("Some rows have no date.", "部分行没有日期。")
    ids = source["unique_id"]
    codes, uniques = pd.factorize(ids, sort=True)
    if ids.dtype != object or not all(isinstance(v, str) for v in uniques):
        ids = ids.astype(str).astype(object)
        codes, uniques = pd.factorize(ids, sort=True)
    ds = source["ds"].to_numpy("datetime64[ns]").view(np.int64)
    same = codes[1:] == codes[:-1]
    order = slice(None)
    if not np.all((codes[1:] > codes[:-1]) | (same & (ds[1:] >= ds[:-1]))):
        order = np.lexsort((ds, codes))  # stable: duplicates keep their source order
    # deep either way: the caller's frame is never touched or shared
    frame = source.copy() if isinstance(order, slice) else source.take(order)
    codes = codes[order]
    if ids is not source["unique_id"]:
        frame["unique_id"] = ids.to_numpy()[order]
    if frame["ds"].dtype != "datetime64[ns]":
        frame["ds"] = ds[order].view("datetime64[ns]")
    frame.index = pd.RangeIndex(len(frame))
    frame["y"] = frame["y"].astype(np.float64)
    if "_row" not in frame:
        frame["_row"] = 0
    frame[_CODE], frame[_INS] = codes, False
    return frame, np.asarray(uniques, dtype=object)


def _aggregate(sub: pd.DataFrame, group: np.ndarray, rule: str) -> pd.DataFrame:
    """One row per duplicate group (0..n-1), each column combined by its role."""
    grouped = sub.groupby(group, sort=True)
    y = grouped["y"]
    out = {"y": y.sum(min_count=1) if rule == "sum" else getattr(y, rule)()}
    rows = sub["_row"].where(sub["_row"] > 0).groupby(group, sort=True).min()
    out["_row"] = rows.fillna(0).astype(sub["_row"].dtype)
    for col in sub.columns.difference(["unique_id", "ds", "y", "_row", _CODE, _INS], sort=False):
        if col == "promo" or pd.api.types.is_bool_dtype(sub[col]):
            out[col] = grouped[col].max()
        elif col == "stock":
            out[col] = grouped[col].last()
        elif pd.api.types.is_numeric_dtype(sub[col]):
            out[col] = grouped[col].mean()
        else:
            out[col] = grouped[col].first()
    return pd.DataFrame(out)


def _fill_values(y: np.ndarray, missing: np.ndarray, codes: np.ndarray, method: str) -> np.ndarray:
    """Candidate value for every row by the fill ``method`` (NaN where it has none)."""
    if method == "zero":
        return np.zeros_like(y)
    if method in ("mean", "median"):
        return pd.Series(y).groupby(codes).transform(method).to_numpy()
    prev = ffill_index(~missing, codes)
    prev_y = np.where(prev >= 0, y[prev], np.nan)
    if method == "ffill":
        return prev_y
    nxt = bfill_index(~missing, codes)
    next_y = np.where(nxt >= 0, y[nxt], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = prev_y + (next_y - prev_y) * (np.arange(y.size) - prev) / (nxt - prev)
    return np.where(prev < 0, next_y, np.where(nxt < 0, prev_y, inner))


def _bounds(grouped, n: int, opts: CleaningOptions) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-product clipping bounds, and how many varied products IQR had to skip."""
    flat = 0
    if opts.outliers == "iqr":
        q1, q3 = grouped.quantile(0.25), grouped.quantile(0.75)
        low, high = q1 - opts.iqr_k * (q3 - q1), q3 + opts.iqr_k * (q3 - q1)
        if opts.negatives != "keep":  # a 0 floor would silently undo a "keep" choice
            low = low.clip(lower=0.0)
        skip = q3 <= q1  # mostly equal values (often zeros): every other value would be cut
        flat = int((skip & (grouped.max() > grouped.min())).sum())
        low, high = low.mask(skip), high.mask(skip)
    else:
        mean, std = grouped.mean(), grouped.std()
        low, high = mean - opts.sigma * std, mean + opts.sigma * std
    low = low.reindex(range(n)).fillna(-np.inf).to_numpy(np.float64)
    return low, high.reindex(range(n)).fillna(np.inf).to_numpy(np.float64), flat
