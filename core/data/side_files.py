"""The side inputs next to a sales file: stock, planned promotions and prices, events.

Each reader takes a CSV/XLSX file (any encoding and separator :func:`core.data.io.read_table`
detects) and returns a plain frame keyed like the sales data. Stock and plan files name
products by the sales file's own ID columns (or ``unique_id``, see :func:`uid_column`);
their headers are recognised like the sales file's (:func:`core.data.headers.match_headers`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.data.dataset import ID_SEP, Dataset
from core.data.headers import match_headers, normalize_header
from core.data.io import ReadOptions, read_table
from core.data.parsing import parse_dates, parse_flags, parse_numbers
from core.errors import InputError

__all__ = [
    "has_stock",
    "load_event_calendar",
    "read_future",
    "read_stock",
    "stock_from_data",
    "uid_column",
]


def has_stock(frame: pd.DataFrame) -> bool:
    """Whether the sales table carries stock on hand (a ``stock`` column with values)."""
    return "stock" in frame and bool(frame["stock"].notna().any())


def stock_from_data(frame: pd.DataFrame) -> pd.DataFrame | None:
    """On-hand stock per product from the sales file's stock column (its last value)."""
    if not has_stock(frame):
        return None
    last = frame.dropna(subset=["stock"]).sort_values("ds").groupby("unique_id").tail(1)
    return last[["unique_id", "stock"]].rename(columns={"stock": "on_hand"})


def uid_column(table: pd.DataFrame, dataset: Dataset, path) -> pd.Series:
    """Product keys of a side file (plans, stock) named by the sales file's ID columns."""
    ids = [c for c in dataset.mapping.ids if c in table.columns]
    if ids and len(ids) == len(dataset.mapping.ids):
        return table[ids].astype(str).apply(lambda c: c.str.strip()).agg(ID_SEP.join, axis=1)
    if "unique_id" in table.columns:
        return table["unique_id"].astype(str).str.strip()
    raise InputError(
        f"{path}: the file needs the product ID column(s) {', '.join(dataset.mapping.ids)}.",
        f"{path}：文件需要商品 ID 列（{'、'.join(dataset.mapping.ids)}）。",
    )


def read_stock(path, dataset: Dataset) -> pd.DataFrame:
    """On-hand (and optional on-order) stock per product from a CSV/XLSX file."""

    table = read_table(path).frame
    roles = match_headers(list(table.columns))
    uid = uid_column(table, dataset, path)
    on_order = next((c for c in table.columns if normalize_header(c) in
                     ("在途", "在途库存", "on_order", "on order", "onorder")), None)  # fmt: skip
    if "stock" not in roles:
        raise InputError(
            f"{path}: no stock column found (库存 / stock / on hand).",
            f"{path}：未找到库存列（库存 / stock / on hand）。",
        )
    out = pd.DataFrame({"unique_id": uid,
                        "on_hand": parse_numbers(table[roles["stock"]])[0].to_numpy()})  # fmt: skip
    if on_order:
        out["on_order"] = parse_numbers(table[on_order])[0].fillna(0).to_numpy()
    return out.drop_duplicates("unique_id", keep="last")


def read_future(path: str, dataset) -> pd.DataFrame:
    """Planned ``promo``/``price`` per product and date from a CSV/XLSX file.

    The file names products with the sales file's own ID columns (or ``unique_id``) and
    has a date column; headers are recognised like the sales file's.
    """

    table = read_table(path, ReadOptions()).frame
    roles = match_headers(list(table.columns))
    if "date" not in roles:
        raise InputError(
            f"{path}: the plan file needs a date column.", f"{path}：计划文件需要日期列。"
        )
    uid = uid_column(table, dataset, path)
    out = pd.DataFrame({"unique_id": uid, "ds": parse_dates(table[roles["date"]]).values})
    if "promo" in roles:
        out["promo"] = parse_flags(table[roles["promo"]]).to_numpy()
    if "price" in roles:
        out["price"] = parse_numbers(table[roles["price"]])[0].to_numpy()
    if not {"promo", "price"} & set(out.columns):
        raise InputError(
            f"{path}: no promotion or price column found in the plan file.",
            f"{path}：计划文件中没有促销或价格列。",
        )
    return out.dropna(subset=["ds"])


def load_event_calendar(path) -> pd.DataFrame:
    """Read a user event calendar: a CSV with columns ``date``, ``event``, optional ``end_date``.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (any encoding and separator :func:`core.data.io.read_table` detects).

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``end_date`` (equal to ``date`` where not given) and ``event``.

    Raises
    ------
    InputError
        If the file cannot be read, lacks a column, or has unreadable dates or names.
    """
    path = Path(path)
    table = read_table(path).frame
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in ("date", "event") if c not in table.columns]
    if missing:
        raise InputError(
            f"The event calendar {path.name} needs the columns date and event; "
            f"missing: {', '.join(missing)}.",
            f"活动日历 {path.name} 需要 date 和 event 两列；缺少：{'、'.join(missing)}。",
        )
    start = _event_dates(table["date"], path, "date")
    end = start
    if "end_date" in table.columns:
        end = _event_dates(table["end_date"], path, "end_date", allow_empty=True).fillna(start)
    names = table["event"].fillna("").astype(str).str.strip()
    bad = (names == "") | (end < start)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InputError(
            f"Line {line} of the event calendar {path.name} has no event name "
            "or ends before it starts.",
            f"活动日历 {path.name} 第 {line} 行缺少活动名称，或结束日期早于开始日期。",
        )
    return pd.DataFrame({"date": start, "end_date": end, "event": names}).reset_index(drop=True)


def _event_dates(column: pd.Series, path: Path, name: str, allow_empty=False) -> pd.Series:
    parsed = parse_dates(column.fillna("").astype(str))
    bad = parsed.bad | (parsed.empty & (not allow_empty))
    if bad.any():
        line = int(np.flatnonzero(bad)[0]) + 2
        raise InputError(
            f"Line {line} of the event calendar {path.name} has no readable {name}.",
            f"活动日历 {path.name} 第 {line} 行的 {name} 不是有效日期。",
        )
    return parsed.values.dt.normalize()
