"""Lifecycle stages: introduction, growth, maturity, decline, and when the next one comes.

:func:`classify_lifecycle` fits each product's smooth level (:mod:`.trend`, with the
shop's calendar taken out), reads the stage off it as an operator would
(:mod:`.reading`: rising, flat near the peak, falling from it), words the reason
(:mod:`.reasons`) and calls the next stage from what the shop's finished products did
(:mod:`.ahead`: the plateau of a product and of the shop's finished ones measured
alike, :func:`plateau_span`).
"""

from core.lifecycle.ahead import MIN_CASES, OVERDUE_WEEKS, PLATEAU_BAND, ShopHistory, plateau_span
from core.lifecycle.product import NEW_DAYS, STAGE_NAMES, STAGES, stage_labels
from core.lifecycle.rates import PeriodRates, period_rates, quiet_runs, working_grid
from core.lifecycle.reading import (
    DECLINE_SHARE,
    EVIDENCE,
    INTRO_WEEKS,
    RISE,
    Reading,
    read_levels,
)
from core.lifecycle.stages import classify_lifecycle, lifecycle_with_history, stage_history
from core.lifecycle.trend import Trend, fit_trend, shop_calendar

__all__ = [
    "classify_lifecycle",
    "DECLINE_SHARE",
    "EVIDENCE",
    "fit_trend",
    "INTRO_WEEKS",
    "lifecycle_with_history",
    "MIN_CASES",
    "NEW_DAYS",
    "OVERDUE_WEEKS",
    "period_rates",
    "PeriodRates",
    "PLATEAU_BAND",
    "plateau_span",
    "quiet_runs",
    "read_levels",
    "Reading",
    "RISE",
    "shop_calendar",
    "ShopHistory",
    "stage_history",
    "stage_labels",
    "STAGE_NAMES",
    "STAGES",
    "Trend",
    "working_grid",
]
