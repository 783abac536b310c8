"""The sales model of the lifecycle test bed: from a trend L(t) to daily sales rows.

``y(t) ~ Poisson`` (half the products) or negative binomial (gamma-Poisson, shape 1.5-8) of
``L(t) x weekday weight x yearly factor x festival factor x promotion factor``:

* weekday weights: seven random weights (+-30 %), mean 1;
* yearly factor ``1 + amp sin(2 pi (doy - phase)/365.25)``: amp 0.4-0.7 for the seasonal
  family, 0-0.08 for the others;
* festivals (each product reacts with a sensitivity exponent 0.3-1): Double 11 (x3-6 on
  Nov 11, presale x1.25 Oct 31-Nov 10, lull x0.8 Nov 12-13), 618 (x2 on Jun 18, x1.15
  Jun 1-17), Spring Festival (x0.7 the week before, x0.35 from the day to +6, x0.75 the week
  after; dates from ``holidays.China``, else a table), Christmas (x1.15 Dec 18-25);
* promotions: 2-4 runs of 2-5 days, x1.5-4 (``promo`` = 1 on those days);
* stock-outs: for ~30 % of products one or two runs of 5-20 days of zero sales where the
  trend is steady (>= 40 % of the history's peak, not in the last two weeks); for half of
  those the ``stock`` column is 0 on those days and positive elsewhere, for the rest it is
  unknown (NaN). 30 % of the other products carry a (positive) stock column too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Spring Festival (Chinese New Year's day), used when ``holidays`` does not know it.
SPRING_FESTIVAL = {
    2019: "2019-02-05",
    2020: "2020-01-25",
    2021: "2021-02-12",
    2022: "2022-02-01",
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
}


def spring_festivals(years: range) -> list[pd.Timestamp]:
    """Chinese New Year's day for each year, from ``holidays`` when it has it."""
    try:
        import holidays

        cal = holidays.China(years=years)
        days = sorted(d for d, name in cal.items() if "Spring Festival" in name)
        first = {}
        for d in days:
            first.setdefault(d.year, d)
        if len(first) == len(years):
            return [pd.Timestamp(first[y]) for y in years]
    except (ImportError, NotImplementedError, AttributeError):
        pass
    return [pd.Timestamp(SPRING_FESTIVAL[y]) for y in years if y in SPRING_FESTIVAL]


def shop_calendar(days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """The festival factor of every day (Nov 11 itself excluded) and a Nov-11 mask."""
    month, day = days.month.to_numpy(), days.day.to_numpy()
    fest = np.ones(len(days))
    md = month * 100 + day
    fest[(md == 1031) | ((md >= 1101) & (md <= 1110))] = 1.25
    fest[(md == 1112) | (md == 1113)] = 0.8
    fest[(md >= 601) & (md <= 617)] = 1.15
    fest[md == 618] = 2.0
    fest[(md >= 1218) & (md <= 1225)] = 1.15
    for cny in spring_festivals(range(days[0].year, days[-1].year + 1)):
        offset = (days - cny).days.to_numpy()
        fest[(offset >= -7) & (offset < 0)] *= 0.7
        fest[(offset >= 0) & (offset <= 6)] *= 0.35
        fest[(offset >= 7) & (offset <= 13)] *= 0.75
    return fest, md == 1111


def _runs(n: int, count: int, lengths: tuple[int, int], rng, allowed=None) -> list[slice]:
    """Up to ``count`` non-overlapping runs inside ``[0, n)`` that start where ``allowed``."""
    runs: list[slice] = []
    taken = np.zeros(n, dtype=bool)
    for _ in range(count):
        length = int(rng.integers(lengths[0], lengths[1] + 1))
        ok = np.ones(max(n - length + 1, 0), dtype=bool)
        if allowed is not None:
            ok &= allowed[: len(ok)]
        if len(ok):
            busy = np.convolve(taken, np.ones(length), mode="valid")[: len(ok)]
            ok &= busy == 0
        starts = np.flatnonzero(ok)
        if not len(starts):
            continue
        s = int(rng.choice(starts))
        taken[s : s + length] = True
        runs.append(slice(s, s + length))
    return runs


def _stockout_starts(trend: np.ndarray, n_hist: int, length_max: int) -> np.ndarray:
    """Days where a stock-out run of up to ``length_max`` days sits inside steady sales."""
    ok = np.zeros(len(trend), dtype=bool)
    last = n_hist - 14 - length_max
    if last <= 14:
        return ok
    hist = trend[:n_hist]
    steady = (hist >= 0.4 * hist.max()).astype(int)
    run = np.convolve(steady, np.ones(length_max, dtype=int), mode="valid")
    ok[14:last] = run[14:last] == length_max
    return ok


def _stock_level(trend: np.ndarray, rng) -> np.ndarray:
    """A positive, saw-tooth stock: refilled every 14-45 days to that many days of cover."""
    cycle = int(rng.integers(14, 46))
    cover = cycle - (np.arange(len(trend)) + rng.integers(cycle)) % cycle
    return np.ceil(trend * cover) + 1.0


def simulate_sales(
    trend: np.ndarray,
    days: pd.DatetimeIndex,
    n_hist: int,
    yearly_amp: float,
    calendar: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
    noise: bool = True,
) -> dict[str, np.ndarray]:
    """Daily ``y``, ``promo``, ``stock`` for one product over ``days`` (history + future).

    ``trend`` is L on those days; the first ``n_hist`` days are the history (up to the cut),
    the only place stock-outs are put. ``calendar`` slices :func:`shop_calendar` to ``days``.
    ``noise=False`` gives each day its expected sales instead of a draw (the same random
    numbers are drawn, so everything else about the product is the same).
    """
    n = len(days)
    weekday = 1.0 + rng.uniform(-0.3, 0.3, size=7)
    weekday /= weekday.mean()
    doy = days.dayofyear.to_numpy()
    yearly = 1.0 + yearly_amp * np.sin(2 * np.pi * (doy - rng.uniform(0, 365)) / 365.25)
    fest, d11 = calendar
    sens = rng.uniform(0.3, 1.0)
    festival = fest**sens * np.where(d11, rng.uniform(3.0, 6.0), 1.0) ** sens
    promo = np.zeros(n)
    promo_mult = np.ones(n)
    for run in _runs(n, int(rng.integers(2, 5)), (2, 5), rng):
        promo[run] = 1.0
        promo_mult[run] = rng.uniform(1.5, 4.0)
    lam = trend * weekday[days.dayofweek.to_numpy()] * yearly * festival * promo_mult
    mean = lam
    if rng.random() < 0.5:
        shape = rng.uniform(1.5, 8.0)
        lam = lam * rng.gamma(shape, 1.0 / shape, size=n)
    y = rng.poisson(lam).astype(float)
    if not noise:
        y = mean.copy()  # drawn all the same: the rest of the bed keeps its random numbers
    stock = np.full(n, np.nan)
    if rng.random() < 0.3:
        allowed = _stockout_starts(trend, n_hist, 20)
        runs = _runs(n_hist, int(rng.integers(1, 3)), (5, 20), rng, allowed)
        known = rng.random() < 0.5
        if known:
            stock = _stock_level(trend, rng)
        for run in runs:
            y[run] = 0.0
            promo[run] = 0.0
            if known:
                stock[run] = 0.0
    elif rng.random() < 0.3:
        stock = _stock_level(trend, rng)
    return {"y": y, "promo": promo, "stock": stock}


def aggregate(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Daily rows to complete weeks ending Sunday (``W-SUN``) or months (``MS``).

    ``y`` is summed, ``promo`` is the max, ``stock`` the min (NaN where unknown all period);
    a period is kept only when the product has a row on every one of its days, except a
    product's first period (its launch period, as an export shows it).
    """
    if freq == "D":
        return frame.reset_index(drop=True)
    ds = frame["ds"]
    if freq == "W-SUN":
        label = ds + pd.to_timedelta((6 - ds.dt.dayofweek) % 7, unit="D")
        size = pd.Series(7, index=frame.index)
    elif freq == "MS":
        label = ds.dt.to_period("M").dt.start_time
        size = ds.dt.days_in_month
    else:
        raise ValueError(f"freq must be 'D', 'W-SUN' or 'MS', not {freq!r}")
    work = frame.assign(ds=label, _size=size.to_numpy(), _n=1)
    out = work.groupby(["unique_id", "ds"], sort=False).agg(
        y=("y", "sum"),
        promo=("promo", "max"),
        stock=("stock", "min"),
        _size=("_size", "first"),
        _n=("_n", "sum"),
    )
    # A product's first period stays, partial or not: an export has the launch month's
    # (or week's) row, with what sold from the launch on.
    first = ~out.index.get_level_values("unique_id").duplicated()
    out = out[(out["_n"] == out["_size"]) | first].drop(columns=["_size", "_n"]).reset_index()
    return out
