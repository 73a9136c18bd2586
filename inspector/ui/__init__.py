"""The window and its parts: Qt widgets, models, dialogs, the chat web view and its bridge.

Thin: no HTTP and no protocol. Views get plain values from core, an org to run on
(`core.org_view.OrgView`) and the org switching (`org_source.OrgSource`) from the app's
wiring (`inspector.app`); they import no httpx, no `genesys`, no `orgs` and no `sandbox`
(tests/unit/test_layers.py).
"""
