"""Option parsing: no abbreviations, a did-you-mean for what was meant, every unknown fault."""

import argparse
import json

import pytest

from inspector.cli import build_parser


def refused(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(list(args))
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    return out, err.strip().splitlines()[-1]


def test_every_parser_refuses_abbreviations():
    parsers = [build_parser()]
    seen = 0
    while parsers:
        current = parsers.pop()
        seen += 1
        assert current.allow_abbrev is False, current.prog
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    assert seen >= 10  # inspector, its five commands, profile's four actions


def test_an_abbreviated_top_level_option_is_named_not_taken_for_a_command(capsys):
    out, err = refused(capsys, "--sand", "slow", "verify", "--crm-id", "C-1")
    assert out == ""
    assert err == (
        "inspector: error: argument command: invalid choice: 'slow' (choose from 'verify', "
        "'run', 'history', 'sandbox', 'profile', 'page'); --sand is not an option "
        "(did you mean --sandbox-fault?)"
    )


def test_a_prefix_of_several_options_lists_them(capsys):
    _, err = refused(capsys, "verify", "--crm-id", "C-1", "--l", "1")
    assert err == (
        "inspector: error: unrecognized arguments: --l 1 "
        "(did you mean one of --late-check, --legacy-location?)"
    )


def test_an_abbreviated_json_gets_the_json_usage_object(capsys):
    out, err = refused(capsys, "profile", "list", "--js")
    assert err.endswith("unrecognized arguments: --js (did you mean --json?)")
    assert json.loads(out) == {
        "verdict": "error",
        "error": "unrecognized arguments: --js (did you mean --json?)",
        "usage": True,
    }


def test_a_known_fault_parses(capsys):
    args = build_parser().parse_args(["verify", "--crm-id", "C", "--sandbox-fault", "slow"])
    assert args.verify_faults == ["slow"]
    args = build_parser().parse_args(["--sandbox-fault", "slow", "--sandbox-fault", "ws-drop"])
    assert args.sandbox_fault == ["slow", "ws-drop"]


def test_each_unknown_top_level_fault_is_named(capsys):
    _, err = refused(capsys, "--sandbox-fault", "sloww", "--sandbox-fault", "bogus")
    assert err.startswith(
        "inspector: error: argument --sandbox-fault: unknown fault 'sloww' (did you mean "
        "'slow'?); unknown fault 'bogus'; known: analytics-delay, "
    )


@pytest.mark.parametrize("command", ["verify", "page"])
def test_verify_and_page_read_key_value_options_alike(command, capsys):
    option = "--attr" if command == "verify" else "--expect"
    target = ["--crm-id", "C-1"] if command == "verify" else ["page.html"]
    args = build_parser().parse_args([command, *target, option, "tier=gold=1", option, "note="])
    values = args.attr if command == "verify" else args.expect
    assert values == [("tier", "gold=1"), ("note", "")]
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, *target, option, "no-equals"])
    assert "expected KEY=VALUE, got 'no-equals'" in capsys.readouterr().err
