"""Modules loaded on first attribute use, for what the window needs only after its first paint.

`asyncio` (with `ssl`, which it imports) is about 25 ms of a cold start; the window draws
without it, and the loop starts on the first tick after the paint (app.run_gui). The recipe is
the one in the `importlib` documentation ("Implementing lazy imports").
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

__all__ = ["lazy_module"]


def lazy_module(name: str) -> ModuleType:
    """`name`, imported now if it already is, else when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
