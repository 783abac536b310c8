"""Tests of the time-budgeted hyperparameter search and the settings file."""

from __future__ import annotations

import json

import pytest

from core.errors import InputError
from core.forecast import load_params, save_params, search_space, tune
from tests.core.test_lstm import TINY, shop

SMALL = {"units": [4, 8], "layers": [1], "lookback": [7, 14]}


def test_search_space_scales_lookback_with_frequency():
    assert search_space("D")["lookback"] == [28, 56, 112]
    assert search_space("W-MON")["lookback"] == [13, 26, 52]
    assert search_space("MS")["lookback"] == [6, 12, 24]


def test_tune_finds_settings_and_reports_trials(tmp_path):
    frame = shop(n_series=3, days=90)
    base = {k: v for k, v in TINY.items() if k not in ("units", "lookback", "random_state")}
    base |= {"epochs": 2, "windows_per_epoch": 64}
    events = []
    result = tune(frame, "D", budget_minutes=5, base_params=base, n_trials=3, space=SMALL,
                  random_state=1, on_progress=events.append)  # fmt: skip
    assert len(result.trials) == 3
    assert result.best_params["horizon"] == 7 and result.best_params["random_state"] == 1
    assert result.best_params["lookback"] in (7, 14)
    assert result.best_params["units"] in (4, 8)
    assert result.best_score == pytest.approx(result.trials["value"].min())
    assert [e["trial"] for e in events if e["stage"] == "tune"] == [0, 1, 2]
    path = save_params(tmp_path / "best.json", result.best_params, result.best_score)
    assert load_params(path) == result.best_params
    assert json.loads(path.read_text("utf-8"))["validation_loss"] == result.best_score


def test_same_seed_proposes_the_same_settings():
    frame = shop(n_series=2, days=70)
    base = {k: v for k, v in TINY.items() if k not in ("units", "lookback")} | {
        "epochs": 1,
        "windows_per_epoch": 64,
    }
    a = tune(
        frame, "D", budget_minutes=5, base_params=base, n_trials=2, space=SMALL, random_state=5
    )
    b = tune(
        frame, "D", budget_minutes=5, base_params=base, n_trials=2, space=SMALL, random_state=5
    )
    cols = [c for c in a.trials.columns if c.startswith("params_")]
    assert a.trials[cols].equals(b.trials[cols])


def test_bad_budget_and_bad_params_files(tmp_path):
    with pytest.raises(InputError):
        tune(shop(2, 40), "D", budget_minutes=0)
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "params": {"units": 8, "colour": "red"}}', "utf-8")
    with pytest.raises(InputError, match="colour"):
        load_params(bad)
    with pytest.raises(InputError, match="not found"):
        load_params(tmp_path / "missing.json")
    (tmp_path / "junk.json").write_text("[1, 2", "utf-8")
    with pytest.raises(InputError) as info:
        load_params(tmp_path / "junk.json")
    assert "设置文件" in info.value.message("zh")
