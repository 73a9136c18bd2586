"""Is this Python new enough? Asked first, by every command, so it imports nothing but `sys`.

It must parse and run on Python 3.7 and newer (tests/e2e/test_startup_python.py), so that an
older interpreter gets the message rather than a SyntaxError.
"""

from __future__ import annotations

import sys

__all__ = ["PYTHON_REQUIRED", "python_problem"]

# The `requires-python` of pyproject.toml (tests/unit/test_earlyinit_python.py compares them).
PYTHON_REQUIRED = (3, 11)


def python_problem(
    version: tuple[int, ...] | None = None, executable: str | None = None
) -> str | None:
    """The message when this interpreter is older than `PYTHON_REQUIRED`, else None."""
    running = tuple(sys.version_info[:3]) if version is None else tuple(version[:3])
    if running >= PYTHON_REQUIRED:
        return None
    needed = ".".join(str(part) for part in PYTHON_REQUIRED)
    this = ".".join(str(part) for part in running)
    where = (sys.executable if executable is None else executable) or "path unknown"
    return (
        f"Inspector needs Python {needed} or newer; this is Python {this} ({where}). Install "
        f"Python {needed} or newer and install Inspector with it, or use the Inspector "
        "installer for Windows or macOS, which brings its own Python."
    )
