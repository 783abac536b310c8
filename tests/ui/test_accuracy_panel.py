"""Accuracy over time in the Overview: the chart draws one point per scored archived run
with core's MASE (:func:`core.analysis.score_runs`), the seasonal naive beside it and the
line at 1; the worst products are :func:`core.analysis.worst_products`' with their
reasons; without an archive, or with nothing scored yet, one sentence says why.
"""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.analysis import archive_path, save_run, score_runs, worst_products
from core.forecast import make_base_model
from tests.ui.conftest import untranslated
from tests.ui.test_overview_view import _fill, shop  # noqa: F401 - the module's fixture

#: Weeks before the data end at which a run is archived (each forecasts 7 days).
CUTS = (21, 14, 7)


def _archive(path, sales: pd.DataFrame, cuts=CUTS, horizon: int = 7) -> list[pd.Timestamp]:
    """Weekly ETS runs on a few selling products of ``sales`` (as tests/core/test_archive
    builds its replay); returns the data ends."""
    last = sales["ds"].max()
    ends = sales.groupby("unique_id")["ds"].max()
    ids = sorted(ends[ends == last].index)[:5]
    mine = sales.loc[sales["unique_id"].isin(ids), ["unique_id", "ds", "y"]]
    days = []
    for d in cuts:
        cut = last - pd.Timedelta(days=d)
        history = mine[mine["ds"] <= cut]
        forecast = make_base_model("ets").fit(history, "D").predict(horizon, levels=(80,))
        save_run(path, data_end=cut, model="ets", freq="D", forecast=forecast, history=history)
        days.append(cut)
    return days


@pytest.fixture
def advised(qtbot, shop, tmp_path):  # noqa: F811
    from ui.session import Session

    session = Session()
    _fill(session, shop)
    session.project_path = tmp_path / "shop.skucast"
    return session


def _view(qtbot, session):
    from ui.views.overview_view import OverviewView

    view = OverviewView(session)
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    qtbot.waitUntil(lambda: view.overview is not None and not view.is_reading(), timeout=60000)
    return view


def test_three_scored_runs_are_three_points_with_cores_mase(qtbot, advised):
    path = archive_path(advised.project_path)
    sales = advised.frames.full
    ends = _archive(path, sales)
    view = _view(qtbot, advised)
    try:
        panel = view.accuracy
        assert panel.stack.currentIndex() == 1 and view.bottom_tabs.indexOf(panel) == 1
        view.bottom_tabs.setCurrentWidget(panel)
        assert panel.isVisible()
        per_run, per_product = score_runs(path, sales[["unique_id", "ds", "y"]])
        per_run = per_run.sort_values("data_end")
        points = panel.points()
        assert set(points) == {"ets", "snaive"}
        x, y = points["ets"]
        assert len(x) == 3
        assert y == pytest.approx(per_run["mase"].to_numpy(float))
        assert points["snaive"][1] == pytest.approx(per_run["snaive_mase"].to_numpy(float))
        want_x = [(pd.Timestamp(d) - pd.Timestamp("1970-01-01")).total_seconds() for d in ends]
        assert list(x) == pytest.approx(want_x)
        assert panel.one_line.value() == 1.0
        assert panel.one_line.pen.style() == Qt.PenStyle.DashLine
        assert not panel.grab().isNull()  # paints (an error while painting fails the test)
        # the worst products, each once at its worst run: core's ranking, names and reasons
        scored = per_product[per_product["n"] > 0].sort_values("mase", ascending=False)
        once = scored.drop_duplicates("unique_id")
        worst = worst_products(once, sales, n=10)
        shown = panel.worst_model.frame
        names = advised.dataset.series.set_index("unique_id")["name"]
        assert len(shown) == len(worst) == min(10, once["unique_id"].nunique())
        assert shown["product"].is_unique
        assert shown["product"].tolist() == [names[u] for u in worst["unique_id"]]
        assert shown["mase"].tolist() == pytest.approx(worst["mase"].round(2).tolist())
        assert shown["reason"].tolist() == [panel.reason_text(r) for r in worst["reason"]]
        assert panel.reason_text("stockout,new") == "stock-out (demand unseen), new product"
        assert panel.reason_text("") == "–"
        assert (worst["reason"] != "").any()  # the sample's promotions name a reason
    finally:
        view.shutdown()


def test_without_an_archive_it_says_why(qtbot, advised):
    view = _view(qtbot, advised)
    try:
        panel = view.accuracy
        assert panel.stack.currentIndex() == 0 and panel.points() == {}
        assert "shop.skucast-archive.sqlite" in panel.hint.text()
        assert "--archive" in panel.hint.text()
    finally:
        view.shutdown()


def test_runs_the_sales_do_not_reach_yet_are_not_drawn(qtbot, advised):
    path = archive_path(advised.project_path)
    sales = advised.frames.full
    last = sales["ds"].max()
    # a run made on data that ends now forecasts days nobody has sold yet
    _archive(path, sales, cuts=(0,))
    view = _view(qtbot, advised)
    try:
        assert view.accuracy.stack.currentIndex() == 0
        assert "holds 1 runs" in view.accuracy.hint.text()
        assert score_runs(path, sales)[0]["n"].tolist() == [0] and last == sales["ds"].max()
    finally:
        view.shutdown()


def test_a_damaged_archive_leaves_the_overview_working(qtbot, advised):
    archive_path(advised.project_path).write_bytes(b"not a database" * 50)
    view = _view(qtbot, advised)
    try:
        assert view.accuracy.stack.currentIndex() == 0
        assert "cannot be read" in view.accuracy.hint.text()
        assert view.last_error is None and view.stack.currentIndex() == 1
        assert int(view.shown_counts()["order"].replace(",", "")) > 0
    finally:
        view.shutdown()


def test_chinese(qtbot, advised):
    from ui import i18n

    _archive(archive_path(advised.project_path), advised.frames.full)
    view = _view(qtbot, advised)
    try:
        i18n.install("zh_CN")  # the autouse settings fixture switches back to English
        view.retranslate()
        panel = view.accuracy
        assert view.bottom_tabs.tabText(1) == "预测准确度随时间变化"
        assert panel.worst_model.headerData(5, Qt.Orientation.Horizontal) == "可能原因"
        reasons = panel.worst_model.frame["reason"]
        assert reasons.str.contains("[\u4e00-\u9fff]").any()
        assert panel.points()["ets"][1].size == 3
    finally:
        view.shutdown()


def test_every_string_is_translated():
    """``self.tr`` gets literal English and the zh_CN JSON has each one."""
    calls, missing = untranslated(
        "ui/widgets/accuracy_panel.py", "accuracy_panel.json", "AccuracyPanel"
    )
    assert calls > 10 and not missing, missing
