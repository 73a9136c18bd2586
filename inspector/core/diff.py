"""Row-by-row comparison of what was sent with what the customer participant carries.

Exact bytes and exact key case: `crmCustomerid` is not `crmCustomerId`, and a value that only
looks the same (another Unicode normal form, a trailing space) is a mismatch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from inspector.core.case_letters import CaseDifference, case_differences

__all__ = [
    "Row",
    "RowStatus",
    "Verdict",
    "diff_attributes",
    "summarize",
    "verdict_for_rows",
    "visible",
    "with_wire",
]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` with hidden characters escaped: a pasted newline, a zero-width or no-break space.

    So a value that only looks right shows in a table why it does not match.
    """
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch.isprintable():
        return ch
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class RowStatus(StrEnum):
    MATCH = "match"
    MISSING = "missing"
    MISMATCH = "mismatch"
    CASE_MISMATCH = "case-mismatch"
    EXTRA = "extra"


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True)
class Row:
    """One key: what was sent, what arrived, and where in the raw response it came from."""

    key: str
    sent: str | None
    received: str | None
    status: RowStatus
    received_key: str | None = None
    source: str | None = None
    # What left the page for this key (MessagingService.sendingMessage), when that was seen:
    # `wire_known` False means nothing was captured; then `wire` says nothing.
    wire: str | None = None
    wire_known: bool = False

    @property
    def key_text(self) -> str:
        return visible(self.key)

    @property
    def wire_differs(self) -> bool:
        """The page put something else on the wire than it was asked to send."""
        return self.wire_known and self.sent is not None and self.wire != self.sent

    @property
    def sent_text(self) -> str:
        """What was sent as a user reads it: what left the page, with the form's value beside it
        when the two differ (hidden characters escaped; a dash for none)."""
        if self.wire_known and self.sent is not None:
            shown = "—" if self.wire is None else visible(self.wire)
            return f"{shown} (form: {visible(self.sent)})" if self.wire_differs else shown
        return "—" if self.sent is None else visible(self.sent)

    @property
    def received_text(self) -> str:
        """Received value as a user reads it, naming the other spelling when the case differs."""
        if self.received is None:
            return "—"
        if self.received_key is not None and self.received_key != self.key:
            return f"{visible(self.received_key)} = {visible(self.received)}"
        return visible(self.received)

    @property
    def case_differences(self) -> tuple[CaseDifference, ...]:
        """Which letters of the received key differ by case from the sent one."""
        if self.status is not RowStatus.CASE_MISMATCH or self.received_key is None:
            return ()
        return case_differences(self.key, self.received_key)

    @property
    def failed(self) -> bool:
        return self.status in (RowStatus.MISSING, RowStatus.MISMATCH, RowStatus.CASE_MISMATCH)


def diff_attributes(
    sent: Mapping[str, str], received: Mapping[str, str], *, source_prefix: str | None = None
) -> tuple[Row, ...]:
    """Sent keys first, in the order sent; then keys only the platform has (flows add them)."""

    def source(key: str) -> str | None:
        return f"{source_prefix}[{key!r}]" if source_prefix is not None else None

    rows: list[Row] = []
    used: set[str] = set()
    for key, value in sent.items():
        if key in received:
            used.add(key)
            status = RowStatus.MATCH if received[key] == value else RowStatus.MISMATCH
            rows.append(Row(key, value, received[key], status, key, source(key)))
            continue
        folded = key.casefold()
        other = next(
            (k for k in received if k not in used and k not in sent and k.casefold() == folded),
            None,
        )
        if other is not None:
            used.add(other)
            rows.append(
                Row(key, value, received[other], RowStatus.CASE_MISMATCH, other, source(other))
            )
        else:
            rows.append(Row(key, value, None, RowStatus.MISSING))
    for key in sorted(k for k in received if k not in used):
        rows.append(Row(key, None, received[key], RowStatus.EXTRA, key, source(key)))
    return tuple(rows)


def with_wire(rows: Sequence[Row], wire: Mapping[str, str]) -> tuple[Row, ...]:
    """The rows with what left the page for each sent key (``wire``: its custom attributes)."""
    return tuple(
        replace(row, wire=wire.get(row.key), wire_known=True) if row.sent is not None else row
        for row in rows
    )


def verdict_for_rows(rows: Sequence[Row]) -> Verdict:
    """Pass only when every sent key arrived exactly; extras never fail a run."""
    sent_rows = [r for r in rows if r.sent is not None]
    if not sent_rows:
        return Verdict.ERROR
    return Verdict.FAIL if any(r.failed for r in sent_rows) else Verdict.PASS


def summarize(rows: Sequence[Row]) -> str:
    """The banner text a user reads first."""
    sent_rows = [r for r in rows if r.sent is not None]
    failed = sum(1 for r in sent_rows if r.failed)
    total = len(sent_rows)
    noun = "attribute" if total == 1 else "attributes"
    if total == 0:
        return "No attributes were sent"
    if failed == 0:
        return f"All {total} sent {noun} arrived" if total > 1 else "The sent attribute arrived"
    return f"{failed} of {total} {noun} did not arrive as sent"
