"""Warm start of the global deep model: carry a fitted network over to new data.

Used by :meth:`core.forecast.models.lstm.LSTMForecaster.refit`: the backtest trains the network
on the history up to its cutoff, and the final model starts from those weights and
trains a few epochs on the whole history instead of starting again from scratch.

Every layer's weights are copied as they are, except the embedding of products and
their category/brand: its rows are numbered by the products and values of each fit's
own data, so rows are matched by product ID and attribute text. A product or value the
donor never saw (launched after its cutoff) starts from the mean of the donor's rows of
that kind, the learnt "typical product", rather than from random noise.
"""

from __future__ import annotations

import numpy as np

from core.errors import InputError

__all__ = ["check_donor", "copy_weights", "take_network", "vocabulary_rows"]

_EMBEDDING = "static_embedding"


def check_donor(model, donor) -> None:
    """Refuse a warm start whose donor reads other inputs than ``model`` will.

    Raises
    ------
    InputError
        When the frequency, the window or the product attributes differ.
    """
    same = (
        donor.freq_ == model.freq_
        and donor.lookback_ == model.lookback_
        and donor.horizon_ == model.horizon_
        and list(donor.static_columns_) == list(model.static_columns_)
    )
    if not same:
        raise InputError(
            "The model cannot be warm-started on this data: the frequency, window or "
            "product attributes differ from the model it would start from.",
            "无法在此数据上从已有模型继续训练：频率、窗口或商品属性与原模型不同。",
        )


def vocabulary_rows(model) -> dict[tuple[str, str], int]:
    """Embedding row of every product and attribute value of a fitted deep model.

    Keys are ``("id", unique_id)`` and ``(static column, text)``, the text stripped
    and ``""`` where the product has no value.
    """
    codes = np.asarray(model.static_codes_)
    rows = {("id", str(uid)): int(c) for uid, c in zip(model.ids_, codes[:, 0], strict=True)}
    if not model.static_columns_:
        return rows
    table = model.series_.assign(unique_id=model.series_["unique_id"].astype(str))
    table = table.set_index("unique_id").reindex([str(u) for u in model.ids_])
    for j, col in enumerate(model.static_columns_):
        text = table[col.removeprefix("st_")].astype("string").str.strip().fillna("")
        for value, code in zip(text, codes[:, 1 + j], strict=True):
            rows[(col, str(value))] = int(code)
    return rows


def copy_weights(model, donor) -> None:
    """Set ``model.model_``'s weights from ``donor.model_`` (see module doc).

    Raises
    ------
    InputError
        When a layer other than the embedding changed shape.
    """
    old = {layer.name: layer for layer in donor.model_.layers}
    for layer in model.model_.layers:
        if not layer.weights:
            continue
        if layer.name == _EMBEDDING:
            layer.set_weights([_remap_embedding(model, donor, old[_EMBEDDING])])
            continue
        weights = old[layer.name].get_weights()
        if [w.shape for w in weights] != [w.shape for w in layer.get_weights()]:
            raise InputError(
                f"The model cannot be warm-started: layer {layer.name} changed shape.",
                f"无法从已有模型继续训练：网络层 {layer.name} 的形状已改变。",
            )
        layer.set_weights(weights)


def take_network(model, donor) -> None:
    """Hand the donor's network itself to ``model``, embedding rows remapped in place.

    Its optimizer state and Keras' traced training functions come with it, so training
    goes on without tracing again. The embedding keeps the donor's size (``model``'s
    own rows must fit in it); rows ``model`` does not use are left as they are. The
    donor is left unfitted.
    """
    network = donor.model_
    layer = network.get_layer(_EMBEDDING)
    model.model_ = network
    layer.set_weights([_remap_embedding(model, donor, layer)])
    model.vocabulary_ = donor.vocabulary_
    donor.model_ = None
    donor.fitted_ = False


def _remap_embedding(model, donor, layer) -> np.ndarray:
    learnt = layer.get_weights()[0]
    rows = model.model_.get_layer(_EMBEDDING).get_weights()[0].copy()
    before = vocabulary_rows(donor)
    by_kind: dict[str, list[int]] = {}
    for (kind, _), row in before.items():
        by_kind.setdefault(kind, []).append(row)
    for key, row in vocabulary_rows(model).items():
        if key in before:
            rows[row] = learnt[before[key]]
        elif key[0] in by_kind:
            rows[row] = learnt[by_kind[key[0]]].mean(axis=0)
    return rows
