"""Tests of the global LSTM/GRU forecaster and its persistence, with tiny networks."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from core.errors import CancelledError, InputError, NotFittedError
from core.forecast import (
    QUANTILES,
    LSTMForecaster,
    default_window,
    load_forecaster,
    make_model,
    save_forecaster,
)
from core.forecast.models.lstm_quantiles import _quantile_at

TINY = {"units": 8, "lookback": 14, "horizon": 7, "epochs": 3, "windows_per_epoch": 256,
        "batch_size": 64, "patience": 2, "random_state": 3}  # fmt: skip


def shop(n_series: int = 6, days: int = 150, seed: int = 0) -> pd.DataFrame:
    """Daily products with a weekly pattern, levels 5..40, two categories and a price."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    dow = np.asarray(dates.dayofweek)
    parts = []
    for i in range(n_series):
        level = 5 + 7 * i
        mean = level * (1 + 0.5 * (dow >= 5))
        parts.append(pd.DataFrame({
            "unique_id": f"SKU{i:02d}", "ds": dates, "y": rng.poisson(mean).astype(float),
            "price": 20.0 + i, "category": "tea" if i % 2 else "cups"}))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def fitted():
    frame = shop()
    events = []
    model = LSTMForecaster(**TINY).fit(frame, "D", on_progress=events.append)
    return frame, model, events


def test_defaults_by_frequency():
    assert default_window("D") == (56, 28)
    assert default_window("W-MON") == (26, 8)
    assert default_window("MS") == (12, 3)


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError):
        LSTMForecaster().predict(7)


def test_forecast_contract(fitted):
    frame, model, _ = fitted
    fc = model.predict(7, levels=(80, 95))
    assert list(fc.columns) == ["unique_id", "ds", "forecast", "median", "lo_80", "hi_80",
                                "lo_95", "hi_95"]  # fmt: skip
    assert len(fc) == 6 * 7
    assert fc.groupby("unique_id").size().eq(7).all()
    first = fc.groupby("unique_id")["ds"].min()
    assert (first == frame["ds"].max() + pd.Timedelta(days=1)).all()
    values = fc[["forecast", "median", "lo_80", "hi_80", "lo_95", "hi_95"]].to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all()
    # the bands lie around the median; the expected value (forecast) need not lie inside
    assert (fc["lo_95"] <= fc["lo_80"]).all() and (fc["lo_80"] <= fc["median"]).all()
    assert (fc["median"] <= fc["hi_80"]).all() and (fc["hi_80"] <= fc["hi_95"]).all()


def test_forecast_follows_each_products_level(fitted):
    """Per-window scaling: a product selling ~40/day is forecast far above one selling ~5."""
    frame, model, _ = fitted
    fc = model.predict(7).groupby("unique_id")["forecast"].mean()
    recent = frame.groupby("unique_id").tail(28).groupby("unique_id")["y"].mean()
    assert fc["SKU05"] > 3 * fc["SKU00"]
    ratio = fc / recent
    assert ratio.between(0.4, 2.5).all(), ratio.to_dict()


def test_progress_reports_every_epoch(fitted):
    _, model, events = fitted
    epochs = [e for e in events if e["stage"] == "train"]
    assert [e["epoch"] for e in epochs] == list(range(1, len(epochs) + 1))
    assert 1 <= len(epochs) <= 3
    assert all(np.isfinite(e["loss"]) and np.isfinite(e["val_loss"]) for e in epochs)
    assert model.history_log_ == epochs
    assert 1 <= model.best_epoch_ <= len(epochs)


def test_horizon_beyond_the_trained_one_is_forecast_block_by_block(fitted):
    _, model, _ = fitted
    fc = model.predict(17)
    assert fc.groupby("unique_id").size().eq(17).all()
    assert np.isfinite(fc["forecast"]).all()


def test_same_seed_same_forecast():
    frame = shop(n_series=3, days=80)
    a = LSTMForecaster(**TINY).fit(frame, "D").predict(7)
    b = LSTMForecaster(**TINY).fit(frame, "D").predict(7)
    c = LSTMForecaster(**{**TINY, "random_state": 4}).fit(frame, "D").predict(7)
    np.testing.assert_allclose(a["forecast"], b["forecast"], rtol=1e-5)
    assert not np.allclose(a["forecast"], c["forecast"])


def test_cancel_stops_within_a_second():
    frame = shop(n_series=4, days=120)
    asked = {}

    def should_stop():
        return "at" in asked

    def on_progress(event):
        if event["stage"] == "train" and "at" not in asked:
            asked["at"] = time.perf_counter()

    model = LSTMForecaster(**{**TINY, "epochs": 50, "patience": 50})
    with pytest.raises(CancelledError):
        model.fit(frame, "D", on_progress=on_progress, should_stop=should_stop)
    assert time.perf_counter() - asked["at"] < 1.0
    assert not getattr(model, "fitted_", False)


def test_new_product_gets_a_sensible_low_confidence_forecast():
    """A product launched 10 days ago: not zero, not the category total."""
    frame = shop(n_series=6, days=150)
    new = frame[frame["unique_id"] == "SKU02"].tail(10).assign(unique_id="NEW")
    frame = pd.concat([frame, new], ignore_index=True)
    model = LSTMForecaster(**{**TINY, "epochs": 6}).fit(frame, "D")
    assert model.short_history_ == {"NEW": 10}
    fc = model.predict(7).groupby("unique_id")["forecast"].mean()
    own = new["y"].mean()  # ~20 a day
    category = frame[frame["category"] == "cups"].groupby("ds")["y"].sum().tail(10).mean()
    assert 0.3 * own < fc["NEW"] < 2.5 * own
    assert fc["NEW"] < 0.5 * category


def test_save_and_load_give_identical_predictions(fitted, tmp_path):
    _, model, _ = fitted
    folder = save_forecaster(model, tmp_path / "model")
    assert {p.name for p in folder.iterdir()} >= {"skucast_model.json", "network.keras"}
    loaded = load_forecaster(folder)
    pd.testing.assert_frame_equal(model.predict(9, (80,)), loaded.predict(9, (80,)))
    # saving again over the same folder replaces it
    save_forecaster(loaded, folder)
    assert load_forecaster(folder).horizon_ == 7


def test_baseline_round_trip(tmp_path):
    frame = shop(n_series=2, days=60)
    model = make_model("snaive").fit(frame, "D")
    loaded = load_forecaster(save_forecaster(model, tmp_path / "sn"))
    pd.testing.assert_frame_equal(model.predict(7), loaded.predict(7))


def test_load_refuses_damaged_or_foreign_folders(tmp_path):
    with pytest.raises(InputError, match="not a saved SkuCast model"):
        load_forecaster(tmp_path)
    (tmp_path / "skucast_model.json").write_text("{not json", "utf-8")
    with pytest.raises(InputError) as info:
        load_forecaster(tmp_path)
    assert "损坏" in info.value.message("zh")
    (tmp_path / "skucast_model.json").write_text('{"schema_version": 99}', "utf-8")
    with pytest.raises(InputError, match="newer"):
        load_forecaster(tmp_path)


def test_bad_settings_are_refused():
    with pytest.raises(InputError):
        LSTMForecaster(cell="transformer").fit(shop(2, 40), "D")
    with pytest.raises(InputError):
        LSTMForecaster(dropout=1.5).fit(shop(2, 40), "D")


def test_registry_builds_gru():
    model = make_model("gru", units=4)
    assert model.name == "gru" and model.get_params()["units"] == 4


def test_levels_between_and_beyond_the_quantile_grid():
    values = np.array([np.linspace(1.0, 9.0, len(QUANTILES))])
    assert _quantile_at(values, 0.5)[0] == pytest.approx(5.0)
    assert _quantile_at(values, 0.1)[0] == pytest.approx(3.0)
    mid = _quantile_at(values, 0.15)[0]
    assert 3.0 < mid < 4.0
    assert _quantile_at(values, 0.005)[0] < values[0, 0]
    assert _quantile_at(values, 0.995)[0] > values[0, -1]


def test_permutation_importance_finds_the_driver():
    """Sales jump fivefold on random promotion days: promotions must rank first."""
    from core.forecast import permutation_importance

    rng = np.random.default_rng(7)
    dates = pd.date_range("2024-01-01", periods=160, freq="D")
    parts = []
    for i in range(6):
        promo = (rng.random(len(dates)) < 0.25).astype(float)
        y = rng.poisson((8 + 2 * i) * (1 + 4 * promo)).astype(float)
        parts.append(pd.DataFrame({"unique_id": f"P{i}", "ds": dates, "y": y, "promo": promo}))
    frame = pd.concat(parts, ignore_index=True)
    params = {**TINY, "units": 16, "epochs": 8, "windows_per_epoch": 512}
    model = LSTMForecaster(**params).fit(frame, "D")
    table = permutation_importance(model, repeats=2)
    assert table.loc[0, "group"] == "promo_price", table
    assert table.loc[0, "share"] > 50
    assert set(table["group"]) >= {"lags", "calendar", "promo_price"}
    assert table["name_zh"].str.len().gt(0).all()


def test_permutation_importance_needs_validation_windows(fitted, tmp_path):
    from core.forecast import permutation_importance

    _, model, _ = fitted
    loaded = load_forecaster(save_forecaster(model, tmp_path / "m"))
    with pytest.raises(InputError):
        permutation_importance(loaded)


def test_small_data_trains_fewer_epochs():
    """The epochs are capped at max_passes draws of every window, never below 10."""
    model = LSTMForecaster()  # the defaults: 40 epochs of 4096 windows, 5 passes
    assert model._epoch_budget(24_985) == 31  # the sample shop at its backtest cutoff
    assert model._epoch_budget(850_000) == 40  # store-item: the cap does not bind
    assert model._epoch_budget(3_000) == 10
    assert LSTMForecaster(max_passes=4)._epoch_budget(24_985) == 25
    assert LSTMForecaster(epochs=40, max_passes=None)._epoch_budget(3_000) == 40
    frame = shop(n_series=2, days=40)  # 2 x 32 windows: 5 passes take 5 epochs, floor 10
    params = {**TINY, "epochs": 30, "patience": 100, "windows_per_epoch": 4096}
    fitted = LSTMForecaster(**params).fit(frame, "D")
    assert fitted.n_windows_ == 64 and len(fitted.history_log_) == 10
    with pytest.raises(InputError):
        LSTMForecaster(max_passes=0).fit(frame, "D")


def weekly_shop(n_series: int = 4, weeks: int = 120) -> pd.DataFrame:
    """Weekly products whose sales repeat a yearly shape (a peak every 52 weeks)."""
    rng = np.random.default_rng(1)
    dates = pd.date_range("2022-01-02", periods=weeks, freq="W-SUN")
    week = np.arange(weeks) % 52
    parts = [pd.DataFrame({"unique_id": f"W{i}", "ds": dates,
                           "y": rng.poisson((10 + 5 * i) * (1 + 2 * (week >= 46))).astype(float)})
             for i in range(n_series)]  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def test_yearly_lag_reads_last_years_week_and_nothing_later():
    """The decoder's last two columns: sales 52 periods before each forecast period,
    scaled like the window, and their flag; 0 where that lies at or after the end."""
    from core.forecast.models import build_panel, gather

    frame = weekly_shop(n_series=1, weeks=110)
    panel = build_panel(frame, "W-SUN", [], np.ones((1, 1), np.int64), 8, 60, season=52)
    batch = gather(panel, np.array([0]), np.array([100]), known=panel.length)
    y = frame["y"].to_numpy()
    lag, seen = batch.future[0, :, -2], batch.future[0, :, -1]
    assert batch.future.shape == (1, 60, 60 + 2)
    np.testing.assert_allclose(lag[:52] * batch.scale[0], y[48:100], rtol=1e-5)
    assert seen[:52].all() and not seen[52:].any() and not lag[52:].any()
    early = gather(panel, np.array([0]), np.array([10]), known=panel.length)
    assert not early.future[0, :42, -1].any() and early.future[0, 42:52, -1].all()
    plain = build_panel(frame, "W-SUN", [], np.ones((1, 1), np.int64), 8, 60)
    assert gather(plain, np.array([0]), np.array([100]), plain.length).future.shape[-1] == 60


def test_weekly_model_reads_the_yearly_lag_and_round_trips(tmp_path):
    from core.forecast.models.lstm_inputs import network_season

    frame = weekly_shop()
    params = {**TINY, "lookback": 8, "horizon": 4}
    model = LSTMForecaster(**params).fit(frame, "W-SUN")
    assert network_season(model) == 52
    assert model.tail_.groupby("unique_id").size().min() == 52  # a year for the lag
    loaded = load_forecaster(save_forecaster(model, tmp_path / "weekly"))
    pd.testing.assert_frame_equal(model.predict(6, (80,)), loaded.predict(6, (80,)))
    plain = LSTMForecaster(**params, yearly_lag=False).fit(frame, "W-SUN")
    assert network_season(plain) == 0 and len(plain.predict(6)) == 24
    assert model.refit(frame, "W-SUN", epochs=1).predict(4)["forecast"].notna().all()


def test_weekly_network_reads_the_decoder_input_linearly_too():
    """A yearly-lag network adds a linear read-out of the decoder input to its outputs;
    training moves it off its zero start; a warm start keeps its donor's shape."""
    from core.forecast.models.lstm_net import WIDE, has_wide

    frame = weekly_shop()
    params = {**TINY, "lookback": 8, "horizon": 4}
    model = LSTMForecaster(**params).fit(frame, "W-SUN")
    assert has_wide(model.model_)
    width = int(model.model_.get_layer("future").batch_shape[-1])
    kernel = model.model_.get_layer(WIDE[0]).get_weights()[0]
    assert kernel.shape == (width, len(QUANTILES)) and np.abs(kernel).max() > 1e-4
    assert model.model_.get_layer(WIDE[1]).get_weights()[0].shape == (width, 1)
    narrow = LSTMForecaster(**params, wide=False).fit(frame, "W-SUN")
    assert not has_wide(narrow.model_)
    assert not has_wide(narrow.refit(frame, "W-SUN", epochs=1).model_)
    assert has_wide(model.refit(frame, "W-SUN", epochs=1).model_)


def test_daily_yearly_lag_reads_364_days_back_and_round_trips(tmp_path):
    from core.forecast.models.lstm_inputs import network_season

    frame = shop(n_series=3, days=420)
    model = LSTMForecaster(**TINY, yearly_lag=True).fit(frame, "D")
    assert network_season(model) == 364  # 52 weeks: each day reads the same weekday
    assert model.tail_.groupby("unique_id").size().min() == 364
    loaded = load_forecaster(save_forecaster(model, tmp_path / "daily_year"))
    pd.testing.assert_frame_equal(model.predict(7, (80,)), loaded.predict(7, (80,)))


def test_daily_model_has_no_yearly_lag(fitted):
    from core.forecast.models.lstm_inputs import network_season

    _, model, _ = fitted
    assert network_season(model) == 0
    assert model.tail_.groupby("unique_id").size().max() == TINY["lookback"]
    assert not any(layer.name == "wide" for layer in model.model_.layers)


def test_validation_scores_a_seeded_draw_of_products_on_a_big_shop(monkeypatch):
    """Above VALIDATION_PRODUCTS products the early-stopping loss scores a draw of them
    (the same for the same seed); their last horizon stays out of training all the same."""
    import core.forecast.models.lstm as lstm

    monkeypatch.setattr(lstm, "VALIDATION_PRODUCTS", 4)
    frame = shop(n_series=6, days=60)
    params = {**TINY, "epochs": 1}
    first = LSTMForecaster(**params).fit(frame, "D")
    again = LSTMForecaster(**params).fit(frame, "D")
    assert len(first._val_batch.target) == 4
    np.testing.assert_array_equal(first._val_batch.static[:, 0], again._val_batch.static[:, 0])
    assert len(set(first._val_batch.static[:, 0])) == 4  # four different products
    assert first.n_windows_ == 6 * (60 - 7 - 1)  # every product's last 7 days held out


def test_forecast_in_batches_of_products_equals_one_pass(fitted, monkeypatch):
    import core.forecast.models.lstm_quantiles as lq

    _, model, _ = fitted
    whole = model.predict(10, levels=[80])  # two blocks of 7 days: the fed-back mean too
    monkeypatch.setattr(lq, "PREDICT_SERIES", 4)  # 6 products: batches of 4 and 2
    parts = model.predict(10, levels=[80])
    assert parts[["unique_id", "ds"]].equals(whole[["unique_id", "ds"]])
    for col in ("forecast", "median", "lo_80", "hi_80"):
        np.testing.assert_allclose(parts[col], whole[col], rtol=1e-5, atol=1e-6)
