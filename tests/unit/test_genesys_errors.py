"""Error bodies mapped into the exception tree."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.genesys import (
    ApiError,
    AuthError,
    GenesysError,
    GuestConnectionClosed,
    GuestError,
    NetworkError,
    RequestTimeout,
    ResponseFormatError,
)
from tests.recorded import RECORDED, recorded


def response(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://api.mypurecloud.com/api/v2/conversations/c1")
    return httpx.Response(status, content=content, headers=headers, request=request)


def from_body(status: int, name: str) -> ApiError:
    content = (RECORDED / name).read_bytes()
    return ApiError.from_response(
        response(status, content), method="GET", path="/api/v2/conversations/c1"
    )


def test_every_class_is_a_genesys_error() -> None:
    for cls in (
        ApiError,
        AuthError,
        NetworkError,
        RequestTimeout,
        ResponseFormatError,
        GuestError,
        GuestConnectionClosed,
    ):
        assert issubclass(cls, GenesysError)
    assert issubclass(AuthError, ApiError)


def test_missing_any_permissions() -> None:
    error = from_body(403, "platform/ErrorBody-403-missing-any-permissions.json")
    assert error.status == 403
    assert error.code == "missing.any.permissions"
    assert error.message.startswith("Unable to perform the requested action")
    assert error.context_id == "00000000-0000-0000-0000-000000000000"
    assert error.method == "GET"
    assert error.path == "/api/v2/conversations/c1"
    assert error.body == recorded("platform/ErrorBody-403-missing-any-permissions.json")
    assert str(error) == (
        "403 missing.any.permissions: Unable to perform the requested action. You must have at "
        "least one of the following permissions assigned: [conversation:message:view] "
        "(contextId 00000000-0000-0000-0000-000000000000)"
    )
    assert "GET /api/v2/conversations/c1" in error.user_message()


@pytest.mark.parametrize(
    ("status", "name", "code"),
    [
        (401, "platform/ErrorBody-401.json", "bad.credentials"),
        (401, "platform/ErrorBody-401-authentication-required.json", "authentication.required"),
        (403, "platform/ErrorBody-403-missing-permissions.json", "missing.permissions"),
        (404, "platform/ErrorBody-404.json", "not.found"),
        (429, "platform/ErrorBody-429.json", "too.many.requests.retry.after"),
        (401, "platform/reference/ErrorBody-401-bad-credentials.third-party-test.json",
         "bad.credentials"),
    ],
)  # fmt: skip
def test_recorded_error_bodies(status: int, name: str, code: str) -> None:
    error = from_body(status, name)
    body = recorded(name)
    assert error.status == status
    assert error.code == code
    assert error.message == body["message"]
    assert error.context_id == body.get("contextId")
    assert str(error).startswith(f"{status} {code}: ")


def test_404_context_id() -> None:
    error = from_body(404, "platform/ErrorBody-404.json")
    assert error.context_id == "d11bd3b3-ab7e-4fd4-9687-d04af9f30a63"
    assert str(error).endswith("(contextId d11bd3b3-ab7e-4fd4-9687-d04af9f30a63)")


def test_context_id_falls_back_to_correlation_header() -> None:
    # The header equals the body's contextId (NOTES 23), so it stands in when the body lacks it.
    error = ApiError.from_response(
        response(500, b'{"message": "boom"}', {"inin-correlation-id": "corr-1"}),
        method="GET",
        path="/p",
    )
    assert error.context_id == "corr-1"
    assert error.code is None
    assert str(error) == "500: boom (contextId corr-1)"


def test_non_json_body() -> None:
    error = ApiError.from_response(
        response(502, b"<html><body>Bad gateway</body></html>"), method="GET", path="/p"
    )
    assert error.status == 502
    assert error.code is None
    assert error.body == "<html><body>Bad gateway</body></html>"
    assert "Bad gateway" in error.message
    assert error.context_id is None


def test_empty_body_uses_reason_phrase() -> None:
    error = ApiError.from_response(response(503, b""), method="GET", path="/p")
    assert error.message == "Service Unavailable"


def test_retry_after_header() -> None:
    error = ApiError.from_response(
        response(
            429, (RECORDED / "platform/ErrorBody-429.json").read_bytes(), {"Retry-After": "3"}
        ),
        method="GET",
        path="/p",
    )
    assert error.retry_after == 3.0


def test_oauth_error_body() -> None:
    body = b'{"error": "invalid_client", "description": "client not found", "error_description": "client not found"}'  # noqa: E501
    error = AuthError.from_response(response(401, body), method="POST", path="/oauth/token")
    assert isinstance(error, AuthError)
    assert error.code == "invalid_client"
    assert error.message == "client not found"
    assert "client id" in error.user_message()


@given(st.integers(400, 599), st.binary(max_size=300))
def test_from_response_accepts_any_body(status: int, content: bytes) -> None:
    error = ApiError.from_response(response(status, content), method="GET", path="/p")
    assert error.status == status
    assert str(error).startswith(str(status))
    assert error.user_message()


def test_guest_error_summary_and_expiry() -> None:
    frame = recorded("guest/error-custom-attributes-too-large-4013.json")
    error = GuestError(frame["code"], frame["body"], frame["class"], action="onMessage")
    assert error.code == 4013
    assert error.klass == "string"
    assert "larger than 2048 bytes" in str(error)
    assert "maxCustomDataBytes" in str(error)
    assert not error.session_expired
    assert GuestError(4006, "session expired error message", "string").session_expired
    assert GuestError(200, {}, "SessionExpiredEvent").session_expired


def test_other_messages_name_what_failed() -> None:
    assert "api.mypurecloud.com" in NetworkError("api.mypurecloud.com", "refused").user_message()
    assert "10 s" in str(RequestTimeout("read timeout on GET /p", 10.0))
    assert "/p" in str(ResponseFormatError("/p", "no id"))
    assert "1006" in str(GuestConnectionClosed(1006))
