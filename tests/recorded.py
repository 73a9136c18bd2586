"""Recorded Genesys Cloud frames and bodies (tests/fixtures/recorded, see its SOURCES.md)."""

import json
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).resolve().parent / "fixtures" / "recorded"


def recorded(name: str) -> Any:
    """The parsed JSON of a recorded file, e.g. ``recorded("platform/MessageData.json")``."""
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))
