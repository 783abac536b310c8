"""The global deep forecaster: one LSTM (or GRU) across all products, with quantiles.

One network learns from every product at once (store data is many short, related series):
each window is scaled by its own recent level (:mod:`core.forecast.models.windowing`), the
product, its category and brand enter as embeddings, and calendar, festival, promotion,
price and age features of the past and the forecast periods are inputs; on weekly data
also each forecast week's sales a year before (``yearly_lag``), read by the network and,
linearly, straight into its outputs (``wide``). It forecasts the whole
horizon at once as the quantiles in :data:`~core.forecast.models.lstm_quantiles.QUANTILES`
(pinball loss) and the expected value (a mean head, :mod:`core.forecast.models.lstm_net`):
``forecast`` is that mean, ``median`` and the intervals are read off the quantiles.

Training draws a fresh random subset of windows every epoch (``windows_per_epoch``), so
its cost does not grow with the length of the history. On a small shop the epochs are
capped so that each window is drawn about ``max_passes`` times (at least
:data:`MIN_EPOCHS` epochs): the bundled sample shop's backtest scored as well after its
31 capped epochs as after 40 (mean MASE over 4 seeds 0.773 both), while a 500-product
shop, where the cap does not bind, still improves up to 40. Training stops early when
the loss on a time-ordered validation split stops improving: the last ``horizon``
periods of every product are held out of training targets and used as its validation
window, and the best epoch's weights are kept.

Keras is imported only inside :meth:`LSTMForecaster.fit` and
:func:`core.forecast.models.store.load_forecaster`. The ``lags`` feature group has no
separate meaning here: the network reads the past ``lookback`` periods of sales.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd

from core import lazy
from core.errors import CancelledError, InputError, NotFittedError, SkuCastError
from core.forecast.features import FeatureConfig, date_columns, future_frame
from core.forecast.models.base import Forecaster
from core.forecast.models.lstm_inputs import (
    check_params,
    history_columns,
    network_season,
    scale_features,
    series_table,
    yearly_season,
)
from core.forecast.models.lstm_panel import training_inputs
from core.forecast.models.lstm_quantiles import (
    QUANTILES,
    has_mean_head,
    init_output_bias,
    predict_blocks,
    quantile_intervals,
)
from core.forecast.models.lstm_warm import check_donor, copy_weights, take_network
from core.forecast.models.windowing import build_panel, gather, window_ends
from core.periods import PeriodGrid

__all__ = ["LSTMForecaster", "default_window"]

#: Fewest epochs the ``max_passes`` cap leaves.
MIN_EPOCHS = 10
#: Most products whose last ``horizon`` periods are validation windows: the loss of
#: 8,192 of them is a steady enough early-stopping signal, and every epoch scored all
#: 50,000 products of a big shop (1.3 GB of windows, most of the training time; issue 18).
VALIDATION_PRODUCTS = 8192
#: Batches per call into the backend: fewer Python round trips; cancel still lands
#: within a few batches.
_STEPS_PER_CALL = 4


def default_window(freq: str) -> tuple[int, int]:
    """Default (lookback, horizon) in periods: 8 and 4 weeks for daily data,
    26 and 8 weeks for weekly, 12 and 3 months for monthly."""
    grid = PeriodGrid.from_freq(freq)
    if grid.kind != "step":
        return 12, 3
    if grid.step >= pd.Timedelta(days=7).value:
        return 26, 8
    return 56, 28


def keras_parts():
    """Keras and SkuCast's network module (:mod:`core.forecast.models.lstm_net`), imported
    on first use through :func:`core.lazy.load`."""
    return lazy.load("keras"), lazy.load("core.forecast.models.lstm_net")


class LSTMForecaster(Forecaster):
    """Global LSTM/GRU forecaster with quantile outputs (see module doc).

    Parameters
    ----------
    cell : {"lstm", "gru"}
    lookback, horizon : int, optional
        Periods read and periods forecast at once (default :func:`default_window`);
        ``predict`` beyond ``horizon`` feeds the expected sales back in, block by block.
    units, layers : int
        Width and depth of the recurrent encoder.
    dropout : float
    learning_rate : float
    batch_size, epochs, patience : int
        ``patience``: epochs without validation improvement before stopping early.
    windows_per_epoch : int
        Random training windows drawn per epoch.
    max_passes : float, optional
        Caps ``epochs`` on small data so that the training windows are drawn about this
        many times each, but never below :data:`MIN_EPOCHS` epochs; ``None``: no cap.
    feature_groups : tuple of str, optional
        Keys of :data:`core.forecast.features.FEATURE_GROUPS` (default all).
    region : str
        Holiday region for the features (``CN``, ``US``, ``intl``).
    events_path : str, optional
        User event calendar (see :func:`core.forecast.features.build_features`).
    random_state : int
        Seed of weights, window draws and dropout.
    yearly_lag : bool, optional
        Give the decoder each forecast period's sales a year earlier (52 weeks, 12
        months, 364 days; see :mod:`~core.forecast.models.windowing`); ``None``: on for
        weekly data only.
    wide : bool, optional
        Add a linear read-out of the decoder input to the outputs (see
        :func:`~core.forecast.models.lstm_net.build_network`); ``None``: on where the
        network reads the yearly lag.
    """

    #: One model learns from all products: backtests give it every product's history.
    is_global = True

    def __init__(
        self,
        cell: str = "lstm",
        lookback: int | None = None,
        horizon: int | None = None,
        units: int = 64,
        layers: int = 1,
        dropout: float = 0.1,
        learning_rate: float = 2e-3,
        batch_size: int = 256,
        epochs: int = 40,
        patience: int = 5,
        windows_per_epoch: int = 4096,
        max_passes: float | None = 5.0,
        feature_groups: tuple[str, ...] | None = None,
        region: str = "CN",
        events_path: str | None = None,
        random_state: int = 0,
        yearly_lag: bool | None = None,
        wide: bool | None = None,
    ) -> None:
        super().__init__(cell=cell, lookback=lookback, horizon=horizon, units=units,
                         layers=layers, dropout=dropout, learning_rate=learning_rate,
                         batch_size=batch_size, epochs=epochs, patience=patience,
                         windows_per_epoch=windows_per_epoch, max_passes=max_passes,
                         feature_groups=feature_groups,
                         region=region, events_path=events_path,
                         random_state=random_state, yearly_lag=yearly_lag,
                         wide=wide)  # fmt: skip

    @property
    def name(self) -> str:  # type: ignore[override]
        return "gru" if self.cell == "gru" else "lstm"

    # ------------------------------------------------------------------ fit
    def _wide(self, panel, net, donor) -> bool:
        """Whether the network gets the linear read-out (a warm start keeps its donor's)."""
        if donor is not None:
            return net.has_wide(donor.model_)
        return bool(panel.season) if self.wide is None else bool(self.wide)

    def _fit(self, frame, freq, *, on_progress=None, should_stop=None, donor=None,
             epochs=None, take=False) -> None:  # fmt: skip
        check_params(self)
        keras, net = keras_parts()
        keras.utils.set_random_seed(int(self.random_state))
        started = time.perf_counter()
        panel, series, ends, known = self._prepare(frame, freq, donor)
        val = self._validation(panel, known, net)
        if take and self.vocabulary_ <= donor.vocabulary_:
            take_network(self, donor)
        else:
            # a donor saved before the mean head passes on its shape (and its weights)
            self.model_ = net.build_network(
                lookback=self.lookback_, horizon=self.horizon_,
                n_past=2 + panel.n_features + 2 * bool(panel.season),
                n_future=panel.n_features + self.horizon_ + 2 * bool(panel.season),
                n_static=panel.static.shape[1],
                vocabulary=self.vocabulary_, n_quantiles=len(QUANTILES), cell=self.name,
                units=int(self.units), layers_=int(self.layers), dropout=float(self.dropout),
                mean_head=donor is None or has_mean_head(donor.model_),
                wide=self._wide(panel, net, donor),
            )  # fmt: skip
            if donor is None:
                init_output_bias(self.model_, panel, series, ends, known, int(self.random_state))
            else:
                copy_weights(self, donor)
        if epochs is None:
            epochs = self._epoch_budget(series.size)
            if donor is not None:
                epochs = max(self._least_refit(), epochs - int(donor.best_epoch_))
        log = self._train(net, (panel, series, ends, known), val, epochs, on_progress,
                          should_stop)  # fmt: skip
        self.history_log_ = log
        self.best_epoch_ = _best_epoch(log, "val_loss" if val is not None else "loss")
        self.train_seconds_ = time.perf_counter() - started
        self.n_windows_ = int(series.size)
        # "new" is a property of the product, not of the chosen lookback: fewer periods
        # than the default window (8 weeks of days, 26 weeks, 12 months)
        new_below = default_window(freq)[0]
        self.short_history_ = {
            str(uid): int(n) for uid, n in zip(panel.ids, known, strict=True) if n < new_below
        }

    def _prepare(self, frame, freq, donor):
        """Features, scaling and the window panel; ``(panel, series, ends, known)``.

        With a ``donor`` its feature scaling and columns are kept, so its weights mean
        the same on the new data.
        """
        lookback, horizon = default_window(freq)
        self.lookback_ = int(self.lookback or lookback)
        self.horizon_ = int(self.horizon or horizon)
        self.config_ = FeatureConfig(
            groups=tuple(self.feature_groups or FeatureConfig().groups),
            region=self.region,
            events_path=self.events_path,
        )
        self.history_ = history_columns(frame)
        self.series_ = series_table(frame)
        # the yearly lag's season; a warm start keeps its donor's
        season = yearly_season(freq, self.yearly_lag) if donor is None else network_season(donor)
        inputs = training_inputs(
            self.history_, self.series_, freq, self._known_config(),
            (self.lookback_, self.horizon_, season), max(self.lookback_, season),
            columns=None if donor is None else list(donor.feature_columns_),
            stats=None if donor is None else {k: list(v) for k, v in donor.feature_stats_.items()},
        )  # fmt: skip
        panel = inputs.panel
        self.static_columns_ = inputs.static_columns
        if donor is not None:
            check_donor(self, donor)
        self.feature_columns_, self.feature_stats_ = inputs.feature_columns, inputs.stats
        self.vocabulary_, self.static_codes_ = inputs.vocabulary, inputs.static_codes
        self.ids_, self.tail_ = panel.ids, inputs.tail
        known = panel.length
        holdout = np.where(known - self.horizon_ >= 1, self.horizon_, 0)
        series, ends = window_ends(panel, known, holdout=holdout)
        if series.size == 0:
            raise InputError(
                "Too little history to train the deep model: every product needs at least "
                "2 periods.",
                "历史数据太少，无法训练深度模型：每个商品至少需要 2 期数据。",
            )
        return panel, series, ends, known

    def _validation(self, panel, known, net):
        """``(inputs, target)`` of the last ``horizon`` periods of every product long
        enough to spare them (at most :data:`VALIDATION_PRODUCTS` of them, drawn with
        the seed), or ``None``; the batch is kept for the importance."""
        self._val_batch = None
        long_enough = np.flatnonzero(known - self.horizon_ >= 1)
        if long_enough.size == 0:
            return None
        if long_enough.size > VALIDATION_PRODUCTS:
            rng = np.random.default_rng(int(self.random_state))
            long_enough = np.sort(rng.choice(long_enough, VALIDATION_PRODUCTS, replace=False))
        batch = gather(panel, long_enough, known[long_enough] - self.horizon_, known)
        self._val_batch = batch
        return batch.inputs(), net.stack_target(batch.target, batch.weight)

    def _train(self, net, windows, val, epochs, on_progress, should_stop) -> list[dict]:
        """Run Keras' fit with early stopping; returns the epoch records."""
        keras, _ = keras_parts()
        log: list[dict] = []
        if epochs < 1:  # a warm start that only re-anchors the donor on new data
            return log
        panel, series, ends, known = windows
        feed = net.WindowFeed(panel, series, ends, known, self.batch_size,
                              self.windows_per_epoch, int(self.random_state))  # fmt: skip
        if not self.model_.compiled:  # a taken-over network keeps its traced functions
            self.model_.compile(
                optimizer=keras.optimizers.Adam(float(self.learning_rate), clipnorm=1.0),
                loss=(
                    net.QuantileMeanLoss(QUANTILES)
                    if has_mean_head(self.model_)
                    else net.PinballLoss(QUANTILES)
                ),
                steps_per_execution=min(_STEPS_PER_CALL, len(feed)),
            )
        progress = net.ProgressCallback(epochs, len(feed), on_progress, should_stop)
        stopper = keras.callbacks.EarlyStopping(
            monitor="val_loss" if val is not None else "loss",
            patience=int(self.patience),
            restore_best_weights=True,
        )
        try:
            self.model_.fit(feed, validation_data=val, epochs=epochs, verbose=0,
                            callbacks=[progress, stopper])  # fmt: skip
        finally:
            feed.release()
        if progress.cancelled:
            raise CancelledError()
        if progress.diverged:
            raise SkuCastError(
                "Training diverged (the loss became NaN or infinite). Try a lower learning "
                "rate, or check the data for extreme values.",
                "训练发散（损失变为 NaN 或无穷大）。请尝试降低学习率，或检查数据中的极端值。",
            )
        return progress.history

    # ------------------------------------------------------------ warm start
    def refit(self, frame, freq, *, epochs: int | None = None, on_progress=None, should_stop=None,
              take_network: bool = False) -> LSTMForecaster:  # fmt: skip
        """A new forecaster of the same settings fitted on ``frame``, starting from
        this one's weights (a warm start; see :mod:`core.forecast.models.lstm_warm`).

        The new model keeps this one's feature scaling, so the weights mean the same.
        Early stopping works as in :meth:`fit`.

        Parameters
        ----------
        frame : pandas.DataFrame
            History as for :meth:`fit`, typically this model's data plus the periods
            after it.
        freq : str
            Must be this model's frequency.
        epochs : int, optional
            Epochs of further training; 0 only re-anchors the forecasts on ``frame``.
            Default: what a fit on ``frame`` would train (see ``max_passes``) less the
            epochs behind this model's weights (its best epoch), but at least a quarter of
            ``epochs`` (2 at least), so the newest periods are always learnt.
        on_progress, should_stop : callable, optional
            As for :meth:`fit`.
        take_network : bool
            Train this model's own network further (optimizer state and Keras' traced
            functions included, which saves seconds) instead of a copy; this model is
            then left unfitted. When ``frame`` needs more embedding rows than that
            network has (new products), a copy is trained all the same.

        Returns
        -------
        LSTMForecaster
            Fitted; its ``history_log_`` holds only the epochs of this refit and its
            ``warm_start_`` what it started from (``epochs_before``,
            ``best_epoch_before``, ``seconds_before``, ``history_before``);
            ``train_seconds_`` counts both trainings.

        Raises
        ------
        NotFittedError
            When this model is not fitted.
        InputError
            When ``frame`` does not match this model (frequency, feature groups), or
            for too little history.
        """
        if not getattr(self, "fitted_", False):
            raise NotFittedError(self.name)
        new = type(self)(**self.get_params())
        new.freq_ = freq
        before = {"epochs_before": len(self.history_log_), "best_epoch_before": self.best_epoch_,
                  "seconds_before": float(self.train_seconds_),
                  "history_before": [dict(r) for r in self.history_log_]}  # fmt: skip
        new._fit(frame, freq, on_progress=on_progress, should_stop=should_stop, donor=self,
                 epochs=epochs, take=take_network)  # fmt: skip
        new.warm_start_ = before
        new.train_seconds_ += before["seconds_before"]  # both trainings made these weights
        new.fitted_ = True
        return new

    def _epoch_budget(self, n_windows: int) -> int:
        """``epochs``, capped by ``max_passes`` (see the class doc)."""
        if self.max_passes is None:
            return int(self.epochs)
        per_epoch = min(int(self.windows_per_epoch), int(n_windows))
        cap = math.ceil(float(self.max_passes) * n_windows / max(per_epoch, 1))
        return min(int(self.epochs), max(MIN_EPOCHS, cap))

    def _least_refit(self) -> int:
        # Measured on the sample shop, 28 hidden days, 3 seeds: training on 10 epochs (a
        # quarter of 40) scored MASE 0.758 there, 4 epochs (a tenth) 0.778, and training
        # again from scratch 0.771, for 47.5 s, 42.7 s and 59.4 s of training in all.
        return max(2, math.ceil(int(self.epochs) / 4))

    def _known_config(self) -> FeatureConfig:
        groups = tuple(g for g in self.config_.groups if g != "lags")
        return FeatureConfig(groups=groups, region=self.config_.region,
                             events_path=self.config_.events_path)  # fmt: skip

    def _scale(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Standardise the feature columns with the statistics learnt in ``fit``."""
        return scale_features(frame, self.feature_columns_, self.feature_stats_)

    # -------------------------------------------------------------- predict
    def _predict(self, horizon: int, levels: list[int], future) -> pd.DataFrame:
        fut = future_frame(self.history_, self.series_, self.freq_, horizon,
                           self._known_config(), future)  # fmt: skip
        rows = pd.concat([self.tail_, self._scale(fut).assign(y=np.nan)], ignore_index=True)
        rows = rows.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
        panel = build_panel(rows, self.freq_, self.feature_columns_, self.static_codes_,
                            self.lookback_, self.horizon_, network_season(self),
                            date_columns(self.feature_columns_))  # fmt: skip
        known = self.tail_.groupby("unique_id", sort=True).size().to_numpy()
        quantiles = self.predict_quantiles(panel, known, horizon)
        ids = np.repeat(panel.ids, horizon)
        out = pd.DataFrame({"unique_id": ids, "ds": fut.sort_values(["unique_id", "ds"])["ds"]
                            .to_numpy()})  # fmt: skip
        quantile_intervals(out, quantiles, levels)
        return out

    def predict_quantiles(self, panel, known: np.ndarray, horizon: int) -> np.ndarray:
        """Quantiles and mean ``(n_series, horizon, len(QUANTILES) + 1)`` in sales units,
        block by block (see :func:`core.forecast.models.lstm_quantiles.predict_blocks`)."""
        return predict_blocks(self.model_, panel, known, horizon, self.horizon_)


def _best_epoch(history: list[dict], monitor: str) -> int:
    key = "val_loss" if monitor == "val_loss" else "loss"
    values = [h[key] for h in history if h.get(key) is not None]
    return int(np.argmin(values)) + 1 if values else 0
