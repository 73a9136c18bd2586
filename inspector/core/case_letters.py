"""Which letters of two keys differ only by case: `crmCustomerId` against `crmCustomerid`.

A case-mismatch row names both spellings; an admin still has to find the one letter that
differs in a long key. These spans say where it is, for the window to highlight and for a
tooltip or a report to name ("letter 12: sent 'I', received 'i'").
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CaseDifference", "case_differences", "describe_case_differences"]


@dataclass(frozen=True)
class CaseDifference:
    """Letters that differ: ``sent[sent_start:sent_start + len(sent)]`` against the received
    key's ``received[received_start:…]`` (0-based starts; one letter each, unless a letter's
    case forms differ in length, as ``ß`` and ``SS``)."""

    sent_start: int
    sent: str
    received_start: int
    received: str

    @property
    def position(self) -> int:
        """Where it is as a person counts letters, from 1, in the received key."""
        return self.received_start + 1

    def describe(self) -> str:
        if len(self.received) <= 1:
            where = f"letter {self.position}"
        else:
            where = f"letters {self.position}–{self.position + len(self.received) - 1}"
        return f"{where}: sent {self.sent!r}, received {self.received!r}"


def case_differences(sent: str, received: str) -> tuple[CaseDifference, ...]:
    """The letters of ``received`` that differ from ``sent`` only by case; none when the keys
    are identical or differ by more than case."""
    if sent == received or sent.casefold() != received.casefold():
        return ()
    found: list[CaseDifference] = []
    i = j = 0
    while i < len(sent) and j < len(received):
        if sent[i] == received[j]:
            i, j = i + 1, j + 1
            continue
        width = _matching_width(sent, i, received, j)
        if width is None:
            # Not letter for letter: the rest differs as a whole (folding matched overall).
            found.append(CaseDifference(i, sent[i:], j, received[j:]))
            return tuple(found)
        sent_width, received_width = width
        found.append(
            CaseDifference(i, sent[i : i + sent_width], j, received[j : j + received_width])
        )
        i, j = i + sent_width, j + received_width
    return tuple(found)


def _matching_width(sent: str, i: int, received: str, j: int) -> tuple[int, int] | None:
    """How many letters from ``sent[i]`` and ``received[j]`` fold to the same text: one each,
    or one against several where one case form is longer (``ß`` against ``SS``)."""
    if sent[i].casefold() == received[j].casefold():
        return 1, 1
    for one, other, start, flip in ((sent, received, j, False), (received, sent, i, True)):
        folded = one[i if not flip else j].casefold()
        for end in range(start + 1, min(len(other), start + len(folded)) + 1):
            if other[start:end].casefold() == folded:
                return (end - start, 1) if flip else (1, end - start)
    return None


def describe_case_differences(sent: str, received: str) -> str:
    """Each difference in words ("letter 12: sent 'I', received 'i'"), or "" when none."""
    return "; ".join(d.describe() for d in case_differences(sent, received))
