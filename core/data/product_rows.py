"""One product's rows of a long table, found through an index made once per table.

A window that shows one product at a time (the Forecast view's chart) would otherwise scan
every row of the history, the forecast and the stage history at each click: about a second
at 50,000 products. :class:`ProductRows` keeps, per named table, the positions of each
product's rows (``groupby(...).indices``, one pass) and answers later lookups by position.
The index is made again when a different table object is given under the same name.
:func:`sorted_by_product` tells whether a table already runs product by product, date by
date, so that the code reading it can take slices instead of a sorted copy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ProductRows", "sorted_by_product"]


def sorted_by_product(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` runs by ``unique_id``, then ``ds`` (ties allowed: a stable sort by
    both would leave it as it is); False when unsure. Compares neighbours: no copies."""
    ids, ds = frame["unique_id"].to_numpy(), frame["ds"].to_numpy()
    try:
        rising, same = ids[1:] > ids[:-1], ids[1:] == ids[:-1]
    except TypeError:  # IDs that do not compare (mixed types, missing ones)
        return False
    return bool(np.all(rising | (same & (ds[1:] >= ds[:-1]))))


class ProductRows:
    """Per-product row lookup for a few named long tables (see module doc)."""

    def __init__(self, key: str = "unique_id") -> None:
        self.key = key
        self._index: dict[str, tuple[pd.DataFrame, dict]] = {}

    def rows(self, name: str, frame: pd.DataFrame | None, uid) -> pd.DataFrame | None:
        """The rows of product ``uid`` in ``frame`` (in their order there), ``None`` for no
        frame; ``name`` names the slot whose index is kept (one table per slot)."""
        if frame is None:
            return None
        held = self._index.get(name)
        if held is None or held[0] is not frame:
            keys = frame[self.key]
            if not pd.api.types.is_string_dtype(keys):  # text ids as they are: no copy
                keys = keys.astype(str)
            held = (frame, keys.groupby(keys.to_numpy(), sort=False).indices)
            self._index[name] = held
        positions = held[1].get(str(uid))
        return frame.iloc[positions] if positions is not None else frame.iloc[0:0]

    def clear(self) -> None:
        """Forget every index (and the tables they hold)."""
        self._index.clear()
