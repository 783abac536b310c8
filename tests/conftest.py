"""Test-wide settings: Qt runs headless; the real data in ../shared/data is optional."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real retail data folder; tests that need it skip cleanly when it is absent."""
    if not (SHARED_DATA / "store_item_demand_train.csv.gz").is_file():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
