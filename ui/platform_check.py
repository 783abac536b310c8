"""Checks made before Qt starts, so a missing display is a message, not an abort.

Qt aborts the whole process (exit 134) when it cannot load a platform plugin:
no display on a Linux server, or the xcb libraries missing. This module looks
first and explains, in Chinese and English, what to do.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

XCB_PACKAGES = (
    "libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
    "libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libegl1 libgl1"
)


def display_problem(env: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """A bilingual explanation when the GUI cannot start here, else ``None``."""
    env = dict(os.environ if env is None else env)
    platform = platform or sys.platform
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "没有可用的显示器（未设置 DISPLAY）。请在桌面环境中运行，或使用 xvfb-run，"
            "或设置 QT_QPA_PLATFORM=offscreen。命令行功能无需显示器：python main.py --help\n"
            "No display is available (DISPLAY is not set). Run SkuCast from a desktop session, "
            "under xvfb-run, or with QT_QPA_PLATFORM=offscreen. The command line needs no "
            "display: python main.py --help"
        )
    if env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") and not _has_xcb_cursor():
        return (
            f"缺少 Qt 所需的 X11 库。请安装：sudo apt-get install {XCB_PACKAGES}\n"
            f"Qt's X11 libraries are missing. Install them: sudo apt-get install {XCB_PACKAGES}"
        )
    return None


def _has_xcb_cursor() -> bool:
    return ctypes.util.find_library("xcb-cursor") is not None
