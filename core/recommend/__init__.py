"""What to do: reorder quantities and points (:mod:`.inventory`, from the forecast's demand
as :mod:`.demand` reads it), promote / hold / clear (:mod:`.promotion`), the merged advice
table (:func:`recommendations`, its invariants in :func:`check_advice`), the products
bought together (:func:`basket_pairs`, :mod:`.basket`), the policy backtest
(:func:`simulate_policy`), the supplier table (:mod:`.suppliers`), purchase orders by
supplier (:mod:`.purchase`) and their files in the ERPs' layouts (:mod:`.purchase_files`).
"""

from core.recommend.advice import AdviceError, check_advice, recommendations, required_horizon
from core.recommend.basket import (
    PAIR_COLUMNS,
    BasketOptions,
    BasketResult,
    basket_pairs,
    strong_partners,
)
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
    with_partners,
)
from core.recommend.purchase import (
    NO_SUPPLIER,
    PurchaseOptions,
    PurchaseOrders,
    build_orders,
    last_prices,
)
from core.recommend.purchase_files import PRESETS, read_layout, write_orders
from core.recommend.simulate import PolicyResult, simulate_policy
from core.recommend.suppliers import (
    SupplierResolution,
    SupplierTable,
    read_suppliers,
    resolve_suppliers,
)

__all__ = [
    "AdviceError",
    "apply_budget",
    "build_orders",
    "last_prices",
    "basket_pairs",
    "BasketOptions",
    "BasketResult",
    "check_advice",
    "festival_calendar",
    "InventoryOptions",
    "MAX_COVER_DAYS",
    "MODEL_RHO",
    "NO_SUPPLIER",
    "PAIR_COLUMNS",
    "PolicyResult",
    "PRESETS",
    "promotion_effects",
    "PromotionOptions",
    "PurchaseOptions",
    "PurchaseOrders",
    "read_layout",
    "read_suppliers",
    "recommend_inventory",
    "recommend_promotion",
    "recommendations",
    "required_horizon",
    "resolve_suppliers",
    "rho_for",
    "simulate_policy",
    "strong_partners",
    "SupplierResolution",
    "SupplierTable",
    "with_partners",
    "write_orders",
]
