"""What to do: reorder quantities and points (:mod:`.inventory`), promote / hold / clear
(:mod:`.promotion`), the merged advice table (:func:`recommendations`) and the policy
backtest (:func:`simulate_policy`).
"""

from core.recommend.advice import recommendations, required_horizon
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
    "apply_budget",
    "festival_calendar",
    "InventoryOptions",
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
