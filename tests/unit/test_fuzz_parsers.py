"""Fuzz: random, mutated and truncated JSON into every response parser.

Each input must give a result or a GenesysError (ResponseFormatError for a body of the wrong
shape); a TypeError, KeyError, AttributeError or RecursionError would be a crash in front of a
user. Parsers are found by introspection, so one added to models.py is fuzzed too.
"""

from __future__ import annotations

import inspect
import json
import logging
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.genesys import models
from inspector.genesys.auth import parse_token_response
from inspector.genesys.errors import ApiError, GenesysError
from inspector.genesys.guest import GuestSession
from inspector.genesys.regions import OrgEndpoints
from tests.recorded import RECORDED

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RECORDED_TEXTS = sorted(path.read_text(encoding="utf-8") for path in RECORDED.rglob("*.json"))
RECORDED_DOCS = [json.loads(text) for text in RECORDED_TEXTS]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    # Keys the parsers look for, so the fuzz reaches past the first lookup.
    | st.sampled_from(["id", "", "customer", "attributes", "Active", "2026-01-01T00:00:00Z"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "conversationId",
                    "participants",
                    "purpose",
                    "attributes",
                    "body",
                    "type",
                    "class",
                    "code",
                    "status",
                    "messages",
                    "conversations",
                    "entities",
                    "normalizedMessage",
                    "text",
                    "direction",
                    "allowedDomains",
                    "messenger",
                    "access_token",
                    "expires_in",
                    "message",
                    "errors",
                    "details",
                    "retryAfter",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


def _mutate(doc: Any, rng: random.Random, replacement: Any) -> Any:
    """``doc`` with one node (picked at random) replaced, or a random key dropped."""
    if isinstance(doc, dict) and doc:
        key = rng.choice(sorted(doc))
        copy = dict(doc)
        roll = rng.random()
        if roll < 0.2:
            del copy[key]
        elif roll < 0.5:
            copy[key] = replacement
        else:
            copy[key] = _mutate(doc[key], rng, replacement)
        return copy
    if isinstance(doc, list) and doc:
        index = rng.randrange(len(doc))
        copy_list = list(doc)
        copy_list[index] = (
            replacement if rng.random() < 0.4 else _mutate(doc[index], rng, replacement)
        )
        return copy_list
    return replacement


mutated_docs = st.builds(
    _mutate, st.sampled_from(RECORDED_DOCS), st.randoms(use_true_random=False), json_values
)
any_json = json_values | mutated_docs


def _truncations(text: str) -> list[str]:
    step = max(1, len(text) // 12)
    return [text[:cut] for cut in range(0, len(text), step)]


TRUNCATED = [cut for text in RECORDED_TEXTS for cut in _truncations(text)]
HOSTILE_TEXTS = [
    "[" * 100_000,  # nests deeper than the json module recurses
    '{"a":' * 50_000,
    "1e999999",
    '{"code": 1e400, "class": "x"}',
    "\ufeff{}",
    "\x00",
    '"\\ud800"',
    "NaN",
]


def _parsers() -> list[tuple[str, Callable[[Any], Any]]]:
    found = []
    for name, klass in inspect.getmembers(models, inspect.isclass):
        parse = getattr(klass, "parse", None)
        if klass.__module__ != models.__name__ or parse is None:
            continue
        extra = len(inspect.signature(parse).parameters) - 1  # data, then source, path...
        found.append((name, lambda data, p=parse, n=extra: p(data, *["fuzz"] * n)))
    return found


PARSERS = _parsers()


def test_every_model_parser_is_found() -> None:
    names = {name for name, _ in PARSERS}
    assert {"Conversation", "MessageDetails", "WebDeployment", "SessionInfo"} <= names


@pytest.mark.parametrize(("name", "parse"), PARSERS, ids=[n for n, _ in PARSERS])
@FUZZ
@given(data=any_json)
def test_model_parsers_never_crash(name: str, parse: Callable[[Any], Any], data: Any) -> None:
    try:
        parse(data)
    except GenesysError as exc:
        assert str(exc)  # a clear message, not an empty error


def _response(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://api.mypurecloud.com/api/v2/x")
    return httpx.Response(status, content=content, headers=headers, request=request)


bodies = (
    any_json.map(lambda v: json.dumps(v).encode())
    | st.sampled_from([t.encode() for t in TRUNCATED + HOSTILE_TEXTS])
    | st.binary(max_size=40)
)


@FUZZ
@given(
    status=st.sampled_from([400, 401, 403, 404, 409, 413, 429, 500, 502, 503]),
    body=bodies,
    retry_after=st.none() | st.text(max_size=12) | st.sampled_from(["1", "-5", "inf", "nan"]),
)
def test_api_error_from_any_response(status: int, body: bytes, retry_after: str | None) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    try:
        response = _response(status, body, headers)
    except (UnicodeEncodeError, ValueError):
        return  # httpx refuses such a header before any parser sees it
    error = ApiError.from_response(response, method="GET", path="/api/v2/x")
    assert isinstance(error, ApiError)
    assert error.status == status
    assert str(error)


@FUZZ
@given(body=bodies)
def test_token_response_parser(body: bytes) -> None:
    try:
        token, lifetime, _ = parse_token_response(_response(200, body), "/oauth/token")
    except GenesysError as exc:
        assert str(exc)
    else:
        assert isinstance(token, str) and token
        assert isinstance(lifetime, float)


@pytest.fixture(scope="module")
def guest() -> GuestSession:
    return GuestSession(OrgEndpoints.for_environment("prod"), "deployment-1", origin=None)


def _frame_texts() -> st.SearchStrategy[str]:
    return (
        any_json.map(json.dumps) | st.sampled_from(TRUNCATED + HOSTILE_TEXTS) | st.text(max_size=40)
    )


@FUZZ
@given(text=_frame_texts())
def test_guest_frames_never_crash(guest: GuestSession, text: str) -> None:
    """A frame the session cannot use is ignored or queued as an error, never raised."""
    guest._on_text(text)


def test_hostile_frames_are_dropped_with_a_log_line(
    guest: GuestSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="inspector.genesys")
    for text in HOSTILE_TEXTS:
        guest._on_text(text)
    assert caplog.records  # each one was noticed, not silently swallowed


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_bodies_give_clear_errors(text: str) -> None:
    error = ApiError.from_response(_response(429, text.encode()), method="GET", path="/x")
    assert error.status == 429
    with pytest.raises(GenesysError):
        parse_token_response(_response(200, text.encode()), "/oauth/token")


@pytest.mark.parametrize("text", HOSTILE_TEXTS[:2])
async def test_platform_client_reports_a_hostile_body_as_a_format_error(text: str) -> None:
    from inspector.genesys import PlatformClient, ResponseFormatError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=text.encode())

    endpoints = OrgEndpoints.for_environment("prod")
    client = PlatformClient(endpoints, None, transport=httpx.MockTransport(handler))
    async with client:
        with pytest.raises(ResponseFormatError):
            await client.web_deployment("deployment-1")
