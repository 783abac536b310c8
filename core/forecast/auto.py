"""The ``auto`` model: an inner backtest picks the best candidate model for each product.

How it chooses
--------------
1. :func:`~core.forecast.demand.classify_demand` splits the products: smooth and erratic ones
   choose among ``candidates``; intermittent, lumpy and never-sold ones among
   ``intermittent_candidates`` (Croston-type models are built for many zero periods; LightGBM
   learns from the whole group, so a slow seller can follow a rise the shop shares).
2. Per group, a rolling-origin :func:`~core.forecast.backtest.backtest` of the group's candidates on
   the group's products (``folds`` folds of ``horizon`` periods, no intervals).
3. Per product, the group's best candidate (the lowest ``metric`` over the group), unless
   another candidate beat it on that product in every fold: then that one (ties go to
   the earlier candidate; where the metric is undefined for all, the lowest MAE). Two
   folds are little evidence about one product, and its lowest mean among five
   candidates is mostly its luckiest (:mod:`core.forecast.choice`; ``steady=False``
   takes each product's own lowest mean). For the intermittent group the metric is
   ``intermittent_metric``, by default :data:`TOTAL`: how far each fold's horizon total
   was off, what an operator orders by. Products
   the backtest could not score (too short) get the group's fallback: its first candidate
   that is not a deep model and did not fail.
4. The chosen models are fitted on the full history. A local model (every baseline fits
   each series on its own) is fitted only on the products it won: the same forecasts for
   less work. A global model (deep or gradient boosting) is fitted on every product of
   its group, as it was in the inner backtest, because it learns from all the series it
   sees.

5. Each fitted model's forecasts are scaled by how far its inner-backtest totals fell
   short of (or beyond) what sold, on the products it forecasts: the factor is
   ``sum of actuals / sum of forecasts`` over their folds, shrunk towards 1 for few
   products (``n / (n + SCALE_PRODUCTS)``) and kept within 1/:data:`MAX_SCALE` ..
   :data:`MAX_SCALE` (``calibrate=False`` leaves it out). A model that under-forecast
   the last weeks before the cut (LightGBM before a Christmas run-up) is carried up by
   the same share; ``choice_["scale"]`` says by how much.

A chosen model that fails to fit hands its products to their runner-up, then to the
group's fallback, then to seasonal naive; ``fallbacks_`` says why per product. Keras is
imported only when a deep candidate is actually built.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from core.errors import CancelledError, InputError
from core.forecast.backtest import backtest
from core.forecast.choice import TOTAL, steady_choice, total_winners
from core.forecast.demand import SPARSE_KINDS, classify_demand
from core.forecast.leaderboard import check_metric
from core.forecast.models import BASE_MODELS, DEEP_MODELS, Forecaster, make_base_model
from core.periods import PeriodGrid, default_season

__all__ = ["DEFAULT_CANDIDATES", "DEFAULT_INTERMITTENT", "TOTAL", "AutoForecaster",
           "inner_horizon"]  # fmt: skip

#: Candidates for smooth and erratic products (``ensemble``: LSTM, LightGBM and the best
#: statistical model combined, :mod:`core.forecast.models.ensemble`).
DEFAULT_CANDIDATES = ("lstm", "lgbm", "ets", "snaive", "ensemble")
#: Candidates for intermittent, lumpy and never-sold products. LightGBM learns from every
#: product of the group at once, so a slow seller can follow the shop's common rise (a
#: Christmas run-up) where the Croston-type models carry its past level on. On a tuning draw
#: of the gift shop (benchmarks/giftshop_bed.py, seed 1, 28 days held out) adding it moved
#: MASE 1.412 -> 1.382, the bias of horizon totals -23.6 % -> -14.4 %, the error of totals
#: 0.401 -> 0.398, for 102 -> 169 s (adding the LSTM too: 1.409, -10.5 %, 0.392, 272 s).
DEFAULT_INTERMITTENT = ("croston", "tsb", "adida", "snaive", "lgbm")
#: Inner backtest horizon by season length: 4 weeks of days, 8 weeks, 3 months.
_HORIZONS = {7: 28, 52: 8, 12: 3}
_LAST_RESORT = "snaive"
_UNSCORED = {
    "too_short": "too short for the inner backtest",
    "ended": "no sales rows in the inner backtest windows (discontinued)",
}
_CHOICE_COLUMNS = [
    "unique_id", "kind", "group", "model", "score", "runner_up", "runner_up_score", "metric",
    "reason", "scale",
]  # fmt: skip
#: The most the inner backtest's bias correction moves a forecast, either way.
MAX_SCALE = 1.25
#: Products from which that correction counts in full (fewer: shrunk towards 1).
SCALE_PRODUCTS = 20
_SCALED = ("forecast", "median")


def inner_horizon(freq: str, n_periods: int, folds: int, horizon: int | None = None) -> int:
    """Horizon of the inner backtest: ``horizon`` or 28 days / 8 weeks / 3 months.

    Capped so that ``folds`` windows take at most half of the ``n_periods`` of history
    (the first fold still trains on half the data); 0 when not even one period fits.
    """
    wanted = int(horizon) if horizon else _HORIZONS.get(default_season(freq), 8)
    return max(0, min(wanted, n_periods // (2 * max(int(folds), 1))))


class AutoForecaster(Forecaster):
    """Chooses per product among candidate models by an inner backtest (see module doc).

    Parameters
    ----------
    candidates : sequence of str, optional
        Models for smooth and erratic products (default :data:`DEFAULT_CANDIDATES`).
    intermittent_candidates : sequence of str, optional
        Models for intermittent and lumpy products (default :data:`DEFAULT_INTERMITTENT`).
    folds : int
        Folds of the inner backtest.
    horizon : int, optional
        Horizon of the inner backtest (default :func:`inner_horizon`).
    metric : str
        Metric the choice of smooth and erratic products minimises (``mase``, ``rmsse``,
        ``mae``, ...).
    model_params : dict, optional
        Constructor arguments per candidate name, e.g. ``{"lstm": {"epochs": 20}}``.
    intermittent_metric : str
        Metric for intermittent products: :data:`TOTAL` (default) or a leaderboard metric.
        Day by day a slow seller's sales are mostly noise, so per-period metrics choose by
        chance (and absolute-error ones such as MASE reward forecasting nothing, the
        median); the total over the horizon is what the stock has to cover.
    calibrate : bool
        Scale each fitted model's forecasts by its inner-backtest bias (module doc, step 5).
    steady : bool
        Keep each product on its group's best candidate unless another beat it in every
        inner fold (module doc, step 3); ``False``: each product's own lowest mean.

    Attributes
    ----------
    choice_ : DataFrame
        ``unique_id, kind, group, model, score, runner_up, runner_up_score, metric,
        reason, scale``: the model used per product, why, and the factor its forecasts
        were scaled by (1 where nothing was corrected).
    backtests_ : dict
        Group (``smooth``, ``intermittent``) -> its inner :class:`~core.forecast.leaderboard.BacktestResult`.
    failures_ : dict
        ``"group/model"`` -> why that candidate failed (inner backtest or final fit).
    fallbacks_ : dict
        ``unique_id`` -> why it did not get its first choice.
    units_ : list of dict
        ``model``, ``group``, ``unique_ids`` (products it forecasts) and the fitted ``estimator``.
    """

    name = "auto"

    def __init__(
        self,
        candidates=None,
        intermittent_candidates=None,
        folds: int = 2,
        horizon: int | None = None,
        metric: str = "mase",
        model_params: dict | None = None,
        intermittent_metric: str = TOTAL,
        calibrate: bool = True,
        steady: bool = True,
    ) -> None:
        super().__init__(
            candidates=candidates,
            intermittent_candidates=intermittent_candidates,
            folds=folds,
            horizon=horizon,
            metric=metric,
            model_params=model_params,
            intermittent_metric=intermittent_metric,
            calibrate=calibrate,
            steady=steady,
        )

    def _groups(self) -> dict[str, list[str]]:
        groups = {
            "smooth": list(self.candidates or DEFAULT_CANDIDATES),
            "intermittent": list(self.intermittent_candidates or DEFAULT_INTERMITTENT),
        }
        allowed = list(BASE_MODELS)
        bad = sorted({n for names in groups.values() for n in names if n not in allowed})
        if bad:
            raise InputError(
                f"Unknown candidate model(s) {bad}; choose among {', '.join(allowed)}.",
                f"未知的候选模型 {bad}；可选：{'、'.join(allowed)}。",
            )
        return groups

    def _factory(self, name: str):
        params = (self.model_params or {}).get(name, {})
        return partial(make_base_model, name, **params)

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        if should_stop is not None and should_stop():
            raise CancelledError()
        groups = self._groups()
        for metric in (self.metric, self.intermittent_metric):
            if metric != TOTAL:
                check_metric(metric, ())
        frame = frame.assign(unique_id=frame["unique_id"].astype(str))
        kinds = classify_demand(frame).set_index("unique_id")["kind"]
        sparse = kinds.isin(SPARSE_KINDS)
        self.backtests_, self.failures_, self.fallbacks_ = {}, {}, {}
        self.group_ids_ = {
            "smooth": list(kinds.index[~sparse]),
            "intermittent": list(kinds.index[sparse]),
        }
        parts = []
        for group, names in groups.items():
            ids = self.group_ids_[group]
            if ids:
                part = frame[frame["unique_id"].isin(ids)]
                parts.append(self._choose(group, part, names, freq, on_progress, should_stop))
        choice = pd.concat(parts, ignore_index=True)
        choice["kind"] = kinds.reindex(choice["unique_id"]).to_numpy()
        self.choice_ = choice.sort_values("unique_id").reset_index(drop=True)
        self.units_ = self._fit_chosen(frame, freq, on_progress, should_stop)
        self._set_scales()
        self.choice_ = self.choice_[_CHOICE_COLUMNS]

    def _metric(self, group: str) -> str:
        return self.intermittent_metric if group == "intermittent" else self.metric

    def _ranking(self, group: str) -> str:
        """The leaderboard metric of the group's inner backtest (RMSSE under :data:`TOTAL`)."""
        metric = self._metric(group)
        return "rmsse" if metric == TOTAL else metric

    def _winners(self, group: str, result, names) -> pd.DataFrame:
        """Per product the best candidate, its score and the runner-up (module doc, step 3)."""
        metric = self._metric(group)
        if metric == TOTAL:
            won = total_winners(result.per_fold, names)
        else:
            won = result.per_product_winner(metric, models=names)
        return steady_choice(result, names, won, metric) if self.steady else won

    def _inner_backtest(self, group, part, names, freq, on_progress, should_stop):
        """The group's inner backtest, or None (with the reason) when the data is too short."""
        n_periods = int(np.ptp(PeriodGrid.from_freq(freq).periods(part["ds"].to_numpy()))) + 1
        horizon = inner_horizon(freq, n_periods, self.folds, self.horizon)
        if horizon < 1:
            return None, f"{n_periods} periods are too few for a backtest"
        report = None
        if on_progress is not None:
            report = lambda info: on_progress({**info, "group": group})  # noqa: E731
        try:
            result = backtest(
                part, freq, {n: self._factory(n) for n in names}, horizon=horizon,
                folds=int(self.folds), levels=(), metric=self._ranking(group),
                on_progress=report, should_stop=should_stop,
            )  # fmt: skip
        except InputError as exc:
            return None, exc.en
        return result, None

    def _choose(self, group, part, names, freq, on_progress, should_stop) -> pd.DataFrame:
        """Per product of one group: the winning candidate, its score and runner-up."""
        result, why = self._inner_backtest(group, part, names, freq, on_progress, should_stop)
        out = pd.DataFrame({"unique_id": sorted(part["unique_id"].unique()), "group": group})
        why = pd.Series(why, index=out.index, dtype=object)
        broken = set()
        if result is not None:
            self.backtests_[group] = result
            for row in result.failures.drop_duplicates("model").itertuples():
                self.failures_[f"{group}/{row.model}"] = row.error
            broken = set(result.leaderboard.loc[result.leaderboard["folds_ok"] == 0, "model"])
            won = self._winners(group, result, names)
            out = out.merge(won, on="unique_id", how="left")
            last = result.excluded.drop_duplicates("unique_id", keep="last")
            why = out["unique_id"].map(last.set_index("unique_id")["reason"].map(_UNSCORED))
            why = why.fillna("not scored in the inner backtest")
        for col in ("model", "score", "runner_up", "runner_up_score", "metric"):
            if col not in out:
                out[col] = np.nan
        out["model"] = out["model"].astype(object)
        usable = [n for n in names if n not in DEEP_MODELS and n not in broken]
        fallback = (usable or [_LAST_RESORT])[0]
        missing = out["model"].isna()
        out.loc[missing, "model"] = fallback
        out["reason"] = (why + f"; {fallback} by default").where(missing, None)
        return out

    def _options(self, row) -> list[str]:
        """Models to try for one product, best first, each once."""
        names = self._groups()[row.group]
        usable = [n for n in names if n not in DEEP_MODELS]
        wanted = [row.model, row.runner_up, *(usable[:1]), _LAST_RESORT]
        return list(dict.fromkeys(n for n in wanted if isinstance(n, str)))

    def _fit_chosen(self, frame, freq, on_progress, should_stop) -> list[dict]:
        """Fit each chosen model on its products; a failure moves them to the next option."""
        rows = {row.unique_id: row for row in self.choice_.itertuples(index=False)}
        options = {uid: self._options(row) for uid, row in rows.items()}
        used, units, pending, broken = {}, [], set(rows), set()
        while pending:
            wanted = {}
            for uid in sorted(pending):
                group = rows[uid].group
                name = next((n for n in options[uid] if (group, n) not in broken), None)
                if name is None:
                    raise InputError(
                        f"No candidate model could be fitted for product {uid}: {self.failures_}",
                        f"商品 {uid} 的所有候选模型都无法训练：{self.failures_}",
                    )
                wanted.setdefault((group, name), []).append(uid)
            for done, ((group, name), uids) in enumerate(wanted.items(), start=1):
                unit = self._fit_unit(frame, freq, group, name, uids, should_stop)
                if unit is None:
                    broken.add((group, name))
                else:
                    units.append(unit)
                    pending -= set(uids)
                    used.update(dict.fromkeys(uids, name))
                if on_progress is not None:
                    on_progress({"stage": "auto_fit", "model": name, "group": group,
                                 "done": done, "total": len(wanted)})  # fmt: skip
        self._note_fallbacks(used)
        return units

    def _fit_unit(self, frame, freq, group, name, uids, should_stop) -> dict | None:
        """One chosen model fitted (global models on the whole group), or None if it failed."""
        if should_stop is not None and should_stop():
            raise CancelledError()
        try:
            model = self._factory(name)()
            fit_ids = self.group_ids_[group] if getattr(model, "is_global", False) else uids
            model.fit(frame[frame["unique_id"].isin(fit_ids)], freq, should_stop=should_stop)
        except CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken candidate falls back, see module doc
            self.failures_[f"{group}/{name}"] = f"{type(exc).__name__}: {exc}"
            return None
        return {"model": name, "group": group, "unique_ids": list(uids), "estimator": model}

    def _note_fallbacks(self, used: dict) -> None:
        """Record in ``choice_`` and ``fallbacks_`` the products that lost their first choice."""
        choice = self.choice_
        final = choice["unique_id"].map(used)
        moved = final != choice["model"]
        for row, new in zip(choice[moved].itertuples(index=False), final[moved], strict=True):
            why = (
                f"{row.model} failed: {self.failures_.get(f'{row.group}/{row.model}')}; used {new}"
            )
            self.fallbacks_[row.unique_id] = why
        choice.loc[moved, "reason"] = choice.loc[moved, "unique_id"].map(self.fallbacks_)
        choice["model"] = final

    def _set_scales(self) -> None:
        """Each fitted unit's ``scale`` from its products' inner folds (module doc, step 5)."""
        for unit in self.units_:
            unit["scale"] = 1.0
            result = self.backtests_.get(unit["group"])
            if not self.calibrate or result is None:
                continue
            folds = result.per_fold
            rows = folds[(folds["model"] == unit["model"]) & folds["unique_id"].isin(unit["unique_ids"])]
            rows = rows[np.isfinite(rows["err_sum"]) & np.isfinite(rows["actual_sum"])]
            actual = float(rows["actual_sum"].sum())
            forecast = actual + float(rows["err_sum"].sum())
            if actual <= 0 or forecast <= 0:
                continue
            n = rows["unique_id"].nunique()
            factor = 1.0 + n / (n + SCALE_PRODUCTS) * (actual / forecast - 1.0)
            unit["scale"] = float(np.clip(factor, 1.0 / MAX_SCALE, MAX_SCALE))
        scales = {uid: unit["scale"] for unit in self.units_ for uid in unit["unique_ids"]}
        self.choice_["scale"] = self.choice_["unique_id"].map(scales).astype(float).round(4)

    def _predict(self, horizon: int, levels: list[int], future) -> pd.DataFrame:
        parts = []
        for unit in self.units_:
            ids = unit["unique_ids"]
            plans = None
            if future is not None:
                plans = future[future["unique_id"].astype(str).isin(ids)]
            fc = unit["estimator"].predict(horizon, levels=levels, future=plans)
            fc = fc[fc["unique_id"].isin(ids)].copy()
            cols = [c for c in fc.columns if c in _SCALED or c.startswith(("lo_", "hi_"))]
            fc[cols] = fc[cols] * unit.get("scale", 1.0)
            parts.append(fc)
        return pd.concat(parts, ignore_index=True)
