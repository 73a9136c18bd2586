"""Typed keys under which the aiohttp application holds the org's state and flow."""

from __future__ import annotations

from aiohttp import web

from inspector.sandbox.flow import SimulatedFlow
from inspector.sandbox.state import OrgState

STATE_KEY = web.AppKey("sandbox_state", OrgState)
FLOW_KEY = web.AppKey("sandbox_flow", SimulatedFlow)
