"""Parsed scenario file data validated into a `Scenario`, every problem with file, line, field.

The loader reads the YAML and gives a way to find each field's line; this module only judges
the values, so the rules live in core and are tested without files. Every problem of a file is
reported at once: each field is judged on its own, and a check that needs a field that was
refused (what `expect` compares with the sent attributes) is left out rather than guessed.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from inspector.core.attributes import DEFAULT_CRM_KEY
from inspector.core.diff import Verdict
from inspector.core.page_scenario import (
    DEFAULT_ORIGIN,
    DEFAULT_PAGE_TIMEOUT,
    PAGE_KINDS,
    PageScenario,
)
from inspector.core.run_types import MIN_TIMEOUT
from inspector.core.scenario import (
    BOT_REPLY_FIELDS,
    DEFAULT_FIRST_MESSAGE,
    DEFAULT_PROFILE,
    DEFAULT_TIMEOUT,
    EXPECT_FIELDS,
    FLOW_KEY_FIELDS,
    LAUNCHERS,
    PAGE_CHAT_FIELDS,
    PAGE_EXPECT_FIELDS,
    PAGE_FIELDS,
    PRE_CHAT_FIELDS,
    PRE_CHAT_SEND_AS,
    SCENARIO_FIELDS,
    BotReply,
    Expectations,
    FlowKey,
    LineOf,
    Path,
    PreChat,
    Scenario,
    ScenarioError,
    ScenarioProblems,
)

T = TypeVar("T")

__all__ = ["scenario_from_data", "unknown_name"]


def unknown_name(kind: str, name: str, known: Collection[str]) -> str:
    """`unknown fault 'x'`, with a did-you-mean when a known name is close to it."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"unknown {kind} {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def scenario_from_data(
    data: Any,
    *,
    source: str,
    line_of: LineOf = lambda _path: None,
    default_name: str = "",
    known_faults: Collection[str] | None = None,
) -> Scenario:
    """Validate parsed file data into a Scenario.

    A file with one problem raises that ScenarioError; with more, ScenarioProblems carrying
    every one in `problems`, by line (and standing for the first as a ScenarioError).
    """
    reader = _Reader(source, line_of, known_faults)
    scenario = reader.check(lambda: reader.scenario(data, default_name), None)
    if len(reader.problems) == 1:
        raise reader.problems[0]
    if reader.problems or scenario is None:  # top to bottom, as the file reads
        raise ScenarioProblems(sorted(reader.problems, key=lambda p: p.line or 0))
    return scenario


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
        self.problems: list[ScenarioError] = []

    def check(self, read: Callable[[], T], refused: T) -> T:
        """What `read` returns; `refused` when it finds a problem, which is kept to report."""
        try:
            return read()
        except ScenarioError as exc:
            self.problems.append(exc)
            return refused

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
        for key in value:  # each unknown field is a problem of its own; the rest are read
            if not isinstance(key, str):
                self.problems.append(self.fail(path, f"field names must be text, got {key!r}"))
            elif key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                known = ", ".join(sorted(allowed))
                self.problems.append(
                    self.fail((*path, key), f"unknown field{hint}; known fields: {known}")
                )
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

    def timeout(self, value: Any) -> float:
        seconds = self.number(value, ("timeout",))
        if seconds < MIN_TIMEOUT:
            raise self.fail(
                ("timeout",),
                f"must be at least {MIN_TIMEOUT:g} second: the attributes reach the "
                "conversation about a second after the first message",
            )
        return seconds

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
        if isinstance(data, Mapping) and data.get("launcher") == "page":
            return self.page_scenario(data, default_name)
        top = self.mapping(data, (), SCENARIO_FIELDS)
        check = self.check
        if "sandboxFaults" in top and "faults" in top:
            self.problems.append(self.fail(("faults",), "give sandboxFaults or faults, not both"))
        name = check(lambda: self.name(top, default_name), "")
        crm_id = check(lambda: self.crm_id(top), None)
        crm_key = check(lambda: self.text(top.get("crmKey", DEFAULT_CRM_KEY), ("crmKey",)), None)
        attributes = check(lambda: self.string_map(top.get("attributes"), ("attributes",)), None)
        if crm_key is not None and attributes is not None and crm_key in attributes:
            self.problems.append(
                self.fail(("attributes", crm_key), "the CRM id key is set by crmId already")
            )
        pre_chat = check(lambda: self.pre_chat(top.get("preChat"), attributes, crm_key), None)
        messages = check(lambda: self.messages(top), None)
        fault_field = "faults" if "faults" in top else "sandboxFaults"
        faults = check(lambda: self.faults(top.get(fault_field, []), fault_field), frozenset[str]())
        deployment = None
        if top.get("deployment") is not None:
            deployment = check(lambda: self.text(top["deployment"], ("deployment",)), None)
        description = check(
            lambda: self.text(top.get("description", ""), ("description",), empty_ok=True), ""
        )
        profile = check(
            lambda: self.text(top.get("profile", DEFAULT_PROFILE), ("profile",)), DEFAULT_PROFILE
        )
        launcher = check(
            lambda: self.choice(top.get("launcher", "guest"), ("launcher",), LAUNCHERS), "guest"
        )
        timeout = check(lambda: self.timeout(top.get("timeout", DEFAULT_TIMEOUT)), DEFAULT_TIMEOUT)
        sent = None  # what expect compares with, unless a field it comes from was refused
        if None not in (crm_id, crm_key, attributes, pre_chat, messages):
            sent = Scenario(
                name=name,
                crm_id=crm_id or "",
                crm_key=crm_key or DEFAULT_CRM_KEY,
                attributes=attributes or {},
                pre_chat=pre_chat or PreChat(),
                messages=messages or (DEFAULT_FIRST_MESSAGE,),
            ).sent_attributes()
        expect = check(lambda: self.expect(top.get("expect"), sent), Expectations())
        return Scenario(  # thrown away by scenario_from_data when a problem was found
            name=name,
            crm_id=crm_id or "",
            crm_key=crm_key or DEFAULT_CRM_KEY,
            attributes=attributes or {},
            description=description,
            profile=profile,
            deployment=deployment,
            launcher=launcher,
            pre_chat=pre_chat or PreChat(),
            messages=messages or (DEFAULT_FIRST_MESSAGE,),
            faults=faults,
            timeout=timeout,
            expect=expect,
            source=self.source,
        )

    def page_scenario(self, data: Mapping[str, Any], default_name: str) -> Scenario:
        """`launcher: page`: the admin's website page runs and sends; see core.page_scenario."""
        top = self.mapping(data, (), PAGE_FIELDS)
        check = self.check
        name = check(lambda: self.name(top, default_name), "")
        page = check(lambda: self.page_field(top), "")
        origin = check(lambda: self.origin(top.get("origin", DEFAULT_ORIGIN)), DEFAULT_ORIGIN)
        kind = check(
            lambda: self.choice(top.get("deployment", "native-ui"), ("deployment",), PAGE_KINDS),
            "native-ui",
        )
        messages: tuple[str, ...] = ()
        if "messages" in top:
            messages = check(lambda: self.messages(top), ())
        chat = None
        if top.get("chat") is not None:
            chat = check(lambda: self.page_chat(top["chat"]), None)
        description = check(
            lambda: self.text(top.get("description", ""), ("description",), empty_ok=True), ""
        )
        profile = check(
            lambda: self.text(top.get("profile", DEFAULT_PROFILE), ("profile",)), DEFAULT_PROFILE
        )
        timeout = check(
            lambda: self.timeout(top.get("timeout", DEFAULT_PAGE_TIMEOUT)), DEFAULT_PAGE_TIMEOUT
        )
        expected: dict[str, str] = {}
        verdict, diagnoses = Verdict.PASS, tuple[str, ...]()
        if top.get("expect") is not None:
            path: Path = ("expect",)
            no_expect: Mapping[str, Any] = {}
            expect = check(lambda: self.mapping(top["expect"], path, PAGE_EXPECT_FIELDS), no_expect)
            expected = check(
                lambda: self.string_map(expect.get("attributes"), (*path, "attributes")), {}
            )
            verdict = check(
                lambda: Verdict(
                    self.choice(
                        expect.get("verdict", "pass"),
                        (*path, "verdict"),
                        tuple(v.value for v in Verdict),
                    )
                ),
                Verdict.PASS,
            )
            if expect.get("diagnoses") is not None:
                diagnoses = check(lambda: self.texts(expect["diagnoses"], (*path, "diagnoses")), ())
        spec = PageScenario(
            name=name,
            page=page,
            origin=origin,
            kind=kind,
            messages=messages,
            timeout=timeout,
            expected=expected,
            verdict=verdict,
            diagnoses=diagnoses,
            description=description,
            chat=chat,
        )
        return Scenario(  # thrown away by scenario_from_data when a problem was found
            name=name,
            crm_id="",
            description=description,
            profile=profile,
            deployment=kind,
            launcher="page",
            timeout=timeout,
            source=self.source,
            page=spec,
        )

    def page_field(self, top: Mapping[str, Any]) -> str:
        if "page" not in top:
            raise self.fail(
                ("page",), "missing: the page to run (an HTML file next to this one, or a URL)"
            )
        return self.text(top["page"], ("page",))

    def origin(self, value: Any) -> str:
        text = self.text(value, ("origin",))
        if not re.fullmatch(r"https?://[^/\s]+/?", text):
            raise self.fail(
                ("origin",), f"expected an origin like https://shop.example.com, got {text!r}"
            )
        return text.rstrip("/")

    def page_chat(self, value: Any) -> dict[str, str]:
        path: Path = ("chat",)
        chat = self.mapping(value, path, PAGE_CHAT_FIELDS)
        for part in ("input", "send"):
            if part not in chat:
                raise self.fail((*path, part), "missing: the page's chat needs input and send")
        return {str(k): self.text(v, (*path, str(k))) for k, v in chat.items()}

    def name(self, top: Mapping[str, Any], default_name: str) -> str:
        name = self.text(top["name"], ("name",)) if "name" in top else default_name
        if not name:
            raise self.fail(("name",), "missing: every scenario needs a name")
        return name

    def crm_id(self, top: Mapping[str, Any]) -> str:
        if "crmId" not in top:
            raise self.fail(("crmId",), "missing: the CRM id to send is required")
        return self.text(top["crmId"], ("crmId",))

    def messages(self, top: Mapping[str, Any]) -> tuple[str, ...]:
        if "messages" not in top:
            return (DEFAULT_FIRST_MESSAGE,)
        messages = self.texts(top["messages"], ("messages",))
        if not messages:
            raise self.fail(("messages",), "list at least one message to send")
        return messages

    def faults(self, value: Any, fault_field: str) -> frozenset[str]:
        names = self.texts(value, (fault_field,))
        if self.known_faults is not None:
            known = ", ".join(sorted(self.known_faults))
            # Each unknown name is a problem of its own, on its own item.
            unknown = [
                self.fail(
                    (fault_field, index),
                    f"{unknown_name('fault', name, self.known_faults)}; known: {known}",
                )
                for index, name in enumerate(names)
                if name not in self.known_faults
            ]
            if unknown:
                self.problems.extend(unknown[:-1])
                raise unknown[-1]
        return frozenset(names)

    def pre_chat(
        self, value: Any, attributes: Mapping[str, str] | None, crm_key: str | None
    ) -> PreChat:
        if value is None:
            return PreChat()
        data = self.mapping(value, ("preChat",), PRE_CHAT_FIELDS)
        answers = self.string_map(data.get("answers"), ("preChat", "answers"))
        send_as = self.choice(
            data.get("sendAs", "attributes"), ("preChat", "sendAs"), PRE_CHAT_SEND_AS
        )
        if send_as == "attributes" and attributes is not None and crm_key is not None:
            for key in answers:
                if key in attributes or key == crm_key:
                    raise self.fail(
                        ("preChat", "answers", key), "also set under attributes: send it once"
                    )
        return PreChat(answers, send_as)

    def expect(self, value: Any, sent: Mapping[str, str] | None) -> Expectations:
        """`sent` is None when a field it comes from was refused: its checks are left out."""
        if value is None:
            return Expectations()
        data = self.mapping(value, ("expect",), EXPECT_FIELDS)
        check = self.check
        arrive = None
        if "arrive" in data:
            arrive = check(lambda: self.arrive(data["arrive"], sent), None)
        flow = check(lambda: self.flow_keys(data.get("flowMayChange")), None)
        if arrive is not None and sent is not None and flow is not None:
            flow_names = {f.key for f in flow}
            unchecked = [k for k in sent if k not in arrive and k not in flow_names]
            if unchecked:
                self.problems.append(
                    self.fail(
                        ("expect", "arrive"),
                        f"sent attribute {unchecked[0]!r} would go unchecked: list it here or "
                        "under flowMayChange",
                    )
                )
        must_not: tuple[str, ...] = ()
        if "mustNotAppear" in data:
            must_not = check(lambda: self.must_not_appear(data["mustNotAppear"], sent), ())
        bot = None
        if data.get("botReply") is not None:
            bot = check(lambda: self.bot_reply(data["botReply"]), None)
        error = None
        if data.get("error") is not None:
            error = check(lambda: self.text(data["error"], ("expect", "error")), None)
        return Expectations(arrive, flow or (), must_not, bot, error)

    def arrive(self, value: Any, sent: Mapping[str, str] | None) -> tuple[str, ...]:
        arrive = self.texts(value, ("expect", "arrive"))
        for i, key in enumerate(arrive):
            if sent is not None and key not in sent:
                raise self.fail(("expect", "arrive", i), f"{key!r} is not a sent attribute")
        return arrive

    def must_not_appear(self, value: Any, sent: Mapping[str, str] | None) -> tuple[str, ...]:
        must_not = self.texts(value, ("expect", "mustNotAppear"))
        sent_keys = {k.casefold() for k in sent or ()}
        for i, key in enumerate(must_not):
            if key.casefold() in sent_keys:
                raise self.fail(("expect", "mustNotAppear", i), f"{key!r} is sent by this scenario")
        return must_not

    def bot_reply(self, value: Any) -> BotReply:
        path: Path = ("expect", "botReply")
        reply = self.mapping(value, path, BOT_REPLY_FIELDS)
        if "contains" not in reply:
            raise self.fail((*path, "contains"), "missing: the text the reply must contain")
        return BotReply(
            self.text(reply["contains"], (*path, "contains")),
            self.number(reply.get("within", 10.0), (*path, "within")),
        )

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
