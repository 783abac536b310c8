"""Feature engineering for a global forecasting model, in switchable groups.

Each group in :data:`FEATURE_GROUPS` has a stable key, display names and a one-line help
in English and Chinese (the GUI lists them as a checklist). :func:`build_features` adds the
chosen groups' columns to the canonical long frame (see :mod:`core.data.dataset`);
:func:`future_frame` builds the rows of the forecast horizon with every feature that is
known in advance (all but ``lags``), from each product's last periods only.

Memory (issue 18: a 4,000-product shop of two years of days has 2.9 million rows): the
feature columns are ``float32`` (computed in ``float64``, then stored), written one by one
into a single block that the returned frame wraps without a copy; the static codes are
``int64``.

No feature of a row uses a target value of that row or a later one: lags and rolling
windows are shifted before they are taken, the usual price is the median of past prices,
the age counts from the first sale strictly before the row. Price and promotion of the row
itself are used (they are planned in advance). Features are left ``NaN`` where the past is
too short (first lags, first rolling windows, prices before the first known one).

Column names per group: ``calendar`` -> ``cal_*``, ``holidays`` -> ``hol_*``, ``fest_*``
and ``evt_*`` (see :mod:`core.festivals`), ``promo_price`` -> ``pp_*``, ``lags`` ->
``lag_<k>``, ``roll_mean_<w>``, ``roll_std_<w>``, ``static`` -> ``st_category``,
``st_brand``, ``age`` -> ``age_periods``, ``age_log``, ``age_started``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from core.data import load_event_calendar
from core.errors import InputError
from core.festivals import REGIONS, date_features
from core.forecast.feature_columns import (
    Block,
    age_columns,
    dense_positions,
    first_sale,
    lag_columns,
    promo_price_columns,
)
from core.periods import PeriodGrid

__all__ = [
    "FEATURE_GROUPS",
    "FeatureConfig",
    "FeatureFrame",
    "FeatureGroup",
    "build_features",
    "date_columns",
    "default_lags",
    "future_frame",
]

SCHEMA_VERSION = 1
_DAY_NS = pd.Timedelta(days=1).value


@dataclass(frozen=True)
class FeatureGroup:
    """Display metadata of one feature group."""

    key: str
    name_en: str
    name_zh: str
    help_en: str
    help_zh: str


# fmt: off
_GROUPS = (
    FeatureGroup("calendar", "Calendar", "日历",
                 "Day of week, day of month, week of year, month and month end, as cycles.",
                 "星期、日期、周数、月份和月末，按周期编码。"),
    FeatureGroup("holidays", "Holidays and festivals", "节假日与购物节",
                 "Public holidays, Spring Festival distance, 618, Double 11/12, Black Friday, "
                 "Prime Day, the Christmas run-up and your own events.",
                 "法定节假日、距春节天数、618、双11/双12、黑五、Prime Day、圣诞季以及自定义活动。"),
    FeatureGroup("promo_price", "Promotion and price", "促销与价格",
                 "Promotion flag, price and price relative to the product's usual past price.",
                 "促销标记、价格以及相对商品以往常规价格的比值。"),
    FeatureGroup("lags", "Past sales", "历史销量",
                 "Sales some periods ago and rolling mean and spread of past sales.",
                 "若干期前的销量，以及过去销量的滚动均值和波动。"),
    FeatureGroup("static", "Category and brand", "类目与品牌",
                 "Category and brand as codes, so similar products can share patterns.",
                 "类目和品牌编码，让相似商品共享规律。"),
    FeatureGroup("age", "Product age", "商品上市时长",
                 "Periods since the product's first sale, to tell new products from old ones.",
                 "距商品首次售出的期数，用于区分新品和老品。"),
)
# fmt: on
#: Group key -> metadata, in display order.
FEATURE_GROUPS: dict[str, FeatureGroup] = {g.key: g for g in _GROUPS}
#: Groups whose values are known for future periods.
KNOWN_GROUPS = ("calendar", "holidays", "promo_price", "static", "age")


@dataclass
class FeatureConfig:
    """Which features to build.

    Attributes
    ----------
    groups : tuple of str
        Keys of :data:`FEATURE_GROUPS` to build (default all).
    region : {"CN", "US", "GB", "intl"}
        Which holidays and shopping festivals apply (see :mod:`core.festivals`).
    events_path : str, optional
        A user event calendar CSV (see :func:`core.festivals.load_event_calendar`).
    lags : tuple of int, optional
        Target lags in periods; ``None`` picks by frequency (:func:`default_lags`).
    windows : tuple of int, optional
        Rolling windows in periods, also used for the usual price; ``None`` picks by frequency.
    """

    groups: tuple[str, ...] = tuple(FEATURE_GROUPS)
    region: str = "CN"
    events_path: str | None = None
    lags: tuple[int, ...] | None = None
    windows: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        unknown = [g for g in self.groups if g not in FEATURE_GROUPS]
        if unknown or self.region not in REGIONS:
            bad = ", ".join(unknown) if unknown else self.region
            raise InputError(
                f"Unknown feature group or region: {bad}.", f"未知的特征组或地区：{bad}。"
            )
        self.groups = tuple(g for g in FEATURE_GROUPS if g in self.groups)

    def to_dict(self) -> dict:
        """JSON-ready form, with ``schema_version``."""
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> FeatureConfig:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        args = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("groups", "lags", "windows"):
            if args.get(key) is not None:
                args[key] = tuple(args[key])
        return cls(**args)


@dataclass
class FeatureFrame:
    """Result of :func:`build_features`.

    Attributes
    ----------
    frame : pandas.DataFrame
        The input rows sorted by ``unique_id`` and ``ds`` (fresh index) plus feature columns
        (``float32``, the static ones ``int64`` and last).
    columns : list of str
        All feature columns, static ones included, in their model order.
    static_columns : list of str
        Integer-coded static columns (for embeddings); 0 means unknown.
    cardinalities : dict
        Static column -> number of codes (0 included).
    lag_columns : list of str
        Columns only known for the past (not produced by :func:`future_frame`).
    date_columns : list of str
        Columns that depend on the date alone (the ``calendar`` and ``holidays`` groups):
        every row of a period holds the same values.
    """

    frame: pd.DataFrame
    columns: list[str]
    static_columns: list[str] = field(default_factory=list)
    cardinalities: dict[str, int] = field(default_factory=dict)
    lag_columns: list[str] = field(default_factory=list)
    date_columns: list[str] = field(default_factory=list)


#: Name prefixes of the columns that depend on the date alone (``calendar``, ``holidays``).
DATE_PREFIXES = ("cal_", "hol_", "fest_", "evt_")


def date_columns(columns) -> list[str]:
    """Those of ``columns`` that depend on the date alone (by their prefix: see the
    module doc); the :attr:`FeatureFrame.date_columns` of a build."""
    return [c for c in columns if str(c).startswith(DATE_PREFIXES)]


def default_lags(freq: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Default (lags, rolling windows) in periods for a frequency alias."""
    grid = PeriodGrid.from_freq(freq)
    if grid.kind != "step":
        return (1, 2, 3, 12), (3, 12)
    if grid.step >= 7 * _DAY_NS:
        return (1, 2, 4, 52), (4, 13)
    return (7, 14, 28), (7, 28)


def _lags_windows(freq: str, config: FeatureConfig) -> tuple[tuple[int, ...], tuple[int, ...]]:
    lags, windows = default_lags(freq)
    return config.lags or lags, config.windows or windows


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    out["unique_id"] = out["unique_id"].astype(str)
    return out


def _static(frame: pd.DataFrame, series: pd.DataFrame | None):
    cols, cards = {}, {}
    if series is None:
        return cols, cards
    table = series.assign(unique_id=series["unique_id"].astype(str)).set_index("unique_id")
    for role in ("category", "brand"):
        if role not in table:
            continue
        text = table[role].astype("string").str.strip().replace("", pd.NA)
        levels = sorted(text.dropna().unique())
        codes = text.map({v: i + 1 for i, v in enumerate(levels)}).fillna(0)
        values = frame["unique_id"].map(codes).fillna(0).to_numpy(np.int64)
        cols[f"st_{role}"], cards[f"st_{role}"] = values, len(levels) + 1
    return cols, cards


def _date_table(frame: pd.DataFrame, freq: str, config: FeatureConfig):
    """``(codes, table)``: the calendar and festival features of each distinct date and
    each row's date in it (the table is mapped onto the rows column by column)."""
    cal, hol = "calendar" in config.groups, "holidays" in config.groups
    if not (cal or hol):
        return None, pd.DataFrame()
    codes, uniques = pd.factorize(frame["ds"])
    events = load_event_calendar(config.events_path) if hol and config.events_path else None
    return codes, date_features(uniques, freq, cal, hol, config.region, events)


def build_features(
    frame: pd.DataFrame,
    series: pd.DataFrame | None,
    freq: str,
    config: FeatureConfig | None = None,
) -> FeatureFrame:
    """Add the chosen feature groups' columns to a canonical long frame.

    The feature columns are ``float32`` (one block, built in place), the static codes
    ``int64``; every value is computed in ``float64`` first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long frame with ``unique_id``, ``ds``, ``y`` and optionally ``price``, ``promo``;
        at most one row per product and period.
    series : pandas.DataFrame, optional
        Per-product table with ``unique_id`` and optionally ``category``, ``brand``.
    freq : str
        Frequency alias of the data (``"D"``, ``"W-MON"``, ``"MS"`` ...).
    config : FeatureConfig, optional
        Groups and options (default: all groups, region CN).

    Returns
    -------
    FeatureFrame
        The sorted frame with the feature columns and their names.

    Raises
    ------
    InputError
        For an unsupported ``freq``, a bad event calendar or duplicate periods.
    """
    return _build(_sorted(frame), series, freq, config or FeatureConfig())


def _build(out, series, freq, config: FeatureConfig, carry: dict | None = None) -> FeatureFrame:
    """:func:`build_features` on a sorted frame; ``carry`` (see :func:`_tails`) holds what
    the rows before ``out`` left: each product's first sale and last price."""
    groups = config.groups
    codes, ids = pd.factorize(out["unique_id"])
    if carry is not None:  # its products, sorted by ID, onto this frame's codes
        carry = {k: v[pd.Index(carry["ids"]).get_indexer(ids)] for k, v in carry.items()}
    periods = PeriodGrid.from_freq(freq).periods(out["ds"])
    lags, windows = _lags_windows(freq, config)
    pos, size = dense_positions(codes, periods, max(*lags, *windows) + 1)
    y = out["y"].to_numpy(float)
    date_codes, dates = _date_table(out, freq, config)
    n_pp = ("promo" in out) + 2 * ("price" in out) if "promo_price" in groups else 0
    n_lags = len(lags) + 2 * len(windows) if "lags" in groups else 0
    block = Block(len(out), dates.shape[1] + n_pp + n_lags + 3 * ("age" in groups))
    for col in dates:
        block.put(col, dates[col].to_numpy(), date_codes)
    if n_pp:
        price_before = None if carry is None else carry.get("last_price")
        promo_price_columns(block.put, out, codes, pos, size, max(windows), price_before)
    n_known = len(block.names)
    if n_lags:
        lag_columns(block.put, y, pos, size, lags, windows)
    lag_cols = block.names[n_known:]
    static, cards = _static(out, series) if "static" in groups else ({}, {})
    n_before_age = len(block.names)
    if "age" in groups:
        first = first_sale(y, codes, periods, len(ids)) if carry is None else carry["first_sale"]
        age_columns(block.put, periods, codes, first)
    columns = [*block.names[:n_before_age], *static, *block.names[n_before_age:]]
    parts = [out, block.frame(out.index)]
    if static:
        parts.append(pd.DataFrame(static, index=out.index))
    out = pd.concat(parts, axis=1, copy=False)
    return FeatureFrame(out, columns, list(static), cards, lag_cols, list(dates.columns))


def future_frame(
    frame: pd.DataFrame,
    series: pd.DataFrame | None,
    freq: str,
    horizon: int,
    config: FeatureConfig | None = None,
    future: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Known-in-advance features of the ``horizon`` periods after each product's last date.

    Only each product's last periods (as many as the longest lag or rolling window reads)
    are built again, with its first sale and its last price before them carried over:
    the rows equal those a build of the whole history with the horizon appended gives.

    Parameters
    ----------
    frame, series, freq, config
        As for :func:`build_features` (the history).
    horizon : int
        Number of future periods per product.
    future : pandas.DataFrame, optional
        Planned ``promo`` and/or ``price`` per ``unique_id`` and ``ds``. Where absent there
        is no promotion and the last known price holds.

    Returns
    -------
    pandas.DataFrame
        ``unique_id``, ``ds``, ``promo``/``price`` where the history has them, and every
        feature column of :func:`build_features` except the ``lags`` group.
    """
    config = config or FeatureConfig()
    known = FeatureConfig(
        **{**asdict(config), "groups": tuple(g for g in config.groups if g != "lags")}
    )
    _check_horizon(horizon)
    tail, carry, last = _tails(frame, freq, known)
    rows = _horizon_rows(carry["ids"], last, freq, horizon)
    for col in ("promo", "price"):
        if col in tail:
            rows[col] = _planned(rows, future, col)
    rows["y"] = np.nan
    both = pd.concat([tail, rows.assign(_future=True)], ignore_index=True)
    both["_future"] = both["_future"].astype("boolean").fillna(False).astype(bool)
    built = _build(_sorted(both), series, freq, known, carry)
    keep = ["unique_id", "ds", *[c for c in ("promo", "price") if c in tail], *built.columns]
    return built.frame.loc[built.frame["_future"], keep].reset_index(drop=True)


def _tails(frame: pd.DataFrame, freq: str, config: FeatureConfig):
    """``(tail, carry, last)``: the rows of each product's last ``max(lags, windows)``
    periods, what the rows before them leave (``carry``: ``ids`` sorted, ``first_sale``
    period and ``last_price`` before the tail, per product) and each last period."""
    lags, windows = _lags_windows(freq, config)
    codes, ids = pd.factorize(frame["unique_id"].astype(str), sort=True)
    periods = PeriodGrid.from_freq(freq).periods(frame["ds"])
    dense_positions(codes, periods, 0)  # duplicate periods are refused, as by a full build
    last = np.full(len(ids), np.iinfo(np.int64).min)
    np.maximum.at(last, codes, periods)
    in_tail = periods > last[codes] - max(*lags, *windows)
    carry = {"ids": np.asarray(ids, dtype=object)}
    carry["first_sale"] = first_sale(frame["y"].to_numpy(float), codes, periods, len(ids))
    if "price" in frame:
        raw = pd.to_numeric(frame["price"], errors="coerce").to_numpy(float)
        valid = np.isfinite(raw) & (raw > 0) & ~in_tail
        latest = np.full(len(ids), np.iinfo(np.int64).min)
        np.maximum.at(latest, codes[valid], periods[valid])
        hit = valid & (periods == latest[codes])
        carry["last_price"] = np.full(len(ids), np.nan)
        carry["last_price"][codes[hit]] = raw[hit]
    keep = ["unique_id", "ds", "y", *[c for c in ("promo", "price") if c in frame]]
    return frame.loc[in_tail, keep], carry, last


def _check_horizon(horizon: int) -> None:
    if horizon < 0:
        raise InputError(
            f"The horizon must be 0 or more periods, not {horizon}.",
            f"预测期数必须大于或等于 0，而不是 {horizon}。",
        )


def _horizon_rows(ids: np.ndarray, last: np.ndarray, freq: str, horizon: int) -> pd.DataFrame:
    """The ``horizon`` periods after each product's ``last`` period."""
    steps = np.arange(1, horizon + 1)
    ds = PeriodGrid.from_freq(freq).dates((last[:, None] + steps[None, :]).ravel())
    return pd.DataFrame({"unique_id": np.repeat(ids, horizon), "ds": ds})


def _planned(rows: pd.DataFrame, future: pd.DataFrame | None, col: str) -> np.ndarray:
    default = 0.0 if col == "promo" else np.nan  # NaN price: carried forward from history
    if future is None or col not in future:
        return np.full(len(rows), default)
    plan = future.assign(unique_id=future["unique_id"].astype(str))[["unique_id", "ds", col]]
    plan = plan.assign(ds=pd.to_datetime(plan["ds"])).drop_duplicates(["unique_id", "ds"])
    merged = rows.merge(plan, on=["unique_id", "ds"], how="left")
    return merged[col].fillna(default).to_numpy(float)
