"""Reading scenario files: YAML text to `Scenario` values, with the line of every field.

`yaml.compose` keeps each node's position, so a wrong type deep inside `expect` is reported at
its own line. One bad file never stops a suite: `load_suite` returns the scenarios it could
read and one error per file it could not, which names every problem of that file (`problems`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from inspector.core.scenario import Scenario, ScenarioError
from inspector.core.scenario_parse import scenario_from_data

__all__ = [
    "SCENARIO_SUFFIXES",
    "SuiteLoad",
    "discover",
    "dump_scenario",
    "load_scenario_file",
    "load_scenario_text",
    "load_suite",
    "save_scenario",
]

log = logging.getLogger("inspector.scenarios")

SCENARIO_SUFFIXES = (".yaml", ".yml")
_NO_SCENARIO_FILES = "no scenario files here ({})".format(
    " or ".join(f"*{suffix}" for suffix in SCENARIO_SUFFIXES)
)

NodePath = tuple[str | int, ...]


@dataclass
class SuiteLoad:
    """The readable scenarios of a suite, in file order, and one error per unreadable file."""

    scenarios: list[Scenario] = field(default_factory=list)
    errors: list[ScenarioError] = field(default_factory=list)


def _known_faults() -> frozenset[str]:
    from inspector.sandbox import FAULTS

    return frozenset(FAULTS)


def _lines(node: yaml.Node, path: NodePath, out: dict[NodePath, int], source: str) -> None:
    """Map each field path to the 1-based line where it starts; refuse duplicate keys."""
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            child = (*path, key)
            if key in seen:
                dotted = ".".join(str(p) for p in child)
                raise ScenarioError(
                    source, key_node.start_mark.line + 1, dotted, "given twice in this mapping"
                )
            seen.add(key)
            out[child] = key_node.start_mark.line + 1
            _lines(value_node, child, out, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), out, source)


def load_scenario_text(text: str, source: str, *, default_name: str = "") -> Scenario:
    """Parse and validate one scenario; ScenarioError names file, line and field."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise ScenarioError(source, None, "", "nested too deeply") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ScenarioError(source, line, "", f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, None, "", f"not valid YAML: {exc}") from None
    if node is None:
        raise ScenarioError(source, 1, "", "the file is empty")
    lines: dict[NodePath, int] = {}
    loader = yaml.SafeLoader("")
    try:
        _lines(node, (), lines, source)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ScenarioError(source, None, "", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            source, None, "", "nested too deeply, or an alias refers to itself"
        ) from None
    finally:
        loader.dispose()
    return scenario_from_data(
        data,
        source=source,
        line_of=lines.get,
        default_name=default_name,
        known_faults=_known_faults(),
    )


def load_scenario_file(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), None, "", f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ScenarioError(str(path), None, "", f"cannot be read: {exc.strerror}") from None
    return load_scenario_text(text, str(path), default_name=path.stem)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[ScenarioError]]:
    """Files to load: each file as given, each folder's *.yaml/*.yml sorted by name."""
    files: list[Path] = []
    errors: list[ScenarioError] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix in SCENARIO_SUFFIXES
            )
            if not found:
                errors.append(ScenarioError(str(path), None, "", _NO_SCENARIO_FILES))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            errors.append(ScenarioError(str(path), None, "", "no such file or folder"))
    return files, errors


def load_suite(paths: Iterable[Path]) -> SuiteLoad:
    files, errors = discover(paths)
    suite = SuiteLoad(errors=errors)
    names: dict[str, str] = {}
    for path in files:
        try:
            scenario = load_scenario_file(path)
        except ScenarioError as exc:
            log.debug("scenario file refused: %s", exc)
            suite.errors.append(exc)
            continue
        if scenario.name in names:
            suite.errors.append(
                ScenarioError(
                    str(path),
                    None,
                    "name",
                    f"{scenario.name!r} is also the name in {names[scenario.name]}",
                )
            )
            continue
        names[scenario.name] = str(path)
        suite.scenarios.append(scenario)
    return suite


def dump_scenario(scenario: Scenario) -> str:
    """YAML text for a scenario, fields in the documented order, Unicode kept readable."""
    return yaml.safe_dump(
        scenario.to_data(), sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def save_scenario(scenario: Scenario, path: Path) -> None:
    path.write_text(dump_scenario(scenario), encoding="utf-8")
