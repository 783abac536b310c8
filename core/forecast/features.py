"""Feature engineering for a global forecasting model, in switchable groups.

Each group in :data:`FEATURE_GROUPS` has a stable key, display names and a one-line help
in English and Chinese (the GUI lists them as a checklist). :func:`build_features` adds the
chosen groups' columns to the canonical long frame (see :mod:`core.data.dataset`);
:func:`future_frame` builds the rows of the forecast horizon with every feature that is
known in advance (all but ``lags``).

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
from core.periods import PeriodGrid, ffill_index

__all__ = [
    "FEATURE_GROUPS",
    "FeatureConfig",
    "FeatureFrame",
    "FeatureGroup",
    "build_features",
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
                 "Prime Day and your own events.",
                 "法定节假日、距春节天数、618、双11/双12、黑五、Prime Day 以及自定义活动。"),
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
    region : {"CN", "US", "intl"}
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
        The input rows sorted by ``unique_id`` and ``ds`` (fresh index) plus feature columns.
    columns : list of str
        All feature columns, static ones included.
    static_columns : list of str
        Integer-coded static columns (for embeddings); 0 means unknown.
    cardinalities : dict
        Static column -> number of codes (0 included).
    lag_columns : list of str
        Columns only known for the past (not produced by :func:`future_frame`).
    """

    frame: pd.DataFrame
    columns: list[str]
    static_columns: list[str] = field(default_factory=list)
    cardinalities: dict[str, int] = field(default_factory=dict)
    lag_columns: list[str] = field(default_factory=list)


def default_lags(freq: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Default (lags, rolling windows) in periods for a frequency alias."""
    grid = PeriodGrid.from_freq(freq)
    if grid.kind != "step":
        return (1, 2, 3, 12), (3, 12)
    if grid.step >= 7 * _DAY_NS:
        return (1, 2, 4, 52), (4, 13)
    return (7, 14, 28), (7, 28)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    out["unique_id"] = out["unique_id"].astype(str)
    return out


def _dense_positions(codes: np.ndarray, periods: np.ndarray, pad: int) -> tuple[np.ndarray, int]:
    """Place each series on its own run of consecutive periods in one long array.

    Every series is preceded by ``pad`` empty slots, so shifts and rolling windows of up to
    ``pad`` periods never reach into the series before it; gaps in a series stay empty.
    """
    n = int(codes.max()) + 1 if codes.size else 0
    pmin = np.full(n, np.iinfo(np.int64).max)
    pmax = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(pmin, codes, periods)
    np.maximum.at(pmax, codes, periods)
    span = pmax - pmin + 1 + pad
    start = np.cumsum(span) - span
    pos = start[codes] + pad + (periods - pmin[codes])
    if np.unique(pos).size != pos.size:
        raise InputError(
            "Some product has two rows for the same period; clean the data first.",
            "有商品在同一周期有多行数据，请先清洗数据。",
        )
    return pos, int(span.sum())


def _on_dense(values: np.ndarray, pos: np.ndarray, size: int) -> pd.Series:
    dense = np.full(size, np.nan)
    dense[pos] = values
    return pd.Series(dense)


def _lag_features(y, pos, size, lags, windows) -> dict[str, np.ndarray]:
    dense = _on_dense(y, pos, size)
    cols = {f"lag_{k}": dense.shift(k).to_numpy()[pos] for k in lags}
    past = dense.shift(1)
    for w in windows:
        roll = past.rolling(w, min_periods=1)
        cols[f"roll_mean_{w}"] = roll.mean().to_numpy()[pos]
        cols[f"roll_std_{w}"] = past.rolling(w, min_periods=2).std().to_numpy()[pos]
    return cols


def _promo_price(frame, codes, pos, size, window: int) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    if "promo" in frame:
        promo = pd.to_numeric(frame["promo"], errors="coerce").fillna(0).to_numpy(float)
        cols["pp_promo"] = (promo > 0).astype(float)
    if "price" in frame:
        raw = pd.to_numeric(frame["price"], errors="coerce").to_numpy(float)
        last = ffill_index(np.isfinite(raw) & (raw > 0), codes)
        price = np.where(last >= 0, raw[np.maximum(last, 0)], np.nan)
        usual = _on_dense(price, pos, size).shift(1).rolling(window, min_periods=1).median()
        rel = price / usual.to_numpy()[pos]
        cols["pp_price"] = price
        cols["pp_rel_price"] = np.where(np.isfinite(rel), rel, 1.0)
    return cols


def _age(y: np.ndarray, codes: np.ndarray, periods: np.ndarray) -> dict[str, np.ndarray]:
    """Periods since the first sale strictly before each row (0 before it)."""
    first = np.full(int(codes.max()) + 1 if codes.size else 0, np.iinfo(np.int64).max)
    sold = np.nan_to_num(y) > 0
    np.minimum.at(first, codes[sold], periods[sold])
    age = periods - first[codes]
    started = age > 0
    age = np.where(started, age, 0).astype(float)
    return {"age_periods": age, "age_log": np.log1p(age), "age_started": started.astype(float)}


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


def _date_columns(frame: pd.DataFrame, freq: str, config: FeatureConfig) -> pd.DataFrame:
    cal, hol = "calendar" in config.groups, "holidays" in config.groups
    if not (cal or hol):
        return pd.DataFrame(index=frame.index)
    codes, uniques = pd.factorize(frame["ds"])
    events = load_event_calendar(config.events_path) if hol and config.events_path else None
    table = date_features(uniques, freq, cal, hol, config.region, events)
    return table.iloc[codes].set_axis(frame.index)


def build_features(
    frame: pd.DataFrame,
    series: pd.DataFrame | None,
    freq: str,
    config: FeatureConfig | None = None,
) -> FeatureFrame:
    """Add the chosen feature groups' columns to a canonical long frame.

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
    config = config or FeatureConfig()
    out = _sorted(frame)
    codes = pd.factorize(out["unique_id"])[0]
    periods = PeriodGrid.from_freq(freq).periods(out["ds"])
    lags, windows = default_lags(freq)
    lags, windows = config.lags or lags, config.windows or windows
    pos, size = _dense_positions(codes, periods, max(*lags, *windows) + 1)
    y = out["y"].to_numpy(float)
    cols: dict[str, np.ndarray] = dict(_date_columns(out, freq, config).items())
    if "promo_price" in config.groups:
        cols.update(_promo_price(out, codes, pos, size, max(windows)))
    lag_cols = _lag_features(y, pos, size, lags, windows) if "lags" in config.groups else {}
    cols.update(lag_cols)
    static, cards = _static(out, series) if "static" in config.groups else ({}, {})
    cols.update(static)
    if "age" in config.groups:
        cols.update(_age(y, codes, periods))
    out = pd.concat([out, pd.DataFrame(cols, index=out.index)], axis=1)
    return FeatureFrame(out, list(cols), list(static), cards, list(lag_cols))


def future_frame(
    frame: pd.DataFrame,
    series: pd.DataFrame | None,
    freq: str,
    horizon: int,
    config: FeatureConfig | None = None,
    future: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Known-in-advance features of the ``horizon`` periods after each product's last date.

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
    hist = _sorted(frame)
    rows = _horizon_rows(hist, freq, horizon)
    for col in ("promo", "price"):
        if col in hist:
            rows[col] = _planned(rows, future, col)
    rows["y"] = np.nan
    both = pd.concat([hist, rows.assign(_future=True)], ignore_index=True)
    both["_future"] = both["_future"].astype("boolean").fillna(False).astype(bool)
    built = build_features(both, series, freq, known)
    keep = ["unique_id", "ds", *[c for c in ("promo", "price") if c in hist], *built.columns]
    return built.frame.loc[built.frame["_future"], keep].reset_index(drop=True)


def _horizon_rows(hist: pd.DataFrame, freq: str, horizon: int) -> pd.DataFrame:
    if horizon < 0:
        raise InputError(
            f"The horizon must be 0 or more periods, not {horizon}.",
            f"预测期数必须大于或等于 0，而不是 {horizon}。",
        )
    grid = PeriodGrid.from_freq(freq)
    last = hist.groupby("unique_id", sort=True)["ds"].max()
    start = grid.periods(last.to_numpy())
    steps = np.arange(1, horizon + 1)
    ds = grid.dates((start[:, None] + steps[None, :]).ravel())
    return pd.DataFrame({"unique_id": np.repeat(last.index.to_numpy(), horizon), "ds": ds})


def _planned(rows: pd.DataFrame, future: pd.DataFrame | None, col: str) -> np.ndarray:
    default = 0.0 if col == "promo" else np.nan  # NaN price: carried forward from history
    if future is None or col not in future:
        return np.full(len(rows), default)
    plan = future.assign(unique_id=future["unique_id"].astype(str))[["unique_id", "ds", col]]
    plan = plan.assign(ds=pd.to_datetime(plan["ds"])).drop_duplicates(["unique_id", "ds"])
    merged = rows.merge(plan, on=["unique_id", "ds"], how="left")
    return merged[col].fillna(default).to_numpy(float)
