"""Lifecycle stages: introduction, growth, maturity, decline, and when the next one comes.

:func:`classify_lifecycle` fits a life curve per product (:mod:`.curve`), pools launch
curves across the shop for young products (:mod:`.pool`) and reads period rates
(:mod:`.rates`); the stage rules live in :mod:`.product`, the reasons in :mod:`.reasons`.
"""

from core.lifecycle.curve import (
    DECLINE_EVIDENCE,
    MIN_UNITS,
    Launch,
    LifeFit,
    fit_life_curve,
)
from core.lifecycle.pool import (
    MIN_PRODUCTS,
    SEASON_PENALTY,
    fit_short_history,
    launch_prior,
    shop_calendar,
)
from core.lifecycle.product import INTRO_MAX, MATURE_MIN, NEW_DAYS, STAGE_NAMES, STAGES
from core.lifecycle.rates import PeriodRates, flat_or_trend, period_rates, pool_sparse, working_grid
from core.lifecycle.robust import noise_scale, robust_cost, yearly_cycle
from core.lifecycle.stages import classify_lifecycle, lifecycle_with_history, stage_history

__all__ = [
    "classify_lifecycle",
    "DECLINE_EVIDENCE",
    "fit_life_curve",
    "fit_short_history",
    "flat_or_trend",
    "INTRO_MAX",
    "Launch",
    "launch_prior",
    "lifecycle_with_history",
    "LifeFit",
    "MATURE_MIN",
    "MIN_PRODUCTS",
    "MIN_UNITS",
    "NEW_DAYS",
    "noise_scale",
    "period_rates",
    "PeriodRates",
    "pool_sparse",
    "robust_cost",
    "SEASON_PENALTY",
    "shop_calendar",
    "stage_history",
    "STAGE_NAMES",
    "STAGES",
    "working_grid",
    "yearly_cycle",
]
