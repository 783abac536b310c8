"""The base forecasters by their short names: the deep models, the gradient-boosting model,
the baselines and the ensemble of them.

:func:`make_base_model` builds the models that forecast on their own. The ``auto``
meta-model, which backtests these and picks one per product, sits above the backtest in
:mod:`core.forecast.auto`; :func:`core.forecast.settings.make_model` is the one factory of
every name, ``auto`` included. The baselines import statsforecast (numba), so they are
loaded through :func:`core.lazy.load` when one is first built: listing the names or
building a deep model never pays for it. The gradient-boosting model imports LightGBM
itself when it is fitted.
"""

from __future__ import annotations

from core import lazy
from core.errors import InputError
from core.forecast.models.base import Forecaster
from core.forecast.models.ensemble import EnsembleForecaster
from core.forecast.models.lgbm import LGBMForecaster
from core.forecast.models.lstm import LSTMForecaster

__all__ = [
    "BASE_MODELS",
    "BASELINE_MODELS",
    "DEEP_MODELS",
    "ENSEMBLE_MODELS",
    "INTERMITTENT_MODELS",
    "TREE_MODELS",
    "make_base_model",
]

#: Deep models (Keras), built by :mod:`core.forecast.models.lstm`.
DEEP_MODELS = ("lstm", "gru")
#: Global gradient-boosting models, built by :mod:`core.forecast.models.lgbm`.
TREE_MODELS = ("lgbm",)
#: Statistical baselines, built by :mod:`core.forecast.models.baselines`.
BASELINE_MODELS = ("snaive", "ets", "mstl", "croston", "tsb", "adida")
#: Combinations of the models above, built by :mod:`core.forecast.models.ensemble`.
ENSEMBLE_MODELS = ("ensemble",)
#: Every name :func:`make_base_model` accepts, in the order the CLI lists them.
BASE_MODELS = (*DEEP_MODELS, *TREE_MODELS, *ENSEMBLE_MODELS, *BASELINE_MODELS)
#: Baselines for intermittent (slow-moving, many-zero) products.
INTERMITTENT_MODELS = ("croston", "tsb", "adida")


def make_base_model(name: str, **params) -> Forecaster:
    """Create the base forecaster called ``name`` with the given constructor arguments.

    Parameters
    ----------
    name : str
        One of :data:`BASE_MODELS`.
    **params
        Passed to the model's constructor.

    Raises
    ------
    InputError
        For an unknown name (``auto`` included: see :func:`core.forecast.settings.make_model`).
    """
    key = str(name).strip().lower()
    if key in DEEP_MODELS:
        return LSTMForecaster(cell=key, **params)
    if key in TREE_MODELS:
        return LGBMForecaster(**params)
    if key in ENSEMBLE_MODELS:
        return EnsembleForecaster(**params)
    if key in BASELINE_MODELS:
        return lazy.load("core.forecast.models.baselines").make_baseline(key, **params)
    names = ", ".join(BASE_MODELS)
    raise InputError(
        f"Unknown model {name!r}; choose one of {names}.",
        f"未知的模型 {name!r}；可选：{names}。",
    )
