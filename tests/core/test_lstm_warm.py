"""Tests of the deep model's warm start (:meth:`LSTMForecaster.refit`), tiny networks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError, NotFittedError
from core.forecast import LSTMForecaster
from core.forecast.models import vocabulary_rows
from tests.core.test_lstm import TINY, shop


def _embedding(model) -> np.ndarray:
    return model.model_.get_layer("static_embedding").get_weights()[0]


@pytest.fixture(scope="module")
def donor():
    """Trained without SKU05 and without the last 14 days of the others."""
    frame = shop(n_series=6, days=150)
    cutoff = frame["ds"].max() - pd.Timedelta(days=14)
    early = frame[(frame["ds"] <= cutoff) & (frame["unique_id"] != "SKU05")]
    return frame, LSTMForecaster(**TINY).fit(early, "D")


def test_refit_without_epochs_forecasts_like_the_donor_on_its_own_data(donor):
    """Same data, no training: the scaling and embedding carried over exactly."""
    frame, model = donor
    early = model.history_.merge(frame, on=["unique_id", "ds", "y", "price"])
    again = model.refit(early, "D", epochs=0)
    assert again.history_log_ == [] and again.warm_start_["epochs_before"] == 3
    pd.testing.assert_frame_equal(again.predict(7, (80,)), model.predict(7, (80,)))


def test_refit_matches_embeddings_by_product_and_category(donor):
    frame, model = donor
    # SKU05 is new; category codes keep their text (cups, tea) whatever the row numbers
    new = model.refit(frame, "D", epochs=0)
    old_rows, new_rows = vocabulary_rows(model), vocabulary_rows(new)
    assert ("id", "SKU05") in new_rows and ("id", "SKU05") not in old_rows
    old_e, new_e = _embedding(model), _embedding(new)
    for key in [("id", "SKU00"), ("id", "SKU04"), ("st_category", "tea"),
                ("st_category", "cups")]:  # fmt: skip
        np.testing.assert_array_equal(new_e[new_rows[key]], old_e[old_rows[key]])
    products = [row for (kind, _), row in old_rows.items() if kind == "id"]
    np.testing.assert_allclose(new_e[new_rows[("id", "SKU05")]], old_e[products].mean(axis=0),
                               rtol=1e-6)  # fmt: skip
    for a, b in zip(model.model_.get_layer("rnn_0").get_weights(),
                    new.model_.get_layer("rnn_0").get_weights(), strict=True):  # fmt: skip
        np.testing.assert_array_equal(a, b)
    assert new.feature_stats_ == model.feature_stats_


def test_category_rows_follow_the_text_when_the_numbering_shifts():
    """The donor only knows "tea" (its row 1 of the category); the refit numbers
    "cups" 1 and "tea" 2: tea must keep the donor's learnt row."""
    frame = shop(n_series=6, days=120)
    tea = frame[frame["category"] == "tea"]
    model = LSTMForecaster(**TINY).fit(tea, "D")
    new = model.refit(frame, "D", epochs=0)
    old_rows, new_rows = vocabulary_rows(model), vocabulary_rows(new)
    key = ("st_category", "tea")
    assert new_rows[key] - new_rows[("st_category", "cups")] == 1
    np.testing.assert_array_equal(_embedding(new)[new_rows[key]],
                                  _embedding(model)[old_rows[key]])  # fmt: skip


def test_refit_trains_more_and_leaves_the_donor_alone(donor):
    frame, model = donor
    before = [w.copy() for w in model.model_.get_weights()]
    events = []
    new = model.refit(frame, "D", epochs=2, on_progress=events.append)
    assert [e["epoch"] for e in events if e["stage"] == "train"] == [1, 2]
    assert len(new.history_log_) == 2 and 1 <= new.best_epoch_ <= 2
    assert sorted(new.ids_) == [f"SKU{i:02d}" for i in range(6)]
    for a, b in zip(before, model.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, b) for a, b in
                   zip(before[:3], new.model_.get_weights()[:3], strict=True))  # fmt: skip
    fc = new.predict(7)
    assert fc["ds"].min() == frame["ds"].max() + pd.Timedelta(days=1)
    assert np.isfinite(fc["forecast"]).all()


def test_refit_refuses_other_data_or_an_unfitted_donor(donor):
    frame, model = donor
    with pytest.raises(NotFittedError):
        LSTMForecaster(**TINY).refit(frame, "D", epochs=1)
    with pytest.raises(InputError, match="warm-started"):
        model.refit(frame.drop(columns="category"), "D", epochs=0)
    weekly = frame.assign(ds=frame["ds"] + (frame["ds"] - frame["ds"].min()) * 6)
    with pytest.raises(InputError, match="warm-started"):
        model.refit(weekly, "W-MON", epochs=0)


def test_taking_the_network_over_starts_alike_and_unfits_the_donor():
    """Fewer products than the donor: its own network is trained on (no copy, no new
    tracing); the start is the same as a copy's and the donor cannot forecast after."""
    frame = shop(n_series=6, days=150)
    fewer = frame[frame["unique_id"] != "SKU02"]
    model = LSTMForecaster(**TINY).fit(frame, "D")
    network = model.model_
    copied = model.refit(fewer, "D", epochs=0)
    taken = model.refit(fewer, "D", epochs=0, take_network=True)
    assert taken.model_ is network and copied.model_ is not network
    pd.testing.assert_frame_equal(taken.predict(7, (80,)), copied.predict(7, (80,)))
    with pytest.raises(NotFittedError):
        model.predict(7)
    # the table keeps the donor's six product rows: SKU02 fits back in, a 7th does not
    back = taken.refit(frame, "D", epochs=1, take_network=True)
    assert back.model_ is network and len(back.history_log_) == 1
    extra = frame[frame["unique_id"] == "SKU04"].assign(unique_id="SKU06")
    more = back.refit(pd.concat([frame, extra]), "D", epochs=1, take_network=True)
    assert more.model_ is not network and back.model_ is network and back.fitted_
    assert "SKU06" in more.ids_ and len(more.history_log_) == 1


def test_scaling_reuses_the_learnt_statistics_and_blanks_a_missing_column():
    from core.forecast.models import feature_stats, scale_features

    frame = pd.DataFrame({"unique_id": "A", "ds": pd.date_range("2024-01-01", periods=3),
                          "y": [1.0, 2.0, 3.0], "cal_a": [0.0, 2.0, 4.0],
                          "pp_price": [np.e - 1, np.e**2 - 1, np.e**3 - 1]})  # fmt: skip
    stats = feature_stats(frame, ["cal_a", "pp_price"])
    assert stats["cal_a"] == pytest.approx([2.0, np.sqrt(8 / 3)])
    assert stats["pp_price"] == pytest.approx([2.0, np.sqrt(2 / 3)])  # log1p: 1, 2, 3
    later = frame.assign(cal_a=[6.0, 6.0, 6.0]).drop(columns="pp_price")
    out = scale_features(later, ["cal_a", "pp_price"], stats)
    np.testing.assert_allclose(out["cal_a"], 4 / np.sqrt(8 / 3), rtol=1e-6)
    assert out["pp_price"].isna().all() and out["y"].tolist() == [1.0, 2.0, 3.0]


def test_refit_trains_the_rest_of_the_budget_by_default(donor):
    """A donor whose weights had 3 epochs: a 12-epoch budget leaves 9 more; a budget it
    already spent still gets a quarter of it (at least 2), so the newest days are learnt."""
    frame, model = donor
    assert model.best_epoch_ == 3  # TINY trains 3 epochs and keeps improving on this shop
    model.epochs, model.patience = 12, 100  # a refit takes its settings from the donor
    try:
        longer = model.refit(frame, "D", epochs=None)
    finally:
        model.epochs, model.patience = TINY["epochs"], TINY["patience"]
    assert len(longer.history_log_) == 9
    assert len(model.refit(frame, "D").history_log_) == 2
