"""Save a fitted forecaster to a folder and load it back, without pickle.

A saved model is a folder holding ``skucast_model.json`` (what the model is, its
constructor arguments, the learnt scalers and feature settings, ``schema_version``),
the tables it needs as CSV (``history.csv.gz`` and, for the deep model, ``tail.csv.gz``
and ``series.csv``) and, for the deep model, the network as ``network.keras``, loaded
back with Keras' ``safe_mode``; for the gradient-boosting model, the trees in LightGBM's
own text format (``booster.txt``) and ``series.csv``. Floats are written with 17 significant digits, so a
reloaded model gives the same predictions as the one that was saved.

A deep model's network since issue 17 predicts the mean next to the quantiles (a
``mean`` head behind a ``StopGradient`` layer, :mod:`core.forecast.models.lstm_net`); it is
written with ``schema_version`` 2, so an older SkuCast refuses it with a clear message
instead of failing on a layer it does not know. Every other model, and deep models
saved before (schema 1, quantiles only), are schema 1 and load as they are: their
expected value is then the mean of their quantile function.

An ensemble is saved as its members, each a folder of its own under ``members/`` written
the same way, with the per-product statistical choice and the inner-validation errors
(its weights) in the JSON; its schema is the highest of its members'.

A baseline is saved as its settings and history: statsforecast fits at forecast time,
so reloading and predicting gives the same numbers. The save is atomic: the folder is
written next to its final place and renamed into it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError, NotFittedError
from core.forecast.features import FeatureConfig
from core.forecast.festival_lift import FestivalLift
from core.forecast.models.base import Forecaster
from core.forecast.models.lgbm import booster_from_text
from core.forecast.models.lgbm_features import LagSpec
from core.forecast.models.lstm import keras_parts
from core.forecast.models.lstm_quantiles import has_mean_head
from core.forecast.models.registry import make_base_model

__all__ = ["SCHEMA_VERSION", "load_forecaster", "save_forecaster"]

SCHEMA_VERSION = 2
#: The schema of what carries no mean head (baselines, deep models of before issue 17).
_PLAIN_SCHEMA = 1
_META = "skucast_model.json"
_NETWORK = "network.keras"
_BOOSTER = "booster.txt"
_FLOAT = "%.17g"
#: Fitted attributes of the deep model stored in the JSON as they are.
_LSTM_STATE = ("lookback_", "horizon_", "feature_columns_", "feature_stats_",
               "static_columns_", "vocabulary_", "history_log_", "best_epoch_",
               "train_seconds_", "n_windows_", "short_history_")  # fmt: skip
#: Fitted attributes of the gradient-boosting model stored in the JSON as they are.
_LGBM_STATE = ("known_columns_", "categorical_", "interval_quantiles_", "interval_source_",
               "n_jobs_", "history_log_", "train_seconds_")  # fmt: skip


def save_forecaster(model: Forecaster, folder: str | os.PathLike) -> Path:
    """Write a fitted ``model`` to ``folder`` (created or replaced); returns its path.

    Raises
    ------
    NotFittedError
        When ``model`` has not been fitted.
    InputError
        For a model kind that cannot be saved.
    """
    if not getattr(model, "fitted_", False):
        raise NotFittedError(model.name)
    target = Path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        meta = {"schema_version": _PLAIN_SCHEMA, "name": model.name,
                "params": _jsonable(model.get_params()), "freq": model.freq_}  # fmt: skip
        if model.name in ("lstm", "gru"):
            meta |= _save_lstm(model, work)
            if has_mean_head(model.model_):
                meta["schema_version"] = SCHEMA_VERSION
        elif model.name == "lgbm":
            meta |= _save_lgbm(model, work)
        elif model.name == "ensemble":
            meta |= _save_ensemble(model, work)
        elif hasattr(model, "history_") and hasattr(model, "lengths_"):
            _write_csv(_baseline_history(model), work / "history.csv.gz")
            lift = getattr(model, "festival_lift_", None)
            if lift is not None:  # the history is saved without it: keep it as fitted
                meta["festival_lift"] = lift.to_dict()
        else:
            raise InputError(
                f"Saving a {model.name!r} model is not supported.",
                f"不支持保存 {model.name!r} 模型。",
            )
        (work / _META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
        _swap_in(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def load_forecaster(folder: str | os.PathLike) -> Forecaster:
    """Load a model written by :func:`save_forecaster`.

    Raises
    ------
    InputError
        When the folder is missing, damaged, from a newer SkuCast or not a model.
    """
    path = Path(folder)
    meta = _read_meta(path)
    try:
        model = make_base_model(meta["name"], **_params_for(meta))
        if meta["name"] in ("lstm", "gru"):
            _load_lstm(model, path, meta)
        elif meta["name"] == "lgbm":
            _load_lgbm(model, path, meta)
        elif meta["name"] == "ensemble":
            _load_ensemble(model, path, meta)
        else:
            history = _read_csv(path / "history.csv.gz")
            lift = meta.get("festival_lift")
            if lift is None:
                model.fit(history, meta["freq"])
            else:
                model.festivals = False  # the saved history is already without the lift
                model.fit(history, meta["freq"])
                model.festivals, model.festival_lift_ = True, FestivalLift.from_dict(lift)
    except (KeyError, ValueError, OSError) as exc:
        raise _damaged(path, exc) from exc
    model.freq_ = meta["freq"]
    model.fitted_ = True
    return model


# ---------------------------------------------------------------- deep model
def _save_lstm(model, work: Path) -> dict:
    model.model_.save(work / _NETWORK)
    _write_csv(model.history_, work / "history.csv.gz")
    _write_csv(model.tail_, work / "tail.csv.gz")
    if model.series_ is not None:
        _write_csv(model.series_, work / "series.csv")
    state = {key: _jsonable(getattr(model, key)) for key in _LSTM_STATE}
    state["ids_"] = [str(i) for i in model.ids_]
    state["static_codes_"] = np.asarray(model.static_codes_).tolist()
    state["config_"] = model.config_.to_dict()
    return {"state": state}


def _load_lstm(model, path: Path, meta: dict) -> None:
    keras, _net = keras_parts()
    state = meta["state"]
    for key in _LSTM_STATE:
        setattr(model, key, state[key])
    model.feature_stats_ = {k: list(v) for k, v in state["feature_stats_"].items()}
    model.ids_ = np.asarray(state["ids_"], dtype=object)
    model.static_codes_ = np.asarray(state["static_codes_"], dtype=np.int64)
    model.config_ = FeatureConfig.from_dict(state["config_"])
    model.history_ = _read_csv(path / "history.csv.gz")
    tail = _read_csv(path / "tail.csv.gz")
    model.tail_ = tail.astype({c: "float32" for c in model.feature_columns_})
    series = path / "series.csv"
    model.series_ = _read_csv(series) if series.exists() else None
    model.model_ = keras.saving.load_model(path / _NETWORK, compile=False, safe_mode=True)


# ----------------------------------------------------------- gradient boosting
def _save_lgbm(model, work: Path) -> dict:
    (work / _BOOSTER).write_text(model.model_.model_to_string(), "utf-8")
    _write_csv(model.history_, work / "history.csv.gz")
    if model.series_ is not None:
        _write_csv(model.series_, work / "series.csv")
    state = {key: _jsonable(getattr(model, key)) for key in _LGBM_STATE}
    state |= {"ids_": [str(i) for i in model.ids_], "spec_": model.spec_.to_dict(),
              "scale_": np.asarray(model.scale_).tolist(),
              "spread_": np.asarray(model.spread_).tolist(),
              "config_": model.config_.to_dict()}  # fmt: skip
    return {"state": state}


def _load_lgbm(model, path: Path, meta: dict) -> None:
    state = meta["state"]
    for key in _LGBM_STATE:
        setattr(model, key, state[key])
    model.ids_ = np.asarray(state["ids_"], dtype=object)
    model.spec_ = LagSpec.from_dict(state["spec_"])
    model.scale_ = np.asarray(state["scale_"], dtype="float64")
    model.spread_ = np.asarray(state["spread_"], dtype="float64")
    model.config_ = FeatureConfig.from_dict(state["config_"])
    model.history_ = _read_csv(path / "history.csv.gz")
    series = path / "series.csv"
    model.series_ = _read_csv(series) if series.exists() else None
    model.model_ = booster_from_text((path / _BOOSTER).read_text("utf-8"))


# ------------------------------------------------------------------ ensemble
def _save_ensemble(model, work: Path) -> dict:
    units = []
    schema = _PLAIN_SCHEMA
    for k, unit in enumerate(model.members_):
        save_forecaster(unit["estimator"], work / "members" / str(k))
        schema = max(schema, _read_meta(work / "members" / str(k))["schema_version"])
        units.append({key: unit[key] for key in ("member", "model", "unique_ids")})
    state = {"units": units, "failures_": dict(model.failures_),
             "validation_": model.validation_,
             "scores_": json.loads(model.scores_.to_json(orient="split", double_precision=15)),
             "stat_choice_": model.stat_choice_.to_dict(orient="list")}  # fmt: skip
    return {"state": state, "schema_version": schema}


def _load_ensemble(model, path: Path, meta: dict) -> None:
    state = meta["state"]
    model.members_ = [{**unit, "estimator": load_forecaster(path / "members" / str(k))}
                      for k, unit in enumerate(state["units"])]  # fmt: skip
    model.failures_, model.validation_ = dict(state["failures_"]), state["validation_"]
    split = state["scores_"]
    scores = pd.DataFrame(split["data"], columns=split["columns"])
    model.scores_ = scores.astype({"unique_id": str})
    model.stat_choice_ = pd.DataFrame(state["stat_choice_"]).astype({"unique_id": str})


# ------------------------------------------------------------------- helpers
def _baseline_history(model) -> pd.DataFrame:
    hist = model.history_
    return pd.DataFrame({"unique_id": hist["unique_id"], "ds": model.grid_.dates(
        hist["ds"].to_numpy(dtype="int64")), "y": hist["y"]})  # fmt: skip


def _params_for(meta: dict) -> dict:
    params = dict(meta.get("params") or {})
    params.pop("cell", None)
    if params.get("feature_groups") is not None:
        params["feature_groups"] = tuple(params["feature_groups"])
    return params


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, float_format=_FLOAT, date_format="%Y-%m-%d %H:%M:%S")


def _read_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"unique_id": str}, keep_default_na=True)
    if "ds" in frame:
        frame["ds"] = pd.to_datetime(frame["ds"])
    return frame


def _read_meta(path: Path) -> dict:
    file = path / _META
    if not file.is_file():
        raise InputError(
            f"{path} is not a saved SkuCast model (no {_META}).",
            f"{path} 不是已保存的 SkuCast 模型（缺少 {_META}）。",
        )
    try:
        meta = json.loads(file.read_text("utf-8"))
    except (ValueError, OSError) as exc:
        raise _damaged(path, exc) from exc
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InputError(
            f"{path} was saved by a newer or unknown SkuCast version (schema {version}).",
            f"{path} 由更新或未知版本的 SkuCast 保存（格式版本 {version}）。",
        )
    return meta


def _damaged(path: Path, exc: Exception) -> InputError:
    return InputError(
        f"The saved model in {path} is damaged or incomplete ({type(exc).__name__}: {exc}).",
        f"{path} 中保存的模型已损坏或不完整（{type(exc).__name__}：{exc}）。",
    )


def _swap_in(work: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(work, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
