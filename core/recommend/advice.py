"""The advice table: reorder and promotion advice per product, merged by one rule.

:func:`recommendations` runs :func:`~core.recommend.inventory.recommend_inventory` and
:func:`~core.recommend.promotion.recommend_promotion` on a forecast and the lifecycle
stages and merges them into one row per product. The business rule of the merge: a
product being cleared is never reordered, and its reason says so instead of giving a
reorder reason that would contradict it.
"""

from __future__ import annotations

import math

import pandas as pd

from core.data import ModelFrames
from core.periods import period_days
from core.recommend.inventory import recommend_inventory
from core.recommend.promotion import PromotionOptions, promotion_effects, recommend_promotion
from core.text import CELL, pick

__all__ = ["recommendations", "required_horizon"]


def recommendations(frames: ModelFrames, freq: str, forecast: pd.DataFrame,
                    stages: pd.DataFrame, stock: pd.DataFrame | None, options,
                    region: str = "CN", lang: str = "both") -> pd.DataFrame:  # fmt: skip
    """Reorder and promotion advice per forecast product (one row each).

    Columns: ``unique_id, stage, forecast_lead_time, safety_stock, reorder_point,
    order_qty, days_of_cover, stockout_date, promotion, promotion_window, discount,
    reason``. A product being cleared is never reordered (and the reason says so).
    """

    options.check()
    active = stages[stages["unique_id"].isin(forecast["unique_id"])]
    inv = recommend_inventory(forecast, stock, active[["unique_id", "stage"]], options,
                              period_days=period_days(freq))  # fmt: skip
    effects = promotion_effects(frames.frame)
    promo = recommend_promotion(effects, active, inv, forecast, PromotionOptions(region=region))
    return _recommend_table(inv, promo, lang)


def required_horizon(freq: str, options, horizon: int | None = None) -> int:
    """Periods the forecast must cover for lead time plus review period."""
    need = math.ceil((options.lead_time + options.review_period) / period_days(freq))
    return max(int(horizon or 0), need, 1)


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
    out = merged[["unique_id", "stage", "forecast_lead_time", "safety_stock", "reorder_point",
                  "order_qty", "days_of_cover", "stockout_date"]].copy()  # fmt: skip
    for col in ("forecast_lead_time", "safety_stock", "reorder_point", "days_of_cover"):
        out[col] = out[col].round(1)
    out.loc[clearing, "order_qty"] = 0.0
    prefix = pick(lang, "Clearing: do not reorder. ", "清仓中：不再补货。", CELL)
    out["promotion"] = merged["action"].fillna("hold")
    out["promotion_window"] = window
    out["discount"] = merged["depth"].fillna(0).round(2)
    out["reason"] = [prefix + r if c else r for r, c in zip(reason, clearing, strict=True)]
    return out
