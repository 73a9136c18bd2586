"""The published scenario schema says what the loader says: same faults, fields and choices.

Editors check scenario files against inspector/resources/scenario.schema.json; when it drifts
from the loader, valid files are flagged (or broken ones pass), so every list in the schema is
compared with the code it mirrors, and sample documents must get the same answer from both.
"""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from inspector.core.attributes import DEFAULT_CRM_KEY
from inspector.core.scenario import (
    BOT_REPLY_FIELDS,
    DEFAULT_PROFILE,
    DEFAULT_TIMEOUT,
    EXPECT_FIELDS,
    FLOW_KEY_FIELDS,
    LAUNCHERS,
    PRE_CHAT_FIELDS,
    PRE_CHAT_SEND_AS,
    SCENARIO_FIELDS,
    ScenarioError,
)
from inspector.sandbox import FAULTS
from inspector.scenarios import load_scenario_text

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "inspector/resources/scenario.schema.json").read_text())
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
    assert set(SCHEMA["properties"]) == SCENARIO_FIELDS
    assert set(properties("preChat")["properties"]) == PRE_CHAT_FIELDS
    assert set(properties("expect")["properties"]) == EXPECT_FIELDS
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
