"""Statistical baseline forecasters built on statsforecast, with SkuCast's estimator face.

Every baseline subclasses :class:`~core.models.base.Forecaster`: ``fit`` keeps the
history (``unique_id``, ``ds``, ``y``; feature columns are ignored) and chooses a
model per product; ``predict`` runs statsforecast (which fits at forecast time).

Models and intervals
--------------------
========================  ==========  =================================================
class                     name        statsforecast model / intervals
========================  ==========  =================================================
SeasonalNaiveForecaster   ``snaive``  ``SeasonalNaive``; native intervals
ETSForecaster             ``ets``     ``AutoETS``; native intervals
MSTLForecaster            ``mstl``    ``MSTL`` (trend by ``AutoETS``); native intervals
CrostonForecaster         ``croston`` ``CrostonClassic|SBA|Optimized``; conformal
TSBForecaster             ``tsb``     ``TSB``; conformal
ADIDAForecaster           ``adida``   ``ADIDA``; conformal
========================  ==========  =================================================

Conformal intervals (``statsforecast.utils.ConformalIntervals``) need at least
``2 * horizon + 1`` periods; a shorter product, or one whose native interval comes
out undefined, gets an *empirical band* instead: the level's central quantiles of
its last ``2 * horizon`` observed values, the same for every future period.
``interval_fallbacks_`` lists, after ``predict``, the products too short for conformal.

Short series
------------
A product too short for the configured model gets a simpler one (seasonal naive
-> naive; seasonal ETS -> non-seasonal ETS -> historical mean; MSTL -> ETS ->
mean); ``fallbacks_`` maps each such ``unique_id`` to the reason. Should a model
still fail on a series, statsforecast's own ``fallback_model`` (historical mean)
takes over silently.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast import models as sfm
from statsforecast.utils import ConformalIntervals

from core.errors import CancelledError, InputError
from core.models.base import Forecaster
from core.periods import PeriodGrid

#: Calibration windows for conformal intervals (statsforecast uses fewer when short).
CONFORMAL_WINDOWS = 3
#: Fewest observations AutoETS fits reliably (below, it raises "tiny datasets").
ETS_MIN_OBS = 8
_ALIAS = "model"
_COLUMNS = ["unique_id", "ds", "y"]


def default_season(freq: str) -> int:
    """Season length implied by a frequency alias.

    Parameters
    ----------
    freq : str
        Frequency alias, e.g. ``"D"``, ``"W-MON"`` or ``"MS"``.

    Returns
    -------
    int
        7 for daily, 52 for weekly, 12 for monthly data, 1 (no season) otherwise.
    """
    offset = pd.tseries.frequencies.to_offset(freq)
    if isinstance(offset, pd.offsets.Day) and offset.n == 1:
        return 7
    if isinstance(offset, pd.offsets.Week) and offset.n == 1:
        return 52
    if isinstance(offset, pd.offsets.MonthBegin | pd.offsets.MonthEnd) and offset.n == 1:
        return 12
    return 1


def _history(frame: pd.DataFrame, grid: PeriodGrid) -> pd.DataFrame:
    """statsforecast's long frame with integer period numbers as ``ds``."""
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing or frame.empty:
        raise InputError(
            f"A baseline needs a non-empty frame with columns unique_id, ds, y (missing: "
            f"{', '.join(missing) or 'rows'}).",
            f"基线模型需要包含 unique_id、ds、y 列的非空数据（缺少：{'、'.join(missing) or '数据行'}）。",
        )
    hist = pd.DataFrame(
        {
            "unique_id": frame["unique_id"].astype(str).to_numpy(),
            "ds": grid.periods(frame["ds"].to_numpy()),
            "y": frame["y"].to_numpy(dtype="float64"),
        }
    )
    return hist.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def _empirical_band(hist: pd.DataFrame, horizon: int, level: int) -> pd.DataFrame:
    """Per product, the central ``level`` % quantile band of its last ``2*horizon`` values."""
    recent = hist.groupby("unique_id", sort=False).tail(max(2 * horizon, 1))
    alpha = (100 - level) / 200
    grouped = recent.groupby("unique_id")["y"]
    return pd.DataFrame({"lo": grouped.quantile(alpha), "hi": grouped.quantile(1 - alpha)})


def _fill_bands(fc: pd.DataFrame, hist: pd.DataFrame, horizon: int, levels) -> pd.DataFrame:
    """Add missing interval columns, or fill undefined ones, from the empirical band."""
    for level in levels:
        lo, hi = f"lo_{level}", f"hi_{level}"
        for col in (lo, hi):
            if col not in fc.columns:
                fc[col] = np.nan
        gaps = fc[lo].isna() | fc[hi].isna()
        if gaps.any():
            band = _empirical_band(hist, horizon, level)
            ids = fc.loc[gaps, "unique_id"]
            fc.loc[gaps, lo] = band["lo"].reindex(ids).to_numpy()
            fc.loc[gaps, hi] = band["hi"].reindex(ids).to_numpy()
    return fc


class _StatsBaseline(Forecaster):
    """Shared machinery: per-product model choice, grouped statsforecast runs.

    Subclasses implement :meth:`_choose` (a model label and an optional fallback
    reason for a product of ``n`` periods) and :meth:`_build` (the statsforecast
    model for a label). ``conformal`` says the model has no native intervals.
    """

    conformal = False

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        if should_stop is not None and should_stop():
            raise CancelledError()
        self.grid_ = PeriodGrid.from_freq(freq)
        self.history_ = _history(frame, self.grid_)
        self.lengths_ = self.history_.groupby("unique_id", sort=True).size()
        choices = {int(n): self._choose(int(n)) for n in self.lengths_.unique()}
        self.plan_ = self.lengths_.map(lambda n: choices[int(n)][0])
        self.fallbacks_ = {
            uid: choices[int(n)][1] for uid, n in self.lengths_.items() if choices[int(n)][1]
        }
        if on_progress is not None:
            on_progress({"stage": "fit", "n_series": int(self.lengths_.size)})

    def _predict(self, horizon: int, levels: list[int], future) -> pd.DataFrame:
        if horizon == 0:
            cols = ["unique_id", "ds", "forecast"] + [
                f"{side}_{lv}" for lv in levels for side in ("lo", "hi")
            ]
            out = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
            return out.astype({"unique_id": str, "ds": "datetime64[ns]"})
        modes = self._interval_modes(horizon)
        self.interval_fallbacks_ = {
            uid: f"{n} periods < {2 * horizon + 1} needed for conformal intervals; "
            "empirical quantile band"
            for uid, n in self.lengths_[modes == "band"].items()
        }
        keys = pd.DataFrame({"label": self.plan_, "mode": modes})
        parts = [
            self._run_group(label, mode, uids, horizon, levels)
            for (label, mode), uids in keys.groupby(["label", "mode"]).groups.items()
        ]
        out = pd.concat(parts, ignore_index=True)
        out["ds"] = self.grid_.dates(out["ds"].to_numpy(dtype="int64"))
        return out

    def _interval_modes(self, horizon: int) -> pd.Series:
        """``native``, ``conformal`` or ``band`` (too short for conformal) per product."""
        if not self.conformal:
            return pd.Series("native", index=self.lengths_.index)
        long_enough = self.lengths_ >= 2 * horizon + 1
        return pd.Series(np.where(long_enough, "conformal", "band"), index=self.lengths_.index)

    def _run_group(self, label, mode, uids, horizon, levels) -> pd.DataFrame:
        """Forecast the products ``uids`` that share a model label and interval mode."""
        hist = self.history_[self.history_["unique_id"].isin(uids)]
        conformal = None
        if mode == "conformal":
            conformal = ConformalIntervals(h=horizon, n_windows=CONFORMAL_WINDOWS)
        sf = StatsForecast(
            models=[self._build(label, conformal)],
            freq=1,
            n_jobs=1,
            fallback_model=sfm.HistoricAverage(alias=_ALIAS),
        )
        level = list(levels) if levels and mode != "band" else None
        with warnings.catch_warnings():
            # statsforecast warns when it uses fewer conformal windows on short series
            warnings.simplefilter("ignore")
            fc = sf.forecast(h=horizon, df=hist, level=level)
        renames = {_ALIAS: "forecast"}
        for lv in levels:
            renames |= {f"{_ALIAS}-lo-{lv}": f"lo_{lv}", f"{_ALIAS}-hi-{lv}": f"hi_{lv}"}
        fc = fc.rename(columns=renames)
        return _fill_bands(fc, hist, horizon, levels)

    def _choose(self, n: int) -> tuple[str, str | None]:
        raise NotImplementedError

    def _build(self, label: str, conformal: ConformalIntervals | None):
        raise NotImplementedError

    def _season(self, given: int | None) -> int:
        return int(given) if given is not None else default_season(self.freq_)


def _ets_or_mean(n: int, why: str) -> tuple[str, str]:
    """Non-seasonal ETS when there are enough periods, else the historical mean."""
    if n >= ETS_MIN_OBS:
        return "ets", f"{why}; non-seasonal ETS"
    return "mean", f"{n} periods < {ETS_MIN_OBS} needed for ETS; historical mean"


class SeasonalNaiveForecaster(_StatsBaseline):
    """Repeat the last season; products shorter than two seasons get a naive forecast.

    Parameters
    ----------
    season_length : int, optional
        Periods per season; ``None`` takes it from the frequency (:func:`default_season`).
    """

    name = "snaive"

    def __init__(self, season_length: int | None = None) -> None:
        super().__init__(season_length=season_length)

    def _choose(self, n):
        s = self._season(self.season_length)
        if n >= 2 * s:
            return "snaive", None
        return "naive", f"{n} periods < 2 seasons of {s}; naive (last value)"

    def _build(self, label, conformal):
        if label == "snaive":
            return sfm.SeasonalNaive(self._season(self.season_length), alias=_ALIAS)
        return sfm.Naive(alias=_ALIAS)


class ETSForecaster(_StatsBaseline):
    """Automatic exponential smoothing (``AutoETS``), seasonal when two seasons are known.

    Parameters
    ----------
    season_length : int, optional
        Periods per season; ``None`` takes it from the frequency (:func:`default_season`).
    """

    name = "ets"

    def __init__(self, season_length: int | None = None) -> None:
        super().__init__(season_length=season_length)

    def _choose(self, n):
        s = self._season(self.season_length)
        if s > 1 and n >= 2 * s:
            return "ets_seasonal", None
        if s <= 1 and n >= ETS_MIN_OBS:
            return "ets", None
        return _ets_or_mean(n, f"{n} periods < 2 seasons of {s}")

    def _build(self, label, conformal):
        if label == "ets_seasonal":
            return sfm.AutoETS(season_length=self._season(self.season_length), alias=_ALIAS)
        if label == "ets":
            return sfm.AutoETS(season_length=1, alias=_ALIAS)
        return sfm.HistoricAverage(alias=_ALIAS)


class MSTLForecaster(_StatsBaseline):
    """Multiple seasonal decomposition (``MSTL``) with an ``AutoETS`` trend.

    Parameters
    ----------
    season_lengths : list of int, optional
        ``None``: from the frequency; for daily data weekly (7) plus yearly (365)
        when a product has at least two years of history, else weekly only.
        Seasons longer than half a product's history are dropped (a fallback).
    """

    name = "mstl"

    def __init__(self, season_lengths: list[int] | None = None) -> None:
        super().__init__(season_lengths=season_lengths)

    def _choose(self, n):
        if self.season_lengths is None:
            wanted = [default_season(self.freq_)]
            if wanted == [7] and n >= 2 * 365:
                wanted.append(365)
        else:
            wanted = [int(s) for s in self.season_lengths]
        kept = [s for s in wanted if s > 1 and n >= 2 * s]
        if not kept:
            return _ets_or_mean(n, f"{n} periods < 2 seasons of {min(wanted)}")
        reason = None
        if len(kept) < len(wanted):
            dropped = ", ".join(str(s) for s in wanted if s not in kept)
            reason = f"{n} periods too short for season(s) {dropped}; MSTL without them"
        return "mstl:" + ",".join(str(s) for s in kept), reason

    def _build(self, label, conformal):
        if label.startswith("mstl:"):
            seasons = [int(s) for s in label.removeprefix("mstl:").split(",")]
            return sfm.MSTL(season_length=seasons, alias=_ALIAS)
        if label == "ets":
            return sfm.AutoETS(season_length=1, alias=_ALIAS)
        return sfm.HistoricAverage(alias=_ALIAS)


_CROSTON = {"classic": sfm.CrostonClassic, "sba": sfm.CrostonSBA, "optimized": sfm.CrostonOptimized}


class CrostonForecaster(_StatsBaseline):
    """Croston's method for intermittent demand; conformal intervals.

    Parameters
    ----------
    method : {"classic", "sba", "optimized"}
        Croston's original, the Syntetos-Boylan bias-corrected, or optimized smoothing.
    """

    name = "croston"
    conformal = True

    def __init__(self, method: str = "sba") -> None:
        super().__init__(method=method)

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        if self.method not in _CROSTON:
            raise InputError(
                f"Unknown Croston method {self.method!r}; use classic, sba or optimized.",
                f"未知的 Croston 方法 {self.method!r}；可选 classic、sba 或 optimized。",
            )
        super()._fit(frame, freq, on_progress=on_progress, should_stop=should_stop)

    def _choose(self, n):
        return "croston", None

    def _build(self, label, conformal):
        return _CROSTON[self.method](alias=_ALIAS, prediction_intervals=conformal)


class TSBForecaster(_StatsBaseline):
    """Teunter-Syntetos-Babai intermittent-demand model; conformal intervals.

    Parameters
    ----------
    alpha_d : float
        Smoothing of the demand size.
    alpha_p : float
        Smoothing of the demand probability.
    """

    name = "tsb"
    conformal = True

    def __init__(self, alpha_d: float = 0.2, alpha_p: float = 0.2) -> None:
        super().__init__(alpha_d=alpha_d, alpha_p=alpha_p)

    def _choose(self, n):
        return "tsb", None

    def _build(self, label, conformal):
        return sfm.TSB(self.alpha_d, self.alpha_p, alias=_ALIAS, prediction_intervals=conformal)


class ADIDAForecaster(_StatsBaseline):
    """Aggregate-disaggregate intermittent demand approach (ADIDA); conformal intervals."""

    name = "adida"
    conformal = True

    def __init__(self) -> None:
        super().__init__()

    def _choose(self, n):
        return "adida", None

    def _build(self, label, conformal):
        return sfm.ADIDA(alias=_ALIAS, prediction_intervals=conformal)


#: Baseline classes by their short name.
BASELINES: dict[str, type[Forecaster]] = {
    cls.name: cls
    for cls in (
        SeasonalNaiveForecaster,
        ETSForecaster,
        MSTLForecaster,
        CrostonForecaster,
        TSBForecaster,
        ADIDAForecaster,
    )
}


def make_baseline(name: str, **params) -> Forecaster:
    """Create the baseline called ``name`` with the given constructor arguments.

    Parameters
    ----------
    name : str
        One of :data:`BASELINES`' keys (``snaive``, ``ets``, ``mstl``, ``croston``,
        ``tsb``, ``adida``).
    **params
        Passed to the class' constructor.

    Raises
    ------
    InputError
        For an unknown name.
    """
    if name not in BASELINES:
        names = ", ".join(BASELINES)
        raise InputError(
            f"Unknown baseline model {name!r}; choose one of {names}.",
            f"未知的基线模型 {name!r}；可选：{names}。",
        )
    return BASELINES[name](**params)
