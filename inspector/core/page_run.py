"""The admin's own website page, watched: its snippet, the frames it sent, and three columns.

A page run does not drive Messenger: the page's own code sets the attributes and the customer
(the admin, or a script clicking like one) sends the messages. What Messenger wrote to the
socket (`MessagingService.sendingMessage`, MESSENGER.md "Events") is the truth of what the page
sent; the conversation's customer participant is what arrived. The first frame is the one the
flow routes on, so "what the page sent" is the first frame's attributes; later frames are kept
to name the mistake (attributes set after the first message).

Three columns per key: what the admin expected (optional), what the page sent, what arrived,
with a verdict per column pair. Exact bytes and exact key case, as in `diff`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inspector.core.attributes import MAX_CUSTOM_DATA_BYTES, custom_data_size, hidden_characters
from inspector.core.diagnoses import Diagnosis, by_importance, explain
from inspector.core.diff import Row, RowStatus, Verdict, diff_attributes, visible

__all__ = [
    "PageFrame",
    "PageRow",
    "PageRunResult",
    "SnippetFacts",
    "diagnose_page",
    "judge_page",
    "page_rows",
    "read_back_keys",
]


@dataclass(frozen=True)
class SnippetFacts:
    """What the page's Messenger snippet says (`Genesys.c` and the script it loads)."""

    deployment_id: str = ""
    environment: str = ""
    script_url: str = ""

    @property
    def found(self) -> bool:
        return bool(self.deployment_id)

    def describe(self) -> str:
        if not self.found:
            return "No Messenger snippet found on the page (no Genesys.c with a deploymentId)."
        where = f" from {self.script_url}" if self.script_url else ""
        return (
            f"The page's snippet uses deployment {self.deployment_id} in environment "
            f"{self.environment or '(none given)'}{where}."
        )

    def differences(self, deployment_id: str, environment: str) -> list[str]:
        """How the snippet differs from the selected profile, one sentence each."""
        found: list[str] = []
        if self.deployment_id and deployment_id and self.deployment_id != deployment_id:
            found.append(
                f"The page's deployment {self.deployment_id} is not the profile's {deployment_id}."
            )
        if self.environment and environment and self.environment != environment:
            found.append(
                f"The page's environment {self.environment} is not the profile's {environment}."
            )
        return found


@dataclass(frozen=True)
class PageFrame:
    """One frame Messenger wrote to the socket for the page (a sendingMessage)."""

    type: str  # "Text" or "Event" (an autoStart Join)
    text: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    tracing_id: str = ""
    # Attributes in the deprecated top-level channel beside the message (custom clients).
    legacy_attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> PageFrame:
        """From the guest `message` object of a sendingMessage event."""
        return cls(
            type=str(message.get("type", "")),
            text=str(message.get("text") or ""),
            attributes=_attributes_at(message),
            tracing_id=str(message.get("tracingId") or ""),
        )

    @classmethod
    def from_guest_frame(cls, frame: Mapping[str, Any], key: str) -> PageFrame:
        """From a whole onMessage frame the page wrote on its own guest socket (GENESYS.md,
        "Guest API"): attributes in the message, and any in the deprecated top-level channel."""
        message = frame.get("message")
        message = message if isinstance(message, Mapping) else {}
        return cls(
            type=str(message.get("type", "")),
            text=str(message.get("text") or ""),
            attributes=_attributes_at(message),
            tracing_id=key,
            legacy_attributes=_attributes_at(frame),
        )

    def label(self, index: int) -> str:
        what = "autoStart Join event" if self.type == "Event" else "message"
        return f"frame {index + 1} ({what})"


def _attributes_at(holder: Mapping[str, Any]) -> dict[str, str]:
    channel = holder.get("channel")
    metadata = channel.get("metadata") if isinstance(channel, Mapping) else None
    found = metadata.get("customAttributes") if isinstance(metadata, Mapping) else None
    if not isinstance(found, Mapping):
        return {}
    return {str(k): str(v) for k, v in found.items()}


def read_back_keys(frames: Sequence[PageFrame]) -> frozenset[str]:
    """The keys a read-back waits for: those the page's frames carried where Genesys reads them.

    Only what the page sent can arrive. An expected key no frame carried (or one carried only
    in the deprecated top-level location, which Genesys ignores) is not waited for until the
    timeout: the read stops once what the page did send is there, and judge_page names the
    page's mistake.
    """
    return frozenset(key for frame in frames for key in frame.attributes)


@dataclass(frozen=True)
class PageRow:
    """One key in three columns, with the status of each column pair.

    `sent_key` / `received_key` are the spellings found in the next column (a case mismatch
    shows both); `sent_status` compares expected with sent (None without an expectation),
    `received_status` compares sent with arrived (None when the page did not send the key).
    """

    key: str
    expected: str | None
    sent: str | None
    received: str | None
    sent_key: str | None = None
    received_key: str | None = None
    sent_status: RowStatus | None = None
    received_status: RowStatus | None = None

    @property
    def failed(self) -> bool:
        bad = (RowStatus.MISSING, RowStatus.MISMATCH, RowStatus.CASE_MISMATCH)
        return self.sent_status in bad or self.received_status in bad

    @staticmethod
    def _shown(value: str | None, key: str | None, own: str) -> str:
        if value is None:
            return "—"
        if key is not None and key != own:
            return f"{visible(key)} = {visible(value)}"
        return visible(value)

    @property
    def expected_text(self) -> str:
        return "—" if self.expected is None else visible(self.expected)

    @property
    def sent_text(self) -> str:
        return self._shown(self.sent, self.sent_key, self.key)

    @property
    def received_text(self) -> str:
        return self._shown(self.received, self.received_key, self.sent_key or self.key)


def page_rows(
    expected: Mapping[str, str], sent: Mapping[str, str], received: Mapping[str, str]
) -> tuple[PageRow, ...]:
    """Expected keys first, then keys only the page sent, then keys only the org has."""
    first = diff_attributes(expected, sent)
    second = {row.key: row for row in diff_attributes(sent, received)}
    rows: list[PageRow] = []
    used: set[str] = set()

    def arrived(sent_key: str | None) -> Row | None:
        if sent_key is None or sent_key not in second:
            return None
        used.add(sent_key)
        return second[sent_key]

    def arrived_unsent(key: str) -> Row | None:
        """What arrived under an expected key the page did not send (a later frame's)."""
        folded = key.casefold()
        for candidates in (
            [k for k in second if k == key],
            [k for k in second if k.casefold() == folded],
        ):
            for name in candidates:
                if name not in used and second[name].status is RowStatus.EXTRA:
                    used.add(name)
                    return second[name]
        return None

    for row in first:
        if row.sent is not None and row.status is RowStatus.MISSING:  # expected, not sent
            late = arrived_unsent(row.key)
            rows.append(
                PageRow(
                    key=row.key,
                    expected=row.sent,
                    sent=None,
                    received=late.received if late else None,
                    received_key=late.received_key if late else None,
                    sent_status=row.status,
                )
            )
        elif row.sent is not None:  # an expected key
            later = arrived(row.received_key)
            rows.append(
                PageRow(
                    key=row.key,
                    expected=row.sent,
                    sent=row.received,
                    received=later.received if later else None,
                    sent_key=row.received_key,
                    received_key=later.received_key if later else None,
                    sent_status=row.status,
                    received_status=later.status if later else None,
                )
            )
        else:  # sent, not expected
            later = arrived(row.key)
            rows.append(
                PageRow(
                    key=row.key,
                    expected=None,
                    sent=row.received,
                    received=later.received if later else None,
                    sent_key=row.key,
                    received_key=later.received_key if later else None,
                    received_status=later.status if later else None,
                )
            )
    for key, row in second.items():
        if key in used:
            continue
        if row.status is RowStatus.EXTRA:
            rows.append(
                PageRow(
                    key=key,
                    expected=None,
                    sent=None,
                    received=row.received,
                    received_key=row.received_key,
                    received_status=RowStatus.EXTRA,
                )
            )
    return tuple(rows)


def _frame_list(indexes: Sequence[int], frames: Sequence[PageFrame]) -> str:
    return ", ".join(frames[i].label(i) for i in indexes)


def diagnose_page(
    frames: Sequence[PageFrame],
    expected: Mapping[str, str],
    rows: Sequence[PageRow],
    *,
    refused_code: str | None = None,
    max_bytes: int = MAX_CUSTOM_DATA_BYTES,
) -> list[Diagnosis]:
    """The page's mistakes, named from its frames and the three columns.

    ``refused_code`` is the diagnosis code of an org refusal of the page's frame (too-large).
    """
    found: list[Diagnosis] = []
    first = frames[0] if frames else None
    wanted = set(expected) or {k for f in frames for k in f.attributes}
    if first is not None:
        missing_first = sorted(k for k in wanted if k not in first.attributes)
        later_keys: dict[str, list[int]] = {}
        for index, frame in enumerate(frames[1:], start=1):
            for key in frame.attributes:
                if key in missing_first:
                    later_keys.setdefault(key, []).append(index)
        if later_keys:
            keys = ", ".join(repr(k) for k in sorted(later_keys))
            indexes = sorted({i for found_at in later_keys.values() for i in found_at})
            found.append(
                explain(
                    "attributes-after-first-message",
                    f"The page set {keys} only after its first message: "
                    f"{first.label(0)} left without {'it' if len(later_keys) == 1 else 'them'}, "
                    f"and {_frame_list(indexes[:1], frames)} carried "
                    f"{'it' if len(later_keys) == 1 else 'them'}. The flow routes on the first "
                    "message, before the attributes exist.",
                )
            )
        elif (
            expected
            and not any(f.attributes for f in frames)
            and not any(f.legacy_attributes for f in frames)
        ):
            found.append(
                explain(
                    "attributes-not-sent",
                    f"No frame the page sent carried custom attributes ({len(frames)} "
                    f"frame{'s' if len(frames) != 1 else ''}): the page never called "
                    "Database.set, or called it where Messenger never sends it.",
                )
            )
    spellings: dict[str, set[str]] = {}
    for key in [*expected, *(k for f in frames for k in f.attributes)]:
        spellings.setdefault(key.casefold(), set()).add(key)
    for names in spellings.values():
        if len(names) > 1:
            shown = " and ".join(repr(n) for n in sorted(names))
            found.append(
                explain(
                    "key-spelled-two-ways",
                    f"One attribute is spelled two ways: {shown}. Names are case-sensitive, "
                    "so Genesys keeps them as two attributes and a flow reads only one.",
                )
            )
    sent_first = dict(first.attributes) if first is not None else {}
    for key, value in sent_first.items():
        if hidden_characters({key: value}):
            wanted_value = expected.get(key)
            than = f", not {visible(wanted_value)!r} as expected" if wanted_value else ""
            found.append(
                explain(
                    "hidden-characters",
                    f"The page sent {visible(key)!r} as {visible(value)!r}{than}: it has "
                    "characters that do not show (spaces at an end, a zero-width or no-break "
                    "space, a newline).",
                )
            )
    size = custom_data_size(sent_first)
    if refused_code == "too-large" or size > max_bytes:
        found.append(
            explain(
                "too-large",
                f"The page's attributes take {size} bytes (UTF-8 keys and values), over the "
                f"{max_bytes} bytes the org accepts: the org refused the message whole, so "
                "nothing arrived.",
            )
        )
    legacy = [i for i, f in enumerate(frames) if f.legacy_attributes]
    if legacy:
        legacy_keys = ", ".join(
            sorted({repr(k) for i in legacy for k in frames[i].legacy_attributes})
        )
        found.append(
            explain(
                "attributes-legacy-location",
                f"The page sent {legacy_keys} in the deprecated top-level "
                f"channel.metadata beside the message ({_frame_list(legacy, frames)}); Genesys "
                "ignores attributes there since 5 June 2026 and reads only "
                "message.channel.metadata.customAttributes.",
            )
        )
    for row in rows:
        if row.received_status is RowStatus.CASE_MISMATCH:
            found.append(
                explain(
                    "case-mismatch",
                    f"{row.sent_key!r} arrived as {row.received_key!r}: attribute names are "
                    "case-sensitive.",
                )
            )
        elif row.received_status is RowStatus.MISMATCH:
            found.append(
                explain(
                    "changed-by-flow",
                    f"{row.sent_key!r} was changed after the page sent it: "
                    f"{row.sent!r} → {row.received!r}.",
                )
            )
    return by_importance(found)


@dataclass(frozen=True)
class PageRunResult:
    """One watched page run: its snippet, frames, three columns, verdicts and diagnoses."""

    verdict: Verdict
    summary: str
    snippet: SnippetFacts
    frames: tuple[PageFrame, ...] = ()
    expected: Mapping[str, str] = field(default_factory=dict)
    received: Mapping[str, str] | None = None
    rows: tuple[PageRow, ...] = ()
    expected_vs_sent: Verdict | None = None
    sent_vs_arrived: Verdict | None = None
    diagnoses: tuple[Diagnosis, ...] = ()
    conversation_id: str | None = None
    message_id: str | None = None
    error: str | None = None
    error_code: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def sent(self) -> Mapping[str, str]:
        return self.frames[0].attributes if self.frames else {}

    def to_json_dict(self) -> dict[str, Any]:
        """The `inspector page --json` contract."""

        def status(value: RowStatus | None) -> str | None:
            return None if value is None else value.value

        def verdict(value: Verdict | None) -> str | None:
            return None if value is None else value.value

        return {
            "verdict": self.verdict.value,
            "summary": self.summary,
            "snippet": {
                "deploymentId": self.snippet.deployment_id or None,
                "environment": self.snippet.environment or None,
                "scriptUrl": self.snippet.script_url or None,
            },
            "frames": [
                {
                    "type": f.type,
                    "text": f.text,
                    "attributes": dict(f.attributes),
                    "topLevelAttributes": dict(f.legacy_attributes),
                    "tracingId": f.tracing_id,
                }
                for f in self.frames
            ],
            "columns": {
                "expectedVsSent": verdict(self.expected_vs_sent),
                "sentVsArrived": verdict(self.sent_vs_arrived),
            },
            "rows": [
                {
                    "key": r.key,
                    "expected": r.expected,
                    "sent": r.sent,
                    "sentKey": r.sent_key,
                    "received": r.received,
                    "receivedKey": r.received_key,
                    "sentStatus": status(r.sent_status),
                    "receivedStatus": status(r.received_status),
                }
                for r in self.rows
            ],
            "diagnoses": [
                {"code": d.code, "message": d.message, "fix": d.fix} for d in self.diagnoses
            ],
            "conversationId": self.conversation_id,
            "messageId": self.message_id,
            "error": self.error,
            "errorCode": self.error_code,
            "notes": list(self.notes),
        }


_FAILED = (RowStatus.MISSING, RowStatus.MISMATCH, RowStatus.CASE_MISMATCH)


def judge_page(
    snippet: SnippetFacts,
    frames: Sequence[PageFrame],
    expected: Mapping[str, str],
    received: Mapping[str, str] | None,
    *,
    conversation_id: str | None = None,
    message_id: str | None = None,
    error: str | None = None,
    error_code: str | None = None,
    notes: Sequence[str] = (),
) -> PageRunResult:
    """The verdict of a page run; it never lies.

    Pass only when every expected key was sent and every sent key arrived, same bytes, same
    key case. A run that could not read the conversation back (time-out, API error) is an
    error, except when the org refused the page's own frame as too large: that is the page's
    mistake, a fail. Nothing expected and nothing sent is an error: there was nothing to judge.
    """
    sent = dict(frames[0].attributes) if frames else {}
    refused = error_code == "too-large" and bool(frames)
    rows = page_rows(expected, sent, received or {})
    diagnoses = tuple(
        diagnose_page(frames, expected, rows, refused_code=error_code if refused else None)
    )
    expected_vs_sent: Verdict | None = None
    if expected and frames:
        bad = any(r.sent_status in _FAILED for r in rows if r.expected is not None)
        expected_vs_sent = Verdict.FAIL if bad else Verdict.PASS
    sent_vs_arrived: Verdict | None = None
    if received is not None and sent:
        bad = any(r.received_status in _FAILED for r in rows if r.sent is not None)
        sent_vs_arrived = Verdict.FAIL if bad else Verdict.PASS
    page_mistake = any(d.code in _PAGE_MISTAKES for d in diagnoses)

    def result(verdict: Verdict, summary: str) -> PageRunResult:
        return PageRunResult(
            verdict=verdict,
            summary=summary,
            snippet=snippet,
            frames=tuple(frames),
            expected=dict(expected),
            received=None if received is None else dict(received),
            rows=rows,
            expected_vs_sent=expected_vs_sent,
            sent_vs_arrived=sent_vs_arrived,
            diagnoses=diagnoses,
            conversation_id=conversation_id,
            message_id=message_id,
            error=error,
            error_code=error_code,
            notes=tuple(notes),
        )

    if refused:
        return result(Verdict.FAIL, "The org refused the page's attributes as too large")
    if error is not None:
        return result(Verdict.ERROR, error)
    if not frames:
        return result(Verdict.ERROR, "The page sent no message: nothing to judge")
    if received is None:
        return result(Verdict.ERROR, "The conversation was not read back")
    if not expected and not sent and not page_mistake:
        return result(Verdict.ERROR, "The page sent no attributes and none were expected")
    if page_mistake:
        code = next(d.code for d in diagnoses if d.code in _PAGE_MISTAKES)
        return result(Verdict.FAIL, f"The page's mistake: {_PAGE_MISTAKES[code]}")
    if expected_vs_sent is Verdict.FAIL:
        return result(Verdict.FAIL, "The page did not send what was expected")
    if sent_vs_arrived is Verdict.FAIL:
        return result(Verdict.FAIL, "What the page sent did not arrive as sent")
    count = len(expected) or len(sent)
    if count == 1:
        return result(Verdict.PASS, "The page sent the attribute and it arrived as sent")
    return result(Verdict.PASS, f"The page sent {count} attributes and they arrived as sent")


# Page mistakes that fail a run even when the columns look right, and how a summary says them.
_PAGE_MISTAKES = {
    "attributes-after-first-message": "the attributes were set after the first message",
    "attributes-not-sent": "no frame carried the attributes",
    "key-spelled-two-ways": "one attribute is spelled two ways",
    "attributes-legacy-location": "the attributes were sent in the deprecated location",
}
