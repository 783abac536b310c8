"""Planned promotions and prices: a plan file chosen in the Features view reaches the
model through the Forecast view, follows new sales data and goes into projects.

A four-product slice of the sample shop and a small LSTM (2 epochs, 8 units, with the
promotion and price features) trained once per module; the plan puts a promotion on
the first three forecast days of one product.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.analysis import PackedModel, fit_model, make_forecast, open_analysis, save_project
from core.data import CleaningOptions, ImportOptions, clean, load_dataset
from core.forecast import TrainSettings
from core.sample import SAMPLE_PATH
from ui import i18n
from ui.project_io import apply_opened, session_to_project
from ui.session import Session
from ui.views.features_view import FeaturesView
from ui.views.forecast_view import ForecastView

KEEP = ("0010600", "0050001", "0030200", "0010100")
PROMOTED = "0030200"
HORIZON = 10
TINY = replace(TrainSettings(), epochs=2, units=8, horizon=HORIZON, levels=[80],
               baselines=["snaive"])  # fmt: skip


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The slice imported, the small LSTM, its forecast without a plan, and plan files."""
    folder = tmp_path_factory.mktemp("plan_shop")
    table = pd.read_csv(SAMPLE_PATH, encoding="gb18030", dtype=str, keep_default_na=False)
    path = folder / "shop.csv"
    table[table["商品编码"].isin(KEEP)].to_csv(path, index=False, encoding="gb18030")
    raw = load_dataset(path, ImportOptions())
    cleaning = clean(raw, CleaningOptions())
    session = Session()
    session.set_data(path, path.read_bytes(), ImportOptions(), raw, cleaning)
    model = fit_model(session.frames, session.freq, TINY)
    end = cleaning.dataset.date_range[1]
    days = [end + pd.Timedelta(days=d) for d in range(1, HORIZON + 1)]
    rows = [{"商品编码": PROMOTED, "日期": f"{day:%Y/%m/%d}", "活动": "满减" if i < 3 else ""}
            for i, day in enumerate(days)]  # fmt: skip
    plan = folder / "plan.csv"
    pd.DataFrame(rows).to_csv(plan, index=False, encoding="gb18030")
    bad = folder / "bad plan.csv"
    bad.write_text("商品编码,活动\n0030200,满减\n", encoding="utf-8")
    # packed as a training child hands it to the window (the forecast unpacks it in a child)
    return SimpleNamespace(path=path, raw=raw, cleaning=cleaning, model=PackedModel.pack(model),
                           plan=plan, bad=bad, days=days,
                           plain=make_forecast(model, HORIZON, levels=[80]))  # fmt: skip


def new_session(shop) -> Session:
    session = Session()
    session.set_data(shop.path, shop.path.read_bytes(), ImportOptions(), shop.raw, shop.cleaning)
    session.train_settings = replace(TINY)
    session.set_model(shop.model)
    return session


@pytest.fixture
def features(qtbot, shop):
    view = FeaturesView(new_session(shop))
    qtbot.addWidget(view)
    yield view
    view.shutdown()


def test_a_plan_chosen_in_the_features_view_changes_the_forecast(qtbot, shop, features):
    session, panel = features.session, features.plan_panel
    assert "No plan" in panel.state.text() and not panel.clear_button.isEnabled()
    with qtbot.waitSignal(features.sig_status) as status:
        assert panel.load(shop.plan)
    text = panel.state.text()
    assert text.startswith("plan.csv: 1 product, 10 dates") and "columns: promotion." in text
    assert status.args[0] == text and panel.clear_button.isEnabled()
    assert session.plan_name == "plan.csv" and session.plan_bytes == shop.plan.read_bytes()
    assert session.plan["promo"].tolist() == [1.0] * 3 + [0.0] * 7

    view = ForecastView(session)
    qtbot.addWidget(view)
    assert "The plan plan.csv goes with it." in view.status_label.text()
    view.forecast_button.click()
    qtbot.waitUntil(lambda: session.forecast is not None, timeout=120000)
    qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=5000)
    assert session.forecast_plan == {"name": "plan.csv", "columns": ["promo"]}
    assert "Planned promotions from plan.csv used." in view.status_label.text()
    mine = session.forecast[session.forecast["unique_id"] == PROMOTED]["forecast"].to_numpy()
    before = shop.plain[shop.plain["unique_id"] == PROMOTED]["forecast"].to_numpy()
    # the promotion days differ from the forecast without a plan, the others do not
    assert np.abs(mine[:3] - before[:3]).min() > 1e-3
    assert np.allclose(mine[3:], before[3:], rtol=1e-4, atol=1e-4)
    others = session.forecast[session.forecast["unique_id"] != PROMOTED]
    plain = shop.plain[shop.plain["unique_id"] != PROMOTED]
    assert np.allclose(others["forecast"], plain["forecast"], rtol=1e-4, atol=1e-4)

    panel.clear_button.click()  # forecasting without it again: the forecast is dropped
    assert session.plan is None and session.forecast is None and session.forecast_plan is None
    assert "No plan" in panel.state.text() and "goes with it" not in view.status_label.text()
    view.shutdown()


def test_a_bad_plan_file_says_why_in_the_ui_language(features, shop):
    session, panel = features.session, features.plan_panel
    assert panel.load(shop.plan)
    assert not panel.load(shop.bad)
    text = panel.state.text()
    assert text == ("Not used: bad plan.csv: the plan file needs a date column. "
                    "The forecast keeps using plan.csv.")  # fmt: skip
    assert session.plan_name == "plan.csv" and len(session.plan) == HORIZON
    i18n.install("zh_CN")
    features.retranslate()
    assert "bad plan.csv：计划文件需要日期列。" in panel.state.text()
    assert panel.title() == "计划促销与价格"
    assert not panel.load(shop.path.parent / "missing.csv")
    assert "无法读取 missing.csv" in panel.state.text()
    i18n.install("en")
    unknown = shop.path.parent / "unknown.csv"
    unknown.write_text("unique_id,date,price\nNOPE,2026-01-05,9.9\n", encoding="utf-8")
    assert not panel.load(unknown)
    assert "unknown.csv names none of the sales file's products (it has NOPE)" in (
        panel.state.text()
    )
    empty = shop.path.parent / "empty.csv"
    empty.write_text(f"unique_id,date,price\n{PROMOTED},2026-01-05,\n", encoding="utf-8")
    assert not panel.load(empty)
    assert "empty.csv: the promotion and price columns of the plan file are empty." in (
        panel.state.text()
    )
    assert "Traceback" not in panel.state.text()


def test_new_sales_data_reads_the_plan_again_or_drops_it(features, shop, tmp_path):
    session, panel = features.session, features.plan_panel
    assert panel.load(shop.plan)
    session.set_data(shop.path, shop.path.read_bytes(), ImportOptions(), shop.raw, shop.cleaning)
    assert session.plan_status == "rechecked" and len(session.plan) == HORIZON
    assert panel.state.text().startswith("Read again for the new sales data. plan.csv: 1 product")
    # the same shop exported with another ID column: the plan's 商品编码 no longer names it
    table = pd.read_csv(shop.path, encoding="gb18030", dtype=str, keep_default_na=False)
    other = tmp_path / "renamed.csv"
    table.rename(columns={"商品编码": "SKU"}).to_csv(other, index=False, encoding="gb18030")
    raw = load_dataset(other, ImportOptions())
    session.set_data(other, other.read_bytes(), ImportOptions(), raw, clean(raw))
    assert session.plan is None and session.plan_status == "dropped"
    text = panel.state.text()
    assert text.startswith("plan.csv was dropped: it does not fit the sales data.")
    assert "needs the product ID column(s) SKU" in text
    assert not panel.clear_button.isEnabled() and panel.choose_button.isEnabled()


def test_the_plan_goes_into_the_project_and_comes_back(shop, tmp_path, qtbot):
    session = new_session(shop)
    plan = pd.DataFrame({"unique_id": [PROMOTED], "ds": [shop.days[0]], "promo": [1.0]})
    session.set_plan(plan, "plan.csv", shop.plan.read_bytes())
    session.set_forecast(shop.plain, None, None,
                         plan_used={"name": "plan.csv", "columns": []})  # fmt: skip
    path, _ = save_project(session_to_project(session), tmp_path / "shop")
    with zipfile.ZipFile(path) as zf:
        assert zf.read("plan/plan.csv") == shop.plan.read_bytes()
        assert json.loads(zf.read("results/meta.json"))["forecast_plan"]["name"] == "plan.csv"
    back = Session()
    apply_opened(back, open_analysis(path), path)
    assert back.plan_name == "plan.csv" and back.plan_status == "loaded"
    assert back.plan["promo"].tolist() == [1.0] * 3 + [0.0] * 7  # read again from the file
    assert back.forecast_plan == {"name": "plan.csv", "columns": []} and not back.dirty
    view = ForecastView(back)
    qtbot.addWidget(view)
    assert "plan.csv was not used: this model does not read planned" in view.status_label.text()
    view.shutdown()
