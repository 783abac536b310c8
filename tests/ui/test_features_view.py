"""The features view: feature groups and region into the training settings, cleaning
options into the session through a worker, session state back into the widgets."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data import CleaningOptions, clean
from core.forecast import FEATURE_GROUPS
from tests.ui.conftest import choose
from ui import i18n
from ui.session import Session
from ui.views.features_view import FeaturesView

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def view(qtbot, sample_session):
    view = FeaturesView(sample_session)
    qtbot.addWidget(view)
    yield view
    view.shutdown()


def _importance() -> pd.DataFrame:
    groups = list(FEATURE_GROUPS.values())
    share = [10.0, 5.0, 20.0, 60.0, 3.0, 2.0]
    return pd.DataFrame({"group": [g.key for g in groups], "name_en": [g.name_en for g in groups],
                         "name_zh": [g.name_zh for g in groups], "loss_increase": share,
                         "share": share})  # fmt: skip


def test_checklist_and_region_write_the_train_settings(view, sample_session):
    assert all(check.isChecked() for check in view.checks.values())
    assert view.checks["lags"].text() == "Past sales"
    assert "rolling mean" in view.helps["lags"].text()
    sample_session.set_dirty(False)
    view.checks["lags"].click()
    assert "lags" not in sample_session.train_settings.feature_groups
    assert sample_session.train_settings.feature_groups[0] == "calendar"
    assert sample_session.dirty
    choose(view.region, "US")
    assert sample_session.train_settings.region == "US"
    assert "lags" not in sample_session.train_settings.feature_groups  # kept
    for key in ("calendar", "holidays", "promo_price", "static"):
        view.checks[key].click()
    assert sample_session.train_settings.feature_groups == ["age"]
    view.checks["age"].click()  # the last group cannot go: none would mean all
    assert view.checks["age"].isChecked()
    assert sample_session.train_settings.feature_groups == ["age"]


def test_train_settings_show_in_the_widgets(view, sample_session):
    settings = replace(sample_session.train_settings, feature_groups=["calendar", "lags"],
                       region="intl")  # fmt: skip
    sample_session.set_train_settings(settings)
    view.show()  # showing the view re-reads the settings another view may have changed
    checked = [key for key, check in view.checks.items() if check.isChecked()]
    assert checked == ["calendar", "lags"]
    assert view.region.currentData() == "intl"
    assert sample_session.train_settings is settings  # reading wrote nothing back


def test_apply_cleaning_reaches_the_session(qtbot, view, sample_session):
    before = sample_session.cleaning
    # the defaults change no sales; they mark the sample's 1,182 stock-out days and add the
    # demand estimated behind them (for training only)
    assert set(before.changes["step"]) == {"stockouts"} and len(before.changes) == 1182
    assert set(before.changes["column"]) == {"demand"}
    assert "These options are applied" in view.cleaning_panel.state.text()
    shown = view.preview.current_product()  # the product with the most stock-out days
    assert shown == before.changes["unique_id"].value_counts().index[0]
    choose(view.cleaning_panel.combos["outliers"], "iqr")
    assert "Not applied yet" in view.cleaning_panel.state.text()
    assert sample_session.cleaning is before  # previewed only
    view.cleaning_panel.apply_button.click()
    qtbot.waitUntil(lambda: sample_session.cleaning is not before and not view.is_busy(),
                    timeout=20000)  # fmt: skip
    assert sample_session.cleaning_options.outliers == "iqr"
    steps = sample_session.cleaning.changes["step"].value_counts().to_dict()
    assert steps == {"outliers": 257, "stockouts": 1182}
    assert "These options are applied" in view.cleaning_panel.state.text()
    assert ("1,439 changes (257 values clipped, 1,182 stock-out days given a demand estimate)"
            in view.preview.counts.text())  # fmt: skip
    assert view.preview.current_product() == shown  # the user's product stays
    # A new import previews the product cleaning changed most.
    raw = replace(sample_session.raw)
    sample_session.set_data("x.csv", b"", sample_session.import_options, raw,
                            clean(raw, CleaningOptions(outliers="iqr")))  # fmt: skip
    busiest = sample_session.cleaning.changes["unique_id"].value_counts()
    assert view.preview.current_product() == busiest.index[0] and busiest.iloc[0] > 40


def test_preview_follows_the_form_and_the_product(view, sample_session):
    curves = (view.preview.before, view.preview.after)
    view.preview.select_product("0060403")
    assert view.preview.changed_counts() == {}
    before_y = view.preview.before.getData()[1]
    choose(view.cleaning_panel.combos["outliers"], "iqr")
    assert view.preview.changed_counts() == {"outliers": 22}
    x, after_y = view.preview.after.getData()
    assert after_y.max() < np.nanmax(before_y)
    assert len(view.preview.changed.getData()[0]) == 22
    assert "22 values changed (22 values clipped)" in view.preview.counts.text()
    first = pd.Timestamp(sample_session.raw.frame.query("unique_id == '0060403'")["ds"].min())
    assert x[0] == first.timestamp()  # UTC seconds on the date axis
    view.preview.select_product("0010000")
    assert (view.preview.before, view.preview.after) == curves  # created once
    assert len(view.preview.after.getData()[0]) == 53


def test_cleaning_from_elsewhere_shows_in_the_form(view, sample_session):
    options = CleaningOptions(fill="median", duplicates="last", negatives="keep")
    sample_session.set_cleaning(options, clean(sample_session.raw, options))
    combos = view.cleaning_panel.combos
    assert [combos[k].currentData() for k in ("fill", "duplicates", "negatives")] == [
        "median", "last", "keep"]  # fmt: skip
    assert view.cleaning_panel.options() == options


def test_importance_bars_follow_the_model(view, sample_session, monkeypatch):
    assert view.importance_stack.currentWidget() is view.importance_empty
    sample_session.set_model(None, importance=_importance())
    assert view.importance_stack.currentWidget() is view.importance_plot
    assert view.importance_names()[:2] == ["Past sales", "Promotion and price"]
    assert list(view.bars.opts["width"]) == [60.0, 20.0, 10.0, 5.0, 3.0, 2.0]
    monkeypatch.setitem(i18n._state, "lang", "zh_CN")
    view.retranslate()
    assert view.importance_names()[0] == "历史销量"
    assert view.checks["calendar"].text() == "日历"
    options = CleaningOptions(outliers="sigma")
    sample_session.set_cleaning(options, clean(sample_session.raw, options))  # drops the model
    assert view.importance_stack.currentWidget() is view.importance_empty


def test_empty_session(qtbot):
    view = FeaturesView(Session())
    qtbot.addWidget(view)
    assert not view.cleaning_panel.isEnabled() and not view.next_button.isEnabled()
    assert view.preview.stack.currentWidget() is view.preview.placeholder
    assert "Import a sales file" in view.preview.placeholder.text()
    assert not view.apply_cleaning()


def test_every_string_has_a_chinese_translation(tmp_path):
    """lupdate finds every tr() string of the view; the zh_CN JSON translates each."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    sources = [
        ROOT / "ui/views/features_view.py",
        *sorted((ROOT / "ui/widgets").glob("cleaning_*.py")),
    ]
    ts = tmp_path / "features.ts"
    subprocess.run([str(lupdate), *map(str, sources), "-ts", str(ts)], check=True,
                   capture_output=True)  # fmt: skip
    found = {(ctx.findtext("name"), m.findtext("source"))
             for ctx in ET.parse(ts).getroot().iter("context") for m in ctx.iter("message")}  # fmt: skip
    table = json.loads((ROOT / "resources/i18n/zh_CN/features_view.json").read_text("utf-8"))
    have = {(c, s) for c, messages in table.items() for s, t in messages.items() if t}
    assert found and not found - have
