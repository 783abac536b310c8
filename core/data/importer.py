"""From a store export on disk to a validated :class:`~core.data.dataset.Dataset`.

``load_dataset`` reads the file (:mod:`core.data.io`), detects the layout (long,
wide with one column per date, or order lines to be summed per product and
day), detects or applies the column mapping (:mod:`core.data.schema`), parses the
values (:mod:`core.data.parsing`), detects the frequency and checks the table
(:mod:`core.data.validation`). Product names and codes are read as a user expects
(:mod:`core.data.naming`) and the holiday region the data points to is kept in
``dataset.roles["region"]`` (:mod:`core.data.region`). Every problem lands in
``dataset.report``; a problem that makes the data unusable raises
:class:`~core.errors.InputError`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from core.data.dataset import Dataset
from core.data.io import RawTable, ReadOptions, read_table
from core.data.lines import order_lines, product_table
from core.data.orders import order_baskets
from core.data.region import suggest_region
from core.data.report import Report
from core.data.stream import needs_streaming, stream_long_table
from core.data.units import (
    count_rows_wide_error,
    sum_order_lines,
)
from core.data.validation import WEEKDAYS, check_table, detect_freq, snap_to_freq
from core.data.wide import find_date_columns, melt_wide
from core.errors import InputError

LAYOUTS = ("auto", "long", "wide", "orders")


@dataclass
class ImportOptions:
    """Everything the user can say about how to import a file (``None`` = detect).

    ``roles`` gives optional roles (price, revenue, promo, stock, name, category,
    brand) a column, or ``""`` for none (:func:`core.data.schema.check_roles`).
    ``keep_non_products`` keeps postage, discount and fee lines as products
    (:mod:`core.data.orders`). ``merge_case_codes`` reads codes that differ only in
    letter case as one product (:mod:`core.data.naming`; by default they are reported).
    ``count_rows`` counts each row as one unit sold, for exports with a row per unit and
    no quantity column (:mod:`core.data.units`); it wins over any quantity column.
    """

    encoding: str | None = None
    sep: str | None = None
    sheet: str | None = None
    date_col: str | None = None
    id_cols: list[str] | None = None
    target_col: str | None = None
    feature_cols: list[str] | None = None
    roles: dict[str, str] | None = None
    layout: str = "auto"
    dayfirst: bool | None = None
    start_date: str | None = None
    calendar: str | None = None
    freq: str | None = None
    keep_non_products: bool = False
    merge_case_codes: bool = False
    count_rows: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportOptions:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def load_dataset(path: str | Path, options: ImportOptions | None = None, on_block=None) -> Dataset:
    """Import a CSV/XLSX store export (see module doc).

    A CSV too big to hold at once is read part by part (:mod:`core.data.stream`);
    ``on_block(bytes_read, total)`` then reports the progress after each part.

    Raises
    ------
    InputError
        For unusable input; the message is in Chinese and English.
    """
    options = options or ImportOptions()
    if options.layout not in LAYOUTS:
        raise InputError(
            f"Unknown layout '{options.layout}'; use one of {', '.join(LAYOUTS)}.",
            f"未知的表格布局“{options.layout}”；可选：{'、'.join(LAYOUTS)}。",
        )
    freq = normalize_freq(options.freq) if options.freq else None
    path = Path(path)
    if path.is_file() and needs_streaming(path):
        raw, *table = stream_long_table(path, options, on_block=on_block)
        return _dataset(raw, freq, *table)
    raw = read_table(path, ReadOptions(options.encoding, options.sep, options.sheet))
    report = raw.report
    date_cols = find_date_columns(list(raw.frame.columns))
    wide = options.layout == "wide" or (options.layout == "auto" and len(date_cols) >= 7)
    if wide and options.count_rows:
        raise count_rows_wide_error()
    if wide:
        frame, series, mapping = melt_wide(raw, date_cols, options, report)
        roles: dict = {}
        orders = None
        raw.info.layout = "wide"
    else:
        frame, series, mapping, roles, orders = _long_table(raw, options, report)
    return _dataset(raw, freq, frame, series, mapping, roles, orders)


def _dataset(raw: RawTable, freq, frame, series, mapping, roles, orders) -> Dataset:
    report = raw.report
    region = suggest_region(raw.frame, mapping)
    roles = {**roles, "region": region} if region else roles
    freq = freq or detect_freq(frame, report)
    frame["ds"] = snap_to_freq(frame["ds"], freq)
    check_table(frame, freq, report)
    return Dataset(
        frame=frame,
        series=series,
        mapping=mapping,
        freq=freq,
        report=report,
        source=raw.info,
        roles=roles,
        orders=orders,
    )


def normalize_freq(freq: str) -> str:
    """Check a user's frequency and write it as SkuCast does: ``D``, ``W-MON``.., ``MS``."""
    text = freq.strip().upper()
    if text in ("D", "DAY", "DAILY"):
        return "D"
    if text in ("W", "WEEK", "WEEKLY"):
        return "W-MON"
    if text in ("M", "MS", "ME", "MONTH", "MONTHLY"):
        return "MS"
    if text.startswith("W-") and text[2:] in WEEKDAYS:
        return text
    raise InputError(
        f"Unknown frequency '{freq}'; use D, W, W-MON .. W-SUN or MS.",
        f"未知的频率“{freq}”；可选 D、W、W-MON .. W-SUN 或 MS。",
    )


def _long_table(raw: RawTable, options: ImportOptions, report: Report):
    frame, table, plan = order_lines(raw, options, report)
    mapping, hints = plan.mapping, plan.hints
    orders = order_baskets(frame, table, mapping, hints)  # "bought together" needs them
    series = product_table(frame, table, mapping)
    raw.info.layout = "orders" if plan.is_orders else "long"
    if plan.is_orders:
        frame = sum_order_lines(frame, report)
    frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    return frame, series, mapping, hints.get("roles", {}), orders
