"""Draw SkuCast's application icon and write it as PNG, Windows ``.ico`` and macOS ``.icns``.

``python packaging/make_icons.py OUT_DIR`` writes ``skucast.png`` (512 px), ``skucast.ico``
(16-256 px) and ``skucast.icns`` (128-1024 px). The icon is drawn with Qt (offscreen, no
display needed) so no binary files live in the repository; ``skucast.spec`` calls this
when the icons are missing. ICO and ICNS are written here (PNG entries, supported since
Windows Vista and Mac OS X 10.7) because Qt's writers store one size only.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def render_png(size: int) -> bytes:
    """The icon at ``size`` x ``size`` pixels as PNG bytes: rising bars on a blue tile."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 100.0
    tile = QRectF(4 * s, 4 * s, 92 * s, 92 * s)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
    gradient.setColorAt(0, QColor("#2f80ed"))
    gradient.setColorAt(1, QColor("#1b4f9c"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(gradient)
    p.drawRoundedRect(tile, 20 * s, 20 * s)
    p.setBrush(QColor(255, 255, 255, 230))
    for i, height in enumerate((22, 34, 28, 46)):
        p.drawRoundedRect(
            QRectF((20 + i * 16) * s, (80 - height) * s, 11 * s, height * s), 2 * s, 2 * s
        )
    pen = QPen(QColor("#ffd166"), max(1.0, 5 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    points = [
        QPointF(22 * s, 52 * s),
        QPointF(42 * s, 40 * s),
        QPointF(58 * s, 44 * s),
        QPointF(80 * s, 22 * s),
    ]
    for a, b in zip(points, points[1:], strict=False):
        p.drawLine(a, b)
    p.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows ICO holding one PNG per size."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = [], []
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset))
        blobs.append(png)
        offset += len(png)
    return header + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS ICNS holding one PNG per size in :data:`ICNS_TYPES`."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
        for size, png in sorted(pngs.items())
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(out_dir: Path) -> dict[str, Path]:
    """Write ``skucast.png``, ``.ico`` and ``.icns`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(ICO_SIZES) | set(ICNS_TYPES))
    pngs = {size: render_png(size) for size in sizes}
    paths = {
        "png": out_dir / "skucast.png",
        "ico": out_dir / "skucast.ico",
        "icns": out_dir / "skucast.icns",
    }
    paths["png"].write_bytes(pngs[512])
    paths["ico"].write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    paths["icns"].write_bytes(icns_bytes({size: pngs[size] for size in ICNS_TYPES}))
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0] + "\n\nusage: python packaging/make_icons.py OUT_DIR")
        sys.exit(0 if len(sys.argv) == 2 else 2)
    for kind, path in write_icons(Path(sys.argv[1])).items():
        print(f"{kind}: {path} ({path.stat().st_size} bytes)")
