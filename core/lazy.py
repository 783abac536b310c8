"""The one way SkuCast defers a heavy import: :func:`load`, at first use.

Keras and TensorFlow (about 3 s), statsforecast (numba, about 0.6 s), LightGBM (about 0.3 s
after pandas), optuna and openpyxl
would slow the window's start and every CLI command that does not need them. Code that
needs one calls ``lazy.load(name)`` inside the function that uses it; every other import
of SkuCast, its own modules included, sits at the top of its file (the tests check both).
A SkuCast module that imports a heavy library at its own top is heavy too and is listed
in :data:`HEAVY_MODULES`; the window lists the modules it loads only after its first
paint in ``ui.app.DEFERRED``. ``tests/test_architecture.py`` checks that every name given
to :func:`load` is in one of these lists.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["HEAVY_LIBRARIES", "HEAVY_MODULES", "load"]

#: Third-party libraries that are only ever imported through :func:`load`.
HEAVY_LIBRARIES = (
    "keras", "tensorflow", "statsforecast", "optuna", "openpyxl", "lightgbm", "dask",
)  # fmt: skip
#: SkuCast's modules that import one of them at their top.
HEAVY_MODULES = (
    "core.forecast.models.lstm_net",
    "core.forecast.models.stats_base",
    "core.forecast.models.baselines",
)


def load(name: str) -> ModuleType:
    """Import and return the module ``name`` (one of :data:`HEAVY_LIBRARIES`, a module
    of theirs, one of :data:`HEAVY_MODULES`, or a module the window loads after its first
    paint).

    Keras is set up first: TensorFlow backend, quiet logs, one thread per TensorFlow op
    (this network's matrices are small, so splitting one op across cores costs more in
    hand-offs than it gains: measured on 2 cores, a sample-shop epoch took 1.06 s instead
    of 1.63 s with 30 % less CPU; store-item epochs were no slower). The environment
    variables are read when TensorFlow starts; values the user set win.

    LightGBM's OpenMP threads are told to sleep rather than spin while they wait
    (``OMP_WAIT_POLICY=PASSIVE``, read when its OpenMP runtime starts): on a 2-core
    machine that other processes kept busy, 200 boosting rounds on 2 threads took 31 s
    spinning and 3.5 s passive (1 thread: 4.6 s).
    """
    top = name.split(".")[0]
    if top in ("keras", "tensorflow") or name == "core.forecast.models.lstm_net":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    if top == "lightgbm":
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return importlib.import_module(name)
