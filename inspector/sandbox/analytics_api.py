"""The asynchronous conversation details jobs: the one analytics path with participant
attributes (GENESYS.md: the synchronous details query never returns them).

Field names follow the purecloudplatformclientv2 models: AsyncConversationQuery (``interval``,
``conversationFilters``), AsyncQueryResponse (``jobId``), AsyncQueryStatus (``state``,
``submissionDate``, ``completionDate``, ``expirationDate``), AnalyticsConversationAsyncQueryResponse
(``conversations``, ``cursor``, ``dataAvailabilityDate``) and DataAvailabilityResponse
(``dataAvailabilityDate``). A job is QUEUED at its first status read and FULFILLED after, so
clients must poll. Under the analytics-delay fault the data availability date stays before the
sandbox started, so no test conversation is in the results yet.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from inspector.sandbox.appkeys import STATE_KEY
from inspector.sandbox.platform_json import error_body
from inspector.sandbox.state import Conversation, OrgState, utc_now_iso

BASE = "/api/v2/analytics/conversations/details/jobs"
# How far behind analytics is under the analytics-delay fault.
ANALYTICS_LAG = timedelta(hours=1)


class JobError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class Job:
    id: str
    start: datetime
    end: datetime
    conversation_ids: frozenset[str]  # empty: every conversation in the interval
    submitted: str
    status_reads: int = 0


def _jobs(state: OrgState) -> dict[str, Job]:
    return state.analytics_jobs


def _instant(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def availability(state: OrgState) -> datetime:
    """Data is available up to now, or (analytics-delay) up to an hour before now."""
    now = datetime.now(UTC)
    return now - ANALYTICS_LAG if "analytics-delay" in state.faults else now


def _conversation_ids(query: dict[str, Any]) -> frozenset[str]:
    """conversationId dimension predicates of ``conversationFilters`` (others are ignored)."""
    found: set[str] = set()
    for item in query.get("conversationFilters") or []:
        for predicate in (item.get("predicates") or []) if isinstance(item, dict) else []:
            if (
                isinstance(predicate, dict)
                and predicate.get("dimension") == "conversationId"
                and isinstance(predicate.get("value"), str)
            ):
                found.add(predicate["value"])
    return frozenset(found)


def _analytics_conversation(conversation: Conversation) -> dict[str, Any]:
    """AnalyticsConversation with AnalyticsParticipant items (``attributes`` included)."""
    body: dict[str, Any] = {
        "conversationId": conversation.id,
        "conversationStart": conversation.start_time,
        "originatingDirection": "inbound",
        "participants": [
            {
                "participantId": p.id,
                "participantName": p.name,
                "purpose": p.purpose,
                "attributes": dict(p.attributes),
                "sessions": [
                    {
                        "mediaType": "message",
                        "messageType": "webmessaging",
                        "sessionId": p.communication_id,
                        "direction": "inbound",
                    }
                ],
            }
            for p in conversation.participants()
        ],
    }
    if conversation.end_time:
        body["conversationEnd"] = conversation.end_time
    return body


async def create_job(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        query = await request.json()
    except ValueError:
        query = None
    interval = query.get("interval") if isinstance(query, dict) else None
    start_text, _, end_text = interval.partition("/") if isinstance(interval, str) else ("", "", "")
    try:
        start, end = _instant(start_text), _instant(end_text)
    except ValueError:
        raise JobError(400, "bad.request", "interval is required: <start>/<end>") from None
    assert isinstance(query, dict)
    job = Job(uuid.uuid4().hex, start, end, _conversation_ids(query), utc_now_iso())
    _jobs(state)[job.id] = job
    return web.json_response({"jobId": job.id}, status=202)


def _job(request: web.Request) -> Job:
    job = _jobs(request.app[STATE_KEY]).get(request.match_info["job_id"])
    if job is None:
        raise JobError(404, "not.found", "The requested operation failed with status 404")
    return job


async def job_status(request: web.Request) -> web.Response:
    job = _job(request)
    job.status_reads += 1
    body: dict[str, Any] = {"submissionDate": job.submitted}
    if job.status_reads < 2:
        body["state"] = "QUEUED"
    else:
        body["state"] = "FULFILLED"
        body["completionDate"] = utc_now_iso()
        body["expirationDate"] = _iso(datetime.now(UTC) + timedelta(days=1))
    return web.json_response(body)


async def job_results(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    job = _job(request)
    if job.status_reads < 2:
        raise JobError(400, "bad.request", "The job is not FULFILLED yet")
    available = availability(state)
    rows = [
        _analytics_conversation(c)
        for c in state.conversations.values()
        if job.start <= _instant(c.start_time) <= min(job.end, available)
        and (not job.conversation_ids or c.id in job.conversation_ids)
    ]
    return web.json_response({"conversations": rows, "dataAvailabilityDate": _iso(available)})


async def data_availability(request: web.Request) -> web.Response:
    return web.json_response({"dataAvailabilityDate": _iso(availability(request.app[STATE_KEY]))})


def add_routes(app: web.Application) -> None:
    """Register before the /api/v2 catch-all; ``availability`` before ``{job_id}``."""
    r = app.router
    r.add_post(BASE, _wrap(create_job))
    r.add_get(f"{BASE}/availability", _wrap(data_availability))
    r.add_get(f"{BASE}/{{job_id}}", _wrap(job_status))
    r.add_get(f"{BASE}/{{job_id}}/results", _wrap(job_results))


def _wrap(handler: Any) -> Any:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
        except JobError as exc:
            body = error_body(exc.status, exc.code, exc.message, str(uuid.uuid4()))
            return web.json_response(body, status=exc.status)
        return response

    return wrapped
