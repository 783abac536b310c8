"""Purchase orders from the reorder advice: one order per supplier, with totals.

:func:`build_orders` takes the advice table (the rows with ``order_qty > 0``), the supplier
of each product (:mod:`.suppliers`) and makes one order line per product: quantity as the
advice rounded it (raised to the MOQ, up to whole packs, see
:func:`~core.recommend.inventory.recommend_inventory`), unit cost, line value
(quantity x unit cost, rounded to cents), order date (the advice says "order now": the
first forecast day, unless given) and expected arrival (order date + the product's lead
time). Lines are grouped by supplier (name and code) into orders numbered
``SC<order date>-<n>``; each order's totals are the sums of its lines' rounded values, so
a file's totals always equal the sum of its lines. An optional cash budget across all
suppliers cuts orders with :func:`~core.recommend.inventory.apply_budget` (the orders
whose absence would lose most margin are kept; per-product MOQ and pack size respected).

The order lines' fields and their bilingual names are :data:`LINE_FIELDS`, the totals'
:data:`TOTAL_FIELDS`. Writing the orders to CSV/XLSX, in a generic layout or an ERP's
purchase upload layout (聚水潭, 旺店通), is :mod:`.purchase_files`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import InputError
from core.recommend.inventory import InventoryOptions, apply_budget
from core.text import CELL, pick

__all__ = [
    "LINE_FIELDS",
    "NO_SUPPLIER",
    "TOTAL_FIELDS",
    "PurchaseOptions",
    "PurchaseOrders",
    "build_orders",
    "last_prices",
]

#: Fields of an order line -> (English, Chinese) header of the generic layout.
LINE_FIELDS: dict[str, tuple[str, str]] = {
    "order_no": ("PO number", "采购单号"),
    "supplier": ("Supplier", "供应商"),
    "supplier_code": ("Supplier code", "供应商编码"),
    "product_id": ("Product ID", "商品编码"),
    "name": ("Product name", "商品名称"),
    "category": ("Category", "类目"),
    "quantity": ("Quantity", "数量"),
    "unit_cost": ("Unit cost", "单价"),
    "line_value": ("Line value", "金额"),
    "order_date": ("Order date", "下单日期"),
    "arrival_date": ("Expected arrival", "预计到货日期"),
    "arrival_datetime": ("Expected arrival time", "预计到货时间"),
    "lead_time": ("Lead time (days)", "交货期（天）"),
    "moq": ("MOQ", "起订量"),
    "pack_size": ("Pack size", "箱规"),
    "source": ("Supplier values from", "供应商信息来源"),
    "budget_cut": ("Cut by the budget", "预算削减数量"),
    "warehouse": ("Warehouse", "仓库"),
    "buyer": ("Buyer", "采购员"),
}
#: The name shown for lines without a supplier, (English, Chinese).
NO_SUPPLIER = ("(no supplier)", "（未指定供应商）")
#: Columns of :attr:`PurchaseOrders.totals` -> (English, Chinese) header of the totals table.
TOTAL_FIELDS = {"order_no": ("PO number", "采购单号"), "supplier": ("Supplier", "供应商"),
                "supplier_code": ("Supplier code", "供应商编码"), "lines": ("Lines", "行数"),
                "quantity": ("Quantity", "数量"), "value": ("Total value", "总金额"),
                "uncosted": ("Lines without unit cost", "缺少单价的行数"),
                "order_date": ("Order date", "下单日期"),
                "first_arrival": ("First arrival", "最早到货"),
                "last_arrival": ("Last arrival", "最晚到货")}  # fmt: skip


@dataclass
class PurchaseOptions:
    """How orders are made.

    Attributes
    ----------
    order_date : str or datetime-like, optional
        Date the orders are placed; the caller's default is the first forecast day.
    budget : float, optional
        Cash for all orders together; ``None`` for no limit.
    warehouse, buyer : str
        Receiving warehouse code and buyer name, for the layouts that need them.
    """

    order_date: object = None
    budget: float | None = None
    warehouse: str = ""
    buyer: str = ""

    def check(self) -> None:
        """Raise :class:`InputError` for a negative budget or an unreadable date."""
        if self.budget is not None and not self.budget >= 0:
            raise InputError(f"The budget must be 0 or more, not {self.budget}.",
                             f"预算必须大于或等于 0，而不是 {self.budget}。")  # fmt: skip
        try:
            pd.Timestamp(self.order_date)
        except (TypeError, ValueError):
            raise InputError(f"Unreadable order date: {self.order_date!r} (use YYYY-MM-DD).",
                             f"无法识别下单日期：{self.order_date!r}（请用 YYYY-MM-DD）。") from None  # fmt: skip


@dataclass
class PurchaseOrders:
    """Order lines and totals per supplier.

    Attributes
    ----------
    lines : pandas.DataFrame
        One row per product ordered, columns :data:`LINE_FIELDS` plus ``unique_id``,
        the sales file's ID columns and ``priority`` (with a budget).
    totals : pandas.DataFrame
        One row per order (supplier): ``order_no, supplier, supplier_code, lines,
        quantity, value, uncosted, order_date, first_arrival, last_arrival``.
    budget : float or None
    cut_lines : int
        Lines the budget removed entirely.
    """

    lines: pd.DataFrame
    totals: pd.DataFrame
    budget: float | None = None
    cut_lines: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total_value(self) -> float:
        """Value of all lines with a unit cost (the sum of the rounded line values)."""
        return round(float(self.totals["value"].sum(min_count=1)), 2)

    def describe(self, lang: str = "both") -> list[str]:
        """A summary, one line per order and one per note, in ``lang``."""
        t = self.totals
        en, zh = _money(self.total_value)
        out = [pick(lang, f"{len(t)} purchase orders, {len(self.lines)} lines, total value {en}.",
                    f"共 {len(t)} 张采购单、{len(self.lines)} 行，总金额 {zh}。")]  # fmt: skip
        for r in t.itertuples():
            who = r.supplier or pick(lang, *NO_SUPPLIER, sep=CELL)
            en, zh = _money(r.value)
            out.append(pick(lang, f"  {r.order_no} {who}: {r.lines} lines, {r.quantity:,.0f} "
                                  f"units, {en}, arriving {r.first_arrival}..{r.last_arrival}",
                            f"  {r.order_no} {who}：{r.lines} 行，{r.quantity:,.0f} 件，"
                            f"{zh}，预计 {r.first_arrival}..{r.last_arrival} 到货"))  # fmt: skip
        out += [pick(lang, en, zh) for en, zh in self.notes]
        return out


def _money(value: float) -> tuple[str, str]:
    return ("no unit cost", "无单价") if np.isnan(value) else (f"{value:,.2f}", f"{value:,.2f}")


def build_orders(advice: pd.DataFrame, suppliers=None, options: InventoryOptions | None = None,
                 purchase: PurchaseOptions | None = None, *, products: pd.DataFrame | None = None,
                 prices: pd.Series | None = None) -> PurchaseOrders:  # fmt: skip
    """Purchase orders from ``advice`` (see module doc).

    Parameters
    ----------
    advice : pandas.DataFrame
        :func:`~core.recommend.advice.recommendations` (or
        :func:`~core.recommend.inventory.recommend_inventory`) output: ``unique_id``,
        ``order_qty``, ``forecast_lead_time``.
    suppliers : SupplierResolution, optional
        The supplier values per product (:func:`~core.recommend.suppliers.resolve_suppliers`);
        the same the advice was made with.
    options : InventoryOptions, optional
        The advice's options: lead time, MOQ and pack size where no supplier gives them.
    purchase : PurchaseOptions
        Its ``order_date`` is required.
    products : pandas.DataFrame, optional
        ``unique_id`` with ``name``, ``category`` and the sales file's ID columns
        (:attr:`core.data.Dataset.series`).
    prices : pandas.Series, optional
        Selling price per ``unique_id``: the margin the budget protects.
    """
    options, purchase = options or InventoryOptions(), purchase or PurchaseOptions()
    purchase.check()
    if purchase.order_date is None:
        raise InputError("An order date is needed.", "需要下单日期。")
    lines = _lines(advice, suppliers, options, products)
    notes: list[tuple[str, str]] = []
    cut = 0
    if purchase.budget is not None:
        lines, cut = _budget(lines, purchase.budget, prices, notes)
    day = pd.Timestamp(purchase.order_date).normalize()
    lines["line_value"] = (lines["quantity"] * lines["unit_cost"]).round(2)
    lines["order_date"] = day.strftime("%Y-%m-%d")
    arrival = [day + pd.Timedelta(days=int(np.ceil(d - 1e-9))) for d in lines["lead_time"]]
    lines["arrival_date"] = [a.strftime("%Y-%m-%d") for a in arrival]
    lines["arrival_datetime"] = [a.strftime("%Y-%m-%d %H:%M:%S") for a in arrival]
    lines["warehouse"], lines["buyer"] = purchase.warehouse, purchase.buyer
    lines = lines.sort_values(["supplier", "supplier_code", "product_id"], kind="stable")
    groups = lines.groupby(["supplier", "supplier_code"], sort=False).ngroup()
    lines["order_no"] = [f"SC{day:%Y%m%d}-{g + 1:03d}" for g in groups]
    lines = lines.reset_index(drop=True)
    if lines["unit_cost"].isna().any():
        n = int(lines["unit_cost"].isna().sum())
        notes.append((f"{n} lines have no unit cost (give 采购价 / unit cost in the supplier "
                      "table): their value is not in the totals.",
                      f"{n} 行缺少单价（请在供应商表中填写采购价）：其金额未计入合计。"))  # fmt: skip
    return PurchaseOrders(lines, _totals(lines), purchase.budget, cut, notes)


def _lines(advice, suppliers, options, products) -> pd.DataFrame:
    want = advice.loc[advice["order_qty"] > 0, ["unique_id", "order_qty", "forecast_lead_time"]]
    want = want.assign(unique_id=want["unique_id"].astype(str))
    if suppliers is not None:
        values = suppliers.filled(options)
    else:
        values = pd.DataFrame({"unique_id": want["unique_id"], "supplier": "",
                               "supplier_code": "", "unit_cost": np.nan,
                               "source": "options"})  # fmt: skip
    lines = want.merge(values, on="unique_id", how="left")
    for name in ("lead_time", "moq", "pack_size"):
        column = lines[name] if name in lines else pd.Series(np.nan, index=lines.index)
        lines[name] = column.astype(float).fillna(float(getattr(options, name)))
    for name in ("supplier", "supplier_code"):
        lines[name] = lines[name].fillna("").astype(str)
    lines["source"] = lines["source"].fillna("options")
    lines["unit_cost"] = lines["unit_cost"].astype(float)
    lines = lines.rename(columns={"order_qty": "quantity"})
    lines["product_id"] = lines["unique_id"]
    lines["budget_cut"] = 0.0
    if products is not None:
        extra = products.assign(unique_id=products["unique_id"].astype(str))
        extra = extra.drop_duplicates("unique_id").drop(columns=["product_id"], errors="ignore")
        lines = lines.merge(extra, on="unique_id", how="left")
    for name in ("name", "category"):
        lines[name] = lines[name].fillna("").astype(str) if name in lines else ""
    return lines


def _budget(lines: pd.DataFrame, budget: float, prices, notes) -> tuple[pd.DataFrame, int]:
    if lines["unit_cost"].isna().all() and len(lines):
        notes.append(("The budget was not applied: no line has a unit cost.",
                      "未应用预算：没有任何一行有单价。"))  # fmt: skip
        return lines, 0
    frame = lines.assign(order_qty=lines["quantity"],
                         order_value=lines["quantity"] * lines["unit_cost"])  # fmt: skip
    price = pd.Series(dtype=float) if prices is None else prices
    price = frame["unique_id"].map(price.rename(index=str)).astype(float)
    margin = (price - frame["unit_cost"]).clip(lower=0).fillna(0)
    cut = apply_budget(frame, budget, pd.Series(margin.to_numpy(), index=frame["unique_id"]),
                       moq=frame["moq"], pack=frame["pack_size"])  # fmt: skip
    lines = lines.assign(quantity=cut["order_qty"], budget_cut=cut["budget_cut"],
                         priority=cut["priority"])  # fmt: skip
    dropped = int((lines["quantity"] <= 0).sum())
    trimmed = int(((lines["budget_cut"] > 0) & (lines["quantity"] > 0)).sum())
    notes.append((f"Budget {budget:,.2f}: {trimmed} lines cut, {dropped} dropped "
                  "(kept: the orders whose absence would lose most margin).",
                  f"预算 {budget:,.2f}：削减 {trimmed} 行，删除 {dropped} 行"
                  "（保留缺货损失毛利最多的订单）。"))  # fmt: skip
    return lines[lines["quantity"] > 0].copy(), dropped


def _totals(lines: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (no, supplier, code), g in lines.groupby(["order_no", "supplier", "supplier_code"],
                                                 sort=True):  # fmt: skip
        rows.append({"order_no": no, "supplier": supplier, "supplier_code": code,
                     "lines": len(g), "quantity": float(g["quantity"].sum()),
                     # empty, not 0, where no line has a cost
                     "value": round(float(g["line_value"].sum(min_count=1)), 2),
                     "uncosted": int(g["unit_cost"].isna().sum()),
                     "order_date": g["order_date"].iloc[0],
                     "first_arrival": g["arrival_date"].min(),
                     "last_arrival": g["arrival_date"].max()})  # fmt: skip
    return pd.DataFrame(rows, columns=list(TOTAL_FIELDS))


def last_prices(frame: pd.DataFrame) -> pd.Series | None:
    """Each product's last known selling price (``unique_id`` index, as text), or None
    when ``frame`` has no prices: what a budget protects and what stock is worth."""
    if "price" not in frame or not frame["price"].notna().any():
        return None
    last = frame.dropna(subset=["price"]).sort_values("ds").groupby("unique_id")["price"].last()
    return last.rename(index=str)
