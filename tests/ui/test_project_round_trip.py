"""A reopened project shows what was shown before saving, view by view.

A five-product slice of the sample shop with a seasonal-naive model, its backtest
(leaderboard, verdict and the dashed fit line on the forecast chart), forecast, stages,
advice and the policy backtest; the session is saved, opened into a fresh session, and
the Train, Forecast and Recommendations views built on each are compared.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from core.analysis import fit_model, lifecycle_tables, make_forecast, open_analysis, save_project
from core.data import CleaningOptions, ImportOptions, clean, load_dataset
from core.forecast import TrainSettings, backtest, make_model
from core.recommend import InventoryOptions, recommendations, simulate_policy
from core.sample import SAMPLE_PATH
from ui.project_io import apply_opened, session_to_project
from ui.session import Session

KEEP = ("0010600", "0050001", "0030200", "0010100", "0040001")
SETTINGS = replace(TrainSettings(), model="snaive", horizon=14, levels=[80])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(session before saving, the project path)."""
    folder = tmp_path_factory.mktemp("round_trip")
    table = pd.read_csv(SAMPLE_PATH, encoding="gb18030", dtype=str, keep_default_na=False)
    path = folder / "shop.csv"
    table[table["商品编码"].isin(KEEP)].to_csv(path, index=False, encoding="gb18030")
    raw = load_dataset(path, ImportOptions())
    cleaning = clean(raw, CleaningOptions())
    session = Session()
    session.set_data(path, path.read_bytes(), ImportOptions(), raw, cleaning)
    session.train_settings = SETTINGS
    frames, freq = session.frames, session.freq
    bt = backtest(frames.frame, freq, {"snaive": lambda: make_model("snaive"),
                                       "ets": lambda: make_model("ets")},
                  horizon=14, folds=2)  # fmt: skip
    session.set_model(fit_model(frames, freq, SETTINGS), backtest=bt)
    fc = make_forecast(session.model, 14, levels=[80])
    stages, history = lifecycle_tables(frames, freq, forecast=fc)
    session.set_forecast(fc, stages, history)
    options = InventoryOptions()
    advice = recommendations(frames, freq, fc, stages, None, options)
    sim = simulate_policy(frames.frame, freq, lambda: make_model("snaive"), reviews=2,
                          options=options)  # fmt: skip
    session.set_recommendations(advice, simulation=sim)
    project, _ = save_project(session_to_project(session), folder / "shop")
    return session, project


def _views(qtbot, session):
    from ui.views.forecast_view import ForecastView
    from ui.views.recommendations_view import RecommendationsView
    from ui.views.training_view import TrainingView

    views = (TrainingView(session), ForecastView(session), RecommendationsView(session))
    for view in views:
        qtbot.addWidget(view)
        view.resize(1300, 800)
        view.show()
    return views


def _cells(model) -> list[list]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]  # fmt: skip


def test_every_view_shows_the_same_after_reopening(saved, qtbot):
    before, project = saved
    after = Session()
    apply_opened(after, open_analysis(project), project)
    assert after.backtest is None and after.fit_table() is not None  # kept without the folds
    old, new = _views(qtbot, before), _views(qtbot, after)
    try:
        # Train: the leaderboard table and its verdict
        assert _cells(new[0].board.table.model()) == _cells(old[0].board.table.model())
        assert new[0].board.verdict.text() == old[0].board.verdict.text() != ""
        # Forecast: the same product drawn with the same history, forecast and fit line
        for uid in ("0010600", "0050001"):
            for view in (old[1], new[1]):
                view.picker.select(uid)
            a, b = old[1].plot, new[1].plot
            for curve in ("history_curve", "forecast_curve", "fit_curve"):
                xa, ya = getattr(a, curve).getData()
                xb, yb = getattr(b, curve).getData()
                assert xa is not None and len(xa) > 0, (uid, curve)
                np.testing.assert_allclose(xb, xa)
                np.testing.assert_allclose(yb, ya)
        # Recommendations: the advice table, the policy backtest's figures and verdict
        assert _cells(new[2].table.model()) == _cells(old[2].table.model())
        assert new[2].sim_label.text() == old[2].sim_label.text()
        assert "Fill rate (%)" in new[2].sim_label.text()
        assert new[2].verdict_label.text() == old[2].verdict_label.text()
        assert new[2].sim_box.isVisible()
    finally:
        for view in (*old, *new):
            view.shutdown()
