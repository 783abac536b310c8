"""What a backtest found: pooled scores, the leaderboard, winners and a plain verdict.

:func:`core.forecast.backtest.backtest` builds a :class:`BacktestResult`; this module holds the
result, the pooling of per-fold scores (see :mod:`core.forecast.backtest` for the rules) and the
bilingual verdict sentence ("The LSTM does not beat the best baseline (seasonal naive):
MASE 0.91 vs 0.87").

Every metric is read so that lower is better: ``bias`` by its absolute value and
``coverage_<L>`` by its distance from ``L`` percent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError
from core.forecast.metrics import summarize
from core.forecast.models import BASELINE_MODELS, DEEP_MODELS

__all__ = [
    "BacktestResult",
    "check_metric",
    "display_name",
    "empty_scores",
    "leaderboard",
    "ordering_key",
    "pool_folds",
]

_POINT_MEANS = ("mae", "smape", "mase")
_SQUARED = ("rmse", "rmsse")
_SUMS = ("abs_err_sum", "actual_sum", "abs_actual_sum", "err_sum")
_METRICS = ("mae", "rmse", "wape", "smape", "mase", "rmsse", "bias")
# fmt: off
_NAMES = {
    "lstm": ("LSTM", "LSTM"), "gru": ("GRU", "GRU"), "snaive": ("seasonal naive", "季节性朴素法"),
    "ets": ("ETS", "ETS"), "mstl": ("MSTL", "MSTL 多季节分解"),
    "croston": ("Croston", "Croston 法"), "tsb": ("TSB", "TSB"), "adida": ("ADIDA", "ADIDA"),
    "auto": ("auto", "自动选择"), "lgbm": ("LightGBM", "LightGBM 梯度提升"),
    "ensemble": ("ensemble", "集成模型"),
}
_TEXT = {
    "none": ("No model could be scored on {m}.", "没有模型能在 {m} 上得到评分。"),
    "alone": ("Only {a} was scored: {m} {av}.", "只有{a}得到了评分：{m} {av}。"),
    "wins": ("{a} wins on {m} ({av}), {pct} better than {b} ({bv}).",
             "{a} 在 {m} 上最好（{av}），比{b}（{bv}）好 {pct}。"),
    "tie": ("{a} and {b} tie on {m} ({av}).", "{a} 与{b}在 {m} 上持平（{av}）。"),
    "beats": ("The {a} beats the best baseline ({b}) by {pct} on {m}: {av} vs {bv}.",
              "{a} 胜过最佳基线模型（{b}），{m} 好 {pct}：{av} 对 {bv}。"),
    "fails": ("The {a} does not beat the best baseline ({b}): {m} {av} vs {bv}.",
              "{a} 没有胜过最佳基线模型（{b}）：{m} {av} 对 {bv}。"),
    "poor": ("Every model is poor here: the best MASE is {av} ({a}), so even its errors are "
             "{pct} times a seasonal naive forecast's on the history; use the forecasts with "
             "wide safety margins.",
             "所有模型在这里都不理想：最好的 MASE 也有 {av}（{a}），误差是季节性朴素法在历史上误差的 "
             "{pct} 倍；使用预测时请留足安全余量。"),
    "biased": ("The {a} is biased: its forecasts run {pct} {way} on average.",
               "{a} 有系统偏差：预测平均{way} {pct}。"),
}
#: A model whose |bias| is above this share is called biased in the verdict.
BIASED = 0.2
#: When even the best MASE is above this, the verdict says every model is poor (a seasonal
#: naive forecast itself scores about 1 to 1.3 out of sample on noisy daily products).
POOR_MASE = 1.5
# fmt: on


def check_metric(metric: str, levels) -> str:
    """``metric`` in lower case when it can rank models, else :class:`InputError`."""
    key = str(metric).strip().lower()
    if key in _METRICS or key in {f"coverage_{int(lv)}" for lv in levels}:
        return key
    names = ", ".join([*_METRICS, *(f"coverage_{int(lv)}" for lv in levels)])
    raise InputError(
        f"Unknown metric {metric!r}; choose one of {names}.",
        f"未知的评价指标 {metric!r}；可选：{names}。",
    )


def ordering_key(metric: str, values) -> pd.Series:
    """Values of ``metric`` turned so that lower is better (NaN stays NaN)."""
    values = pd.Series(values, dtype="float64")
    if metric == "bias":
        return values.abs()
    if metric.startswith("coverage_"):
        return (values - int(metric.split("_")[1]) / 100).abs()
    return values


def empty_scores(levels) -> pd.DataFrame:
    """A per-fold score frame without rows (all columns typed), for a backtest that scored nothing."""
    cols = ["unique_id", "n", *_METRICS, *(f"coverage_{int(lv)}" for lv in levels), *_SUMS]
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    return frame.astype({"unique_id": object, "n": "int64"}).assign(
        model=pd.Series(dtype=object),
        fold=pd.Series(dtype="int64"),
        cutoff=pd.Series(dtype="datetime64[ns]"),
    )


def pool_folds(per_fold: pd.DataFrame, levels) -> pd.DataFrame:
    """Per model and product, the scores of all folds pooled point-weighted and exact.

    Means over points (MAE, sMAPE, MASE, coverage) are fold values weighted by their
    ``n``; RMSE and RMSSE are roots of the weighted mean squares; WAPE and bias come from
    the summed ``abs_err_sum`` ... ``err_sum``. A NaN fold value is left out of its metric.
    """
    keys = ["model", "unique_id"]
    means = [*_POINT_MEANS, *(f"coverage_{int(lv)}" for lv in levels)]
    data = per_fold[keys].copy()
    n = per_fold["n"].to_numpy(float)
    for col in (*means, *_SQUARED):
        values = per_fold[col].to_numpy(float) ** (2 if col in _SQUARED else 1)
        ok = ~np.isnan(values) & (n > 0)
        data[col + ":w"] = np.where(ok, n, 0.0)
        data[col + ":v"] = np.where(ok, values * n, 0.0)
    for col in ("n", *_SUMS):
        data[col] = per_fold[col].to_numpy(float)
    data["folds"] = 1
    sums = data.groupby(keys, sort=True).sum()
    out = pd.DataFrame({"n": sums["n"].astype(int), "folds": sums["folds"].astype(int)})
    for col in (*means, *_SQUARED):
        weight = sums[col + ":w"]
        value = (sums[col + ":v"] / weight).where(weight > 0)
        out[col] = np.sqrt(value) if col in _SQUARED else value
    out["wape"] = (sums["abs_err_sum"] / sums["abs_actual_sum"]).where(sums["abs_actual_sum"] != 0)
    out["bias"] = (sums["err_sum"] / sums["actual_sum"]).where(sums["actual_sum"] != 0)
    return out.join(sums[list(_SUMS)]).reset_index()


def leaderboard(per_series, timings, failures, models, metric) -> pd.DataFrame:
    """One row per model: pooled metrics, mean fit/predict seconds per fold and ``rank``.

    statsforecast baselines fit lazily, so their ``predict_seconds`` holds the fitting.

    ``n_undefined`` counts the products where ``metric`` is undefined (left out of the
    mean); ``folds_ok`` and ``failed_folds`` count the folds that ran or failed.
    """
    rows = []
    for name in models:
        scored = per_series[per_series["model"] == name].drop(columns="model")
        times = timings[timings["model"] == name]
        row = {"model": name, **(summarize(scored) if len(scored) else {})}
        row["n_undefined"] = int(scored[metric].isna().sum()) if metric in scored else 0
        row["folds_ok"] = len(times)
        row["failed_folds"] = int((failures["model"] == name).sum())
        row["fit_seconds"] = float(times["fit_seconds"].mean()) if len(times) else np.nan
        row["predict_seconds"] = float(times["predict_seconds"].mean()) if len(times) else np.nan
        rows.append(row)
    coverages = [c for c in per_series.columns if c.startswith("coverage_")]
    cols = ["model", "rank", *_METRICS, *coverages, "n", "n_series", "n_undefined", "folds_ok",
            "failed_folds", "fit_seconds", "predict_seconds"]  # fmt: skip
    board = pd.DataFrame(rows).reindex(columns=cols)
    key = ordering_key(metric, board[metric])
    board["rank"] = key.rank(method="min").astype("Int64")
    order = np.argsort(key.fillna(np.inf).to_numpy(), kind="stable")
    return board.iloc[order].reset_index(drop=True)


def display_name(model: str, lang: str = "en") -> str:
    """A model's name for people ("seasonal naive", "季节性朴素法")."""
    names = _NAMES.get(model, (model, model))
    return names[1] if lang == "zh" else names[0]


def _metric_label(metric: str, lang: str) -> str:
    if metric.startswith("coverage_"):
        level = metric.split("_")[1]
        return f"{level}% 区间覆盖率" if lang == "zh" else f"{level}% coverage"
    return {"smape": "sMAPE", "bias": "bias" if lang == "en" else "偏差"}.get(
        metric, metric.upper()
    )


def _fmt(value: float) -> str:
    return f"{value:.2f}" if 0.01 <= abs(value) < 1000 else f"{value:.3g}"


def _better(key_a: float, key_b: float) -> str | None:
    """How much lower ``key_a`` is than ``key_b``, as ``"8.3%"``; None when undefined."""
    if key_b <= 0 or not math.isfinite(key_b):
        return None
    return f"{100 * (key_b - key_a) / key_b:.1f}%"


def _sentence(kind: str, lang: str, metric: str, a, b, pct: str | None = None,
              **extra) -> str:  # fmt: skip
    """One verdict sentence about leaderboard rows ``a`` and ``b`` (see ``_TEXT``)."""
    values = {
        "a": display_name(a.model, lang) if a is not None else "",
        "b": display_name(b.model, lang) if b is not None else "",
        "av": _fmt(getattr(a, metric)) if a is not None else "",
        "bv": _fmt(getattr(b, metric)) if b is not None else "",
    }
    text = _TEXT[kind][1 if lang == "zh" else 0]
    return text.format(m=_metric_label(metric, lang), pct=pct, **values, **extra)


def _compare(better: str, other: str, lang: str, metric: str, a, b) -> str:
    """Sentence ``better`` when row ``a`` beats row ``b`` on ``metric``, else ``other``."""
    pct = _better(a.key, b.key)
    return _sentence(better if pct and a.key < b.key else other, lang, metric, a, b, pct)


@dataclass
class BacktestResult:
    """Everything a backtest measured (see :mod:`core.forecast.backtest` for how).

    Attributes
    ----------
    forecasts : DataFrame
        ``model, fold, cutoff, unique_id, ds, forecast, median, lo_<L>, hi_<L>, y``: one
        row per actual of a window (NaN ``forecast`` where a model left a product out).
    per_series : DataFrame
        Per model and product, metrics pooled over folds (:func:`pool_folds`).
    leaderboard : DataFrame
        Per model, best first (:func:`leaderboard`).
    excluded : DataFrame
        ``fold, cutoff, unique_id, reason, n_train``: products left out of a fold.
    timings : DataFrame
        ``model, fold, cutoff, n_series, fit_seconds, predict_seconds``.
    failures : DataFrame
        ``model, fold, error``: units that raised (the model is skipped for that fold).
    per_fold : DataFrame
        :func:`core.forecast.metrics.evaluate` rows with ``model, fold, cutoff``.
    metric : str
        Primary metric of the rank and the verdict.
    cutoffs : list of Timestamp
        Last training date of each fold.
    horizon, step, season : int
    levels : list of int
    freq : str
    """

    forecasts: pd.DataFrame
    per_series: pd.DataFrame
    leaderboard: pd.DataFrame
    excluded: pd.DataFrame
    timings: pd.DataFrame
    failures: pd.DataFrame
    per_fold: pd.DataFrame
    metric: str
    cutoffs: list
    horizon: int
    step: int
    levels: list
    freq: str
    season: int

    def ranked(self, metric: str | None = None) -> pd.DataFrame:
        """Leaderboard rows with a defined ``metric``, best first, with its ``key`` column."""
        metric = check_metric(metric or self.metric, self.levels)
        board = self.leaderboard.assign(key=ordering_key(metric, self.leaderboard[metric]))
        return board.dropna(subset=["key"]).sort_values("key", kind="stable")

    def winner(self, metric: str | None = None) -> str | None:
        """The best model on ``metric`` (default the primary one); None if none was scored."""
        board = self.ranked(metric)
        return str(board["model"].iloc[0]) if len(board) else None

    def per_product_winner(
        self, metric: str | None = None, models=None, fallback: str | None = "mae"
    ) -> pd.DataFrame:
        """The best model per product among ``models`` (default all; ties: list order).

        Products where ``metric`` is undefined for every model are judged on ``fallback``.

        Returns
        -------
        DataFrame
            ``unique_id, model, score, runner_up, runner_up_score, metric``.
        """
        metric = check_metric(metric or self.metric, self.levels)
        order = list(models) if models is not None else list(self.leaderboard["model"])
        data = self.per_series[self.per_series["model"].isin(order)]
        data = data.assign(
            metric=metric, score=data[metric], key=ordering_key(metric, data[metric])
        )
        if fallback:
            lost = data.groupby("unique_id")["key"].transform("count").to_numpy() == 0
            data.loc[lost, "metric"] = fallback
            data.loc[lost, "score"] = data.loc[lost, fallback]
            data.loc[lost, "key"] = ordering_key(fallback, data.loc[lost, fallback]).to_numpy()
        data = data.dropna(subset=["key"]).assign(order=data["model"].map(order.index))
        data = data.sort_values(["unique_id", "key", "order"], kind="stable")
        first = data.groupby("unique_id").nth(0).set_index("unique_id")
        second = data.groupby("unique_id").nth(1).set_index("unique_id")
        out = first[["model", "score", "metric"]].copy()
        out["runner_up"] = second["model"].reindex(out.index)
        out["runner_up_score"] = second["score"].reindex(out.index)
        cols = ["model", "score", "runner_up", "runner_up_score", "metric"]
        return out[cols].rename_axis("unique_id").reset_index()

    def verdict(self, lang: str = "en", metric: str | None = None) -> str:
        """Who wins and by how much, and whether a deep model beats the best baseline.

        Parameters
        ----------
        lang : {"en", "zh"}
        metric : str, optional
            Default the primary metric.
        """
        metric = check_metric(metric or self.metric, self.levels)
        rows = list(self.ranked(metric).itertuples(index=False))
        if len(rows) < 2:
            kind = "alone" if rows else "none"
            return _sentence(kind, lang, metric, *(rows * 2 or [None, None]))
        deep = next((r for r in rows if r.model in DEEP_MODELS), None)
        base = next((r for r in rows if r.model in BASELINE_MODELS), None)
        parts = []
        if not (deep is rows[0] and base is rows[1]):  # else the deep sentence says it all
            parts.append(_compare("wins", "tie", lang, metric, rows[0], rows[1]))
        if deep is not None and base is not None:
            parts.append(_compare("beats", "fails", lang, metric, deep, base))
        parts.extend(self._warnings(lang, rows[0], deep))
        return ("" if lang == "zh" else " ").join(parts)

    def _warnings(self, lang: str, best, deep) -> list[str]:
        """What the ranking alone hides: every model far worse than a naive forecast (the
        best MASE above :data:`POOR_MASE`), and a large bias (over :data:`BIASED`) of the
        winner or of the deep model."""
        out = []
        mase = pd.to_numeric(self.leaderboard.get("mase"), errors="coerce")
        if mase is not None and mase.notna().any() and float(mase.min()) > POOR_MASE:
            top = next(self.ranked("mase").itertuples(index=False))
            out.append(_sentence("poor", lang, "mase", top, None, f"{top.mase:.1f}"))
        for row in dict.fromkeys(r for r in (best, deep) if r is not None):
            value = float(getattr(row, "bias", float("nan")))
            if math.isfinite(value) and abs(value) > BIASED:
                way = ("偏高" if value > 0 else "偏低") if lang == "zh" else (
                    "high" if value > 0 else "low")  # fmt: skip
                out.append(_sentence("biased", lang, "bias", row, None,
                                     f"{abs(value) * 100:.0f}%", way=way))  # fmt: skip
        return out

    def to_dict(self) -> dict:
        """JSON-ready summary: settings, per-model metrics and seconds, verdict, exclusions."""
        excluded = self.excluded.drop_duplicates(["unique_id", "reason"])
        return _jsonable(
            {
                "schema_version": 1,
                "freq": self.freq,
                "horizon": self.horizon,
                "folds": len(self.cutoffs),
                "step": self.step,
                "levels": self.levels,
                "season": self.season,
                "metric": self.metric,
                "cutoffs": [pd.Timestamp(c).isoformat() for c in self.cutoffs],
                "winner": self.winner(),
                "verdict": {"en": self.verdict("en"), "zh": self.verdict("zh")},
                "models": self.leaderboard.to_dict(orient="records"),
                "excluded": excluded["reason"].value_counts().to_dict(),
                "failures": self.failures.to_dict(orient="records"),
            }
        )


def _jsonable(value):
    """Plain Python for ``json.dumps``: NaN/NA -> None, numpy scalars -> int/float."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if (
        value is None
        or value is pd.NA
        or (isinstance(value, float | np.floating) and np.isnan(value))
    ):
        return None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, np.floating):
        return float(value)
    return value
