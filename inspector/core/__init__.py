"""Pure logic: attributes, the diff, diagnoses and the verification steps. No Qt, no I/O."""

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
from inspector.core.verification import STEP_LABELS, run_verification

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
