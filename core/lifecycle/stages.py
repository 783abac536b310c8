"""Lifecycle stage of every product, now and over its history, with the next transition.

Stages: ``new`` (under :data:`~core.lifecycle.product.NEW_DAYS` of sales history), ``introduction``, ``growth``,
``maturity``, ``decline`` and ``inactive`` (no sale for 90 days, 13 weeks or 3 months,
the notion of :func:`core.data.alignment.align_to_end`).

Method
------
Each product's sales become mean daily sales per week (daily data pooled into 7-day
weeks ending on the last date: the weekday pattern cancels; sold-out days left out, as
a stock-out is no drop in demand; :mod:`core.lifecycle.rates`). A smooth level is
fitted to them (:mod:`core.lifecycle.trend`: a penalised Poisson fit, robust to single
spikes, with the product's promotion lift, and its own yearly season when it has over
a year of history and the season explains it). The shop is fitted twice: first each
product alone, then again with the shop's calendar (the weeks that move most products
together: the Double 11 presale, the Spring Festival shutdown) taken out. The stage is
the operator's reading of that level (:mod:`core.lifecycle.reading`): rising clearly,
flat near its peak, or falling away from a peak that is in the history.

:func:`stage_history` applies the same reading at every period of the level fitted to
the *whole* history (hindsight: stable shading for a chart), while ``new`` and
``inactive`` are judged as of each date. Its last period always equals
:func:`classify_lifecycle`'s answer.

The next stage is called from what the shop's finished products did
(:mod:`core.lifecycle.ahead`): how long rises and plateaus of the category lasted.
With no change in sight ``next_stage`` and ``next_stage_date`` are empty and the
reason says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data import sorted_by_product
from core.errors import InputError
from core.lifecycle.ahead import ShopHistory, next_transition
from core.lifecycle.product import Product
from core.lifecycle.reasons import describe, no_change_note, peak_date
from core.lifecycle.trend import shop_calendar
from core.parallel import Workers, current
from core.periods import PeriodGrid

__all__ = ["classify_lifecycle", "lifecycle_with_history", "stage_history"]

_COLUMNS = (
    "unique_id", "stage", "confidence", "reason_en", "reason_zh", "next_stage",
    "next_stage_date", "peak_date", "share_of_peak", "change_8w",
)  # fmt: skip


def _check_frame(frame: pd.DataFrame, as_of) -> tuple[pd.DataFrame, pd.Timestamp]:
    missing = {"unique_id", "ds", "y"} - set(frame.columns)
    if missing:
        cols = ", ".join(sorted(missing))
        raise InputError(f"The sales table lacks the columns {cols}.", f"销售表缺少列：{cols}。")
    if as_of is not None:
        frame = frame[frame["ds"] <= pd.Timestamp(as_of)]
    if frame.empty:
        raise InputError("No sales rows to classify.", "没有可用于判断生命周期的销售记录。")
    end = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp(frame["ds"].max())
    if not sorted_by_product(frame):  # a cleaned shop is: no sorted copy of it then
        frame = frame.sort_values(["unique_id", "ds"], kind="stable")
    return frame, end


def _product_rows(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """Each product's rows of ``frame`` (sorted by product): slices of it, not copies.

    The same parts, in the same order, as iterating ``groupby("unique_id", sort=True)``;
    at 50,000 products those copies were a second shop in memory.
    """
    if frame["unique_id"].isna().any():  # rows a group-by would leave out
        frame = frame[frame["unique_id"].notna()]
    ids = frame["unique_id"].to_numpy()
    bounds = np.r_[0, np.flatnonzero(ids[1:] != ids[:-1]) + 1, len(ids)]
    return [frame.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _classify_one(prod: Product, history: ShopHistory, forecast: pd.DataFrame | None) -> dict:
    end = np.array([prod.end.to_datetime64()])
    stage = str(prod.stages(end)[0])
    nxt, when = next_transition(prod, stage, history, forecast)
    rd = prod.reading
    peak = peak_date(prod)
    if stage == "growth" and nxt == "maturity":
        peak = when  # the peak a rising product is heading for
    row = {
        "unique_id": prod.uid,
        "stage": stage,
        "confidence": round(prod.confidence(stage), 3),
        "next_stage": nxt,
        "next_stage_date": when,
        "peak_date": peak,
        "share_of_peak": round(float(rd.share[-1]), 3) if rd is not None else np.nan,
    }
    row.update(describe(prod, stage))
    has_forecast = forecast is not None and bool((forecast["unique_id"] == prod.uid).any())
    note = no_change_note(prod, stage, nxt, has_forecast)
    if note:
        row["reason_en"] += "; " + note["reason_en"]
        row["reason_zh"] += "；" + note["reason_zh"]
    return row


def _check_forecast(forecast: pd.DataFrame | None) -> pd.DataFrame | None:
    if forecast is None:
        return None
    missing = {"unique_id", "ds", "forecast"} - set(forecast.columns)
    if missing:
        cols = ", ".join(sorted(missing))
        raise InputError(f"The forecast lacks the columns {cols}.", f"预测结果缺少列：{cols}。")
    return forecast.assign(unique_id=forecast["unique_id"].astype(str))


# Products a shop needs before its calendar is taken out of each product's level.
_CALENDAR_PRODUCTS = 6


def _build(parts: list[pd.DataFrame], freq: str, end: pd.Timestamp, start) -> list[Product]:
    """Products from their rows, each fitted alone (a batch of :class:`Workers`)."""
    return [Product(rows, freq, end, start) for rows in parts]


def _refit(prods: list[Product], calendar: pd.Series) -> list[Product]:
    """Products fitted again with the shop's calendar (a batch of :class:`Workers`)."""
    for prod in prods:
        if prod.trend is not None:
            prod.fit(calendar)
    return prods


def _products(frame: pd.DataFrame, freq: str, as_of, workers: Workers | None = None,
              on_progress=None, should_stop=None) -> list[Product]:  # fmt: skip
    """Every product with its level fitted against the shop's pooled calendar.

    The fits run on ``workers`` (:mod:`core.parallel`); the products come back in
    ``unique_id`` order whatever ran where, so the answer does not depend on it.
    """
    frame, end = _check_frame(frame, as_of)
    start = frame["ds"].min()
    workers = current(workers)
    prods = workers.map(_build, _product_rows(frame), freq, end, start, step="lifecycle",
                        on_progress=on_progress, should_stop=should_stop)  # fmt: skip
    if len(prods) >= _CALENDAR_PRODUCTS:
        calendar = shop_calendar([p.rates for p in prods], [p.trend for p in prods])
        if len(calendar) and calendar.abs().max() > 0:
            _refit_all(workers, prods, calendar, on_progress, should_stop)
    return prods


#: Products refitted per map: only a chunk's products are held twice (as sent and as
#: refitted), not the whole shop's.
REFIT_CHUNK = 8_000


def _refit_all(workers: Workers, prods: list[Product], calendar: pd.Series,
               on_progress=None, should_stop=None) -> None:  # fmt: skip
    """:func:`_refit` every product on ``workers``, in place, in equal chunks of at most
    :data:`REFIT_CHUNK`; progress counts over all of them."""
    total = len(prods)
    size = -(-total // -(-total // REFIT_CHUNK))
    for lo in range(0, total, size):
        hi = min(lo + size, total)

        def report(event, lo=lo):
            on_progress({**event, "done": lo + event["done"], "total": total})

        prods[lo:hi] = workers.map(_refit, prods[lo:hi], calendar, should_stop=should_stop,
                                   on_progress=report if on_progress else None,
                                   step="lifecycle_calendar")  # fmt: skip


def classify_lifecycle(
    frame: pd.DataFrame,
    freq: str,
    *,
    forecast: pd.DataFrame | None = None,
    as_of=None,
    workers: Workers | None = None,
    on_progress=None,
) -> pd.DataFrame:
    """Lifecycle stage of every product at the last date (or ``as_of``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Long sales table: ``unique_id``, ``ds``, ``y``; optional ``stock`` (days with
        ``stock <= 0`` and no sale are read as stock-outs) and ``promo``.
    freq : str
        Frequency alias of ``frame`` (``D``, ``W-MON`` .., ``MS``).
    forecast : pandas.DataFrame, optional
        ``unique_id``, ``ds``, ``forecast`` (a SkuCast forecaster's output): dates a
        decline when the shop has too few finished products to date it.
    as_of : datetime-like, optional
        Judge as of this date, ignoring later rows (default: the last date in ``frame``).
    workers : core.parallel.Workers, optional
        Where the products' fits run (default: the configured one, every core for a
        big shop); the table does not depend on it.
    on_progress : callable, optional
        Receives ``{"stage": "lifecycle" | "lifecycle_calendar" | "lifecycle_rules",
        "done", "total"}`` as batches of products are fitted (alone, then with the shop's
        calendar) and then read by the stage rules.

    Returns
    -------
    pandas.DataFrame
        One row per product: ``unique_id``, ``stage`` (one of :data:`STAGES`),
        ``confidence`` (0..1), ``reason_en``, ``reason_zh``, ``next_stage`` (None when
        nothing points to a change), ``next_stage_date``, ``peak_date`` (of the highest
        level so far; for a rising product, the peak it is heading for),
        ``share_of_peak`` (level now / highest level so far) and ``change_8w``
        (relative change of the level over 8 weeks).

    Raises
    ------
    InputError
        For a table without the needed columns or rows.
    """
    forecast = _check_forecast(forecast)
    prods = _products(frame, freq, as_of, workers, on_progress)
    return _stage_table(prods, forecast, workers, on_progress)


def _classify(items: list[tuple], history: ShopHistory) -> list[dict]:
    """:func:`_classify_one` over ``(product, its forecast rows)`` (a batch of ``Workers``)."""
    return [_classify_one(prod, history, fc) for prod, fc in items]


def _stage_table(prods: list[Product], forecast: pd.DataFrame | None,
                 workers: Workers | None = None, on_progress=None) -> pd.DataFrame:  # fmt: skip
    history = ShopHistory.from_products(prods)
    if forecast is None:
        items = [(prod, None) for prod in prods]
    else:  # each product gets its own rows (no product scans the whole forecast)
        own = dict(tuple(forecast.groupby("unique_id", sort=False)))
        empty = forecast.iloc[0:0]
        items = [(prod, own.get(prod.uid, empty)) for prod in prods]
    rows = current(workers).map(_classify, items, history, on_progress=on_progress,
                                step="lifecycle_rules")  # fmt: skip
    out = pd.DataFrame(rows, columns=list(_COLUMNS))
    out["next_stage_date"] = pd.to_datetime(out["next_stage_date"])
    out["peak_date"] = pd.to_datetime(out["peak_date"])
    return out


def stage_history(frame: pd.DataFrame, freq: str, *, as_of=None,
                  workers: Workers | None = None) -> pd.DataFrame:  # fmt: skip
    """Stage of every product in every period from its first row to the last date.

    The stages read the level fitted to the whole history (hindsight); ``new`` and
    ``inactive`` are judged as of each date. The last period of each product equals
    the stage :func:`classify_lifecycle` gives.

    Parameters
    ----------
    frame : pandas.DataFrame
        As for :func:`classify_lifecycle`.
    freq : str
        Frequency alias of ``frame``.
    as_of : datetime-like, optional
        Ignore rows after this date.
    workers : core.parallel.Workers, optional
        As for :func:`classify_lifecycle`.

    Returns
    -------
    pandas.DataFrame
        ``unique_id``, ``ds`` (each period on the grid of ``freq``), ``stage``.
    """
    return _history_table(_products(frame, freq, as_of, workers), freq)


def lifecycle_with_history(
    frame: pd.DataFrame,
    freq: str,
    *,
    forecast: pd.DataFrame | None = None,
    as_of=None,
    workers: Workers | None = None,
    on_progress=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(classify_lifecycle(...), stage_history(...))`` with the life curves fitted once.

    Both tables come from the same fits, so they are equal to the two calls' results.
    """
    forecast = _check_forecast(forecast)
    prods = _products(frame, freq, as_of, workers, on_progress)
    return _stage_table(prods, forecast, workers, on_progress), _history_table(prods, freq)


def _history_table(prods: list[Product], freq: str) -> pd.DataFrame:
    grid = PeriodGrid.from_freq(freq)
    parts = []
    for prod in prods:
        first, last = grid.periods([prod.first.to_datetime64(), prod.end.to_datetime64()])
        dates = grid.dates(np.arange(first, last + 1))
        parts.append(
            pd.DataFrame({"unique_id": prod.uid, "ds": dates, "stage": prod.stages(dates)})
        )
    return pd.concat(parts, ignore_index=True)
