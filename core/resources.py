"""Where SkuCast's bundled files (``resources/``) live, from source or a frozen build.

From a source checkout the repository root is the parent of ``core/``; inside a
PyInstaller bundle the data files are unpacked under ``sys._MEIPASS``, and the
build must add ``resources/`` there under the same name.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: Name of the folder holding the bundled files, in the repo and in a bundle.
RESOURCES_DIR = "resources"


def resource_root() -> Path:
    """Return the ``resources/`` folder for the way SkuCast is running.

    Returns
    -------
    pathlib.Path
        ``<sys._MEIPASS>/resources`` inside a PyInstaller bundle, otherwise
        ``<repo root>/resources``. The folder is not checked for existence.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / RESOURCES_DIR
    return Path(__file__).resolve().parent.parent / RESOURCES_DIR


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled file.

    Parameters
    ----------
    *parts : str
        Path components below ``resources/``, e.g. ``("sample", "sample_shop.csv")``.

    Returns
    -------
    pathlib.Path
        The absolute path; whether the file exists is the caller's concern.
    """
    return resource_root().joinpath(*parts)
