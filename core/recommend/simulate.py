"""Policy backtest: what following SkuCast's reorder advice would have done.

The last ``reviews`` review periods of the real history are replayed period by period.
At each review the chosen forecaster is refitted on the history up to that day, the
advice of :func:`core.recommend.inventory.recommend_inventory` is taken and its order arrives
``lead_time`` days later; every period the *actual* demand is served from stock, and what
cannot be served is lost (no back-orders, as in online retail). The same days are
replayed with a naive policy, *order what sold in the last review period*, from the same
starting stock. Reported per policy and product: fill rate (units served / demanded),
stock-out periods, average stock on hand, number of orders and units ordered, and, where
a value per unit is known (the unit cost given, else the last selling price), what the
stock held and the orders placed are worth: the verdict weighs fill rate against that.

Both policies start with the expected demand over lead time + review period at the
first review (from the same forecast), so neither starts with an advantage. The replay
needs daily or weekly data.

SkuCast's advice is lifecycle-aware (:mod:`core.recommend.inventory`: no safety stock in decline,
nothing for an inactive product, a cautious level for a new one), so the replay judges
every product's stage as of the first review (``lifecycle=True``, one classification:
stages move over months, not weeks) and keeps it for the whole replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import CancelledError, InputError
from core.forecast import Forecaster
from core.lifecycle import classify_lifecycle
from core.periods import PeriodGrid
from core.recommend.inventory import InventoryOptions, recommend_inventory
from core.recommend.purchase import last_prices
from core.text import pick

__all__ = ["PolicyResult", "simulate_policy"]


@dataclass
class PolicyResult:
    """Outcome of :func:`simulate_policy`.

    Attributes
    ----------
    per_product : pandas.DataFrame
        ``policy``, ``unique_id``, ``stage`` (as of the first review; None without
        lifecycle), ``demand``, ``served``, ``fill_rate``, ``stockout_periods``,
        ``avg_stock``, ``orders``, ``ordered``, and with a value per unit
        ``stock_value`` (average stock x value) and ``order_value`` (units ordered x value).
    summary : pandas.DataFrame
        One row per policy: the same figures over all products (fill rate pooled).
    reviews : list of pandas.Timestamp
        The review dates replayed.
    value_basis : str or None
        ``"cost"`` (the unit costs given), ``"price"`` (last selling prices) or None (no
        values: the verdict compares units).
    """

    per_product: pd.DataFrame
    summary: pd.DataFrame
    reviews: list
    value_basis: str | None = None

    def verdict(self, lang: str = "en") -> str:
        """The figures of both policies, then the judgement: which is better on both fill
        rate and stock, or what SkuCast's extra fill rate costs in stock held."""
        s = self.summary.set_index("policy")
        a, b = s.loc["skucast"], s.loc["naive"]
        en = (
            f"Following SkuCast: fill rate {a.fill_rate:.1%}, {a.stockout_periods:,.0f} "
            f"stock-out periods, average stock {a.avg_stock:,.0f} units; ordering what sold "
            f"last period: {b.fill_rate:.1%}, {b.stockout_periods:,.0f}, {b.avg_stock:,.0f}."
        )
        zh = (f"按 SkuCast 建议：满足率 {a.fill_rate:.1%}，缺货 {a.stockout_periods:,.0f} 期，"
              f"平均库存 {a.avg_stock:,.0f} 件；按上期销量补货：{b.fill_rate:.1%}，"
              f"{b.stockout_periods:,.0f} 期，{b.avg_stock:,.0f} 件。")  # fmt: skip
        judged = _judgement(a, b, self.value_basis)
        return pick(lang, f"{en} {judged[0]}", f"{zh}{judged[1]}")


#: Fill rates closer than this (in points) count as equal in the verdict.
SAME_FILL = 0.5
#: Average stocks within this share of each other count as equal in the verdict.
SAME_STOCK = 0.05
#: Fewer stock-out periods by at least this share count as running out less often.
FEWER_STOCKOUTS = 0.1


def _judgement(a: pd.Series, b: pd.Series, basis: str | None) -> tuple[str, str]:
    """(English, Chinese) judgement of SkuCast's row ``a`` against the naive row ``b``."""
    points = 100 * (a.fill_rate - b.fill_rate)
    ratio = a.avg_stock / b.avg_stock if b.avg_stock > 0 else float("inf")
    more_fill, less_fill = points > SAME_FILL, points < -SAME_FILL
    more_stock, less_stock = ratio > 1 + SAME_STOCK, ratio < 1 - SAME_STOCK
    valued = basis is not None and "stock_value" in a.index
    at = {"cost": ("at unit cost", "按单位成本"), "price": ("at selling price", "按售价")}
    en_at, zh_at = at.get(basis, ("", ""))
    if valued:
        held_en = (
            f"average stock worth {a.stock_value:,.0f} against {b.stock_value:,.0f} "
            f"({en_at}); orders worth {a.order_value:,.0f} against {b.order_value:,.0f}"
        )
        held_zh = (f"平均库存价值 {a.stock_value:,.0f} 对 {b.stock_value:,.0f}（{zh_at}）；"
                   f"订货金额 {a.order_value:,.0f} 对 {b.order_value:,.0f}")  # fmt: skip
    else:
        held_en = f"average stock {a.avg_stock:,.0f} against {b.avg_stock:,.0f} units"
        held_zh = f"平均库存 {a.avg_stock:,.0f} 对 {b.avg_stock:,.0f} 件"
    if not less_fill and not more_stock:
        return (
            f"SkuCast's advice is at least as good on both: fill rate {points:+.1f} points "
            f"with {held_en}.",
            f"SkuCast 的建议在满足率和库存上都不差：满足率 {points:+.1f} 个百分点，{held_zh}。",
        )
    if more_fill and more_stock:
        extra = ((a.stock_value - b.stock_value) / points if valued
                 else (a.avg_stock - b.avg_stock) / points)  # fmt: skip
        unit_en, unit_zh = (
            ("of stock value", "库存价值") if valued else ("units of stock", "件库存")
        )
        return (
            f"SkuCast buys fill rate with stock: {points:+.1f} points for {ratio:.1f}x the "
            f"stock ({held_en}), about {extra:,.0f} {unit_en} held per extra point. Worth "
            f"it where a lost sale costs more than holding that stock.",
            f"SkuCast 用库存换满足率：满足率 {points:+.1f} 个百分点，库存为对方的 {ratio:.1f} 倍"
            f"（{held_zh}），每多 1 个百分点约多占 {extra:,.0f} {unit_zh}。缺货损失高于持有成本时值得。",
        )
    if less_fill and less_stock:
        return (f"SkuCast holds less stock but serves less: {points:+.1f} points of fill rate "
                f"with {held_en}. Raise the service level if stock-outs cost more.",
                f"SkuCast 库存更少但满足率更低：{points:+.1f} 个百分点，{held_zh}。"
                f"若缺货代价更高，请提高服务水平。")  # fmt: skip
    ran_out = a.get("stockout_periods", 0.0), b.get("stockout_periods", 0.0)
    if not less_fill and more_stock and ran_out[0] < (1 - FEWER_STOCKOUTS) * ran_out[1]:
        return (  # the same fill rate, fewer periods out of stock, more stock held
            f"SkuCast runs out less often for more stock: {ran_out[0]:,.0f} stock-out periods "
            f"against {ran_out[1]:,.0f}, fill rate {points:+.1f} points, {ratio:.1f}x the stock "
            f"({held_en}). Worth it where running out costs more than holding that stock.",
            f"SkuCast 以更多库存换更少缺货：缺货 {ran_out[0]:,.0f} 期对 {ran_out[1]:,.0f} 期，"
            f"满足率 {points:+.1f} 个百分点，库存为对方的 {ratio:.1f} 倍（{held_zh}）。"
            f"缺货代价高于持有成本时值得。",
        )  # fmt: skip
    return (f"Ordering what sold did better here: fill rate {points:+.1f} points for SkuCast "
            f"with {held_en}. Check the lead time, the stock figures and the forecast.",
            f"按上期销量补货在这里更好：SkuCast 满足率 {points:+.1f} 个百分点，{held_zh}。"
            f"请检查提前期、库存数据和预测。")  # fmt: skip


def _step_days(freq: str) -> float:
    grid = PeriodGrid.from_freq(freq)
    if grid.kind != "step":
        raise InputError(
            "The policy backtest needs daily or weekly data.", "补货策略回测需要按天或按周的数据。"
        )
    return grid.step / pd.Timedelta(days=1).value


def simulate_policy(
    frame: pd.DataFrame,
    freq: str,
    factory: Callable[[], Forecaster],
    *,
    reviews: int = 8,
    options: InventoryOptions | None = None,
    lifecycle: bool = True,
    should_stop=None,
    on_progress=None,
    unit_value: pd.Series | None = None,
) -> PolicyResult:
    """Replay the last ``reviews`` review periods with SkuCast's advice and a naive policy.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cleaned history (``unique_id``, ``ds``, ``y``; products aligned to the last date).
    freq : str
        ``"D"`` or weekly.
    factory : callable
        Returns a fresh forecaster (refitted at each review).
    reviews : int
        Review periods to replay.
    options : InventoryOptions, optional
        Lead time, review period (days, at least one data period), service level ...
    lifecycle : bool
        Give the advice each product's lifecycle stage as of the first review (see
        module doc); False replays the advice without stages.
    unit_value : pandas.Series, optional
        Unit cost per product (index ``unique_id``): what stock and orders are worth.
        Without it, each product's last selling price in ``frame`` (a ``price`` column)
        is used when there is one, and the verdict says so.

    Raises
    ------
    InputError
        When the history is too short for the replay.
    """
    options = options or InventoryOptions()
    options.check()
    step = _step_days(freq)
    every = max(1, int(round(options.review_period / step)))
    lead = max(1, int(np.ceil(options.lead_time / step - 1e-9)))
    protect = int(np.ceil((options.lead_time + max(options.review_period, step)) / step - 1e-9))
    wide = frame.pivot_table(index="ds", columns="unique_id", values="y", aggfunc="sum")
    wide = wide.sort_index().fillna(0.0)
    n_replay = reviews * every
    if len(wide) < n_replay + 2 * protect:
        raise InputError(
            f"The history ({len(wide)} periods) is too short to replay {reviews} reviews.",
            f"历史数据（{len(wide)} 期）太短，无法回放 {reviews} 次补货。",
        )
    start = len(wide) - n_replay
    demand = wide.to_numpy(float)
    ids = list(wide.columns)
    state = {p: _State(len(ids)) for p in ("skucast", "naive")}
    review_dates, stages = [], None
    for k, t in enumerate(range(start, len(wide), every)):
        if should_stop is not None and should_stop():
            raise CancelledError()
        cutoff = wide.index[t - 1]
        review_dates.append(cutoff)
        hist = frame[frame["ds"] <= cutoff]
        if k == 0 and lifecycle:
            stages = _stages(hist, freq)
        fc = factory().fit(hist, freq).predict(max(protect, 1), levels=(50, 80, 95))
        for name, st in state.items():
            if k == 0:
                start_stock = fc.groupby("unique_id")["forecast"].sum().reindex(ids).fillna(0)
                st.on_hand[:] = start_stock.to_numpy()
            if name == "skucast":
                qty = _skucast_orders(fc, st, ids, options, step, stages)
            else:
                qty = demand[max(0, t - every) : t].sum(axis=0)
            st.order(qty, t + lead)
        for s in range(t, min(t + every, len(wide))):
            for st in state.values():
                st.serve(s, demand[s])
        if on_progress is not None:
            on_progress({"stage": "simulate", "done": k + 1, "total": reviews})
    values, basis = _unit_values(frame, ids, unit_value)
    return _result(state, ids, demand[start:], review_dates, stages, values, basis)


def _unit_values(frame: pd.DataFrame, ids: list, given: pd.Series | None):
    """``(value per unit aligned to ids or None, basis)``: the costs given, else the last
    known selling price; products with neither count at 0 (said by the basis' wording)."""
    if given is not None:
        values = pd.Series(given, dtype=float).rename(index=str)
        return values.reindex([str(i) for i in ids]).fillna(0).to_numpy(), "cost"
    prices = last_prices(frame)
    if prices is not None:
        return prices.reindex([str(i) for i in ids]).fillna(0).to_numpy(float), "price"
    return None, None


class _State:
    """Stock, pipeline and tallies of one policy."""

    def __init__(self, n: int) -> None:
        self.on_hand = np.zeros(n)
        self.pipeline: list[tuple[int, np.ndarray]] = []
        self.served = np.zeros(n)
        self.stockouts = np.zeros(n)
        self.stock_sum = np.zeros(n)
        self.periods = 0
        self.orders = np.zeros(n)
        self.ordered = np.zeros(n)

    def position(self) -> np.ndarray:
        return self.on_hand + sum((q for _, q in self.pipeline), np.zeros_like(self.on_hand))

    def order(self, qty: np.ndarray, arrives: int) -> None:
        qty = np.maximum(np.asarray(qty, float), 0)
        self.orders += qty > 0
        self.ordered += qty
        self.pipeline.append((arrives, qty))

    def serve(self, period: int, demand: np.ndarray) -> None:
        for _, qty in [p for p in self.pipeline if p[0] <= period]:
            self.on_hand += qty
        self.pipeline = [p for p in self.pipeline if p[0] > period]
        served = np.minimum(self.on_hand, demand)
        self.served += served
        self.stockouts += served < demand - 1e-9
        self.on_hand -= served
        self.stock_sum += self.on_hand
        self.periods += 1


def _stages(hist: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Lifecycle stage of every product at the end of ``hist``."""
    return classify_lifecycle(hist, freq)[["unique_id", "stage"]]


def _skucast_orders(fc, st: _State, ids, options, step: float, stages=None) -> np.ndarray:
    pos = st.position()
    stock = pd.DataFrame({"unique_id": ids, "on_hand": pos, "on_order": 0.0})
    advice = recommend_inventory(fc, stock, stages, options=options, period_days=step)
    return advice.set_index("unique_id")["order_qty"].reindex(ids).fillna(0).to_numpy()


def _result(state: dict, ids: list, demand: np.ndarray, reviews: list, stages,
            values: np.ndarray | None = None, basis: str | None = None) -> PolicyResult:  # fmt: skip
    total = demand.sum(axis=0)
    parts, rows = [], []
    stage = (
        stages.set_index(stages["unique_id"].astype(str))["stage"]
        .reindex([str(i) for i in ids])
        .to_numpy()
        if stages is not None
        else None
    )
    for name, st in state.items():
        avg = st.stock_sum / max(st.periods, 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            fill = np.where(total > 0, st.served / total, 1.0)
        part = pd.DataFrame({"policy": name, "unique_id": ids, "stage": stage,
                             "demand": total,
                             "served": st.served, "fill_rate": fill,
                             "stockout_periods": st.stockouts, "avg_stock": avg,
                             "orders": st.orders, "ordered": st.ordered})  # fmt: skip
        row = {"policy": name, "demand": total.sum(), "served": st.served.sum(),
               "fill_rate": st.served.sum() / max(total.sum(), 1e-9),
               "stockout_periods": st.stockouts.sum(), "avg_stock": avg.sum(),
               "orders": st.orders.sum(), "ordered": st.ordered.sum()}  # fmt: skip
        if values is not None:
            part["stock_value"], part["order_value"] = avg * values, st.ordered * values
            row.update(stock_value=float(part["stock_value"].sum()),
                       order_value=float(part["order_value"].sum()))  # fmt: skip
        parts.append(part)
        rows.append(row)
    return PolicyResult(pd.concat(parts, ignore_index=True), pd.DataFrame(rows), reviews, basis)
