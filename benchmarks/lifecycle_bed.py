"""An honest, independent test bed of lifecycle test products.

One bed is one shop export: every product's rows end on the same date, the shop's export
date ``T`` (``truth.cut``). Products are cut at different points of their lives by varying
their launch dates (and, for the ``window`` view, the day their rows begin). Each scored
product draws a life curve from one of seven families (:mod:`benchmarks.lifecycle_bed_curves`),
its observed sales come from :mod:`benchmarks.lifecycle_bed_sales`, and its true stage at ``T``
is the operator's reading of the noise-free trend (:mod:`benchmarks.lifecycle_bed_rules`),
kept only where that reading is unambiguous. No classifier threshold enters the truth.

Besides the ``4 x n_per_stage`` scored products, each of the six categories has three
*context* products (``scored=False``) launched early enough that their rise, plateau and
fall all lie inside the visible history, so a classifier can learn how long that category
stays mature.

Next-stage fields of ``truth`` (from the full simulated life, up to ~2 years past ``T``):

* ``peak_date``: the day the current segment's trend L peaks (may lie after ``T``);
* ``decline_start``: the end of the maturity plateau, the first day after ``peak_date``
  where L < 0.9 x that peak (NaT if it never happens within the simulated life);
* ``mature_weeks_left``: ``(decline_start - T)`` in weeks, 0 when the plateau already ended
  by ``T``, NaN when ``decline_start`` is NaT.

    >>> bed = make_bed(101, 25)
    >>> bed.truth.query("scored").stage.value_counts()
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from benchmarks.lifecycle_bed_curves import CONTEXT_FAMILIES, FAMILIES, Curve, draw_curve
from benchmarks.lifecycle_bed_rules import STAGES, Features, plain_labels, plateau, unambiguous
from benchmarks.lifecycle_bed_sales import aggregate, shop_calendar, simulate_sales

#: Seeds the classifier's numbers are set on: 101-103, widened by 105-112 on 2026-12-03
#: (104 stood in for the held-out seeds while iterating, so it is neither).
TUNING_SEEDS = (101, 102, 103, 105, 106, 107, 108, 109, 110, 111, 112)
HOLDOUT_SEEDS = (201, 202, 203, 204, 205)
#: Candidate export dates: month ends that are Sundays, so weeks and months both end there.
EXPORT_DATES = ("2023-12-31", "2024-03-31", "2024-06-30", "2025-08-31", "2025-11-30", "2026-05-31")
FUTURE_DAYS = 182  # 26 weeks
N_CATEGORIES = 6
N_CONTEXT = 3
MAX_TRIES = 2000
COLUMNS = ["unique_id", "ds", "y", "promo", "stock"]


@dataclass
class Bed:
    """One simulated shop export and its truth.

    Attributes
    ----------
    frame : long rows ``unique_id, ds, y, promo, stock`` up to the cut, all products.
    truth : one row per product: ``unique_id, stage, family, category, view, age_days, cut,
        scored, peak_date, decline_start, mature_weeks_left`` plus ``launch`` (first launch)
        and ``segment_start`` (the relaunch day for relaunches, else the launch).
    future : the same columns as ``frame`` for the 26 weeks after the cut.
    freq : ``'D'``, ``'W-SUN'`` or ``'MS'``.
    curves : ``unique_id`` -> the daily trend L (a Series from launch to the end of the
        simulated life), the curve the truth was read from.
    """

    frame: pd.DataFrame
    truth: pd.DataFrame
    future: pd.DataFrame
    freq: str
    curves: dict[str, pd.Series] = field(default_factory=dict)


@dataclass
class _Product:
    curve: Curve
    category: int
    age: int  # days from launch to the cut
    history: int  # days of rows before the cut (the cut's own row not counted)
    view: str
    stage: str
    scored: bool = True


def _categories(rng: np.random.Generator, hist_days: int) -> list[dict]:
    """Six categories' typical timing (weeks); scaled so a whole life fits in the history."""
    cats = []
    for _ in range(N_CATEGORIES):
        cat = {
            "rise_w": rng.uniform(6.0, 30.0),
            "plateau_w": rng.uniform(12.0, 40.0),
            "half_life_w": rng.uniform(4.0, 16.0),
        }
        room = (hist_days - 84) / (1.2 * 7 * (cat["rise_w"] + cat["plateau_w"]))
        if room < 1.0:
            cat["rise_w"] *= room
            cat["plateau_w"] *= room
        cats.append(cat)
    return cats


def _peak_level(rng: np.random.Generator) -> float:
    return float(np.exp(rng.uniform(np.log(0.5), np.log(200.0))))


def _window_history(f: Features, age: int, stage: str, hist_days: int, rng) -> int | None:
    """Days of rows for a product already on sale when its rows begin (>= 8 weeks)."""
    lo, hi = 56, min(hist_days, age - 14)
    if stage == "decline":
        lo = max(lo, age - int(f.peak_so_far_age[age]) + 7)
    if lo > hi:
        return None
    if hi == hist_days and rng.random() < 0.5:
        return hist_days
    return int(rng.integers(lo, hi + 1))


def _open_the_file(products: list[_Product], hist_days: int) -> None:
    """Let one window product's rows begin on the shop's first day, if none does yet.

    Its truth is unchanged: the rows only reach further back (a decline's peak stays in view).
    """
    if any(p.history == hist_days for p in products):
        return
    for p in sorted(products, key=lambda p: -p.age):
        if p.view == "window" and p.age - 14 >= hist_days:
            p.history = hist_days
            return


def _place(curve: Curve, stage: str, hist_days: int, rng) -> tuple[int, int, str] | None:
    """Pick an unambiguous cut age and a view for ``curve``; None when it has none."""
    f = Features.of(curve.L, curve.seg_start)
    ages = np.arange(len(curve.L))
    good = unambiguous(f, stage) & (ages - curve.seg_start >= 35)
    good[hist_days + 540 :] = False
    views = ["launch", "window"] if rng.random() < 0.5 else ["window", "launch"]
    for view in views:
        if view == "launch":
            pick = np.flatnonzero(good & (ages <= hist_days - 28))
            if len(pick):
                age = int(rng.choice(pick))
                return age, age, view
            continue
        pick = np.flatnonzero(good & (ages >= 70))
        for age in rng.permutation(pick)[:20]:
            history = _window_history(f, int(age), stage, hist_days, rng)
            if history is not None:
                return int(age), history, view
    return None


def _scored(stage: str, cats: list[dict], hist_days: int, n_days: int, rng) -> _Product:
    for _ in range(MAX_TRIES):
        cat = int(rng.integers(len(cats)))
        curve = draw_curve(str(rng.choice(FAMILIES)), cats[cat], _peak_level(rng), n_days, rng)
        placed = _place(curve, stage, hist_days, rng)
        if placed is not None:
            age, history, view = placed
            return _Product(curve, cat, age, history, view, stage)
    raise RuntimeError(f"no unambiguous {stage} product after {MAX_TRIES} tries")


def _context(cat: int, cats: list[dict], hist_days: int, n_days: int, rng) -> _Product:
    """A product of ``cat`` whose whole rise, plateau and fall are visible from launch."""
    for _ in range(MAX_TRIES):
        family = str(rng.choice(CONTEXT_FAMILIES))
        curve = draw_curve(family, cats[cat], _peak_level(rng), n_days, rng)
        f = Features.of(curve.L, curve.seg_start)
        _, end = plateau(f)
        if end is None or end + 56 > hist_days - 28:
            continue
        age = int(rng.integers(end + 56, hist_days - 27))
        stage = plain_labels(f)[age] or "context"
        return _Product(curve, cat, age, age, "launch", stage, scored=False)
    raise RuntimeError(f"no context product for category {cat} after {MAX_TRIES} tries")


def _truth_row(uid: str, p: _Product, cut: pd.Timestamp, cats_names: list[str]) -> dict:
    f = Features.of(p.curve.L, p.curve.seg_start)
    launch = cut - pd.Timedelta(days=p.age)
    peak_age, end = plateau(f)
    decline_start = launch + pd.Timedelta(days=end) if end is not None else pd.NaT
    left = np.nan if end is None else max(0.0, (end - p.age) / 7)
    return {
        "unique_id": uid,
        "stage": p.stage,
        "family": p.curve.family,
        "category": cats_names[p.category],
        "view": p.view,
        "age_days": p.age,
        "cut": cut,
        "scored": p.scored,
        "peak_date": launch + pd.Timedelta(days=peak_age),
        "decline_start": decline_start,
        "mature_weeks_left": left,
        "launch": launch,
        "segment_start": launch + pd.Timedelta(days=p.curve.seg_start),
    }


def _rows(uid: str, p: _Product, cut, calendar, start, rng, noise: bool = True) -> pd.DataFrame:
    """The product's daily rows from its first row to ``FUTURE_DAYS`` after the cut."""
    first = cut - pd.Timedelta(days=p.history)
    days = pd.date_range(first, periods=p.history + 1 + FUTURE_DAYS, freq="D")
    ages = p.age - p.history + np.arange(len(days))
    offset = (first - start).days
    cal = tuple(c[offset : offset + len(days)] for c in calendar)
    sales = simulate_sales(p.curve.L[ages], days, p.history + 1, p.curve.yearly_amp, cal, rng, noise)
    return pd.DataFrame({"unique_id": uid, "ds": days, **sales})


def make_bed(
    seed: int, n_per_stage: int = 25, *, freq: str = "D", years: float = 2.0, noise: bool = True
) -> Bed:
    """Simulate one shop of ``4 x n_per_stage`` scored products plus context products.

    Parameters
    ----------
    seed : seeds ``numpy.random.default_rng``; the same seed gives the same bed.
    n_per_stage : scored products per stage (introduction, growth, maturity, decline).
    freq : ``'D'`` daily rows, ``'W-SUN'`` complete weeks ending Sunday, ``'MS'`` complete
        months labelled by their first day (sums of the daily simulation).
    years : length of the shop's history up to the export date.
    noise : ``False`` gives every day its expected sales (trend x weekday x season x
        festivals x promotions, stock-outs still zero) instead of a Poisson or negative-
        binomial draw: the same bed otherwise, to tell what noise alone costs.
    """
    if freq not in ("D", "W-SUN", "MS"):
        raise ValueError(f"freq must be 'D', 'W-SUN' or 'MS', not {freq!r}")
    rng = np.random.default_rng(seed)
    cut = pd.Timestamp(EXPORT_DATES[int(rng.integers(len(EXPORT_DATES)))])
    hist_days = int(round(years * 365))
    n_days = hist_days + 540 + FUTURE_DAYS + 730
    cats = _categories(rng, hist_days)
    products = [
        _scored(s, cats, hist_days, n_days, rng) for s in STAGES for _ in range(n_per_stage)
    ]
    products += [
        _context(c, cats, hist_days, n_days, rng)
        for c in range(N_CATEGORIES)
        for _ in range(N_CONTEXT)
    ]
    _open_the_file(products, hist_days)
    products = [products[i] for i in rng.permutation(len(products))]
    return _assemble(products, cut, hist_days, freq, rng, noise)


def _assemble(products: list[_Product], cut, hist_days: int, freq: str, rng, noise: bool = True) -> Bed:
    """Simulate every product's sales and collect the frame, truth, future and curves."""
    names = [f"cat_{chr(ord('A') + i)}" for i in range(N_CATEGORIES)]
    start = cut - pd.Timedelta(days=hist_days)
    calendar = shop_calendar(pd.date_range(start, cut + pd.Timedelta(days=FUTURE_DAYS)))
    pairs = [(f"p{i:04d}", p) for i, p in enumerate(products, start=1)]
    daily = pd.concat([_rows(u, p, cut, calendar, start, rng, noise) for u, p in pairs])
    truth = pd.DataFrame([_truth_row(u, p, cut, names) for u, p in pairs])
    curves = {}
    for u, p in pairs:
        days = pd.date_range(cut - pd.Timedelta(days=p.age), periods=len(p.curve.L))
        curves[u] = pd.Series(p.curve.L, index=days, name=u)
    frame = aggregate(daily[daily["ds"] <= cut], freq)[COLUMNS]
    future = aggregate(daily[daily["ds"] > cut], freq)[COLUMNS]
    return Bed(frame=frame, truth=truth, future=future, freq=freq, curves=curves)


def one_product(bed: Bed, uid: str) -> pd.DataFrame:
    """That product's rows of ``bed.frame`` alone (to judge one product per file)."""
    return bed.frame[bed.frame["unique_id"] == uid].reset_index(drop=True)
