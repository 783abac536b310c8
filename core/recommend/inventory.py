"""Reorder advice per product, taken from the forecast's distribution.

Policy: periodic review with an order-up-to level (the (R, S) policy every few days an
operator checks stock and orders). Demand over the *protection interval* (lead time L
plus review period R) is not assumed normal: it is simulated from the forecast's own
quantiles. Each future period's demand is drawn from the piecewise-linear quantile
function through the forecast's ``lo_*``, median and ``hi_*`` columns, with draws tied
across periods by a Gaussian copula (correlation ``rho``, 0.3 by default, measured on
real sales with ETS: when a product sells above its forecast one day it tends to do so
the next day too; ``rho=0`` would understate the risk of a long lead time, ``rho=1``
overstate it). The right ``rho`` depends on the forecaster (:func:`rho_for`): the LSTM's
daily quantiles are calibrated and its errors hardly carry over from day to day, so 0.3
made its reorder points far too high. Beyond the forecast's widest band the tails are
continued normal-shaped (:mod:`.demand`). Each product draws from a generator of its own,
seeded by ``random_state`` and a stable hash of its ID, so its figures depend on its own
inputs only: another product's lead time or service level, or which products are in the
table, never move them. Then:

- ``order_up_to`` S = the ``service_level`` quantile of demand over L + R;
- ``reorder_point`` = the ``service_level`` quantile of demand over L alone;
- ``forecast_lead_time`` = expected (mean) demand over L, the integral of the quantile
  function (for a slow mover well above its median of 0);
- ``safety_stock`` = reorder point - expected demand over L (never below 0), the textbook
  split ``reorder_point = forecast_lead_time + safety_stock``: the buffer held against
  demand above the forecast while an order is on its way, so it never exceeds the
  reorder point. (S carries the same buffer, widened by the review period.)
- ``order_qty`` = S - inventory position (on hand + on order), when positive, raised to the
  MOQ and rounded up to whole packs;
- ``demand_per_day`` = expected demand per day over the first 14 days of the forecast;
  ``days_of_cover`` = days the stock on hand lasts, walked down the expected demand of
  those 14 days and run down beyond at ``demand_per_day`` (so it is the same figure
  whatever the lead time), at most 3,650 (ten years: read "ten years or more"), and
  empty (``NaN``) where no sales are expected at all (the reason says so);
  ``stockout_date`` = the forecast day it runs out on, when inside the forecast;
  ``excess_stock`` = inventory position above S.

Shopping festivals inside the lead time are in the forecast, so they are counted.

Lifecycle-aware (``stage`` column, see :mod:`core.lifecycle.stages`): ``decline`` holds no safety
stock (run the stock down): the reorder point is the expected demand over L and S the
expected demand over L + R, so the forecast itself, falling as the product fades, brings
the orders down (an S of the demand over L alone would leave the shelf empty for about R
days of every cycle: the order placed now is the last to arrive before the next review's
order does). ``inactive`` orders nothing. Every stage uses the service level stated for
the product (the ``stock`` table's, else the options'), and ``service_level`` reports it.

Defaults where the data has none: lead time 7 days, review period 7 days, service level
95%, MOQ 1, pack size 1, no stock on order. Without an on-hand figure the stock is taken as
0 and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError
from core.parallel import Workers, current
from core.recommend.demand import (
    days_of_cover,
    demand_rate,
    expected_demand,
    product_rng,
    quantile_table,
    scenarios,
)

__all__ = ["MODEL_RHO", "InventoryOptions", "apply_budget", "recommend_inventory", "rho_for"]

_SCENARIOS = 2048  # a power of 2, for the Sobol points of .demand


@dataclass
class InventoryOptions:
    """Settings for all products (per-product values in the ``stock`` table win).

    Attributes
    ----------
    lead_time, review_period : float
        Days from order to arrival, and days between two orders.
    service_level : float
        Probability of not running out before the next order can arrive (0.5..0.999).
    moq, pack_size : float
        Minimum order quantity and units per pack.
    rho : float
        Correlation of forecast errors across periods (see module doc). The default
        0.3 is measured for ETS: on five years of real daily sales (Kaggle store-item,
        250 products, 6 cutoffs) it brought the share of lead times whose demand
        stayed under the reorder point closest to the service level (0.5 gave 0.98 for
        a 0.95 target), and the sample shop's daily errors correlate at 0.24-0.29
        (``benchmarks/bench_calibration.py``, docs/BENCHMARKS.md). Use
        :func:`rho_for` for another forecaster.
    random_state : int
        Seed of the demand scenarios, combined with each product's ID (the advice is
        reproducible and a product's draws are its own).
    """

    lead_time: float = 7.0
    review_period: float = 7.0
    service_level: float = 0.95
    moq: float = 1.0
    pack_size: float = 1.0
    rho: float = 0.3
    random_state: int = 0

    def check(self) -> None:
        """Raise :class:`InputError` for values that make no sense."""
        if not 0.5 <= self.service_level < 1:
            raise InputError(
                f"The service level must be between 0.5 and 0.999, not {self.service_level}.",
                f"服务水平必须在 0.5 到 0.999 之间，而不是 {self.service_level}。",
            )
        if self.lead_time <= 0 or self.review_period < 0:
            raise InputError(
                "The lead time must be above 0 days and the review period 0 or more.",
                "交货期必须大于 0 天，补货周期必须大于或等于 0 天。",
            )
        if self.moq < 0 or self.pack_size <= 0 or not 0 <= self.rho <= 1:
            raise InputError(
                "MOQ must be 0 or more, the pack size above 0 and rho between 0 and 1.",
                "起订量必须大于或等于 0，包装数量必须大于 0，相关系数必须在 0 到 1 之间。",
            )


#: Copula ``rho`` measured per forecaster where it differs from the default
#: (``benchmarks/bench_calibration.py`` on the store-item data, docs/BENCHMARKS.md): with
#: 0.3 the LSTM's 95 % reorder points held 99.7 % of lead times, with 0 about 96 %.
MODEL_RHO = {"lstm": 0.0}


def rho_for(model: str | None) -> float:
    """The copula ``rho`` to use with forecasts of ``model`` (a registry name)."""
    return MODEL_RHO.get(model or "", InventoryOptions.rho)


def _periods(days: float, step_days: float) -> int:
    return max(1, int(np.ceil(days / step_days - 1e-9)))


def _round_order(qty: float, moq: float, pack: float) -> float:
    if qty <= 0:
        return 0.0
    qty = max(qty, moq)
    return float(np.ceil(qty / pack - 1e-9) * pack)


def recommend_inventory(
    forecast: pd.DataFrame,
    stock: pd.DataFrame | None = None,
    stages: pd.DataFrame | None = None,
    options: InventoryOptions | None = None,
    *,
    period_days: float = 1.0,
    workers: Workers | None = None,
    on_progress=None,
) -> pd.DataFrame:
    """Reorder advice per product (see module doc).

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``unique_id``, ``ds``, ``forecast`` and ``lo_<L>``/``hi_<L>`` columns, covering at
        least lead time + review period.
    stock : pandas.DataFrame, optional
        ``unique_id`` and any of ``on_hand``, ``on_order``, ``lead_time``,
        ``service_level``, ``moq``, ``pack_size``, ``unit_cost``.
    stages : pandas.DataFrame, optional
        ``unique_id`` and ``stage``.
    options : InventoryOptions, optional
    period_days : float
        Days per forecast period (1 daily, 7 weekly, ~30.4 monthly).
    workers : core.parallel.Workers, optional
        Where the products' policies are worked out (default: the configured one);
        the table does not depend on it (each product's draws have their own seed).
    on_progress : callable, optional
        Receives ``{"stage": "inventory", "done", "total"}`` as batches of products are
        worked out.

    Returns
    -------
    pandas.DataFrame
        One row per product: ``unique_id``, ``stage``, ``forecast_lead_time``,
        ``demand_protection``, ``safety_stock``, ``reorder_point``, ``order_up_to``,
        ``service_level`` (the one used), ``on_hand``, ``on_order``, ``order_qty``,
        ``order_value``, ``demand_per_day``, ``days_of_cover``, ``stockout_date``,
        ``excess_stock``, ``reason_en``, ``reason_zh``.
    """
    options = options or InventoryOptions()
    options.check()
    fc = forecast.sort_values(["unique_id", "ds"], kind="stable")
    table = _per_product(fc, stock, stages)
    items = [(uid, group, table.loc[uid]) for uid, group in fc.groupby("unique_id", sort=True)]
    rows = current(workers).map(_advise_batch, items, options, period_days,
                                on_progress=on_progress, step="inventory")  # fmt: skip
    return pd.DataFrame(rows)


def _advise_batch(items: list, options: InventoryOptions, period_days: float) -> list[dict]:
    """:func:`_advise` over ``(uid, forecast rows, row)`` items (a batch of ``Workers``)."""
    return [_advise(uid, fc, row, options, period_days) for uid, fc, row in items]


def _per_product(fc: pd.DataFrame, stock, stages) -> pd.DataFrame:
    ids = pd.Index(sorted(fc["unique_id"].astype(str).unique()), name="unique_id")
    table = pd.DataFrame(index=ids)
    for extra in (stock, stages):
        if extra is not None and len(extra):
            extra = extra.assign(unique_id=extra["unique_id"].astype(str))
            table = table.join(extra.drop_duplicates("unique_id").set_index("unique_id"))
    return table


def _value(row: pd.Series, key: str, default):
    value = row.get(key, default)
    return default if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _advise(uid, fc: pd.DataFrame, row: pd.Series, opt: InventoryOptions, period_days):
    stage = str(_value(row, "stage", "unknown"))
    lead_days = float(_value(row, "lead_time", opt.lead_time))
    level = float(_value(row, "service_level", opt.service_level))
    lead = _periods(lead_days, period_days)
    protect = _periods(lead_days + opt.review_period, period_days)
    if len(fc) < protect:
        raise InputError(
            f"Product {uid}: the forecast covers {len(fc)} periods but lead time + review "
            f"period need {protect}; forecast further ahead.",
            f"商品 {uid}：预测只覆盖 {len(fc)} 期，而交货期加补货周期需要 {protect} 期，"
            "请延长预测期。",
        )
    probs, values = quantile_table(fc)
    expected = expected_demand(values, probs)
    rng = product_rng(uid, opt.random_state)
    levels = _policy_levels((probs, values, expected), stage, level, (lead, protect), opt.rho,
                            rng)  # fmt: skip
    on_hand = _value(row, "on_hand", np.nan)
    known_stock = not np.isnan(float(on_hand))
    on_hand = float(on_hand) if known_stock else 0.0
    on_order = float(_value(row, "on_order", 0.0))
    position, up_to = on_hand + on_order, levels["order_up_to"]
    moq = float(_value(row, "moq", opt.moq))
    pack = float(_value(row, "pack_size", opt.pack_size))
    qty = 0.0 if stage == "inactive" else _round_order(up_to - position, moq, pack)
    cost = float(_value(row, "unit_cost", np.nan))
    cover, out = days_of_cover(expected, on_hand, period_days)
    out_date = None if out is None else pd.Timestamp(fc["ds"].iloc[out]).date().isoformat()
    result = {
        "unique_id": uid,
        "stage": stage,
        **levels,
        "service_level": level,
        "on_hand": on_hand if known_stock else np.nan,
        "on_order": on_order,
        "order_qty": qty,
        "order_value": qty * cost if np.isfinite(cost) else np.nan,
        "demand_per_day": demand_rate(expected, period_days),
        "days_of_cover": cover,
        "stockout_date": out_date,
        "excess_stock": max(position - up_to, 0.0),
    }
    result["reason_en"], result["reason_zh"] = _reason(result, lead_days, known_stock)
    return result


def _policy_levels(demand, stage: str, level: float, spans: tuple[int, int], rho: float, rng):
    """Expected demands, safety stock, reorder point and S of one product.

    ``demand`` is ``(probs, values, expected)`` of :mod:`.demand`; ``spans`` is (lead
    time, lead time + review period) in forecast periods.
    """
    (probs, values, expected), (lead, protect) = demand, spans
    draws = scenarios(values[:protect], probs, rho, _SCENARIOS, rng)
    over_protect = draws.sum(axis=1)
    over_lead = draws[:, :lead].sum(axis=1)
    expected_lead = float(expected[:lead].sum())
    expected_protect = float(expected[:protect].sum())
    # a declining product runs its stock down: no safety stock, expected demand only
    if stage == "decline":
        up_to, rop = expected_protect, expected_lead
    else:
        up_to = float(np.quantile(over_protect, level))
        rop = float(np.quantile(over_lead, level))
    return {
        "forecast_lead_time": expected_lead,
        "demand_protection": expected_protect,
        # the textbook split ROP = demand over L + safety stock, so SS <= ROP; a median
        # above the mean (left-skewed draws at a low level) would make it negative
        "safety_stock": max(rop - expected_lead, 0.0),
        "reorder_point": rop,
        "order_up_to": up_to,
    }


def _reason(r: dict, lead_days: float, known_stock: bool) -> tuple[str, str]:
    q, need = r["order_qty"], r["forecast_lead_time"]
    stage = r["stage"]
    if stage == "inactive":
        return ("Stopped selling: do not reorder.", "已停售：不再补货。")
    if not known_stock:
        en0, zh0 = "Stock on hand unknown (taken as 0). ", "未提供现有库存（按 0 计算）。"
    else:
        en0, zh0 = "", ""
    if q > 0:
        # whole units up, as the order is: "order 359 to reach 358" would read wrong
        s_units = np.ceil(r["order_up_to"] - 1e-9)
        en = (
            f"{en0}Order {q:.0f} now: {need:.0f} expected to sell in the {lead_days:.0f}-day "
            f"lead time; stock {r['on_hand'] if known_stock else 0:.0f} + on order "
            f"{r['on_order']:.0f} is below the order-up-to level {s_units:.0f}."
        )
        zh = (f"{zh0}建议立即订货 {q:.0f}：{lead_days:.0f} 天交货期内预计销售 {need:.0f}，"
              f"现有库存 {r['on_hand'] if known_stock else 0:.0f} 加在途 {r['on_order']:.0f} "
              f"低于补货目标 {s_units:.0f}。")  # fmt: skip
    elif r["excess_stock"] > 0:
        en = f"{en0}No order: {r['excess_stock']:.0f} above the order-up-to level."
        zh = f"{zh0}无需订货：超出补货目标 {r['excess_stock']:.0f}。"
    else:
        en, zh = f"{en0}No order needed yet.", f"{zh0}暂时无需订货。"
    if stage == "decline":
        en += " Declining: no safety stock, run the stock down."
        zh += "处于衰退期：不备安全库存，逐步清空库存。"
    if known_stock and r["on_hand"] > 0 and np.isnan(r["days_of_cover"]):
        en += " No sales expected in the next 14 days: the stock does not move."
        zh += "未来 14 天预计无销售：库存不会减少。"
    return en, zh


def apply_budget(
    advice: pd.DataFrame,
    budget: float,
    margin: pd.Series,
    moq: float | pd.Series = 0.0,
    pack: float | pd.Series = 1.0,
) -> pd.DataFrame:
    """Cut orders to a cash budget, keeping those whose absence would lose most margin.

    Parameters
    ----------
    advice : pandas.DataFrame
        Output of :func:`recommend_inventory` with ``order_value`` filled.
    budget : float
        Cash available for this round of orders.
    margin : pandas.Series
        Unit margin (price - cost) per ``unique_id``.
    moq, pack : float or pandas.Series
        A cut order is rounded down to whole packs and dropped when below the MOQ; a
        Series (indexed like ``advice``) gives each row its own (a supplier table's).

    Returns
    -------
    pandas.DataFrame
        ``advice`` with ``order_qty``/``order_value`` reduced where the budget ran out,
        ``priority`` (1 = first) and ``budget_cut`` (units removed).
    """
    out = advice.copy()
    unit_cost = out["order_value"] / out["order_qty"].where(out["order_qty"] > 0)
    lost = out["unique_id"].map(margin).fillna(0) * np.minimum(
        out["order_qty"], out["forecast_lead_time"]
    )
    score = lost / out["order_value"].where(out["order_value"] > 0)
    order = score.fillna(-1).sort_values(ascending=False, kind="stable").index
    left = float(budget)
    out["priority"], out["budget_cut"] = 0, 0.0
    for rank, i in enumerate(order, start=1):
        out.loc[i, "priority"] = rank
        value = out.loc[i, "order_value"]
        if not np.isfinite(value) or value <= left:
            left -= value if np.isfinite(value) else 0
            continue
        row_pack = float(pack[i] if isinstance(pack, pd.Series) else pack)
        row_moq = float(moq[i] if isinstance(moq, pd.Series) else moq)
        keep = np.floor(left / unit_cost[i] / row_pack) * row_pack if unit_cost[i] > 0 else 0.0
        keep = keep if keep >= row_moq else 0.0
        out.loc[i, "budget_cut"] = out.loc[i, "order_qty"] - keep
        out.loc[i, "order_qty"], out.loc[i, "order_value"] = keep, keep * unit_cost[i]
        left -= keep * unit_cost[i]
    return out
