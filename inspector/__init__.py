"""Inspector: see whether the attributes a website sends reach the Genesys Cloud conversation."""

# Runs before cli.py's Python version check: annotations stay unevaluated, so an older Python
# gets that check's message (runtime/earlyinit.py).
from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from typing import Any

__version__ = "0.1.0"


def lazy_attribute(package: str, table: Mapping[str, str], name: str) -> Any:
    """A package's name from its module, imported on first use (a PEP 562 `__getattr__`).

    Start-up and `--version` import no HTTP stack or server this way; the name is then kept
    in the package, so the import runs once.
    """
    module = table.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    setattr(sys.modules[package], name, value)
    return value
