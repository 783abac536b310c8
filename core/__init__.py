"""SkuCast core: import, cleaning, forecasting and decisions, free of any GUI toolkit.

numpy's BLAS runs on one thread in every SkuCast process (set here, before numpy first
loads; values the user set win): SkuCast's matrices are one product's (about 100 x 100),
and OpenBLAS splitting each across the cores of a busy 2-core machine made the lifecycle
step of a 4,000-product shop 20 times slower (607 s instead of about 30 s). The cores
are used by worker processes instead (:mod:`core.parallel`).
"""

import os as _os

for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    _os.environ.setdefault(_name, "1")

__version__ = "0.1.0"
