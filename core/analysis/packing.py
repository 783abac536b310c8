"""A fitted model packed in one process and unpacked on first use in another.

:func:`core.analysis.jobs.run_in_process` returns the model a child trained as a
:class:`PackedModel`, so that Keras is only imported in the window's process where the
model is first used.
"""

from __future__ import annotations

import importlib
import pickle
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from core.errors import InputError
from core.forecast import load_forecaster, save_forecaster

__all__ = ["PackedModel", "sendable"]

#: Attributes a packed model answers without unpacking (cheap, plain values).
_SUMMARY = ("fitted_", "freq_", "history_log_", "best_epoch_", "train_seconds_", "n_windows_")


class PackedModel:
    """A fitted forecaster packed in one process, unpacked on first use in another.

    The child packs the model it trained with :meth:`pack`: through the model store
    (:func:`core.forecast.models.store.save_forecaster`, a ``.keras`` network and CSV tables),
    read back into memory; a model the store cannot save (``auto``) is pickled. The
    parent gets a small object: ``name``, the constructor arguments and
    :data:`_SUMMARY` attributes are answered at once; anything else (``predict``, ...)
    unpacks the model first, importing Keras in that thread. Nothing stays on disk.

    Parameters
    ----------
    name : str
    params : dict
        The model's constructor arguments.
    summary : dict
        Values of the :data:`_SUMMARY` attributes the model has.
    kind : {"store", "pickle"}
    data : dict
        ``"store"``: file name -> bytes of the stored folder. ``"pickle"``: ``model``,
        the pickled model, and ``modules``, the core modules to import first.
    """

    def __init__(self, name: str, params: dict, summary: dict, kind: str, data) -> None:
        self.name = name
        self._params, self._summary = dict(params), dict(summary)
        self._kind, self._data = kind, data
        self._model = None
        self._lock = threading.Lock()

    @classmethod
    def pack(cls, model) -> PackedModel:
        """Pack a fitted ``model`` (in the process that fitted it)."""
        summary = {k: getattr(model, k) for k in _SUMMARY if hasattr(model, k)}
        with tempfile.TemporaryDirectory(prefix="skucast-pack-") as work:
            try:
                folder = save_forecaster(model, Path(work) / "model")
            except InputError:  # a kind the store does not save
                kind, data = "pickle", _pickled(model)
            else:
                kind = "store"
                data = {p.relative_to(folder).as_posix(): p.read_bytes()
                        for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip
        return cls(model.name, model.get_params(), summary, kind, data)

    def stored_files(self) -> dict[str, bytes] | None:
        """The model store's files (name -> bytes) while still packed, else ``None``.

        A project save writes these as they are, so saving before the first forecast
        does not load Keras into the window's process.
        """
        with self._lock:
            if self._kind == "store" and self._data is not None:
                return dict(self._data)
        return None

    @property
    def unpacked(self) -> bool:
        """True once the model was loaded (Keras imported, for a deep model)."""
        return self._model is not None

    def unpack(self):
        """The real forecaster (loaded once; thread-safe)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
                self._data = None  # the loaded model is the only copy needed now
            return self._model

    def _load(self):
        if self._kind == "pickle":
            # Keras finds custom layers and losses only once their modules are imported
            for name in self._data["modules"]:
                importlib.import_module(name)
            return pickle.loads(self._data["model"])  # made by our own child, never a file

        work = Path(tempfile.mkdtemp(prefix="skucast-unpack-"))
        try:
            for name, content in self._data.items():
                path = work / "model" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            return load_forecaster(work / "model")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def __getattr__(self, attr: str):
        # only called for what the instance lacks; never unpack for Python's own probes
        # (pickle and copy look up dunders) or before __init__ ran (unpickling)
        if attr.startswith("__") or attr in _OWN:
            raise AttributeError(attr)
        if attr in self._summary:
            return self._summary[attr]
        if attr in _SUMMARY:
            raise AttributeError(attr)  # the model has no such attribute either
        if attr in self._params:
            return self._params[attr]
        return getattr(self.unpack(), attr)

    def __getstate__(self) -> dict:
        if self._data is None:
            raise TypeError("an unpacked PackedModel cannot be sent again")
        return {"name": self.name, "params": self._params, "summary": self._summary,
                "kind": self._kind, "data": self._data}  # fmt: skip

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def __repr__(self) -> str:
        state = "unpacked" if self.unpacked else f"packed ({self._kind})"
        return f"PackedModel({self.name!r}, {state})"


def sendable(model):
    """``model`` as it can go to a child process: a :class:`PackedModel` already
    unpacked in this process goes as the forecaster it holds (pickled, its Keras network
    in the ``.keras`` format); anything else as it is."""
    if isinstance(model, PackedModel) and model.unpacked:
        return model.unpack()
    return model


def _pickled(model) -> dict:
    # a Keras network inside pickles in the .keras format (Keras' own __reduce__)
    modules = sorted(m for m in sys.modules if m.startswith("core."))
    return {"modules": modules, "model": pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)}


_OWN = ("_params", "_summary", "_kind", "_data", "_model", "_lock")
