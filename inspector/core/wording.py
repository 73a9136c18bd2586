"""Counts in sentences: details and diagnoses are read as prose, so "1 attribute", "once"."""

from __future__ import annotations

__all__ = ["counted", "times"]


def counted(count: int, noun: str) -> str:
    """``1 attribute``, ``2 attributes`` (nouns that take an -s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def times(count: int) -> str:
    """``once``, ``2 times``."""
    return "once" if count == 1 else f"{count} times"
