"""Lifecycle stage of every product, now and over its history, with the next transition.

Stages: ``new`` (under :data:`~core.lifecycle.product.NEW_DAYS` of sales history), ``introduction``, ``growth``,
``maturity``, ``decline`` and ``inactive`` (no sale for 90 days, 13 weeks or 3 months,
the notion of :func:`core.data.alignment.align_to_end`).

Method
------
Each product's sales become mean daily sales per week (daily data pooled into 7-day
weeks ending on the last date: the weekday pattern cancels; sold-out days left out, as
a stock-out is no drop in demand; slow movers pooled further; :mod:`core.lifecycle.rates`)
and a life curve is fitted to them (:func:`core.lifecycle.curve.fit_life_curve`): a Bass
adoption curve with a plateau at its peak and a slower decline, times a yearly cycle and
a promotion uplift, by robust least squares in logs, so a single Double 11 week does not
bend it; a decline inside the data must be significant. The whole shop is fitted twice:
first each product alone, then again with what its products share
(:mod:`core.lifecycle.pool`): the shop's calendar of demand (Spring Festival shutdown,
festival presales and dips), its yearly pattern for products with less than a year of
history, and how far its launches rise to their peak, which places the peak of a young
product. A product with too few sales for a curve is ``maturity`` unless a binomial
test shows a trend. The four curve stages are read off the de-seasonalised curve ``c``
(share of its fitted peak) with the thresholds of the sample shop's truth
(:mod:`core.sample.shop`): ``introduction`` before the peak below 20 %, ``growth`` before
the peak below 80 %, ``maturity`` at 80 % or more, ``decline`` after the peak below 80 %.

:func:`stage_history` labels every period with the curve fitted to the *whole* history
(hindsight: stable shading for a chart), while ``new`` and ``inactive`` are judged as of
each date. Its last period always equals :func:`classify_lifecycle`'s answer.

The next transition comes from evidence only: with a forecast, the share of the peak now
moved as the forecast moves from its first week (a forecast that merely sits lower than
the fitted curve dates nothing); without, the fitted curve extrapolated for a year. With
no change in sight ``next_stage`` and ``next_stage_date`` are empty and the reason ends
"no change of stage expected within the forecast" (or "within a year").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import InputError
from core.lifecycle.pool import launch_prior, shop_calendar
from core.lifecycle.product import Product, next_transition, period_days
from core.lifecycle.reasons import describe, no_change_note, peak_date, stage_confidence
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
    return frame.sort_values(["unique_id", "ds"], kind="stable"), end


def _classify_one(prod: Product, forecast: pd.DataFrame | None) -> dict:
    end = np.array([prod.end.to_datetime64()])
    stage = str(prod.stages(end)[0])
    nxt, when = next_transition(prod, stage, forecast)
    fit = prod.fit
    row = {
        "unique_id": prod.uid,
        "stage": stage,
        "confidence": round(stage_confidence(prod, stage), 3),
        "next_stage": nxt,
        "next_stage_date": when,
        "peak_date": peak_date(fit),
        "share_of_peak": round(float(fit.share(period_days(prod.freq, end)[0])[0]), 3)
        if fit
        else np.nan,
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


def _products(frame: pd.DataFrame, freq: str, as_of) -> list[Product]:
    """Every product with its life curve fitted against the shop's pooled calendar."""
    frame, end = _check_frame(frame, as_of)
    start = pd.Timestamp(frame["ds"].min())
    groups = frame.groupby("unique_id", sort=True)
    prods = [Product(rows, freq, end, start) for _, rows in groups]
    rates, fits = [p.rates for p in prods], [p.fit for p in prods]
    calendar = shop_calendar(rates, fits)
    season = shop_calendar(rates, fits, with_season=True)
    rise = launch_prior([p.launch for p in prods], fits)
    for prod in prods:
        prod.refit(calendar, season, rise)
    return prods


def classify_lifecycle(
    frame: pd.DataFrame, freq: str, *, forecast: pd.DataFrame | None = None, as_of=None
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
        ``unique_id``, ``ds``, ``forecast`` (a SkuCast forecaster's output): used to date
        the next transition; without it the fitted curve is extrapolated.
    as_of : datetime-like, optional
        Judge as of this date, ignoring later rows (default: the last date in ``frame``).

    Returns
    -------
    pandas.DataFrame
        One row per product: ``unique_id``, ``stage`` (one of :data:`STAGES`),
        ``confidence`` (0..1), ``reason_en``, ``reason_zh``, ``next_stage`` (None when no
        transition is expected within the horizon), ``next_stage_date``, ``peak_date`` (of
        the fitted curve), ``share_of_peak`` (de-seasonalised level / fitted peak) and
        ``change_8w`` (relative change of de-seasonalised sales over 8 weeks).

    Raises
    ------
    InputError
        For a table without the needed columns or rows.
    """
    forecast = _check_forecast(forecast)
    return _stage_table(_products(frame, freq, as_of), forecast)


def _stage_table(prods: list[Product], forecast: pd.DataFrame | None) -> pd.DataFrame:
    out = pd.DataFrame([_classify_one(prod, forecast) for prod in prods], columns=list(_COLUMNS))
    out["next_stage_date"] = pd.to_datetime(out["next_stage_date"])
    out["peak_date"] = pd.to_datetime(out["peak_date"])
    return out


def stage_history(frame: pd.DataFrame, freq: str, *, as_of=None) -> pd.DataFrame:
    """Stage of every product in every period from its first row to the last date.

    The curve stages use the curve fitted to the whole history (hindsight); ``new`` and
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

    Returns
    -------
    pandas.DataFrame
        ``unique_id``, ``ds`` (each period on the grid of ``freq``), ``stage``.
    """
    return _history_table(_products(frame, freq, as_of), freq)


def lifecycle_with_history(
    frame: pd.DataFrame, freq: str, *, forecast: pd.DataFrame | None = None, as_of=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(classify_lifecycle(...), stage_history(...))`` with the life curves fitted once.

    The curve fits are nearly all the cost of either table (about 11 s each for the
    bundled sample shop's 60 products on a 2-core laptop); both tables come from the
    same fits, so they are equal to the two calls' results.
    """
    forecast = _check_forecast(forecast)
    prods = _products(frame, freq, as_of)
    return _stage_table(prods, forecast), _history_table(prods, freq)


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
