"""What to do: reorder quantities and points (:mod:`.inventory`, from the forecast's demand
as :mod:`.demand` reads it), promote / hold / clear (:mod:`.promotion`), the merged advice
table (:func:`recommendations`, its invariants in :func:`check_advice`) and the policy
backtest (:func:`simulate_policy`).
"""

from core.recommend.advice import AdviceError, check_advice, recommendations, required_horizon
from core.recommend.demand import MAX_COVER_DAYS
from core.recommend.inventory import (
    MODEL_RHO,
    InventoryOptions,
    apply_budget,
    recommend_inventory,
    rho_for,
)
from core.recommend.promotion import (
    PromotionOptions,
    festival_calendar,
    promotion_effects,
    recommend_promotion,
)
from core.recommend.simulate import PolicyResult, simulate_policy

__all__ = [
    "AdviceError",
    "apply_budget",
    "check_advice",
    "festival_calendar",
    "InventoryOptions",
    "MAX_COVER_DAYS",
    "MODEL_RHO",
    "PolicyResult",
    "promotion_effects",
    "PromotionOptions",
    "recommend_inventory",
    "recommend_promotion",
    "recommendations",
    "required_horizon",
    "rho_for",
    "simulate_policy",
]
