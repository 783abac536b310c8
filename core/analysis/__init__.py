"""The use cases the CLI and the window share: prepare data, train with a backtest,
forecast, recommend, save and open projects, run long work in a child process.

Everything here is Qt-free: the window runs these functions in worker threads or child
processes, the CLI calls them directly with a terminal progress bar.
"""

from core.analysis.decision_tasks import (
    FILTERS,
    INPUTS,
    ForecastResult,
    RecommendResult,
    advice_view,
    effective_stock,
    forecast_task,
    merge_stock,
    periods_needed,
    recommend_task,
    simulate_task,
    simulation_view,
)
from core.analysis.import_task import ENCODINGS, SEPARATORS, ImportResult, run_import
from core.analysis.jobs import CANCEL_GRACE_S, ChildError, PackedModel, run_in_process, sendable
from core.analysis.pipeline import (
    fit_model,
    lifecycle_tables,
    make_forecast,
    run_backtest,
    train_with_backtest,
)
from core.analysis.plan_file import (
    PLAN_FEATURES,
    PlanSummary,
    load_plan,
    plan_columns,
    plan_name,
    read_plan,
    summarize_plan,
)
from core.analysis.project import (
    PROJECT_SUFFIX,
    OpenedProject,
    Project,
    load_project,
    open_analysis,
    save_project,
)
from core.analysis.training_tasks import (
    TUNED_KEYS,
    TrainResult,
    TuneOutcome,
    loaded_versions,
    train_job,
    train_task,
    tune_task,
)

__all__ = [
    "advice_view",
    "CANCEL_GRACE_S",
    "ChildError",
    "effective_stock",
    "ENCODINGS",
    "FILTERS",
    "fit_model",
    "forecast_task",
    "ForecastResult",
    "ImportResult",
    "INPUTS",
    "lifecycle_tables",
    "load_project",
    "loaded_versions",
    "make_forecast",
    "merge_stock",
    "open_analysis",
    "OpenedProject",
    "PackedModel",
    "periods_needed",
    "PLAN_FEATURES",
    "plan_columns",
    "plan_name",
    "PlanSummary",
    "load_plan",
    "read_plan",
    "summarize_plan",
    "Project",
    "PROJECT_SUFFIX",
    "recommend_task",
    "RecommendResult",
    "run_backtest",
    "run_import",
    "run_in_process",
    "save_project",
    "sendable",
    "SEPARATORS",
    "simulate_task",
    "simulation_view",
    "train_job",
    "train_task",
    "train_with_backtest",
    "TrainResult",
    "tune_task",
    "TUNED_KEYS",
    "TuneOutcome",
]
