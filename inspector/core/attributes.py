"""Custom attributes as Genesys web messaging accepts them, checked before anything is sent.

A chat started with bad attributes fails silently on the platform side (a 4013 frame the
website never shows, or a key the flow does not find), so the inspector refuses them up front.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "DEFAULT_CRM_KEY",
    "MAX_CUSTOM_DATA_BYTES",
    "AttributeProblem",
    "case_clashes",
    "custom_data_size",
    "hidden_characters",
    "validate_attributes",
]

# SessionResponse.maxCustomDataBytes as Genesys advertises it; the 4013 error text hard-codes
# the same number (shared/genesys-examples NOTES 15).
MAX_CUSTOM_DATA_BYTES = 2048

DEFAULT_CRM_KEY = "crmCustomerId"


@dataclass(frozen=True)
class AttributeProblem:
    """One reason a set of attributes would not arrive as sent."""

    code: str
    message: str
    key: str | None = None


def custom_data_size(attributes: Mapping[str, str]) -> int:
    """UTF-8 bytes of all keys and values: what Genesys counts against maxCustomDataBytes."""
    # surrogatepass: text with a lone surrogate (a broken UTF-16 pair) is counted, not a crash;
    # validate_attributes refuses it separately.
    return sum(
        len(k.encode("utf-8", "surrogatepass")) + len(v.encode("utf-8", "surrogatepass"))
        for k, v in attributes.items()
    )


def _is_unicode_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def hidden_characters(attributes: Mapping[str, str]) -> list[str]:
    """Values with spaces at an end, or keys and values with characters that do not show.

    They are sent and compared exactly, so the run can pass while a flow or a CRM lookup that
    expects the trimmed text finds nothing; worth saying, not refusing. (A key with spaces at
    an end is refused before this, by `validate_attributes`.)
    """
    return [
        key
        for key, value in attributes.items()
        if value != value.strip() or not (key + value).isprintable()
    ]


def case_clashes(keys: Iterable[str]) -> list[tuple[str, ...]]:
    """Groups of keys that differ only by case; a flow reading one silently misses the other."""
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(key.casefold(), []).append(key)
    return [tuple(group) for group in groups.values() if len(group) > 1]


def validate_attributes(
    attributes: Mapping[str, object], *, max_bytes: int = MAX_CUSTOM_DATA_BYTES
) -> list[AttributeProblem]:
    """Every problem that would stop these attributes from arriving as sent, in display order."""
    problems: list[AttributeProblem] = []
    if not attributes:
        problems.append(AttributeProblem("no-attributes", "Nothing to send: add a CRM id."))
    for key, value in attributes.items():
        if not isinstance(key, str) or not key.strip():
            problems.append(AttributeProblem("empty-key", "An attribute has an empty name.", None))
            continue
        if key != key.strip():
            problems.append(
                AttributeProblem(
                    "key-whitespace",
                    f"The name {key!r} starts or ends with spaces; the flow would not find it.",
                    key,
                )
            )
        if not _is_unicode_text(key) or (isinstance(value, str) and not _is_unicode_text(value)):
            problems.append(
                AttributeProblem(
                    "not-utf8",
                    f"{key!r}: the name or value is not valid Unicode text (a lone surrogate); "
                    "it cannot be sent as UTF-8.",
                    key,
                )
            )
            continue
        if not isinstance(value, str):
            # Guest metadata values are always strings (NOTES 8).
            problems.append(
                AttributeProblem(
                    "not-a-string",
                    f"{key}: values must be text, got {type(value).__name__}.",
                    key,
                )
            )
        elif value == "":
            problems.append(AttributeProblem("empty-value", f"{key} has an empty value.", key))
    for group in case_clashes(k for k in attributes if isinstance(k, str)):
        problems.append(
            AttributeProblem(
                "case-clash",
                "These names differ only by case; Genesys keeps both and a flow reads one: "
                + ", ".join(group),
                group[0],
            )
        )
    strings = {k: v for k, v in attributes.items() if isinstance(k, str) and isinstance(v, str)}
    size = custom_data_size(strings)
    if size > max_bytes:
        problems.append(
            AttributeProblem(
                "too-large",
                f"The attributes take {size} bytes (UTF-8, keys and values); "
                f"the deployment accepts at most {max_bytes}.",
            )
        )
    return problems
