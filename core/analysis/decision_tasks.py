"""Core work behind the Forecast and Recommendations views, run by a TaskRunner.

Plain functions (no widgets, no Qt): each takes the core objects it needs plus
``on_progress`` / ``should_stop`` and returns a small dataclass. The views start them
with :meth:`ui.workers.task_worker.TaskRunner.start`, so they run in a worker thread
and their result arrives in the GUI thread through ``sig_finished``.

Progress events are dicts ``{"stage": name, "done": k, "total": n}``. The per-product
stages (``lifecycle``, ``lifecycle_calendar``, ``lifecycle_rules``, ``inventory``) count
products and say so (``"unit": "products"``), batch by batch as :mod:`core.parallel`
reports them; ``simulate`` counts reviews; ``predict``, ``baskets`` and ``recommend`` are
single steps (done 0 of 1). Each stage starts with an event at ``done`` 0, so
:mod:`core.analysis.eta` times it from its real start. ``should_stop`` is checked at
every event too: a cancel ends per-product work after the batch that is running.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.analysis.archive import save_run
from core.analysis.pipeline import lifecycle_tables, make_forecast
from core.analysis.plan_file import plan_columns
from core.data import stock_from_data
from core.errors import CancelledError, InputError
from core.recommend import (
    basket_pairs,
    recommendations,
    required_horizon,
    rho_for,
    simulate_policy,
)

__all__ = [
    "FILTERS",
    "ForecastResult",
    "RecommendResult",
    "advice_view",
    "effective_stock",
    "merge_stock",
    "forecast_task",
    "recommend_task",
    "simulate_task",
    "simulation_view",
    "with_inputs",
]

#: Filter of the advice table -> rows kept.
FILTERS = {
    "all": lambda t: np.ones(len(t), bool),
    "order": lambda t: t["order_qty"].to_numpy(float) > 0,
    "clear": lambda t: t["promotion"].eq("clear").to_numpy(),
    "promote": lambda t: t["promotion"].eq("promote").to_numpy(),
}
#: Per-product inputs of the advice table.
INPUTS = ("on_hand", "lead_time", "service_level")
# the decisions first (what to order, what to do, why), then the figures behind them, so
# they are on screen at the window's default size (issue 14 item 17)
_SHOWN = ("name", "stage_name", "order_qty", "promotion_name", "discount", "reason",
          "on_hand", "days_of_cover", "stockout_date", "lead_time", "service_level",
          "forecast_lead_time", "safety_stock", "reorder_point", "promotion_window")  # fmt: skip


@dataclass
class ForecastResult:
    """What :func:`forecast_task` made: the forecast and the lifecycle tables.

    ``plan_columns`` are the columns of the plan (``future``) the model read: ``promo``
    and/or ``price``, empty without a plan or for a model that reads none. ``archived`` is
    the run's ``run_id`` in the forecast archive it was kept in, ``archive_error`` the
    archive's refusal (``(en, zh)``; the forecast stands without it).
    """

    forecast: pd.DataFrame
    stages: pd.DataFrame
    stage_history: pd.DataFrame | None
    plan_columns: list[str] = field(default_factory=list)
    archived: int | None = None
    archive_error: tuple[str, str] | None = None


@dataclass
class RecommendResult:
    """What :func:`recommend_task` made.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per product: :func:`core.analysis.pipeline.recommendations` columns with the
        reason in both languages (``reason_en``, ``reason_zh``) and the inputs used
        (``lead_time``, ``service_level``, ``on_hand``).
    forecast : pandas.DataFrame
        The forecast the advice was taken from (longer than the session's when lead
        time + review period needed more periods).
    extended : bool
        True when the forecast was made again further ahead.
    baskets : core.recommend.basket.BasketResult or None
        The products bought together (from the order numbers of order lines), which the
        advice names as partners; ``None`` when the file has no order numbers.
    """

    table: pd.DataFrame
    forecast: pd.DataFrame
    extended: bool
    baskets: object = None


def _report(on_progress, stage: str, done: int, total: int, **extra) -> None:
    if on_progress is not None:
        on_progress({"stage": stage, "done": done, "total": total, **extra})


def _relay(on_progress, should_stop, unit: str | None = "products"):
    """An ``on_progress`` for core's per-product work: checks ``should_stop`` at every
    event (core's batches then end a cancelled task) and names the ``unit`` counted."""
    if on_progress is None and should_stop is None:
        return None

    def relay(event: dict) -> None:
        _check(should_stop)
        if on_progress is not None:
            on_progress({"unit": unit, **event} if unit else event)

    return relay


def _watched_forecast(model, horizon, levels, future, on_progress, should_stop):
    """:func:`make_forecast`, the products done / total of a model that forecasts them in
    batches (the baselines, :meth:`core.forecast.Forecaster.watch`) reported and the
    task's cancel checked between batches."""
    watch = getattr(model, "watch", None)
    if watch is None:  # not a SkuCast forecaster (a stand-in of the tests)
        return make_forecast(model, horizon, levels=levels, future=future)
    with watch(_relay(on_progress, should_stop), should_stop):
        return make_forecast(model, horizon, levels=levels, future=future)


class _Passes:
    """The events of ``passes`` runs over the same ``total`` products as one stage: done
    counts the products of all runs over ``passes`` (the advice is worked out once per
    language, so half of the work is done when the first run ends)."""

    def __init__(self, relay, total: int, passes: int) -> None:
        self.relay, self.total, self.passes = relay, int(total), int(passes)

    def run(self, k: int):
        """The ``on_progress`` of run ``k`` (0-based)."""
        if self.relay is None:
            return None

        def report(event: dict) -> None:
            done = (k * self.total + int(event.get("done", 0))) // self.passes
            self.relay({**event, "done": done, "total": self.total})

        return report


def _check(should_stop) -> None:
    if should_stop is not None and should_stop():
        raise CancelledError()


def forecast_task(model, frames, freq: str, horizon: int, levels, *, future=None,
                  archive=None, source: str = "", on_progress=None,
                  should_stop=None) -> ForecastResult:  # fmt: skip
    """Forecast ``horizon`` periods with ``model`` and classify the lifecycle stages.

    Parameters
    ----------
    model : Forecaster
        A fitted SkuCast forecaster.
    frames : core.analysis.pipeline.ModelFrames
    freq : str
    horizon : int
    levels : sequence of int
        Prediction-interval levels.
    future : pandas.DataFrame, optional
        Planned ``promo``/``price`` per ``unique_id`` and ``ds``
        (:func:`core.analysis.plan_file.read_plan`).
    archive : str or Path, optional
        Keep the run (forecast, seasonal naive, stages) in this forecast archive
        (:func:`core.analysis.save_run`), where the runs of later imports score it.
    source : str
        The sales file's name, stored with the run.
    on_progress, should_stop : callable, optional

    Returns
    -------
    ForecastResult
    """
    if model is None:
        raise InputError("Train a model before forecasting.", "请先训练模型再进行预测。")
    _report(on_progress, "predict", 0, 1)
    forecast = _watched_forecast(model, horizon, levels, future, on_progress, should_stop)
    _check(should_stop)
    products = int(frames.full["unique_id"].nunique())
    _report(on_progress, "lifecycle", 0, products, unit="products")
    stages, history = lifecycle_tables(frames, freq, forecast=forecast, history=True,
                                       on_progress=_relay(on_progress, should_stop))  # fmt: skip
    _check(should_stop)
    result = ForecastResult(forecast, stages, history, plan_columns(model, future))
    if archive is not None:
        sales = frames.frame[["unique_id", "ds", "y"]]
        try:
            result.archived = save_run(archive, data_end=sales["ds"].max(), model=model.name,
                                       freq=freq, forecast=forecast, stages=stages,
                                       history=sales, source=source,
                                       settings={"horizon": int(horizon)})  # fmt: skip
        except InputError as exc:  # a newer or damaged archive: the forecast stands
            result.archive_error = (exc.en, exc.zh)
    return result


def effective_stock(frames, stock_file: pd.DataFrame | None,
                    overrides: pd.DataFrame | None) -> pd.DataFrame | None:  # fmt: skip
    """Per-product stock inputs: the sales file's last stock, then a stock file, then
    the user's overrides; later sources win where they hold a number.

    Returns ``None`` when no source has anything.
    """
    parts = [p for p in (stock_from_data(frames.full), stock_file, overrides)
             if p is not None and len(p)]  # fmt: skip
    if not parts:
        return None
    out = None
    for part in parts:
        part = part.assign(unique_id=part["unique_id"].astype(str))
        part = part.drop_duplicates("unique_id", keep="last").set_index("unique_id")
        out = part if out is None else part.combine_first(out)
    return out.reset_index()


def merge_stock(old: pd.DataFrame | None, values: pd.DataFrame, columns) -> pd.DataFrame:
    """``old`` per-product inputs with ``values[columns]`` written over them."""
    new = values.assign(unique_id=values["unique_id"].astype(str)).set_index("unique_id")
    new = new[list(columns)]
    merged = new if old is None else new.combine_first(old.set_index("unique_id"))
    return merged.reset_index()


def periods_needed(freq: str, options, stock: pd.DataFrame | None, horizon: int) -> int:
    """Forecast periods needed for the longest lead time any product has (at least
    ``horizon``): more than the forecast has means :func:`recommend_task` forecasts again."""
    lead = options.lead_time
    if stock is not None and "lead_time" in stock and stock["lead_time"].notna().any():
        lead = max(lead, float(stock["lead_time"].max()))
    return required_horizon(freq, replace(options, lead_time=lead), horizon)


def recommend_task(model, frames, freq: str, forecast: pd.DataFrame, stages: pd.DataFrame,
                   stock: pd.DataFrame | None, options, region: str = "CN", levels=(80, 95),
                   *, future=None, on_progress=None,
                   should_stop=None) -> RecommendResult:  # fmt: skip
    """Reorder and promotion advice per product, in both languages.

    When ``forecast`` covers fewer periods than lead time + review period need, the
    forecast is made again with ``model`` for :func:`core.analysis.pipeline.required_horizon`
    periods (an error when there is no model to do it).

    Parameters
    ----------
    model : Forecaster or None
    frames : core.analysis.pipeline.ModelFrames
    freq : str
    forecast, stages : pandas.DataFrame
        The session's forecast and lifecycle stages.
    stock : pandas.DataFrame or None
        Per-product inputs (:func:`effective_stock`).
    options : core.recommend.inventory.InventoryOptions
        Its ``rho`` is replaced by the one measured for ``model``
        (:func:`core.recommend.inventory.rho_for`).
    region : str
    levels : sequence of int
        Interval levels of a new forecast.
    future : pandas.DataFrame, optional
        Planned promotions and prices a new forecast uses (as for :func:`forecast_task`).
    on_progress, should_stop : callable, optional

    Returns
    -------
    RecommendResult
    """

    options.check()
    # the copula correlation measured for this forecaster (core.recommend.inventory.MODEL_RHO)
    options = replace(options, rho=rho_for(getattr(model, "name", None)))
    have = int(forecast.groupby("unique_id").size().min()) if len(forecast) else 0
    need = periods_needed(freq, options, stock, have)
    extended = need > have
    if extended:
        if model is None:
            raise InputError(
                f"The forecast covers {have} periods; lead time + review period need {need}. "
                "Train a model (or shorten the lead time) first.",
                f"预测只覆盖 {have} 期，交货期加补货周期需要 {need} 期。请先训练模型（或缩短交货期）。",
            )
        _report(on_progress, "predict", 0, 1)
        forecast = _watched_forecast(model, need, levels, future, on_progress, should_stop)
    _check(should_stop)
    orders = getattr(frames, "orders", None)
    baskets = None
    if orders is not None:
        _report(on_progress, "baskets", 0, 1)
        baskets = basket_pairs(orders)  # counted once for both languages
        _check(should_stop)
    products = int(forecast["unique_id"].nunique())
    _report(on_progress, "inventory", 0, products, unit="products")
    runs = _Passes(_relay(on_progress, should_stop), products, passes=2)
    tables = {lang: recommendations(frames, freq, forecast, stages, stock, options,
                                    region=region, lang=lang, pairs=baskets,
                                    on_progress=runs.run(k))
              for k, lang in enumerate(("en", "zh"))}  # fmt: skip
    _check(should_stop)
    table = tables["en"].rename(columns={"reason": "reason_en"})
    table["reason_zh"] = tables["zh"]["reason"].to_numpy()
    return RecommendResult(with_inputs(table, stock, options), forecast, extended, baskets)


def with_inputs(table: pd.DataFrame, stock: pd.DataFrame | None, options) -> pd.DataFrame:
    """``table`` with the lead time, service level and stock each product was given."""
    out = table.copy()
    keyed = None if stock is None else stock.set_index("unique_id")
    for col, default in (("lead_time", options.lead_time),
                         ("service_level", options.service_level), ("on_hand", np.nan)):  # fmt: skip
        values = pd.Series(default, index=out.index, dtype=float)
        if keyed is not None and col in keyed:
            given = out["unique_id"].map(keyed[col]).astype(float)
            values = given.where(given.notna(), values)
        out[col] = values.to_numpy()
    return out


def simulate_task(frame: pd.DataFrame, freq: str, factory, reviews: int, options, *,
                  on_progress=None, should_stop=None):  # fmt: skip
    """Policy backtest (:func:`core.recommend.simulate.simulate_policy`) over ``reviews`` reviews."""
    return simulate_policy(frame, freq, factory, reviews=int(reviews), options=options,
                           on_progress=_relay(on_progress, None, "reviews"),
                           should_stop=should_stop)  # fmt: skip


def advice_view(table: pd.DataFrame, dataset, key: str, stage_name, action_name,
                lang: str) -> pd.DataFrame:  # fmt: skip
    """The advice as a person reads it: the source's IDs and name first, stage and action
    names (``stage_name(code)``, ``action_name(code)``), the reason in ``lang``
    (``en``/``zh``), percentages for service level and discount, ``unique_id`` last.

    Only rows of filter ``key`` (see :data:`FILTERS`) are kept.
    """
    table = table[FILTERS[key](table)]
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    extra = [c for c in ("name",) if c in dataset.series.columns]
    out = dataset.series[["unique_id", *ids, *extra]].merge(table, on="unique_id", how="right")
    for col in INPUTS:
        if col not in out:
            out[col] = np.nan
    # one name per code, mapped: 50,000 rows hold a handful of codes
    for col, code, name in (("stage_name", "stage", stage_name),
                            ("promotion_name", "promotion", action_name)):  # fmt: skip
        out[col] = out[code].map({c: name(c) for c in out[code].unique()})
    out["service_level"] = out["service_level"] * 100
    out["discount"] = out["discount"] * 100
    out["days_of_cover"] = out["days_of_cover"].replace([np.inf, -np.inf], np.nan).round(1)
    # whole units read better than 147.2 units
    for col in ("forecast_lead_time", "safety_stock", "reorder_point"):
        out[col] = out[col].round(0)
    if "reason" not in out:
        out["reason"] = out["reason_zh" if lang == "zh" else "reason_en"]
    return out[[*ids, *[c for c in _SHOWN if c in out], "unique_id"]]


def simulation_view(summary: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """The policy backtest's summary as rows ``labels[column]`` x (SkuCast, naive)."""
    table = summary.set_index("policy")
    cols = [c for c in labels if c in table.columns]

    def values(policy: str) -> list[float]:
        return [round(float(table.loc[policy, c]) * 100, 1) if c == "fill_rate"
                else round(float(table.loc[policy, c])) for c in cols]  # fmt: skip

    return pd.DataFrame({"metric": [labels[c] for c in cols], "skucast": values("skucast"),
                         "naive": values("naive")})  # fmt: skip
