"""Shared machinery of the statsforecast baselines (see :mod:`core.forecast.models.baselines`).

:class:`StatsBaseline` keeps the history, picks a model label per product
(subclass hook ``_choose``), trims each product to its most recent
``max_history`` periods when the subclass has that setting, and at ``predict``
runs statsforecast on groups of products that share a label and interval mode,
:data:`PREDICT_CHUNK` products at a time. Between chunks it checks the
``should_stop`` given to ``fit`` (raising :class:`~core.errors.CancelledError`)
and reports ``{"stage": "predict", "done": i, "total": n}`` to its
``on_progress``. Both callables live in private attributes that ``get_params``
does not list and pickling or copying drops; :meth:`Forecaster.watch
<core.forecast.models.base.Forecaster.watch>` sets them for one ``predict``.

A shop big enough for :class:`core.parallel.Workers` to spread (``--jobs``, ``--dask``)
is forecast on the workers instead, :data:`core.parallel.BATCH` products a batch
(:func:`forecast_products`): each worker gets the model without its history (once per
worker on Dask) and each batch the histories of its products. statsforecast fits every
series on its own, so the forecasts are those of the run in this process; progress then
counts the products of the batches that came back, and cancel acts between batches.

Products too short for conformal intervals, or whose native interval is
undefined, get the *empirical band* (:func:`fill_bands`).

Point forecasts: statsforecast's forecasts are means already, so they are the
``forecast`` column (the expected value). The ``median``: for the models whose
distribution is symmetric about that mean (seasonal naive, ETS, MSTL: normal
intervals) it is the mean itself (clipped at 0 with everything else). A model with
``count_median`` (Croston, TSB, ADIDA: intermittent demand, a few sales among many
zero days) forecasts a rate, never a day's sales: its median is 0 for a product that
sold nothing on at least half of its last ``2 * horizon`` periods (then at least half
of its days sell nothing), and the mean otherwise (:func:`count_median`).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast import models as sfm
from statsforecast.utils import ConformalIntervals

from core.errors import CancelledError, InputError
from core.forecast.models.base import Forecaster
from core.parallel import current
from core.periods import PeriodGrid, default_season

__all__ = [
    "CONFORMAL_WINDOWS",
    "ETS_MIN_OBS",
    "PREDICT_CHUNK",
    "StatsBaseline",
    "count_median",
    "fill_bands",
    "forecast_products",
    "is_daily",
]

#: Calibration windows for conformal intervals (statsforecast uses fewer when short).
CONFORMAL_WINDOWS = 3
#: Fewest observations AutoETS fits reliably (below, it raises "tiny datasets").
ETS_MIN_OBS = 8
#: Products per statsforecast call in ``predict``; cancel and progress act between calls.
PREDICT_CHUNK = 50
#: Column name statsforecast gives the forecast (renamed to ``forecast``).
ALIAS = "model"
_COLUMNS = ["unique_id", "ds", "y"]
_PRIVATE = ("_should_stop", "_on_progress")
#: What only ``predict`` in this process needs: a worker gets the model without them.
_HELD_HERE = ("history_", "lengths_", "plan_", "fallbacks_", "interval_fallbacks_")


def is_daily(freq: str) -> bool:
    """Whether ``freq`` is single days (``"D"``), where histories run to thousands of rows."""
    offset = pd.tseries.frequencies.to_offset(freq)
    return isinstance(offset, pd.offsets.Day) and offset.n == 1


def history_frame(frame: pd.DataFrame, grid: PeriodGrid) -> pd.DataFrame:
    """statsforecast's long frame with integer period numbers as ``ds``, sorted by product."""
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


def empirical_band(hist: pd.DataFrame, horizon: int, level: int) -> pd.DataFrame:
    """Per product, the central ``level`` % quantile band of its last ``2*horizon`` values."""
    recent = hist.groupby("unique_id", sort=False).tail(max(2 * horizon, 1))
    alpha = (100 - level) / 200
    grouped = recent.groupby("unique_id")["y"]
    return pd.DataFrame({"lo": grouped.quantile(alpha), "hi": grouped.quantile(1 - alpha)})


def fill_bands(fc: pd.DataFrame, hist: pd.DataFrame, horizon: int, levels) -> pd.DataFrame:
    """Add missing interval columns, or fill undefined ones, from the empirical band."""
    for level in levels:
        lo, hi = f"lo_{level}", f"hi_{level}"
        for col in (lo, hi):
            if col not in fc.columns:
                fc[col] = np.nan
        gaps = fc[lo].isna() | fc[hi].isna()
        if gaps.any():
            band = empirical_band(hist, horizon, level)
            ids = fc.loc[gaps, "unique_id"]
            fc.loc[gaps, lo] = band["lo"].reindex(ids).to_numpy()
            fc.loc[gaps, hi] = band["hi"].reindex(ids).to_numpy()
    return fc


def count_median(fc: pd.DataFrame, hist: pd.DataFrame, horizon: int) -> np.ndarray:
    """The median of a rate forecast ``fc`` of intermittent demand: 0 for products whose
    last ``2 * horizon`` periods of ``hist`` are at least half zeros, else the rate."""
    recent = hist.groupby("unique_id", sort=False).tail(max(2 * horizon, 1))
    zeros = recent["y"].le(0).groupby(recent["unique_id"]).mean()
    mostly_zero = fc["unique_id"].map(zeros).fillna(0.0).to_numpy() >= 0.5
    return np.where(mostly_zero, 0.0, fc["forecast"].to_numpy(dtype="float64"))


def check_max_history(value) -> int | None:
    """``None`` (all history) or a whole number of periods >= 1; else :class:`InputError`."""
    ok = value is None or (
        isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1
    )
    if not ok:
        raise InputError(
            f"max_history must be 'auto', None (all history) or a whole number >= 1, "
            f"not {value!r}.",
            f"max_history 必须是 'auto'、None（全部历史）或不小于 1 的整数，而不是 {value!r}。",
        )
    return None if value is None else int(value)


def _empty_forecast(levels: list[int]) -> pd.DataFrame:
    cols = ["unique_id", "ds", "forecast", "median"] + [
        f"{side}_{lv}" for lv in levels for side in ("lo", "hi")
    ]
    out = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    return out.astype({"unique_id": str, "ds": "datetime64[ns]"})


class StatsBaseline(Forecaster):
    """Per-product model choice and chunked, cancellable statsforecast runs.

    Subclasses implement :meth:`_choose` (a model label and an optional fallback
    reason for a product of ``n`` periods) and :meth:`_build` (the statsforecast
    model for a label). ``conformal`` says the model has no native intervals. A
    subclass with a ``max_history`` setting implements :meth:`_default_history`
    for its ``"auto"`` value.
    """

    conformal = False
    #: Whether the median is read as that of intermittent counts (see module doc).
    count_median = False
    #: Products per statsforecast call (an instance may override it, e.g. in tests).
    chunk_size = PREDICT_CHUNK

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None) -> None:
        self._on_progress, self._should_stop = on_progress, should_stop
        self._check_stop()
        self.grid_ = PeriodGrid.from_freq(freq)
        self.history_limit_ = self._history_limit()
        hist = history_frame(frame, self.grid_)
        if self.history_limit_ is not None:
            hist = hist.groupby("unique_id", sort=False).tail(self.history_limit_)
            hist = hist.reset_index(drop=True)
        self.history_ = hist
        self.lengths_ = self.history_.groupby("unique_id", sort=True).size()
        choices = {int(n): self._choose(int(n)) for n in self.lengths_.unique()}
        self.plan_ = self.lengths_.map(lambda n: choices[int(n)][0])
        self.fallbacks_ = {
            uid: choices[int(n)][1] for uid, n in self.lengths_.items() if choices[int(n)][1]
        }
        self._report({"stage": "fit", "n_series": int(self.lengths_.size)})

    def _predict(self, horizon: int, levels: list[int], future) -> pd.DataFrame:
        if horizon == 0:
            return _empty_forecast(levels)
        modes = self._interval_modes(horizon)
        self.interval_fallbacks_ = {
            uid: f"{n} periods < {2 * horizon + 1} needed for conformal intervals; "
            "empirical quantile band"
            for uid, n in self.lengths_[modes == "band"].items()
        }
        chunks, total = self._chunks(modes), int(self.lengths_.size)
        workers = current()
        if workers.spreads(total):
            parts = workers.map(forecast_products, self._work_items(chunks), self._bare(),
                                horizon, levels, on_progress=self._report,
                                should_stop=getattr(self, "_should_stop", None),
                                step="predict")  # fmt: skip
        else:
            parts, done = [], 0
            for label, mode, uids in chunks:
                self._check_stop()
                hist = self.history_[self.history_["unique_id"].isin(uids)]
                parts.append(self._run_group(label, mode, hist, horizon, levels))
                done += len(uids)
                self._report({"stage": "predict", "done": done, "total": total})
        out = pd.concat(parts, ignore_index=True)
        out["ds"] = self.grid_.dates(out["ds"].to_numpy(dtype="int64"))
        return out

    def _chunks(self, modes: pd.Series) -> list[tuple[str, str, pd.Index]]:
        """``(label, mode, uids)`` work items of at most :attr:`chunk_size` products."""
        keys = pd.DataFrame({"label": self.plan_, "mode": modes})
        size = max(int(self.chunk_size), 1)
        return [
            (label, mode, uids[start : start + size])
            for (label, mode), uids in keys.groupby(["label", "mode"]).groups.items()
            for start in range(0, len(uids), size)
        ]

    def _interval_modes(self, horizon: int) -> pd.Series:
        """``native``, ``conformal`` or ``band`` (too short for conformal) per product."""
        if not self.conformal:
            return pd.Series("native", index=self.lengths_.index)
        long_enough = self.lengths_ >= 2 * horizon + 1
        return pd.Series(np.where(long_enough, "conformal", "band"), index=self.lengths_.index)

    def _work_items(self, chunks) -> list[tuple]:
        """``(uid, label, mode, ds, y)`` per product, in the order of ``chunks`` (so a
        batch holds few groups), for :func:`forecast_products`."""
        ends = self.lengths_.cumsum().to_numpy()
        where = dict(zip(self.lengths_.index, zip(ends - self.lengths_.to_numpy(), ends,
                                                  strict=True), strict=True))  # fmt: skip
        ds = self.history_["ds"].to_numpy()
        y = self.history_["y"].to_numpy()
        items = []
        for label, mode, uids in chunks:
            for uid in uids:
                a, b = where[uid]
                items.append((uid, label, mode, ds[a:b], y[a:b]))
        return items

    def _bare(self) -> StatsBaseline:
        """A copy without the shop's history: what a worker needs to forecast a batch."""
        bare = type(self).__new__(type(self))
        bare.__dict__.update({k: v for k, v in self.__getstate__().items()
                              if k not in _HELD_HERE})  # fmt: skip
        return bare

    def _run_group(self, label, mode, hist, horizon, levels) -> pd.DataFrame:
        """Forecast the products of ``hist`` that share a model label and interval mode."""
        conformal = None
        if mode == "conformal":
            conformal = ConformalIntervals(h=horizon, n_windows=CONFORMAL_WINDOWS)
        # n_jobs=1: a process pool per chunk measured no faster on 2 cores, and forking
        # from the GUI's worker thread (or spawning in a frozen app) is not safe.
        sf = StatsForecast(
            models=[self._build(label, conformal)],
            freq=1,
            n_jobs=1,
            fallback_model=sfm.HistoricAverage(alias=ALIAS),
        )
        level = list(levels) if levels and mode != "band" else None
        with warnings.catch_warnings():
            # statsforecast warns when it uses fewer conformal windows on short series
            warnings.simplefilter("ignore")
            fc = sf.forecast(h=horizon, df=hist, level=level)
        renames = {ALIAS: "forecast"}
        for lv in levels:
            renames |= {f"{ALIAS}-lo-{lv}": f"lo_{lv}", f"{ALIAS}-hi-{lv}": f"hi_{lv}"}
        fc = fc.rename(columns=renames)
        fc["median"] = count_median(fc, hist, horizon) if self.count_median else fc["forecast"]
        return fill_bands(fc, hist, horizon, levels)

    def _history_limit(self) -> int | None:
        """Most recent periods per product to keep, from ``max_history`` if the model has it."""
        value = getattr(self, "max_history", None)
        if isinstance(value, str) and value == "auto":
            return self._default_history()
        return check_max_history(value)

    def _default_history(self) -> int | None:
        return None

    def _check_stop(self) -> None:
        stop = getattr(self, "_should_stop", None)
        if stop is not None and stop():
            raise CancelledError()

    def _report(self, info: dict) -> None:
        report = getattr(self, "_on_progress", None)
        if report is not None:
            report(info)

    def __getstate__(self) -> dict:
        # The callables may belong to a GUI worker or be lambdas; never pickle or copy them.
        return {k: v for k, v in self.__dict__.items() if k not in _PRIVATE}

    def _choose(self, n: int) -> tuple[str, str | None]:
        raise NotImplementedError

    def _build(self, label: str, conformal: ConformalIntervals | None):
        raise NotImplementedError

    def _season(self, given: int | None) -> int:
        return int(given) if given is not None else default_season(self.freq_)


def forecast_products(items: list, model: StatsBaseline, horizon: int,
                      levels: list[int]) -> list[pd.DataFrame]:  # fmt: skip
    """One batch of :meth:`StatsBaseline._predict` on a worker: per item ``(uid, label,
    mode, ds, y)`` (its periods and sales), that product's forecast rows, in order.

    Products that share a label and interval mode go to statsforecast together, at most
    ``model.chunk_size`` at a time, as in this process.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for k, (_, label, mode, _, _) in enumerate(items):
        groups.setdefault((label, mode), []).append(k)
    size = max(int(model.chunk_size), 1)
    rows: dict[str, pd.DataFrame] = {}
    for (label, mode), ks in groups.items():
        for start in range(0, len(ks), size):
            part = [items[k] for k in ks[start : start + size]]
            hist = pd.DataFrame({
                "unique_id": np.repeat([p[0] for p in part], [len(p[3]) for p in part]),
                "ds": np.concatenate([p[3] for p in part]),
                "y": np.concatenate([p[4] for p in part]),
            })  # fmt: skip
            fc = model._run_group(label, mode, hist, horizon, levels)
            rows.update(dict(list(fc.groupby("unique_id", sort=False))))
    return [rows[item[0]].reset_index(drop=True) for item in items]
