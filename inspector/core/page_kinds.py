"""The sandbox deployment kinds a website page scenario can run on.

Apart from the page scenarios themselves: the command line lists them in its help, which
must not load the page run's logic (`inspector --help` and `--version` build the parser).
"""

from __future__ import annotations

__all__ = ["PAGE_KINDS"]

PAGE_KINDS = ("native-ui", "autostart", "headless", "other-domain")
