"""The forecast archive: every week's run kept in one local SQLite file, to be scored later.

Operators forecast every week; what was forecast then is worth keeping until the sales
are known (:mod:`core.analysis.archive_score` scores it). One archive is one SQLite file
(the standard library's :mod:`sqlite3`, no server), by default beside the project or
sales file: ``shop.skucast`` -> ``shop.skucast-archive.sqlite`` (:func:`archive_path`).

Schema (version :data:`ARCHIVE_VERSION`)
----------------------------------------
=================  ===========================================================================
table              columns
=================  ===========================================================================
schema_version     ``version``: one row, the migrations applied
runs               ``run_id`` (integer key), ``created_at`` (UTC, ISO), ``data_end`` (last date
                   of the data the forecasts came from), ``model``, ``freq``, ``source`` (file
                   name), ``settings`` (JSON), ``horizon`` (periods; v2, NULL for v1 runs);
                   ``(data_end, model)`` is unique
forecasts          ``run_id, kind, unique_id, ds, forecast, median, lo_80, hi_80``; ``kind`` is
                   ``model`` (the run's model) or ``snaive`` (the seasonal naive beside it)
bands              ``run_id, kind, unique_id, ds, level, lo, hi``: every interval level other
                   than 80, one row per level (v2)
stages             ``run_id, unique_id, stage, confidence, next_stage, next_stage_date``
recommendations    ``run_id, unique_id, stage, order_qty, reorder_point, safety_stock,
                   days_of_cover, stockout_date, promotion, discount`` and ``details``: the
                   other advice columns (reasons, windows, lead time ...) as JSON
=================  ===========================================================================

Dates are stored as ``YYYY-MM-DD`` text. :data:`ARCHIVE_MIGRATIONS` is a list of steps, each a
list of SQL statements; opening a file applies the steps it lacks in order, in one
transaction, so a file is either at its old version or at the new one. A file written by
a newer SkuCast (a higher version than :data:`ARCHIVE_VERSION`), a damaged file and a
SQLite file that is not an archive are refused with an :class:`~core.errors.InputError`.

Writing
-------
:func:`save_run` writes a run with all its tables in one transaction: a failure midway
(a bad row, a full disk, a crash) leaves the archive as it was, with no half run.
Saving is idempotent: a run for the same ``data_end`` and model *replaces* the older
one (the same week re-run after a data fix), so the archive holds one run per week and
model.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from core.errors import InputError
from core.forecast import make_base_model, with_median

__all__ = [
    "ARCHIVE_SUFFIX",
    "ARCHIVE_MIGRATIONS",
    "ARCHIVE_VERSION",
    "archive_path",
    "archive_version",
    "archived_forecasts",
    "list_runs",
    "open_archive",
    "save_run",
    "snaive_forecast",
]

#: Suffix of an archive beside its project: ``shop.skucast`` -> ``shop.skucast-archive.sqlite``.
ARCHIVE_SUFFIX = ".skucast-archive.sqlite"
#: Interval level stored in the ``forecasts`` table itself (the others go to ``bands``).
MAIN_LEVEL = 80
#: Advice columns kept as columns of ``recommendations``; the rest go to ``details``.
ADVICE_COLUMNS = ("stage", "order_qty", "reorder_point", "safety_stock", "days_of_cover",
                  "stockout_date", "promotion", "discount")  # fmt: skip
STAGE_COLUMNS = ("stage", "confidence", "next_stage", "next_stage_date")
FORECAST_COLUMNS = ("forecast", "median", f"lo_{MAIN_LEVEL}", f"hi_{MAIN_LEVEL}")
KINDS = ("model", "snaive")
CHILD_TABLES = ("forecasts", "bands", "stages", "recommendations")

#: The schema, step by step: step ``i`` (a list of SQL statements) takes version ``i`` to
#: ``i + 1``. Never edit a released step; add a new one.
ARCHIVE_MIGRATIONS: list[list[str]] = [
    [  # v1: runs, the model's and the seasonal naive's forecasts, stages, advice
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version (version) VALUES (0)",
        """CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,
            data_end TEXT NOT NULL, model TEXT NOT NULL, freq TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '', settings TEXT NOT NULL DEFAULT '{}',
            UNIQUE (data_end, model))""",
        """CREATE TABLE forecasts (
            run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('model', 'snaive')),
            unique_id TEXT NOT NULL, ds TEXT NOT NULL, forecast REAL, median REAL,
            lo_80 REAL, hi_80 REAL, PRIMARY KEY (run_id, kind, unique_id, ds))""",
        """CREATE TABLE stages (
            run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            unique_id TEXT NOT NULL, stage TEXT, confidence REAL, next_stage TEXT,
            next_stage_date TEXT, PRIMARY KEY (run_id, unique_id))""",
        """CREATE TABLE recommendations (
            run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            unique_id TEXT NOT NULL, stage TEXT, order_qty REAL, reorder_point REAL,
            safety_stock REAL, days_of_cover REAL, stockout_date TEXT, promotion TEXT,
            discount REAL, details TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (run_id, unique_id))""",
    ],
    [  # v2: the horizon of each run; interval levels other than 80 in long rows
        "ALTER TABLE runs ADD COLUMN horizon INTEGER",
        """CREATE TABLE bands (
            run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            kind TEXT NOT NULL, unique_id TEXT NOT NULL, ds TEXT NOT NULL,
            level INTEGER NOT NULL, lo REAL, hi REAL,
            PRIMARY KEY (run_id, kind, unique_id, ds, level))""",
        "CREATE INDEX forecasts_by_date ON forecasts (unique_id, ds)",
    ],
]
#: The schema version this code writes and reads.
ARCHIVE_VERSION = len(ARCHIVE_MIGRATIONS)


def archive_path(project: str | Path) -> Path:
    """The archive beside ``project`` (a ``.skucast`` project or a sales file)."""
    p = Path(project)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return p.with_name(stem + ARCHIVE_SUFFIX)


# ------------------------------------------------------------------ opening, migrating
def _refuse(path: Path, en: str, zh: str) -> InputError:
    return InputError(f"Forecast archive {path.name}: {en}", f"预测存档 {path.name}：{zh}")


def _version(conn: sqlite3.Connection, path: Path) -> int:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in names:
        if names:
            raise _refuse(path, "this SQLite file is not a SkuCast forecast archive.",
                          "该 SQLite 文件不是 SkuCast 预测存档。")  # fmt: skip
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _migrate(conn: sqlite3.Connection, path: Path, upto: int = ARCHIVE_VERSION) -> int:
    """Apply the missing steps up to version ``upto`` in one transaction; return the version."""
    version = _version(conn, path)
    if version > ARCHIVE_VERSION:
        raise _refuse(path,
                      f"it was written by a newer SkuCast (archive version {version}, this "
                      f"version reads up to {ARCHIVE_VERSION}). Please update SkuCast.",
                      f"该文件由更新版本的 SkuCast 写入（存档版本 {version}，当前版本最高支持 "
                      f"{ARCHIVE_VERSION}），请升级 SkuCast。")  # fmt: skip
    if version >= upto:
        return version
    with _transaction(conn):
        for step in ARCHIVE_MIGRATIONS[version:upto]:
            for statement in step:
                conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = ?", (upto,))
    return upto


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def open_archive(path: str | Path, upto: int = ARCHIVE_VERSION) -> Iterator[sqlite3.Connection]:
    """A connection (in autocommit mode: writers open their own transaction) to the archive
    at ``path``, created or upgraded to version ``upto``; closed on leaving the block."""
    path = Path(path)
    if path.is_dir():
        raise _refuse(path, "this is a folder, not a file.", "这是一个文件夹，不是文件。")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    except sqlite3.Error as exc:
        raise _refuse(path, f"cannot be opened ({exc}).", f"无法打开（{exc}）。") from exc
    try:
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            _migrate(conn, path, upto)
        except sqlite3.DatabaseError as exc:
            raise _refuse(path, f"the file is damaged or not an archive ({exc}).",
                          f"文件已损坏或不是预测存档（{exc}）。") from exc  # fmt: skip
        yield conn
    finally:
        conn.close()


def archive_version(path: str | Path) -> int:
    """The schema version of the archive at ``path``, after upgrading it if it was older."""
    with open_archive(path) as conn:
        return _version(conn, Path(path))


# ------------------------------------------------------------------------------ writing
def _day(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def _plain(value):
    """A value SQLite and JSON take: NaN -> None, dates -> text, numpy scalars -> Python."""
    if value is None or (isinstance(value, float | int) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return _day(value)
    if hasattr(value, "item"):  # a numpy scalar
        return _plain(value.item())
    return value


def _column(frame: pd.DataFrame, name: str) -> list:
    if name not in frame.columns:
        return [None] * len(frame)
    col = frame[name]
    if pd.api.types.is_datetime64_any_dtype(col):
        return [_day(v) for v in col]
    return [_plain(v) for v in col.astype(object)]


def _insert(conn: sqlite3.Connection, table: str, columns: list[str], rows: list) -> None:
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _levels(frame: pd.DataFrame) -> list[int]:
    return sorted(int(c[3:]) for c in frame.columns
                  if c.startswith("lo_") and c[3:].isdigit() and f"hi_{c[3:]}" in frame)  # fmt: skip


def _write_forecast(conn, run_id: int, kind: str, frame: pd.DataFrame) -> None:
    frame = with_median(frame)
    ids, days = [str(v) for v in frame["unique_id"]], _column(frame, "ds")
    head = [[run_id] * len(frame), [kind] * len(frame), ids, days]
    values = [_column(frame, c) for c in FORECAST_COLUMNS]
    _insert(conn, "forecasts", ["run_id", "kind", "unique_id", "ds", *FORECAST_COLUMNS],
            list(zip(*head, *values, strict=True)))  # fmt: skip
    for level in (lv for lv in _levels(frame) if lv != MAIN_LEVEL):
        bounds = [_column(frame, f"lo_{level}"), _column(frame, f"hi_{level}")]
        _insert(conn, "bands", ["run_id", "kind", "unique_id", "ds", "level", "lo", "hi"],
                list(zip(*head, [level] * len(frame), *bounds, strict=True)))  # fmt: skip


def _write_stages(conn, run_id: int, stages: pd.DataFrame) -> None:
    ids = [None if pd.isna(v) else str(v) for v in stages["unique_id"]]
    values = [_column(stages, c) for c in STAGE_COLUMNS]
    _insert(conn, "stages", ["run_id", "unique_id", *STAGE_COLUMNS],
            list(zip([run_id] * len(stages), ids, *values, strict=True)))  # fmt: skip


def _write_advice(conn, run_id: int, table: pd.DataFrame) -> None:
    ids = [None if pd.isna(v) else str(v) for v in table["unique_id"]]
    values = [_column(table, c) for c in ADVICE_COLUMNS]
    rest = [c for c in table.columns if c not in ("unique_id", *ADVICE_COLUMNS)]
    extra = {c: _column(table, c) for c in rest}
    details = [json.dumps({c: extra[c][i] for c in rest}, ensure_ascii=False, default=str)
               for i in range(len(table))]  # fmt: skip
    _insert(conn, "recommendations", ["run_id", "unique_id", *ADVICE_COLUMNS, "details"],
            list(zip([run_id] * len(table), ids, *values, details, strict=True)))  # fmt: skip


def _check_forecast(frame: pd.DataFrame, data_end: str, what: str) -> None:
    missing = [c for c in ("unique_id", "ds", "forecast") if c not in frame.columns]
    if missing:
        raise InputError(f"The {what} to archive lacks the column(s) {', '.join(missing)}.",
                         f"要存档的{what}缺少列：{', '.join(missing)}。")  # fmt: skip
    early = pd.to_datetime(frame["ds"]) <= pd.Timestamp(data_end)
    if early.any():
        raise InputError(f"The {what} to archive has dates on or before the data end "
                         f"{data_end}: a forecast starts after the last day of its data.",
                         f"要存档的{what}包含不晚于数据截止日 {data_end} 的日期："
                         "预测应从数据最后一天之后开始。")  # fmt: skip


def snaive_forecast(history: pd.DataFrame, freq: str, horizon: int,
                    levels=(MAIN_LEVEL,)) -> pd.DataFrame:  # fmt: skip
    """The seasonal naive forecast of ``history`` (``unique_id, ds, y``), to archive
    beside a model's: the yardstick its value added is measured against."""
    model = make_base_model("snaive").fit(history[["unique_id", "ds", "y"]], freq)
    return model.predict(int(horizon), levels=tuple(levels))


def save_run(path: str | Path, *, data_end, model: str, freq: str, forecast: pd.DataFrame,
             snaive: pd.DataFrame | None = None, stages: pd.DataFrame | None = None,
             recommendations: pd.DataFrame | None = None, source: str = "",
             settings: Mapping | None = None, history: pd.DataFrame | None = None) -> int:  # fmt: skip
    """Archive one run in one transaction and return its ``run_id``.

    Parameters
    ----------
    path : str or Path
        The archive (created when missing; see :func:`archive_path`).
    data_end : date-like
        Last date of the data the forecasts came from.
    model, freq : str
        The model's name and the data's frequency.
    forecast : DataFrame
        ``unique_id, ds, forecast`` and optionally ``median`` and ``lo_L``/``hi_L``.
    snaive : DataFrame, optional
        The seasonal naive forecast of the same data, same columns. When omitted and
        ``history`` (``unique_id, ds, y`` up to ``data_end``) is given, it is computed
        (:func:`snaive_forecast`) for the forecast's horizon.
    stages, recommendations : DataFrame, optional
        The lifecycle table and the advice table of the run.
    source, settings
        The sales file's name and the run's settings (stored as JSON).

    A run already archived for the same ``data_end`` and ``model`` is replaced. Nothing is
    written when anything fails: the archive keeps its earlier runs, and no half run.
    """
    end = _day(data_end)
    _check_forecast(forecast, end, "forecast")
    horizon = int(forecast.groupby("unique_id")["ds"].nunique().max()) if len(forecast) else 0
    if snaive is None and history is not None and horizon:
        snaive = snaive_forecast(history, freq, horizon, levels=_levels(forecast) or [80])
    if snaive is not None:
        _check_forecast(snaive, end, "seasonal naive forecast")
    made = datetime.now(UTC).isoformat(timespec="seconds")
    blob = json.dumps(dict(settings or {}), ensure_ascii=False, default=str, sort_keys=True)
    try:
        return _write_run(
            path,
            (made, end, str(model), str(freq), Path(str(source)).name, blob, horizon),
            forecast,
            snaive,
            stages,
            recommendations,
        )
    except sqlite3.Error as exc:
        raise _refuse(Path(path), f"the run could not be saved ({exc}); nothing was changed.",
                      f"本次运行未能保存（{exc}），存档未作任何改动。") from exc  # fmt: skip


def _write_run(path, run: tuple, forecast, snaive, stages, recommendations) -> int:
    """Replace the run of the same data end and model by ``run`` and its tables, at once."""
    end, model = run[1], run[2]
    with open_archive(path) as conn, _transaction(conn):
        old = [r[0] for r in conn.execute(
            "SELECT run_id FROM runs WHERE data_end = ? AND model = ?", (end, model))]  # fmt: skip
        for table in (*CHILD_TABLES, "runs"):
            conn.executemany(f"DELETE FROM {table} WHERE run_id = ?", [(r,) for r in old])
        cur = conn.execute(
            "INSERT INTO runs (created_at, data_end, model, freq, source, settings, horizon) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            run,
        )
        run_id = int(cur.lastrowid)
        _write_forecast(conn, run_id, "model", forecast)
        if snaive is not None:
            _write_forecast(conn, run_id, "snaive", snaive)
        if stages is not None:
            _write_stages(conn, run_id, stages)
        if recommendations is not None:
            _write_advice(conn, run_id, recommendations)
    return run_id


# ------------------------------------------------------------------------------ reading
def list_runs(path: str | Path) -> pd.DataFrame:
    """Every archived run, oldest data first: the ``runs`` table (``settings`` as text)."""
    with open_archive(path) as conn:
        runs = pd.read_sql_query("SELECT * FROM runs ORDER BY data_end, run_id", conn)
    for col in ("created_at", "data_end"):
        runs[col] = pd.to_datetime(runs[col], format="ISO8601")
    return runs


def archived_forecasts(path: str | Path, run_id: int | None = None) -> pd.DataFrame:
    """The ``forecasts`` rows (both kinds) of one run or of all: ``run_id, kind, unique_id,
    ds, forecast, median, lo_80, hi_80``, dates as timestamps."""
    where, args = ("WHERE run_id = ?", (int(run_id),)) if run_id is not None else ("", ())
    with open_archive(path) as conn:
        rows = pd.read_sql_query(f"SELECT * FROM forecasts {where} "
                                 "ORDER BY run_id, kind, unique_id, ds", conn, params=args)  # fmt: skip
    rows["ds"] = pd.to_datetime(rows["ds"])
    rows["unique_id"] = rows["unique_id"].astype(str)
    return rows
