"""A missing display must give a clear message and exit 2, never Qt's abort (exit 134)."""

import os
import subprocess
import sys
from pathlib import Path

import ui.platform_check as pc
from ui.platform_check import display_problem

ROOT = Path(__file__).resolve().parents[2]


def test_no_display_on_linux_is_explained():
    msg = display_problem(env={}, platform="linux")
    assert "DISPLAY" in msg and "xvfb-run" in msg and "显示器" in msg


def test_offscreen_wayland_and_other_platforms_pass():
    assert display_problem(env={"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert display_problem(env={"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None
    assert display_problem(env={}, platform="win32") is None
    assert display_problem(env={}, platform="darwin") is None


def test_missing_xcb_libraries_name_the_packages(monkeypatch):
    monkeypatch.setattr(pc, "_has_xcb_cursor", lambda: False)
    msg = display_problem(env={"DISPLAY": ":0"}, platform="linux")
    assert "libxcb-cursor0" in msg and "apt-get" in msg
    monkeypatch.setattr(pc, "_has_xcb_cursor", lambda: True)
    assert display_problem(env={"DISPLAY": ":0"}, platform="linux") is None


def test_main_without_display_exits_2():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
    }
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if sys.platform.startswith("linux"):
        assert proc.returncode == 2 and "DISPLAY" in proc.stderr
