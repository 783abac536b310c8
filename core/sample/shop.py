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

The pieces live beside this module: :mod:`core.sample.products` (catalogue, roles, life
curves and parameters of each SKU), :mod:`core.sample.calendar` (festivals, the New Year
shutdown, shop promotions) and :mod:`core.sample.stock` (the order-up-to stock policy).

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
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.resources import resource_path
from core.sample.calendar import ShopCalendar, build_calendar, spring_festivals
from core.sample.products import CATALOGUE_PATH, plan_products
from core.sample.stock import simulate_stock

__all__ = [
    "CATALOGUE_PATH",
    "COLUMNS",
    "DEFAULT_SEED",
    "INTRO_MAX",
    "MATURE_MIN",
    "SAMPLE_PATH",
    "STAGES",
    "SampleShop",
    "generate_shop",
    "main",
    "spring_festivals",
    "stage_intervals",
    "write_sample",
]

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


def _prices_and_demand(rng, prod: dict, cal: ShopCalendar) -> tuple:
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


def _product_rows(rng, prod: dict, cal: ShopCalendar) -> pd.DataFrame:
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
    sales, stock = simulate_stock(rng, draws[on], known[on], guess, prod)
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
    products = plan_products(rng, n_skus, days)
    cal = build_calendar(rng, dates)
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
