"""Forecasting: features, the models, backtests, the ``auto`` meta-model, tuning, explanations.

:class:`TrainSettings` and :func:`make_model` are the one way to build a model by name;
:func:`backtest` scores models on past windows (:mod:`core.forecast.leaderboard` ranks
them); :class:`AutoForecaster` sits above the backtest and picks a model per product (the
``ensemble`` of LSTM, LightGBM and the best statistical model is one of its candidates).
The models themselves live in :mod:`core.forecast.models`.
"""

from core.forecast.auto import (
    DEFAULT_CANDIDATES,
    DEFAULT_INTERMITTENT,
    AutoForecaster,
    inner_horizon,
)
from core.forecast.backtest import BacktestResult, backtest, classify_demand, default_metric
from core.forecast.demand import ADI_CUTOFF, CV2_CUTOFF, SPARSE_KINDS
from core.forecast.explain import GROUP_PREFIXES, permutation_importance
from core.forecast.features import (
    FEATURE_GROUPS,
    FeatureConfig,
    FeatureFrame,
    FeatureGroup,
    build_features,
    default_lags,
    future_frame,
)
from core.forecast.festival_lift import FestivalLift, festival_lift_of, fit_lift
from core.forecast.folds import MIN_TRAIN, plan_cutoffs
from core.forecast.leaderboard import (
    check_metric,
    display_name,
    empty_scores,
    leaderboard,
    ordering_key,
    pool_folds,
)
from core.forecast.metrics import evaluate, summarize
from core.forecast.models import (
    BASE_MODELS,
    BASELINE_MODELS,
    DEEP_MODELS,
    ENSEMBLE_MODELS,
    INTERMITTENT_MODELS,
    QUANTILES,
    TREE_MODELS,
    EnsembleForecaster,
    Forecaster,
    LGBMForecaster,
    LSTMForecaster,
    check_levels,
    default_window,
    interval_columns,
    load_forecaster,
    make_base_model,
    save_forecaster,
    with_median,
)
from core.forecast.settings import MODEL_NAMES, TrainSettings, default_horizon, make_model
from core.forecast.tuning import TuneResult, load_params, save_params, search_space, tune

__all__ = [
    "ADI_CUTOFF",
    "AutoForecaster",
    "backtest",
    "BacktestResult",
    "BASE_MODELS",
    "BASELINE_MODELS",
    "INTERMITTENT_MODELS",
    "make_base_model",
    "interval_columns",
    "build_features",
    "check_levels",
    "check_metric",
    "classify_demand",
    "CV2_CUTOFF",
    "DEEP_MODELS",
    "DEFAULT_CANDIDATES",
    "default_horizon",
    "DEFAULT_INTERMITTENT",
    "default_lags",
    "default_metric",
    "default_window",
    "display_name",
    "ENSEMBLE_MODELS",
    "EnsembleForecaster",
    "empty_scores",
    "evaluate",
    "FEATURE_GROUPS",
    "FestivalLift",
    "festival_lift_of",
    "fit_lift",
    "FeatureConfig",
    "FeatureFrame",
    "FeatureGroup",
    "Forecaster",
    "future_frame",
    "GROUP_PREFIXES",
    "inner_horizon",
    "leaderboard",
    "load_forecaster",
    "load_params",
    "LGBMForecaster",
    "LSTMForecaster",
    "make_model",
    "MIN_TRAIN",
    "MODEL_NAMES",
    "ordering_key",
    "permutation_importance",
    "plan_cutoffs",
    "pool_folds",
    "QUANTILES",
    "save_forecaster",
    "save_params",
    "search_space",
    "SPARSE_KINDS",
    "summarize",
    "TrainSettings",
    "TREE_MODELS",
    "tune",
    "TuneResult",
    "with_median",
]
