"""Which feature groups the deep model relies on: permutation importance.

For each feature group, its inputs are shuffled across the validation windows (the
last ``horizon`` periods of every product, never trained on) and the rise of the
validation pinball loss is measured: a group the model ignores costs nothing when
shuffled, one it leans on costs a lot. Repeated with a few shuffles and averaged.

Groups (see :data:`core.forecast.features.FEATURE_GROUPS`): ``lags`` is the past sales the
network reads, ``static`` the product/category/brand embeddings, the others their
feature columns in both the past and the forecast periods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import InputError
from core.forecast.features import FEATURE_GROUPS
from core.forecast.models import QUANTILES

__all__ = ["GROUP_PREFIXES", "permutation_importance"]

#: Feature column prefixes of each group.
GROUP_PREFIXES = {
    "calendar": ("cal_",),
    "holidays": ("hol_", "fest_", "evt_"),
    "promo_price": ("pp_",),
    "age": ("age_",),
}


def _pinball(pred: np.ndarray, target: np.ndarray, weight: np.ndarray, qs) -> float:
    q = np.asarray(qs)[None, None, :]
    err = target[..., None] - pred
    loss = np.maximum(q * err, (q - 1) * err).mean(axis=-1)
    return float((loss * weight).sum() / max(weight.sum(), 1.0))


def _columns_of(group: str, columns: list[str]) -> list[int]:
    prefixes = GROUP_PREFIXES.get(group, ())
    return [i for i, col in enumerate(columns) if col.startswith(prefixes)]


def _shuffled(inputs: dict, group: str, columns: list[int], order: np.ndarray) -> dict:
    out = dict(inputs)
    if group == "lags":
        past = inputs["past"].copy()
        past[..., :2] = inputs["past"][order][..., :2]
        out["past"], out["level"] = past, inputs["level"][order]
    elif group == "static":
        out["static"] = inputs["static"][order]
    else:
        past, future = inputs["past"].copy(), inputs["future"].copy()
        cols = np.asarray(columns)
        past[..., 2 + cols] = inputs["past"][order][..., 2 + cols]
        future[..., cols] = inputs["future"][order][..., cols]
        out["past"], out["future"] = past, future
    return out


def permutation_importance(model, repeats: int = 3, random_state: int = 0) -> pd.DataFrame:
    """Permutation importance of each feature group of a fitted deep model.

    Parameters
    ----------
    model : core.forecast.models.lstm.LSTMForecaster
        Fitted in this session (the validation windows are not saved with a model).
    repeats : int
        Shuffles per group.
    random_state : int

    Returns
    -------
    pandas.DataFrame
        ``group``, ``name_en``, ``name_zh``, ``loss_increase`` (mean rise of the
        validation loss), ``share`` (percent of the total rise, negatives as 0), sorted
        from the most to the least important.

    Raises
    ------
    InputError
        When the model has no validation windows (not fitted here, or too short data).
    """
    batch = getattr(model, "_val_batch", None)
    if batch is None:
        raise InputError(
            "Feature importance needs a model trained in this session on products with "
            "more than one horizon of history.",
            "特征重要性需要本次训练的模型，且商品历史长于一个预测周期。",
        )
    inputs = batch.inputs()
    base = _pinball(_predict(model, inputs), batch.target, batch.weight, QUANTILES)
    rng = np.random.default_rng(random_state)
    rows = []
    groups = ["lags", *[g for g in model.config_.groups if g != "lags"]]
    for group in groups:
        cols = _columns_of(group, model.feature_columns_)
        if group in GROUP_PREFIXES and not cols:
            continue
        if group == "static" and not model.static_columns_ and len(model.ids_) < 2:
            continue
        orders = [rng.permutation(len(batch.target)) for _ in range(int(repeats))]
        rises = [loss - base for loss in _shuffled_losses(model, batch, group, cols, orders)]
        meta = FEATURE_GROUPS[group]
        rows.append({"group": group, "name_en": meta.name_en, "name_zh": meta.name_zh,
                     "loss_increase": float(np.mean(rises))})  # fmt: skip
    table = pd.DataFrame(rows)
    positive = table["loss_increase"].clip(lower=0)
    total = positive.sum()
    table["share"] = 100 * positive / total if total > 0 else 0.0
    return table.sort_values("loss_increase", ascending=False, ignore_index=True)


def _shuffled_losses(model, batch, group: str, cols: list[int], orders) -> list[float]:
    """Validation loss with ``group`` shuffled by each of ``orders``.

    All shuffles of a group go through the network in one call: the per-call overhead
    of Keras, not the arithmetic, is most of the cost on a shop's few hundred windows.
    """
    inputs, n = batch.inputs(), len(batch.target)
    parts = [_shuffled(inputs, group, cols, order) for order in orders]
    stacked = {key: np.concatenate([part[key] for part in parts]) for key in inputs}
    pred = _predict(model, stacked)
    return [_pinball(pred[i * n : (i + 1) * n], batch.target, batch.weight, QUANTILES)
            for i in range(len(orders))]  # fmt: skip


def _predict(model, inputs: dict) -> np.ndarray:
    pred = np.asarray(model.model_.predict(inputs, batch_size=1024, verbose=0))
    return np.sort(pred[..., : len(QUANTILES)], axis=-1)  # the mean output is not scored
