"""ABC (by sales value) x XYZ (by variability) classes of products, as the Overview shows.

Over the products given (the Overview: those of the Recommendations table) and the last 52 weeks of sales. **ABC** by
sales value (units x price; units where the data has no price, ``abc_basis`` says so):
products sorted by value, a product is A while the products above it hold less than 80 %
of the total, B while they hold less than 95 %, else C (so the top seller is always A and
the classes hold about 80 / 15 / 5 % of the value). **XYZ** by the coefficient of
variation (population standard deviation over mean) of weekly demand (of the data's own
periods for monthly data), counted from the product's first sale in the window with
weeks without a row as 0: X up to 0.5, Y up to 1.0, Z above, and Z for a product with no
sales or fewer than :data:`MIN_WEEKS` (8) weeks: its steadiness is unproven.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.periods import period_days

__all__ = ["ABC", "ABC_SHARES", "MIN_WEEKS", "WINDOW_DAYS", "XYZ", "XYZ_CV", "abc_xyz"]

ABC, XYZ = ("A", "B", "C"), ("X", "Y", "Z")
#: Share of the value held by the products above: below the first A, below the second B.
ABC_SHARES = (0.80, 0.95)
#: Coefficient of variation: up to the first X, up to the second Y, above Z.
XYZ_CV = (0.5, 1.0)
#: Fewer weeks of sales than this: Z (variability unproven).
MIN_WEEKS = 8
#: Days of sales the classes read (52 weeks up to the data end).
WINDOW_DAYS = 364


def abc_xyz(sales: pd.DataFrame, freq: str, ids, as_of=None) -> tuple[pd.DataFrame, str]:
    """ABC and XYZ classes of the products ``ids`` (see module doc).

    Returns
    -------
    (pandas.DataFrame, str)
        ``unique_id, value, share, abc, cv, periods, xyz`` in the order of ``ids``, and
        the ABC basis: ``value`` or ``units``.
    """
    ids = pd.Index(pd.Series(ids, dtype=str).drop_duplicates(), name="unique_id")
    as_of = pd.Timestamp(sales["ds"].max() if as_of is None else as_of)
    frame = sales.assign(unique_id=sales["unique_id"].astype(str), ds=pd.to_datetime(sales["ds"]))
    frame = frame[(frame["ds"] > as_of - pd.Timedelta(days=WINDOW_DAYS)) & (frame["ds"] <= as_of)
                  & frame["unique_id"].isin(ids)]  # fmt: skip
    y = pd.to_numeric(frame["y"], errors="coerce").fillna(0).clip(lower=0)
    price = (pd.to_numeric(frame["price"], errors="coerce") if "price" in frame
             else pd.Series(np.nan, index=frame.index))  # fmt: skip
    basis = "value" if price.notna().any() else "units"
    if basis == "value":
        by = frame["unique_id"]
        price = price.groupby(by).ffill().fillna(price.groupby(by).bfill()).fillna(0)
        y_value = y * price
    else:
        y_value = y
    value = y_value.groupby(frame["unique_id"]).sum().reindex(ids, fill_value=0.0)
    out = pd.DataFrame({"value": value.astype(float)})
    total = float(out["value"].sum())
    out["share"] = out["value"] / total if total > 0 else 0.0
    out["abc"] = _abc(out["value"])
    cv, periods = _variability(frame["unique_id"], frame["ds"], y, as_of, freq, ids)
    out["cv"], out["periods"] = cv, periods
    steady = (periods >= MIN_WEEKS) & np.isfinite(cv)
    out["xyz"] = np.where(steady & (cv <= XYZ_CV[0]), "X",
                          np.where(steady & (cv <= XYZ_CV[1]), "Y", "Z"))  # fmt: skip
    return out.reset_index(), basis


def _abc(value: pd.Series) -> np.ndarray:
    ranked = value.sort_index().sort_values(ascending=False, kind="stable")
    total = float(ranked.sum())
    if total <= 0:
        return np.full(len(value), "C")
    prior = (ranked.cumsum() - ranked) / total
    cls = pd.Series(np.where(prior < ABC_SHARES[0], "A", np.where(prior < ABC_SHARES[1], "B", "C")),
                    index=ranked.index)  # fmt: skip
    cls[ranked <= 0] = "C"
    return cls.reindex(value.index).to_numpy()


def _variability(uid: pd.Series, ds: pd.Series, y: pd.Series, as_of, freq: str, ids):
    """CV of each product's weekly demand (the data's periods above a week) and the
    number of weeks it was read over."""
    step = period_days(freq)
    days = (as_of - ds).dt.days.to_numpy(float)
    bucket = np.floor(days / 7) if step < 7 else np.round(days / step)
    per = pd.DataFrame({"uid": uid.to_numpy(), "bucket": bucket, "y": y.to_numpy()})
    weekly = per.groupby(["uid", "bucket"])["y"].sum().reset_index()
    first_sale = weekly[weekly["y"] > 0].groupby("uid")["bucket"].max()
    weekly = weekly[weekly["bucket"] <= weekly["uid"].map(first_sale)]
    g = weekly.groupby("uid")["y"]
    n = (first_sale + 1).reindex(ids)
    # weeks without a row count as 0: moments from sums over the weeks that have one
    mean = g.sum().reindex(ids) / n
    var = (weekly.assign(sq=weekly["y"] ** 2).groupby("uid")["sq"].sum().reindex(ids) / n
           - mean**2).clip(lower=0)  # fmt: skip
    cv = np.sqrt(var) / mean.where(mean > 0)
    return cv.to_numpy(float), n.fillna(0).astype(int).to_numpy()
