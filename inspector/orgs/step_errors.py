"""Client errors as the run's steps report them: a StepError with a code and words to act on.

Every org adapter (platform reads, the guest launcher, the analytics job, the deployment's
public config) words its failures here, so the same refusal reads the same in every step.
"""

from __future__ import annotations

from inspector.core import StepError
from inspector.genesys import (
    ApiError,
    GenesysError,
    GuestError,
)
from inspector.genesys.errors import GuestConnectionClosed, ResponseFormatError

__all__ = ["POLICY_VIOLATION", "step_error"]

# WebSocket close code 1008 (policy violation): how the org refuses a guest socket.
POLICY_VIOLATION = 1008


def step_error(exc: GenesysError, what: str, *, origin: str | None = None) -> StepError:
    if isinstance(exc, ResponseFormatError):
        return StepError(f"{what}: the answer was not valid JSON ({exc})", code="bad-response")
    refused = (isinstance(exc, GuestError) and exc.code == 403) or (
        isinstance(exc, GuestConnectionClosed) and exc.close_code == POLICY_VIOLATION
    )
    if refused:
        return StepError(
            f"{what}: the org refused the guest connection (403, origin {origin!r}): the "
            "deployment is unknown or inactive, or the origin is not allowed",
            code="guest-refused",
        )
    if isinstance(exc, GuestError) and exc.code == 400 and "pre-chat" in str(exc.body).lower():
        fields = str(exc.body).partition(":")[2].strip() or "not named"
        return StepError(
            f"{what}: the deployment requires pre-chat form answers (400); required: {fields}",
            code="prechat-required",
        )
    if isinstance(exc, GuestError) and exc.code == 401:
        # error-401-unauthorized.json: an authenticated deployment refuses configureSession.
        return StepError(
            f"{what}: the deployment wants an authenticated session (401): Inspector cannot "
            "sign a customer in yet; a guest client needs configureAuthenticatedSession",
            code="deployment-auth",
        )
    if isinstance(exc, GuestError) and exc.code == 409:
        return StepError(f"{what}: the session is read-only (409): {exc}", code="read-only-session")
    if isinstance(exc, GuestConnectionClosed):
        return StepError(f"{what}: {exc.user_message()}", code="ws-dropped")
    if isinstance(exc, ApiError):
        if exc.status == 404:
            return StepError(f"{what}: not found yet ({exc})", code="not-found", retryable=True)
        if exc.status == 403:
            return StepError(f"{what}: permission missing ({exc})", code="permission-missing")
        if exc.status == 401:
            return StepError(f"{what}: the org refused the credentials ({exc})", code="auth")
        return StepError(f"{what}: {exc}", code="api-error")
    if isinstance(exc, GuestError) and exc.code == 4013:
        return StepError(f"{what}: {exc}", code="too-large")
    return StepError(f"{what}: {exc.user_message()}", code="network")
