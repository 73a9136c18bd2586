"""From a profile to a live org, and runs on it: clients, adapters, sign-in, the suite runner.

- `connection`: one org's long-lived clients (`OrgConnection`), its deployment facts and the
  chat host page; `sandbox_connection` for the embedded sandbox org.
- `adapters`, `analytics`, `step_errors`: what core's verification steps drive (the Platform
  API reads, the guest launcher, the analytics job), with client errors worded as steps.
- `sign_in`: a stored profile to an `OrgConnection` (keychain, OAuth, deployment, origin).
- `providers`: where a suite's scenarios get their org.
- `suite`: scenarios run concurrently under one request budget per org.

No Qt here: the window gets these through `app`, and the headless commands use them directly.
"""
