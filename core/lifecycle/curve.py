"""The life curve of one product, fitted to its period rates (:mod:`core.lifecycle.rates`).

:func:`fit_life_curve` fits, by robust non-linear least squares on log rates,

``log rate(t) = log L + log c(t) + A cos(wt) + B sin(wt) + beta * promo(t) + k(t)``

where ``c`` is the Bass adoption rate relative to its peak, ``sech²(a (t - t_peak) / 2)``,
with a plateau of free length at the peak and a separate (usually slower) rate ``a2`` on
the falling side; ``A, B`` form a yearly cycle (only with about a year of history,
ridge-penalised), ``beta`` the uplift of promotion days and ``k`` the known log
multiplier of each period (the shop's calendar, :mod:`core.lifecycle.pool`). The soft-L1
loss keeps single festival or promotion weeks (Double 11) from bending the curve. The
lifecycle stage is read off ``c`` alone, i.e. de-seasonalised and promotion-free.

Two rules guard the end of the data, where the stage is read and the curve is least
constrained:

* *a decline must be shown*: a decline starting inside the data is kept only when it
  beats the best curve whose plateau lasts to the end by a robust likelihood ratio of
  :data:`DECLINE_EVIDENCE` (the 99.9 % point of chi-square with 2 degrees of freedom: its
  start and its rate). A few low weeks (a stock-out not in the stock column, a quiet
  spell, the noise of a slow mover) are no decline; calling a product declining stops
  its reorders, so this errs on the side of a late call.
* *a rising product's peak comes from its launch*: with the product's launch in the
  data and the shop's typical rise from launch to peak (:class:`Launch`), the peak is
  placed where a Bass curve of that rise puts it; otherwise a weak prior
  (``_PEAK_PRIOR``) keeps it near the data, since a young product's curvature says
  little about when it will peak.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from core.lifecycle.rates import PeriodRates, pool_sparse
from core.lifecycle.robust import YEAR_DAYS, noise_scale, robust_cost, yearly_cycle

__all__ = [
    "DECLINE_EVIDENCE",
    "Launch",
    "LifeFit",
    "MIN_UNITS",
    "fit_life_curve",
]

_DAY = pd.Timedelta(days=1).value
# Ridge weight on the yearly cycle: strong for short histories, mild after ~2 years.
_SEASON_RIDGE = 2.0
# Weak prior against a peak far beyond the data (per month), without a launch prior.
_PEAK_PRIOR = 0.5
# Weight of a constraint residual (per day it is violated): effectively a hard bound.
_HARD = 100.0
#: Robust likelihood ratio a decline inside the data must reach over a plateau lasting
#: to the end: the 99.9 % point of chi-square with 2 degrees of freedom.
DECLINE_EVIDENCE = 13.82
#: Fewest units sold that a life curve is fitted to.
MIN_UNITS = 20.0


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
    evidence: float = np.nan
    wresid: np.ndarray | None = field(default=None, repr=False)
    theta: np.ndarray | None = field(default=None, repr=False)

    def share(self, t) -> np.ndarray:
        """Life curve ``c(t)`` relative to its peak (1 on the plateau)."""
        return np.exp(_log_curve(np.asarray(t, dtype=float), self._core()))

    def rising(self, t) -> np.ndarray:
        """Whether each ``t`` lies before the peak."""
        return np.asarray(t, dtype=float) < self.t_peak

    def log_rate(self, t, promo) -> np.ndarray:
        """Fitted log sales per day at ``t`` (season and promotion included)."""
        t = np.asarray(t, dtype=float)
        w = 2 * np.pi * t / YEAR_DAYS
        cycle = self.season[0] * np.cos(w) + self.season[1] * np.sin(w)
        return np.log(self.level) + np.log(self.share(t)) + cycle + self.promo * promo

    def seasonal(self, t) -> np.ndarray:
        """Multiplicative yearly factor at ``t``."""
        w = 2 * np.pi * np.asarray(t, dtype=float) / YEAR_DAYS
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
    w = 2 * np.pi * t / YEAR_DAYS
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
        w = 2 * np.pi * t / YEAR_DAYS
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
    # still rising as fast as over the whole history: the peak well ahead
    slope = np.clip((smooth[-1] - smooth[0]) / max(t[-1] - t[0], 7.0), 2e-3, 0.2)
    ahead = [smooth[-1] + 0.87, t[-1] + 2 / slope, np.log(slope), 0.0, np.log(0.5), 0, 0, 0.3]
    return [*starts, ahead]


def _bounds(t, span):
    # Products fade no faster than they rose: a_down <= a_up (ratio <= 1).
    lo = [-20, t[0] - 3 * YEAR_DAYS, np.log(2e-3), 0.0, np.log(0.05), -2, -2, -1]
    # A peak far beyond a short history is not identified: keep it within reach.
    hi = [20, t[-1] + max(2 * span, 90.0), np.log(0.25), 3 * YEAR_DAYS + span, 0.0, 2, 2, 3]
    return np.array(lo, float), np.array(hi, float)


@dataclass
class Launch:
    """A launch inside the data and what the shop says of launches (a prior).

    Attributes
    ----------
    t0 : float
        Day of the first sale (days since the epoch).
    log_rise, spread : float
        Median and spread, over the shop's products whose launch and peak are both in
        the data, of ``-log c(t0)``: the log of how many times the launch rate the peak
        sold (a Bass curve's ``log((1 + q/p)^2 / (4 q/p))``).
    """

    t0: float
    log_rise: float
    spread: float

    def rise(self, theta) -> tuple[float, float, float]:
        """``-log c(t0)`` under ``theta`` and its derivatives by ``t_peak``, ``log a_up``."""
        a = np.exp(theta[2])
        x = a * (self.t0 - theta[1]) / 2
        return 2 * float(_log_cosh(np.array([x]))[0]), -a * np.tanh(x), 2 * x * np.tanh(x)


class _Problem:
    """Robust least squares of one product's log rates (see :func:`fit_life_curve`)."""

    def __init__(self, rates: PeriodRates, f_scale: float, launch: Launch | None) -> None:
        self.launch = launch
        ok = rates.days > 0
        self.t, days, units = rates.t[ok], rates.days[ok], rates.units[ok]
        self.promo, self.known = rates.promo[ok], rates.known[ok]
        self.offset = 0.5 / days  # half a unit per period keeps quiet periods finite in logs
        self.z = np.log(units / days + self.offset)
        self.weight = 1.0 / np.sqrt(1.0 / (units + 1.0) + 0.02)
        self.span = float(self.t[-1] - self.t[0]) + 7.0
        self.seasonal = self.span >= 300
        self.ridge = _SEASON_RIDGE * np.sqrt(len(self.t)) * YEAR_DAYS / self.span
        self.f_scale = f_scale
        self.keep_to = None  # when set: the plateau lasts at least to this day

    def _level(self, theta) -> np.ndarray:
        return np.exp(_model(theta, self.t, self.promo, self.seasonal) + self.known)

    def data_residuals(self, theta) -> np.ndarray:
        """Weighted log residuals of the observed periods."""
        return self.weight * (np.log(self._level(theta) + self.offset) - self.z)

    def residuals(self, theta) -> np.ndarray:
        pen = self.ridge * np.array(theta[5:7]) if self.seasonal else np.zeros(2)
        if self.launch is not None:
            beyond = (self.launch.rise(theta)[0] - self.launch.log_rise) / self.launch.spread
        else:
            beyond = _PEAK_PRIOR * max(theta[1] - self.t[-1], 0.0) / 30.0
        short = _HARD * max(self.keep_to - theta[1] - theta[3], 0.0) if self.keep_to else 0.0
        return np.concatenate([self.data_residuals(theta), pen, [beyond, short]])

    def jacobian(self, theta) -> np.ndarray:
        level = self._level(theta)
        inner = (self.weight * level / (level + self.offset))[:, None]
        pen = np.zeros((4, 8))
        if self.seasonal:
            pen[0, 5] = pen[1, 6] = self.ridge
        if self.launch is not None:
            pen[2, 1], pen[2, 2] = np.array(self.launch.rise(theta)[1:]) / self.launch.spread
        else:
            pen[2, 1] = _PEAK_PRIOR / 30.0 if theta[1] > self.t[-1] else 0.0
        if self.keep_to and self.keep_to > theta[1] + theta[3]:
            pen[3, 1] = pen[3, 3] = -_HARD
        return np.vstack([inner * _jacobian(theta, self.t, self.promo, self.seasonal), pen])

    def solve(self, starts):
        """Best of the local solutions from ``starts``."""
        lo, hi = _bounds(self.t, self.span)
        best = None
        for x0 in starts:
            x0 = np.clip(x0, lo + 1e-9, hi - 1e-9)
            sol = least_squares(
                self.residuals, x0, jac=self.jacobian, bounds=(lo, hi), loss="soft_l1",
                f_scale=self.f_scale, xtol=1e-6, ftol=1e-6, max_nfev=300,
            )  # fmt: skip
            if best is None or sol.cost < best.cost:
                best = sol
        return best.x

    def excess_cost(self, theta, free) -> float:
        """Robust likelihood-ratio statistic of ``theta`` against the better ``free``.

        Soft-L1 costs of both residual sets at the free fit's own robust noise scale
        (close to chi-square for Gaussian noise, robust to outlying periods), plus the
        priors (ridge on the yearly cycle, peak or launch prior): a yearly cycle that
        grows only to mimic a decline pays for it.
        """
        r_free = self.data_residuals(free)
        sigma = noise_scale(r_free)

        def cost(x):
            prior = self.residuals(x)[len(self.t) : len(self.t) + 3]
            return robust_cost(self.data_residuals(x), sigma) + float(np.sum(prior**2))

        return cost(theta) - cost(free)


def _no_decline(problem: _Problem, free: np.ndarray, stop: float) -> np.ndarray:
    """The best fit whose plateau lasts to ``stop`` (no decline seen yet)."""
    problem.keep_to = stop
    start = free.copy()
    start[3] = max(stop - start[1], 0.0) + 1.0
    theta = problem.solve([start, _starts(problem.t, problem.z - problem.known, problem.span)[0]])
    problem.keep_to = None
    return theta


def fit_life_curve(
    rates: PeriodRates,
    f_scale: float = 0.25,
    season: tuple | None = None,
    launch: Launch | None = None,
    warm: LifeFit | None = None,
) -> LifeFit | None:
    """Fit the life curve to one product's period rates.

    A decline that starts inside the data is kept only when it fits significantly
    better than a plateau lasting to the end (robust likelihood ratio above
    :data:`DECLINE_EVIDENCE`): a few low weeks at the end (a stock-out, a quiet spell,
    noise of a slow mover) do not make a decline.

    Parameters
    ----------
    rates : PeriodRates
        From :func:`period_rates`.
    f_scale : float
        Soft-L1 scale in log units: residuals beyond it count less than quadratically.
    season : tuple of float, optional
        A fixed yearly cycle ``(A, B)`` (from similar products of the shop) for a
        history too short (under 300 days) to estimate the product's own.
    launch : Launch, optional
        The product's launch and the shop's prior on the rise from launch to peak;
        without it a weak prior keeps the peak of a rising product near the data.
    warm : LifeFit, optional
        An earlier fit of the same product: its solution replaces three of the five
        starting points (a refit with the shop's calendar moves little).

    Returns
    -------
    LifeFit or None
        None with fewer than 4 observed periods or :data:`MIN_UNITS` units sold: a
        few sales show no curve.
    """
    # the end of the data: a pooled slow mover's last block is centred well before it
    stop = 2 * rates.t[-1] - rates.start[-1].astype(np.int64) / _DAY
    rates = pool_sparse(rates)
    if (rates.days > 0).sum() < 4 or rates.units.sum() < MIN_UNITS:
        return None
    if season is not None:
        rates = replace(rates, known=rates.known + yearly_cycle(season, rates.t))
    problem = _Problem(rates, f_scale, launch)
    if problem.seasonal:
        season = None  # long enough for its own cycle
    starts = _starts(problem.t, problem.z - problem.known, problem.span)
    if warm is not None and warm.theta is not None:
        starts = [warm.theta, starts[0], starts[-1]]
    theta = problem.solve(starts)
    fit = _as_fit(theta, problem, season)
    if fit.plateau_end < stop:
        flat = _no_decline(problem, theta, stop)
        evidence = problem.excess_cost(flat, theta)
        if evidence < DECLINE_EVIDENCE:
            fit = _as_fit(flat, problem, season)
        fit.evidence = evidence
    return fit


def _as_fit(theta, problem: _Problem, season: tuple | None = None) -> LifeFit:
    log_level, (t_peak, log_up, plateau, log_down), a, b, beta = _unpack(theta)
    wresid = problem.data_residuals(theta)
    resid = wresid / problem.weight
    scale = float(1.4826 * np.median(np.abs(resid - np.median(resid))))
    if problem.seasonal:
        season = (float(a), float(b))
    return LifeFit(
        level=float(np.exp(log_level)),
        t_peak=float(t_peak),
        plateau=float(plateau),
        a_up=float(np.exp(log_up)),
        a_down=float(np.exp(log_up + log_down)),
        season=season or (0.0, 0.0),
        promo=float(beta),
        scale=max(scale, 0.05),
        t_first=float(problem.t[0]),
        t_last=float(problem.t[-1]),
        wresid=wresid,
        theta=np.asarray(theta, dtype=float),
    )
