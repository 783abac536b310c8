"""The weekly loop in the window (issue 19): the sample shop cut at four successive weeks,
imported in turn into one saved project. Every training is followed by its forecast, kept in
the archive beside the project; after the fourth import the first three runs are scored
against what sold since, and the Overview's accuracy tab shows them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from core.analysis import archive_path, list_runs, load_run, score_runs
from core.forecast import TrainSettings
from core.sample import SAMPLE_PATH
from tests.ui.conftest import load_into
from ui.main_window import MainWindow
from ui.screenshots import train_step, wait_for

WEEKS = 4
ETS = replace(TrainSettings(), model="ets", baselines=[], folds=1)


def _cuts(folder) -> list:
    """The sample's export as it stood at the end of each of the last four weeks."""
    raw = pd.read_csv(SAMPLE_PATH, encoding="gb18030", dtype=str)
    day = pd.to_datetime(raw.iloc[:, 0], format="%Y/%m/%d")
    last = day.max()
    paths = []
    for week in range(WEEKS, 0, -1):
        end = last - pd.Timedelta(days=7 * (week - 1))
        path = folder / f"sales_{end:%Y%m%d}.csv"
        raw[day <= end].to_csv(path, index=False, encoding="gb18030")
        paths.append(path)
    return paths


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    yield win
    win.discard_changes()
    win.close()
    for view in win.views:
        view.shutdown()
    win.project_runner.wait()
    win.deleteLater()


def _mae(run_id: int, path, sales: pd.DataFrame) -> pd.Series:
    """Each product's mean absolute error of run ``run_id`` on the days ``sales`` covers,
    computed here from the archived forecast."""
    fc = load_run(path, run_id).forecast[["unique_id", "ds", "forecast"]]
    both = fc.merge(sales[["unique_id", "ds", "y"]], on=["unique_id", "ds"])
    return (both["forecast"] - both["y"]).abs().groupby(both["unique_id"]).mean()


def test_four_weekly_imports_keep_four_runs_and_score_the_first_three(window, tmp_path):
    s = window.session
    s.project_path = tmp_path / "shop.skucast"  # a saved project: the archive goes beside it
    archive = archive_path(s.project_path)
    for k, path in enumerate(_cuts(tmp_path), start=1):
        load_into(s, path)
        s.project_path = tmp_path / "shop.skucast"
        train_step(window, ETS)
        wait_for(lambda: s.recommendations is not None and not window.forecast_view.is_busy()
                 and not window.recommendations_view.is_busy(), 300, window, f"week {k}")  # fmt: skip
        assert len(list_runs(archive)) == k
    runs = list_runs(archive)
    ends = pd.to_datetime(runs["data_end"])
    assert list(ends.diff().dropna().dt.days) == [7, 7, 7] and set(runs["model"]) == {"ets"}
    sales = s.frames.full[["unique_id", "ds", "y"]]
    per_run, per_product = score_runs(archive, sales)
    per_run = per_run.sort_values("data_end")
    assert (per_run["n"].iloc[:3] > 0).all() and per_run["n"].iloc[3] == 0
    # the first run's errors, by hand from its archived forecast and the sales known now
    first = int(per_run["run_id"].iloc[0])
    want = _mae(first, archive, sales)
    got = per_product[per_product["run_id"] == first].set_index("unique_id")["mae"]
    assert len(want) > 20
    np.testing.assert_allclose(got.reindex(want.index).to_numpy(float), want.to_numpy(), rtol=1e-9)
    # the overview's accuracy tab shows the three scored runs
    overview = window.overview_view
    overview.refresh()
    wait_for(lambda: not overview.is_reading(), 120, window, "overview")
    assert len(overview.accuracy.points()["ets"][0]) == 3
