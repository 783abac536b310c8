"""Reading archived runs back and scoring them against what sold.

:func:`score_runs` takes the sales known now (``unique_id, ds, y``) and, for every run in
the archive (:mod:`core.analysis.archive`), scores the forecasts whose dates those sales
cover: the model's and the seasonal naive's archived beside it, on the same days.

The figures (error ``e = forecast - actual``)
---------------------------------------------
========================  ====================================================================
column                    meaning
========================  ====================================================================
``n``                     forecast periods scored (the dates the actuals cover)
``mae``                   mean ``|e|``
``mase``                  ``mae`` over the in-sample seasonal-naive MAE of the product's
                          history *up to the run's data end*, taken from the actuals
                          (``mean|y_t - y_{t-s}|``, ``s`` the season of the frequency, lag 1
                          when the history is shorter than ``s + 1``); NaN on a flat history.
                          A run's ``mase`` is the mean over its products with a finite one
``bias``                  ``sum(forecast) / sum(actual) - 1`` (positive: forecast too high)
``total_error``           ``|sum(forecast) - sum(actual)| / sum(actual)``
``hit_80``                share of actuals inside the 80 % interval ``[lo_80, hi_80]``
``snaive_*``              the same for the archived seasonal naive (on the days it covers)
``fva``                   forecast value added, ``1 - mae / snaive_mae``: above 0 the model
                          beat the seasonal naive
========================  ====================================================================

Per run the sums and means pool every scored point of its products (``bias`` and
``total_error`` are then the shop's total); ``bias`` and ``total_error`` are NaN where
nothing was sold. A run none of whose dates is covered yet is listed with ``n = 0``.
:func:`worst_products` ranks the products and names a likely reason where the data
shows one: a stock-out, a promotion, a new product.
"""

from __future__ import annotations

import json

import pandas as pd

from core.analysis.archive import archived_forecasts, list_runs, open_archive
from core.errors import InputError
from core.periods import default_season, period_days

__all__ = ["ArchivedRun", "NEW_PRODUCT_DAYS", "load_run", "score_archive", "score_runs",
           "worst_products"]  # fmt: skip

KEYS = ["unique_id", "ds"]
#: A product with fewer days of history than this at the data end counts as new.
NEW_PRODUCT_DAYS = 28
FIGURES = ("n", "mae", "mase", "bias", "total_error", "hit_80")
RANKINGS = ("mase", "mae", "total_error", "bias")


class ArchivedRun:
    """One archived run as :func:`load_run` returns it.

    ``run`` is its ``runs`` row (``settings`` parsed); ``forecast`` and ``snaive`` have
    the columns of a forecast table (``unique_id, ds, forecast, median, lo_L, hi_L``;
    ``snaive`` is empty when none was saved); ``stages`` and ``recommendations`` hold what
    was saved (``details`` unpacked into columns).
    """

    def __init__(self, run, forecast, snaive, stages, recommendations) -> None:
        self.run = run
        self.forecast = forecast
        self.snaive = snaive
        self.stages = stages
        self.recommendations = recommendations


def _wide(rows: pd.DataFrame, bands: pd.DataFrame, kind: str) -> pd.DataFrame:
    out = rows[rows["kind"] == kind].drop(columns=["run_id", "kind"]).reset_index(drop=True)
    for level, part in bands[bands["kind"] == kind].groupby("level"):
        part = part.assign(ds=pd.to_datetime(part["ds"]))[[*KEYS, "lo", "hi"]]
        out = out.merge(part.rename(columns={"lo": f"lo_{level}", "hi": f"hi_{level}"}),
                        on=KEYS, how="left")  # fmt: skip
    return out


def load_run(path, run_id: int) -> ArchivedRun:
    """One archived run with its forecasts, stages and advice (:class:`ArchivedRun`)."""
    rows = archived_forecasts(path, run_id)
    with open_archive(path) as conn:
        run = pd.read_sql_query("SELECT * FROM runs WHERE run_id = ?", conn, params=(run_id,))
        if run.empty:
            raise InputError(f"The forecast archive has no run {run_id}.",
                             f"预测存档中没有编号为 {run_id} 的运行。")  # fmt: skip
        tables = {t: pd.read_sql_query(f"SELECT * FROM {t} WHERE run_id = ?", conn,
                                       params=(run_id,)).drop(columns="run_id")
                  for t in ("bands", "stages", "recommendations")}  # fmt: skip
    info = run.iloc[0].to_dict()
    info["settings"] = json.loads(info["settings"] or "{}")
    advice = tables["recommendations"]
    details = pd.DataFrame([json.loads(d) for d in advice.pop("details")], index=advice.index)
    return ArchivedRun(run=info, forecast=_wide(rows, tables["bands"], "model"),
                       snaive=_wide(rows, tables["bands"], "snaive"), stages=tables["stages"],
                       recommendations=pd.concat([advice, details], axis=1))  # fmt: skip


# ------------------------------------------------------------------------------ scoring
def _actuals(actuals: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in (*KEYS, "y") if c not in actuals.columns]
    if missing:
        raise InputError(f"The actual sales lack the column(s) {', '.join(missing)}.",
                         f"实际销量缺少列：{', '.join(missing)}。")  # fmt: skip
    act = actuals.assign(unique_id=actuals["unique_id"].astype(str),
                         ds=pd.to_datetime(actuals["ds"]),
                         y=pd.to_numeric(actuals["y"], errors="coerce"))  # fmt: skip
    act = act[act["y"].notna()]
    if act.duplicated(KEYS).any():
        raise InputError("The actual sales have more than one row for a product and date.",
                         "实际销量中同一商品同一日期有多行。")  # fmt: skip
    return act.sort_values(KEYS).reset_index(drop=True)


def _scales(history: pd.DataFrame, season: int) -> pd.Series:
    """The in-sample seasonal-naive MAE of each product's history (lag 1 if too short)."""
    g = history.groupby("unique_id")["y"]
    d_season = (history["y"] - g.shift(season)).abs().groupby(history["unique_id"]).mean()
    d_one = (history["y"] - g.shift(1)).abs().groupby(history["unique_id"]).mean()
    long = g.size() >= season + 1
    scale = d_season.where(long, d_one)
    return scale.where(scale > 0)


def _summary(points: pd.DataFrame, by, f: str, lo: str, hi: str) -> pd.DataFrame:
    """``n, mae, bias, total_error, hit_80, sum_forecast, sum_actual`` of ``points`` by ``by``."""
    p = points[points[f].notna()]
    band = p[lo].notna() & p[hi].notna()
    inside = ((p["y"] >= p[lo]) & (p["y"] <= p[hi])).astype(float).where(band)
    g = p.assign(_err=(p[f] - p["y"]).abs(), _in=inside).groupby(by)
    out = pd.DataFrame({"n": g[f].count(), "mae": g["_err"].mean(),
                        "sum_forecast": g[f].sum(), "sum_actual": g["y"].sum(),
                        "hit_80": g["_in"].mean()})  # fmt: skip
    sold = out["sum_actual"].where(out["sum_actual"] > 0)
    out["bias"] = out["sum_forecast"] / sold - 1
    out["total_error"] = (out["sum_forecast"] - out["sum_actual"]).abs() / sold
    return out


def _points(rows: pd.DataFrame, act: pd.DataFrame) -> pd.DataFrame:
    """One row per forecast date the actuals cover: ``y``, the model's and the snaive's."""
    cols = [*KEYS, "forecast", "lo_80", "hi_80"]
    model = rows.loc[rows["kind"] == "model", ["run_id", *cols]]
    naive = rows.loc[rows["kind"] == "snaive", ["run_id", *cols]].rename(
        columns={"forecast": "snaive", "lo_80": "snaive_lo_80", "hi_80": "snaive_hi_80"}
    )
    points = model.merge(act[[*KEYS, "y"]], on=KEYS, how="inner")
    return points.merge(naive, on=["run_id", *KEYS], how="left")


def _product_scores(run: pd.Series, points: pd.DataFrame, act: pd.DataFrame,
                    season: int | None) -> pd.DataFrame:  # fmt: skip
    by = ["unique_id"]
    mine = _summary(points, by, "forecast", "lo_80", "hi_80")
    naive = _summary(points, by, "snaive", "snaive_lo_80", "snaive_hi_80")
    table = mine.join(naive.add_prefix("snaive_"), how="left")
    dates = points.groupby("unique_id")["ds"].agg(first_ds="min", last_ds="max")
    history = act[act["ds"] <= run["data_end"]]
    scale = _scales(history, season or default_season(run["freq"])).reindex(table.index)
    table["mase"] = table["mae"] / scale
    table["snaive_mase"] = table["snaive_mae"] / scale
    table["fva"] = 1 - table["mae"] / table["snaive_mae"].where(table["snaive_mae"] > 0)
    table = table.join(dates).reset_index()
    for col in ("freq", "model", "data_end", "run_id"):
        table.insert(0, col, run[col])
    return table


def _columns(prefix: str = "") -> list[str]:
    return [prefix + c for c in FIGURES]


def score_runs(path, actuals: pd.DataFrame,
               season: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Score every archived run on the dates ``actuals`` now covers.

    Parameters
    ----------
    path : str or Path
        The archive.
    actuals : DataFrame
        ``unique_id, ds, y``: the sales known now, history included (the MASE scale of a
        run comes from the rows up to its data end).
    season : int, optional
        Season of the MASE scale; default the frequency's (7 for daily data).

    Returns
    -------
    per_run, per_product : DataFrame
        One row per run (``run_id, data_end, model, freq, source, created_at, products``
        and the figures of the module doc), and one per run and product
        (``run_id, data_end, model, freq, unique_id``, the figures, ``sum_forecast``,
        ``sum_actual``, ``first_ds``/``last_ds`` scored).
    """
    act = _actuals(actuals)
    runs = list_runs(path)
    points = _points(archived_forecasts(path), act)
    tables = [_product_scores(run, points[points["run_id"] == run["run_id"]], act, season)
              for _, run in runs.iterrows()]  # fmt: skip
    head = ["run_id", "data_end", "model", "freq", "unique_id"]
    order = [*head, *_columns(), *_columns("snaive_"), "fva", "sum_forecast", "sum_actual",
             "first_ds", "last_ds"]  # fmt: skip
    per_product = pd.concat([t for t in tables if len(t)] or [pd.DataFrame(columns=order)],
                            ignore_index=True)[order]  # fmt: skip
    return _run_scores(runs, points, per_product), per_product


def _run_scores(runs: pd.DataFrame, points: pd.DataFrame, per_product: pd.DataFrame):
    mine = _summary(points, "run_id", "forecast", "lo_80", "hi_80")
    naive = _summary(points, "run_id", "snaive", "snaive_lo_80", "snaive_hi_80")
    table = mine.join(naive.add_prefix("snaive_"), how="left")
    by_run = per_product.groupby("run_id")
    table["products"] = by_run["unique_id"].nunique()
    table["mase"] = by_run["mase"].mean()
    table["snaive_mase"] = by_run["snaive_mase"].mean()
    table["fva"] = 1 - table["mae"] / table["snaive_mae"].where(table["snaive_mae"] > 0)
    info = runs[["run_id", "data_end", "model", "freq", "source", "created_at"]]
    out = info.merge(table.reset_index(), on="run_id", how="left")
    for col in ("n", "snaive_n", "products"):
        out[col] = out[col].fillna(0).astype(int)
    return out[[*info.columns, "products", *_columns(), *_columns("snaive_"), "fva"]]


# ------------------------------------------------------------------------- worst products
def _reasons(row: pd.Series, act: pd.DataFrame) -> list[tuple[str, str, str]]:
    """``(code, en, zh)`` for every likely reason of a product's miss in a run."""
    mine = act[act["unique_id"] == row["unique_id"]]
    window = mine[(mine["ds"] > row["data_end"]) & (mine["ds"] <= row["last_ds"])]
    found = []
    if "stock" in act and ((window["y"] == 0) & (window["stock"] == 0)).any():
        found.append(("stockout", "stock-out: no sales on days with no stock, demand unseen",
                      "缺货：库存为 0 的日子没有销量，需求未被观察到"))  # fmt: skip
    if "promo" in act and (pd.to_numeric(window["promo"], errors="coerce") > 0).any():
        found.append(("promotion", "on promotion in the forecast window", "预测期内有促销"))
    before = mine.loc[mine["ds"] <= row["data_end"], "ds"]
    days = 0 if before.empty else (row["data_end"] - before.min()).days + period_days(row["freq"])
    if days < NEW_PRODUCT_DAYS:
        found.append(("new", f"new product: {days:.0f} days of history at the data end",
                      f"新品：截至数据截止日仅有 {days:.0f} 天历史"))  # fmt: skip
    return found


def worst_products(per_product: pd.DataFrame, actuals: pd.DataFrame, n: int = 10,
                   by: str = "mase") -> pd.DataFrame:  # fmt: skip
    """The ``n`` worst (run, product) rows of :func:`score_runs`' ``per_product`` by ``by``
    (``mase``, ``mae``, ``total_error`` or ``bias``, the last by its size), with a reason
    where the actuals show one.

    Adds ``reason`` (codes ``stockout``, ``promotion``, ``new``, comma-separated; empty
    when none is known), ``reason_en`` and ``reason_zh``. A stock-out needs a ``stock``
    column in ``actuals`` (a day with ``y == 0`` and ``stock == 0`` in the scored window),
    a promotion a ``promo`` column (above 0 on a scored day); a new product had fewer than
    :data:`NEW_PRODUCT_DAYS` days of history at the run's data end.
    """
    if by not in RANKINGS:
        raise InputError(f"Rank the worst products by one of {', '.join(RANKINGS)}, not {by!r}.",
                         f"最差商品的排序依据应为 {', '.join(RANKINGS)} 之一，而不是 {by!r}。")  # fmt: skip
    act = _actuals(actuals)
    scored = per_product[per_product["n"] > 0]
    key = scored[by].abs() if by == "bias" else scored[by]
    top = scored.loc[key.sort_values(ascending=False, na_position="last").index[: int(n)]]
    found = [_reasons(row, act) for _, row in top.iterrows()]
    return top.assign(reason=[",".join(r[0] for r in f) for f in found],
                      reason_en=["; ".join(r[1] for r in f) for f in found],
                      reason_zh=["；".join(r[2] for r in f) for f in found]).reset_index(drop=True)  # fmt: skip


def score_archive(path, sales: pd.DataFrame, n: int = 10, *, on_progress=None,
                  should_stop=None) -> tuple[pd.DataFrame, pd.DataFrame | None]:  # fmt: skip
    """Every archived run scored on ``sales`` and the ``n`` worst-forecast products.

    Each product is listed once, at its worst scored run, with the reason its sales show
    (:func:`worst_products`; ``stock`` and ``promo`` columns of ``sales`` give the reasons).
    What the weekly plan and the window's accuracy panel show; ``None`` for the products
    when no run has been scored yet. ``on_progress``/``should_stop``: a worker's hooks.
    """
    per_run, per_product = score_runs(path, sales[["unique_id", "ds", "y"]])
    scored = per_product[per_product["n"] > 0] if len(per_product) else per_product
    if scored.empty:
        return per_run, None
    scored = scored.sort_values("mase", ascending=False, na_position="last")
    reasons = [c for c in ("unique_id", "ds", "y", "stock", "promo") if c in sales]
    return per_run, worst_products(scored.drop_duplicates("unique_id"), sales[reasons], n=n)
