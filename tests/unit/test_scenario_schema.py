"""The published scenario schema says what the loader says: same faults, fields and choices.

Editors check scenario files against resources/scenario.schema.json; when it drifts
from the loader, valid files are flagged (or broken ones pass), so every list in the schema is
compared with the code it mirrors, and sample documents must get the same answer from both.
"""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from inspector.core.attributes import DEFAULT_CRM_KEY
from inspector.core.diff import Verdict
from inspector.core.page_scenario import DEFAULT_ORIGIN, DEFAULT_PAGE_TIMEOUT, PAGE_KINDS
from inspector.core.scenario import (
    BOT_REPLY_FIELDS,
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
    ScenarioError,
)
from inspector.sandbox import FAULTS
from inspector.scenarios import load_scenario_text

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "resources/scenario.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def resolve(node):
    """Follow a local `$ref` ("#/$defs/x") to the schema it names."""
    while "$ref" in node:
        target = SCHEMA
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def choices(node):
    """The allowed values of a schema: an `enum`, or `const`s under `anyOf`/`oneOf`."""
    node = resolve(node)
    if "enum" in node:
        return {value: None for value in node["enum"]}
    alternatives = node.get("anyOf", node.get("oneOf", []))
    return {resolve(a)["const"]: resolve(a).get("description") for a in alternatives}


def properties(*path):
    node = SCHEMA
    for name in path:
        node = resolve(node["properties"][name])
    return node


def test_the_schema_itself_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("field", ["sandboxFaults", "faults"])
def test_fault_names_are_exactly_the_sandbox_faults(field):
    named = choices(properties(field)["items"])
    assert sorted(named) == sorted(FAULTS), "update scenario.schema.json from sandbox FAULTS"
    for name, description in named.items():
        assert description in (None, FAULTS[name]), name


def test_every_mapping_lists_the_fields_the_loader_knows():
    assert set(SCHEMA["properties"]) == SCENARIO_FIELDS | PAGE_FIELDS
    # A host-page scenario and a website page scenario (launcher: page) each allow their own.
    assert SCHEMA["if"]["properties"]["launcher"]["const"] == "page"
    assert set(SCHEMA["else"]["propertyNames"]["enum"]) == SCENARIO_FIELDS
    assert set(SCHEMA["then"]["propertyNames"]["enum"]) == PAGE_FIELDS
    assert set(properties("expect")["properties"]) == EXPECT_FIELDS | PAGE_EXPECT_FIELDS
    expect = SCHEMA["else"]["properties"]["expect"]
    assert set(expect["propertyNames"]["enum"]) == EXPECT_FIELDS
    expect = SCHEMA["then"]["properties"]["expect"]
    assert set(expect["propertyNames"]["enum"]) == PAGE_EXPECT_FIELDS
    assert set(properties("chat")["properties"]) == PAGE_CHAT_FIELDS
    assert set(properties("preChat")["properties"]) == PRE_CHAT_FIELDS
    assert set(properties("expect", "botReply")["properties"]) == BOT_REPLY_FIELDS
    spec = properties("expect", "flowMayChange")["additionalProperties"]
    [as_mapping] = [s for s in spec["oneOf"] if s.get("type") == "object"]
    assert set(as_mapping["properties"]) == FLOW_KEY_FIELDS


def test_choices_and_defaults_are_the_loader_ones():
    assert tuple(choices(properties("launcher"))) == LAUNCHERS
    assert tuple(choices(properties("preChat", "sendAs"))) == PRE_CHAT_SEND_AS
    assert properties("launcher")["default"] == "guest"
    assert properties("profile")["default"] == DEFAULT_PROFILE
    assert properties("crmKey")["default"] == DEFAULT_CRM_KEY
    assert properties("timeout")["default"] == DEFAULT_TIMEOUT
    assert properties("preChat", "sendAs")["default"] == "attributes"
    page = SCHEMA["then"]["properties"]
    assert tuple(page["deployment"]["enum"]) == PAGE_KINDS
    assert page["timeout"]["default"] == DEFAULT_PAGE_TIMEOUT
    assert properties("origin")["default"] == DEFAULT_ORIGIN
    assert tuple(choices(properties("expect", "verdict"))) == tuple(v.value for v in Verdict)


# (scenario file text, whether it is valid): the loader and the schema must agree on each.
DOCUMENTS = [
    ("crmId: C-1\n", True),
    ("crmId: C-1\nsandboxFaults: [ws-drop, script-404]\n", True),
    ("crmId: C-1\nfaults: [analytics-delay]\n", True),
    ("crmId: C-1\nfaults: [slow, slow]\n", True),
    ("crmId: C-1\nfaults: [slow-flow]\n", False),
    ("crmId: C-1\nfaults: [slow]\nsandboxFaults: [slow]\n", False),
    ("crmId: C-1\nlauncher: messenger\n", True),
    ("crmId: C-1\nlauncher: browser\n", False),
    ("crmId: C-1\npreChat:\n  sendAs: form\n  answers: {firstName: Ada}\n", True),
    ("crmId: C-1\npreChat: {sendAs: email}\n", False),
    # An emptied section (everything under it commented out) is read as nothing.
    ("crmId: C-1\nattributes:\n", True),
    ("crmId: C-1\npreChat:\n", True),
    ("crmId: C-1\npreChat:\n  answers:\n", True),
    ("crmId: C-1\npreChat:\n  sendAs:\n", False),
    ("crmId: C-1\ndeployment:\n", True),
    ("crmId: C-1\nexpect:\n", True),
    ("crmId: C-1\nexpect:\n  flowMayChange:\n  botReply:\n  error:\n", True),
    ("crmId: C-1\nattributes: {note: ''}\ndescription: ''\n", True),
    ("crmId: C-1\nattributes: {cartValue: 149.90}\n", False),
    # Blank text is refused wherever text is required.
    ("crmId: '  '\n", False),
    ("crmId: C-1\nname: ' '\n", False),
    ("crmId: C-1\nprofile: ''\n", False),
    ("crmId: C-1\ncrmKey: ' '\n", False),
    ("crmId: C-1\nmessages: [Hello, ' ']\n", False),
    ("crmId: C-1\nmessages: []\n", False),
    ("crmId: C-1\nexpect: {flowMayChange: {q: {matches: ''}}}\n", False),
    ("crmId: C-1\nexpect: {flowMayChange: {q: {equals: ''}}}\n", True),
    ("crmId: C-1\nexpect: {flowMayChange: {q: {equals: a, matches: b}}}\n", False),
    ("crmId: C-1\nexpect: {flowMayChange: {q: {required: yes}}}\n", True),
    ("crmId: C-1\nexpect: {flowMayChange: {q: {required: maybe}}}\n", False),
    ("crmId: C-1\nexpect: {botReply: {within: 5}}\n", False),
    ("crmId: C-1\nexpect: {botReply: {contains: hi, within: 0}}\n", False),
    ("crmId: C-1\nexpect: {error: too-large}\n", True),
    ("crmId: C-1\nexpect: {errors: too-large}\n", False),
    ("crmId: C-1\ntimeout: 0\n", False),
    ("crmId: C-1\ntimeout: 0.5\n", False),
    ("crmId: C-1\ntimeout: 1\n", True),
    ("crmId: C-1\ntimeout: true\n", False),
    ("crmId: 12345\n", False),
    ("name: n\n", False),
    # Website page scenarios: their own fields, and none of a host-page scenario's.
    ("launcher: page\npage: late.html\n", True),
    (
        "launcher: page\npage: x.html\norigin: https://shop.example.com\ndeployment: headless\n"
        "messages: [Hi]\nchat: {open: '#o', input: '#i', send: '#s'}\ntimeout: 10\n"
        "expect: {attributes: {crmCustomerId: C-1}, verdict: fail, diagnoses: [too-large]}\n",
        True,
    ),
    ("launcher: page\npage: https://staging.shop.example/\nexpect:\n", True),
    ("launcher: page\npage: x.html\nexpect: {diagnoses: []}\n", True),
    ("launcher: page\n", False),
    ("launcher: page\npage: ' '\n", False),
    ("launcher: page\npage: x.html\ncrmId: C-1\n", False),
    ("launcher: page\npage: x.html\nsandboxFaults: [slow]\n", False),
    ("launcher: page\npage: x.html\ndeployment: inactive\n", False),
    ("launcher: page\npage: x.html\norigin: shop.example.com\n", False),
    ("launcher: page\npage: x.html\nchat: {input: '#i'}\n", False),
    ("launcher: page\npage: x.html\nchat: {input: '#i', send: '#s', close: '#c'}\n", False),
    ("launcher: page\npage: x.html\nexpect: {verdict: maybe}\n", False),
    ("launcher: page\npage: x.html\nexpect: {arrive: [crmCustomerId]}\n", False),
    ("launcher: page\npage: x.html\nexpect: {attributes: {id: 7}}\n", False),
    ("launcher: page\npage: x.html\ntimeout: 0.5\n", False),
    ("launcher: page\npage: x.html\nmessages: []\n", False),
    ("crmId: C-1\npage: x.html\n", False),
    ("crmId: C-1\nexpect: {verdict: fail}\n", False),
]


@pytest.mark.parametrize(("text", "valid"), DOCUMENTS, ids=[repr(t) for t, _ in DOCUMENTS])
def test_the_loader_and_the_schema_agree(text, valid):
    try:
        load_scenario_text(text, "s.yaml", default_name="s")
        loaded = True
    except ScenarioError:
        loaded = False
    errors = [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(text))]
    assert (loaded, not errors) == (valid, valid), errors


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "examples/website").glob("*.yaml")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_example_is_valid_for_the_schema_and_the_loader(path):
    text = path.read_text(encoding="utf-8")
    load_scenario_text(text, str(path), default_name=path.stem)
    assert [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(text))] == []
