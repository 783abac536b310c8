"""The Keras side of the global deep forecaster: network, loss, data feed and callbacks.

Importing this module imports Keras (~3 s), so :mod:`core.forecast.models.lstm` imports it only
inside ``fit`` / ``load``. Written against ``keras`` only (no backend calls), no
``Lambda`` layers, so the ``.keras`` file loads in ``safe_mode``.

Network (an MQ-RNN-style direct multi-horizon model)::

    past (lookback, 2+F) --LSTM/GRU x layers--> h
    static codes --Embedding--> e          level (log scale) --> l
    context = Dense(units, relu)([h, e, l])
    for each of the horizon steps: Dense(units, relu)([context, future features, step])
    --> Dense(n_quantiles)              # scaled sales quantiles, (B, horizon, Q)
    [+ Dense(n_quantiles)(future)]      # wide: a linear read-out of the decoder input
    --> StopGradient --> Dense(1)       # scaled expected sales,  (B, horizon, 1)
    concatenated                        # (B, horizon, Q + 1)

The loss (:class:`QuantileMeanLoss`) is the pinball (quantile) loss averaged over
quantiles and the known target periods, plus the squared error of the mean output;
``y_true`` carries the target and its weight stacked on the last axis. The mean head
reads the decoder's features through :class:`StopGradient`: it is a linear read-out of
the very features the quantiles are read from (so it can say as much as any quantile),
fitted by squared error, and its gradient never reaches the shared layers, so the
quantiles, and with them the median and the bands, learn exactly as they did without
it. Networks saved before the head (issue 17) have ``Q`` outputs and were trained with
:class:`PinballLoss`; they still load (:func:`~core.forecast.models.lstm_quantiles.quantile_mean`
gives their mean).
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np
from keras import layers, ops

from core.forecast.models.windowing import Panel, gather

#: Names of the linear read-outs of the decoder input (quantiles, mean) of a wide network.
WIDE = ("wide", "wide_mean")


def has_wide(network) -> bool:
    """Whether ``network`` was built with ``wide=True``."""
    return any(layer.name == WIDE[0] for layer in network.layers)


@keras.saving.register_keras_serializable(package="skucast")
class PinballLoss(keras.losses.Loss):
    """Mean pinball loss over ``quantiles``; ``y_true[..., 0]`` target, ``[..., 1]`` weight."""

    def __init__(self, quantiles=(0.1, 0.5, 0.9), name="pinball", **kwargs):
        super().__init__(name=name, **kwargs)
        self.quantiles = tuple(float(q) for q in quantiles)

    def call(self, y_true, y_pred):
        target, weight = y_true[..., 0:1], y_true[..., 1]
        q = ops.reshape(ops.convert_to_tensor(self.quantiles, dtype=y_pred.dtype), (1, 1, -1))
        err = target - y_pred
        loss = ops.mean(ops.maximum(q * err, (q - 1.0) * err), axis=-1)
        total = ops.sum(loss * weight, axis=-1)
        return total / ops.maximum(ops.sum(weight, axis=-1), 1.0)

    def get_config(self):
        return {**super().get_config(), "quantiles": list(self.quantiles)}


@keras.saving.register_keras_serializable(package="skucast")
class QuantileMeanLoss(PinballLoss):
    """:class:`PinballLoss` over the first ``len(quantiles)`` outputs plus
    ``mean_weight`` times the weighted mean squared error of the last (the mean)."""

    def __init__(self, quantiles=(0.1, 0.5, 0.9), mean_weight=1.0, name="pinball_mean", **kw):
        super().__init__(quantiles, name=name, **kw)
        self.mean_weight = float(mean_weight)

    def call(self, y_true, y_pred):
        n = len(self.quantiles)
        pinball = super().call(y_true, y_pred[..., :n])
        target, weight = y_true[..., 0], y_true[..., 1]
        err = ops.square(target - y_pred[..., n])
        mse = ops.sum(err * weight, axis=-1) / ops.maximum(ops.sum(weight, axis=-1), 1.0)
        return pinball + self.mean_weight * mse

    def get_config(self):
        return {**super().get_config(), "mean_weight": self.mean_weight}


@keras.saving.register_keras_serializable(package="skucast")
class StopGradient(layers.Layer):
    """The identity forward, no gradient backward (what a ``Lambda`` would do, but
    loadable in ``safe_mode``)."""

    def call(self, inputs):
        return ops.stop_gradient(inputs)


def build_network(
    *,
    lookback: int,
    horizon: int,
    n_past: int,
    n_future: int,
    n_static: int,
    vocabulary: int,
    n_quantiles: int,
    cell: str = "lstm",
    units: int = 64,
    layers_: int = 1,
    dropout: float = 0.1,
    embed_dim: int = 8,
    mean_head: bool = True,
    wide: bool = False,
) -> keras.Model:
    """The forecasting network (see module doc); inputs named as :meth:`Batch.inputs`.

    ``mean_head=False`` builds the network of before issue 17 (quantiles only).
    ``wide=True`` adds to every output a linear read-out of the decoder input (the
    :data:`WIDE` layers, starting at zero): last year's week, scaled, times a learnt
    weight per quantile, is then one step from the output rather than behind two
    ReLU layers, so a network trained on a few thousand weekly windows learns to
    lean on last year's week within its first epochs.
    """
    past = keras.Input((lookback, n_past), name="past")
    future = keras.Input((horizon, n_future), name="future")
    static = keras.Input((n_static,), dtype="int32", name="static")
    level = keras.Input((1,), name="level")
    rnn = layers.GRU if cell == "gru" else layers.LSTM
    h = past
    for i in range(layers_):
        h = rnn(units, return_sequences=i < layers_ - 1, dropout=dropout, name=f"rnn_{i}")(h)
    embedded = layers.Flatten(name="static_flat")(
        layers.Embedding(vocabulary, embed_dim, name="static_embedding")(static)
    )
    context = layers.Concatenate(name="context_in")([h, embedded, level])
    context = layers.Dense(units, activation="relu", name="context")(context)
    context = layers.Dropout(dropout, name="context_dropout")(context)
    repeated = layers.RepeatVector(horizon, name="repeat")(context)
    step = layers.Concatenate(name="decoder_in")([repeated, future])
    step = layers.Dense(units, activation="relu", name="decoder")(step)
    out = layers.Dense(n_quantiles, name="quantiles")(step)
    if wide:
        linear = layers.Dense(n_quantiles, use_bias=False, kernel_initializer="zeros", name=WIDE[0])
        out = layers.Add(name="quantiles_wide")([out, linear(future)])
    if mean_head:
        # zero weights: the head starts at the targets' mean (its bias, set in fit) and
        # moves from there, so even a few epochs give a level-true mean
        mean = layers.Dense(1, kernel_initializer="zeros", name="mean")(
            StopGradient(name="mean_features")(step)
        )
        if wide:
            linear = layers.Dense(1, use_bias=False, kernel_initializer="zeros", name=WIDE[1])
            mean = layers.Add(name="mean_wide")([mean, linear(future)])
        out = layers.Concatenate(name="outputs")([out, mean])
    return keras.Model([past, future, static, level], out, name="skucast_global")


def stack_target(target: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``(B, H, 2)`` array the loss reads: target and weight."""
    return np.stack([target, weight], axis=-1).astype(np.float32)


class WindowFeed(keras.utils.PyDataset):
    """Batches of training windows, a fresh random subset of them every epoch.

    Parameters
    ----------
    panel : Panel
    series, ends : numpy.ndarray
        All candidate windows (see :func:`core.forecast.models.windowing.window_ends`).
    known : numpy.ndarray
        Known periods per series (targets beyond get weight 0).
    batch_size : int
    per_epoch : int
        Windows drawn per epoch (all of them when there are fewer).
    seed : int
    """

    def __init__(self, panel: Panel, series, ends, known, batch_size, per_epoch, seed, **kw):
        super().__init__(**kw)
        self.panel, self.series, self.ends, self.known = panel, series, ends, known
        self.batch_size = int(batch_size)
        self.per_epoch = int(min(per_epoch, len(series)))
        self.rng = np.random.default_rng(seed)
        self._draw()

    def _draw(self) -> None:
        if self.per_epoch >= len(self.series):
            self.order = self.rng.permutation(len(self.series))
        else:
            self.order = self.rng.choice(len(self.series), self.per_epoch, replace=False)

    def __len__(self) -> int:
        return max(1, math.ceil(self.per_epoch / self.batch_size))

    def __getitem__(self, index):
        pick = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        batch = gather(self.panel, self.series[pick], self.ends[pick], self.known)
        return batch.inputs(), stack_target(batch.target, batch.weight)

    def on_epoch_end(self) -> None:
        self._draw()

    def release(self) -> None:
        """Drop the panel and the windows once training is over: the ``tf.data``
        generator Keras wraps this feed in keeps the feed alive after ``fit``."""
        self.panel = self.series = self.ends = self.known = self.order = None


class ProgressCallback(keras.callbacks.Callback):
    """Reports progress, honours cancellation within a batch and stops on NaN loss.

    ``on_progress`` receives ``{"stage": "train", "epoch", "epochs", "loss", "val_loss",
    "seconds", "eta_seconds"}`` after each epoch and ``{"stage": "batch", "epoch",
    "batch", "batches"}`` at most every ``batch_every`` seconds.
    """

    def __init__(self, epochs, batches, on_progress=None, should_stop=None, batch_every=0.25):
        super().__init__()
        self.epochs, self.batches = int(epochs), int(batches)
        self.on_progress, self.should_stop = on_progress, should_stop
        self.batch_every = batch_every
        self.cancelled = False
        self.diverged = False
        self.history: list[dict] = []
        self._epoch = 0
        self._started = self._last = time.perf_counter()

    def on_train_begin(self, logs=None):
        self._started = self._last = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = int(epoch)

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.diverged = True
            self.model.stop_training = True
        if self.should_stop is not None and self.should_stop():
            self.cancelled = True
            self.model.stop_training = True
        now = time.perf_counter()
        if self.on_progress is not None and now - self._last >= self.batch_every:
            self._last = now
            self.on_progress({"stage": "batch", "epoch": self._epoch + 1,
                              "epochs": self.epochs, "batch": int(batch) + 1,
                              "batches": self.batches})  # fmt: skip

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        elapsed = time.perf_counter() - self._started
        done = int(epoch) + 1
        record = {
            "stage": "train",
            "epoch": done,
            "epochs": self.epochs,
            "loss": _num(logs.get("loss")),
            "val_loss": _num(logs.get("val_loss")),
            "seconds": round(elapsed, 3),
            "eta_seconds": round(elapsed / done * (self.epochs - done), 1),
        }
        if record["loss"] is not None and not math.isfinite(record["loss"]):
            self.diverged = True
            self.model.stop_training = True
        self.history.append(record)
        if self.on_progress is not None and not self.cancelled:
            self.on_progress(dict(record))


def _num(value):
    return None if value is None else float(value)
