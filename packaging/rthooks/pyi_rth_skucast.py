"""PyInstaller runtime hook: settings a frozen SkuCast needs before any import.

Runs first in the bundle (``runtime_hooks`` in ``skucast.spec``); does nothing when
imported from source, so the tests can call :func:`configure` with a made-up
environment.

* ``NUMBA_CACHE_DIR``: numba caches compiled functions next to their module by default,
  and the bundle's folder is read-only (Program Files, a signed ``.app``). Point it at a
  per-user cache folder. (statsforecast >= 2 no longer uses numba, but pyqtgraph and
  older statsforecast pick it up when present; it costs nothing.)
* ``KERAS_BACKEND=tensorflow``: the bundle carries the TensorFlow backend only; a user's
  ``KERAS_BACKEND=jax`` or ``~/.keras/keras.json`` must not break the app.
* ``TF_CPP_MIN_LOG_LEVEL=2``: no TensorFlow C++ banner in the user's terminal.
* A windowed Windows exe has no console: ``sys.stdout``/``sys.stderr`` are ``None`` and
  any library writing to them (Keras progress bars, warnings) would raise. They go to
  ``<cache>/logs/skucast.log`` instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

APP_DIR_NAME = "SkuCast"


def cache_root(environ=None, platform: str | None = None, home: Path | None = None) -> Path:
    """The per-user cache folder of SkuCast on this platform (not created)."""
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    home = Path(home) if home is not None else Path.home()
    if platform.startswith("win"):
        base = environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
    elif platform == "darwin":
        base = str(home / "Library" / "Caches")
    else:
        base = environ.get("XDG_CACHE_HOME") or str(home / ".cache")
    return Path(base) / APP_DIR_NAME


def _writable_dir(path: Path) -> Path | None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        return path
    except OSError:
        return None


def configure(environ=None, platform: str | None = None, home: Path | None = None) -> dict:
    """Set the environment variables above in ``environ``; return what was set.

    A value the user already set is kept, except ``KERAS_BACKEND`` (only TensorFlow is
    bundled). The cache folder is created; when it cannot be, a temporary one is used.
    """
    environ = os.environ if environ is None else environ
    root = cache_root(environ, platform, home)
    changed = {}
    if not environ.get("NUMBA_CACHE_DIR"):
        folder = _writable_dir(root / "numba") or _writable_dir(
            Path(tempfile.gettempdir()) / f"{APP_DIR_NAME}-numba"
        )
        if folder is not None:
            changed["NUMBA_CACHE_DIR"] = str(folder)
    changed["KERAS_BACKEND"] = "tensorflow"
    if "TF_CPP_MIN_LOG_LEVEL" not in environ:
        changed["TF_CPP_MIN_LOG_LEVEL"] = "2"
    environ.update(changed)
    return changed


def redirect_missing_streams(log_dir: Path) -> Path | None:
    """Give a windowed exe a log file for ``sys.stdout``/``sys.stderr`` when they are None."""
    if sys.stdout is not None and sys.stderr is not None:
        return None
    folder = _writable_dir(log_dir)
    try:
        target = open(folder / "skucast.log", "a", encoding="utf-8", errors="replace")  # noqa: SIM115
        path = folder / "skucast.log"
    except (OSError, TypeError):
        target, path = open(os.devnull, "w", encoding="utf-8"), None  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = target
    if sys.stderr is None:
        sys.stderr = target
    return path


if getattr(sys, "frozen", False):
    configure()
    redirect_missing_streams(cache_root() / "logs")
