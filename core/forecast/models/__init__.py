"""The forecasters: one contract (:class:`Forecaster`), the Keras LSTM/GRU, the global
LightGBM model, the statsforecast baselines and their ensemble, built by name with
:func:`make_base_model`, saved and loaded with :func:`save_forecaster` /
:func:`load_forecaster`.
"""

from core.forecast.models.base import (
    OUTPUT_COLUMNS,
    Forecaster,
    ProgressFn,
    StopFn,
    check_levels,
    interval_columns,
    with_median,
)
from core.forecast.models.ensemble import EnsembleForecaster
from core.forecast.models.lgbm import LGBMForecaster
from core.forecast.models.lstm import LSTMForecaster, default_window
from core.forecast.models.lstm_inputs import (
    feature_stats,
    history_columns,
    scale_features,
    series_table,
    static_codes,
)
from core.forecast.models.lstm_quantiles import (
    QUANTILES,
    has_mean_head,
    init_output_bias,
    predict_blocks,
    quantile_intervals,
    quantile_mean,
)
from core.forecast.models.lstm_warm import check_donor, copy_weights, take_network, vocabulary_rows
from core.forecast.models.registry import (
    BASE_MODELS,
    BASELINE_MODELS,
    DEEP_MODELS,
    ENSEMBLE_MODELS,
    INTERMITTENT_MODELS,
    TREE_MODELS,
    make_base_model,
)
from core.forecast.models.store import load_forecaster, save_forecaster
from core.forecast.models.windowing import Batch, Panel, build_panel, gather, window_ends

__all__ = [
    "BASE_MODELS",
    "BASELINE_MODELS",
    "Batch",
    "build_panel",
    "check_donor",
    "check_levels",
    "copy_weights",
    "DEEP_MODELS",
    "default_window",
    "ENSEMBLE_MODELS",
    "EnsembleForecaster",
    "feature_stats",
    "Forecaster",
    "gather",
    "has_mean_head",
    "history_columns",
    "init_output_bias",
    "INTERMITTENT_MODELS",
    "interval_columns",
    "load_forecaster",
    "LGBMForecaster",
    "LSTMForecaster",
    "make_base_model",
    "OUTPUT_COLUMNS",
    "Panel",
    "predict_blocks",
    "ProgressFn",
    "quantile_intervals",
    "quantile_mean",
    "QUANTILES",
    "save_forecaster",
    "scale_features",
    "series_table",
    "static_codes",
    "StopFn",
    "take_network",
    "TREE_MODELS",
    "vocabulary_rows",
    "window_ends",
    "with_median",
]
