"""The advice table: reorder and promotion advice per product, merged by one rule.

:func:`recommendations` runs :func:`~core.recommend.inventory.recommend_inventory` and
:func:`~core.recommend.promotion.recommend_promotion` on a forecast and the lifecycle
stages and merges them into one row per product. The business rule of the merge: a
product being cleared is never reordered, and its reason says so instead of giving a
reorder reason that would contradict it.

The table's invariants hold by construction and are checked in one place,
:func:`check_advice`, which raises :class:`AdviceError` (a bug in SkuCast, never bad input)
rather than mend a number:

- ``days_of_cover`` is between 0 and :data:`~core.recommend.demand.MAX_COVER_DAYS`
  (3,650: "ten years or more"), or empty where no sales are expected;
- a product being cleared has no order (and a discount above 0);
- ``promotion`` is ``promote``, ``hold`` or ``clear``; orders and safety stocks are not
  negative and a safety stock never exceeds its reorder point;
- ``service_level`` is the one stated for the product (its ``stock`` row's, else the
  options').

Two more hold by construction and are tested across many products
(``tests/core/test_advice.py``): the promotion advice sees only stock, days of cover and
expected sales per day, none of which depends on the service level or the lead time; and
each product's figures come from its own inputs (its scenarios from its own seed), so one
product's settings change only that product.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.data import ModelFrames
from core.periods import period_days
from core.recommend.basket import basket_pairs, strong_partners
from core.recommend.demand import MAX_COVER_DAYS, RATE_DAYS
from core.recommend.inventory import recommend_inventory
from core.recommend.promotion import (
    PromotionOptions,
    promotion_effects,
    recommend_promotion,
    with_partners,
)
from core.text import CELL, pick

__all__ = ["AdviceError", "check_advice", "recommendations", "required_horizon"]

ACTIONS = ("promote", "hold", "clear")
#: The inventory figures the promotion advice may read: none depends on the service
#: level or the lead time.
PROMOTION_INPUTS = ("unique_id", "on_hand", "on_order", "days_of_cover", "demand_per_day")


class AdviceError(RuntimeError):
    """An advice table broke one of its invariants: a bug in SkuCast, not bad input."""


def recommendations(frames: ModelFrames, freq: str, forecast: pd.DataFrame,
                    stages: pd.DataFrame, stock: pd.DataFrame | None, options,
                    region: str = "CN", lang: str = "both",
                    pairs=None, on_progress=None) -> pd.DataFrame:  # fmt: skip
    """Reorder and promotion advice per forecast product (one row each).

    Columns: ``unique_id, stage, service_level, forecast_lead_time, safety_stock,
    reorder_point, order_qty, days_of_cover, stockout_date, promotion, promotion_window,
    discount, reason``. A product being cleared is never reordered (and the reason says
    so). ``days_of_cover`` is at most 3,650 and empty where no sales are expected. The
    table passes :func:`check_advice`.

    With order numbers (``frames.orders``, or ``pairs``: a
    :class:`~core.recommend.basket.BasketResult` already made from them) a ``partner``
    column follows ``discount``: the product still on sale that a product to promote or
    clear is most often bought with, named in its reason too
    (:func:`~core.recommend.promotion.with_partners`). ``on_progress`` receives the
    inventory advice's events (:func:`~core.recommend.inventory.recommend_inventory`).
    """

    options.check()
    active = stages[stages["unique_id"].isin(forecast["unique_id"])]
    inv = recommend_inventory(forecast, stock, active[["unique_id", "stage"]], options,
                              period_days=period_days(freq), on_progress=on_progress)  # fmt: skip
    effects = promotion_effects(frames.frame)
    promo = recommend_promotion(effects, active, inv[list(PROMOTION_INPUTS)], forecast,
                                PromotionOptions(region=region))  # fmt: skip
    orders = getattr(frames, "orders", None)
    if pairs is None and orders is not None:
        pairs = basket_pairs(orders)
    if pairs is not None:
        promo = with_partners(promo, strong_partners(pairs, forecast["unique_id"].unique()))
    table = _recommend_table(inv, promo, lang)
    check_advice(table, stated=_stated_levels(table["unique_id"], stock, options))
    return table


def required_horizon(freq: str, options, horizon: int | None = None) -> int:
    """Periods the forecast must cover: lead time plus review period, and at least the
    14 days whose expected sales the days of cover and the promotion advice read."""
    days = max(options.lead_time + options.review_period, RATE_DAYS)
    need = math.ceil(days / period_days(freq) - 1e-9)
    return max(int(horizon or 0), need, 1)


def _stated_levels(ids: pd.Series, stock: pd.DataFrame | None, options) -> pd.Series:
    """The service level stated for each product: its ``stock`` row's, else the options'."""
    stated = pd.Series(float(options.service_level), index=ids.astype(str).to_numpy())
    if stock is not None and "service_level" in stock:
        given = stock.assign(unique_id=stock["unique_id"].astype(str))
        given = given.drop_duplicates("unique_id").set_index("unique_id")["service_level"]
        stated = given.reindex(stated.index).astype(float).fillna(stated)
    return stated


def check_advice(table: pd.DataFrame, stated: pd.Series | None = None) -> None:
    """Raise :class:`AdviceError` where ``table`` breaks an invariant (see module doc).

    ``table`` holds :func:`recommendations` columns (at least ``unique_id``,
    ``safety_stock``, ``reorder_point``, ``order_qty``, ``days_of_cover``,
    ``promotion``, ``discount`` and ``service_level``); ``stated`` is the service level
    stated per ``unique_id``. Nothing is changed.
    """
    ids = table["unique_id"].astype(str)
    cover = table["days_of_cover"].astype(float)
    clear = table["promotion"].eq("clear")
    eps = 1e-6
    problems = {
        f"days of cover outside 0..{MAX_COVER_DAYS:.0f}": cover.notna()
        & ~cover.between(0, MAX_COVER_DAYS),
        "cleared and reordered": clear & (table["order_qty"] > 0),
        "cleared without a discount": clear & ~(table["discount"] > 0),
        f"promotion not one of {', '.join(ACTIONS)}": ~table["promotion"].isin(ACTIONS),
        "negative order": ~(table["order_qty"] >= 0),
        "safety stock negative or above the reorder point": ~(table["safety_stock"] >= 0)
        | (table["safety_stock"] > table["reorder_point"] + eps),
    }
    if stated is not None:
        want = stated.reindex(ids.to_numpy()).to_numpy(float)
        used = table["service_level"].to_numpy(float)
        problems["service level used is not the one stated"] = pd.Series(
            ~np.isclose(used, want, rtol=0, atol=1e-9), index=table.index
        )
    for what, bad in problems.items():
        if bad.any():
            which = ", ".join(ids[bad].head(5))
            raise AdviceError(f"Advice invariant broken ({what}) for {which}.")


def _recommend_table(inv: pd.DataFrame, promo: pd.DataFrame, lang: str) -> pd.DataFrame:
    merged = inv.merge(promo, on="unique_id", how="left", suffixes=("", "_promo"))
    window = [f"{a} .. {b}" if isinstance(a, str) else "" for a, b in
              zip(merged["window_start"], merged["window_end"], strict=True)]  # fmt: skip
    clearing = merged["action"].eq("clear").to_numpy()
    # a product being cleared gets the clearance reason only: its reorder reason would
    # contradict "do not reorder"
    reason = [
        pick(lang, pe if c else f"{ie} {pe}", pz if c else f"{iz}{pz}", CELL)
        for ie, iz, pe, pz, c in zip(merged["reason_en"], merged["reason_zh"],
                                     merged["reason_en_promo"].fillna(""),
                                     merged["reason_zh_promo"].fillna(""), clearing,
                                     strict=True)
    ]  # fmt: skip
    out = merged[["unique_id", "stage", "service_level", "forecast_lead_time", "safety_stock",
                  "reorder_point", "order_qty", "days_of_cover", "stockout_date"]].copy()  # fmt: skip
    for col in ("forecast_lead_time", "safety_stock", "reorder_point", "days_of_cover"):
        out[col] = out[col].round(1)
    out.loc[clearing, "order_qty"] = 0.0
    prefix = pick(lang, "Clearing: do not reorder. ", "清仓中：不再补货。", CELL)
    out["promotion"] = merged["action"].fillna("hold")
    out["promotion_window"] = window
    out["discount"] = merged["depth"].fillna(0).round(2)
    if "partner" in merged:
        out["partner"] = merged["partner"].fillna("").astype(str)
    out["reason"] = [prefix + r if c else r for r, c in zip(reason, clearing, strict=True)]
    return out
