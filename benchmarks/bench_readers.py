"""Benchmark: CSV readers on a big order-line file, each in bounded memory.

Every reader does the same job on the same generated file
(:mod:`benchmarks.orderline_file`): the units sold per product and calendar day,
leaving out cancelled invoices (``C536379``) and the lines that are not products
(``POST``, ``DOT``, ...), read part by part so that memory stays bounded:

``pandas_str``
    pandas' C reader in chunks of text cells (``dtype=str``), as SkuCast reads cells,
    converted and summed chunk by chunk;
``pandas_typed``
    pandas' C reader in chunks of the four needed columns, with dtypes and dates;
``pyarrow``
    ``pyarrow.csv.open_csv`` batches, filtered and summed with ``pyarrow.compute``;
``polars``
    a lazy ``scan_csv`` query run by the streaming engine;
``duckdb``
    ``read_csv`` and ``GROUP BY`` with a 1 GB ``memory_limit``;
``skucast``
    ``core.data.load_dataset`` as it is today (a refusal is recorded, not raised).

Each run is a fresh process, so its peak memory (max RSS: the interpreter, pandas and
the reader's library included) is its own; the runs go round the readers in turn, so
changes of load on a shared machine hit all alike. The parent checks that the readers
agree on the product-days and units and prints a Markdown table of medians (min–max).

    python -m benchmarks.bench_readers --size 2G --runs 3 [--file PATH] [--readers a,b]

Each reader's library is imported inside its job, not at the top: a child imports only
what its reader needs, and a reader whose package is missing is listed as such.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from benchmarks.orderline_file import (
    DATE_FORMAT,
    HEADER,
    NON_PRODUCTS,
    parse_size,
    write_orderlines,
)

__all__ = ["JOBS", "as_sums", "job_duckdb", "job_pandas_str", "job_pandas_typed",
           "job_polars", "job_pyarrow", "job_skucast"]  # fmt: skip

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path("/tmp/skucast_bench")
KEEP = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate"]
KEYS = ["StockCode", "day"]
#: Lines per pandas chunk (about 20 MB of text).
CHUNK_ROWS = 250_000
#: Bytes per pyarrow batch.
BLOCK_BYTES = 16 * 2**20
MEMORY_BUDGET_MB = 1024


def _sums(codes: pd.Series, days: pd.Series, units: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"StockCode": codes, "day": days, "units": units})
    return frame.groupby(KEYS, sort=False)["units"].sum().reset_index()


def _finish(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The sums of the parts summed again (a product-day can span two parts)."""
    if not parts:
        return pd.DataFrame({"StockCode": [], "day": pd.to_datetime([]), "units": []})
    return _sums(*(pd.concat(parts, ignore_index=True)[c] for c in ("StockCode", "day", "units")))


def job_pandas_str(path: str | Path) -> pd.DataFrame:
    """Units per product-day with pandas' C reader, every cell read as text."""
    parts = []
    for chunk in pd.read_csv(path, chunksize=CHUNK_ROWS, dtype=str, keep_default_na=False):
        keep = ~chunk["InvoiceNo"].str.startswith("C") & ~chunk["StockCode"].isin(NON_PRODUCTS)
        chunk = chunk[keep]
        day = pd.to_datetime(chunk["InvoiceDate"], format=DATE_FORMAT).dt.normalize()
        parts.append(_sums(chunk["StockCode"], day, pd.to_numeric(chunk["Quantity"])))
    return _finish(parts)


def job_pandas_typed(path: str | Path) -> pd.DataFrame:
    """Units per product-day with pandas' C reader: four columns, typed while read."""
    reader = pd.read_csv(
        path,
        usecols=KEEP,
        dtype={"InvoiceNo": str, "StockCode": str, "Quantity": "int64"},
        parse_dates=["InvoiceDate"],
        date_format=DATE_FORMAT,
        chunksize=CHUNK_ROWS,
    )
    parts = []
    for chunk in reader:
        keep = ~chunk["InvoiceNo"].str.startswith("C") & ~chunk["StockCode"].isin(NON_PRODUCTS)
        chunk = chunk[keep]
        parts.append(
            _sums(chunk["StockCode"], chunk["InvoiceDate"].dt.normalize(), chunk["Quantity"])
        )
    return _finish(parts)


def job_pyarrow(path: str | Path) -> pd.DataFrame:
    """Units per product-day from ``pyarrow.csv.open_csv`` batches."""
    pa = importlib.import_module("pyarrow")
    pacsv = importlib.import_module("pyarrow.csv")
    pc = importlib.import_module("pyarrow.compute")
    convert = pacsv.ConvertOptions(
        include_columns=KEEP,
        column_types={"InvoiceNo": pa.string(), "StockCode": pa.string(),
                      "Quantity": pa.int64(), "InvoiceDate": pa.timestamp("s")},
        timestamp_parsers=[DATE_FORMAT],
    )  # fmt: skip
    reader = pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES), convert_options=convert
    )
    skip = pa.array(sorted(NON_PRODUCTS))
    parts = []
    for batch in reader:
        keep = pc.and_not(
            pc.invert(pc.starts_with(batch["InvoiceNo"], "C")),
            pc.is_in(batch["StockCode"], value_set=skip),
        )
        table = pa.table(
            {"StockCode": batch["StockCode"], "day": pc.cast(batch["InvoiceDate"], pa.date32()),
             "units": batch["Quantity"]}
        ).filter(keep)  # fmt: skip
        parts.append(table.group_by(KEYS).aggregate([("units", "sum")]))
    if not parts:
        return _finish([])
    whole = pa.concat_tables(parts).group_by(KEYS).aggregate([("units_sum", "sum")])
    frame = whole.to_pandas(date_as_object=False)
    return frame.rename(columns={"units_sum_sum": "units"})[["StockCode", "day", "units"]]


def job_polars(path: str | Path) -> pd.DataFrame:
    """Units per product-day from a lazy polars query on the streaming engine."""
    pl = importlib.import_module("polars")
    schema = {name: pl.String for name in HEADER.split(",")} | {"Quantity": pl.Int64}
    query = (
        pl.scan_csv(path, schema=schema)
        .select(KEEP)
        .filter(
            ~pl.col("InvoiceNo").str.starts_with("C")
            & ~pl.col("StockCode").is_in(sorted(NON_PRODUCTS))
        )
        .group_by("StockCode", pl.col("InvoiceDate").str.strptime(pl.Datetime, DATE_FORMAT)
                  .dt.date().alias("day"))
        .agg(pl.col("Quantity").sum().alias("units"))
    )  # fmt: skip
    out = query.collect(engine="streaming")
    # column by column through numpy: DataFrame.to_pandas would import pyarrow
    return pd.DataFrame({name: out[name].to_numpy() for name in ("StockCode", "day", "units")})


def job_duckdb(path: str | Path) -> pd.DataFrame:
    """Units per product-day from DuckDB's ``read_csv`` with a 1 GB memory limit."""
    duckdb = importlib.import_module("duckdb")
    spill = CACHE / "duckdb_spill"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={"memory_limit": "1GB", "temp_directory": str(spill),
                "preserve_insertion_order": False}
    )  # fmt: skip
    types = {name: "VARCHAR" for name in HEADER.split(",")} | {"Quantity": "BIGINT"}
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
    skip = ", ".join(f"'{code}'" for code in sorted(NON_PRODUCTS))
    source = str(path).replace("'", "''")
    sql = f"""
        SELECT StockCode, CAST(strptime(InvoiceDate, '{DATE_FORMAT}') AS DATE) AS day,
               CAST(SUM(Quantity) AS BIGINT) AS units
        FROM read_csv('{source}', header = true, delim = ',', quote = '"', escape = '"',
                      columns = {{{columns}}})
        WHERE NOT starts_with(InvoiceNo, 'C') AND StockCode NOT IN ({skip})
        GROUP BY ALL
    """
    out = con.execute(sql).fetchnumpy()
    con.close()
    return pd.DataFrame({name: out[name] for name in ("StockCode", "day", "units")})


def job_skucast(path: str | Path) -> pd.DataFrame:
    """Units per product-day as SkuCast's own import (``load_dataset``) reads them."""
    data = importlib.import_module("core.data")
    ds = data.load_dataset(path)
    frame = ds.frame[ds.frame["y"].notna() & (ds.frame["y"] != 0)]
    units = frame["y"].round().astype("int64")
    return pd.DataFrame({"StockCode": frame["unique_id"], "day": frame["ds"], "units": units})


#: reader name -> (job, the package it needs)
JOBS: dict[str, tuple[Callable[[str | Path], pd.DataFrame], str]] = {
    "pandas_str": (job_pandas_str, "pandas"),
    "pandas_typed": (job_pandas_typed, "pandas"),
    "pyarrow": (job_pyarrow, "pyarrow"),
    "polars": (job_polars, "polars"),
    "duckdb": (job_duckdb, "duckdb"),
    "skucast": (job_skucast, "core"),
}


def as_sums(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """A job's table as ``{(StockCode, ISO day): units}`` (for comparisons)."""
    days = pd.to_datetime(frame["day"]).dt.strftime("%Y-%m-%d")
    return {
        (code, day): int(units)
        for code, day, units in zip(frame["StockCode"], days, frame["units"], strict=True)
    }


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_child(name: str, path: Path) -> dict:
    """Run one job in this process; wall and CPU cover the reader's import and the job,
    peak memory the whole process (max RSS of this process or of any child it waited for)."""
    cpu0, t0 = _cpu_s(), time.perf_counter()
    result: dict = {"reader": name}
    try:
        frame = JOBS[name][0](path)
        result |= {"rows": len(frame), "units": int(frame["units"].sum())}
    except Exception as exc:  # reported to the parent as a result
        kind = "refused" if type(exc).__name__ == "InputError" else "failed"
        result[kind] = " ".join(str(exc).split())[:300] or type(exc).__name__
    wall = time.perf_counter() - t0
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return result | {"wall_s": wall, "cpu_s": _cpu_s() - cpu0, "peak_mb": peak_kb / 1024}


def _spawn(name: str, path: Path, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.bench_readers", "--child", name, "--file", str(path)]
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"reader": name, "failed": f"no result within {timeout:.0f} s"}
    lines = out.stdout.strip().splitlines()
    if out.returncode or not lines:
        tail = " ".join((out.stderr or out.stdout).strip().splitlines()[-3:])
        return {"reader": name, "failed": f"exit {out.returncode}: {tail[-300:]}"}
    return json.loads(lines[-1])


def bench_file(size: int, seed: int) -> Path:
    """The generated file for ``size`` and ``seed``, written once into :data:`CACHE`."""
    path = CACHE / f"orderlines_{size}_s{seed}.csv"
    if not path.is_file():
        t0 = time.perf_counter()
        part = path.with_suffix(".part")
        write_orderlines(part, size, seed=seed)
        part.replace(path)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def count_lines(path: Path) -> int:
    """Data lines (the header left out), counted in 16 MiB reads."""
    n = 0
    with path.open("rb") as fh:
        while block := fh.read(16 * 2**20):
            n += block.count(b"\n")
    return n - 1


def _spread(values: list[float], fmt: str) -> str:
    mid = format(statistics.median(values), fmt)
    if len(values) == 1:
        return mid
    return f"{mid} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version("skucast" if package == "core" else package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def report(runs: dict[str, list[dict]], missing: list[str], size: int) -> list[str]:
    """The Markdown table rows (median and min–max over each reader's runs)."""
    rows = ["| reader | wall s | MB/s | CPU/wall | peak MiB | ≤ 1 GiB | product-days | units |",
            "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, results in runs.items():
        bad = next((r for r in results if "rows" not in r), None)
        if bad:
            note = f"refused: {bad['refused']}" if "refused" in bad else f"failed: {bad['failed']}"
            rows.append(f"| {name} | {note} | | | {bad.get('peak_mb', 0):.0f} | | | |")
            continue
        wall = [r["wall_s"] for r in results]
        peak = [r["peak_mb"] for r in results]
        rows.append(
            f"| {name} | {_spread(wall, '.1f')} | {_spread([size / 1e6 / w for w in wall], '.0f')}"
            f" | {_spread([r['cpu_s'] / r['wall_s'] for r in results], '.2f')}"
            f" | {_spread(peak, '.0f')} | {'yes' if max(peak) <= MEMORY_BUDGET_MB else 'NO'}"
            f" | {results[0]['rows']:,} | {results[0]['units']:,} |"
        )
    rows += [f"| {name} | not installed | | | | | | |" for name in missing]
    return rows


def agreement(runs: dict[str, list[dict]]) -> list[str]:
    """MISMATCH lines where readers (or runs of one reader) disagree; empty if all agree."""
    answers = {
        name: {(r["rows"], r["units"]) for r in results}
        for name, results in runs.items()
        if all("rows" in r for r in results)
    }
    if len(set().union(*answers.values())) <= 1:
        return []
    return ["MISMATCH: " + "; ".join(f"{n}: {sorted(a)}" for n, a in answers.items())]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2G", help="generated file size, e.g. 2G, 512M")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, help="an existing order-line CSV instead")
    parser.add_argument("--readers", default=",".join(JOBS))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.file)))
        return
    names = [n for n in args.readers.split(",") if n]
    if unknown := [n for n in names if n not in JOBS]:
        parser.error(f"unknown readers {unknown}; use some of {','.join(JOBS)}")
    path = args.file or bench_file(parse_size(args.size), args.seed)
    size, lines = path.stat().st_size, count_lines(path)
    missing = [n for n in names if importlib.util.find_spec(JOBS[n][1]) is None]
    runs: dict[str, list[dict]] = {n: [] for n in names if n not in missing}
    load_before = os.getloadavg()
    for k in range(args.runs):
        for name, results in runs.items():
            if any("rows" not in r for r in results):
                continue  # refused or failed once: not tried again
            results.append(_spawn(name, path, args.timeout))
            r = results[-1]
            print(f"run {k + 1}/{args.runs} {name}: " + (
                f"{r['wall_s']:.1f} s, {r['peak_mb']:.0f} MiB" if "rows" in r else str(r)
            ), file=sys.stderr)  # fmt: skip
    load_after = os.getloadavg()
    print(f"command: python -m benchmarks.bench_readers {' '.join(sys.argv[1:])}")
    print(f"file: {path}; {size:,} bytes ({size / 2**30:.2f} GiB), {lines:,} order lines")
    print(f"{args.runs} runs per reader, round-robin, each a fresh process; {os.cpu_count()} "
          f"CPUs; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")  # fmt: skip
    print("versions: " + ", ".join(f"{n} {_version(JOBS[n][1])}" for n in runs))
    print("MB/s = 10^6 bytes of the file per wall second; peak = max RSS of the process\n")
    print("\n".join(report(runs, missing, size)))
    for line in agreement(runs):
        print(f"\n{line}")


if __name__ == "__main__":
    main()
