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
code was made. The loader reads it with every other scenario (core.scenario_parse: one
parser, one `file:line: field: message` per problem) into `Scenario.page`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inspector.core.diff import Verdict
from inspector.core.page_kinds import PAGE_KINDS
from inspector.core.page_run import PageRunResult

__all__ = [
    "PAGE_KINDS",
    "PageScenario",
    "PageScenarioOutcome",
    "evaluate_page",
]

DEFAULT_ORIGIN = "https://shop.example.com"
DEFAULT_PAGE_TIMEOUT = 30.0


@dataclass(frozen=True)
class PageScenario:
    name: str
    page: str
    origin: str = DEFAULT_ORIGIN
    kind: str = "native-ui"
    messages: tuple[str, ...] = ()
    timeout: float = DEFAULT_PAGE_TIMEOUT
    expected: Mapping[str, str] = field(default_factory=dict)
    verdict: Verdict = Verdict.PASS
    diagnoses: tuple[str, ...] = ()
    description: str = ""
    # The page's own chat controls (CSS selectors: open, input, send), when not Messenger's.
    chat: Mapping[str, str] | None = None


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
