"""Pure logic: attributes, the diff, diagnoses and the verification steps. No Qt, no I/O.

Names are imported from their modules on first use, so a caller that needs one constant
(`inspector --help` reads ``MIN_TIMEOUT``) does not pay for the verification steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inspector import lazy_attribute

if TYPE_CHECKING:
    from inspector.core.attributes import (
        DEFAULT_CRM_KEY,
        MAX_CUSTOM_DATA_BYTES,
        AttributeProblem,
        case_clashes,
        custom_data_size,
        validate_attributes,
    )
    from inspector.core.diagnoses import Diagnosis, diagnose_rows
    from inspector.core.diff import (
        Row,
        RowStatus,
        Verdict,
        diff_attributes,
        summarize,
        verdict_for_rows,
    )
    from inspector.core.run_types import (
        RUN_ID_KEY,
        Launcher,
        PlatformReader,
        Preflight,
        PreflightFinding,
        ReadBack,
        StepError,
        StepEvent,
        StepState,
        StepTiming,
        VerificationRequest,
        VerificationResult,
    )
    from inspector.core.steps import STEP_LABELS
    from inspector.core.verification import run_verification

_LAZY = {
    "DEFAULT_CRM_KEY": "inspector.core.attributes",
    "MAX_CUSTOM_DATA_BYTES": "inspector.core.attributes",
    "AttributeProblem": "inspector.core.attributes",
    "case_clashes": "inspector.core.attributes",
    "custom_data_size": "inspector.core.attributes",
    "validate_attributes": "inspector.core.attributes",
    "Diagnosis": "inspector.core.diagnoses",
    "diagnose_rows": "inspector.core.diagnoses",
    "Row": "inspector.core.diff",
    "RowStatus": "inspector.core.diff",
    "Verdict": "inspector.core.diff",
    "diff_attributes": "inspector.core.diff",
    "summarize": "inspector.core.diff",
    "verdict_for_rows": "inspector.core.diff",
    "RUN_ID_KEY": "inspector.core.run_types",
    "Launcher": "inspector.core.run_types",
    "PlatformReader": "inspector.core.run_types",
    "Preflight": "inspector.core.run_types",
    "PreflightFinding": "inspector.core.run_types",
    "ReadBack": "inspector.core.run_types",
    "StepError": "inspector.core.run_types",
    "StepEvent": "inspector.core.run_types",
    "StepState": "inspector.core.run_types",
    "StepTiming": "inspector.core.run_types",
    "VerificationRequest": "inspector.core.run_types",
    "VerificationResult": "inspector.core.run_types",
    "STEP_LABELS": "inspector.core.steps",
    "run_verification": "inspector.core.verification",
}

__all__ = [
    "DEFAULT_CRM_KEY",
    "MAX_CUSTOM_DATA_BYTES",
    "RUN_ID_KEY",
    "STEP_LABELS",
    "AttributeProblem",
    "Diagnosis",
    "Launcher",
    "PlatformReader",
    "Preflight",
    "PreflightFinding",
    "ReadBack",
    "Row",
    "RowStatus",
    "StepError",
    "StepEvent",
    "StepState",
    "StepTiming",
    "Verdict",
    "VerificationRequest",
    "VerificationResult",
    "case_clashes",
    "custom_data_size",
    "diagnose_rows",
    "diff_attributes",
    "run_verification",
    "summarize",
    "validate_attributes",
    "verdict_for_rows",
]


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, name)
