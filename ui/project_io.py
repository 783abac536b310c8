"""Between the window's :class:`~ui.session.Session` and a core
:class:`~core.analysis.project.Project` (what a ``.skucast`` file holds)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.analysis import OpenedProject, Project
from core.recommend import PolicyResult

__all__ = ["session_to_project", "apply_opened"]

#: Columns of the backtest's forecasts a reopened chart draws (its dashed fit line).
_FIT = ("model", "unique_id", "ds", "forecast")
#: Session attribute -> results table name in the project.
_TABLES = {
    "leaderboard": "leaderboard",
    "importance": "importance",
    "forecast": "forecast",
    "stages": "stages",
    "stage_history": "stage_history",
    "recommendations": "recommendations",
    "stock": "stock",
}


def session_to_project(session) -> Project:
    """Everything the session holds, as a project (tables are copied)."""
    results = {}
    for attr, name in _TABLES.items():
        table = getattr(session, attr, None)
        if isinstance(table, pd.DataFrame):
            results[name] = table.copy()
    if session.history_log:
        results["training_log"] = pd.DataFrame(session.history_log)
    fit = session.fit_table()
    if fit is not None:  # the backtest's line on the forecast chart, for the model trained
        model = session.train_settings.model
        keep = fit["model"] == model if "model" in fit else slice(None)
        results["backtest_fit"] = fit.loc[keep, [c for c in _FIT if c in fit]].copy()
    sim = session.simulation
    if sim is not None:
        results["simulation"] = sim.summary.copy()
        results["simulation_products"] = sim.per_product.copy()
    meta = dict(session.meta)
    meta.pop("forecast_plan", None)
    if session.forecast is not None and session.forecast_plan is not None:
        meta["forecast_plan"] = dict(session.forecast_plan)
    if session.backtest is not None:
        meta.update(verdict_en=session.backtest.verdict("en"),
                    verdict_zh=session.backtest.verdict("zh"))  # fmt: skip
    if sim is not None:
        meta.update(simulation_en=sim.verdict("en"), simulation_zh=sim.verdict("zh"),
                    simulation_reviews=[pd.Timestamp(r).isoformat() for r in sim.reviews],
                    simulation_basis=sim.value_basis)  # fmt: skip
    return Project(
        source_name=session.source_path.name if session.source_path else "data.csv",
        source_bytes=session.source_bytes,
        source_path=""
        if session.source_bytes or not session.source_path
        else str(session.source_path),
        import_options=session.import_options,
        cleaning_options=session.cleaning_options,
        train_settings=session.train_settings,
        inventory_options=session.inventory_options,
        model=session.model,
        results=results,
        meta=meta,
        plan_name=session.plan_name if session.plan is not None else "",
        plan_bytes=session.plan_bytes if session.plan is not None else b"",
    )


def apply_opened(session, opened: OpenedProject, path: Path) -> None:
    """Replace the session's analysis with an opened project."""
    project = opened.project
    results = project.results
    session.train_settings = project.train_settings
    session.inventory_options = project.inventory_options
    session.cleaning_options = project.cleaning_options
    source = Path(project.source_path or project.source_name)
    session.set_data(source, project.source_bytes, project.import_options,
                     opened.raw, opened.cleaning, keep_plan=False)  # fmt: skip
    if opened.plan is not None or opened.plan_error is not None:
        session.set_plan(opened.plan, project.plan_name, project.plan_bytes, opened.plan_error)
    session.meta = dict(project.meta)
    session.stock = results.get("stock")
    if project.model is not None or "leaderboard" in results:
        log = results.get("training_log")
        session.set_model(project.model, leaderboard=results.get("leaderboard"),
                          importance=results.get("importance"),
                          history_log=None if log is None else log.to_dict("records"))  # fmt: skip
    session.backtest_fit = results.get("backtest_fit")
    if "forecast" in results:
        session.set_forecast(results["forecast"], results.get("stages"),
                             results.get("stage_history"),
                             plan_used=project.meta.get("forecast_plan"))  # fmt: skip
    if "recommendations" in results:
        session.set_recommendations(results["recommendations"],
                                    simulation=_simulation(results, project.meta))  # fmt: skip
    session.project_path = Path(path)
    session.set_dirty(False)


def _simulation(results: dict, meta: dict) -> PolicyResult | None:
    """The policy backtest a project kept (summary, per product, review dates), or None
    (a project saved before the per-product table was kept shows its verdict only)."""
    if "simulation" not in results or "simulation_products" not in results:
        return None
    reviews = [pd.Timestamp(r) for r in meta.get("simulation_reviews", [])]
    return PolicyResult(results["simulation_products"], results["simulation"], reviews,
                        meta.get("simulation_basis"))  # fmt: skip
