"""The suite as JSON: one object per scenario with the rows, steps and diagnoses of `--json`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.core import Verdict
from inspector.core.scenario import ScenarioError

if TYPE_CHECKING:
    from inspector.core.expectations import ScenarioRun

__all__ = ["suite_json", "write_json"]


def suite_json(
    runs: Sequence[ScenarioRun], load_errors: Sequence[ScenarioError] = ()
) -> dict[str, Any]:
    scenarios = []
    for run in runs:
        body = run.outcome.to_json_dict()
        body["startedAt"] = run.started_at.isoformat(timespec="milliseconds")
        body["finishedAt"] = run.finished_at.isoformat(timespec="milliseconds")
        scenarios.append(body)
    counts = {v.value: sum(1 for r in runs if r.outcome.verdict is v) for v in Verdict}
    return {
        "total": len(runs) + len(load_errors),
        "counts": {**counts, "invalid": len(load_errors)},
        "scenarios": scenarios,
        "invalidFiles": [
            {
                "file": e.file,
                "line": e.line,
                "field": e.field,
                "message": e.message,
                "problems": [
                    {"line": p.line, "field": p.field, "message": p.message} for p in e.problems
                ],
            }
            for e in load_errors
        ],
    }


def write_json(
    path: Path, runs: Sequence[ScenarioRun], load_errors: Sequence[ScenarioError] = ()
) -> None:
    text = json.dumps(suite_json(runs, load_errors), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
