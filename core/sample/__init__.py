"""The bundled sample shop: 60 products with known lifecycle stages (see :mod:`.shop`).
"""

from core.sample.shop import (
    CATALOGUE_PATH,
    COLUMNS,
    DEFAULT_SEED,
    INTRO_MAX,
    MATURE_MIN,
    SAMPLE_PATH,
    STAGES,
    SampleShop,
    generate_shop,
    spring_festivals,
    stage_intervals,
    write_sample,
)

__all__ = [
    "CATALOGUE_PATH",
    "COLUMNS",
    "DEFAULT_SEED",
    "generate_shop",
    "INTRO_MAX",
    "MATURE_MIN",
    "SAMPLE_PATH",
    "SampleShop",
    "spring_festivals",
    "stage_intervals",
    "STAGES",
    "write_sample",
]
