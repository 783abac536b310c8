"""Bring every product up to the shop's last date before forecasting, and set aside the
products that stopped selling.

Shop exports leave out days without sales, so a product's last row is often before the
file's last date although it is still on sale. Forecasts start after the *shop's* last
date, so :func:`align_to_end` adds the missing trailing periods as 0 sales (price
carried forward, no promotion, other columns empty). A product with no row for longer
than ``inactive_periods`` (default: 90 days, 13 weeks or 3 months) is treated as
discontinued: it is not forecast and is listed instead. Both are reported, never done
silently.

:func:`model_frames` also trains the models on demand rather than sales where the cleaning
step ``stockouts`` marked stock-out periods (see :mod:`core.data.stockouts`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.data.dataset import Dataset
from core.data.stockouts import as_sold, describe_stockouts, stockout_frames
from core.errors import InputError
from core.periods import PeriodGrid
from core.text import pick

__all__ = [
    "align_to_end",
    "Alignment",
    "default_inactive_periods",
    "model_frames",
    "ModelFrames",
    "require_active",
]


@dataclass
class Alignment:
    """Result of :func:`align_to_end`.

    Attributes
    ----------
    frame : pandas.DataFrame
        Active products only, each ending on the shop's last date.
    extended : pandas.DataFrame
        ``unique_id``, ``last_date``, ``periods_added`` of products given trailing zeros.
    inactive : pandas.DataFrame
        ``unique_id``, ``last_date``, ``periods_since`` of the products set aside.
    end : pandas.Timestamp
        The shop's last date.
    """

    frame: pd.DataFrame
    extended: pd.DataFrame
    inactive: pd.DataFrame
    end: pd.Timestamp

    def describe(self, lang: str = "both") -> list[str]:
        """One line per kind of change (empty when nothing changed)."""
        lines = []
        day = self.end.date()
        if len(self.extended):
            n, rows = len(self.extended), int(self.extended["periods_added"].sum())
            en = f"{n} products had no rows up to {day}: {rows} periods added as 0 sales"
            zh = f"{n} 个商品在 {day} 之前缺少末尾记录：补充了 {rows} 期 0 销量"
            lines.append(pick(lang, en, zh))
        if len(self.inactive):
            n = len(self.inactive)
            names = ", ".join(self.inactive["unique_id"].head(6)) + (" ..." if n > 6 else "")
            en = f"{n} products stopped selling (no rows for a long time) and are not forecast: {names}"
            zh = f"{n} 个商品已长期无销售记录，视为停售，不做预测：{names}"
            lines.append(pick(lang, en, zh))
        return lines


def default_inactive_periods(freq: str) -> int:
    """90 days, 13 weeks or 3 months in periods of ``freq``."""
    grid = PeriodGrid.from_freq(freq)
    if grid.kind != "step":
        return 3
    return max(1, int(round(pd.Timedelta(days=90).value / grid.step)))


def align_to_end(frame: pd.DataFrame, freq: str, inactive_periods: int | None = None) -> Alignment:
    """Extend recently active products to the last date; set aside the discontinued.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cleaned long frame (``unique_id``, ``ds``, ``y``, optional ``price``/``promo``/...).
    freq : str
        Its frequency alias.
    inactive_periods : int, optional
        Products whose last row is more than this many periods before the end are set
        aside (default :func:`default_inactive_periods`).

    Returns
    -------
    Alignment
    """
    limit = default_inactive_periods(freq) if inactive_periods is None else int(inactive_periods)
    grid = PeriodGrid.from_freq(freq)
    end = pd.Timestamp(frame["ds"].max())
    end_period = int(grid.periods([end.to_datetime64()])[0])
    # integer codes of the sorted IDs stand in for the IDs: every step below is an array
    # operation on them (no sorted copy of the whole frame just to find the last rows)
    codes, uniques = pd.factorize(frame["unique_id"], sort=True)
    codes[codes < 0] = len(uniques)  # rows without an ID: no product, sorted last
    ds = frame["ds"].to_numpy("datetime64[ns]")
    last = pd.Series(ds).groupby(codes).max().iloc[: len(uniques)]
    gap = end_period - grid.periods(last.to_numpy())
    since = pd.DataFrame({"unique_id": uniques[last.index], "last_date": last.to_numpy(),
                          "gap": gap})  # fmt: skip
    inactive = since[since["gap"] > limit].rename(columns={"gap": "periods_since"})
    short = since[(since["gap"] > 0) & (since["gap"] <= limit)]
    tails = _tails(frame, _last_rows(codes, ds, last.to_numpy()), short, grid)
    kept = np.ones(len(uniques) + 1, dtype=bool)
    kept[inactive.index.to_numpy()] = False
    out_codes = np.concatenate([codes, np.repeat(short.index.to_numpy(), short["gap"])])
    rows = np.flatnonzero(kept[out_codes])
    out_ds = np.concatenate([ds, tails["ds"].to_numpy("datetime64[ns]")]).view(np.int64)
    order = rows[np.lexsort((out_ds[rows], out_codes[rows]))]  # stable, as sort_values
    del out_codes, out_ds, rows
    extended = short.rename(columns={"gap": "periods_added"}).reset_index(drop=True)
    return Alignment(_gather(frame, tails, order), extended, inactive.reset_index(drop=True), end)


#: Most runs of consecutive rows :func:`_gather` concatenates as slices.
_MAX_RUNS = 200_000


def _gather(frame: pd.DataFrame, tails: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """``pd.concat([frame, tails]).take(order)`` with a fresh index, copied once, not twice.

    A frame sorted by product (as cleaned) comes out in long runs of consecutive rows,
    one each side of every product's tail: those runs are concatenated as slices (views)
    of the two frames. An order too scattered for that is taken from the concatenation.
    """
    n = len(frame)
    cut = np.flatnonzero((np.diff(order) != 1) | (order[1:] == n)) + 1
    if len(order) and len(cut) < _MAX_RUNS:
        bounds = np.r_[0, cut, len(order)]
        starts, stops = order[bounds[:-1]], order[bounds[1:] - 1] + 1
        runs = [frame.iloc[a:b] if a < n else tails.iloc[a - n : b - n]
                for a, b in zip(starts, stops, strict=True)]  # fmt: skip
        out = pd.concat(runs, ignore_index=True)
    else:
        out = pd.concat([frame, tails], ignore_index=True) if len(tails) else frame
        out = out.take(order)
    out.index = pd.RangeIndex(len(out))  # our own copy: no second one to reset the index
    return out


def _last_rows(codes: np.ndarray, ds: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Position of each product's last row: its latest date, the last such row in the frame."""
    n = len(last)
    known = codes < n
    at_last = np.flatnonzero(known & (ds == last[np.where(known, codes, 0)]))
    pos = np.full(n, -1, dtype=np.int64)
    np.maximum.at(pos, codes[at_last], at_last)
    return pos


def _tails(frame: pd.DataFrame, last_rows: np.ndarray, short: pd.DataFrame,
           grid: PeriodGrid) -> pd.DataFrame:  # fmt: skip
    """The trailing periods of the ``short`` products, all at once: 0 sales, no promotion,
    the price, category and brand of the product's last row, other columns left out."""
    gap = short["gap"].to_numpy(dtype=np.int64)
    first = grid.periods(short["last_date"].to_numpy("datetime64[ns]")) + 1
    step = np.arange(gap.sum()) - np.repeat(np.cumsum(gap) - gap, gap)
    tail = {"unique_id": np.repeat(short["unique_id"].to_numpy(), gap),
            "ds": grid.dates(np.repeat(first, gap) + step), "y": 0.0}  # fmt: skip
    at = np.repeat(last_rows[short.index.to_numpy()], gap)
    for col in frame.columns:
        if col == "promo":
            tail[col] = 0.0
        elif col in ("price", "category", "brand"):
            tail[col] = frame[col].to_numpy()[at]
    return pd.DataFrame(tail, index=pd.RangeIndex(int(gap.sum())))


@dataclass
class ModelFrames:
    """The frames a model sees, made by :func:`model_frames`.

    Attributes
    ----------
    frame : pandas.DataFrame
        Active products aligned to the shop's last date (what models are fitted on). Where
        cleaning marked stock-outs, ``y`` holds the estimated demand on those rows, ``sales``
        the sales as sold and ``stockout`` the mark.
    full : pandas.DataFrame
        Every product as cleaned, discontinued ones included, ``y`` as sold (lifecycle,
        charts, the backtest's actuals); with the ``stockout`` mark where cleaning made one.
    alignment : Alignment
        What the alignment did (trailing periods added, products set aside).
    orders : pandas.DataFrame or None
        The dataset's products per order (:attr:`Dataset.orders`), for "bought together".
    stockouts : pandas.DataFrame or None
        The stock-out periods of the active products whose demand the models train on
        (``unique_id, start, end, periods, days, sold, demand``); ``None`` or empty: none.
    full_demand : numpy.ndarray or None
        The estimated demand on ``full``'s stock-out rows (NaN elsewhere); ``None``: none.
    """

    frame: pd.DataFrame
    full: pd.DataFrame
    alignment: Alignment
    orders: pd.DataFrame | None = None
    stockouts: pd.DataFrame | None = None
    full_demand: np.ndarray | None = None

    def history(self) -> pd.DataFrame:
        """Every product as the backtest sees it: ``full`` with ``y`` the demand to train on.

        On stock-out rows ``y`` is the estimated demand and ``sales`` what really sold,
        which the backtest scores against; without stock-outs this is ``full`` itself.
        """
        if self.full_demand is None or "stockout" not in self.full:
            return self.full
        flag = self.full["stockout"].to_numpy(bool)
        y = self.full["y"].to_numpy(np.float64)
        return self.full.assign(sales=y, y=np.where(flag, self.full_demand, y))

    def describe(self, lang: str = "both") -> list[str]:
        """The alignment's and the stock-outs' report lines (empty when nothing changed)."""
        lines = self.alignment.describe(lang) if self.alignment is not None else []
        return lines + describe_stockouts(self.stockouts, lang)


def model_frames(dataset: Dataset) -> ModelFrames:
    """Model-ready frames of a cleaned dataset; category/brand join for embeddings."""
    # one copy of the dataset's columns, ours alone: ``full`` below shares its columns
    frame = pd.DataFrame({c: col for c, col in dataset.frame.items() if c != "_row"}, copy=False)
    attrs = [c for c in ("category", "brand") if c in dataset.series.columns]
    if attrs:
        frame = frame.merge(dataset.series[["unique_id", *attrs]], on="unique_id", how="left")
    else:
        frame = frame.copy()
    aligned = align_to_end(frame, dataset.freq)
    aligned.frame, periods = stockout_frames(aligned.frame, dataset.freq)
    demand = frame["demand"].to_numpy(np.float64) if "demand" in frame else None
    return ModelFrames(frame=aligned.frame, full=as_sold(frame), alignment=aligned,
                       orders=dataset.orders, stockouts=periods, full_demand=demand)  # fmt: skip


def require_active(frames: ModelFrames) -> None:
    """Raise :class:`InputError` when no product is left to forecast."""
    if frames.frame.empty:
        raise InputError(
            "No product sold in the last 90 days of the file: nothing to forecast.",
            "文件最后 90 天内没有任何商品有销售记录：无可预测的商品。",
        )
