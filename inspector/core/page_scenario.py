"""Scenario files for a website page: `launcher: page` with `page:`, and what the run must find.

```yaml
name: CRM id set after the first message
launcher: page
page: late.html                  # next to this file, or a URL
origin: https://shop.example.com # a local file is served under it (default as here)
deployment: native-ui            # on the sandbox: the kind the page's deployment stands for
messages: [Hello, Are you still there?]   # what the scripted customer types (optional)
chat: {open: "#chat-open", input: "#chat-text", send: "#chat-send"}   # the page's own chat
expect:
  attributes: {crmCustomerId: C-10442}    # the first column (optional)
  verdict: fail                            # pass (default), fail or error
  diagnoses: [attributes-after-first-message]
```

A page scenario passes when the run's verdict is the one expected and every listed diagnosis
code was made. Pure: the caller reads the file and gives its data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inspector.core.diff import Verdict
from inspector.core.page_run import PageRunResult

__all__ = [
    "PAGE_KINDS",
    "PageScenario",
    "PageScenarioError",
    "PageScenarioOutcome",
    "evaluate_page",
    "page_scenario_from_data",
]

PAGE_KINDS = ("native-ui", "autostart", "headless", "other-domain")
DEFAULT_ORIGIN = "https://shop.example.com"
_FIELDS = frozenset(
    {
        "name",
        "description",
        "launcher",
        "page",
        "origin",
        "deployment",
        "messages",
        "timeout",
        "chat",
    }
)
_EXPECT_FIELDS = frozenset({"attributes", "verdict", "diagnoses"})


class PageScenarioError(ValueError):
    """A page scenario file that cannot be run; the message names the field."""


@dataclass(frozen=True)
class PageScenario:
    name: str
    page: str
    origin: str = DEFAULT_ORIGIN
    kind: str = "native-ui"
    messages: tuple[str, ...] = ()
    timeout: float = 30.0
    expected: Mapping[str, str] = field(default_factory=dict)
    verdict: Verdict = Verdict.PASS
    diagnoses: tuple[str, ...] = ()
    description: str = ""
    # The page's own chat controls (CSS selectors: open, input, send), when not Messenger's.
    chat: Mapping[str, str] | None = None


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PageScenarioError(f"{where}: expected a non-empty text")
    return value


def page_scenario_from_data(data: Any, default_name: str = "") -> PageScenario:
    """The scenario in `data` (a YAML document's value); PageScenarioError names what is wrong."""
    if not isinstance(data, Mapping):
        raise PageScenarioError("expected a mapping with launcher: page")
    if data.get("launcher") != "page":
        raise PageScenarioError("launcher: expected 'page' for a website page scenario")
    unknown = sorted(str(k) for k in data if k not in _FIELDS and k != "expect")
    if unknown:
        raise PageScenarioError(f"unknown field {unknown[0]!r}")
    name = _text(data.get("name", default_name), "name")
    page = _text(data.get("page"), "page")
    origin = _text(data.get("origin", DEFAULT_ORIGIN), "origin")
    kind = _text(data.get("deployment", "native-ui"), "deployment")
    if kind not in PAGE_KINDS:
        raise PageScenarioError(f"deployment: expected one of {', '.join(PAGE_KINDS)}")
    messages_value = data.get("messages", [])
    if not isinstance(messages_value, list):
        raise PageScenarioError("messages: expected a list of texts")
    messages = tuple(_text(m, "messages") for m in messages_value)
    timeout = data.get("timeout", 30.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise PageScenarioError("timeout: expected a number of seconds above 0")
    expect = data.get("expect", {}) or {}
    if not isinstance(expect, Mapping):
        raise PageScenarioError("expect: expected a mapping")
    unknown = sorted(str(k) for k in expect if k not in _EXPECT_FIELDS)
    if unknown:
        raise PageScenarioError(f"expect: unknown field {unknown[0]!r}")
    attributes = expect.get("attributes", {}) or {}
    if not isinstance(attributes, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
    ):
        raise PageScenarioError("expect.attributes: expected a mapping of texts (quote numbers)")
    try:
        verdict = Verdict(str(expect.get("verdict", "pass")))
    except ValueError:
        raise PageScenarioError("expect.verdict: expected pass, fail or error") from None
    diagnoses = expect.get("diagnoses", []) or []
    if not isinstance(diagnoses, list):
        raise PageScenarioError("expect.diagnoses: expected a list of diagnosis codes")
    chat = data.get("chat")
    if chat is not None:
        if not isinstance(chat, Mapping) or set(chat) - {"open", "input", "send"}:
            raise PageScenarioError("chat: expected {open?, input, send} CSS selectors")
        for part in ("input", "send"):
            _text(chat.get(part), f"chat.{part}")
        chat = {str(k): _text(v, f"chat.{k}") for k, v in chat.items()}
    description = data.get("description", "")
    return PageScenario(
        name=name,
        page=page,
        origin=origin,
        kind=kind,
        messages=messages,
        timeout=float(timeout),
        expected=dict(attributes),
        verdict=verdict,
        diagnoses=tuple(_text(d, "expect.diagnoses") for d in diagnoses),
        description=str(description),
        chat=chat,
    )


@dataclass(frozen=True)
class PageScenarioOutcome:
    scenario: PageScenario
    result: PageRunResult
    passed: bool
    failures: tuple[str, ...]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "name": self.scenario.name,
            "page": self.scenario.page,
            "passed": self.passed,
            "failures": list(self.failures),
            "expectedVerdict": self.scenario.verdict.value,
            "expectedDiagnoses": list(self.scenario.diagnoses),
            "result": self.result.to_json_dict(),
        }


def evaluate_page(scenario: PageScenario, result: PageRunResult) -> PageScenarioOutcome:
    """Pass when the verdict is the expected one and each expected diagnosis was made."""
    failures: list[str] = []
    if result.verdict is not scenario.verdict:
        why = f" ({result.error})" if result.error else ""
        failures.append(f"verdict {result.verdict.value}, expected {scenario.verdict.value}{why}")
    made = {d.code for d in result.diagnoses}
    failures.extend(
        f"no {code} diagnosis (made: {', '.join(sorted(made)) or 'none'})"
        for code in scenario.diagnoses
        if code not in made
    )
    return PageScenarioOutcome(scenario, result, not failures, tuple(failures))
