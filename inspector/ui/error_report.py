"""Unexpected errors: logged with their context every time, shown to the user once.

Expected failures (API errors, timeouts, bad input) never get here: they become an `error`
verdict or an inline message. What does get here is a bug, and one dialog is enough.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["ErrorReporter"]

log = logging.getLogger("inspector.ui")


class ErrorReporter:
    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.shown = False
        self._dialog: QMessageBox | None = None

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        sys.excepthook = self.excepthook
        loop.set_exception_handler(self.loop_exception)

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        log.critical("Unexpected error", exc_info=(exc_type, exc, tb))
        self._show(f"{exc_type.__name__}: {exc}")

    def loop_exception(self, _loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.critical("Unexpected error in the event loop: %s", context.get("message"), exc_info=exc)
        self._show(f"{type(exc).__name__}: {exc}" if exc else str(context.get("message")))

    def _show(self, text: str) -> None:
        if self.shown:
            return
        self.shown = True
        # Here, not at import: the dialog class costs its set-up before the first paint.
        from PySide6.QtWidgets import QMessageBox

        # Not modal: a nested exec() would stall the asyncio loop running inside Qt's.
        self._dialog = QMessageBox(
            QMessageBox.Icon.Critical,
            "Inspector: unexpected error",
            "Something went wrong that Inspector did not expect. The run may be incomplete.\n\n"
            f"{text}\n\nThe details are in the log (stderr). Further errors are only logged.",
            QMessageBox.StandardButton.Ok,
            self.parent,
        )
        self._dialog.setModal(False)
        self._dialog.show()
