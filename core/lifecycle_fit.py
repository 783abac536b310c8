"""Per-product sales rates and the fitted life curve behind :mod:`core.lifecycle`.

Two steps, both on plain numpy arrays:

1. :func:`period_rates` turns one product's rows into mean daily sales per period.
   Daily data is summed into Monday weeks first: a week holds every weekday once, so
   the weekly pattern cancels and Poisson noise shrinks. Days missing from the export
   count as 0 sales (exports leave quiet days out); days with ``stock <= 0`` and no
   sale are left out, since demand there was not observed (stock-out).
2. :func:`fit_life_curve` fits, by robust non-linear least squares on log rates,

   ``log rate(t) = log L + log c(t) + A cos(wt) + B sin(wt) + beta * promo(t)``

   where ``c`` is the Bass adoption rate relative to its peak, ``sech²(a (t - t_peak) / 2)``,
   with a plateau of free length at the peak and a separate (usually slower) rate ``a2``
   on the falling side; ``A, B`` form a yearly cycle (only with about a year of
   history, ridge-penalised) and ``beta`` the uplift of promotion days. The soft-L1
   loss keeps single festival or promotion weeks (Double 11) from bending the curve.
   The lifecycle stage is read off ``c`` alone, i.e. de-seasonalised and promotion-free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from core.periods import PeriodGrid

__all__ = [
    "LifeFit",
    "PeriodRates",
    "fit_life_curve",
    "period_rates",
    "pool_sparse",
    "working_grid",
]

_DAY = pd.Timedelta(days=1).value
_YEAR = 365.25
# Ridge weight on the yearly cycle: strong for short histories, mild after ~2 years.
_SEASON_RIDGE = 2.0
# Weak prior against a peak far beyond the data (per month): a young, still rising
# product's curvature says little about when it will peak.
_PEAK_PRIOR = 0.5


@dataclass
class PeriodRates:
    """One product's history on the working grid.

    Attributes
    ----------
    start : numpy.ndarray
        ``datetime64[ns]`` start of each period.
    t : numpy.ndarray
        Mid-point of each period in days since the epoch.
    rate : numpy.ndarray
        Mean sales per observed day (NaN where no day was observed).
    days : numpy.ndarray
        Number of observed (in-stock) days in each period.
    units : numpy.ndarray
        Units sold in each period (on observed days).
    promo : numpy.ndarray
        Share of observed days under promotion (0 without a ``promo`` column).
    """

    start: np.ndarray
    t: np.ndarray
    rate: np.ndarray
    days: np.ndarray
    units: np.ndarray
    promo: np.ndarray


def working_grid(freq: str, end: pd.Timestamp) -> tuple[PeriodGrid, bool]:
    """The grid the curve is fitted on, and whether daily rows are pooled into weeks.

    Daily rows are pooled into 7-day weeks that end on ``end``, so the latest week is
    always complete (a 2-day last week would read as a sudden drop).
    """
    grid = PeriodGrid.from_freq(freq)
    if grid.kind == "step" and grid.step <= _DAY:
        origin = (end.normalize() + pd.Timedelta(days=1)).value % (7 * _DAY)
        return PeriodGrid("step", int(origin), 7 * _DAY), True
    return grid, False


def _daily_rows(rows: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Every day from the first row to ``end``: missing days as 0 sales."""
    days = pd.date_range(rows["ds"].min().normalize(), end.normalize(), freq="D")
    daily = rows.groupby(rows["ds"].dt.normalize()).agg(
        y=("y", lambda s: s.sum(min_count=1)),
        stock=("stock", "min") if "stock" in rows else ("y", "size"),
        promo=("promo", "max") if "promo" in rows else ("y", "size"),
    )
    daily = daily.reindex(days)
    if "stock" not in rows:
        daily["stock"] = np.nan
    if "promo" not in rows:
        daily["promo"] = 0.0
    missing = ~days.isin(rows["ds"].dt.normalize())
    daily.loc[missing, "y"] = 0.0
    return daily.rename_axis("ds").reset_index()


def _native_rows(rows: pd.DataFrame, grid: PeriodGrid, end: pd.Timestamp) -> pd.DataFrame:
    """Every period from the first row to ``end``: periods missing from the export as 0."""
    first, last = grid.periods([rows["ds"].min().to_datetime64(), end.to_datetime64()])
    full = pd.DatetimeIndex(grid.dates(np.arange(first, last + 1)))
    rows = rows.assign(ds=grid.dates(grid.periods(rows["ds"].to_numpy())))
    present = full.isin(rows["ds"])
    rows = rows.groupby("ds").first().reindex(full)
    rows.loc[~present, "y"] = 0.0
    return rows.rename_axis("ds").reset_index()


def period_rates(rows: pd.DataFrame, freq: str, end: pd.Timestamp) -> PeriodRates:
    """Mean daily sales per working period of one product, up to ``end``.

    Parameters
    ----------
    rows : pandas.DataFrame
        One product's rows: ``ds``, ``y`` and optional ``stock`` and ``promo``.
    freq : str
        Frequency alias of the rows.
    end : pandas.Timestamp
        Last date of the shop (periods after the product's last row hold 0 sales).

    Returns
    -------
    PeriodRates
    """
    grid, pooled = working_grid(freq, end)
    if pooled:
        rows = _daily_rows(rows, end)
        length = np.ones(len(rows))
    else:
        rows = _native_rows(rows, grid, end)
        nxt = grid.dates(grid.periods(rows["ds"].to_numpy()) + 1)
        length = (nxt - rows["ds"].to_numpy()) / np.timedelta64(1, "D")
    y = rows["y"].to_numpy(dtype=float)
    stock = rows["stock"].to_numpy(dtype=float) if "stock" in rows else np.full(len(y), np.nan)
    promo = rows["promo"].fillna(0).to_numpy(dtype=float) if "promo" in rows else np.zeros(len(y))
    seen = np.isfinite(y) & ~((stock <= 0) & (np.nan_to_num(y) <= 0))
    period = grid.periods(rows["ds"].to_numpy())
    codes, inverse = np.unique(period, return_inverse=True)
    days = np.bincount(inverse, weights=np.where(seen, length, 0.0))
    units = np.bincount(inverse, weights=np.where(seen, y, 0.0))
    promo_days = np.bincount(inverse, weights=np.where(seen, length * (promo > 0), 0.0))
    start = grid.dates(codes)
    nxt = grid.dates(codes + 1)
    mid = (start.view(np.int64) + nxt.view(np.int64)) / 2 / _DAY
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(days > 0, units / days, np.nan)
        share = np.where(days > 0, promo_days / days, 0.0)
    return PeriodRates(start, mid, rate, days, units, share)


@dataclass
class LifeFit:
    """A fitted life curve (see module docstring); times are days since the epoch.

    Attributes
    ----------
    level : float
        Peak sales per day ``L`` (de-seasonalised, without promotion).
    t_peak, plateau : float
        Day of the peak and length of the plateau after it (days).
    a_up, a_down : float
        Bass rate ``p + q`` before the peak and after the plateau (per day).
    season : tuple of float
        ``(A, B)`` of the yearly cycle.
    promo : float
        Log uplift of a period fully under promotion.
    scale : float
        Robust spread of the log residuals.
    t_first, t_last : float
        First and last fitted period mid-points.
    """

    level: float
    t_peak: float
    plateau: float
    a_up: float
    a_down: float
    season: tuple
    promo: float
    scale: float
    t_first: float
    t_last: float

    def share(self, t) -> np.ndarray:
        """Life curve ``c(t)`` relative to its peak (1 on the plateau)."""
        return np.exp(_log_curve(np.asarray(t, dtype=float), self._core()))

    def rising(self, t) -> np.ndarray:
        """Whether each ``t`` lies before the peak."""
        return np.asarray(t, dtype=float) < self.t_peak

    def seasonal(self, t) -> np.ndarray:
        """Multiplicative yearly factor at ``t``."""
        w = 2 * np.pi * np.asarray(t, dtype=float) / _YEAR
        return np.exp(self.season[0] * np.cos(w) + self.season[1] * np.sin(w))

    @property
    def plateau_end(self) -> float:
        """Day the decline starts."""
        return self.t_peak + self.plateau

    def _core(self) -> np.ndarray:
        ratio = np.log(self.a_down / self.a_up)
        return np.array([self.t_peak, np.log(self.a_up), self.plateau, ratio])


def _log_cosh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2 * ax)) - np.log(2.0)


def _log_curve(t: np.ndarray, core: np.ndarray) -> np.ndarray:
    """``log c(t)`` for ``core = (t_peak, log a_up, plateau, log(a_down / a_up))``."""
    t_peak, log_up, plateau, log_ratio = core
    up = -2 * _log_cosh(np.exp(log_up) * (t - t_peak) / 2)
    down = -2 * _log_cosh(np.exp(log_up + log_ratio) * (t - t_peak - plateau) / 2)
    return np.where(t < t_peak, up, np.where(t <= t_peak + plateau, 0.0, down))


def _model(theta, t, promo, seasonal):
    """Log rate predicted by ``theta`` (see :func:`_unpack`)."""
    log_level, core, a, b, beta = _unpack(theta)
    w = 2 * np.pi * t / _YEAR
    cycle = a * np.cos(w) + b * np.sin(w) if seasonal else 0.0
    return log_level + _log_curve(t, core) + cycle + beta * promo


def _unpack(theta):
    return theta[0], theta[1:5], theta[5], theta[6], theta[7]


def _jacobian(theta, t, promo, seasonal):
    """Derivatives of :func:`_model` with respect to ``theta`` (one row per ``t``)."""
    _, (t_peak, log_up, plateau, log_ratio), _, _, _ = _unpack(theta)
    a_up, a_down = np.exp(log_up), np.exp(log_up + log_ratio)
    x_up = a_up * (t - t_peak) / 2
    x_down = a_down * (t - t_peak - plateau) / 2
    up, down = t < t_peak, t > t_peak + plateau
    jac = np.zeros((len(t), 8))
    jac[:, 0] = 1.0
    tanh_up, tanh_down = np.tanh(x_up), np.tanh(x_down)
    jac[:, 1] = np.where(up, a_up * tanh_up, np.where(down, a_down * tanh_down, 0.0))
    jac[:, 2] = np.where(up, -2 * tanh_up * x_up, np.where(down, -2 * tanh_down * x_down, 0.0))
    jac[:, 3] = np.where(down, a_down * tanh_down, 0.0)
    jac[:, 4] = np.where(down, -2 * tanh_down * x_down, 0.0)
    if seasonal:
        w = 2 * np.pi * t / _YEAR
        jac[:, 5], jac[:, 6] = np.cos(w), np.sin(w)
    jac[:, 7] = promo
    return jac


def _starts(t, z, span):
    """Starting points: peak at the smoothed maximum, still rising, long since past."""
    smooth = pd.Series(z).rolling(5, center=True, min_periods=1).median().to_numpy()
    top = int(np.argmax(smooth))
    level = smooth[top]
    a0 = np.log(60) / max(60.0, span / 2)
    starts = []
    for t_peak, plateau in (
        (t[top], 0.0),
        (t[top] - span / 4, span / 3),
        (t[-1] + 30.0, 0.0),
        (t[0] - 60.0, 0.0),
    ):
        starts.append([level, t_peak, np.log(a0), plateau, np.log(0.5), 0, 0, 0.3])
    return starts


def _bounds(t, span):
    # Products fade no faster than they rose: a_down <= a_up (ratio <= 1).
    lo = [-20, t[0] - 3 * _YEAR, np.log(2e-3), 0.0, np.log(0.05), -2, -2, -1]
    # A peak far beyond a short history is not identified: keep it within reach.
    hi = [20, t[-1] + max(2 * span, 90.0), np.log(0.25), 3 * _YEAR + span, 0.0, 2, 2, 3]
    return np.array(lo, float), np.array(hi, float)


def pool_sparse(rates: PeriodRates, min_units: float = 8.0, max_block: int = 8) -> PeriodRates:
    """Pool consecutive periods of a slow mover so that a block sells ``min_units``.

    Blocks are counted back from the latest period, which stays the end of a block.
    Log rates of 0-2 units a period are mostly Poisson noise; pooled ones are not.
    """
    ok = rates.days > 0
    per = rates.units[ok].mean() if ok.any() else 0.0
    k = int(min(max_block, np.ceil(min_units / max(per, 1e-9))))
    if k <= 1:
        return rates
    back = (len(rates.t) - 1 - np.arange(len(rates.t))) // k
    block = back.max() - back
    n = block.max() + 1

    def total(x):
        return np.bincount(block, weights=x, minlength=n)

    days, units = total(rates.days), total(rates.units)
    t = total(rates.t * np.maximum(rates.days, 1e-9)) / total(np.maximum(rates.days, 1e-9))
    first = np.searchsorted(block, np.arange(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(days > 0, units / days, np.nan)
        promo = np.where(days > 0, total(rates.promo * rates.days) / days, 0.0)
    return PeriodRates(rates.start[first], t, rate, days, units, promo)


def fit_life_curve(rates: PeriodRates, f_scale: float = 0.25) -> LifeFit | None:
    """Fit the life curve to one product's period rates.

    Parameters
    ----------
    rates : PeriodRates
        From :func:`period_rates`.
    f_scale : float
        Soft-L1 scale in log units: residuals beyond it count less than quadratically.

    Returns
    -------
    LifeFit or None
        None with fewer than 4 observed periods.
    """
    rates = pool_sparse(rates)
    ok = rates.days > 0
    if ok.sum() < 4:
        return None
    t, days, units, promo = rates.t[ok], rates.days[ok], rates.units[ok], rates.promo[ok]
    offset = 0.5 / days  # half a unit per period keeps quiet periods finite in logs
    z = np.log(units / days + offset)
    weight = 1.0 / np.sqrt(1.0 / (units + 1.0) + 0.02)
    span = float(t[-1] - t[0]) + 7.0
    seasonal = span >= 300
    ridge = _SEASON_RIDGE * np.sqrt(len(t)) * _YEAR / span

    def residuals(theta):
        fitted = np.log(np.exp(_model(theta, t, promo, seasonal)) + offset)
        pen = ridge * np.array(theta[5:7]) if seasonal else np.zeros(2)
        beyond = _PEAK_PRIOR * max(theta[1] - t[-1], 0.0) / 30.0
        return np.concatenate([weight * (fitted - z), pen, [beyond]])

    def jacobian(theta):
        level = np.exp(_model(theta, t, promo, seasonal))
        inner = (weight * level / (level + offset))[:, None]
        pen = np.zeros((3, 8))
        if seasonal:
            pen[0, 5] = pen[1, 6] = ridge
        pen[2, 1] = _PEAK_PRIOR / 30.0 if theta[1] > t[-1] else 0.0
        return np.vstack([inner * _jacobian(theta, t, promo, seasonal), pen])

    lo, hi = _bounds(t, span)
    best = None
    for x0 in _starts(t, z, span):
        x0 = np.clip(x0, lo + 1e-9, hi - 1e-9)
        sol = least_squares(
            residuals, x0, jac=jacobian, bounds=(lo, hi), loss="soft_l1", f_scale=f_scale,
            xtol=1e-6, ftol=1e-6, max_nfev=300,
        )  # fmt: skip
        if best is None or sol.cost < best.cost:
            best = sol
    return _as_fit(best.x, residuals(best.x)[: len(t)] / weight, t, seasonal)


def _as_fit(theta, resid, t, seasonal) -> LifeFit:
    log_level, (t_peak, log_up, plateau, log_down), a, b, beta = _unpack(theta)
    scale = float(1.4826 * np.median(np.abs(resid - np.median(resid))))
    return LifeFit(
        level=float(np.exp(log_level)),
        t_peak=float(t_peak),
        plateau=float(plateau),
        a_up=float(np.exp(log_up)),
        a_down=float(np.exp(log_up + log_down)),
        season=(float(a), float(b)) if seasonal else (0.0, 0.0),
        promo=float(beta),
        scale=max(scale, 0.05),
        t_first=float(t[0]),
        t_last=float(t[-1]),
    )
