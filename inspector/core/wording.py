"""Counts in sentences: details and diagnoses are read as prose, so "1 attribute", "once"."""

from __future__ import annotations

__all__ = ["counted", "headline", "times"]


def counted(count: int, noun: str) -> str:
    """``1 attribute``, ``2 attributes`` (nouns that take an -s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def times(count: int) -> str:
    """``once``, ``2 times``."""
    return "once" if count == 1 else f"{count} times"


def headline(message: str) -> str:
    """A finding's first clause, for a title above the finding itself: "The deployment's
    status is Inactive, not Active" of "…, not Active: Messenger will not start a chat on it."
    """
    head = message.split(": ", 1)[0].strip()
    return head[:-1] if head.endswith(".") else head
