"""Scenario files as values: what to send, to which org, and what must be true afterwards.

Core receives already-parsed data plus a way to find the line of each field (the loader reads
the YAML); every problem becomes a `ScenarioError` naming the file, line and field, so a user
can fix a suite without guessing which of forty files is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inspector.core.attributes import DEFAULT_CRM_KEY
from inspector.core.page_scenario import PageScenario
from inspector.core.run_types import VerificationRequest

__all__ = [
    "DEFAULT_FIRST_MESSAGE",
    "DEFAULT_PROFILE",
    "LAUNCHERS",
    "PAGE_CHAT_FIELDS",
    "PAGE_EXPECT_FIELDS",
    "PAGE_FIELDS",
    "SCENARIO_FIELDS",
    "BotReply",
    "Expectations",
    "FlowKey",
    "PreChat",
    "Scenario",
    "ScenarioError",
    "ScenarioProblems",
]

DEFAULT_PROFILE = "sandbox"
DEFAULT_FIRST_MESSAGE = "Hello, I need help with my order."
DEFAULT_TIMEOUT = 20.0
LAUNCHERS = ("guest", "messenger", "page")
PRE_CHAT_SEND_AS = ("attributes", "form")

Path = tuple[str | int, ...]
LineOf = Callable[[Path], int | None]

SCENARIO_FIELDS = frozenset(
    {
        "name",
        "description",
        "profile",
        "deployment",
        "launcher",
        "crmId",
        "crmKey",
        "attributes",
        "preChat",
        "messages",
        "sandboxFaults",
        "faults",
        "timeout",
        "expect",
    }
)
EXPECT_FIELDS = frozenset({"arrive", "flowMayChange", "mustNotAppear", "botReply", "error"})
# A website page scenario (`launcher: page`): the admin's page sends, not Inspector, so it has
# no crmId, attributes, preChat or faults; it names the page and what its run must come to.
PAGE_FIELDS = frozenset(
    {
        "name",
        "description",
        "profile",
        "launcher",
        "page",
        "origin",
        "deployment",
        "messages",
        "chat",
        "timeout",
        "expect",
    }
)
PAGE_EXPECT_FIELDS = frozenset({"attributes", "verdict", "diagnoses"})
PAGE_CHAT_FIELDS = frozenset({"open", "input", "send"})
FLOW_KEY_FIELDS = frozenset({"equals", "matches", "required"})
BOT_REPLY_FIELDS = frozenset({"contains", "within"})
PRE_CHAT_FIELDS = frozenset({"answers", "sendAs"})


class ScenarioError(Exception):
    """A scenario file that cannot be used, with where the problem is."""

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )

    @property
    def problems(self) -> tuple[ScenarioError, ...]:
        """Every problem of the file, each with its own line and field: here only this one."""
        return (self,)


class ScenarioProblems(ScenarioError):
    """More than one problem in one scenario file, all found in one reading.

    It stands for the first as a ScenarioError (file, line, field, message) and prints every
    one, a `file:line: field: message` line each.
    """

    def __init__(self, problems: Sequence[ScenarioError]) -> None:
        self._problems = tuple(p for problem in problems for p in problem.problems)
        first = self._problems[0]
        super().__init__(first.file, first.line, first.field, first.message)

    @property
    def problems(self) -> tuple[ScenarioError, ...]:
        return self._problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self._problems)


@dataclass(frozen=True)
class FlowKey:
    """A key the flow may add or overwrite; `equals` or `matches` (a regex) pins its value."""

    key: str
    equals: str | None = None
    matches: str | None = None
    required: bool = False

    def accepts(self, value: str) -> bool:
        if self.equals is not None:
            return value == self.equals
        if self.matches is not None:
            return re.fullmatch(self.matches, value) is not None
        return True

    def describe(self) -> str:
        if self.equals is not None:
            return f"equal to {self.equals!r}"
        if self.matches is not None:
            return f"matching /{self.matches}/"
        return "any value"


@dataclass(frozen=True)
class BotReply:
    contains: str
    within: float


@dataclass(frozen=True)
class PreChat:
    """Pre-chat form answers; `send_as="attributes"` sends them as custom attributes."""

    answers: Mapping[str, str] = field(default_factory=dict)
    send_as: str = "attributes"


@dataclass(frozen=True)
class Expectations:
    """What must hold after the run. `arrive=None` means every sent key not in flow_may_change.

    `error` names a diagnosis code the run must end with (for cases the platform must refuse,
    such as oversize attributes); the scenario then passes only if that error happens.
    """

    arrive: tuple[str, ...] | None = None
    flow_may_change: tuple[FlowKey, ...] = ()
    must_not_appear: tuple[str, ...] = ()
    bot_reply: BotReply | None = None
    error: str | None = None

    def flow_key(self, key: str) -> FlowKey | None:
        return next((f for f in self.flow_may_change if f.key == key), None)


@dataclass(frozen=True)
class Scenario:
    name: str
    crm_id: str
    crm_key: str = DEFAULT_CRM_KEY
    attributes: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    profile: str = DEFAULT_PROFILE
    deployment: str | None = None
    launcher: str = "guest"
    pre_chat: PreChat = field(default_factory=PreChat)
    messages: tuple[str, ...] = (DEFAULT_FIRST_MESSAGE,)
    faults: frozenset[str] = frozenset()
    timeout: float = DEFAULT_TIMEOUT
    expect: Expectations = field(default_factory=Expectations)
    source: str = ""
    # `launcher: page`: the website page to run and what its run must come to.
    page: PageScenario | None = None

    def sent_attributes(self) -> dict[str, str]:
        """CRM id, other attributes, then pre-chat answers when they travel as attributes.

        For a website page scenario, what the page is expected to send (it sends, not us).
        """
        if self.page is not None:
            return dict(self.page.expected)
        return self.request().sent_attributes()

    def request(self) -> VerificationRequest:
        attributes = dict(self.attributes)
        if self.pre_chat.send_as == "attributes":
            attributes.update(self.pre_chat.answers)
        return VerificationRequest(
            crm_id=self.crm_id,
            attributes=attributes,
            crm_key=self.crm_key,
            first_message=self.messages[0],
            timeout=self.timeout,
        )

    def arrive_keys(self) -> tuple[str, ...]:
        if self.expect.arrive is not None:
            return self.expect.arrive
        flow = {f.key for f in self.expect.flow_may_change}
        return tuple(k for k in self.sent_attributes() if k not in flow)

    def to_data(self) -> dict[str, Any]:
        """The scenario as file data (camelCase fields), defaults left out."""
        data: dict[str, Any] = {"name": self.name}
        if self.description:
            data["description"] = self.description
        if self.profile != DEFAULT_PROFILE:
            data["profile"] = self.profile
        if self.deployment:
            data["deployment"] = self.deployment
        if self.launcher != "guest":
            data["launcher"] = self.launcher
        data["crmId"] = self.crm_id
        if self.crm_key != DEFAULT_CRM_KEY:
            data["crmKey"] = self.crm_key
        if self.attributes:
            data["attributes"] = dict(self.attributes)
        if self.pre_chat.answers:
            data["preChat"] = {"answers": dict(self.pre_chat.answers)}
            if self.pre_chat.send_as != "attributes":
                data["preChat"]["sendAs"] = self.pre_chat.send_as
        if self.messages != (DEFAULT_FIRST_MESSAGE,):
            data["messages"] = list(self.messages)
        if self.faults:
            data["sandboxFaults"] = sorted(self.faults)
        if self.timeout != DEFAULT_TIMEOUT:
            data["timeout"] = self.timeout
        expect = _expect_to_data(self.expect)
        if expect:
            data["expect"] = expect
        return data


def _expect_to_data(expect: Expectations) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if expect.arrive is not None:
        data["arrive"] = list(expect.arrive)
    if expect.flow_may_change:
        flow: dict[str, Any] = {}
        for f in expect.flow_may_change:
            item: dict[str, Any] = {}
            if f.equals is not None:
                item["equals"] = f.equals
            if f.matches is not None:
                item["matches"] = f.matches
            if f.required:
                item["required"] = True
            flow[f.key] = item or None
        data["flowMayChange"] = flow
    if expect.must_not_appear:
        data["mustNotAppear"] = list(expect.must_not_appear)
    if expect.bot_reply is not None:
        data["botReply"] = {
            "contains": expect.bot_reply.contains,
            "within": expect.bot_reply.within,
        }
    if expect.error is not None:
        data["error"] = expect.error
    return data
