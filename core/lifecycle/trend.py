"""A product's underlying sales level, freed of noise, festivals, promotions and season.

:func:`fit_trend` fits, to one product's period sales (:class:`~core.lifecycle.rates.PeriodRates`),
a Poisson model whose log mean per observed day is

    level[i] + season[i] + calendar[i] + uplift * promo[i]

``level`` is a free value per period held smooth by a penalty on its second
differences (a Whittaker smoother, bending on the scale of a quarter: a launch's rise
is followed, a week's noise is not); ``calendar`` is the shop's known multiplier of
the period (Double 11 weeks, the Spring Festival shutdown; :func:`shop_calendar`);
``uplift`` the product's own promotion lift. Periods with no observed day (sold out,
see :mod:`core.lifecycle.rates`) carry no weight: the level runs through them.
Sales far from the fit (an unmarked promotion, a one-day order of a hundred) are
down-weighted (Huber weights on the Pearson residuals, the scale read robustly).

How stiff the level is, is the product's own: unless its yearly model is kept (below),
the fit is also tried :data:`STIFFER` times stiffer, and the stiffness whose deviance
plus :data:`EDF_COST` per effective parameter is lowest is kept (deviances read on the
default fit's over-dispersion, so the fits are compared on one scale). The cost is well
above an AIC's 2: a product's weekly sales are correlated beyond the model (a
promotion's tail, a slow stock-out), and an AIC chases that. Set on the test bed's
tuning seeds (``docs/BENCHMARKS.md``, lifecycle, fourth round); a refit with the shop's
calendar keeps the stiffness chosen alone, and monthly levels keep the default.

A product with more than :data:`SEASON_MIN_DAYS` of history is fitted twice: as
above, and with a stiff level plus a yearly cycle (two harmonics). The yearly model is
kept when its penalised deviance (deviance + 2 x effective parameters, as AIC) is
lower: a winter product in its summer low is then a mature product in its low season,
not a decline. The fit gives the level's standard error too (from the penalised
information matrix, scaled by the over-dispersion), which the stage rules use as the
evidence behind a rise or a fall.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg as scipy_linalg

from core.lifecycle.rates import PeriodRates

__all__ = ["EDF_COST", "LAMBDA", "SEASON_MIN_DAYS", "STIFFER", "Trend", "fit_trend", "shop_calendar"]

#: Smoothing penalty per unit of mean weekly weight (second differences of the level).
LAMBDA = 25.0
# Extra smoothing, in absolute weight units: slow movers' levels bend less to noise.
_LAMBDA_FLOOR = 40.0
#: Stiffer penalties (multiples of the default) each product's level is also tried with.
STIFFER = (10.0,)
#: Deviance a fit's every effective parameter costs when its stiffness is chosen.
EDF_COST = 8.0
# The yearly model's level is this many times stiffer (it cannot follow the season).
_STIFF = 400.0
#: History (days) from which a product may fit its own yearly cycle.
SEASON_MIN_DAYS = 420
#: How much lower (penalised deviance) the yearly model must score to be kept.
SEASON_MARGIN = 10.0
_YEAR = 365.25
_HUBER = 2.5
_ITER = 12
_DAY = pd.Timedelta(days=1).value


@dataclass
class Trend:
    """The fitted level of one product, per period of its rates.

    Attributes
    ----------
    t : numpy.ndarray
        Period mid-points, days since the epoch.
    level : numpy.ndarray
        Log mean sales per day, de-seasonalised, without calendar and promotions.
    se : numpy.ndarray
        Standard error of ``level``.
    cov_last : numpy.ndarray
        Covariance of every period's level with the last one's (for slope errors).
    season : numpy.ndarray
        The yearly component per period (zeros without a yearly model).
    seasonal : bool
        Whether the yearly model was kept.
    uplift : float
        Log promotion uplift.
    dispersion : float
        Over-dispersion of the sales around the fit (1 = Poisson).
    stiffness : float or None
        The level's penalty as a multiple of the default (1 or one of :data:`STIFFER`);
        ``None`` when the yearly model was kept (its level has a stiffness of its own, and
        a refit weighs the choice again).
    """

    t: np.ndarray
    level: np.ndarray
    se: np.ndarray
    cov_last: np.ndarray
    season: np.ndarray
    seasonal: bool
    uplift: float
    dispersion: float
    coef: np.ndarray | None = None
    stiffness: float | None = 1.0

    def season_at(self, t) -> np.ndarray:
        """The yearly component at days ``t`` (0 without a yearly model)."""
        t = np.asarray(t, dtype=float)
        if self.coef is None:
            return np.zeros(len(t))
        return _fourier(t) @ self.coef


def _fourier(t: np.ndarray) -> np.ndarray:
    w = 2 * np.pi * np.asarray(t, dtype=float) / _YEAR
    return np.column_stack([np.sin(w), np.cos(w), np.sin(2 * w), np.cos(2 * w)])


@functools.lru_cache(maxsize=64)
def _second_diff_bands(n: int) -> np.ndarray:
    """``D'D`` of the second-difference matrix ``D`` (n-2 x n) in upper banded form
    (3 rows: second super-diagonal, first, main), as :func:`scipy.linalg.solveh_banded`
    reads it. Read-only: cached per length."""
    bands = np.zeros((3, n))
    if n < 3:
        bands.setflags(write=False)
        return bands
    d = np.zeros((n - 2, 3))
    d[:] = (1.0, -2.0, 1.0)
    for i in range(3):  # row j of D touches columns j..j+2
        for k in range(i, 3):
            # D'D[j+i, j+k] += d[j, i] * d[j, k]: band (k - i) at column j + k
            bands[2 - (k - i), k : k + n - 2] += d[:, i] * d[:, k]
    bands.setflags(write=False)
    return bands


def _dense(bands: np.ndarray) -> np.ndarray:
    """The symmetric matrix of upper banded form ``bands``."""
    n = bands.shape[1]
    out = np.diag(bands[-1])
    for off in range(1, bands.shape[0]):
        band = bands[-1 - off, off:]
        out[np.arange(n - off), np.arange(off, n)] = band
        out[np.arange(off, n), np.arange(n - off)] = band
    return out


def _bordered_solve(h_bands, wx, c, b_level, b_extra):
    """Solve ``[[H, WX], [WX', C]] [level; beta] = [b_level; b_extra]`` with ``H``
    pentadiagonal (banded Cholesky, O(n)) and the few extra columns by their Schur
    complement: the same answer as a dense solve at a fraction of its cost."""
    try:
        chol = scipy_linalg.cholesky_banded(h_bands, lower=False)
    except np.linalg.LinAlgError:  # numerically singular (weights near 0): solve densely
        n, k = wx.shape
        full = np.zeros((n + k, n + k))
        full[:n, :n], full[:n, n:], full[n:, :n], full[n:, n:] = _dense(h_bands), wx, wx.T, c
        theta = np.linalg.lstsq(full, np.concatenate([b_level, b_extra]), rcond=None)[0]
        return theta[:n], theta[n:]
    if not wx.shape[1]:
        return scipy_linalg.cho_solve_banded((chol, False), b_level), np.zeros(0)
    sol = scipy_linalg.cho_solve_banded((chol, False), np.column_stack([b_level, wx]))
    h_b, h_wx = sol[:, 0], sol[:, 1:]
    schur = c - wx.T @ h_wx
    beta = np.linalg.solve(schur, b_extra - wx.T @ h_b)
    return h_b - h_wx @ beta, beta


def _solve(rates: PeriodRates, offset: np.ndarray, stiff: float, season: bool) -> dict:
    """Penalised Poisson IRLS; returns the fit's pieces and its penalised deviance."""
    n = len(rates.t)
    units, days = rates.units, rates.days
    seen = days > 0
    promo = rates.promo if rates.promo.any() else None
    extra = [] if not season else [_fourier(rates.t)]
    if promo is not None:
        extra.append(promo[:, None])
    x_extra = np.hstack(extra) if extra else np.zeros((n, 0))
    k = x_extra.shape[1]
    mean_rate = units[seen].sum() / max(days[seen].sum(), 1e-9)
    level = np.full(n, np.log(max(mean_rate, 1e-3)))
    beta = np.zeros(k)
    robust = np.ones(n)
    weight_scale = max(mean_rate * float(np.median(days[seen])) if seen.any() else 1.0, 1e-3)
    # the penalty bends the level on the same time scale whatever the period length
    # (second differences of periods ``h`` days long scale as ``h**3``)
    step = float(np.median(np.diff(rates.t))) if n > 1 else 7.0
    lam = (LAMBDA * weight_scale + _LAMBDA_FLOOR) * stiff * (7.0 / step) ** 3
    pen_bands = lam * _second_diff_bands(n)
    ridge = 1e-3 * np.eye(k)
    log_days = np.log(np.where(seen, days, 1.0))
    phi = 1.0
    w = np.zeros(n)
    for _ in range(_ITER):
        eta = level + x_extra @ beta + offset + log_days
        mu = np.where(seen, np.exp(np.clip(eta, -30, 30)), 0.0)
        w = np.where(seen, mu * robust, 0.0)
        z = np.where(seen, eta - offset - log_days + (units - mu) / np.maximum(mu, 1e-9), 0.0)
        h_bands = pen_bands.copy()
        h_bands[-1] += w + 1e-9
        wx = x_extra * w[:, None]
        c = x_extra.T @ wx + ridge + 1e-9 * np.eye(k)
        level_new, beta = _bordered_solve(h_bands, wx, c, w * z, x_extra.T @ (w * z))
        done = np.max(np.abs(level_new - level)) < 1e-4
        level = level_new
        pearson = np.where(seen, (units - mu) / np.sqrt(np.maximum(mu, 1e-9)), 0.0)
        if seen.sum() > 4:
            phi = max(1.0, float(np.median(pearson[seen] ** 2)) / 0.455)
        r = np.abs(pearson) / np.sqrt(phi)
        robust = np.where(r > _HUBER, _HUBER / np.maximum(r, 1e-9), 1.0)
        if done:
            break
    eta = level + x_extra @ beta + offset + log_days
    mu = np.where(seen, np.exp(np.clip(eta, -30, 30)), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = 2 * np.where(units > 0, units * np.log(units / np.maximum(mu, 1e-12)), 0.0) - 2 * (units - mu)
    # the information of the last iteration's weights, with and without the penalty
    wx = x_extra * w[:, None]
    info = np.zeros((n + k, n + k))
    info[np.arange(n), np.arange(n)] = w
    info[:n, n:], info[n:, :n], info[n:, n:] = wx, wx.T, x_extra.T @ wx
    info += 1e-9 * np.eye(n + k)
    pen = np.zeros((n + k, n + k))
    pen[:n, :n] = _dense(pen_bands)
    pen[n:, n:] = ridge
    cov = np.linalg.inv(info + pen)
    edf = float(np.sum(cov * info))  # trace(inv(info + pen) @ info): both symmetric
    cov *= phi
    return {
        "level": level, "beta": beta, "cov": cov[:n, :n], "phi": phi, "k": k,
        "score": float(np.sum(dev[seen] * robust[seen])) / phi + 2 * edf,
        "dev": float(np.sum(dev[seen] * robust[seen])), "edf": edf,
    }  # fmt: skip


def _stiffer(rates: PeriodRates, offset: np.ndarray, base: dict, stiffness: float | None) -> tuple[dict, float]:
    """The level's fit at ``stiffness`` (``base`` is the fit at 1), or, when ``None``, at
    the stiffness (1 or one of :data:`STIFFER`) whose deviance plus :data:`EDF_COST` per
    effective parameter is lowest. Monthly levels keep the default: two years are 24
    values, too few to choose by."""
    if stiffness is not None:
        return (base if stiffness == 1.0 else _solve(rates, offset, stiffness, False)), stiffness
    if len(rates.t) > 1 and float(np.median(np.diff(rates.t))) > 7.5:
        return base, 1.0
    phi = base["phi"]  # one scale for all: each fit's own would favour its own noise

    def cost(fit: dict) -> float:
        return fit["dev"] / phi + EDF_COST * fit["edf"]

    best, chosen, lowest = base, 1.0, cost(base)
    for stiff in STIFFER:
        fit = _solve(rates, offset, stiff, False)
        if cost(fit) < lowest:
            best, chosen, lowest = fit, stiff, cost(fit)
    return best, chosen


def fit_trend(
    rates: PeriodRates, calendar: np.ndarray | None = None, stiffness: float | None = None
) -> Trend | None:
    """The smooth level of one product (``None`` when it has fewer than 3 observed periods).

    Parameters
    ----------
    rates : PeriodRates
        The product's periods (:func:`core.lifecycle.rates.period_rates`).
    calendar : numpy.ndarray, optional
        The shop's known log multiplier of each period (see :func:`shop_calendar`).
    stiffness : float, optional
        The level's penalty as a multiple of the default; chosen from the sales when not
        given (a refit with the shop's calendar reuses the first fit's ``stiffness``).
    """
    seen = rates.days > 0
    if seen.sum() < 3:
        return None
    offset = np.zeros(len(rates.t)) if calendar is None else np.asarray(calendar, dtype=float)
    seasonal = False
    span = rates.t[seen][-1] - rates.t[seen][0]
    long = span >= SEASON_MIN_DAYS and rates.units.sum() >= 30
    if stiffness not in (None, 1.0) and not long:  # a refit: no season to weigh up
        best = _solve(rates, offset, stiffness, False)
    else:
        best = _solve(rates, offset, 1.0, False)
        if long:
            yearly = _solve(rates, offset, _STIFF, True)
            if yearly["score"] < best["score"] - SEASON_MARGIN:
                best, seasonal, stiffness = yearly, True, None
        if not seasonal:  # the yearly model's level has a stiffness of its own
            best, stiffness = _stiffer(rates, offset, best, stiffness)
    beta = best["beta"]
    coef = beta[:4] if seasonal else None
    season = _fourier(rates.t) @ coef if seasonal else np.zeros(len(rates.t))
    uplift = float(beta[-1]) if rates.promo.any() and len(beta) else 0.0
    cov = best["cov"]
    return Trend(
        t=rates.t, level=best["level"], se=np.sqrt(np.maximum(np.diag(cov), 0.0)),
        cov_last=cov[:, -1].copy(), season=season, seasonal=seasonal, uplift=uplift,
        dispersion=best["phi"], coef=coef, stiffness=stiffness,
    )  # fmt: skip


def shop_calendar(rates: list[PeriodRates], trends: list[Trend | None], min_products: int = 6) -> pd.Series:
    """The shop's log demand multiplier per period start, from every product's residuals.

    Per period: the median over products selling at least 3 units a period of
    ``log(units + 0.5) - log(fitted + 0.5)``, shrunk towards 0 by the spread over the
    root of the number of products (noise of a few products says nothing). Periods
    with fewer than ``min_products`` such products get 0. Index: period start (int ns).
    """
    keys, resid = [], []
    for r, tr in zip(rates, trends, strict=True):
        if tr is None:
            continue
        ok = r.days > 0
        mu = r.days * np.exp(tr.level + tr.season + tr.uplift * r.promo)
        ok &= mu >= 3.0
        if ok.sum() < 4:
            continue
        keys.append(r.start[ok].view(np.int64))
        resid.append(np.log(r.units[ok] + 0.5) - np.log(mu[ok] + 0.5))
    if not keys:
        return pd.Series(dtype=float)
    table = pd.DataFrame({"key": np.concatenate(keys), "resid": np.concatenate(resid)})
    groups = table.groupby("key")["resid"]
    med, n = groups.median(), groups.size()
    spread = groups.quantile(0.75) - groups.quantile(0.25)
    se = 1.25 * (spread / 1.35) / np.sqrt(n)
    shrunk = med * med**2 / (med**2 + se**2 + 1e-12)
    return shrunk.where(n >= min_products, 0.0).clip(-2.0, 2.0)
