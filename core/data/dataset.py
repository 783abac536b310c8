"""The in-memory form of an imported sales table, shared by every later step.

After import every layout (long, wide, order lines) becomes the same
:class:`Dataset`:

``frame``
    long table, one row per product and period: ``unique_id`` (str), ``ds``
    (datetime64, period start), ``y`` (float, NaN where missing), the optional
    dynamic roles ``price``, ``promo``, ``stock``, any extra feature columns the
    user chose (by their original names), and ``_row``: the 1-based row of the
    source file the value came from (0 for rows SkuCast inserted), so every
    report can point the user at the right spreadsheet row.
``series``
    one row per product: ``unique_id``, the source's own ID columns by their
    original names (as strings: ``00123`` stays ``00123``), and the optional
    static roles ``name``, ``category``, ``brand``.
``orders``
    only for order lines with an order number: which products each order holds, one row
    per order and product (``order`` int32 code, ``unique_id`` categorical), after
    cancellations, returns and non-product lines are left out
    (:func:`core.data.orders.order_baskets`); ``None`` otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

import pandas as pd

from core.data.report import Report

#: Dynamic roles a column can play besides date, IDs and target.
DYNAMIC_ROLES = ("price", "promo", "stock")
#: Static (per product) roles.
STATIC_ROLES = ("name", "category", "brand")
#: Separator between ID parts inside ``unique_id`` (e.g. ``store|item``).
ID_SEP = "|"


@dataclass
class ColumnMapping:
    """Which source column plays which role; ``None`` where the data has none."""

    date: str | None = None
    ids: list[str] = field(default_factory=list)
    target: str | None = None
    price: str | None = None
    revenue: str | None = None
    promo: str | None = None
    stock: str | None = None
    name: str | None = None
    category: str | None = None
    brand: str | None = None
    features: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMapping:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def used_columns(self) -> list[str]:
        """All source columns the mapping uses, each once, in a stable order."""
        cols: list[str] = []
        for value in (
            self.date,
            *self.ids,
            self.target,
            self.price,
            self.revenue,
            self.promo,
            self.stock,
            self.name,
            self.category,
            self.brand,
            *self.features,
        ):
            if value and value not in cols:
                cols.append(value)
        return cols


@dataclass
class SourceInfo:
    """Where the data came from and how it was read."""

    path: str = ""
    kind: str = "csv"  # csv | xlsx
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    layout: str = "long"  # long | wide | orders
    header_row: int = 1
    rows_read: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Dataset:
    """An imported sales table in SkuCast's canonical long form (see module doc)."""

    frame: pd.DataFrame
    series: pd.DataFrame
    mapping: ColumnMapping
    freq: str
    report: Report = field(default_factory=Report)
    source: SourceInfo = field(default_factory=SourceInfo)
    #: role -> column, confidence, runner-up and source, as detected on import
    #: (:class:`core.data.roles.RoleChoice`); empty where nothing was detected
    roles: dict = field(default_factory=dict)
    #: products per order (see module doc); ``None`` without an order-number column
    orders: pd.DataFrame | None = None

    @property
    def n_series(self) -> int:
        return int(self.series.shape[0])

    @property
    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return self.frame["ds"].min(), self.frame["ds"].max()

    @property
    def id_columns(self) -> list[str]:
        """The source's own ID column names (empty for a single-series file)."""
        return list(self.mapping.ids)

    def with_frame(self, frame: pd.DataFrame, report: Report | None = None) -> Dataset:
        """A copy with another ``frame`` (and optionally another report)."""
        return replace(self, frame=frame, report=report if report is not None else self.report)
