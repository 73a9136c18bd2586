"""Scenario files as values: what to send, to which org, and what must be true afterwards.

Core receives already-parsed data plus a way to find the line of each field (the loader reads
the YAML); every problem becomes a `ScenarioError` naming the file, line and field, so a user
can fix a suite without guessing which of forty files is wrong.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from inspector.core.attributes import DEFAULT_CRM_KEY
from inspector.core.run_types import VerificationRequest

__all__ = [
    "DEFAULT_FIRST_MESSAGE",
    "DEFAULT_PROFILE",
    "LAUNCHERS",
    "SCENARIO_FIELDS",
    "BotReply",
    "Expectations",
    "FlowKey",
    "PreChat",
    "Scenario",
    "ScenarioError",
    "scenario_from_data",
]

DEFAULT_PROFILE = "sandbox"
DEFAULT_FIRST_MESSAGE = "Hello, I need help with my order."
DEFAULT_TIMEOUT = 20.0
LAUNCHERS = ("guest", "messenger")
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

    def sent_attributes(self) -> dict[str, str]:
        """CRM id, other attributes, then pre-chat answers when they travel as attributes."""
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


def scenario_from_data(
    data: Any,
    *,
    source: str,
    line_of: LineOf = lambda _path: None,
    default_name: str = "",
    known_faults: Collection[str] | None = None,
) -> Scenario:
    """Validate parsed file data into a Scenario; the first problem raises ScenarioError."""
    return _Reader(source, line_of, known_faults).scenario(data, default_name)


_TYPE_NAMES = {
    bool: "true/false",
    int: "a number",
    float: "a number",
    str: "text",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing",
}


def _kind(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Reader:
    def __init__(self, source: str, line_of: LineOf, known_faults: Collection[str] | None) -> None:
        self.source = source
        self.line_of = line_of
        self.known_faults = known_faults

    def fail(self, path: Path, message: str) -> ScenarioError:
        line = None
        for depth in range(len(path), -1, -1):
            line = self.line_of(path[:depth])
            if line is not None:
                break
        return ScenarioError(self.source, line, _dotted(path), message)

    def mapping(self, value: Any, path: Path, allowed: Collection[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        for key in value:
            if not isinstance(key, str):
                raise self.fail(path, f"field names must be text, got {key!r}")
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                known = ", ".join(sorted(allowed))
                raise self.fail((*path, key), f"unknown field{hint}; known fields: {known}")
        return value

    def text(self, value: Any, path: Path, *, empty_ok: bool = False) -> str:
        if not isinstance(value, str):
            hint = " (quote it: values are sent as text)" if _kind(value) == "a number" else ""
            raise self.fail(path, f"expected text, got {_kind(value)}{hint}")
        if not empty_ok and not value.strip():
            raise self.fail(path, "must not be empty")
        return value

    def number(self, value: Any, path: Path) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"expected a number of seconds, got {_kind(value)}")
        if not math.isfinite(value) or value <= 0:
            raise self.fail(path, "must be a positive number of seconds")
        return float(value)

    def texts(self, value: Any, path: Path) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {_kind(value)}")
        return tuple(self.text(item, (*path, i)) for i, item in enumerate(value))

    def string_map(self, value: Any, path: Path) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected a mapping of names to text values, got {_kind(value)}")
        result: dict[str, str] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise self.fail(path, f"attribute names must be text, got {key!r}")
            result[key] = self.text(item, (*path, key), empty_ok=True)
        return result

    def choice(self, value: Any, path: Path, choices: tuple[str, ...]) -> str:
        text = self.text(value, path)
        if text not in choices:
            raise self.fail(path, f"expected one of {', '.join(choices)}, got {text!r}")
        return text

    def scenario(self, data: Any, default_name: str) -> Scenario:
        if data is None:
            raise self.fail((), "the file is empty")
        top = self.mapping(data, (), SCENARIO_FIELDS)
        if "sandboxFaults" in top and "faults" in top:
            raise self.fail(("faults",), "give sandboxFaults or faults, not both")
        name = self.text(top["name"], ("name",)) if "name" in top else default_name
        if not name:
            raise self.fail(("name",), "missing: every scenario needs a name")
        if "crmId" not in top:
            raise self.fail(("crmId",), "missing: the CRM id to send is required")
        crm_id = self.text(top["crmId"], ("crmId",))
        crm_key = self.text(top.get("crmKey", DEFAULT_CRM_KEY), ("crmKey",))
        attributes = self.string_map(top.get("attributes"), ("attributes",))
        if crm_key in attributes:
            raise self.fail(("attributes", crm_key), "the CRM id key is set by crmId already")
        pre_chat = self.pre_chat(top.get("preChat"), attributes, crm_key)
        messages: tuple[str, ...] = (DEFAULT_FIRST_MESSAGE,)
        if "messages" in top:
            messages = self.texts(top["messages"], ("messages",))
            if not messages:
                raise self.fail(("messages",), "list at least one message to send")
        fault_field = "faults" if "faults" in top else "sandboxFaults"
        faults = frozenset(self.texts(top.get(fault_field, []), (fault_field,)))
        if self.known_faults is not None:
            unknown = sorted(faults - set(self.known_faults))
            if unknown:
                known = ", ".join(sorted(self.known_faults))
                raise self.fail((fault_field,), f"unknown fault {unknown[0]!r}; known: {known}")
        deployment = None
        if top.get("deployment") is not None:
            deployment = self.text(top["deployment"], ("deployment",))
        scenario = Scenario(
            name=name,
            crm_id=crm_id,
            crm_key=crm_key,
            attributes=attributes,
            description=self.text(top.get("description", ""), ("description",), empty_ok=True),
            profile=self.text(top.get("profile", DEFAULT_PROFILE), ("profile",)),
            deployment=deployment,
            launcher=self.choice(top.get("launcher", "guest"), ("launcher",), LAUNCHERS),
            pre_chat=pre_chat,
            messages=messages,
            faults=faults,
            timeout=self.number(top.get("timeout", DEFAULT_TIMEOUT), ("timeout",)),
            source=self.source,
        )
        expect = self.expect(top.get("expect"), scenario.sent_attributes())
        return replace(scenario, expect=expect)

    def pre_chat(self, value: Any, attributes: Mapping[str, str], crm_key: str) -> PreChat:
        if value is None:
            return PreChat()
        data = self.mapping(value, ("preChat",), PRE_CHAT_FIELDS)
        answers = self.string_map(data.get("answers"), ("preChat", "answers"))
        send_as = self.choice(
            data.get("sendAs", "attributes"), ("preChat", "sendAs"), PRE_CHAT_SEND_AS
        )
        if send_as == "attributes":
            for key in answers:
                if key in attributes or key == crm_key:
                    raise self.fail(
                        ("preChat", "answers", key), "also set under attributes: send it once"
                    )
        return PreChat(answers, send_as)

    def expect(self, value: Any, sent: Mapping[str, str]) -> Expectations:
        if value is None:
            return Expectations()
        data = self.mapping(value, ("expect",), EXPECT_FIELDS)
        arrive = None
        if "arrive" in data:
            arrive = self.texts(data["arrive"], ("expect", "arrive"))
            for i, key in enumerate(arrive):
                if key not in sent:
                    raise self.fail(("expect", "arrive", i), f"{key!r} is not a sent attribute")
        flow = self.flow_keys(data.get("flowMayChange"))
        flow_names = {f.key for f in flow}
        if arrive is not None:
            unchecked = [k for k in sent if k not in arrive and k not in flow_names]
            if unchecked:
                raise self.fail(
                    ("expect", "arrive"),
                    f"sent attribute {unchecked[0]!r} would go unchecked: list it here or "
                    "under flowMayChange",
                )
        must_not: tuple[str, ...] = ()
        if "mustNotAppear" in data:
            must_not = self.texts(data["mustNotAppear"], ("expect", "mustNotAppear"))
            for i, key in enumerate(must_not):
                if key.casefold() in {k.casefold() for k in sent}:
                    raise self.fail(
                        ("expect", "mustNotAppear", i), f"{key!r} is sent by this scenario"
                    )
        bot = None
        if data.get("botReply") is not None:
            path: Path = ("expect", "botReply")
            reply = self.mapping(data["botReply"], path, BOT_REPLY_FIELDS)
            if "contains" not in reply:
                raise self.fail((*path, "contains"), "missing: the text the reply must contain")
            bot = BotReply(
                self.text(reply["contains"], (*path, "contains")),
                self.number(reply.get("within", 10.0), (*path, "within")),
            )
        error = None
        if data.get("error") is not None:
            error = self.text(data["error"], ("expect", "error"))
        return Expectations(arrive, flow, must_not, bot, error)

    def flow_keys(self, value: Any) -> tuple[FlowKey, ...]:
        if value is None:
            return ()
        base: Path = ("expect", "flowMayChange")
        if not isinstance(value, Mapping):
            raise self.fail(base, f"expected a mapping of keys to expectations, got {_kind(value)}")
        keys: list[FlowKey] = []
        for key, spec in value.items():
            if not isinstance(key, str) or not key:
                raise self.fail(base, f"keys must be text, got {key!r}")
            path = (*base, key)
            if spec is None:
                keys.append(FlowKey(key))
                continue
            if isinstance(spec, str):
                keys.append(FlowKey(key, equals=spec))
                continue
            data = self.mapping(spec, path, FLOW_KEY_FIELDS)
            if "equals" in data and "matches" in data:
                raise self.fail((*path, "matches"), "give equals or matches, not both")
            equals = (
                self.text(data["equals"], (*path, "equals"), empty_ok=True)
                if ("equals" in data)
                else None
            )
            matches = None
            if "matches" in data:
                matches = self.text(data["matches"], (*path, "matches"))
                try:
                    re.compile(matches)
                except re.error as exc:
                    raise self.fail((*path, "matches"), f"not a valid pattern: {exc}") from None
            required = data.get("required", False)
            if not isinstance(required, bool):
                raise self.fail((*path, "required"), f"expected true/false, got {_kind(required)}")
            keys.append(FlowKey(key, equals, matches, required))
        return tuple(keys)
