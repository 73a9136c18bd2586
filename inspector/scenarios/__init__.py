"""Scenario files on disk: discovery, loading with line numbers, and saving."""

from inspector.scenarios.loader import (
    SCENARIO_SUFFIXES,
    SuiteLoad,
    discover,
    dump_scenario,
    load_scenario_file,
    load_scenario_text,
    load_suite,
    save_scenario,
)

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
