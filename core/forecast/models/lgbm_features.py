"""The inputs of the global gradient-boosting model (:mod:`core.forecast.models.lgbm`).

Plain numpy and pandas, no LightGBM here. The sales of all products sit in one
:class:`SalesPanel`: one row per product (sorted by ID), one column per period,
right-aligned so that every product's last observed period is the last column (a product
that started later or has a gap has ``NaN`` there). Every product is divided by its own
*scale* (its mean sales over the last year of history) so that a product selling 2 a day
and one selling 2,000 look alike to the one model, and so do their lags.

:func:`lag_features` computes, for every column, the past-sales features from the
columns strictly before it: the lags, rolling means, the mean of the same season day over
the last four seasons and, with a yearly lag, the mean of the week around a year ago.
Training calls it once on the whole panel; the recursive forecast calls it on the panel's
tail after writing each forecast period into it, so the two can never disagree.

The known-in-advance features (calendar, holidays and festivals, promotion and price,
category and brand, product age) come from :mod:`core.forecast.features`; the cyclic
``_sin``/``_cos`` copies are left out (a tree splits the plain number as well) and daily
data gets the day of the year.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.periods import PeriodGrid, default_season

__all__ = [
    "LagSpec",
    "SalesPanel",
    "default_spec",
    "dispersion",
    "known_columns",
    "lag_features",
    "product_scale",
    "row_level",
    "with_day_of_year",
]

#: Periods of history a product's scale and dispersion are measured on, by season length.
_YEAR = {7: 364, 52: 52, 12: 12}
#: Smallest dispersion (scaled units), so that a flat product still gets a band.
MIN_SPREAD = 0.02
#: Lowest level (scaled units) a relative row is read against: a product back from weeks
#: without a sale is not read as a hundredfold rise.
ROW_FLOOR = 0.1


@dataclass(frozen=True)
class LagSpec:
    """Which past-sales features to build (periods of the data's frequency).

    Attributes
    ----------
    lags : tuple of int
        Sales ``k`` periods before (``lag_<k>``).
    windows : tuple of int
        Rolling means of the ``w`` periods before (``roll_mean_<w>``).
    season : int
        With ``season > 1``: the mean of the same period of the last four seasons
        (``season_mean_4``, daily data: the same weekday of the last four weeks).
    year : int
        With ``year > 0`` (a yearly lag is kept): the mean of the week around a year
        ago (``year_mean_7``, daily data only).
    level : int
        With ``level > 0``: every feature of a row is read *relative to the product's
        level then*, the mean of the ``level`` periods before it (at least
        :data:`ROW_FLOOR`), which is also a feature (``level``, in units of the
        product's scale); the model's target is the sale over that level. 0: the
        features in units of the product's scale (models saved before this option).
    """

    lags: tuple[int, ...]
    windows: tuple[int, ...]
    season: int = 1
    year: int = 0
    level: int = 0

    @property
    def span(self) -> int:
        """Periods of the past any feature reads."""
        seasonal = 4 * self.season if self.season > 1 else 0
        yearly = self.year + 4 if self.year else 0
        return max(*self.lags, *self.windows, seasonal, yearly, self.level, 1)

    def names(self) -> list[str]:
        """The feature names, in the order of :func:`lag_features`' last axis."""
        out = [f"lag_{k}" for k in self.lags] + [f"roll_mean_{w}" for w in self.windows]
        out += ["season_mean_4"] if self.season > 1 else []
        out += ["year_mean_7"] if self.year else []
        return out + (["level"] if self.level else [])

    def to_dict(self) -> dict:
        return {"lags": list(self.lags), "windows": list(self.windows), "season": self.season,
                "year": self.year, "level": self.level}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> LagSpec:
        return cls(tuple(int(k) for k in data["lags"]), tuple(int(w) for w in data["windows"]),
                   int(data["season"]), int(data["year"]), int(data.get("level", 0)))  # fmt: skip


def _default_lags(freq: str) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    grid = PeriodGrid.from_freq(freq)
    season = default_season(freq)
    if grid.kind != "step":
        return (1, 2, 3, 6, 12), (3, 6, 12), season
    if grid.step >= pd.Timedelta(days=7).value:
        return (1, 2, 3, 4, 8, 13, 26, 52), (4, 13, 26), season
    return (1, 2, 3, 7, 14, 21, 28, 364), (7, 28, 91), season


def default_spec(freq: str, longest: int, lags=None, windows=None, relative=False) -> LagSpec:
    """The :class:`LagSpec` for a frequency and the longest product's periods.

    Defaults: daily lags 1, 2, 3, 7, 14, 21, 28 and 364 (a year of weeks, so the weekday
    matches), rolling means over 7, 28 and 91 days; weekly lags 1, 2, 3, 4, 8, 13, 26
    and 52, means over 4, 13 and 26 weeks; monthly lags 1, 2, 3, 6 and 12, means over 3,
    6 and 12 months. A lag is kept only when the longest product has at least 1.5 times
    as many periods (a third of its rows then have it), a window only when it has as many.
    ``relative``: rows read relative to the level of the longest window kept (see
    :class:`LagSpec`).
    """
    base_lags, base_windows, season = _default_lags(freq)
    lags = tuple(sorted({int(k) for k in (lags or base_lags) if 1 <= int(k) <= longest / 1.5}))
    windows = tuple(sorted({int(w) for w in (windows or base_windows) if 2 <= int(w) <= longest}))
    lags = lags or (1,)
    daily = season == 7
    year = 364 if daily and 364 in lags else 0
    seasonal = season if daily and longest >= 4 * season else 1
    level = max(windows) if relative and windows else 0
    return LagSpec(lags, windows, seasonal, year, level)


@dataclass
class SalesPanel:
    """Sales of every product, right-aligned on its last period (see module doc).

    Attributes
    ----------
    ids : numpy.ndarray
        Product IDs (text, sorted).
    values : numpy.ndarray
        ``(n_products, n_columns)`` sales, ``NaN`` where a product has no row.
    rows, cols : numpy.ndarray
        For each row of the history frame (sorted by ID and date), its panel cell.
    """

    ids: np.ndarray
    values: np.ndarray
    rows: np.ndarray
    cols: np.ndarray

    @classmethod
    def from_history(cls, history: pd.DataFrame, freq: str) -> SalesPanel:
        """The panel of a history frame sorted by ``unique_id`` and ``ds`` (IDs as text)."""
        codes, ids = pd.factorize(history["unique_id"], sort=True)
        periods = PeriodGrid.from_freq(freq).periods(history["ds"].to_numpy())
        n = len(ids)
        first = np.full(n, np.iinfo(np.int64).max)
        last = np.full(n, np.iinfo(np.int64).min)
        np.minimum.at(first, codes, periods)
        np.maximum.at(last, codes, periods)
        width = int((last - first).max()) + 1 if n else 0
        cols = (width - 1 - (last[codes] - periods)).astype(np.int64)
        values = np.full((n, width), np.nan)
        values[codes, cols] = history["y"].to_numpy(dtype="float64")
        return cls(np.asarray(ids, dtype=object), values, codes.astype(np.int64), cols)

    def lengths(self) -> np.ndarray:
        """Periods from each product's first to its last row."""
        seen = np.isfinite(self.values)
        first = np.where(seen.any(axis=1), seen.argmax(axis=1), self.values.shape[1])
        return self.values.shape[1] - first


def product_scale(values: np.ndarray, season: int) -> np.ndarray:
    """Each product's mean sales over its last year (:data:`_YEAR` periods) of history;
    1 for a product that never sold (its forecasts are then in plain units)."""
    recent = values[:, -_YEAR.get(season, 52) :]
    with _quiet():
        mean = np.nanmean(recent, axis=1)
    return np.where(np.isfinite(mean) & (mean > 0), mean, 1.0)


def dispersion(scaled: np.ndarray, season: int) -> np.ndarray:
    """Each product's noise in scaled units: the mean absolute change from one period to
    the next over its last year, at least :data:`MIN_SPREAD`.

    The conformal intervals divide every backtest error by it, so that the pooled
    errors of quiet and of jumpy products become comparable.
    """
    recent = scaled[:, -_YEAR.get(season, 52) - 1 :]
    with _quiet():
        spread = np.nanmean(np.abs(np.diff(recent, axis=1)), axis=1)
    return np.maximum(np.nan_to_num(spread, nan=MIN_SPREAD), MIN_SPREAD)


@contextmanager
def _quiet():
    """``np.nanmean`` of an all-``NaN`` row warns; here that row simply has no value."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _shift(values: np.ndarray, k: int) -> np.ndarray:
    out = np.full_like(values, np.nan)
    if k < values.shape[1]:
        out[:, k:] = values[:, : values.shape[1] - k]
    return out


def _window_mean(sums: np.ndarray, counts: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Mean of the known values ``start..stop-1`` periods before each column (NaN: none)."""
    width = sums.shape[1] - 1
    t = np.arange(width)
    hi = np.clip(t - start + 1, 0, width)
    lo = np.clip(t - stop + 1, 0, width)
    total, n = sums[:, hi] - sums[:, lo], counts[:, hi] - counts[:, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def lag_features(values: np.ndarray, spec: LagSpec) -> np.ndarray:
    """Past-sales features ``(n_products, n_columns, len(spec.names()))`` (float32).

    The features of column ``t`` read only columns before ``t``; ``NaN`` where that
    past is unknown. With ``spec.level`` they are divided by the level of each column
    (:func:`row_level`), which is the last feature.
    """
    known = np.isfinite(values)
    zero = np.zeros((values.shape[0], 1))
    sums = np.concatenate([zero, np.cumsum(np.where(known, values, 0.0), axis=1)], axis=1)
    counts = np.concatenate([zero, np.cumsum(known, axis=1)], axis=1)
    out = [_shift(values, k) for k in spec.lags]
    out += [_window_mean(sums, counts, 1, w + 1) for w in spec.windows]
    if spec.season > 1:
        stack = np.stack([_shift(values, spec.season * j) for j in range(1, 5)])
        with _quiet():
            out.append(np.nanmean(stack, axis=0))
    if spec.year:
        out.append(_window_mean(sums, counts, spec.year - 3, spec.year + 4))
    if spec.level:
        level = _floored(_window_mean(sums, counts, 1, spec.level + 1))
        out = [feature / level for feature in out] + [level]
    return np.stack(out, axis=-1).astype(np.float32)


def _floored(level: np.ndarray) -> np.ndarray:
    """The level a relative row is read against: 1 (the product's scale) where no past is
    known, at least :data:`ROW_FLOOR`."""
    return np.where(np.isfinite(level), np.maximum(level, ROW_FLOOR), 1.0)


def row_level(features: np.ndarray, spec: LagSpec) -> np.ndarray:
    """What each row of :func:`lag_features` is relative to: its ``level`` feature, or 1
    for a spec without one (rows in units of the product's scale)."""
    if not spec.level:
        return np.ones(features.shape[:-1])
    return features[..., -1].astype(np.float64)


def known_columns(columns: list[str]) -> list[str]:
    """The known-in-advance feature columns the trees use (no cyclic copies)."""
    return [c for c in columns if not c.endswith(("_sin", "_cos"))]


def with_day_of_year(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """``frame`` plus ``cal_doy`` (day of the year) for daily data."""
    if default_season(freq) == 7:
        frame = frame.assign(cal_doy=pd.DatetimeIndex(frame["ds"]).dayofyear.astype(float))
    return frame
