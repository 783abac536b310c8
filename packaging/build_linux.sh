#!/usr/bin/env bash
# Linux: build the SkuCast bundle from a clean virtual environment and smoke-test it.
#
#   bash packaging/build_linux.sh [build.py options...]
#
# Creates build/venv (fresh each time) with SkuCast and PyInstaller
# (`pip install -e ".[packaging]"`, ~1.5 GB of wheels: needs the package index or a
# wheelhouse via PIP_FIND_LINKS), then runs `python packaging/build.py`, which builds
# dist/SkuCast/, runs its smoke tests under QT_QPA_PLATFORM=offscreen and packs
# dist/SkuCast-<version>-linux-<arch>.tar.gz. The first smoke test is the bundle's
# `--self-test` (window, sample import, 1-epoch LSTM, forecast, advice); its report is
# kept in dist/self-test/. Exit status 0 only when the build and every smoke test passed.
# Takes 5-16 minutes on 2 cores (docs/PACKAGING.md); .ci/run uses `--no-archive`.
#
#   SKUCAST_BUILD_PYTHON=.venv/bin/python bash packaging/build_linux.sh
# skips the fresh venv and builds with an existing environment (must have ".[packaging]").
# PYTHON selects the interpreter for the fresh venv (default python3; 3.11-3.13).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -n "${SKUCAST_BUILD_PYTHON:-}" ]; then
  py="$SKUCAST_BUILD_PYTHON"
else
  venv=build/venv
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
  "$venv/bin/python" -m pip install -q -e ".[packaging]"
  py="$venv/bin/python"
fi
"$py" -c "import PyInstaller, sys; print('PyInstaller', PyInstaller.__version__, 'on Python', sys.version.split()[0])"
export QT_QPA_PLATFORM=offscreen
"$py" packaging/build.py "$@"
