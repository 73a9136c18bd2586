"""The sandbox org in a process of its own (`inspector sandbox --json`), as a real org is remote.

A bench that runs the sandbox on its own event loop measures the sandbox as well as the
client; this one keeps the client's loop to the client.
"""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def remote_sandbox(*faults: str) -> Iterator[dict]:
    """Start `inspector sandbox --json`; yield what it printed (baseUrl, clientId, ...)."""
    argv = [sys.executable, "-m", "inspector", "sandbox", "--json"]
    for fault in faults:
        argv += ["--sandbox-fault", fault]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=dict(os.environ)
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the sandbox org did not start")
        yield json.loads(line)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def remote_connection(info: dict):
    """An OrgConnection to the sandbox in the other process, as `sandbox_connection` builds one."""
    from inspector.genesys import OrgEndpoints
    from inspector.orgs.connection import OrgConnection

    org = OrgConnection.with_client_credentials(
        OrgEndpoints.for_custom_domain(info["baseUrl"]),
        client_id=info["clientId"],
        client_secret=info["clientSecret"],
        deployment_id=info["deploymentId"],
        origin=info["origin"],
        label="Sandbox org (own process)",
    )
    org.deployment_aliases = {d["kind"]: d["id"] for d in info.get("deployments", [])}
    return org
