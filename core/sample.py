"""The bundled sample shop: seeded, synthetic daily sales of a Chinese online store.

SkuCast opens on this shop before the user imports anything, and tests use it as
ground truth, since every product's lifecycle stage is known day by day.

How the shop is made
--------------------
Each product has a life curve ``c(age)`` (peak 1): the Bass diffusion adoption rate with
a maturity plateau inserted at the peak and the decline side stretched (products fade
more slowly than they rise). With ``r = q / p`` and ``a = p + q = ln(r) / t_peak`` the
Bass rate relative to its peak is ``sech²(a (age - t_peak) / 2)``, so a launch starts at
``4r / (1 + r)²`` of its peak. Market size is ``m = peak_level · 4q / (p + q)²``. Daily
demand is ``peak_level · c(age)`` times the multipliers the shop itself knows:

* weekday (Sunday and Monday evenings busiest, mid-week quietest), per-product strength;
* season by product (down jackets peak at the winter solstice, fans and sunscreen in
  July, moon cakes in September);
* platform festivals: 618 (first wave May 31, ramp June 1-17, peak June 18), Double 11
  (presale ramp from October 20, first wave October 31 - November 3, peak November 11),
  Double 12 and 年货节 (before the Spring Festival), each with a post-festival dip; a
  product joins a festival (discount and label in 活动) or only sees spill-over traffic;
* the Chinese New Year logistics shutdown, 7 days before to 7 days after the Spring
  Festival (dates from :mod:`holidays`), with shoulders either side;
* shop promotions (店铺满减, 3-5 days on random dates) followed by a 3-day dip;
* price: occasional permanent price changes and promotion discounts, with elasticity.

Sales are gamma-Poisson (negative binomial) draws from demand, capped by stock on hand.
Stock follows a periodic-review, order-up-to policy with a lead time and random supplier
delays; the planner learns demand from past sales on days with stock left, so growth
spurts and festivals sometimes empty the shelf (库存 0, 销量 0, demand unmet). Kinds:
``lifecycle`` (fashion items living ~6-9 months and longer lines of 1-3 years; launched
before, inside or in the last two months of the window; discontinued once the curve
falls to 3-25 % of its peak), ``staple`` (launched years before the window, long
maturity) and ``intermittent`` (slow movers, a fraction of a unit a day). A product has
a row every day from launch (or the window start) to discontinuation (or the window end).
Names, categories, list prices and seasons come from ``resources/sample/catalogue.json``.

True lifecycle stages
---------------------
Read off the noise-free, de-seasonalised curve ``c`` (peak 1):

* ``introduction``: before the peak and ``c < 0.20`` (:data:`INTRO_MAX`);
* ``growth``: before the peak and ``0.20 <= c < 0.80``;
* ``maturity``: ``c >= 0.80`` (:data:`MATURE_MIN`), around the peak and on the plateau;
* ``decline``: after the peak and plateau, once ``c < 0.80``.

The curve is unimodal, so a product's stages never go backwards. There are no rows, and
so no ``inactive`` stage, after discontinuation.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

from core.resources import resource_path

#: Product templates (categories, names, list prices, seasons, kinds of life).
CATALOGUE_PATH = resource_path("sample", "catalogue.json")
#: The shipped sample sales table (its truth is ``sample_shop_stages.csv`` beside it).
SAMPLE_PATH = resource_path("sample", "sample_shop.csv")
#: Seed of the shipped sample.
DEFAULT_SEED = 20240611
#: Lifecycle stages in the only order a product passes through them.
STAGES = ("introduction", "growth", "maturity", "decline")
#: Below this share of the peak a rising product is still in introduction.
INTRO_MAX = 0.20
#: At or above this share of the peak a product is mature.
MATURE_MIN = 0.80
#: Columns of :attr:`SampleShop.sales`, as a Chinese shop export names them.
COLUMNS = ("日期", "商品编码", "商品名称", "类目", "销量", "单价", "活动", "库存")

# Weekday demand factors, Monday first.
_WEEKLY = np.array([1.10, 0.95, 0.90, 0.93, 0.97, 1.00, 1.15])
# Season -> (day of year at the peak, amplitude of the log-cosine).
_SEASONS = {"summer": (196, 1.0), "winter": (355, 1.2), "autumn": (250, 1.6)}
# Life-curve hint -> ranges of days to peak, plateau days, decline stretch (< 1: slower).
_LIFE = {
    "short": ((35, 80), (0, 40), (0.6, 1.0)),
    "long": ((90, 220), (60, 360), (0.3, 0.7)),
    "staple": ((120, 300), (2000, 4000), (0.3, 0.5)),
    "slow": ((60, 90), (5000, 6000), (0.5, 0.5)),
}
# Label -> (anchor month and day, discount, segments (first and last day offset, factor
# from, to, labelled)); the unlabelled segments are post-festival dips.
# fmt: off
_FESTIVALS = {
    "618年中大促": ((6, 18), 0.12, ((-18, -18, 1.6, 1.6, True), (-17, -1, 1.3, 1.8, True),
                                  (0, 0, 3.5, 3.5, True), (1, 4, 0.75, 0.75, False))),
    "双11大促": ((11, 11), 0.20, ((-22, -12, 1.05, 1.3, True), (-11, -8, 2.0, 1.6, True),
                                (-7, -2, 1.2, 1.3, True), (-1, -1, 2.0, 2.0, True),
                                (0, 0, 5.0, 5.0, True), (1, 5, 0.6, 0.85, False))),
    "双12": ((12, 12), 0.10, ((-2, -1, 1.2, 1.3, True), (0, 0, 2.5, 2.5, True),
                            (1, 3, 0.85, 0.85, False))),
}
# Around the Spring Festival: 年货节 before it, then the logistics shutdown.
_SPRING = (("年货节", 0.05, ((-25, -11, 1.15, 1.3, True),)),
           ("", 0.0, ((-10, -8, 0.7, 0.45, False), (-7, 7, 0.22, 0.22, False),
                      (8, 12, 0.5, 0.9, False))))
# fmt: on
# Share of products joining an event: platform festivals, 年货节 and shop promotions.
_JOIN = {"年货节": 0.5, "店铺满减": 0.5}


@dataclass
class SampleShop:
    """A generated shop: the export-like sales table and its ground truth.

    Attributes
    ----------
    sales : pandas.DataFrame
        Columns :data:`COLUMNS`, cells as an export holds them (``日期`` like ``2024/1/9``,
        ``单价`` like ``￥129.00``, ``活动`` empty when none), sorted by date and product.
    stages : pandas.DataFrame
        ``商品编码``, ``日期`` (datetime64) and ``stage``: one row per sales row.
    products : pandas.DataFrame
        One row per SKU: ``商品编码``, ``商品名称``, ``类目``, ``kind``, ``launch``,
        ``discontinue`` (NaT when still on sale), ``base_price``, ``peak_level``,
        ``bass_p``, ``bass_q``, ``market_size``, ``t_peak_days``, ``plateau_days``.
    """

    sales: pd.DataFrame
    stages: pd.DataFrame
    products: pd.DataFrame


@dataclass
class _Calendar:
    """Shop-wide event calendar over the window."""

    dates: pd.DatetimeIndex
    mult: np.ndarray
    event: np.ndarray
    labels: list[str] = field(default_factory=list)
    discounts: list[float] = field(default_factory=list)
    join: list[float] = field(default_factory=list)

    def paint(self, anchor: pd.Timestamp, label: str, discount: float, segments) -> None:
        """Add one event around ``anchor`` (see ``_FESTIVALS`` for ``segments``)."""
        ev = len(self.labels)
        self.labels.append(label)
        self.discounts.append(discount)
        self.join.append(_JOIN.get(label, 0.85))
        base = (anchor - self.dates[0]).days
        for first, last, f0, f1, labelled in segments:
            idx = base + np.arange(first, last + 1)
            fac = np.linspace(f0, f1, last - first + 1)
            ok = (idx >= 0) & (idx < len(self.dates))
            self.mult[idx[ok]] = fac[ok]
            if labelled:
                self.event[idx[ok]] = ev


def spring_festivals(years) -> list[pd.Timestamp]:
    """Return the first day of the Spring Festival holiday of each year, per ``holidays``."""
    days = holidays.China(years=list(years))
    firsts: dict[int, pd.Timestamp] = {}
    for day, name in days.items():
        if name.startswith("Chinese New Year (Spring Festival)"):
            prev = firsts.get(day.year)
            firsts[day.year] = min(prev, pd.Timestamp(day)) if prev else pd.Timestamp(day)
    return [firsts[y] for y in sorted(firsts)]


def _calendar(rng: np.random.Generator, dates: pd.DatetimeIndex) -> _Calendar:
    """Build festivals, the New Year shutdown and random shop promotions."""
    n = len(dates)
    cal = _Calendar(dates, np.ones(n), np.full(n, -1))
    years = range(dates[0].year, dates[-1].year + 2)
    for sf in spring_festivals(years):
        for label, discount, segments in _SPRING:
            cal.paint(sf, label, discount, segments)
    for year in years:
        for label, ((month, day), discount, segments) in _FESTIVALS.items():
            cal.paint(pd.Timestamp(year, month, day), label, discount, segments)
    wanted, placed = max(1, round(n / 365 * 6)), 0
    for s in rng.permutation(max(n - 8, 1)):
        length = 3 + int(s) % 3
        if np.any(cal.mult[max(s - 3, 0) : s + length + 3] != 1.0):
            continue  # keep promotions clear of festivals, dips and each other
        cal.paint(
            dates[s],
            "店铺满减",
            0.10,
            ((0, length - 1, 1.5, 1.5, True), (length, length + 2, 0.8, 0.8, False)),
        )
        placed += 1
        if placed == wanted:
            break
    return cal


def _roles(n: int) -> list[str]:
    """Return the role of each of ``n`` products, in a fixed mix."""
    counts = {
        "staple": 0.15 * n,
        "slow": max(1, 0.07 * n),
        "new": max(1, 0.06 * n),
        "pre": 0.12 * n,
    }
    roles = [role for role, k in counts.items() for _ in range(round(k))]
    return (roles + ["in"] * max(0, n - len(roles)))[:n]


@functools.cache
def _catalogue() -> tuple[tuple, ...]:
    """Templates from ``catalogue.json``: (category no., category, template no., name,
    list price, season, life hint, name variants)."""
    data = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    cats = [c for c in data if not c.startswith("_")]
    return tuple(
        (c_i, c, i, *item, tuple(data[c]["variants"]))
        for c_i, c in enumerate(cats)
        for i, item in enumerate(data[c]["items"])
    )


def _pick_template(rng: np.random.Generator, role: str, used: dict) -> dict:
    """Choose a catalogue template fitting ``role`` and name a fresh variant of it."""
    hint = {"staple": "staple", "slow": "slow", "pre": "long"}.get(role)
    hint = hint or ("short" if rng.random() < 0.5 else "long")
    options = [t for t in _catalogue() if t[6] == hint]
    c_i, cat, i, name, price, season, _, variants = options[rng.integers(len(options))]
    k = used[(c_i, i)] = used.get((c_i, i), -1) + 1
    if k >= len(variants):  # a later generation of a best seller
        name = f"{name}{k // len(variants) + 1}代"
    name = f"{name} {variants[k % len(variants)]}"
    return {
        "商品编码": f"00{c_i + 1}{i:02d}{k:02d}",
        "商品名称": name,
        "类目": cat,
        "hint": hint,
        "list_price": price,
        "season": season,
    }


def _life_params(rng: np.random.Generator, role: str, prod: dict, days: int) -> dict:
    """Draw the life curve, launch and discontinuation of one product (day offsets)."""
    (tp0, tp1), (pl0, pl1), (st0, st1) = _LIFE[prod["hint"]]
    t_peak, plateau, stretch = rng.uniform(tp0, tp1), rng.uniform(pl0, pl1), rng.uniform(st0, st1)
    r = float(np.exp(rng.uniform(np.log(30), np.log(150))))
    a = np.log(r) / t_peak
    end_share = rng.uniform(0.03, 0.25)
    disc_age = t_peak + plateau + 2 * np.arccosh(end_share**-0.5) / a / stretch
    if role == "staple":
        launch = -rng.uniform(400, 1500)
    elif role == "slow":
        launch = -rng.uniform(200, 1000)
    elif role == "pre":
        launch = max(-rng.uniform(0.7, 1.3) * (t_peak + plateau), 60 - disc_age)
    elif role == "new":
        launch = days - rng.uniform(14, 60)
    else:
        launch = rng.uniform(0, max(days - 75, 1))
    launch = int(np.floor(launch))
    disc = launch + int(disc_age) if role in ("pre", "new", "in") else None
    return {
        "launch_off": launch,
        "disc_off": disc if disc is not None and disc < days else None,
        "t_peak": t_peak,
        "plateau": plateau,
        "stretch": stretch,
        "r": r,
    }


def _plan_products(rng: np.random.Generator, n: int, days: int) -> list[dict]:
    """Draw every product's identity, life curve and selling/stocking parameters."""
    products, used = [], {}
    for role in _roles(n):
        prod = _pick_template(rng, role, used)
        prod.update(_life_params(rng, role, prod, days))
        slow = role == "slow"
        peak, amp = _SEASONS.get(prod["season"], (0, 0.0))
        prod.update(
            kind={"slow": "intermittent", "staple": "staple"}.get(role, "lifecycle"),
            base_price=max(round(prod["list_price"] * rng.uniform(0.9, 1.15)) - 0.1, 9.9),
            level=rng.uniform(0.12, 0.35)
            if slow
            else float(np.clip(rng.lognormal(np.log(25 if role == "staple" else 15), 0.8), 3, 150)),
            season_peak=peak,
            season_amp=amp * rng.uniform(0.8, 1.2),
            weekly_w=rng.uniform(0.6, 1.3),
            fest_s=rng.uniform(0.6, 1.2),
            elasticity=rng.uniform(0.8, 2.0),
            dispersion=rng.uniform(0.8, 2.0) if slow else rng.uniform(4, 15),
            review=int(rng.choice([7, 14])),
            lead=int(rng.integers(2, 12)),
            safety=rng.uniform(1.0, 1.8),
            guess=rng.uniform(0.6, 1.4),
        )
        products.append(prod)
    return products


def _life_curve(age: np.ndarray, prod: dict) -> np.ndarray:
    """Bass adoption rate relative to its peak, with plateau and stretched decline."""
    a = np.log(prod["r"]) / prod["t_peak"]
    after = np.maximum(age - prod["t_peak"] - prod["plateau"], 0.0) * prod["stretch"]
    u = np.where(age < prod["t_peak"], age - prod["t_peak"], after)
    return 1.0 / np.cosh(np.clip(a * u / 2.0, -50.0, 50.0)) ** 2


def _stage_codes(curve: np.ndarray, rising: np.ndarray) -> np.ndarray:
    """Index into :data:`STAGES` for each day (thresholds in the module docstring)."""
    before = np.where(curve < INTRO_MAX, 0, 1)
    return np.where(curve >= MATURE_MIN, 2, np.where(rising, before, 3))


def _prices_and_demand(rng, prod: dict, cal: _Calendar) -> tuple:
    """Daily price, 活动 label and known demand multiplier over the whole window."""
    n, ev = len(cal.dates), cal.event
    joined = np.append(rng.random(len(cal.labels)) < np.asarray(cal.join), False)
    on = joined[ev]  # ev == -1 picks the appended False
    traffic = np.where((ev >= 0) & ~on, np.sqrt(cal.mult), cal.mult) ** prod["fest_s"]
    disc = np.where(on, np.append(cal.discounts, 0.0)[ev], 0.0)
    steps = np.zeros(n)
    changes = rng.integers(0, n, size=rng.poisson(n / 365 * 0.6))
    steps[changes] = np.log(rng.uniform(0.85, 1.1, size=len(changes)))
    price = np.round(prod["base_price"] * np.exp(np.cumsum(steps)) * (1 - disc), 1)
    doy = cal.dates.dayofyear.to_numpy()
    season = np.exp(prod["season_amp"] * np.cos(2 * np.pi * (doy - prod["season_peak"]) / 365.25))
    known = (
        _WEEKLY[cal.dates.dayofweek.to_numpy()] ** prod["weekly_w"]
        * traffic
        * season
        / np.i0(prod["season_amp"])
        * (price / prod["base_price"]) ** -prod["elasticity"]
    )
    label = np.where(on, np.append(np.asarray(cal.labels, dtype=object), "")[ev], "")
    return price, label, known


def _simulate_stock(
    rng, draws: np.ndarray, known: np.ndarray, first_level: float, prod: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Sell ``draws`` from stock under a periodic-review order-up-to policy."""
    n, review, lead = len(draws), prod["review"], prod["lead"]
    delay = (rng.integers(1, 5, size=n) * (rng.random(n) < 0.25)).tolist()
    csum = np.concatenate([[0.0], np.cumsum(known)])
    ends = np.arange(n) + review + lead
    cover = csum[np.minimum(ends, n)] - csum[:n] + np.maximum(ends - n, 0) * known.mean()
    cover, known_l, draws_l = cover.tolist(), known.tolist(), draws.tolist()
    level, safety, phase = first_level, prod["safety"], int(rng.integers(review))
    arrivals = [0] * (n + lead + 8)
    stock, pipeline = int(np.ceil(safety * level * cover[0])) + 1, 0
    sales, onhand = [0] * n, [0] * n
    for t in range(n):
        stock += arrivals[t]
        pipeline -= arrivals[t]
        if t % review == phase:
            order = int(np.ceil(safety * level * cover[t])) + 2 - stock - pipeline
            if order > 0:
                arrivals[t + lead + delay[t]] += order
                pipeline += order
        sold = min(draws_l[t], stock)
        stock -= sold
        if stock > 0:  # a day that ran dry says nothing about demand
            level += 0.25 * (sold / known_l[t] - level)
        sales[t], onhand[t] = sold, stock
    return np.asarray(sales, dtype=np.int64), np.asarray(onhand, dtype=np.int64)


def _product_rows(rng, prod: dict, cal: _Calendar) -> pd.DataFrame:
    """Simulate one product; one row per day on sale, with internal column names."""
    n = len(cal.dates)
    price, label, known = _prices_and_demand(rng, prod, cal)
    age = np.arange(n, dtype=float) - prod["launch_off"]
    curve = _life_curve(age, prod)
    lam = prod["level"] * curve * known
    k = prod["dispersion"]
    draws = rng.poisson(lam * rng.gamma(k, 1.0 / k, size=n))
    first = max(prod["launch_off"], 0)
    last = n - 1 if prod["disc_off"] is None else prod["disc_off"]
    on = slice(first, last + 1)
    guess = prod["level"] * max(curve[first], 0.3) * prod["guess"]
    sales, stock = _simulate_stock(rng, draws[on], known[on], guess, prod)
    return pd.DataFrame(
        {
            "day": np.arange(first, last + 1),
            "id": prod["商品编码"],
            "sales": sales,
            "price": price[on],
            "label": label[on],
            "stock": stock,
            "stage": _stage_codes(curve[on], age[on] < prod["t_peak"]),
        }
    )


def _products_frame(products: list[dict], start: pd.Timestamp) -> pd.DataFrame:
    """Public per-SKU table from the internal product parameters."""
    p = pd.DataFrame(products).sort_values("商品编码", ignore_index=True)
    a = np.log(p["r"]) / p["t_peak"]
    bass_p = a / (1 + p["r"])
    out = p[["商品编码", "商品名称", "类目", "kind"]].copy()
    out["launch"] = start + pd.to_timedelta(p["launch_off"], unit="D")
    out["discontinue"] = start + pd.to_timedelta(p["disc_off"].astype(float), unit="D")
    out["base_price"], out["peak_level"] = p["base_price"], p["level"]
    out["bass_p"], out["bass_q"] = bass_p, a - bass_p
    out["market_size"] = p["level"] * 4 * (a - bass_p) / a**2
    out["t_peak_days"], out["plateau_days"] = p["t_peak"], p["plateau"]
    return out


def _export_frames(rows: pd.DataFrame, products: list[dict], dates: pd.DatetimeIndex) -> tuple:
    """Turn simulated rows into the export-like sales table and the per-day truth."""
    rows = rows.sort_values(["day", "id"], kind="stable", ignore_index=True)
    names = pd.DataFrame(products).set_index("商品编码")[["商品名称", "类目"]]
    day_text = np.array([f"{d.year}/{d.month}/{d.day}" for d in dates], dtype=object)
    sales = pd.DataFrame({"日期": day_text[rows["day"]], "商品编码": rows["id"]})
    sales = sales.join(names, on="商品编码")
    sales["销量"] = rows["sales"]
    sales["单价"] = [f"￥{price:.2f}" for price in rows["price"]]
    sales["活动"], sales["库存"] = rows["label"], rows["stock"]
    stages = pd.DataFrame({"商品编码": rows["id"], "日期": dates[rows["day"]]})
    stages["stage"] = np.asarray(STAGES, dtype=object)[rows["stage"]]
    return sales, stages.sort_values(["商品编码", "日期"], ignore_index=True)


def generate_shop(
    seed: int = DEFAULT_SEED, n_skus: int = 60, start: str = "2023-01-01", days: int = 1095
) -> SampleShop:
    """Generate the sample shop.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same shop.
    n_skus : int
        Number of products.
    start : str
        First day of the sales window (ISO date).
    days : int
        Length of the window in days.

    Returns
    -------
    SampleShop
        Sales table, per-day true stages and the product table.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    products = _plan_products(rng, n_skus, days)
    cal = _calendar(rng, dates)
    rows = pd.concat([_product_rows(rng, p, cal) for p in products], ignore_index=True)
    sales, stages = _export_frames(rows, products, dates)
    return SampleShop(sales, stages, _products_frame(products, dates[0]))


def stage_intervals(stages: pd.DataFrame) -> pd.DataFrame:
    """Compress per-day stages into runs.

    Parameters
    ----------
    stages : pandas.DataFrame
        ``商品编码``, ``日期`` (datetime64) and ``stage``, as :attr:`SampleShop.stages`.

    Returns
    -------
    pandas.DataFrame
        ``商品编码``, ``stage``, ``start``, ``end`` (inclusive): one row per run of
        consecutive days of one product in one stage, sorted by product and start.
    """
    df = stages.sort_values(["商品编码", "日期"], ignore_index=True)
    breaks = (
        (df["商品编码"] != df["商品编码"].shift())
        | (df["stage"] != df["stage"].shift())
        | (df["日期"].diff() != pd.Timedelta(days=1))
    )
    runs = df.groupby(breaks.cumsum(), sort=False)
    out = runs.agg(
        商品编码=("商品编码", "first"),
        stage=("stage", "first"),
        start=("日期", "first"),
        end=("日期", "last"),
    )
    return out.reset_index(drop=True)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_sample(
    path: str | os.PathLike, seed: int = DEFAULT_SEED, encoding: str = "gbk", **kw
) -> tuple[Path, Path]:
    """Generate a shop and write it as a Windows-style CSV export plus its truth.

    Parameters
    ----------
    path : str or os.PathLike
        Target CSV; its folder is created if missing.
    seed : int
        Seed for :func:`generate_shop`.
    encoding : str
        Encoding of the sales CSV (GBK by default, like most Chinese exports).
    **kw
        ``n_skus``, ``start``, ``days`` for :func:`generate_shop`.

    Returns
    -------
    tuple of pathlib.Path
        The sales CSV (comma-separated, CRLF) and ``<stem>_stages.csv`` beside it (the
        :func:`stage_intervals`, UTF-8 with BOM, dates as ``YYYY-MM-DD``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    shop = generate_shop(seed=seed, **kw)
    side = path.with_name(f"{path.stem}_stages.csv")
    intervals = stage_intervals(shop.stages)
    for col in ("start", "end"):
        intervals[col] = intervals[col].dt.strftime("%Y-%m-%d")
    _atomic_write(path, shop.sales.to_csv(index=False, lineterminator="\r\n").encode(encoding))
    text = intervals.to_csv(index=False, lineterminator="\r\n")
    _atomic_write(side, text.encode("utf-8-sig"))
    return path, side


def main(argv: list[str] | None = None) -> int:
    """Write the default sample to ``argv[0]`` (or :data:`SAMPLE_PATH`) and say where."""
    args = sys.argv[1:] if argv is None else argv
    for written in write_sample(args[0] if args else SAMPLE_PATH):
        print(written)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
