"""The analysis steps in order, shared by the CLI and the desktop app.

import -> clean -> :func:`model_frames` -> :func:`fit_model` (+ :func:`run_backtest`), or
both at once with :func:`train_with_backtest` -> :func:`make_forecast` ->
:func:`lifecycle_tables` -> :func:`recommendations`.

Each step is a plain function over core objects: the CLI calls them with a terminal
progress bar, the GUI from a worker thread with a signal as ``on_progress``. Nothing here
prints; texts for the user come back in both languages.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from functools import partial

import numpy as np
import pandas as pd

from core.activity import Alignment, align_to_end
from core.dataset import ID_SEP, Dataset
from core.errors import InputError
from core.features import FEATURE_GROUPS
from core.periods import PeriodGrid

__all__ = [
    "ModelFrames",
    "TrainSettings",
    "model_frames",
    "default_horizon",
    "fit_model",
    "run_backtest",
    "train_with_backtest",
    "make_forecast",
    "lifecycle_tables",
    "recommendations",
    "has_stock",
    "stock_from_data",
    "period_days",
    "ids_first",
    "forecast_table",
    "uid_column",
]

SCHEMA_VERSION = 1


@dataclass
class ModelFrames:
    """The frames a model sees, made by :func:`model_frames`.

    Attributes
    ----------
    frame : pandas.DataFrame
        Active products aligned to the shop's last date (what models are fitted on).
    full : pandas.DataFrame
        Every product as cleaned, discontinued ones included (lifecycle, charts).
    alignment : Alignment
        What the alignment did (trailing periods added, products set aside).
    """

    frame: pd.DataFrame
    full: pd.DataFrame
    alignment: Alignment

    def describe(self, lang: str = "both") -> list[str]:
        """The alignment's report lines (empty when nothing changed)."""
        return self.alignment.describe(lang)


def model_frames(dataset: Dataset) -> ModelFrames:
    """Model-ready frames of a cleaned dataset; category/brand join for embeddings."""
    frame = dataset.frame.drop(columns=["_row"], errors="ignore")
    attrs = [c for c in ("category", "brand") if c in dataset.series.columns]
    if attrs:
        frame = frame.merge(dataset.series[["unique_id", *attrs]], on="unique_id", how="left")
    aligned = align_to_end(frame, dataset.freq)
    return ModelFrames(frame=aligned.frame, full=frame, alignment=aligned)


def require_active(frames: ModelFrames) -> None:
    """Raise :class:`InputError` when no product is left to forecast."""
    if frames.frame.empty:
        raise InputError(
            "No product sold in the last 90 days of the file: nothing to forecast.",
            "文件最后 90 天内没有任何商品有销售记录：无可预测的商品。",
        )


def default_horizon(freq: str) -> int:
    """Periods forecast by default: 4 weeks of days, 8 weeks, or 3 months."""
    from core.models.lstm import default_window

    return default_window(freq)[1]


def period_days(freq: str) -> float:
    """Length of one period in days (30.44 for months)."""
    grid = PeriodGrid.from_freq(freq)
    return 30.44 if grid.kind != "step" else grid.step / pd.Timedelta(days=1).value


@dataclass
class TrainSettings:
    """What the user chose for training (saved in projects as JSON).

    Attributes
    ----------
    model : str
        A name of :func:`core.models.registry.make_model` (``lstm``, ``auto``, ``ets``...).
    horizon : int, optional
        Periods to forecast; ``None``: :func:`default_horizon`.
    levels : list of int
        Prediction-interval levels.
    region : str
        Holiday calendar (``CN``, ``US``, ``intl``).
    feature_groups : list of str
        Feature groups the deep models use.
    epochs, units, layers, lookback, batch_size : int or None
        Deep-model settings (``None``: the model's default). ``epochs`` is the most
        trained: on a small shop fewer (see ``max_passes`` of
        :class:`~core.models.lstm.LSTMForecaster`), and early stopping may end sooner.
    dropout, learning_rate : float
    random_state : int
    baselines : list of str
        Models the backtest compares the chosen one with.
    folds : int
        Backtest cutoffs.
    """

    model: str = "lstm"
    horizon: int | None = None
    levels: list[int] = field(default_factory=lambda: [80, 95])
    region: str = "CN"
    feature_groups: list[str] = field(default_factory=lambda: list(FEATURE_GROUPS))
    epochs: int = 40
    units: int = 64
    layers: int = 1
    lookback: int | None = None
    batch_size: int = 256
    dropout: float = 0.1
    learning_rate: float = 2e-3
    random_state: int = 0
    baselines: list[str] = field(default_factory=lambda: ["snaive", "ets", "croston"])
    folds: int = 1

    def to_dict(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> TrainSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def horizon_for(self, freq: str) -> int:
        return int(self.horizon or default_horizon(freq))

    def deep_params(self, freq: str) -> dict:
        """Keyword arguments of the LSTM/GRU forecaster."""
        return {
            "horizon": self.horizon_for(freq),
            "lookback": self.lookback,
            "epochs": self.epochs,
            "units": self.units,
            "layers": self.layers,
            "batch_size": self.batch_size,
            "dropout": self.dropout,
            "learning_rate": self.learning_rate,
            "feature_groups": tuple(self.feature_groups),
            "region": self.region,
            "random_state": self.random_state,
        }

    def factory(self, name: str, freq: str):
        """A zero-argument factory of a fresh, unfitted model ``name`` (it pickles, so
        it can go to a child process)."""
        from core.models.registry import DEEP_MODELS, make_model

        deep = self.deep_params(freq)
        if name in DEEP_MODELS:
            return partial(make_model, name, **deep)
        if name == "auto":
            return partial(make_model, "auto", model_params={n: dict(deep) for n in DEEP_MODELS})
        return partial(make_model, name)


def fit_model(frames: ModelFrames, freq: str, settings: TrainSettings,
              on_progress=None, should_stop=None):  # fmt: skip
    """Fit ``settings.model`` on the active products; returns the fitted forecaster."""
    require_active(frames)
    model = settings.factory(settings.model, freq)()
    return model.fit(frames.frame, freq, on_progress=on_progress, should_stop=should_stop)


def run_backtest(frames: ModelFrames, freq: str, settings: TrainSettings,
                 on_progress=None, should_stop=None, *, fit_progress=None,
                 factories: dict | None = None):  # fmt: skip
    """Backtest the chosen model against ``settings.baselines`` on the last periods.

    ``fit_progress`` receives the models' own fit events (see
    :func:`core.backtest.backtest`); ``factories`` replaces the model factories of
    some names (what :func:`train_with_backtest` uses to keep the fitted network).
    """
    from core.backtest import backtest

    require_active(frames)
    names = list(dict.fromkeys([settings.model, *settings.baselines]))
    given = factories or {}
    return backtest(
        frames.full,
        freq,
        {n: given.get(n) or settings.factory(n, freq) for n in names},
        horizon=settings.horizon_for(freq),
        folds=settings.folds,
        levels=settings.levels,
        on_progress=on_progress,
        should_stop=should_stop,
        fit_progress=fit_progress,
    )


def train_with_backtest(frames: ModelFrames, freq: str, settings: TrainSettings,
                        on_progress=None, should_stop=None, *,
                        final_epochs: int | None = None):  # fmt: skip
    """The backtest and the final model, training a deep model only once.

    :func:`run_backtest` trains the chosen model on the history up to the cutoff and
    scores it on the periods after it, which it never saw. For the deep models (LSTM,
    GRU) that network then becomes the final model: it goes on training on the whole
    history (:meth:`~core.models.lstm.LSTMForecaster.refit`: the rest of the epoch
    budget, at least a quarter of it) instead of training again from scratch.
    With several folds the last fold's network is used. Other models, or a deep model
    the backtest could not train, are fitted as by :func:`fit_model`.

    Parameters
    ----------
    frames : ModelFrames
    freq : str
    settings : TrainSettings
    on_progress : callable, optional
        Gets every event with ``part`` added: ``"train"`` for the epochs of the models
        trained inside the backtest (``model`` and ``fold`` tell which), ``"backtest"``
        for the backtest's own events, ``"final"`` for the final model's training.
    should_stop : callable, optional
    final_epochs : int, optional
        Epochs of the warm-started final training (default: see ``refit``).

    Returns
    -------
    (Forecaster, BacktestResult)
        The fitted final model and the backtest.
    """
    from core.models.registry import DEEP_MODELS

    require_active(frames)
    made: list = []
    base = settings.factory(settings.model, freq)

    def keep_last():
        made[:] = [base()]
        return made[0]

    result = run_backtest(frames, freq, settings, _tagged(on_progress, "backtest"), should_stop,
                          fit_progress=_tagged(on_progress, "train"),
                          factories={settings.model: keep_last})  # fmt: skip
    final = _tagged(on_progress, "final")
    donor = made[0] if made and getattr(made[0], "fitted_", False) else None
    if settings.model not in DEEP_MODELS or donor is None:
        return fit_model(frames, freq, settings, final, should_stop), result
    try:
        model = donor.refit(frames.frame, freq, epochs=final_epochs, on_progress=final,
                            should_stop=should_stop, take_network=True)  # fmt: skip
    except InputError:  # the data no longer fits the donor: train from scratch
        model = fit_model(frames, freq, settings, final, should_stop)
    return model, result


def _tagged(on_progress, part: str):
    """An ``on_progress`` adding ``part`` to every event (``None`` stays ``None``)."""
    if on_progress is None:
        return None
    return lambda event: on_progress({**event, "part": part})


def make_forecast(model, horizon: int, levels=(80, 95), future=None) -> pd.DataFrame:
    """The fitted model's forecast with intervals (``lo_L``/``hi_L``) for ``levels``."""
    from core.models.base import check_levels

    return model.predict(int(horizon), levels=check_levels(levels), future=future)


def lifecycle_tables(frames: ModelFrames, freq: str, forecast: pd.DataFrame | None = None,
                     history: bool = True):  # fmt: skip
    """``(stages, history)``: the stage per product now and along its history
    (``history`` is ``None`` when not asked for)."""
    from core.lifecycle import classify_lifecycle, lifecycle_with_history

    if history:
        return lifecycle_with_history(frames.full, freq, forecast=forecast)
    return classify_lifecycle(frames.full, freq, forecast=forecast), None


def has_stock(frame: pd.DataFrame) -> bool:
    """Whether the sales table carries stock on hand (a ``stock`` column with values)."""
    return "stock" in frame and bool(frame["stock"].notna().any())


def stock_from_data(frame: pd.DataFrame) -> pd.DataFrame | None:
    """On-hand stock per product from the sales file's stock column (its last value)."""
    if not has_stock(frame):
        return None
    last = frame.dropna(subset=["stock"]).sort_values("ds").groupby("unique_id").tail(1)
    return last[["unique_id", "stock"]].rename(columns={"stock": "on_hand"})


def recommendations(frames: ModelFrames, freq: str, forecast: pd.DataFrame,
                    stages: pd.DataFrame, stock: pd.DataFrame | None, options,
                    region: str = "CN", lang: str = "both") -> pd.DataFrame:  # fmt: skip
    """Reorder and promotion advice per forecast product (one row each).

    Columns: ``unique_id, stage, forecast_lead_time, safety_stock, reorder_point,
    order_qty, days_of_cover, stockout_date, promotion, promotion_window, discount,
    reason``. A product being cleared is never reordered (and the reason says so).
    """
    from core.inventory import recommend_inventory
    from core.promotion import PromotionOptions, promotion_effects, recommend_promotion

    options.check()
    active = stages[stages["unique_id"].isin(forecast["unique_id"])]
    inv = recommend_inventory(forecast, stock, active[["unique_id", "stage"]], options,
                              period_days=period_days(freq))  # fmt: skip
    effects = promotion_effects(frames.frame)
    promo = recommend_promotion(effects, active, inv, forecast, PromotionOptions(region=region))
    return _recommend_table(inv, promo, lang)


def required_horizon(freq: str, options, horizon: int | None = None) -> int:
    """Periods the forecast must cover for lead time plus review period."""
    need = math.ceil((options.lead_time + options.review_period) / period_days(freq))
    return max(int(horizon or 0), need, 1)


def _pick(lang: str, en: str, zh: str) -> str:
    return {"en": en, "zh": zh}.get(lang, f"{zh} / {en}")


def _recommend_table(inv: pd.DataFrame, promo: pd.DataFrame, lang: str) -> pd.DataFrame:
    merged = inv.merge(promo, on="unique_id", how="left", suffixes=("", "_promo"))
    window = [f"{a} .. {b}" if isinstance(a, str) else "" for a, b in
              zip(merged["window_start"], merged["window_end"], strict=True)]  # fmt: skip
    clearing = merged["action"].eq("clear").to_numpy()
    # a product being cleared gets the clearance reason only: its reorder reason would
    # contradict "do not reorder"
    reason = [
        _pick(lang, pe if c else f"{ie} {pe}", pz if c else f"{iz}{pz}")
        for ie, iz, pe, pz, c in zip(merged["reason_en"], merged["reason_zh"],
                                     merged["reason_en_promo"].fillna(""),
                                     merged["reason_zh_promo"].fillna(""), clearing,
                                     strict=True)
    ]  # fmt: skip
    out = merged[["unique_id", "stage", "forecast_lead_time", "safety_stock", "reorder_point",
                  "order_qty", "days_of_cover", "stockout_date"]].copy()  # fmt: skip
    for col in ("forecast_lead_time", "safety_stock", "reorder_point", "days_of_cover"):
        out[col] = out[col].round(1)
    out.loc[clearing, "order_qty"] = 0.0
    prefix = _pick(lang, "Clearing: do not reorder. ", "清仓中：不再补货。")
    out["promotion"] = merged["action"].fillna("hold")
    out["promotion_window"] = window
    out["discount"] = merged["depth"].fillna(0).round(2)
    out["reason"] = [prefix + r if c else r for r, c in zip(reason, clearing, strict=True)]
    return out


# --------------------------------------------------------------- tables for the user
def ids_first(table: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """``table`` keyed by ``unique_id`` with the source's own ID columns in front
    (``unique_id`` itself dropped when the source has ID columns)."""
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    keys = dataset.series[["unique_id", *ids]] if ids else dataset.series[["unique_id"]]
    out = keys.merge(table, on="unique_id", how="right")
    return out.drop(columns="unique_id") if ids else out


def forecast_table(fc: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """A forecast with the input's own ID columns first and a ``date`` column."""
    ids = [c for c in dataset.mapping.ids if c in dataset.series.columns]
    keys = dataset.series[["unique_id", *ids]] if ids else dataset.series[["unique_id"]]
    out = keys.merge(fc, on="unique_id", how="right").rename(columns={"ds": "date"})
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    value_cols = [c for c in fc.columns if c not in ("unique_id", "ds")]
    out[value_cols] = out[value_cols].round(3)
    return out[[*(ids or ["unique_id"]), "date", *value_cols]]


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
    from core.io import read_table
    from core.parsing import parse_numbers
    from core.schema import match_headers, normalize_header

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


def sales_ranking(frames: ModelFrames, dataset: Dataset) -> pd.DataFrame:
    """One row per product for pickers: ``unique_id``, ``label``, ``total``, ``last_date``,
    ``category`` (empty when unknown), sorted by total sales, highest first."""
    full = frames.full
    agg = full.groupby("unique_id", sort=False).agg(total=("y", "sum"), last_date=("ds", "max"))
    series = dataset.series.set_index("unique_id")
    out = agg.reset_index()
    names = series["name"] if "name" in series else pd.Series(dtype=object)
    cats = series["category"] if "category" in series else pd.Series(dtype=object)
    out["name"] = out["unique_id"].map(names).fillna("").astype(str)
    out["category"] = out["unique_id"].map(cats).fillna("").astype(str)
    out["label"] = np.where(out["name"] != "", out["unique_id"] + "  " + out["name"],
                            out["unique_id"])  # fmt: skip
    return out.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
