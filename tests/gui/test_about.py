"""Help ▸ About, the crash notice after a crash, and Qt's messages in our log."""

import logging

import pytest
from PySide6.QtCore import QObject, QUrl, Slot, qVersion, qWarning
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMainWindow

from inspector.runtime.crash import PreviousCrash
from inspector.store.paths import app_paths
from inspector.ui.about_dialog import AboutDialog
from inspector.ui.crash_notice import show_crash_notice
from inspector.ui.help_menu import attach_help_menu


class OpenedUrls(QObject):
    """Catches what the app asks the desktop to open (Qt's own hook for file URLs)."""

    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url):
        self.urls.append(url)


@pytest.fixture
def opened():
    catcher = OpenedUrls()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def paths(tmp_path):
    return app_paths(tmp_path / "home")


def labels(widget):
    return [label.text() for label in widget.findChildren(QLabel)]


def test_about_shows_versions_and_folders(qtbot, paths):
    dialog = AboutDialog(paths=paths)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = labels(dialog)
    assert dialog.version_labels["Qt"].text() == qVersion()
    assert dialog.version_labels["Inspector"].text().startswith("0.")
    assert dialog.version_labels["Chromium"].text().split(".")[0].isdigit()
    assert dialog.version_labels["QtWebEngine"].text().startswith("6.")
    assert str(paths.log) in texts
    assert str(paths.data) in texts


def test_about_open_buttons_open_the_folders(qtbot, paths, opened):
    dialog = AboutDialog(paths=paths)
    qtbot.addWidget(dialog)
    dialog.log_button.click()
    dialog.data_button.click()
    assert [u.toLocalFile() for u in opened.urls] == [str(paths.log), str(paths.data)]
    assert paths.log.is_dir()


def test_help_menu_opens_about(qtbot, paths):
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = attach_help_menu(window, paths)
    assert menu.title() == "&Help"
    assert [a.text() for a in menu.actions()] == ["&About Inspector…", "Open &log folder"]
    menu.actions()[0].trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    assert str(paths.log) in labels(dialog)


def test_help_menu_opens_the_log_folder(qtbot, paths, opened):
    window = QMainWindow()
    qtbot.addWidget(window)
    attach_help_menu(window, paths).actions()[1].trigger()
    assert [u.toLocalFile() for u in opened.urls] == [str(paths.log)]


def test_no_crash_no_notice(qtbot, paths):
    assert show_crash_notice(None, paths.log) is None


def test_crash_notice_offers_report_and_log(qtbot, paths, opened):
    report = paths.log / "crash-20250101-120000.log"
    paths.log.mkdir(parents=True)
    report.write_text("Fatal Python error: Segmentation fault\n")
    notice = show_crash_notice(
        PreviousCrash(report, "Fatal Python error: Segmentation fault"), paths.log
    )
    qtbot.addWidget(notice)
    assert notice.isVisible()
    assert "closed unexpectedly" in notice.windowTitle()
    assert str(report) in notice.message.text() and str(paths.log) in notice.message.text()
    notice.open_report_button.click()
    notice.open_logs_button.click()
    assert [u.toLocalFile() for u in opened.urls] == [str(report), str(paths.log)]
    assert notice.isVisible()  # both can be used before closing


def test_qt_warnings_go_to_the_inspector_qt_log(qapp, caplog):
    from PySide6.QtCore import qInstallMessageHandler

    from inspector.runtime.log import install_qt_message_handler

    install_qt_message_handler()
    try:
        with caplog.at_level(logging.DEBUG, logger="inspector.qt"):
            qWarning("something Qt did not like")
            qWarning("This plugin does not support propagateSizeHints()")
    finally:
        qInstallMessageHandler(None)
    records = [r for r in caplog.records if r.name == "inspector.qt"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.WARNING, "something Qt did not like"),
        # Known offscreen noise is kept, one level down.
        (logging.DEBUG, "This plugin does not support propagateSizeHints()"),
    ]
