"""The app icon, drawn from the one SVG the installers' icons are made from too.

Rendered with QtSvg rather than loaded through QIcon's image-format plugin: the import makes
the frozen build carry QtSvg, while a plugin it might leave out would fail silently.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from inspector.runtime.resources import read_bytes

SVG_NAME = "inspector.svg"
WINDOW_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_icon(size: int) -> QImage:
    """The icon as a square ARGB image of `size` pixels."""
    renderer = QSvgRenderer(QByteArray(read_bytes(SVG_NAME)))
    if not renderer.isValid():
        raise ValueError(f"{SVG_NAME} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def app_icon() -> QIcon:
    """Every size a title bar, task bar or Alt-Tab switcher asks for."""
    icon = QIcon()
    for size in WINDOW_SIZES:
        icon.addPixmap(QPixmap.fromImage(render_icon(size)))
    return icon
