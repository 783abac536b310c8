"""The advice table's invariants, on a generated shop of varied products and on the sample.

The invariants (checked in one place, :func:`core.recommend.check_advice`): days of cover
bounded (or empty where no sales are expected), "clear" never with an order, promotion
advice independent of the service level and the lead time, a product's settings change
only that product, and the service level stated is the one used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gamma

from core.cli import main
from core.recommend import (
    MAX_COVER_DAYS,
    AdviceError,
    InventoryOptions,
    check_advice,
    recommendations,
)
from core.sample import SAMPLE_PATH

LEVELS = (50, 80, 95)
STAGE_CHOICES = ("new", "introduction", "growth", "maturity", "decline", "inactive")
START = pd.Timestamp("2026-01-01")


class _Frames:
    """The part of :class:`core.data.ModelFrames` the advice reads."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame


def _gamma_forecast(uid: str, ds, mu: np.ndarray, shape: float) -> pd.DataFrame:
    """Median and bands of a gamma demand of mean ``mu`` per day (all 0 where ``mu`` is)."""

    def quant(p: float) -> np.ndarray:
        return gamma.ppf(p, shape, scale=np.maximum(mu, 1e-12) / shape) * (mu > 0)

    row = {"unique_id": uid, "ds": ds, "forecast": quant(0.5)}
    for lv in LEVELS:
        row[f"lo_{lv}"] = quant((100 - lv) / 200)
        row[f"hi_{lv}"] = quant(1 - (100 - lv) / 200)
    return pd.DataFrame(row)


def generated_shop(n: int = 300, seed: int = 7, periods: int = 42):
    """``(frames, forecast, stages, stock)`` of ``n`` varied products.

    Daily demand is gamma-shaped with a mean from 0.02 to 200 a day and a shape from 0.1
    (intermittent: the median is about 0 while the mean is not) to 10; a tenth of the
    products expect no sales at all, some have festival days, stock runs from nothing to
    years of sales (or is unknown), and about half have measurable past promotions.
    """
    rng = np.random.default_rng(seed)
    ds = pd.date_range(START, periods=periods, freq="D")
    hist_ds = pd.date_range(START - pd.Timedelta(days=200), periods=200, freq="D")
    fcs, hists, stocks = [], [], []
    for i in range(n):
        uid = f"P{i:04d}"
        mean = 0.0 if rng.random() < 0.1 else float(np.exp(rng.uniform(np.log(0.02), np.log(200))))
        shape = float(np.exp(rng.uniform(np.log(0.1), np.log(10))))
        mu = np.full(periods, mean)
        if rng.random() < 0.3:
            mu[rng.integers(0, periods, size=3)] *= rng.uniform(2, 6)
        fcs.append(_gamma_forecast(uid, ds, mu, shape))
        promo = np.zeros(200)
        if rng.random() < 0.5:
            for s in range(10, 190, int(rng.integers(20, 40))):
                promo[s : s + 3] = 1
        base = max(mean, 0.05)
        y = rng.poisson(base * np.where(promo > 0, rng.uniform(1.0, 2.5), 1.0))
        hists.append(pd.DataFrame({"unique_id": uid, "ds": hist_ds, "y": y.astype(float),
                                   "promo": promo, "price": 20.0}))  # fmt: skip
        days = float(np.exp(rng.uniform(np.log(0.5), np.log(3000))))
        on_hand = np.nan if rng.random() < 0.05 else float(np.round(max(mean, 0.05) * days))
        if rng.random() < 0.1:
            on_hand = 0.0
        on_order = float(np.round(rng.uniform(0, 20))) if rng.random() < 0.3 else 0.0
        stocks.append({"unique_id": uid, "on_hand": on_hand, "on_order": on_order})
    stages = pd.DataFrame({"unique_id": [s["unique_id"] for s in stocks],
                           "stage": rng.choice(STAGE_CHOICES, size=n)})  # fmt: skip
    frames = _Frames(pd.concat(hists, ignore_index=True))
    return frames, pd.concat(fcs, ignore_index=True), stages, pd.DataFrame(stocks)


@pytest.fixture(scope="module")
def shop():
    return generated_shop()


def _advise(shop, lead: float, level: float, stock=None) -> pd.DataFrame:
    frames, fc, stages, base = shop
    opts = InventoryOptions(lead_time=lead, service_level=level)
    table = recommendations(frames, "D", fc, stages, base if stock is None else stock, opts,
                            lang="en")  # fmt: skip
    return table.set_index("unique_id")


@pytest.fixture(scope="module")
def two_settings(shop):
    return _advise(shop, 7, 0.95), _advise(shop, 14, 0.99)


def test_days_of_cover_is_bounded_or_empty_when_no_sales_are_expected(shop, two_settings):
    for table in two_settings:
        cover = table["days_of_cover"]
        assert (cover.dropna().between(0, MAX_COVER_DAYS)).all()
        empty = cover.isna()
        assert empty.any()  # the products that expect no sales
        assert table.loc[empty, "reason"].str.contains("no sales expected", case=False).all()
    # a slow mover's cover is its stock over its expected (mean) sales, not its median's
    fc, table = shop[1], two_settings[0]
    first = fc[fc["ds"] < START + pd.Timedelta(days=14)]
    rate = first.groupby("unique_id")["forecast"].mean()
    slow = table.index[(rate < 0.01) & table["days_of_cover"].notna()]
    assert len(slow) and (table.loc[slow, "days_of_cover"] < MAX_COVER_DAYS).any()


def test_a_cleared_product_is_never_reordered(two_settings):
    for table in two_settings:
        clear = table["promotion"].eq("clear")
        assert clear.sum() >= 10
        assert (table.loc[clear, "order_qty"] == 0).all()
        assert (table.loc[clear, "discount"] > 0).all()
        assert not table.loc[clear, "reason"].str.contains("Clear 0 units").any()


def test_promotion_advice_ignores_service_level_and_lead_time(two_settings):
    a, b = two_settings
    cols = ["promotion", "promotion_window", "discount"]
    diff = (a[cols] != b[cols]).any(axis=1)
    assert not diff.any(), a.loc[diff, cols].join(b.loc[diff, cols], rsuffix="_b")
    assert set(a["promotion"]) == {"promote", "hold", "clear"}


def test_a_products_settings_change_only_that_product(shop):
    before = _advise(shop, 7, 0.95)
    stock = shop[3].assign(lead_time=np.nan, service_level=np.nan)
    stock.loc[stock["unique_id"] == "P0003", ["lead_time", "service_level"]] = [30.0, 0.99]
    after = _advise(shop, 7, 0.95, stock)
    others = before.index != "P0003"
    pd.testing.assert_frame_equal(before[others], after[others])
    assert after.loc["P0003", "service_level"] == 0.99


def test_the_stated_service_level_is_the_one_used(shop):
    stock = shop[3].assign(service_level=np.where(np.arange(len(shop[3])) % 2, 0.9, np.nan))
    table = _advise(shop, 7, 0.99, stock)
    stated = stock.set_index("unique_id")["service_level"].fillna(0.99)
    assert (table["service_level"] == stated.reindex(table.index)).all()
    # no reason speaks of another level
    for level, reason in zip(table["service_level"], table["reason"], strict=True):
        for pct in ("80%", "90%", "95%", "99%"):
            if pct in reason:
                assert pct == f"{level:.0%}"


def _good_table() -> pd.DataFrame:
    return pd.DataFrame({"unique_id": ["A", "B"], "stage": ["maturity", "decline"],
                         "safety_stock": [3.0, 0.0], "reorder_point": [10.0, 4.0],
                         "order_qty": [5.0, 0.0], "days_of_cover": [12.0, np.nan],
                         "service_level": [0.95, 0.95], "promotion": ["hold", "clear"],
                         "discount": [0.0, 0.2]})  # fmt: skip


@pytest.mark.parametrize(
    "column, row, value, words",
    [("days_of_cover", 0, 65647.7, "days of cover"), ("order_qty", 1, 2.0, "cleared"),
     ("promotion", 0, "sell", "promotion"), ("service_level", 0, 0.8, "service level"),
     ("safety_stock", 0, 11.0, "safety stock")],
)  # fmt: skip
def test_check_advice_refuses_a_broken_table(column, row, value, words):
    table = _good_table()
    check_advice(table, stated=pd.Series(0.95, index=table["unique_id"]))
    table.loc[row, column] = value
    with pytest.raises(AdviceError, match=words):
        check_advice(table, stated=pd.Series(0.95, index=table["unique_id"]))


# ------------------------------------------------------------------- the sample shop
@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("advice")
    runs = []
    for lead, level, name in ((7, 0.95, "A.csv"), (14, 0.99, "B.csv")):
        code = main(["recommend", str(SAMPLE_PATH), "--model", "ets", "--lead-time", str(lead),
                     "--service-level", str(level), "--out", str(out / name), "--lang", "en"])  # fmt: skip
        assert code == 0
        table = pd.read_csv(out / name, dtype={"商品编码": str}, encoding="utf-8-sig")
        runs.append(table.set_index("商品编码"))
    return runs


def test_sample_advice_is_stable_across_lead_time_and_service_level(sample_runs):
    a, b = sample_runs
    assert len(a) == 34 and (a.index == b.index).all()
    assert (a["promotion"] == b["promotion"]).all()
    for table in (a, b):
        assert not (table["days_of_cover"] > MAX_COVER_DAYS).any()
        assert not ((table["promotion"] == "clear") & (table["order_qty"] > 0)).any()
