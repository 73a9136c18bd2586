"""The steps of a run by name, as the progress list, the history and the reports word them.

Apart from the verification itself, so that drawing the window's empty progress list does not
load the steps' logic.
"""

from __future__ import annotations

__all__ = ["OPTIONAL_STEPS", "STEP_LABELS"]

STEP_LABELS = {
    "preflight": "Check the deployment",
    "connect": "Connect the chat",
    "send": "Send the first message",
    "resolve": "Find the conversation",
    "read": "Read the customer's attributes",
    "late": "Read again after the timeout",
    "cleanup": "End the test conversation",
}
# Steps that run only when asked for (`verify --late-check`), not in every run.
OPTIONAL_STEPS = frozenset({"late"})
