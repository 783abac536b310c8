"""Tests of :func:`core.analysis.pipeline.train_with_backtest`: one deep training for both the
backtest and the final model, tiny networks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from core.analysis import train_with_backtest
from core.data import ModelFrames, align_to_end
from core.errors import CancelledError
from core.forecast import LSTMForecaster, TrainSettings
from tests.core.test_lstm import shop


@dataclass
class TinySettings(TrainSettings):
    """Default settings with a network small enough for a test."""

    def deep_params(self, freq: str) -> dict:
        return {**super().deep_params(freq), "windows_per_epoch": 256, "patience": 2}


def tiny(**changes) -> TinySettings:
    base = {"epochs": 3, "units": 8, "lookback": 14, "horizon": 7, "batch_size": 64,
            "random_state": 3, "baselines": ["snaive"], "region": "intl"}  # fmt: skip
    return TinySettings(**{**base, **changes})


def make_frames() -> ModelFrames:
    """Six products, one that ended long ago and one launched 5 days before the end."""
    full = shop(n_series=6, days=150)
    old = full[full["unique_id"] == "SKU01"].head(40).assign(unique_id="OLD")
    new = full[full["unique_id"] == "SKU03"].tail(5).assign(unique_id="NEW")
    full = pd.concat([full, old, new], ignore_index=True)
    aligned = align_to_end(full, "D")
    return ModelFrames(frame=aligned.frame, full=full, alignment=aligned)


@pytest.fixture(scope="module")
def trained():
    frames, events = make_frames(), []
    model, result = train_with_backtest(frames, "D", tiny(), on_progress=events.append)
    return frames, model, result, events


def test_the_scored_network_saw_only_the_history_before_the_cutoff(trained):
    """Retraining the same settings on the rows up to the cutoff gives the backtest's
    very forecasts: nothing of the window reached that network."""
    frames, _, result, _ = trained
    cutoff = result.cutoffs[0]
    full = frames.full
    before = full[full["ds"] <= cutoff]
    enough = before.groupby("unique_id")["ds"].transform("size") >= 2
    scored = result.forecasts[result.forecasts["model"] == "lstm"]
    future = full[full["unique_id"].isin(scored["unique_id"]) & (full["ds"] > cutoff)]
    again = LSTMForecaster(**tiny().deep_params("D")).fit(before[enough], "D")
    fc = again.predict(7, levels=(80, 95), future=future[["unique_id", "ds", "price"]])
    both = scored.merge(fc, on=["unique_id", "ds"], suffixes=("", "_again"))
    assert len(both) == len(scored) == 6 * 7  # OLD ended, NEW launched after the cutoff
    np.testing.assert_allclose(both["forecast"], both["forecast_again"], rtol=1e-4)


def test_the_final_model_starts_from_the_backtest_network(trained):
    frames, model, result, _ = trained
    # the rest of the 3-epoch budget beyond the donor's best epoch, at least 2
    before = model.warm_start_
    assert 1 <= before["best_epoch_before"] <= before["epochs_before"] <= 3
    assert len(model.history_log_) == max(2, 3 - before["best_epoch_before"])
    assert sorted(model.ids_) == sorted(frames.frame["unique_id"].unique())
    assert "NEW" in model.ids_ and "OLD" not in model.ids_
    fc = model.predict(7)
    assert fc["ds"].min() == frames.frame["ds"].max() + pd.Timedelta(days=1)
    assert np.isfinite(fc["forecast"]).all() and (fc["forecast"] >= 0).all()
    assert set(result.leaderboard["model"]) == {"lstm", "snaive"}


def test_the_final_model_saves_and_loads_like_any_other(trained, tmp_path):
    from core.forecast import load_forecaster, save_forecaster

    _, model, _, _ = trained
    loaded = load_forecaster(save_forecaster(model, tmp_path / "final"))
    pd.testing.assert_frame_equal(loaded.predict(7, (80,)), model.predict(7, (80,)))


def test_progress_tells_the_parts_apart_in_order(trained):
    _, _, _, events = trained
    parts = [(e["part"], e.get("model")) for e in events]
    assert parts[0] == ("train", "lstm") and parts[-1] == ("final", None)
    last_lstm = max(i for i, p in enumerate(parts) if p == ("train", "lstm"))
    first_final = parts.index(("final", None))
    assert last_lstm < parts.index(("backtest", "lstm")) < first_final
    assert {p for p in parts[first_final:]} == {("final", None)}
    train = [e for e in events if e["part"] == "train" and e["stage"] == "train"]
    assert [e["epoch"] for e in train] == list(range(1, len(train) + 1))
    assert all(e["model"] == "lstm" and e["fold"] == 1 for e in train)
    done = [e for e in events if e["part"] == "backtest"]
    assert [(e["model"], e["done"]) for e in done] == [("lstm", 1), ("snaive", 2)]


def test_baselines_are_fitted_on_all_data_as_before():
    frames = make_frames()
    model, result = train_with_backtest(frames, "D", tiny(model="snaive", baselines=["naive"]))
    assert model.name == "snaive" and model.fitted_
    assert set(result.leaderboard["model"]) == {"snaive", "naive"}
    assert not hasattr(model, "warm_start_")


def test_a_failed_backtest_training_falls_back_to_a_full_fit(monkeypatch):
    """The deep model fails at the cutoff (recorded in the backtest); the final model
    is then trained from scratch."""
    frames = make_frames()
    real = LSTMForecaster._fit

    def fail_early(self, frame, freq, **kw):
        if frame["ds"].max() < frames.frame["ds"].max():
            raise RuntimeError("no memory")
        return real(self, frame, freq, **kw)

    monkeypatch.setattr(LSTMForecaster, "_fit", fail_early)
    model, result = train_with_backtest(frames, "D", tiny())
    assert result.failures["model"].tolist() == ["lstm"]
    assert model.fitted_ and not hasattr(model, "warm_start_")
    assert len(model.history_log_) >= 1


def test_cancel_during_the_backtest_training():
    frames, seen = make_frames(), []
    with pytest.raises(CancelledError):
        train_with_backtest(frames, "D", tiny(epochs=50), on_progress=seen.append,
                            should_stop=lambda: len(seen) > 0)  # fmt: skip
    assert all(e["part"] == "train" for e in seen)


def test_stock_on_hand_is_the_last_stock_value_of_each_product():
    from core.data import has_stock, stock_from_data

    frame = pd.DataFrame({
        "unique_id": ["A", "A", "A", "B", "B"],
        "ds": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-02", "2025-01-01", "2025-01-02"]),
        "y": [1.0, 2.0, 3.0, 0.0, 4.0],
        "stock": [10.0, 7.0, 8.0, 5.0, None],
    })  # fmt: skip
    assert has_stock(frame)
    stock = stock_from_data(frame).set_index("unique_id")["on_hand"].to_dict()
    assert stock == {"A": 7.0, "B": 5.0}  # A by date, not by row; B's blank is skipped
    assert (
        not has_stock(frame.assign(stock=None))
        and stock_from_data(frame.drop(columns="stock")) is None
    )
