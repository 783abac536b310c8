"""What the products of one shop share, pooled across them for :mod:`core.lifecycle.stages`.

A week of the Spring Festival shutdown, the Double 11 presale or the dip after it moves
most products of a shop together. One product alone cannot tell such a week from a
turn in its life (a shutdown at the end of the data reads as the start of a decline),
but the shop can. Three things are pooled, each from a first fit of every product:

* the *calendar* (:func:`shop_calendar`): per period, the weighted median over products
  of the residual of each product's own fit, i.e. the shop's log demand multiplier of
  that period. It goes back into every product's fit as a known offset
  (:attr:`core.lifecycle.curve.PeriodRates.known`). The median ignores the few products
  that really turn in a given week; slow life trends stay in their own curves.
* the *calendar with the season* (``with_season=True``): the same with each product's
  own yearly cycle left in, i.e. the shop's whole yearly pattern as it happened. A
  product with less than a year of history cannot fit its own cycle (an autumn fall
  reads as a decline); :func:`fit_short_history` lets it take this one instead when
  that explains its sales better (:data:`SEASON_PENALTY`).
* the *rise from launch to peak* (:func:`launch_prior`): how many times its launch
  rate a product of this shop sells at its peak, a prior for the peak of a product
  still rising (the data of a young product cannot place it).

With fewer than :data:`MIN_PRODUCTS` products in a period the period gets no
multiplier; a multiplier within the noise of its median is shrunk towards 0. The first
fits already test a decline at the end (:func:`core.lifecycle.curve.fit_life_curve`), so
they do not bend to a shop-wide dip in the last weeks, where the stage is read: the
calendar there measures how far sales fell short of each product's own curve.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from core.lifecycle.curve import LifeFit, fit_life_curve
from core.lifecycle.rates import PeriodRates
from core.lifecycle.robust import noise_scale, robust_cost, yearly_cycle

__all__ = ["MIN_PRODUCTS", "SEASON_PENALTY", "fit_short_history", "launch_prior", "shop_calendar"]

_DAY = pd.Timedelta(days=1).value
#: Products needed in a period before the shop's calendar is trusted there.
MIN_PRODUCTS = 8
# Only products selling this much per period (mean) tell the calendar from noise.
_MIN_UNITS = 5.0
# A product fits its own yearly cycle from this much history (days; see lifecycle_fit).
_OWN_SPAN = 293.0
#: Penalty (robust cost, like AIC: 2 per parameter) of taking the shop's season, and of
#: a decline inside the data (its start and rate).
SEASON_PENALTY = 2.0
DECLINE_PENALTY = 4.0
#: Launches with a peak in the data needed for the shop's prior on the rise.
MIN_LAUNCHES = 2
_PEAK_MARGIN = 28.0
_MIN_SPREAD = 0.3


def _residuals(rates: PeriodRates, fit: LifeFit, with_season: bool) -> pd.DataFrame | None:
    """Per-period log residual and weight of one product's fit (None if too sparse)."""
    ok = rates.days > 0
    if ok.sum() < 4 or rates.units[ok].mean() < _MIN_UNITS:
        return None
    t, days, units = rates.t[ok], rates.days[ok], rates.units[ok]
    offset = 0.5 / days
    fitted = np.exp(fit.log_rate(t, rates.promo[ok]) + rates.known[ok])
    resid = np.log(units / days + offset) - np.log(fitted + offset) + rates.known[ok]
    if with_season:
        resid = resid + yearly_cycle(fit.season, t)
    weight = 1.0 / np.sqrt(1.0 / (units + 1.0) + 0.02)
    return pd.DataFrame({"key": rates.start[ok].view(np.int64), "resid": resid, "w": weight})


def _shared(group: pd.DataFrame) -> float:
    """Weighted median of one period's residuals, shrunk by its standard error.

    The factor ``m² / (m² + se²)`` (``se``: 1.25 robust spreads over the root of the
    number of products) keeps a clear shock (a shutdown) whole and damps noise.
    """
    order = np.argsort(group["resid"].to_numpy())
    values = group["resid"].to_numpy()[order]
    cum = np.cumsum(group["w"].to_numpy()[order])
    median = float(values[np.searchsorted(cum, 0.5 * cum[-1])])
    spread = 1.4826 * float(np.median(np.abs(values - median)))
    se2 = (1.253 * spread) ** 2 / len(values)
    return median * median**2 / (median**2 + se2) if median else 0.0


def shop_calendar(
    rates: list[PeriodRates], fits: list[LifeFit | None], with_season: bool = False
) -> pd.Series:
    """Log demand multiplier of each period shared by the shop's products.

    Parameters
    ----------
    rates : list of PeriodRates
        Every product's history on the common working grid.
    fits : list of LifeFit or None
        Each product's life curve, fitted with the ``known`` multipliers its rates
        carry.
    with_season : bool
        Leave each product's own yearly cycle in (the shop's whole yearly pattern).

    Returns
    -------
    pandas.Series
        Indexed by period start (nanoseconds since the epoch); empty when the shop has
        too few products.
    """
    parts = [
        _residuals(r, f, with_season) for r, f in zip(rates, fits, strict=True) if f is not None
    ]
    parts = [p for p in parts if p is not None]
    if len(parts) < MIN_PRODUCTS:
        return pd.Series(dtype=float)
    groups = pd.concat(parts, ignore_index=True).groupby("key")
    count = groups.size()
    shared = groups.apply(_shared, include_groups=False)
    return shared[count >= MIN_PRODUCTS]


def _score(fit: LifeFit, sigma: float, stop: float) -> float:
    """Robust cost plus :data:`DECLINE_PENALTY` when the fit declines inside the data."""
    return robust_cost(fit.wresid, sigma) + DECLINE_PENALTY * (fit.plateau_end < stop)


def fit_short_history(rates: PeriodRates, own: LifeFit, season: pd.Series, **kw) -> LifeFit:
    """The product's own fit, or one on the shop's calendar with the season left in.

    Only for a history too short for its own yearly cycle. The two are compared by
    robust cost at the own fit's noise scale plus :data:`DECLINE_PENALTY` for a decline
    inside the data and :data:`SEASON_PENALTY` for the shop's season. ``kw`` go to
    :func:`core.lifecycle.curve.fit_life_curve`.
    """
    if not len(season) or own.t_last - own.t_first >= _OWN_SPAN or own.wresid is None:
        return own
    keys = rates.start.view(np.int64)
    shop = replace(rates, known=season.reindex(keys).fillna(0.0).to_numpy())
    other = fit_life_curve(shop, **kw)
    if other is None or len(other.wresid) != len(own.wresid):
        return own
    sigma, stop = noise_scale(own.wresid), 2 * rates.t[-1] - keys[-1] / _DAY
    if _score(other, sigma, stop) + SEASON_PENALTY < _score(own, sigma, stop):
        rates.known = shop.known
        return other
    return own


def launch_prior(launches: list[float | None], fits: list[LifeFit | None]) -> tuple | None:
    """Median and spread of the log rise from launch to peak over the shop's products.

    Products count whose first sale (``launches``, days since the epoch; None when the
    data starts after the launch) and fitted peak, at least ``_PEAK_MARGIN`` days
    before the end, are both in the data. None with fewer than :data:`MIN_LAUNCHES`.
    """
    rises = [
        -float(np.log(f.share(t0)))
        for t0, f in zip(launches, fits, strict=True)
        if t0 is not None and f is not None and t0 < f.t_peak < f.t_last - _PEAK_MARGIN
    ]
    if len(rises) < MIN_LAUNCHES:
        return None
    rises = np.asarray(rises)
    mid = float(np.median(rises))
    return mid, max(1.4826 * float(np.median(np.abs(rises - mid))), _MIN_SPREAD)
