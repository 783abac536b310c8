"""End to end on the sample shop, through the views as a user would: import -> train a
tiny LSTM -> forecast -> recommend -> export -> save project -> reopen."""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pandas as pd

from core.forecast import TrainSettings
from ui.main_window import MainWindow
from ui.screenshots import run_flow, wait_for

TINY = replace(TrainSettings(), epochs=2, units=8, baselines=["snaive"], levels=[80, 95])


def _dispose(win: MainWindow) -> None:
    win.discard_changes()
    win.close()
    for view in win.views:
        view.shutdown()
    win.project_runner.wait()
    win.deleteLater()


def test_sample_flow_exports_and_project_round_trip(qtbot, tmp_path):
    window = MainWindow()
    window.training_view.extra = {"windows_per_epoch": 256, "batch_size": 64}
    try:
        run_flow(window, settings=TINY, timeout=600, backtest=False)
        s = window.session
        assert s.dataset.n_series == 60 and s.model.name == "lstm"
        # trained once: 2 epochs up to the backtest cutoff, then 2 on all the data
        assert [r["part"] for r in s.history_log] == ["cutoff"] * 2 + ["final"] * 2
        board = s.leaderboard
        assert {"lstm", "snaive"} <= set(board["model"])
        active = s.frames.frame["unique_id"].nunique()
        assert s.forecast["unique_id"].nunique() == active == len(s.recommendations)
        assert (s.forecast["lo_95"] <= s.forecast["forecast"]).all()
        assert (s.forecast["forecast"] <= s.forecast["hi_95"]).all()
        recs = s.recommendations
        assert (recs["order_qty"] >= 0).all()
        assert set(recs["promotion"]) <= {"promote", "hold", "clear"}

        csv = window.forecast_view.export_forecast(tmp_path / "forecast.csv")
        assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
        table = pd.read_csv(csv, dtype={"商品编码": str}, encoding="utf-8-sig")
        assert table["商品编码"].str.len().eq(7).all()  # leading zeros kept
        assert len(table) == len(s.forecast)
        xlsx = window.recommendations_view.export_table(tmp_path / "advice.xlsx")
        rows = list(openpyxl.load_workbook(xlsx).active.values)
        assert len(rows) == len(recs) + 1

        project = tmp_path / "shop.skucast"
        assert window.save_project_to(project)
        wait_for(lambda: not window.project_runner.is_running() and not s.dirty, 120)
        assert project.is_file()
    finally:
        _dispose(window)

    other = MainWindow()
    try:
        assert other.open_project(str(project))
        wait_for(lambda: other.session.recommendations is not None
                 and not other.project_runner.is_running(), 120)  # fmt: skip
        o = other.session
        assert o.dataset.n_series == 60 and o.model is not None and o.model.name == "lstm"
        pd.testing.assert_frame_equal(
            o.forecast.reset_index(drop=True), s.forecast.reset_index(drop=True),
            check_dtype=False,
        )  # fmt: skip
        assert o.recommendations["order_qty"].tolist() == recs["order_qty"].tolist()
        assert other.current_view() is other.overview_view  # a project with advice opens there
        assert set(o.leaderboard["model"]) == set(board["model"])
        assert [r["part"] for r in o.history_log] == ["cutoff"] * 2 + ["final"] * 2
        plot = other.training_view.loss_plot
        wait_for(lambda: plot.epochs == [1, 2, 3, 4], 10)
        assert plot.final_start() == 2, (plot.parts, plot.epochs)
    finally:
        _dispose(other)
