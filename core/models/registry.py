"""One entry point to every SkuCast forecaster by its short name.

The deep models import Keras lazily (about 3 s), so asking for a baseline or
listing the names never pays for it.
"""

from __future__ import annotations

from core.errors import InputError
from core.models.base import Forecaster

#: Deep models (Keras), built by :mod:`core.models.lstm`.
DEEP_MODELS = ("lstm", "gru")
#: Statistical baselines, built by :mod:`core.models.baselines`.
BASELINE_MODELS = ("snaive", "ets", "mstl", "croston", "tsb", "adida")
#: Every name :func:`make_model` accepts, in the order the CLI lists them.
MODEL_NAMES = (*DEEP_MODELS, *BASELINE_MODELS, "auto")
#: Baselines for intermittent (slow-moving, many-zero) products.
INTERMITTENT_MODELS = ("croston", "tsb", "adida")


def make_model(name: str, **params) -> Forecaster:
    """Create the forecaster called ``name`` with the given constructor arguments.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`.
    **params
        Passed to the model's constructor.

    Raises
    ------
    InputError
        For an unknown name.
    """
    key = str(name).strip().lower()
    if key in DEEP_MODELS:
        from core.models.lstm import LSTMForecaster

        return LSTMForecaster(cell=key, **params)
    if key in BASELINE_MODELS:
        from core.models.baselines import make_baseline

        return make_baseline(key, **params)
    if key == "auto":
        from core.backtest import AutoForecaster

        return AutoForecaster(**params)
    names = ", ".join(MODEL_NAMES)
    raise InputError(
        f"Unknown model {name!r}; choose one of {names}.",
        f"未知的模型 {name!r}；可选：{names}。",
    )
