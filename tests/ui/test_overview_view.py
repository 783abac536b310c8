"""Overview view: the counts shown are core's (:func:`core.analysis.overview_task`), a click
on a card or an ABC x XYZ count opens the Recommendations view narrowed to exactly those
products, the hint before there is advice, Chinese, and the window's Overview page.
"""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.analysis import effective_stock, overview_task, recommend_task
from tests.ui.conftest import untranslated

LEADERBOARD = pd.DataFrame({"model": ["snaive"], "wape": [0.3], "mase": [0.9], "bias": [0.05],
                            "n_series": [34]})  # fmt: skip


@pytest.fixture(scope="module")
def shop():
    """The sample shop, a seasonal-naive model, its forecast, stages and advice (once)."""
    from core.analysis import fit_model, lifecycle_tables, make_forecast
    from core.data import CleaningOptions, ImportOptions, clean, load_dataset, model_frames
    from core.forecast import TrainSettings
    from core.recommend import InventoryOptions
    from core.sample import SAMPLE_PATH

    raw = load_dataset(SAMPLE_PATH, ImportOptions())
    cleaning = clean(raw, CleaningOptions())
    frames, freq = model_frames(cleaning.dataset), cleaning.dataset.freq
    settings = TrainSettings(model="snaive", levels=[80, 95])
    model = fit_model(frames, freq, settings)
    fc = make_forecast(model, 28, levels=[80, 95])
    stages, history = lifecycle_tables(frames, freq, forecast=fc)
    table = recommend_task(model, frames, freq, fc, stages, effective_stock(frames, None, None),
                           InventoryOptions()).table  # fmt: skip
    return dict(raw=raw, cleaning=cleaning, settings=settings, model=model, forecast=fc,
                stages=stages, history=history, table=table)  # fmt: skip


def _fill(s, shop) -> None:
    """Put ``shop``'s analysis into the session ``s``, as a user's run would leave it."""
    from core.data import ImportOptions
    from core.sample import SAMPLE_PATH

    s.set_data(SAMPLE_PATH, b"", ImportOptions(), shop["raw"], shop["cleaning"])
    s.train_settings = shop["settings"]
    s.set_model(shop["model"], leaderboard=LEADERBOARD)
    s.set_forecast(shop["forecast"].copy(), shop["stages"].copy(), shop["history"].copy())
    s.set_recommendations(shop["table"].copy())


@pytest.fixture
def advised(qtbot, shop):
    """A session with the sample's advice and a backtest row."""
    from ui.session import Session

    session = Session()
    _fill(session, shop)
    return session


def _core(s):
    return overview_task(s.recommendations, s.stages, s.frames, s.freq,
                         stage_history=s.stage_history,
                         stock=effective_stock(s.frames, None, s.stock),
                         leaderboard=s.leaderboard, model=s.model.name)  # fmt: skip


def _ready(view, qtbot) -> None:
    qtbot.waitUntil(lambda: view.overview is not None and not view.is_reading(), timeout=60000)


@pytest.fixture
def view(qtbot, advised):
    from ui.views.overview_view import OverviewView

    widget = OverviewView(advised)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    _ready(widget, qtbot)
    yield widget
    widget.shutdown()


def test_counts_shown_are_cores(view, advised):
    core = _core(advised)
    shown = view.shown_counts()
    for item in core.items:
        if item.key == "accuracy":
            assert shown["accuracy"] == "70%"  # 1 - WAPE of the backtest row
        else:
            assert shown[item.key] == f"{item.count:,}", item.key
    assert set(shown) == {i.key for i in core.items}
    assert int(shown["order"].replace(",", "")) > 10
    assert view.stage_plot.counts() == [float(n) for n in core.stage_mix.values()]
    for r, abc in enumerate("ABC"):
        for c, xyz in enumerate("XYZ"):
            assert view.abc_table.item(r, c).text() == str(core.abc_xyz.loc[abc, xyz])
    order = view.cards["order"]
    assert "Order value" in order.figure.text() and "at selling price" in order.figure.text()
    # the card lists the products by name, the largest order first
    first = core.item("order").ids[0]
    name = advised.dataset.series.set_index("unique_id").loc[first, "name"]
    assert order.products.text().splitlines()[0].startswith(f"· {name}")


@pytest.fixture
def window(qtbot, shop):
    """A main window whose session holds the sample's analysis."""
    from ui.main_window import MainWindow

    win = MainWindow()
    _fill(win.session, shop)
    win.resize(1440, 900)
    win.show()
    win.show_overview()
    _ready(win.overview_view, qtbot)
    yield win
    win.discard_changes()
    win.close()
    for v in win.views:
        v.shutdown()
    win.project_runner.wait()
    win.deleteLater()


def _rows(win) -> list[str]:
    return win.recommendations_view.model.frame["unique_id"].astype(str).tolist()


@pytest.mark.parametrize("key", ["order", "stockout_lead", "stage_changed"])
def test_clicking_a_card_opens_the_filtered_recommendations(window, qtbot, key):
    overview, recs = window.overview_view, window.recommendations_view
    assert window.current_view() is overview and window.overview_button.isChecked()
    item = overview.overview.item(key)
    assert item.count > 0
    qtbot.mouseClick(overview.cards[key], Qt.MouseButton.LeftButton)
    assert window.current_view() is recs and window.steps.currentRow() == 4
    assert not window.overview_button.isChecked()
    assert sorted(_rows(window)) == sorted(item.ids) and recs.model.rowCount() == item.count
    assert recs.only_label.isVisible() and overview.item_title(key) in recs.only_label.text()
    assert f"({item.count} products)" in recs.only_label.text()
    # "Show all products" gives every row back, and the filter's own count is the card's
    qtbot.mouseClick(recs.show_all_button, Qt.MouseButton.LeftButton)
    assert recs.model.rowCount() == len(window.session.recommendations)
    assert not recs.only_label.isVisible()
    if key == "order":
        combo = recs.filter_combo
        assert combo.itemText(combo.findData("order")).endswith(f"({item.count})")


def test_clicking_an_abc_xyz_count_opens_that_class(window, qtbot):
    overview = window.overview_view
    table = overview.abc_table
    rect = table.visualItemRect(table.item(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    want = overview.overview.cell_ids("A", "X")
    assert window.current_view() is window.recommendations_view
    assert sorted(_rows(window)) == sorted(want) and len(want) == int(table.item(0, 0).text())


def test_accuracy_card_opens_the_forecast_view(window, qtbot):
    window.overview_view.cards["accuracy"].click()
    assert window.current_view() is window.forecast_view


def test_view_menu_and_new_advice_refresh(window, qtbot):
    window.show_step(0)
    window.menus.act_overview.trigger()
    assert window.current_view() is window.overview_view
    s = window.session
    fewer = s.recommendations.assign(order_qty=0.0)
    s.set_recommendations(fewer)
    qtbot.waitUntil(lambda: window.overview_view.shown_counts().get("order") == "0",
                    timeout=60000)  # fmt: skip
    qtbot.waitUntil(lambda: not window.overview_view.is_reading(), timeout=10000)


def test_before_advice_it_says_what_comes_next(qtbot, sample_session):
    from ui.views.overview_view import OverviewView

    view = OverviewView(sample_session)
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 0 and view.overview is None
    assert "Train a model" in view.hint_label.text()
    with qtbot.waitSignal(view.sig_goto) as blocker:
        view.next_button.click()
    assert blocker.args == [2]


def test_chinese(view, qtbot):
    from ui import i18n

    i18n.install("zh_CN")  # the autouse settings fixture switches back to English
    view.retranslate()
    assert view.cards["order"].label.text() == "需立即订货"
    assert view.title_label.text() == "概览"
    assert "订货金额" in view.cards["order"].figure.text()
    assert view.abc_table.verticalHeaderItem(0).text().startswith("A：")


def test_every_string_is_translated():
    """``self.tr`` gets literal English (lupdate finds it) and the zh_CN JSON has each one."""
    calls, missing = untranslated("ui/views/overview_view.py", "overview_view.json", "OverviewView")
    assert calls > 50 and not missing, missing
