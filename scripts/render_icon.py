"""Render the application icon from ``resources/icons/app.svg`` to PNG and ICO.

Run it from anywhere after editing the SVG, then commit the three files together::

    QT_QPA_PLATFORM=offscreen python scripts/render_icon.py

It writes ``resources/icons/app.png`` (256x256, used for the window icon) and
``resources/icons/app.ico`` (16 to 256 pixels, used for the Windows executables).
Each size is drawn from the SVG itself, not scaled down from the large one, so
the small sizes stay sharp. The ICO holds the small sizes as the classic bitmaps
Qt's ICO writer produces and the 256-pixel size as PNG, as Windows expects.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

_ICONDIR = struct.Struct("<HHH")  # reserved, type (1 = icon), image count
_ICONDIRENTRY = struct.Struct("<BBBBHHII")  # w, h, colours, reserved, planes, bpp, size, offset


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """Draw the SVG into a square, transparent image.

    Args:
        renderer: A renderer holding a valid SVG.
        size: Width and height of the image in pixels.

    Returns:
        The image, in premultiplied ARGB32.
    """
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def encode(image: QImage, fmt: str) -> bytes:
    """Encode an image in memory with one of Qt's image writers.

    Args:
        image: The image to encode.
        fmt: A Qt image format name, such as ``"PNG"`` or ``"ICO"``.

    Returns:
        The encoded file contents.

    Raises:
        RuntimeError: If Qt cannot write the format.
    """
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise RuntimeError(f"Qt could not encode a {image.width()}px image as {fmt}")
    buffer.close()
    return bytes(data.data())


def ico_image(image: QImage) -> bytes:
    """The image data for one entry of an ICO file.

    Sizes below 256 are the bitmap (DIB) that Qt's single-image ICO writer
    produces, cut out of that file; 256 pixels is stored as PNG.

    Args:
        image: A square image of at most 256 pixels.

    Returns:
        The bytes that an ICO directory entry points at.
    """
    if image.width() >= 256:
        return encode(image, "PNG")
    single = encode(image, "ICO")
    _width, _height, _colours, _reserved, _planes, _bpp, length, offset = _ICONDIRENTRY.unpack_from(
        single, _ICONDIR.size
    )
    return single[offset : offset + length]


def build_ico(images: list[QImage]) -> bytes:
    """Pack several square images into one multi-size ICO file.

    Args:
        images: Square images of at most 256 pixels, smallest first.

    Returns:
        The ICO file contents.
    """
    payloads = [ico_image(image) for image in images]
    header = _ICONDIR.pack(0, 1, len(images))
    offset = _ICONDIR.size + _ICONDIRENTRY.size * len(images)
    entries = b""
    for image, payload in zip(images, payloads, strict=True):
        side = image.width() % 256  # 0 means 256 in an ICO directory
        entries += _ICONDIRENTRY.pack(side, side, 0, 0, 1, 32, len(payload), offset)
        offset += len(payload)
    return header + entries + b"".join(payloads)


def main() -> int:
    """Render ``app.svg`` to ``app.png`` and ``app.ico`` beside it.

    Returns:
        The process exit code: 0 on success, 1 if the SVG cannot be read.
    """
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICON_DIR / "app.svg"))
    if not renderer.isValid():
        sys.stderr.write(f"cannot read {ICON_DIR / 'app.svg'}\n")
        return 1
    png_path = ICON_DIR / "app.png"
    png_path.write_bytes(encode(render(renderer, PNG_SIZE), "PNG"))
    ico_path = ICON_DIR / "app.ico"
    ico_path.write_bytes(build_ico([render(renderer, size) for size in ICO_SIZES]))
    sys.stdout.write(f"wrote {png_path.name} and {ico_path.name} in {ICON_DIR}\n")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
