"""The ``ensemble`` model: LSTM, LightGBM and the best statistical model per product, combined.

How it fits
-----------
1. :func:`~core.forecast.demand.classify_demand` splits the products as ``auto`` does:
   smooth and erratic ones pick their statistical member among ``stat_candidates``
   (scored on MASE), intermittent and lumpy ones among ``intermittent_candidates``
   (RMSSE: MASE would crown the model that forecasts nothing, see :mod:`core.forecast.auto`).
2. An inner validation (``folds`` rolling-origin windows of ``horizon`` periods before
   the last date, the same folds as :func:`core.forecast.backtest.backtest`) scores every
   statistical candidate and, for ``combine="weighted"``, the LSTM and LightGBM members
   too. Per product the best statistical candidate becomes its ``stats`` member.
3. The members are fitted on the full history: the global ones (LSTM, LightGBM) on every
   product, each chosen statistical model on the products it won.

How it forecasts
----------------
Per product and period the members' columns are combined one by one (``forecast``, the
expected value; ``median``; every ``lo_L``/``hi_L``):

- ``median`` (default): the per-period median of the members (for three members the
  middle one), column by column; order statistics keep ``lo <= median <= hi`` too. Only
  the statistical candidates are validated, so the ensemble costs its members' fits and
  little more.
- ``weighted``: a weighted mean, the weights the inverse of each member's
  inner-validation error (MASE, RMSSE for intermittent products). ``weighting="product"``
  gives each product its own weights, half from its own errors and half from the mean
  weights of its demand group (one window per product is noisy); ``"group"`` the group's
  mean weights only. Averaging the members' quantiles level by level is Vincentization:
  the combined band is the band of the "average" forecast distribution, and since every
  member has ``lo <= median <= hi`` so does a weighted mean of them.
- ``mean``: the same with equal weights.

Why the median: on the sample shop (28 days held out) it scored MASE 0.733 against 0.753
weighted, 0.759 mean and 0.754 / 0.756 / 0.860 for LightGBM, the LSTM and the statistical
member alone, with the smallest bias; on a generated seasonal shop 0.560 against 0.579,
0.583 and 0.588 for the best member. One validation window gives inverse-error weights
close to equal and noisy, while the median simply drops whichever member is off on a
given day; and it needs no validation of the LSTM, which would double its training.

A member that fails to fit is left out (``failures_`` says why) and the others are
reweighted; a member that gives no forecast for a product is skipped for that product.
docs/BENCHMARKS.md ("An ensemble as a candidate of auto") has the figures.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from core import lazy
from core.errors import CancelledError, InputError
from core.forecast.demand import SPARSE_KINDS, classify_demand
from core.forecast.folds import MIN_TRAIN, known_columns, plan_cutoffs, split_fold
from core.forecast.metrics import evaluate
from core.forecast.models.base import Forecaster, interval_columns
from core.forecast.models.lgbm import LGBMForecaster
from core.forecast.models.lstm import LSTMForecaster
from core.periods import PeriodGrid, default_season

__all__ = ["COMBINES", "DEFAULT_MEMBERS", "EnsembleForecaster", "combine_forecasts"]

#: The members: two global models and ``stats``, the best statistical model per product.
DEFAULT_MEMBERS = ("lstm", "lgbm", "stats")
#: Statistical candidates for smooth and erratic products, and for intermittent ones.
STAT_CANDIDATES = ("ets", "snaive")
INTERMITTENT_STATS = ("croston", "tsb", "adida", "snaive")
#: How the members are combined (module doc); the first is the default.
COMBINES = ("median", "weighted", "mean")
WEIGHTINGS = ("product", "group")
_GLOBAL = ("lstm", "gru", "lgbm")
#: Inner-validation horizon by season length: 4 weeks of days, 8 weeks, 3 months.
_HORIZONS = {7: 28, 52: 8, 12: 3}
#: Share of a product's weights that comes from its own errors (the rest: its group's).
_OWN_SHARE = 0.5
#: Errors below this are floored, so one lucky window does not take all the weight.
_MIN_ERROR = 0.05


def _build(name: str, params: dict) -> Forecaster:
    """A fresh member model (no registry import: the registry builds the ensemble)."""
    if name in ("lstm", "gru"):
        return LSTMForecaster(cell=name, **params)
    if name == "lgbm":
        return LGBMForecaster(**params)
    return lazy.load("core.forecast.models.baselines").make_baseline(name, **params)


def combine_forecasts(frames: dict, weights: pd.DataFrame | None, how: str, columns) -> pd.DataFrame:
    """Combine member forecasts column by column (module doc).

    Parameters
    ----------
    frames : dict
        Member name -> its forecast (``unique_id, ds`` and ``columns``).
    weights : DataFrame or None
        ``unique_id`` index, one column per member (ignored for ``median``; ``None``:
        equal weights).
    how : {"weighted", "mean", "median"}
    columns : list of str
    """
    names = list(frames)
    keys = pd.concat([f[["unique_id", "ds"]] for f in frames.values()]).drop_duplicates()
    keys = keys.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    stack = np.stack([
        keys.merge(frames[n], on=["unique_id", "ds"], how="left")[columns].to_numpy("float64")
        for n in names
    ])  # fmt: skip  # members x rows x columns, NaN where a member has no forecast
    out = keys.copy()
    if how == "median":
        out[columns] = np.nanmedian(stack, axis=0)
        return out
    if how == "mean" or weights is None:
        w = np.ones((len(names), len(keys)))
    else:
        w = weights.reindex(keys["unique_id"])[names].fillna(0.0).to_numpy("float64").T
    w = np.where(np.isnan(stack), 0.0, w[:, :, None])
    total = w.sum(axis=0)
    # a row whose weighted members all lack it falls back to the members that have it
    w = np.where(total > 0, w, (~np.isnan(stack)).astype("float64"))
    out[columns] = np.nansum(np.nan_to_num(stack) * w, axis=0) / w.sum(axis=0)
    return out


class EnsembleForecaster(Forecaster):
    """LSTM, LightGBM and the best statistical model per product, combined (module doc).

    Parameters
    ----------
    members : sequence of str, optional
        Default :data:`DEFAULT_MEMBERS`; ``stats`` is the per-product statistical choice,
        the others model names (``lstm``, ``gru``, ``lgbm``, a baseline).
    combine : {"median", "weighted", "mean"}
        Default ``median``: measured the most accurate (module doc).
    weighting : {"product", "group"}
        Where the weights of ``combine="weighted"`` come from.
    folds : int
        Windows of the inner validation.
    horizon : int, optional
        Periods per window (default 28 days, 8 weeks or 3 months, capped so that the
        windows take at most half the history).
    stat_candidates, intermittent_candidates : sequence of str, optional
        Statistical candidates of smooth and of intermittent products.
    member_params : dict, optional
        Constructor arguments per member name, e.g. ``{"lstm": {"epochs": 20}}``.

    Attributes
    ----------
    scores_ : DataFrame
        ``unique_id, group, metric`` and one error column per member (inner validation;
        NaN where not scored).
    stat_choice_ : DataFrame
        ``unique_id, group, model``: the statistical member per product.
    members_ : list of dict
        ``member``, ``model``, ``unique_ids`` and the fitted ``estimator``.
    failures_ : dict
        ``"member/model"`` -> why it failed (inner validation or final fit).
    validation_ : str
        How the inner validation went (``"ok"`` or why it was skipped).
    """

    name = "ensemble"
    is_global = True

    def __init__(
        self,
        members=None,
        combine: str = "median",
        weighting: str = "product",
        folds: int = 1,
        horizon: int | None = None,
        stat_candidates=None,
        intermittent_candidates=None,
        member_params: dict | None = None,
    ) -> None:
        super().__init__(
            members=members, combine=combine, weighting=weighting, folds=folds,
            horizon=horizon, stat_candidates=stat_candidates,
            intermittent_candidates=intermittent_candidates, member_params=member_params,
        )  # fmt: skip

    # ------------------------------------------------------------------ fitting
    def _check(self) -> tuple[list[str], dict]:
        members = list(self.members or DEFAULT_MEMBERS)
        stats = {
            "smooth": list(self.stat_candidates or STAT_CANDIDATES),
            "intermittent": list(self.intermittent_candidates or INTERMITTENT_STATS),
        }
        bad = [("combine", self.combine, COMBINES), ("weighting", self.weighting, WEIGHTINGS)]
        for label, value, allowed in bad:
            if value not in allowed:
                raise InputError(
                    f"Ensemble {label} {value!r}: choose one of {', '.join(allowed)}.",
                    f"集成模型的 {label} 不能是 {value!r}；可选：{'、'.join(allowed)}。",
                )
        if not members or len(set(members)) != len(members) or "ensemble" in members:
            raise InputError(
                f"Ensemble members {members} must be distinct model names.",
                f"集成模型的成员 {members} 必须是互不相同的模型名称。",
            )
        return members, stats

    def _params(self, name: str) -> dict:
        return dict((self.member_params or {}).get(name, {}))

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        members, stats = self._check()
        _stop(should_stop)
        frame = frame.assign(unique_id=frame["unique_id"].astype(str))
        kinds = classify_demand(frame).set_index("unique_id")["kind"]
        group = pd.Series(np.where(kinds.isin(SPARSE_KINDS), "intermittent", "smooth"),
                          index=kinds.index)  # fmt: skip
        self.failures_ = {}
        scored = [n for n in members if n != "stats"] if self.combine == "weighted" else []
        if "stats" in members:
            scored += [n for g in dict.fromkeys(group) for n in stats[g]]
        errors = self._validate(frame, freq, group, list(dict.fromkeys(scored)),
                                on_progress, should_stop)  # fmt: skip
        self.stat_choice_ = _stat_choice(errors, group, stats)
        self.scores_ = _member_scores(errors, group, members, self.stat_choice_)
        self.members_ = self._fit_members(frame, freq, members, on_progress, should_stop)

    def _validate(self, frame, freq, group, names, on_progress, should_stop) -> pd.DataFrame:
        """Per product and model the inner-validation error (``metric`` of its group)."""
        cols = ["unique_id", "model", "error", "n"]
        grid = PeriodGrid.from_freq(freq)
        periods = grid.periods(frame["ds"].to_numpy())
        span = int(np.ptp(periods)) + 1
        wanted = int(self.horizon or _HORIZONS.get(default_season(freq), 8))
        horizon = max(0, min(wanted, span // (2 * max(int(self.folds), 1))))
        self.validation_ = "ok"
        try:
            if not names or horizon < 1:
                raise InputError(f"{span} periods are too few", f"{span} 期数据太少")
            cutoffs = plan_cutoffs(frame, freq, horizon=horizon, folds=int(self.folds))
        except InputError as exc:
            self.validation_ = f"skipped: {exc.en}"
            return pd.DataFrame(columns=cols)
        run = {"horizon": horizon, "min_train": MIN_TRAIN, "grid": grid,
               "known": known_columns(frame, None)}  # fmt: skip
        season, rows, done = default_season(freq), [], 0
        for number, cutoff in enumerate(cutoffs, start=1):
            fold = split_fold(frame, periods, number, cutoff, run)
            for name in names:
                _stop(should_stop)
                rows.append(self._score(name, fold, freq, horizon, season, group, should_stop))
                done += 1
                _report(on_progress, "validate", name, done, len(cutoffs) * len(names))
        found = [r for r in rows if r is not None]
        return pd.concat(found, ignore_index=True)[cols] if found else pd.DataFrame(columns=cols)

    def _score(self, name, fold, freq, horizon, season, group, should_stop):
        """One model on one fold: per product its error, or None when it failed."""
        if fold.train.empty:
            return None
        try:
            model = _build(name, self._params(name))
            train = fold.train_all if name in _GLOBAL else fold.train
            model.fit(train, freq, should_stop=should_stop)
            fc = model.predict(horizon, levels=(), future=fold.future)
        except CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken candidate is left out
            self.failures_[f"validate/{name}"] = f"{type(exc).__name__}: {exc}"
            return None
        scores = evaluate(fc, fold.actual, fold.train, season, levels=())
        metric = np.where(group.reindex(scores["unique_id"]).eq("intermittent"), "rmsse", "mase")
        error = np.where(metric == "rmsse", scores["rmsse"], scores["mase"])
        return pd.DataFrame({"unique_id": scores["unique_id"].astype(str), "model": name,
                             "error": error, "n": scores["n"]})  # fmt: skip

    def _fit_members(self, frame, freq, members, on_progress, should_stop) -> list[dict]:
        """Every member on the full history (module doc); failures are left out."""
        units = []
        for name in members:
            if name == "stats":
                chosen = self.stat_choice_.groupby("model")["unique_id"].apply(list)
                units += [(name, model, ids) for model, ids in chosen.items()]
            else:
                units.append((name, name, list(frame["unique_id"].unique())))
        out = []
        for done, (member, model_name, ids) in enumerate(units, start=1):
            _stop(should_stop)
            relay = None
            if on_progress is not None:
                relay = partial(_tagged, on_progress, member)
            try:
                model = _build(model_name, self._params(model_name))
                part = frame if member != "stats" else frame[frame["unique_id"].isin(ids)]
                model.fit(part, freq, on_progress=relay, should_stop=should_stop)
            except CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the other members go on
                self.failures_[f"{member}/{model_name}"] = f"{type(exc).__name__}: {exc}"
                continue
            finally:
                _report(on_progress, "fit", member, done, len(units))
            out.append({"member": member, "model": model_name, "unique_ids": [str(i) for i in ids],
                        "estimator": model})  # fmt: skip
        if not out:
            raise InputError(
                f"No member of the ensemble could be fitted: {self.failures_}",
                f"集成模型的所有成员都无法训练：{self.failures_}",
            )
        return out

    # --------------------------------------------------------------- predicting
    def member_forecasts(self, horizon: int, levels=(80,), future=None) -> dict:
        """Member name -> its forecast (``stats``: every chosen model's products)."""
        frames: dict[str, list] = {}
        for unit in self.members_:
            plans = future
            if future is not None and unit["member"] == "stats":
                plans = future[future["unique_id"].astype(str).isin(unit["unique_ids"])]
            fc = unit["estimator"].predict(horizon, levels=levels, future=plans)
            fc = fc[fc["unique_id"].isin(unit["unique_ids"])]
            frames.setdefault(unit["member"], []).append(fc)
        return {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}

    def weights(self) -> pd.DataFrame:
        """Per product (index) the weight of each member (columns), rows summing to 1."""
        names = list(dict.fromkeys(u["member"] for u in self.members_))
        return member_weights(self.scores_, names, self.weighting)

    def _predict(self, horizon: int, levels: list[int], future) -> pd.DataFrame:
        frames = self.member_forecasts(horizon, levels, future)
        columns = ["forecast", "median", *interval_columns(levels)]
        weights = self.weights() if self.combine == "weighted" else None
        return combine_forecasts(frames, weights, self.combine, columns)


def member_weights(scores: pd.DataFrame, names: list[str], weighting: str) -> pd.DataFrame:
    """Inverse-error weights per product (module doc); equal where nothing was scored."""
    err = scores.set_index("unique_id")[names].astype("float64")
    inv = 1.0 / np.maximum(err.where(np.isfinite(err)), _MIN_ERROR)
    # a member not scored for a product counts as an average one there
    inv = inv.T.fillna(inv.mean(axis=1)).T
    group = scores.set_index("unique_id")["group"]
    own = inv.div(inv.sum(axis=1), axis=0)
    shared = own.groupby(group).transform("mean")
    shared = shared.div(shared.sum(axis=1), axis=0)
    if weighting == "group":
        w = shared
    else:
        filled = own.where(own.notna(), shared)
        w = _OWN_SHARE * filled + (1 - _OWN_SHARE) * shared.where(shared.notna(), filled)
    w = w.fillna(0.0)
    w[w.sum(axis=1) <= 0] = 1.0
    return w.div(w.sum(axis=1), axis=0)


def _stat_choice(errors: pd.DataFrame, group: pd.Series, stats: dict) -> pd.DataFrame:
    """Per product the statistical candidate of its group with the lowest error."""
    pooled = _pooled(errors)
    rows = []
    for uid, grp in group.items():
        names = stats[grp]
        best = names[0]
        if uid in pooled.index:
            scores = pooled.loc[uid].reindex(names)
            if scores.notna().any():
                best = str(scores.idxmin())  # ties: the earlier candidate
        rows.append((str(uid), grp, best))
    return pd.DataFrame(rows, columns=["unique_id", "group", "model"])


def _member_scores(errors, group, members, choice) -> pd.DataFrame:
    """``unique_id, group, metric`` and each member's inner-validation error."""
    pooled = _pooled(errors)
    out = choice[["unique_id", "group"]].copy()
    out["metric"] = np.where(out["group"].eq("intermittent"), "rmsse", "mase")
    for name in members:
        if name == "stats":
            out[name] = [pooled.at[u, m] if u in pooled.index and m in pooled.columns
                         else np.nan for u, m in zip(out["unique_id"], choice["model"],
                                                     strict=True)]  # fmt: skip
        else:
            col = pooled[name] if name in pooled.columns else pd.Series(dtype="float64")
            out[name] = col.reindex(out["unique_id"]).to_numpy()
    return out


def _pooled(errors: pd.DataFrame) -> pd.DataFrame:
    """Errors pooled over folds (point-weighted mean): products x models."""
    if errors.empty:
        return pd.DataFrame()
    data = errors.dropna(subset=["error"]).astype({"error": "float64", "n": "float64"})
    data = data.assign(wsum=data["error"] * data["n"])
    sums = data.groupby(["unique_id", "model"])[["wsum", "n"]].sum()
    return (sums["wsum"] / sums["n"]).unstack("model")


def _stop(should_stop) -> None:
    if should_stop is not None and should_stop():
        raise CancelledError()


def _report(on_progress, step: str, model: str, done: int, total: int) -> None:
    if on_progress is not None:
        on_progress({"stage": "ensemble", "step": step, "model": model,
                     "done": done, "total": total})  # fmt: skip


def _tagged(on_progress, member: str, event: dict) -> None:
    on_progress({**event, "member": member})
