"""Demand patterns of products: smooth, intermittent, erratic or lumpy.

The classification of Syntetos, Boylan & Croston picks the model family: smooth and
erratic products suit ETS, seasonal naive or a neural network; intermittent and lumpy
ones (many periods without a sale) suit Croston-type methods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ADI_CUTOFF", "CV2_CUTOFF", "SPARSE_KINDS", "classify_demand"]

#: Cut-off of the average demand interval (periods per sale).
ADI_CUTOFF = 1.32
#: Cut-off of the squared coefficient of variation of the non-zero sales.
CV2_CUTOFF = 0.49
#: Kinds with many periods without a sale (Croston-type models).
SPARSE_KINDS = ("intermittent", "lumpy", "no_sales")


def classify_demand(frame: pd.DataFrame) -> pd.DataFrame:
    """Demand pattern of each product after Syntetos, Boylan and Croston (2005).

    ``adi`` (average demand interval) is the number of periods from the product's first
    sale to its last row divided by the number of periods with a sale (leading zeros are
    before launch, not demand gaps); ``cv2`` is the squared coefficient of variation
    (population standard deviation over mean) of the non-zero sales. With the cut-offs of
    Syntetos, Boylan & Croston, "On the categorization of demand patterns", *Journal of
    the Operational Research Society* 56 (2005) 495-503 -- ADI 1.32, CV² 0.49 -- a product
    is ``smooth`` (ADI < 1.32 and CV² < 0.49), ``intermittent`` (ADI >= 1.32, CV² < 0.49),
    ``erratic`` (ADI < 1.32, CV² >= 0.49) or ``lumpy`` (both at or above); a product
    without any sale is ``no_sales`` with NaN ``adi`` and ``cv2``.

    Parameters
    ----------
    frame : DataFrame
        ``unique_id``, ``ds``, ``y``; NaN sales are ignored, sales <= 0 count as none.

    Returns
    -------
    DataFrame
        ``unique_id, adi, cv2, kind``, one row per product, sorted by ``unique_id``.
    """
    data = frame.loc[frame["y"].notna(), ["unique_id", "ds", "y"]]
    data = data.assign(unique_id=data["unique_id"].astype(str)).sort_values(["unique_id", "ds"])
    ids = data["unique_id"]
    sold = data["y"] > 0
    span = sold.groupby(ids).cummax().groupby(ids).sum()
    hits = sold.groupby(ids).sum()
    sizes = data.loc[sold].groupby("unique_id")["y"]
    cv2 = ((sizes.std(ddof=0) / sizes.mean()) ** 2).reindex(hits.index)
    adi = (span / hits).where(hits > 0)
    often, steady = adi < ADI_CUTOFF, cv2 < CV2_CUTOFF
    kind = np.select(
        [hits == 0, often & steady, ~often & steady, often & ~steady],
        ["no_sales", "smooth", "intermittent", "erratic"],
        default="lumpy",
    )
    out = pd.DataFrame({"unique_id": hits.index, "adi": adi.to_numpy(), "cv2": cv2.to_numpy()})
    return out.assign(kind=kind)
