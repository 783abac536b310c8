"""Where a backtest cuts the history, and what each fold's models see.

:func:`plan_cutoffs` places the cutoffs (see :mod:`core.forecast.backtest` for the rules);
:func:`split_fold` gives one fold's training rows, the window's actuals (the sales as sold,
also where the models train on the demand estimated behind a stock-out) and the window's
known future (planned promotions and prices), eligible products only, and lists the
products left out and why (``too_short``, ``ended``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError
from core.periods import PeriodGrid

__all__ = ["KNOWN_FUTURE", "MIN_TRAIN", "Fold", "known_columns", "plan_cutoffs", "split_fold"]


#: Fewest periods of history a product needs before a cutoff to take part in that fold.
MIN_TRAIN = 2


#: Planned columns a model may see for a backtest window (see module doc).
KNOWN_FUTURE = ("promo", "price")


def plan_cutoffs(
    frame: pd.DataFrame,
    freq: str,
    *,
    horizon: int,
    folds: int = 3,
    step: int | None = None,
    min_train: int = MIN_TRAIN,
) -> list[pd.Timestamp]:
    """The fold cutoff dates: the last training date of each fold, oldest first.

    Parameters
    ----------
    frame, freq, horizon, folds, step, min_train
        As for :func:`core.forecast.backtest.backtest`.

    Raises
    ------
    InputError
        When the panel is too short for ``folds`` windows of ``horizon`` periods after
        ``min_train`` periods of history; the message names the most folds that fit.
    """
    step = int(step or horizon)
    grid = PeriodGrid.from_freq(freq)
    periods = grid.periods(frame["ds"].to_numpy())
    first, last = int(periods.min()), int(periods.max())
    span = last - first + 1
    most = (span - horizon - min_train) // step + 1
    if folds > most:
        if most >= 1:
            en = f"at most {most} fold(s) fit (each new fold needs {step} more periods)"
            zh = f"最多只能做 {most} 折（每多一折需要多 {step} 期）"
        else:
            en = f"not even one fold fits; the horizon can be at most {span - min_train}"
            zh = f"连一折都做不了；预测期数最多为 {span - min_train}"
        raise InputError(
            f"The data covers {span} periods: too short for {folds} backtest fold(s) of "
            f"{horizon} periods after {min_train} periods of history; {en}.",
            f"数据只有 {span} 期，不够做 {folds} 折、每折 {horizon} 期的回测（训练至少需要 "
            f"{min_train} 期）；{zh}。",
        )
    ends = last - horizon - step * np.arange(folds - 1, -1, -1)
    return list(pd.DatetimeIndex(grid.dates(ends)))


@dataclass
class Fold:
    """One fold's data: training rows, the window's actuals and known future."""

    number: int
    cutoff: pd.Timestamp
    train: pd.DataFrame
    actual: pd.DataFrame
    future: pd.DataFrame | None
    excluded: pd.DataFrame
    train_all: pd.DataFrame


def split_fold(frame: pd.DataFrame, periods: np.ndarray, fold: int, cutoff, run: dict) -> Fold:
    """Training rows, actuals and known future of one fold, eligible products only."""
    horizon, min_train, known = run["horizon"], run["min_train"], run["known"]
    cut = int(run["grid"].periods([cutoff.to_datetime64()])[0])
    before, window = periods <= cut, (periods > cut) & (periods <= cut + horizon)
    by_id = pd.DataFrame({"before": before, "window": window, "p": periods}).groupby(
        frame["unique_id"].to_numpy()
    )
    n_train, has_test = by_id["before"].sum(), by_id["window"].any()
    reasons = pd.Series(None, index=n_train.index, dtype=object)
    reasons[has_test & (n_train < min_train)] = "too_short"
    reasons[~has_test & (n_train > 0) & (by_id["p"].max() <= cut)] = "ended"
    excluded = reasons.dropna().rename("reason").rename_axis("unique_id").reset_index()
    excluded = excluded.assign(
        fold=fold, cutoff=cutoff, n_train=n_train.reindex(excluded["unique_id"]).to_numpy()
    )
    ok = n_train.index[(n_train >= min_train) & has_test]
    keep = frame["unique_id"].isin(ok).to_numpy()
    rows = frame.loc[keep & window]
    future = rows[["unique_id", "ds", *known]].reset_index(drop=True) if known else None
    train = frame.loc[keep & before].reset_index(drop=True)
    # a global model also learns from products that ended before the cutoff
    enough = frame["unique_id"].isin(n_train.index[n_train >= min_train]).to_numpy()
    train_all = frame.loc[enough & before].reset_index(drop=True)
    return Fold(fold, cutoff, train, _actuals(rows), future, excluded, train_all)


def _actuals(rows: pd.DataFrame) -> pd.DataFrame:
    """The window's actuals: the sales as sold (``sales``) where the models train on demand.

    On stock-out rows :func:`core.data.model_frames` puts the estimated demand in ``y``
    and what really sold in ``sales``; a forecast is scored against what sold.
    """
    if "sales" not in rows:
        return rows[["unique_id", "ds", "y"]]
    sold = rows["sales"].where(rows["sales"].notna(), rows["y"])
    return rows[["unique_id", "ds"]].assign(y=sold.to_numpy())


def known_columns(frame: pd.DataFrame, future) -> list[str]:
    """The planned columns the models see for a window (see module doc)."""
    if future is None or future is True:
        return [c for c in KNOWN_FUTURE if c in frame.columns]
    if future is False:
        return []
    cols = [str(c) for c in future]
    bad = [c for c in cols if c not in frame.columns or c in ("unique_id", "ds", "y")]
    if bad:
        raise InputError(
            f"Known-future columns {bad} are not feature columns of the data.",
            f"未来已知列 {bad} 不是数据中的特征列。",
        )
    return cols
