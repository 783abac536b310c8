"""The supplier table: who supplies each product, how fast, in what lots and at what cost.

A supplier table is a CSV/XLSX file (any encoding and separator
:func:`core.data.io.read_table` detects) with one row per product, per category or for
all products, and Chinese or English headers (:data:`HEADERS`, matched after
:func:`core.data.headers.normalize_header`, so ``交货期(天)`` and ``Lead time (days)``
both read as the lead time):

=============  ===================================================================
field          headers (any of)
=============  ===================================================================
key            the sales file's own ID column(s), ``unique_id``, or for a file with
               one ID column 商品编码 / 商家编码 / SKU / 货号 ...
category       类目 / 品类 / 分类 / category (or the sales file's category header)
supplier       供应商 / 供应商名称 / supplier / vendor
supplier_code  供应商编码 / 供应商编号 / supplier code / provider no
lead_time      交货期 / 交期 / 到货天数 / lead time (days; ``7天`` reads as 7)
moq            起订量 / 最小起订量 / MOQ
pack_size      箱规 / 包装数量 / 装箱数 / pack size
unit_cost      采购价 / 采购单价 / 进价 / 成本价 / unit cost
=============  ===================================================================

A row with a product key is a *product row*; one with only a category is a *category
row*; one with neither (or ``*`` as its key or category) is the *default row*, at most
one. Each product takes each value from the most specific row that has it: product row,
then its category's row, then the default row, then the options (the ``--lead-time``,
``--moq`` and ``--pack-size`` flags; no unit cost, no supplier). An empty cell falls
through to the next level, so a product row may give only a unit cost and leave the
supplier and lead time to its category.

Nothing is resolved silently: :class:`SupplierResolution` counts the products matched by
product, by category, by the default row and by none, and lists the keys and categories
of the file that name nothing in the sales data. A bad file raises
:class:`~core.errors.InputError` naming the file, the spreadsheet row and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.data import ID_SEP, Dataset, normalize_header, parse_numbers, read_table
from core.errors import InputError
from core.text import pick

__all__ = [
    "FIELDS",
    "HEADERS",
    "SOURCES",
    "SupplierResolution",
    "SupplierTable",
    "read_suppliers",
    "resolve_suppliers",
]

#: The per-product values a supplier table gives.
FIELDS = ("supplier", "supplier_code", "lead_time", "moq", "pack_size", "unit_cost")
_TEXT = ("supplier", "supplier_code")
_NUMBERS = ("lead_time", "moq", "pack_size", "unit_cost")
#: Normalised headers of each field (see :func:`core.data.headers.normalize_header`).
HEADERS: dict[str, tuple[str, ...]] = {
    "supplier": ("供应商", "供应商名称", "供应商名", "厂家", "supplier", "suppliername",
                 "vendor", "vendorname", "provider"),
    "supplier_code": ("供应商编码", "供应商编号", "供应商代码", "供应商id", "suppliercode",
                      "supplierid", "supplierno", "vendorcode", "vendorid", "providerno"),
    "lead_time": ("交货期", "交期", "交货天数", "到货天数", "采购周期", "备货周期", "leadtime",
                  "leadtimedays", "leaddays"),
    "moq": ("起订量", "最小起订量", "最小订货量", "最低起订量", "moq", "minorder",
            "minimumorder", "minimumorderquantity", "minorderqty"),
    "pack_size": ("箱规", "包装数量", "装箱数", "每箱数量", "整箱数量", "包装规格", "packsize",
                  "pack", "casepack", "casesize", "unitsperpack"),
    "unit_cost": ("采购价", "采购单价", "进价", "进货价", "成本价", "成本", "单位成本",
                  "unitcost", "cost", "purchaseprice", "costprice"),
    "category": ("类目", "品类", "分类", "商品分类", "类别", "category", "productcategory"),
    "key": ("商品编码", "商家编码", "sku", "skuid", "sku编码", "货号", "款号", "规格编码",
            "商品id", "productid", "productcode", "itemid", "itemcode", "item"),
}  # fmt: skip
#: Where a product's supplier values came from, most specific first.
SOURCES = ("product", "category", "default", "options")
_SOURCE_NAMES = {"product": ("by product", "按商品"), "category": ("by category", "按类目"),
                 "default": ("by the default row", "按默认行"),
                 "options": ("by nothing (option defaults)", "未匹配（使用选项默认值）")}  # fmt: skip
_DAYS = re.compile(r"\s*(天|日|days?|d)\s*$", re.IGNORECASE)
_WILDCARD = "*"


@dataclass
class SupplierTable:
    """A supplier table as read: product rows, category rows and the default row.

    Attributes
    ----------
    path : str
    products : pandas.DataFrame
        Indexed by ``unique_id``; columns :data:`FIELDS` (``NaN``/empty where not given).
    categories : pandas.DataFrame
        Indexed by category, same columns.
    default : pandas.Series or None
        The default row, if the file has one.
    """

    path: str
    products: pd.DataFrame
    categories: pd.DataFrame
    default: pd.Series | None = None


@dataclass
class SupplierResolution:
    """The supplier values of every product and where they came from.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per product: ``unique_id``, :data:`FIELDS` as the file gave them
        (``NaN``/empty where no row had a value: the options then decide) and
        ``source``, the most specific row that matched (one of :data:`SOURCES`).
    path : str
    unknown_products, unknown_categories : list of str
        Keys and categories of the file that name nothing in the sales data.
    """

    table: pd.DataFrame
    path: str = ""
    unknown_products: list[str] = field(default_factory=list)
    unknown_categories: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Products per source, every source of :data:`SOURCES` present."""
        found = self.table["source"].value_counts()
        return {s: int(found.get(s, 0)) for s in SOURCES}

    def filled(self, options) -> pd.DataFrame:
        """:attr:`table` with the options' lead time, MOQ and pack size where no row gave
        one (the values the advice uses)."""
        out = self.table.copy()
        for name in ("lead_time", "moq", "pack_size"):
            out[name] = out[name].astype(float).fillna(float(getattr(options, name)))
        return out

    def merge_into(self, stock: pd.DataFrame | None) -> pd.DataFrame:
        """``stock`` (``unique_id``, ``on_hand``...) with the supplier's lead time, MOQ,
        pack size and unit cost per product, the input
        :func:`~core.recommend.inventory.recommend_inventory` reads them from.

        Values the file does not give stay empty, so the options decide them as they do
        without a supplier table; a stock value stays where the supplier table has none.
        """
        values = self.table.set_index("unique_id")[list(_NUMBERS)].astype(float)
        if stock is None or not len(stock):
            return values.reset_index()
        old = stock.assign(unique_id=stock["unique_id"].astype(str))
        old = old.drop_duplicates("unique_id", keep="last").set_index("unique_id")
        return values.combine_first(old).reset_index()

    def describe(self, lang: str = "both") -> list[str]:
        """What was resolved, one line per fact, in ``lang``."""
        n = self.counts()
        parts_en = [f"{n[s]} {_SOURCE_NAMES[s][0]}" for s in SOURCES]
        parts_zh = [f"{_SOURCE_NAMES[s][1]} {n[s]} 个" for s in SOURCES]
        name = Path(self.path).name if self.path else "-"
        lines = [pick(lang, f"Supplier table {name}: {len(self.table)} products matched "
                            f"{', '.join(parts_en)}.",
                      f"供应商表 {name}：{len(self.table)} 个商品中，{'，'.join(parts_zh)}。")]  # fmt: skip
        if self.unknown_products:
            some = ", ".join(self.unknown_products[:5])
            lines.append(pick(lang, f"{len(self.unknown_products)} product rows name no "
                                    f"product of the sales file (ignored): {some}",
                              f"{len(self.unknown_products)} 行商品不在销售数据中（已忽略）：{some}"))  # fmt: skip
        if self.unknown_categories:
            some = ", ".join(self.unknown_categories[:5])
            lines.append(pick(lang, f"{len(self.unknown_categories)} category rows name no "
                                    f"category of the sales file (ignored): {some}",
                              f"{len(self.unknown_categories)} 行类目不在销售数据中（已忽略）：{some}"))  # fmt: skip
        return lines


def read_suppliers(path, dataset: Dataset) -> SupplierTable:
    """Read a supplier table (see module doc) for the products of ``dataset``.

    Raises
    ------
    InputError
        When the file cannot be read, has no supplier column at all, a number that is not
        one or out of range, two rows for one product or category, or two default rows.
    """
    raw = read_table(path)
    table, first_row = raw.frame, raw.info.header_row + 1
    name = Path(path).name
    cols = _columns(table, dataset, name)
    keys = _keys(table, dataset, cols)
    cats = (table[cols["category"]].fillna("").astype(str).str.strip() if "category" in cols
            else pd.Series("", index=table.index))  # fmt: skip
    keys = keys.where(keys != _WILDCARD, "")
    cats = cats.where(cats != _WILDCARD, "")
    values = _values(table, cols, name, first_row)
    rows = pd.Series(table.index.to_numpy() + first_row, index=table.index)
    products = _unique(values[keys != ""], keys[keys != ""], rows, name, "product")
    is_cat = (keys == "") & (cats != "")
    categories = _unique(values[is_cat], cats[is_cat], rows, name, "category")
    default = values[(keys == "") & (cats == "")]
    if len(default) > 1:
        a, b = rows[default.index[:2]]
        raise InputError(
            f"{name}: rows {a} and {b} are both default rows (no product and no category); "
            "keep one.",
            f"{name}：第 {a} 行和第 {b} 行都是默认行（没有商品也没有类目），请只保留一行。",
        )
    return SupplierTable(str(path), products, categories,
                         default.iloc[0] if len(default) else None)  # fmt: skip


def resolve_suppliers(table: SupplierTable, dataset: Dataset) -> SupplierResolution:
    """Each product's supplier values: product row > category row > default row (see
    module doc); what none gives stays empty for the options to decide."""
    series = dataset.series
    ids = series["unique_id"].astype(str)
    if "category" in series:
        category = series["category"].fillna("").astype(str).str.strip()
    else:
        category = pd.Series("", index=series.index)
    levels = [
        ("product", table.products.reindex(ids.to_numpy())),
        ("category", table.categories.reindex(category.to_numpy())),
    ]
    if table.default is not None:
        default = pd.DataFrame([table.default] * len(ids), columns=list(FIELDS))
        levels.append(("default", default))
    out = pd.DataFrame({"unique_id": ids.to_numpy()})
    out["source"] = "options"
    for name in FIELDS:
        out[name] = np.nan if name in _NUMBERS else ""
    # least specific first, so each more specific level writes over it
    for source, level in reversed(levels):
        level = level.reset_index(drop=True)
        matched = _has_value(level)
        out.loc[matched, "source"] = source
        for name in FIELDS:
            given = _given(level[name]).to_numpy()
            out.loc[given, name] = level.loc[given, name].to_numpy()
    unknown_p = sorted(set(table.products.index) - set(ids))
    unknown_c = sorted(set(table.categories.index) - set(category))
    for name in _NUMBERS:
        out[name] = out[name].astype(float)
    return SupplierResolution(out, table.path, unknown_p, unknown_c)


def _given(column: pd.Series) -> pd.Series:
    if column.dtype == object:
        return column.notna() & column.astype(str).str.strip().ne("")
    return column.notna()


def _has_value(level: pd.DataFrame) -> np.ndarray:
    return np.column_stack([_given(level[c]).to_numpy() for c in FIELDS]).any(axis=1)


def _columns(table: pd.DataFrame, dataset: Dataset, name: str) -> dict[str, str]:
    """Field -> column of the file (key columns handled by :func:`_keys`)."""
    norm = {c: normalize_header(c) for c in table.columns}
    cols: dict[str, str] = {}
    own_category = dataset.mapping.category
    for fld, names in HEADERS.items():
        if fld == "key":
            continue
        hit = next((c for c in table.columns if norm[c] in names), None)
        if hit is None and fld == "category" and own_category in table.columns:
            hit = own_category
        if hit is not None:
            cols[fld] = hit
    if not set(FIELDS) & set(cols):
        raise InputError(
            f"{name}: no supplier column found (供应商 / supplier, 交货期 / lead time, 起订量 / "
            f"MOQ, 箱规 / pack size, 采购价 / unit cost). Columns: {', '.join(map(str, table.columns))}.",
            f"{name}：未找到供应商相关列（供应商、交货期、起订量、箱规、采购价）。"
            f"现有列：{'、'.join(map(str, table.columns))}。",
        )
    return cols


def _keys(table: pd.DataFrame, dataset: Dataset, cols: dict) -> pd.Series:
    """Product key (``unique_id``) of every row, ``""`` where none."""
    ids = list(dataset.mapping.ids)
    norm = {normalize_header(c): c for c in table.columns}
    if ids and all(c in table.columns for c in ids):
        parts = [table[c].fillna("").astype(str).str.strip() for c in ids]
        keys = parts[0]
        for part in parts[1:]:
            keys = keys + ID_SEP + part
        return keys.where(pd.concat(parts, axis=1).ne("").all(axis=1), "")
    column = norm.get("uniqueid")
    if column is None and len(ids) <= 1:
        taken = set(cols.values())
        column = next((norm[n] for n in HEADERS["key"] if n in norm and norm[n] not in taken),
                      None)  # fmt: skip
    if column is None:
        return pd.Series("", index=table.index)
    return table[column].fillna("").astype(str).str.strip()


def _values(table: pd.DataFrame, cols: dict, name: str, first_row: int) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    for fld in _TEXT:
        text = table[cols[fld]].fillna("").astype(str).str.strip() if fld in cols else ""
        out[fld] = text
    for fld in _NUMBERS:
        if fld not in cols:
            out[fld] = np.nan
            continue
        column = table[cols[fld]].fillna("").astype(str)
        if fld == "lead_time":
            column = column.str.replace(_DAYS, "", regex=True)
        values, bad, _ = parse_numbers(column)
        bad = np.asarray(bad) | _out_of_range(fld, values)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _bad_cell(name, i + first_row, cols[fld], table[cols[fld]].iloc[i], fld)
        out[fld] = values.to_numpy()
    return out


def _out_of_range(fld: str, values: pd.Series) -> np.ndarray:
    v = values.to_numpy(float)
    with np.errstate(invalid="ignore"):
        if fld in ("lead_time", "pack_size"):
            return ~np.isnan(v) & ~(v > 0)
        return ~np.isnan(v) & ~(v >= 0)


_RULES = {"lead_time": ("a number of days above 0", "大于 0 的天数"),
          "pack_size": ("a number above 0", "大于 0 的数"),
          "moq": ("a number of 0 or more", "大于或等于 0 的数"),
          "unit_cost": ("a number of 0 or more", "大于或等于 0 的数")}  # fmt: skip


def _bad_cell(name: str, row: int, column: str, value, fld: str) -> InputError:
    en, zh = _RULES[fld]
    return InputError(
        f"{name}, row {row}, column {column}: {value!r} is not {en}.",
        f"{name} 第 {row} 行“{column}”列：{value!r} 不是{zh}。",
    )


def _unique(values: pd.DataFrame, keys: pd.Series, rows: pd.Series, name: str, what: str):
    dup = keys.duplicated(keep=False)
    if dup.any():
        first = keys[dup].iloc[0]
        where = rows[keys.index[keys == first]].tolist()[:2]
        en, zh = ("product", "商品") if what == "product" else ("category", "类目")
        raise InputError(
            f"{name}: rows {where[0]} and {where[1]} are both for {en} {first}; keep one.",
            f"{name}：第 {where[0]} 行和第 {where[1]} 行都是{zh} {first}，请只保留一行。",
        )
    return values.set_axis(keys.to_numpy()).rename_axis(what)
