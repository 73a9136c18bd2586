"""The icon the window shows is the installers' SVG, drawn at every size a desktop asks for."""

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor

from inspector.ui.app_icon import WINDOW_SIZES, app_icon, render_icon


def test_icon_has_every_window_size(qapp):
    sizes = app_icon().availableSizes()
    assert sorted(s.width() for s in sizes) == sorted(WINDOW_SIZES)
    assert all(s.width() == s.height() for s in sizes)


def test_icon_is_the_blue_bubble_with_transparent_corners(qapp):
    image = render_icon(64)
    assert image.size() == QSize(64, 64)
    assert image.pixelColor(0, 0).alpha() == 0  # rounded corner of the tile
    blue = image.pixelColor(32, 4)  # the tile's top edge, above the bubble
    assert blue.alpha() == 255 and blue.blue() > 150 and blue.red() < 80, blue.name()
    assert image.pixelColor(32, 17) == QColor("#ffffff")  # inside the white bubble
    check = image.pixelColor(29, 37)  # the corner of the green check mark
    assert check.green() > 120 and check.red() < 80, check.name()
