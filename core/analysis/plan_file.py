"""Planned promotions and prices as the window and projects keep them: a file's bytes.

A plan file (CSV/XLSX) names products by the sales file's ID columns (or ``unique_id``)
and gives a ``promo`` and/or ``price`` per date ahead; :func:`core.data.read_future`
reads it. The window keeps the file's name and bytes (what a project embeds) and reads
them again whenever the sales file changes, so :func:`read_plan` works on bytes and
names the file, not a temporary copy, in its messages. :func:`summarize_plan` says what
a plan holds for the window's status line; :func:`plan_columns` which of its columns a
fitted model reads (the deep models with the promotion and price features; the
baselines read none).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.data import read_future
from core.errors import InputError

__all__ = [
    "PLAN_FEATURES",
    "PlanSummary",
    "load_plan",
    "plan_columns",
    "plan_name",
    "read_plan",
    "summarize_plan",
]

#: Plan column -> the model features made from it (:mod:`core.forecast.features`).
PLAN_FEATURES = {"promo": ("pp_promo",), "price": ("pp_price", "pp_rel_price")}
#: Unknown product IDs quoted in a message.
_QUOTED = 3


@dataclass
class PlanSummary:
    """What a plan holds, measured against the sales data.

    Attributes
    ----------
    products : int
        Products the plan names.
    matched : int
        Of them, products of the sales data.
    unknown : list of str
        A few of the products the sales data does not have.
    dates : int
        Distinct dates in the plan.
    first, last : Timestamp or None
        Its first and last date.
    ahead : int
        Rows of known products dated after the sales data's last date (what a forecast
        can use).
    columns : list of str
        ``promo`` and/or ``price``: the columns with a value.
    """

    products: int
    matched: int
    dates: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    ahead: int
    columns: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def plan_name(name: str) -> str:
    """The bare file name a plan is kept under (``plan.csv`` when there is none)."""
    return Path(str(name).replace("\\", "/")).name or "plan.csv"


def read_plan(data: bytes, name: str, dataset) -> pd.DataFrame:
    """Planned ``promo``/``price`` from a plan file's bytes, checked against ``dataset``.

    Parameters
    ----------
    data : bytes
        The file's content (CSV in any encoding and separator, or XLSX).
    name : str
        Its file name, used in messages.
    dataset : core.data.Dataset
        The sales data: its ID columns name the products.

    Returns
    -------
    pandas.DataFrame
        ``unique_id``, ``ds`` and ``promo`` and/or ``price`` (see :func:`core.data.read_future`).

    Raises
    ------
    InputError
        When the file does not fit: no date, promotion or price column (or only empty
        ones), no product ID columns, no row with a date, or none of the sales data's
        products.
    """
    name = plan_name(name)
    work = Path(tempfile.mkdtemp(prefix="skucast-plan-"))
    path = work / name
    try:
        path.write_bytes(data)
        plan = read_future(str(path), dataset)
    except InputError as exc:
        raise InputError(exc.en.replace(str(path), name),
                         exc.zh.replace(str(path), name)) from None  # fmt: skip
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{name} cannot be read as a plan file: {exc}",
                         f"{name} 无法作为计划文件读取：{exc}") from None  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if plan.empty:
        raise InputError(f"{name}: no row of the plan file has a readable date.",
                         f"{name}：计划文件中没有一行日期可以读取。")  # fmt: skip
    if not _filled(plan):
        raise InputError(f"{name}: the promotion and price columns of the plan file are empty.",
                         f"{name}：计划文件的促销列和价格列都是空的。")  # fmt: skip
    summary = summarize_plan(plan, dataset)
    if summary.matched == 0:
        quoted = ", ".join(summary.unknown)
        raise InputError(
            f"{name} names none of the sales file's products (it has {quoted}); "
            f"use the sales file's ID columns ({', '.join(dataset.mapping.ids) or 'unique_id'}).",
            f"{name} 中没有销售文件里的商品（文件中为 {quoted}）；"
            f"请使用销售文件的商品 ID 列（{'、'.join(dataset.mapping.ids) or 'unique_id'}）。",
        )
    return plan.reset_index(drop=True)


def load_plan(path: str | os.PathLike, dataset) -> tuple[pd.DataFrame, str, bytes]:
    """Read a plan file from disk: ``(plan, file name, bytes)`` (see :func:`read_plan`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path.name}: {exc.strerror or exc}.",
                         f"无法读取 {path.name}：{exc.strerror or exc}。") from None  # fmt: skip
    return read_plan(data, path.name, dataset), path.name, data


def summarize_plan(plan: pd.DataFrame, dataset) -> PlanSummary:
    """What ``plan`` holds for the products and dates of ``dataset`` (see :class:`PlanSummary`)."""
    ids = pd.Index(plan["unique_id"].astype(str).unique())
    known = ids.isin(dataset.series["unique_id"].astype(str))
    dates = pd.to_datetime(plan["ds"])
    end = dataset.date_range[1]
    mine = plan["unique_id"].astype(str).isin(ids[known])
    return PlanSummary(
        products=len(ids),
        matched=int(known.sum()),
        dates=int(dates.nunique()),
        first=dates.min() if len(dates) else None,
        last=dates.max() if len(dates) else None,
        ahead=int((mine & (dates > end)).sum()),
        columns=_filled(plan),
        unknown=[str(u) for u in ids[~known][:_QUOTED]],
    )


def plan_columns(model, plan: pd.DataFrame | None) -> list[str]:
    """The columns of ``plan`` that ``model`` reads when forecasting.

    A deep model reads ``promo``/``price`` when it learnt from the features made of them
    (the promotion and price group, and the sales data had the column); the baselines
    read none. Empty without a plan.
    """
    if plan is None:
        return []
    features = set(getattr(model, "feature_columns_", None) or ())
    return [c for c in _filled(plan) if features & set(PLAN_FEATURES[c])]


def _filled(plan: pd.DataFrame) -> list[str]:
    """The plan columns with at least one value (an empty price column plans nothing)."""
    return [c for c in PLAN_FEATURES if c in plan.columns and plan[c].notna().any()]
