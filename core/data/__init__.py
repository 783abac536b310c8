"""From a store export to a clean dataset, and result tables back out.

Read (:func:`load_dataset`: CSV/XLSX, long, wide or order lines, any encoding), validate,
clean (:func:`clean`, every step reported), align products to the shop's last date
(:func:`model_frames`), read the side files (stock, plans, events) and write tables for
spreadsheets (:func:`write_table`).
"""

from core.data.alignment import (
    Alignment,
    ModelFrames,
    align_to_end,
    default_inactive_periods,
    model_frames,
    require_active,
)
from core.data.cleaning import CHANGE_COLUMNS, CleaningOptions, CleaningResult, clean, preview
from core.data.dataset import ID_SEP, ColumnMapping, Dataset
from core.data.export import (
    excel_safe,
    forecast_table,
    ids_first,
    not_forecast_table,
    replace_file,
    write_forecast,
    write_sheets,
    write_table,
)
from core.data.headers import normalize_header
from core.data.importer import ImportOptions, load_dataset
from core.data.io import read_csv_bytes, read_table, sniff_separator
from core.data.naming import product_names
from core.data.parsing import parse_dates, parse_numbers
from core.data.peek import peek_columns
from core.data.product_rows import ProductRows, sorted_by_product
from core.data.report import Report
from core.data.roles import ColumnEvidence, RoleChoice, column_evidence, content_scores
from core.data.schema import OPTIONAL_ROLES
from core.data.side_files import (
    has_stock,
    load_event_calendar,
    read_future,
    read_stock,
    stock_from_data,
    uid_column,
)
from core.data.stream import needs_streaming
from core.data.summary import dataset_summary, format_summary, sales_ranking
from core.data.table import RawTable, ReadOptions, clean_header, find_header
from core.data.validation import freq_kind
from core.data.xlsx import cell_text

__all__ = [
    "ID_SEP",
    "normalize_header",
    "parse_numbers",
    "align_to_end",
    "Alignment",
    "cell_text",
    "CHANGE_COLUMNS",
    "clean",
    "clean_header",
    "column_evidence",
    "ColumnEvidence",
    "content_scores",
    "CleaningOptions",
    "CleaningResult",
    "ColumnMapping",
    "Dataset",
    "dataset_summary",
    "default_inactive_periods",
    "excel_safe",
    "find_header",
    "forecast_table",
    "not_forecast_table",
    "replace_file",
    "write_forecast",
    "format_summary",
    "freq_kind",
    "has_stock",
    "ids_first",
    "ImportOptions",
    "load_dataset",
    "load_event_calendar",
    "model_frames",
    "needs_streaming",
    "ModelFrames",
    "OPTIONAL_ROLES",
    "parse_dates",
    "peek_columns",
    "preview",
    "product_names",
    "ProductRows",
    "read_csv_bytes",
    "read_future",
    "read_stock",
    "read_table",
    "RawTable",
    "ReadOptions",
    "Report",
    "require_active",
    "RoleChoice",
    "sales_ranking",
    "sniff_separator",
    "sorted_by_product",
    "stock_from_data",
    "uid_column",
    "write_sheets",
    "write_table",
]
