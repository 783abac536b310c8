"""Explicit, reported cleaning of an imported :class:`~core.data.dataset.Dataset`.

Nothing is changed silently: every step that touches the data adds an ``info``
finding (Chinese and English, the column, the source rows, the counts) and one
row per changed value to :attr:`CleaningResult.changes`. A step that finds
nothing to do adds nothing.

Steps, in order: duplicates, negatives, gaps, fill, outliers, stockouts.

Defaults and why
----------------
``duplicates="sum"``
    Shop exports are often order-line shaped: several rows for the same product
    and day each hold part of that day's sales, so they add up. ``price`` is
    averaged, ``promo`` takes the maximum, ``stock`` the last value, extra
    numeric features the mean (flags the maximum), other columns the first.
``negatives="zero"``
    Negative sales are returns; a forecaster of demand should not learn them.
``fill="zero"`` with ``fill_gaps=True``
    In a shop export a missing day for an active product almost always means
    nothing sold, so periods missing between a product's first and last date
    are inserted and filled with 0, as are empty or non-numeric sales cells.
``outliers="none"``
    Promotion and shopping-festival peaks are real demand and must not be
    clipped. When enabled, ``iqr_k=3`` and ``sigma=4`` are deliberately loose so
    only values that are almost certainly errors are touched.
``stockouts="impute"``
    A day the shelf was empty sold nothing for want of stock, not of buyers. Periods
    read as stock-outs (the stock column at 0, or a run of zeros the product's own rate
    makes improbable: :mod:`core.data.stockouts`) get the columns ``stockout`` (True)
    and ``demand`` (an estimate from the neighbouring periods); ``y`` stays as sold, so
    the backtest scores and the charts show what really sold, and
    :func:`core.data.model_frames` trains the models on ``demand``. ``"keep"`` adds
    neither column: the models learn the sales as sold.

Details: ``linear`` interpolates between neighbouring periods of a product and
uses the nearest value at its edges; a product with no value at all is filled
with 0 by every method. Outlier bands are computed per product on the values
after filling; ``sigma`` uses the sample standard deviation. The IQR lower
bound is floored at 0 except with ``negatives="keep"`` (the floor would undo
that choice), and a product whose IQR is 0 (mostly equal values, typically
zeros) is left unclipped and reported, as every other value would be cut.

The steps themselves live in :mod:`core.data.cleaning_steps` and the period grid used
to find missing periods in :mod:`core.periods`; this module is the public face.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from core.data.cleaning_steps import CHANGE_COLUMNS, Cleaner
from core.data.dataset import Dataset
from core.data.report import Report
from core.data.stockouts import STOCKOUT_CHOICES
from core.errors import InputError

__all__ = [
    "CHANGE_COLUMNS",
    "SCHEMA_VERSION",
    "CleaningOptions",
    "CleaningResult",
    "clean",
    "preview",
]

SCHEMA_VERSION = 1
_CHOICES = {
    "duplicates": ("sum", "mean", "last"),
    "negatives": ("zero", "keep"),
    "fill": ("zero", "ffill", "linear", "mean", "median"),
    "outliers": ("none", "iqr", "sigma"),
    "stockouts": STOCKOUT_CHOICES,
}


@dataclass
class CleaningOptions:
    """How :func:`clean` treats each kind of problem (defaults: see module doc).

    Attributes
    ----------
    duplicates : {"sum", "mean", "last"}
        How ``y`` of rows sharing ``(unique_id, ds)`` is combined (NaN ignored).
    negatives : {"zero", "keep"}
        Set negative ``y`` (returns) to 0, or keep them.
    fill : {"zero", "ffill", "linear", "mean", "median"}
        How missing ``y`` (inserted periods and empty cells) is filled per product.
    outliers : {"none", "iqr", "sigma"}
        Per-product clipping of ``y``.
    iqr_k : float
        Clip to ``[Q1 - k*IQR, Q3 + k*IQR]`` when ``outliers="iqr"``.
    sigma : float
        Clip to ``mean ± sigma*std`` when ``outliers="sigma"``.
    fill_gaps : bool
        Insert missing periods between each product's first and last date.
    stockouts : {"impute", "keep"}
        Mark stock-out periods and estimate their demand for the models, or keep the
        sales as sold.
    """

    duplicates: str = "sum"
    negatives: str = "zero"
    fill: str = "zero"
    outliers: str = "none"
    iqr_k: float = 3.0
    sigma: float = 4.0
    fill_gaps: bool = True
    stockouts: str = "impute"

    def to_dict(self) -> dict:
        """Plain dictionary for JSON, with a ``schema_version``."""
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> CleaningOptions:
        """Build options from :meth:`to_dict` output; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def validate(self) -> None:
        """Raise :class:`~core.errors.InputError` for an unknown or unusable value."""
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if not isinstance(value, str) or value not in allowed:
                raise InputError(
                    f"Unknown cleaning option {name}={value!r}; use one of: {', '.join(allowed)}.",
                    f"未知的清洗选项 {name}={value!r}，可选值：{'、'.join(allowed)}。",
                )
        for name in ("iqr_k", "sigma"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (math.isfinite(value) and value > 0)
            ):
                raise InputError(
                    f"Cleaning option {name} must be a positive number, not {value!r}.",
                    f"清洗选项 {name} 必须是正数，而不是 {value!r}。",
                )
        if not isinstance(self.fill_gaps, bool | np.bool_):
            raise InputError(
                f"Cleaning option fill_gaps must be true or false, not {self.fill_gaps!r}.",
                f"清洗选项 fill_gaps 必须是 true 或 false，而不是 {self.fill_gaps!r}。",
            )


@dataclass
class CleaningResult:
    """What :func:`clean` returns.

    Attributes
    ----------
    dataset : Dataset
        Cleaned copy; its report holds the input's findings followed by ``report``'s.
    changes : pandas.DataFrame
        One row per changed value: ``unique_id, ds, step, column, before, after, _row``.
        Merged duplicates list each source row (``before`` its own ``y``); an inserted
        period is listed under ``gaps`` (``before`` and ``after`` NaN), then ``fill``.
    report : Report
        Only the findings cleaning added.
    """

    dataset: Dataset
    changes: pd.DataFrame
    report: Report


def clean(dataset: Dataset, options: CleaningOptions | None = None) -> CleaningResult:
    """Clean ``dataset`` step by step, reporting every change.

    Parameters
    ----------
    dataset : Dataset
        Imported data; neither it nor its frame or report is modified.
    options : CleaningOptions, optional
        Defaults to :class:`CleaningOptions()` (see the module doc for why).

    Returns
    -------
    CleaningResult
        Cleaned dataset (frame sorted by ``unique_id, ds``), changes and findings.

    Raises
    ------
    InputError
        For invalid options, rows without a date or an unsupported ``freq``.
    """
    options = options or CleaningOptions()
    options.validate()
    work = Cleaner(dataset, options)
    if not work.frame.empty:
        steps = (work.duplicates, work.negatives, work.gaps, work.fill, work.outliers,
                 work.stockouts)  # fmt: skip
        for step in steps:
            step()
    return CleaningResult(*work.finish())


def preview(
    dataset: Dataset, unique_id: str, options: CleaningOptions | None = None
) -> pd.DataFrame:
    """Before/after of one product, for the GUI.

    Parameters
    ----------
    dataset : Dataset
        Imported (uncleaned) data.
    unique_id : str
        The product to show.
    options : CleaningOptions, optional
        Options to preview; defaults as in :func:`clean`.

    Returns
    -------
    pandas.DataFrame
        Columns ``ds``, ``before`` (the source value; NaN for inserted periods, the
        first source row's for merged duplicates), ``after`` and ``step`` (the steps
        that changed ``y``, comma separated in order; empty when unchanged).
    """
    frame = dataset.frame[dataset.frame["unique_id"].astype(str) == str(unique_id)]
    if frame.empty:
        raise InputError(f"No product with ID {unique_id!r}.", f"没有 ID 为 {unique_id!r} 的商品。")
    result = clean(dataset.with_frame(frame, Report()), options)
    after = result.dataset.frame[["ds", "y"]].rename(columns={"y": "after"})
    raw = frame[["ds", "y"]].astype({"ds": "datetime64[ns]"}).drop_duplicates("ds")
    out = after.merge(raw.rename(columns={"y": "before"}), on="ds", how="left")
    changes = result.changes[result.changes["column"] == "y"]
    steps = changes.groupby("ds", sort=False)["step"].agg(lambda s: ",".join(dict.fromkeys(s)))
    out["step"] = out["ds"].map(steps).fillna("").astype(object)
    return out[["ds", "before", "after", "step"]].astype({"before": float, "after": float})
