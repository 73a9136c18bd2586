"""The window and its parts: Qt widgets, models, dialogs, the chat web view and its bridge.

Thin: no HTTP and no protocol. Views get plain values from core and a run to watch from the
app's wiring (`inspector.app`); they import no httpx, no `genesys` and no `sandbox`.
"""
