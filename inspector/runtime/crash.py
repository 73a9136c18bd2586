"""Hard crashes (segfaults in Qt or Chromium) leave a file behind, and the next start says so.

Python's `faulthandler` writes the stack of every thread to an open file when the process dies
on a fatal signal; no Python code runs after that, so the file is the only trace. This follows
qutebrowser's misc/crashsignal.py: an empty `crash.log` is opened on each start and removed on
a clean exit; a non-empty one found at start means the previous run crashed. It is then kept
under a timestamped name so a crash loop does not overwrite the first report.

No Qt here: this runs before Qt is imported, and must work when Qt itself is what broke.
"""

from __future__ import annotations

import faulthandler
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

__all__ = ["CRASH_FILE_NAME", "CrashLog", "PreviousCrash"]

log = logging.getLogger("inspector.init")

CRASH_FILE_NAME = "crash.log"
_EXCERPT_LINES = 12


@dataclass(frozen=True)
class PreviousCrash:
    """A crash of an earlier run: the kept report, and its first lines to show."""

    path: Path
    excerpt: str


class CrashLog:
    """faulthandler into `<log_dir>/crash.log`; `start()` reports an earlier crash, if any."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.path = log_dir / CRASH_FILE_NAME
        self._file: TextIO | None = None

    def start(self) -> PreviousCrash | None:
        """Look for a crash of the previous run, then arm faulthandler for this one."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        previous = self._take_previous()
        # Line-buffered text file; faulthandler writes to its file descriptor directly.
        self._file = open(self.path, "w", encoding="utf-8")
        faulthandler.enable(file=self._file, all_threads=True)
        log.debug("Crash reports go to %s", self.path)
        if previous is not None:
            log.warning("The previous run crashed; its report is %s", previous.path)
        return previous

    def stop(self) -> None:
        """A clean exit: disarm faulthandler and remove the empty file."""
        if self._file is None:
            return
        faulthandler.disable()
        self._file.close()
        self._file = None
        try:
            if self.path.stat().st_size == 0:
                self.path.unlink()
        except OSError:
            pass

    def _take_previous(self) -> PreviousCrash | None:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        if not text.strip():
            return None
        stamp = time.strftime("crash-%Y%m%d-%H%M%S")
        kept = self.log_dir / f"{stamp}.log"
        suffix = 1
        while kept.exists():
            kept = self.log_dir / f"{stamp}-{suffix}.log"
            suffix += 1
        self.path.replace(kept)
        excerpt = "\n".join(text.strip().splitlines()[:_EXCERPT_LINES])
        return PreviousCrash(path=kept, excerpt=excerpt)
