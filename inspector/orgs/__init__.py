"""From a profile to a live org, and runs on it: clients, adapters, sign-in, the suite runner.

- `runs`: **the one assembly of a run** (pre-flight, launch, resolve, read, the checks in
  `RUN_CHECKS`, cleanup), used by the window, `verify`, `run` and the self-test; and one
  scenario through the guest API (`run_scenario`).
- `connection`: one org's long-lived clients (`OrgConnection`), its deployment facts and the
  chat host page; `sandbox_connection` for the embedded sandbox org.
- `adapters`, `analytics`, `step_errors`: what core's verification steps drive (the Platform
  API reads, the guest launcher, the analytics job), with client errors worded as steps.
- `budget`: one Platform API request budget per org, shared by the runs on it.
- `sign_in`: a stored profile to credentials (`auth_for_profile`, the one way) and to an
  `OrgConnection` (keychain, OAuth, deployment, origin).
- `window_orgs`: the orgs the window switches between, and the Orgs dialog's connection test.
- `headless`: `inspector verify`'s run on a fresh sandbox or a stored profile.
- `providers`: where a suite's scenarios get their org.
- `suite`: scenarios run concurrently under one request budget per org.

No Qt here: the window gets these through `app`, typed by what it needs of them
(`core.org_view`, `ui.org_source`); the headless commands use them directly.
"""
