"""The analysis steps in order, shared by the CLI and the desktop app.

:func:`~core.analysis.import_task.run_import` (read, import, clean) ->
:func:`~core.data.model_frames` -> :func:`fit_model` (+ :func:`run_backtest`), or both at
once with :func:`train_with_backtest` -> :func:`make_forecast` -> :func:`lifecycle_tables`
-> :func:`~core.recommend.recommendations`.

Each step is a plain function over core objects: the CLI calls them with a terminal
progress bar, the GUI from a worker thread with a signal as ``on_progress``. Nothing here
prints; texts for the user come back in both languages.
"""

from __future__ import annotations

import pandas as pd

from core.data import (
    ModelFrames,
    forecast_table,
    not_forecast_table,
    require_active,
    write_forecast,
)
from core.errors import InputError
from core.forecast import DEEP_MODELS, TrainSettings, backtest, check_levels
from core.lifecycle import classify_lifecycle, lifecycle_with_history, stage_labels

__all__ = [
    "fit_model",
    "lifecycle_tables",
    "make_forecast",
    "run_backtest",
    "train_with_backtest",
    "write_forecast_file",
]


def fit_model(frames: ModelFrames, freq: str, settings: TrainSettings,
              on_progress=None, should_stop=None):  # fmt: skip
    """Fit ``settings.model`` on the active products; returns the fitted forecaster."""
    require_active(frames)
    model = settings.factory(settings.model, freq)()
    return model.fit(frames.frame, freq, on_progress=on_progress, should_stop=should_stop)


def run_backtest(frames: ModelFrames, freq: str, settings: TrainSettings,
                 on_progress=None, should_stop=None, *, fit_progress=None,
                 factories: dict | None = None):  # fmt: skip
    """Backtest the chosen model against ``settings.baselines`` on the last periods.

    ``fit_progress`` receives the models' own fit events (see
    :func:`core.forecast.backtest.backtest`); ``factories`` replaces the model factories of
    some names (what :func:`train_with_backtest` uses to keep the fitted network).
    """
    require_active(frames)
    names = list(dict.fromkeys([settings.model, *settings.baselines]))
    given = factories or {}
    return backtest(
        frames.history(),
        freq,
        {n: given.get(n) or settings.factory(n, freq) for n in names},
        horizon=settings.horizon_for(freq),
        folds=settings.folds,
        levels=settings.levels,
        on_progress=on_progress,
        should_stop=should_stop,
        fit_progress=fit_progress,
    )


def train_with_backtest(frames: ModelFrames, freq: str, settings: TrainSettings,
                        on_progress=None, should_stop=None, *,
                        final_epochs: int | None = None):  # fmt: skip
    """The backtest and the final model, training a deep model only once.

    :func:`run_backtest` trains the chosen model on the history up to the cutoff and
    scores it on the periods after it, which it never saw. For the deep models (LSTM,
    GRU) that network then becomes the final model: it goes on training on the whole
    history (:meth:`~core.forecast.models.lstm.LSTMForecaster.refit`: the rest of the epoch
    budget, at least a quarter of it) instead of training again from scratch.
    With several folds the last fold's network is used. Other models, or a deep model
    the backtest could not train, are fitted as by :func:`fit_model`.

    Parameters
    ----------
    frames : ModelFrames
    freq : str
    settings : TrainSettings
    on_progress : callable, optional
        Gets every event with ``part`` added: ``"train"`` for the epochs of the models
        trained inside the backtest (``model`` and ``fold`` tell which), ``"backtest"``
        for the backtest's own events, ``"final"`` for the final model's training.
    should_stop : callable, optional
    final_epochs : int, optional
        Epochs of the warm-started final training (default: see ``refit``).

    Returns
    -------
    (Forecaster, BacktestResult)
        The fitted final model and the backtest.
    """
    require_active(frames)
    made: list = []
    base = settings.factory(settings.model, freq)

    def keep_last():
        made[:] = [base()]
        return made[0]

    result = run_backtest(frames, freq, settings, _tagged(on_progress, "backtest"), should_stop,
                          fit_progress=_tagged(on_progress, "train"),
                          factories={settings.model: keep_last})  # fmt: skip
    final = _tagged(on_progress, "final")
    donor = made[0] if made and getattr(made[0], "fitted_", False) else None
    if settings.model not in DEEP_MODELS or donor is None:
        return fit_model(frames, freq, settings, final, should_stop), result
    try:
        model = donor.refit(frames.frame, freq, epochs=final_epochs, on_progress=final,
                            should_stop=should_stop, take_network=True)  # fmt: skip
    except InputError:  # the data no longer fits the donor: train from scratch
        model = fit_model(frames, freq, settings, final, should_stop)
    return model, result


def _tagged(on_progress, part: str):
    """An ``on_progress`` adding ``part`` to every event (``None`` stays ``None``)."""
    if on_progress is None:
        return None
    return lambda event: on_progress({**event, "part": part})


def make_forecast(model, horizon: int, levels=(80, 95), future=None) -> pd.DataFrame:
    """The fitted model's forecast with intervals (``lo_L``/``hi_L``) for ``levels``."""
    return model.predict(int(horizon), levels=check_levels(levels), future=future)


def lifecycle_tables(frames: ModelFrames, freq: str, forecast: pd.DataFrame | None = None,
                     history: bool = True, on_progress=None):  # fmt: skip
    """``(stages, history)``: the stage per product now and along its history
    (``history`` is ``None`` when not asked for)."""
    if history:
        return lifecycle_with_history(frames.full, freq, forecast=forecast,
                                      on_progress=on_progress)  # fmt: skip
    return classify_lifecycle(frames.full, freq, forecast=forecast, on_progress=on_progress), None


def write_forecast_file(forecast: pd.DataFrame, stages: pd.DataFrame | None,
                        frames: ModelFrames | None, dataset, path, lang: str, *,
                        headers_in_words: bool = True) -> list:  # fmt: skip
    """Write the forecast file as the CLI and the window do; return the paths written.

    The source's IDs, name and lifecycle stage (in ``lang``) first, then a ``date`` and the
    values, headed in words in ``lang`` (``headers_in_words``; else the column names); the
    products not forecast (stopped selling) with the reason in a second sheet, or a second
    CSV beside the first (:func:`core.data.write_forecast`).
    """
    named = stage_labels(stages, lang) if stages is not None else None
    table = forecast_table(forecast, dataset, lang=lang if headers_in_words else None,
                           stages=named)  # fmt: skip
    skipped = None
    if frames is not None:
        skipped = not_forecast_table(frames.alignment.inactive, dataset, lang=lang)
    return write_forecast(table, skipped, path, lang=lang)
