"""Sliding windows over many product series for the global deep model, in plain numpy.

All products live in one :class:`Panel`: flat arrays where every series is stored on
consecutive periods, preceded by ``lookback`` and followed by ``horizon`` empty slots.
A *window* is a product and an *end* (the position of the first period to forecast):
its encoder input is the ``lookback`` periods before the end, its decoder input the
known-in-advance features of the ``horizon`` periods from the end on, and its target
the sales of those periods. Windows are gathered batch by batch (:func:`gather`), so
the full window tensor of a large shop (500 products x 5 years x 84 periods x 30
features would be ~9 GB) is never built.

Scaling (as in DeepAR): every window is divided by ``1 + mean`` of the observed sales
in its lookback, so products selling 2 and 2,000 a day share one model; the log of that
scale is also an input, so the model still knows the level. Nothing of the target
periods enters the scale or the encoder (no leakage).

Empty slots, periods before a product's first row and gaps in its history have
``observed = 0``; their sales are 0 in the inputs and their targets carry weight 0.

Yearly lag (``season`` > 0, weekly data by default, issue 17): every period of the
encoder and of the decoder input also carries the sales of ``season`` periods before it
(scaled like the window) and whether they were observed, so the network reads last
year's week, and how this year compares with the last, even when its lookback is
shorter than a year. Only periods before the window's end count (a forecast beyond one
season reads nothing from its own target periods).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.periods import PeriodGrid

__all__ = ["Batch", "Layout", "Panel", "SlotFeatures", "build_panel", "gather", "window_ends"]


@dataclass
class Panel:
    """Many series in flat arrays (see module doc).

    Attributes
    ----------
    ids : numpy.ndarray
        ``unique_id`` of each series, sorted.
    start : numpy.ndarray
        Flat index of each series' first period.
    length : numpy.ndarray
        Number of periods of each series (its rows, gaps included).
    first_period : numpy.ndarray
        Period number (see :class:`~core.periods.PeriodGrid`) of each series' first row.
    y, observed : numpy.ndarray
        Sales (0 where unknown) and 1/0 observed flags, float32, one per flat slot.
    x : SlotFeatures or numpy.ndarray
        Known-in-advance features, float32, shape ``(slots, n_features)``.
    static : numpy.ndarray
        Integer codes per series, shape ``(n_series, n_static)``.
    lookback, horizon : int
        Window sizes the padding was made for.
    season : int
        Periods of the yearly lag in the decoder input; 0: none (see module doc).
    """

    ids: np.ndarray
    start: np.ndarray
    length: np.ndarray
    first_period: np.ndarray
    y: np.ndarray
    observed: np.ndarray
    x: np.ndarray
    static: np.ndarray
    lookback: int
    horizon: int
    season: int = 0

    @property
    def n_features(self) -> int:
        """Number of known-in-advance feature columns."""
        return int(self.x.shape[1])


@dataclass
class Batch:
    """The arrays of a batch of windows (see :func:`gather`)."""

    past: np.ndarray
    future: np.ndarray
    static: np.ndarray
    level: np.ndarray
    scale: np.ndarray
    target: np.ndarray
    weight: np.ndarray

    def inputs(self) -> dict[str, np.ndarray]:
        """The model's named inputs."""
        return {"past": self.past, "future": self.future, "static": self.static,
                "level": self.level}  # fmt: skip


def build_panel(
    frame: pd.DataFrame,
    freq: str,
    feature_columns: list[str],
    static_codes: np.ndarray,
    lookback: int,
    horizon: int,
    season: int = 0,
    date_columns: Sequence[str] = (),
) -> Panel:
    """Lay a long frame out as a :class:`Panel`.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``unique_id``, ``ds``, ``y`` (``NaN`` for unknown, e.g. future rows) and the
        ``feature_columns``, already scaled; sorted by ``unique_id`` and ``ds``.
    freq : str
        Frequency alias of ``ds``.
    feature_columns : list of str
        Columns copied into ``x`` (``NaN`` becomes 0).
    static_codes : numpy.ndarray
        Integer codes per series in sorted ``unique_id`` order, ``(n_series, n_static)``.
    lookback, horizon : int
        Padding before and after each series.
    season : int
        Yearly lag of the decoder input (0: none).
    date_columns : sequence of str
        Those of the ``feature_columns`` that depend on the date alone: stored once per
        period (see :class:`SlotFeatures`).

    Returns
    -------
    Panel
    """
    codes, ids = pd.factorize(frame["unique_id"].astype(str), sort=True)
    periods = PeriodGrid.from_freq(freq).periods(frame["ds"].to_numpy())
    layout = Layout.of(codes, periods, len(ids), lookback, horizon)
    values = frame["y"].to_numpy(dtype="float64")
    y, observed = layout.sales(values)
    dated = [c for c in feature_columns if c in set(date_columns)]
    x = SlotFeatures.empty(layout, periods, feature_columns, dated)
    for col in feature_columns:  # by column: no copy of the whole table
        x.put(col, layout.pos, periods, frame[col].to_numpy(dtype="float32"))
    x.finish()
    return layout.panel(ids, y, observed, x, static_codes, season)


@dataclass
class Layout:
    """Where each row of a long frame lies in a :class:`Panel` (see module doc)."""

    first: np.ndarray
    length: np.ndarray
    start: np.ndarray
    pos: np.ndarray
    size: int
    lookback: int
    horizon: int

    @classmethod
    def of(cls, codes, periods, n: int, lookback: int, horizon: int) -> Layout:
        """The layout of rows with product ``codes`` (0..n-1) and period numbers."""
        first = np.full(n, np.iinfo(np.int64).max)
        last = np.full(n, np.iinfo(np.int64).min)
        np.minimum.at(first, codes, periods)
        np.maximum.at(last, codes, periods)
        length = last - first + 1
        span = lookback + length + horizon
        start = np.cumsum(span) - span + lookback
        pos = start[codes] + periods - first[codes]
        return cls(first, length, start, pos, int(span.sum()), int(lookback), int(horizon))

    def sales(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(y, observed)`` slot arrays of the rows' sales (``NaN``: unknown)."""
        known = np.isfinite(values)
        y = np.zeros(self.size, np.float32)
        observed = np.zeros(self.size, np.float32)
        y[self.pos[known]] = values[known]
        observed[self.pos[known]] = 1.0
        return y, observed

    def panel(self, ids, y, observed, x, static_codes, season: int) -> Panel:
        """The :class:`Panel` of these slots."""
        static = np.asarray(static_codes, dtype=np.int32).reshape(len(self.first), -1)
        return Panel(np.asarray(ids, dtype=object), self.start, self.length, self.first, y,
                     observed, x, static, self.lookback, self.horizon, int(season))  # fmt: skip


class SlotFeatures:
    """The known-in-advance features of a panel's slots, read like one
    ``(slots, n_features)`` float32 array (``x[index]`` adds the feature axis).

    Columns that depend on the date alone (calendar, holidays, festivals: most of them)
    are stored once per period in ``table``; the others (price, promotion, age) per slot
    in ``own``. A slot without a row of the frame (padding, gaps) reads 0 everywhere, as
    does a ``NaN`` or infinite value. At 50,000 products of two years of days this holds
    the features in about 0.5 GB where one array of every column took 4.3 GB.
    """

    def __init__(self, table, period, own, dated, own_columns, base: int) -> None:
        self.table, self.period, self.own = table, period, own
        self.dated, self.own_columns, self.base = list(dated), list(own_columns), int(base)
        #: where the stored columns go in the caller's column order (None: as stored)
        self.order = None

    @classmethod
    def empty(cls, layout: Layout, periods, columns: Sequence[str], dated: Sequence[str]):
        """Room for ``columns`` of the rows of ``layout`` (``NaN`` until :meth:`put`);
        ``dated``: those stored per period."""
        base = int(periods.min()) if len(periods) else 0
        span = int(periods.max()) - base + 1 if len(periods) else 0
        period = np.full(layout.size, -1, np.int32)
        period[layout.pos] = periods - base
        own = [c for c in columns if c not in set(dated)]
        out = cls(np.full((span + 1, len(dated)), np.nan, np.float32), period,
                  np.full((layout.size, len(own)), np.nan, np.float32), dated, own, base)  # fmt: skip
        stored = [*out.dated, *own]
        order = [stored.index(c) for c in columns]
        out.order = None if order == list(range(len(order))) else np.asarray(order)
        return out

    def put(self, col: str, pos, periods, values) -> None:
        """Write column ``col``'s ``values`` of the rows at slots ``pos`` / ``periods``."""
        if col in self.dated:
            self.table[periods - self.base, self.dated.index(col)] = values
        else:
            self.own[pos, self.own_columns.index(col)] = values

    def column(self, col: str, pos, periods) -> np.ndarray:
        """Column ``col`` of the rows at slots ``pos`` / ``periods`` (a copy)."""
        if col in self.dated:
            return self.table[periods - self.base, self.dated.index(col)]
        return self.own[pos, self.own_columns.index(col)]

    def transform(self, fn) -> None:
        """Replace every column ``c`` by ``fn(c, values)`` (float64 in, any float out)."""
        for j, col in enumerate(self.dated):
            self.table[:, j] = fn(col, self.table[:, j].astype(np.float64))
        for j, col in enumerate(self.own_columns):
            self.own[:, j] = fn(col, self.own[:, j].astype(np.float64))

    def finish(self) -> None:
        """``NaN`` and infinite values to 0; slots without a row read 0 (the table's
        last row, which ``period`` -1 points at)."""
        np.nan_to_num(self.table, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        np.nan_to_num(self.own, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        self.table[-1] = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.period), self.table.shape[1] + self.own.shape[1]

    def __getitem__(self, index) -> np.ndarray:
        parts = np.concatenate([self.table[self.period[index]], self.own[index]], axis=-1)
        return parts if self.order is None else parts[..., self.order]


def window_ends(
    panel: Panel, last: np.ndarray, *, min_past: int = 1, holdout: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """All windows whose past and target lie in each series' known history.

    Parameters
    ----------
    panel : Panel
    last : numpy.ndarray
        Per series, the number of known periods (targets at or after it are unknown).
    min_past : int
        Fewest periods of the series' own history before the end.
    holdout : int
        Periods at the end of each series kept out of every window's target.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Series index and end position (relative to the series' start) of each window.
        A window's target may run past the known history (weight 0 there), but it
        always has at least one known period.
    """
    stop = np.asarray(last, dtype=np.int64) - np.asarray(holdout, dtype=np.int64)
    counts = np.maximum(stop - int(min_past), 0)
    series = np.repeat(np.arange(len(counts)), counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return series, offsets + int(min_past)


def gather(panel: Panel, series: np.ndarray, ends: np.ndarray, known: np.ndarray) -> Batch:
    """Assemble the windows ``(series[i], ends[i])`` of a batch.

    Parameters
    ----------
    panel : Panel
    series, ends : numpy.ndarray
        Windows as returned by :func:`window_ends`.
    known : numpy.ndarray
        Per series, the number of known periods; targets from there on get weight 0
        (so a held-out period can never be learnt from).

    Returns
    -------
    Batch
        ``past``: ``(B, lookback, 2 + F [+ 2])`` scaled sales, observed flag, features
        and, with a ``season``, the sales and flag ``season`` periods earlier;
        ``future``: ``(B, horizon, F + horizon [+ 2])`` features, a one-hot step and,
        with a ``season``, the scaled sales ``season`` periods earlier and their flag;
        ``static``: ``(B, n_static)``; ``level``: ``(B, 1)`` log of the scale;
        ``scale``: ``(B,)``; ``target``: ``(B, horizon)`` scaled sales;
        ``weight``: ``(B, horizon)`` 1 for known target periods, else 0.
    """
    lb, h = panel.lookback, panel.horizon
    at = panel.start[series] + ends
    past_idx = at[:, None] + np.arange(-lb, 0)[None, :]
    fut_idx = at[:, None] + np.arange(h)[None, :]
    y_past, obs_past = panel.y[past_idx], panel.observed[past_idx]
    n_obs = obs_past.sum(axis=1)
    scale = 1.0 + (y_past * obs_past).sum(axis=1) / np.maximum(n_obs, 1.0)
    past = [(y_past / scale[:, None])[..., None], obs_past[..., None], panel.x[past_idx]]
    if panel.season:
        past += _yearly(panel, series, ends, np.arange(-lb, 0), scale)
    past = np.concatenate(past, axis=2)
    steps = np.broadcast_to(np.eye(h, dtype=np.float32), (len(at), h, h))
    parts = [panel.x[fut_idx], steps]
    if panel.season:
        parts += _yearly(panel, series, ends, np.arange(h), scale)
    future = np.concatenate(parts, axis=2)
    rel = ends[:, None] + np.arange(h)[None, :]
    weight = panel.observed[fut_idx] * (rel < np.asarray(known)[series][:, None])
    return Batch(
        past=past.astype(np.float32),
        future=future.astype(np.float32),
        static=panel.static[series],
        level=np.log(scale)[:, None].astype(np.float32),
        scale=scale.astype(np.float32),
        target=(panel.y[fut_idx] / scale[:, None]).astype(np.float32),
        weight=weight.astype(np.float32),
    )


def _yearly(panel: Panel, series, ends, offsets, scale) -> list[np.ndarray]:
    """Scaled sales ``panel.season`` periods before the periods ``ends + offsets`` and
    their observed flag, ``(B, len(offsets), 1)`` each; nothing at or after the end."""
    rel = ends[:, None] + offsets[None, :] - panel.season
    ok = (rel >= 0) & (rel < ends[:, None])
    first = panel.start[series][:, None]
    idx = np.where(ok, first + rel, first)
    seen = panel.observed[idx] * ok
    return [(panel.y[idx] * seen / scale[:, None])[..., None], seen[..., None]]
