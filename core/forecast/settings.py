"""What the user chose for training, and the one name -> model factory.

:class:`TrainSettings` is what the Train view's form and the CLI's flags both become
(saved in projects as JSON). :func:`make_model` builds every model SkuCast knows by its
name, the ``auto`` meta-model included (the base models come from
:mod:`core.forecast.models.registry`), and :meth:`TrainSettings.factory` makes the
zero-argument factories that the backtest, the child-process training and the CLI use, so
the window and the CLI build the same model from the same choices.
"""

from __future__ import annotations

import inspect
from dataclasses import asdict, dataclass, field, fields, replace
from functools import partial

from core.errors import InputError
from core.forecast.auto import AutoForecaster
from core.forecast.features import FEATURE_GROUPS
from core.forecast.models import (
    BASE_MODELS,
    DEEP_MODELS,
    ENSEMBLE_MODELS,
    TREE_MODELS,
    Forecaster,
    LGBMForecaster,
    LSTMForecaster,
    default_window,
    make_base_model,
)

__all__ = ["MODEL_NAMES", "SCHEMA_VERSION", "TrainSettings", "default_horizon", "make_model"]

#: Version of :meth:`TrainSettings.to_dict`'s layout (projects store it).
SCHEMA_VERSION = 1


def _params_of(cls) -> set[str]:
    return set(inspect.signature(cls.__init__).parameters) - {"self"}


#: :attr:`TrainSettings.extra` keys only the gradient-boosting model takes: the deep
#: models of an ``auto`` or ``ensemble`` run do not get them.
_TREE_ONLY = _params_of(LGBMForecaster) - _params_of(LSTMForecaster)
#: Every name :func:`make_model` accepts, in the order the CLI lists them.
MODEL_NAMES = (*BASE_MODELS, "auto")


def make_model(name: str, **params) -> Forecaster:
    """Create the forecaster called ``name`` (one of :data:`MODEL_NAMES`).

    Parameters
    ----------
    name : str
        A base model of :mod:`core.forecast.models.registry`, or ``auto`` (the
        :class:`~core.forecast.auto.AutoForecaster`, which backtests base models).
    **params
        Passed to the model's constructor.

    Raises
    ------
    InputError
        For an unknown name.
    """
    key = str(name).strip().lower()
    if key == "auto":
        return AutoForecaster(**params)
    if key in BASE_MODELS:
        return make_base_model(key, **params)
    names = ", ".join(MODEL_NAMES)
    raise InputError(
        f"Unknown model {name!r}; choose one of {names}.",
        f"未知的模型 {name!r}；可选：{names}。",
    )


def default_horizon(freq: str) -> int:
    """Periods forecast by default: 4 weeks of days, 8 weeks, or 3 months."""
    return default_window(freq)[1]


@dataclass
class TrainSettings:
    """What the user chose for training (saved in projects as JSON).

    Attributes
    ----------
    model : str
        A name of :func:`make_model` (``lstm``, ``lgbm``, ``auto``, ``ets``...).
    horizon : int, optional
        Periods to forecast; ``None``: :func:`default_horizon`.
    levels : list of int
        Prediction-interval levels.
    region : str
        Holiday calendar (``CN``, ``US``, ``intl``).
    feature_groups : list of str
        Feature groups the deep and gradient-boosting models use.
    epochs, units, layers, lookback, batch_size : int or None
        Deep-model settings (``None``: the model's default). ``epochs`` is the most
        trained: on a small shop fewer (see ``max_passes`` of
        :class:`~core.forecast.models.lstm.LSTMForecaster`), and early stopping may end sooner.
    dropout, learning_rate : float
    random_state : int
        Seed of the deep and gradient-boosting models.
    baselines : list of str
        Models the backtest compares the chosen one with.
    folds : int
        Backtest cutoffs.
    events_path : str, optional
        The shop's own event calendar (CSV ``date,event[,end_date]``) for the deep models.
    extra : dict
        More :class:`~core.forecast.models.lstm.LSTMForecaster` arguments than the form
        shows (``windows_per_epoch``, ``patience``, or what a ``tune`` settings file
        holds); they win over the fields above.
    """

    model: str = "lstm"
    horizon: int | None = None
    levels: list[int] = field(default_factory=lambda: [80, 95])
    region: str = "CN"
    feature_groups: list[str] = field(default_factory=lambda: list(FEATURE_GROUPS))
    epochs: int = 40
    units: int = 64
    layers: int = 1
    lookback: int | None = None
    batch_size: int = 256
    dropout: float = 0.1
    learning_rate: float = 2e-3
    random_state: int = 0
    baselines: list[str] = field(default_factory=lambda: ["snaive", "ets", "croston"])
    folds: int = 1
    events_path: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> TrainSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def horizon_for(self, freq: str) -> int:
        return int(self.horizon or default_horizon(freq))

    def deep_params(self, freq: str) -> dict:
        """Keyword arguments of the LSTM/GRU forecaster."""
        return {
            "horizon": self.horizon_for(freq),
            "lookback": self.lookback,
            "epochs": self.epochs,
            "units": self.units,
            "layers": self.layers,
            "batch_size": self.batch_size,
            "dropout": self.dropout,
            "learning_rate": self.learning_rate,
            "feature_groups": tuple(self.feature_groups),
            "region": self.region,
            "random_state": self.random_state,
            "events_path": self.events_path,
            **{k: v for k, v in self.extra.items() if k not in _TREE_ONLY},
        }

    def tree_params(self) -> dict:
        """Keyword arguments of the gradient-boosting forecaster: region, event calendar,
        feature groups and seed, plus the :attr:`extra` arguments it takes."""
        known = _params_of(LGBMForecaster)
        return {
            "feature_groups": tuple(self.feature_groups),
            "region": self.region,
            "events_path": self.events_path,
            "random_state": self.random_state,
            **{k: v for k, v in self.extra.items() if k in known},
        }

    def stat_params(self, name: str) -> dict:
        """Keyword arguments of statistical model ``name``: the holiday region and event
        calendar of ETS's festival lift (:mod:`core.forecast.festival_lift`); none for
        the others."""
        if str(name).strip().lower() != "ets":
            return {}
        return {"region": self.region, "events_path": self.events_path}

    def with_params(self, params: dict) -> TrainSettings:
        """A copy with deep-model ``params`` (e.g. from a ``tune`` settings file) applied:
        those that are fields set the field, the others go to :attr:`extra`."""
        known = {f.name for f in fields(self)} - {"model", "extra"}
        params = {k: v for k, v in params.items() if k != "cell"}
        changes = {k: v for k, v in params.items() if k in known}
        if changes.get("feature_groups") is not None:
            changes["feature_groups"] = list(changes["feature_groups"])
        extra = {**self.extra, **{k: v for k, v in params.items() if k not in known}}
        return replace(self, **changes, extra=extra)

    def factory(self, name: str, freq: str):
        """A zero-argument factory of a fresh, unfitted model ``name`` (it pickles, so
        it can go to a child process)."""
        deep = self.deep_params(freq)
        if name in DEEP_MODELS:
            return partial(make_model, name, **deep)
        if name in TREE_MODELS:
            return partial(make_model, name, **self.tree_params())
        members = {n: dict(deep) for n in DEEP_MODELS}
        members |= {n: self.tree_params() for n in TREE_MODELS}
        members["ets"] = self.stat_params("ets")
        if name in ENSEMBLE_MODELS:
            return partial(make_model, name, member_params=members)
        if name == "auto":
            params = {**members, **{n: {"member_params": members} for n in ENSEMBLE_MODELS}}
            return partial(make_model, "auto", model_params=params)
        return partial(make_model, name, **self.stat_params(name))
