"""The Overview: what needs attention now, the stage mix and the ABC x XYZ table.

:func:`build_overview` reads the Recommendations table (what
:func:`~core.analysis.decision_tasks.recommend_task` returns: the columns of
:func:`core.recommend.recommendations` with ``lead_time`` and ``on_hand``), the lifecycle
table (stages and next-stage dates), the cleaned sales and, where there is one, what an
earlier run left (its stages, its accuracy). :func:`overview_task` does the same and
reads the earlier run from the forecast archive (:mod:`core.analysis.archive`), or falls
back to the stage history and the backtest.

Attention items
---------------
Every item is one predicate of :data:`ATTENTION` on the *attention table*
(:func:`attention_table`: the Recommendations table, one row per product, with the
lifecycle columns and the earlier stage joined), so the products an item counts are
exactly the rows of the Recommendations table it filters to. ``order`` and ``promote``
are the Recommendations table's own filters (:data:`~core.analysis.decision_tasks.FILTERS`).

=================  ==========================================================================
key                products counted
=================  ==========================================================================
``order``          ``order_qty > 0`` (filter *Needs ordering*); value: order units x unit value
``stockout_now``   stock on hand known and 0 (or below), not ``inactive``
``stockout_lead``  stock on hand above 0 that lasts fewer days than the product's lead time
                   (``days_of_cover < lead_time``): it runs out before an order placed today
                   arrives
``excess``         stock on hand above 0 lasting more than :data:`EXCESS_COVER_DAYS` (90) days,
                   or with no sales expected at all; value: the units above 90 days of
                   expected sales (all of them where none are expected) x unit value
``stage_changed``  an earlier stage known and different from the stage now
``decline_soon``   not in decline, next stage ``decline`` due within :data:`DECLINE_WEEKS` (8)
                   weeks of the data end
``promote``        ``promotion == "promote"`` (filter *Promote*); the next festival is named
``accuracy``       not a filter: accuracy (1 - WAPE) of the last archived run scored against
                   the sales known now, else of the backtest; its products are the worst ones
=================  ==========================================================================

A unit's value is its ``unit_cost`` from the stock table, else its last selling price in
the sales (``price``); without either, values stay empty and the units are given
(``value_basis`` says which: ``cost``, ``price``, ``cost+price`` or ``units``).

ABC x XYZ: see :mod:`core.analysis.abc_xyz`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.analysis.abc_xyz import ABC, XYZ, abc_xyz
from core.analysis.decision_tasks import FILTERS
from core.analysis.overview_inputs import (
    PreviousRun,
    archive_accuracy,
    archive_stages,
    backtest_accuracy,
    history_stages,
    unit_values,
)
from core.errors import CancelledError, InputError
from core.lifecycle import STAGES
from core.recommend import MAX_COVER_DAYS, festival_calendar

__all__ = [
    "ATTENTION",
    "AttentionItem",
    "EXCESS_COVER_DAYS",
    "ITEMS",
    "Overview",
    "attention_table",
    "build_overview",
    "overview_task",
]

#: Days of cover above which stock counts as excess.
EXCESS_COVER_DAYS = 90.0
#: A next stage ``decline`` due within this many weeks counts as entering decline soon.
DECLINE_WEEKS = 8
#: Lead time of a row without one (the inventory options' default).
DEFAULT_LEAD_TIME = 7.0
#: The items in the order the Overview shows them.
ITEMS = ("order", "stockout_now", "stockout_lead", "excess", "stage_changed", "decline_soon",
         "promote", "accuracy")  # fmt: skip


def _col(t: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(t[name], errors="coerce")


#: Item key -> rows of the attention table it counts (a boolean array); see module doc.
ATTENTION = {
    "order": FILTERS["order"],
    "stockout_now": lambda t: ((_col(t, "on_hand") <= 0) & t["stage"].ne("inactive")).to_numpy(),
    "stockout_lead": lambda t: ((_col(t, "on_hand") > 0)
                                & (_col(t, "days_of_cover") < _col(t, "lead_time"))).to_numpy(),
    "excess": lambda t: ((_col(t, "on_hand") > 0)
                         & ((_col(t, "days_of_cover") > EXCESS_COVER_DAYS)
                            | _col(t, "days_of_cover").isna())).to_numpy(),
    "stage_changed": lambda t: (t["previous_stage"].notna()
                                & t["previous_stage"].ne(t["stage"])).to_numpy(),
    "decline_soon": lambda t: (t["stage"].ne("decline") & t["next_stage"].eq("decline")
                               & (_col(t, "days_to_next") <= DECLINE_WEEKS * 7)).to_numpy(),
    "promote": FILTERS["promote"],
}  # fmt: skip
#: How each item lists its products (column, ascending) and the figure shown per product.
_ORDER = {"order": ("order_value_sort", False), "stockout_now": ("forecast_lead_time", False),
          "stockout_lead": ("days_of_cover", True), "excess": ("excess_value_sort", False),
          "stage_changed": ("forecast_lead_time", False), "decline_soon": ("days_to_next", True),
          "promote": ("forecast_lead_time", False)}  # fmt: skip
_DETAIL = {"order": "order_qty", "stockout_now": "order_qty", "stockout_lead": "stockout_date",
           "excess": "days_of_cover", "stage_changed": "previous_stage",
           "decline_soon": "next_stage_date", "promote": "promotion_window"}  # fmt: skip


@dataclass(frozen=True)
class AttentionItem:
    """One thing that needs attention (see module doc).

    Attributes
    ----------
    key : str
        One of :data:`ITEMS`.
    count : int
        Products counted (for ``accuracy``: products scored).
    ids : tuple of str
        The products, most pressing first (for ``accuracy``: the worst).
    value : float or None
        Money where it applies (order value, excess stock value; in ``value_basis``), the
        accuracy (0..1) for ``accuracy``; None where it does not apply or is unknown.
    value_basis : str
        ``cost``, ``price``, ``cost+price``, ``units`` or ``""``.
    figures : dict
        More numbers of the item (units, median days of cover, the festival, MASE ...).
    detail : dict
        Product -> the figure shown beside it (order units, stock-out date, days of
        cover, earlier stage, next-stage date, promotion window).
    view : str
        The view a click opens: ``recommendations`` (filtered to ``ids``) or ``forecast``.
    """

    key: str
    count: int
    ids: tuple[str, ...]
    value: float | None = None
    value_basis: str = ""
    figures: dict = field(default_factory=dict)
    detail: dict = field(default_factory=dict)
    view: str = "recommendations"


@dataclass
class Overview:
    """What :func:`build_overview` found.

    Attributes
    ----------
    items : list of AttentionItem
        In :data:`ITEMS` order (``accuracy`` only when something was scored).
    stage_mix : dict
        Stage -> products, every product of the lifecycle table, in stage order.
    abc_xyz : pandas.DataFrame
        Products per ABC class (rows ``A, B, C``) and XYZ class (columns ``X, Y, Z``).
    classes : pandas.DataFrame
        Per product: ``unique_id, value, share, abc, cv, periods, xyz``.
    abc_basis : str
        ``value`` (units x price) or ``units``.
    table : pandas.DataFrame
        The attention table the items were counted on.
    as_of : pandas.Timestamp
        The data end.
    """

    items: list[AttentionItem]
    stage_mix: dict
    abc_xyz: pd.DataFrame
    classes: pd.DataFrame
    abc_basis: str
    table: pd.DataFrame
    as_of: pd.Timestamp

    def item(self, key: str) -> AttentionItem | None:
        """The item ``key``, or None when it was not computed."""
        return next((i for i in self.items if i.key == key), None)

    def cell_ids(self, abc: str, xyz: str) -> list[str]:
        """The products of one ABC x XYZ cell."""
        c = self.classes
        return c.loc[c["abc"].eq(abc) & c["xyz"].eq(xyz), "unique_id"].tolist()


# ------------------------------------------------------------------------ the table
def attention_table(recommendations: pd.DataFrame, stages: pd.DataFrame | None, as_of,
                    previous: PreviousRun | None = None,
                    values: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """The Recommendations table (same rows, same order) with what the predicates read:
    ``next_stage``, ``next_stage_date``, ``days_to_next``, ``previous_stage``,
    ``unit_value``, ``order_value``, ``excess_units`` and ``excess_value``."""
    t = recommendations.copy()
    t["unique_id"] = t["unique_id"].astype(str)
    for col, default in (("on_hand", np.nan), ("lead_time", DEFAULT_LEAD_TIME),
                         ("forecast_lead_time", np.nan)):  # fmt: skip
        t[col] = _col(t, col) if col in t else default
    keyed = None if stages is None else stages.assign(unique_id=stages["unique_id"].astype(str))
    keyed = None if keyed is None else keyed.drop_duplicates("unique_id").set_index("unique_id")
    for col in ("next_stage", "next_stage_date"):
        has = keyed is not None and col in keyed
        t[col] = t["unique_id"].map(keyed[col]).to_numpy() if has else None
    t["next_stage_date"] = pd.to_datetime(t["next_stage_date"])
    t["days_to_next"] = (t["next_stage_date"] - pd.Timestamp(as_of)).dt.days
    before = None if previous is None else previous.stages
    before = None if before is None else before.assign(unique_id=before["unique_id"].astype(str))
    t["previous_stage"] = (None if before is None else t["unique_id"].map(
        before.drop_duplicates("unique_id").set_index("unique_id")["stage"]).to_numpy())  # fmt: skip
    _add_values(t, values)
    return t


def _add_values(t: pd.DataFrame, values: pd.DataFrame | None) -> None:
    unit = (pd.Series(np.nan, index=t.index) if values is None or values.empty
            else t["unique_id"].map(values["value"]).astype(float))  # fmt: skip
    t["unit_value"] = unit.to_numpy()
    t["value_source"] = (None if values is None or values.empty
                         else t["unique_id"].map(values["source"]).to_numpy())  # fmt: skip
    given = _col(t, "order_value") if "order_value" in t else None
    qty = _col(t, "order_qty")
    t["order_value"] = (qty * t["unit_value"]) if given is None else given
    on_hand, cover = _col(t, "on_hand").clip(lower=0), _col(t, "days_of_cover")
    # the units that 90 days of sales use up, at the stock's own rate of sale (read back
    # from its days of cover); where no sales are expected, none
    kept = (on_hand * EXCESS_COVER_DAYS / cover.where(cover > 0)).clip(upper=on_hand)
    kept = kept.fillna(on_hand).where(cover.notna(), 0.0)
    t["excess_units"] = (on_hand - kept).clip(lower=0)
    t["excess_value"] = t["excess_units"] * t["unit_value"]
    t["order_value_sort"] = t["order_value"].fillna(qty)
    t["excess_value_sort"] = t["excess_value"].fillna(t["excess_units"])


# ---------------------------------------------------------------------- the items
def _basis(rows: pd.DataFrame) -> str:
    sources = set(rows["value_source"].dropna())
    if not sources:
        return "units"
    return "+".join(s for s in ("cost", "price") if s in sources)


def _money(rows: pd.DataFrame, col: str) -> float | None:
    values = rows[col].dropna()
    return float(values.sum()) if len(values) else None


def _item(key: str, t: pd.DataFrame, extra: dict) -> AttentionItem:
    rows = t[ATTENTION[key](t)]
    col, ascending = _ORDER[key]
    rows = rows.sort_values([col, "unique_id"], ascending=[ascending, True], kind="stable",
                            na_position="last")  # fmt: skip
    value, basis, figures = None, "", dict(extra.get(key, {}))
    if key in ("order", "excess"):
        # nothing counted is worth 0 where units have a value at all
        basis = _basis(rows if len(rows) else t)
        value = _money(rows, f"{key}_value") if len(rows) else (0.0 if basis != "units" else None)
    if key == "order":
        figures["units"] = float(rows["order_qty"].sum())
    elif key == "excess":
        cover = _col(rows, "days_of_cover").fillna(MAX_COVER_DAYS)
        figures.update(units=float(rows["excess_units"].sum()),
                       median_days=float(cover.median()) if len(rows) else None)  # fmt: skip
    elif key == "stage_changed":
        moves = rows["previous_stage"].astype(str) + ">" + rows["stage"].astype(str)
        figures["moves"] = {k: int(v) for k, v in moves.value_counts().items()}
    shown = rows[_DETAIL[key]]
    if pd.api.types.is_datetime64_any_dtype(shown):
        shown = shown.dt.strftime("%Y-%m-%d")
    detail = dict(zip(rows["unique_id"], shown, strict=True))
    return AttentionItem(key, len(rows), tuple(rows["unique_id"]), value, basis, figures, detail)


def _festival(as_of, region: str, days: int = 60) -> dict:
    start = pd.Timestamp(as_of)
    cal = festival_calendar(start, start + pd.Timedelta(days=days), region)
    cal = cal[cal["date"] >= start].sort_values("date")
    if cal.empty:
        return {}
    f = cal.iloc[0]
    return {"festival_en": f["name_en"], "festival_zh": f["name_zh"],
            "festival_date": f["date"].date().isoformat(),
            "window_start": f["window_start"].date().isoformat()}  # fmt: skip


def _accuracy_item(acc: dict) -> AttentionItem:
    wape = acc.get("wape", np.nan)
    value = None if not np.isfinite(wape) else max(0.0, 1.0 - wape)
    ids = tuple(acc.get("worst", []))
    figures = {k: v for k, v in acc.items() if k != "worst"}
    return AttentionItem("accuracy", int(acc.get("products", 0)), ids, value, "share", figures,
                         {}, view="forecast")  # fmt: skip


def build_overview(recommendations: pd.DataFrame, stages: pd.DataFrame | None,
                   sales: pd.DataFrame, freq: str, *, previous: PreviousRun | None = None,
                   accuracy: dict | None = None, values: pd.DataFrame | None = None,
                   region: str = "CN") -> Overview:  # fmt: skip
    """The Overview of one analysis (see module doc).

    Parameters
    ----------
    recommendations : pandas.DataFrame
        The Recommendations table (``lead_time`` and ``on_hand`` where known).
    stages : pandas.DataFrame or None
        The lifecycle table (``unique_id, stage, next_stage, next_stage_date``).
    sales : pandas.DataFrame
        The cleaned sales (``unique_id, ds, y`` and ``price`` where known).
    freq : str
    previous : PreviousRun, optional
        The stages of the run before (:func:`archive_stages`, :func:`history_stages`).
    accuracy : dict, optional
        :func:`archive_accuracy` or :func:`backtest_accuracy`.
    values : pandas.DataFrame, optional
        Unit values (:func:`unit_values`).
    region : str
        Festival calendar of the ``promote`` item.

    Returns
    -------
    Overview
    """
    as_of = pd.Timestamp(sales["ds"].max())
    table = attention_table(recommendations, stages, as_of, previous, values)
    extra = {"stage_changed": {} if previous is None else {
                 "since": previous.data_end.date().isoformat(), "source": previous.source},
             "decline_soon": {"weeks": DECLINE_WEEKS}, "excess": {"days": EXCESS_COVER_DAYS},
             "promote": _festival(as_of, region)}  # fmt: skip
    items = [_item(key, table, extra) for key in ITEMS if key in ATTENTION]
    if accuracy is not None:
        items.append(_accuracy_item(accuracy))
    classes, basis = abc_xyz(sales, freq, table["unique_id"], as_of)
    counts = pd.crosstab(classes["abc"], classes["xyz"]).reindex(index=list(ABC), columns=list(XYZ),
                                                                 fill_value=0)  # fmt: skip
    return Overview(items, _stage_mix(stages), counts.astype(int), classes, basis, table, as_of)


def _stage_mix(stages: pd.DataFrame | None) -> dict:
    if stages is None:
        return {}
    counts = stages["stage"].value_counts()
    order = [s for s in STAGES if s in counts] + sorted(s for s in counts.index if s not in STAGES)
    return {s: int(counts[s]) for s in order}


# ------------------------------------------------------------------------- the task
def overview_task(recommendations: pd.DataFrame, stages: pd.DataFrame | None, frames,
                  freq: str, *, stage_history: pd.DataFrame | None = None,
                  stock: pd.DataFrame | None = None, archive=None,
                  leaderboard: pd.DataFrame | None = None, model: str | None = None,
                  region: str = "CN", on_progress=None, should_stop=None) -> Overview:  # fmt: skip
    """:func:`build_overview` with the earlier run read from ``archive`` (a forecast
    archive's path, when the file exists), else from ``stage_history`` (a week before the
    data end) and the accuracy from ``leaderboard``'s row of ``model``.

    An archive that cannot be read is passed over for the fallbacks.
    """
    sales = frames.full
    as_of = pd.Timestamp(sales["ds"].max())
    previous = accuracy = None
    if archive is not None:
        try:
            previous = archive_stages(archive, as_of)
            accuracy = archive_accuracy(archive, sales)
        except (InputError, OSError, ValueError, KeyError):
            previous = accuracy = None
    if should_stop is not None and should_stop():
        raise CancelledError()
    previous = previous or history_stages(stage_history, as_of)
    accuracy = accuracy or backtest_accuracy(leaderboard, model)
    return build_overview(recommendations, stages, sales, freq, previous=previous,
                          accuracy=accuracy, values=unit_values(sales, stock), region=region)  # fmt: skip
