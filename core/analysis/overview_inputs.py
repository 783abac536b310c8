"""What the Overview reads besides the advice: unit values and the run before this one.

:func:`unit_values` prices a unit (the stock table's ``unit_cost``, else the last selling
price); :func:`archive_stages` and :func:`archive_accuracy` read the latest earlier run of
the forecast archive (:mod:`core.analysis.archive`) and score it against the sales known
now (:func:`~core.analysis.archive_score.score_runs`); without an archive,
:func:`history_stages` takes the stages of a week before from the stage history and
:func:`backtest_accuracy` the accuracy from the backtest. Accuracy dicts hold ``source``
(``archive`` or ``backtest``), ``model``, ``products``, ``wape`` (sum of absolute errors
over sum of sales), ``mase``, ``bias`` and ``worst`` (the worst products by MASE).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from core.analysis.archive import list_runs
from core.analysis.archive_score import load_run, score_runs

__all__ = ["PreviousRun", "archive_accuracy", "archive_stages", "backtest_accuracy",
           "history_stages", "unit_values"]  # fmt: skip


class PreviousRun(NamedTuple):
    """The stages of an earlier run: ``stages`` (``unique_id, stage``), its data end and
    where they came from (``archive`` or ``history``)."""

    stages: pd.DataFrame
    data_end: pd.Timestamp
    source: str


def unit_values(sales: pd.DataFrame, stock: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per product (index ``unique_id``): ``value`` of one unit and its ``source``
    (``cost``: the stock table's ``unit_cost``; ``price``: the last selling price)."""
    parts = []
    if stock is not None and "unit_cost" in stock:
        cost = stock.assign(unique_id=stock["unique_id"].astype(str)).set_index("unique_id")
        parts.append(pd.DataFrame({"value": pd.to_numeric(cost["unit_cost"], errors="coerce"),
                                   "source": "cost"}))  # fmt: skip
    if "price" in sales:
        known = sales[pd.to_numeric(sales["price"], errors="coerce").notna()]
        last = known.sort_values("ds", kind="stable").groupby("unique_id")["price"].last()
        parts.append(pd.DataFrame({"value": last.astype(float), "source": "price"}))
    if not parts:
        return pd.DataFrame({"value": pd.Series(dtype=float), "source": pd.Series(dtype=str)})
    out = pd.concat(parts)
    out = out[out["value"].notna()]
    out = out[~out.index.duplicated(keep="first")]
    out.index = out.index.astype(str)
    return out


def history_stages(stage_history: pd.DataFrame | None, as_of, days: int = 7) -> PreviousRun | None:
    """The stage each product had ``days`` before ``as_of`` (a week: the run before)."""
    if stage_history is None or stage_history.empty:
        return None
    when = pd.Timestamp(as_of) - pd.Timedelta(days=days)
    past = stage_history[pd.to_datetime(stage_history["ds"]) <= when]
    if past.empty:
        return None
    last = past.sort_values("ds", kind="stable").groupby("unique_id", as_index=False).last()
    return PreviousRun(last[["unique_id", "stage"]], when, "history")


def archive_stages(path, as_of) -> PreviousRun | None:
    """The stages of the archive's latest run whose data end is before ``as_of``."""
    runs = list_runs(path)
    runs = runs[pd.to_datetime(runs["data_end"]) < pd.Timestamp(as_of)]
    if runs.empty:
        return None
    run = runs.sort_values(["data_end", "run_id"]).iloc[-1]
    stages = load_run(path, int(run["run_id"])).stages
    return PreviousRun(stages[["unique_id", "stage"]], pd.Timestamp(run["data_end"]), "archive")


def archive_accuracy(path, actuals: pd.DataFrame, worst: int = 5) -> dict | None:
    """Accuracy of the archive's latest run that the sales known now score (or None)."""
    per_run, per_product = score_runs(path, actuals[["unique_id", "ds", "y"]])
    per_run = per_run[per_run["n"] > 0]
    if per_run.empty:
        return None
    run = per_run.sort_values(["data_end", "run_id"]).iloc[-1]
    mine = per_product[(per_product["run_id"] == run["run_id"]) & (per_product["n"] > 0)]
    sold = float(mine["sum_actual"].sum())
    wape = float((mine["mae"] * mine["n"]).sum() / sold) if sold > 0 else np.nan
    ranked = mine.sort_values("mase", ascending=False, na_position="last")
    return {"source": "archive", "model": str(run["model"]), "data_end": str(run["data_end"]),
            "products": int(run["products"]), "wape": wape, "mase": float(run["mase"]),
            "bias": float(run["bias"]), "hit_80": float(run["hit_80"]),
            "fva": float(run["fva"]), "worst": ranked["unique_id"].astype(str).head(worst).tolist()}  # fmt: skip


def backtest_accuracy(leaderboard: pd.DataFrame | None, model: str | None) -> dict | None:
    """Accuracy of ``model``'s row of a backtest leaderboard (or None)."""
    if leaderboard is None or model is None or "model" not in leaderboard:
        return None
    rows = leaderboard[leaderboard["model"] == model]
    if rows.empty or "wape" not in rows or pd.isna(rows["wape"].iloc[0]):
        return None
    row = rows.iloc[0]
    return {"source": "backtest", "model": model, "products": int(row.get("n_series", 0) or 0),
            "wape": float(row["wape"]), "mase": float(row.get("mase", np.nan)),
            "bias": float(row.get("bias", np.nan)), "worst": []}  # fmt: skip
