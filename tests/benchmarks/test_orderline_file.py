"""The generated order-line file (benchmarks/orderline_file.py) and the reader jobs of
benchmarks/bench_readers.py, on a small file."""

import csv

import pytest

from benchmarks.bench_readers import as_sums, job_pandas_str, job_pyarrow
from benchmarks.orderline_file import HEADER, NON_PRODUCTS, orderline_sums, write_orderlines

SIZE = 2 * 2**20


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return write_orderlines(tmp_path_factory.mktemp("orders") / "orders.csv", SIZE, seed=3)


def rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_file_has_the_export_shape(small):
    table = rows(small.path)
    assert ",".join(table[0]) == HEADER
    assert SIZE - 200 < small.size_bytes == small.path.stat().st_size <= SIZE
    assert small.lines == len(table) - 1 > 20_000
    assert all(len(row) == 8 for row in table)
    body = table[1:]
    cancelled = [row for row in body if row[0].startswith("C")]
    invoices = {row[0] for row in body}
    assert 0.01 < len({row[0] for row in cancelled}) / len(invoices) < 0.04
    assert len(body) / len(invoices) > 5  # several lines per invoice
    assert all(int(row[3]) < 0 for row in cancelled)
    assert all(int(row[3]) > 0 for row in body if not row[0].startswith("C"))
    assert {row[1] for row in body} >= NON_PRODUCTS
    assert any("," in row[2] for row in body)
    assert body[0][0] == "536365" and body[0][4].startswith("12/1/2010 ")
    assert {row[7] for row in body} > {"United Kingdom", "Germany"}
    customers = {row[6] for row in body}
    assert "" in customers and all(c.endswith(".0") for c in customers - {""})


def test_same_seed_same_bytes(small, tmp_path):
    again = write_orderlines(tmp_path / "again.csv", SIZE, seed=3)
    assert again.path.read_bytes() == small.path.read_bytes()
    other = write_orderlines(tmp_path / "other.csv", SIZE, seed=4)
    assert other.path.read_bytes() != small.path.read_bytes()


@pytest.mark.parametrize("job", [job_pandas_str, job_pyarrow])
def test_jobs_match_the_csv_module(small, job):
    if job is job_pyarrow:
        pytest.importorskip("pyarrow")
    truth = orderline_sums(small.path)
    assert len(truth) > 1000
    assert as_sums(job(small.path)) == truth
