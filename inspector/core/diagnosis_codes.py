"""The table of every diagnosis code: what it means and what to change.

Codes are stable (reports, `--json` and scripts match on them). A diagnosis made for one run
carries its own message with the run's details (keys, values, times, statuses); the table
gives the general cause and the fix, used when the finding has no more specific fix.
GENESYS.md, "The pitfalls users hit", is the source of the causes.

A fix is read by an admin: it says first, in plain words, what to do or whom to ask; the
technical detail for the website's developer follows, after `FOR_DEVELOPER`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FOR_DEVELOPER", "KNOWN", "Known", "fix_for"]

# Where a fix's technical line starts, after the admin's action.
FOR_DEVELOPER = "For the developer: "


@dataclass(frozen=True)
class Known:
    cause: str
    fix: str
    # "error": the run could not judge; "fail": attributes wrong; "note": informative only.
    kind: str = "error"


KNOWN: dict[str, Known] = {
    # --- what the read-back shows -------------------------------------------------------
    "case-mismatch": Known(
        "An attribute arrived under another spelling; names are case-sensitive.",
        "Use one spelling in the website and in the flow.",
        "fail",
    ),
    "attributes-missing": Known(
        "None of the sent attributes reached the customer participant.",
        "Have the website set the attributes before the chat's first message, and keep them "
        "within the deployment's size limit. For the developer: call Database.set before the "
        "first message, so they go in message.channel.metadata.customAttributes, under "
        "maxCustomDataBytes.",
        "fail",
    ),
    "some-attributes-missing": Known(
        "Some sent attributes are not on the conversation.",
        "Check that the website sets these keys before the first message and that no flow "
        "removes them.",
        "fail",
    ),
    "changed-by-flow": Known(
        "An attribute arrived with another value than the one sent: something after the "
        "website (a flow's Set Participant Data, an agent script) rewrote it.",
        "Find the flow step that writes this key and make it keep the sent value, or use "
        "another key for its own value.",
        "fail",
    ),
    "attributes-late": Known(
        "The attributes reached the conversation only after the run's timeout: they were set "
        "after the first message, or the flow writes them late.",
        "Have the website set the attributes before the chat's first message, or give the "
        "check a longer timeout if the flow is known to be slow. For the developer: call "
        "Database.set before MessagingService.sendMessage.",
        "fail",
    ),
    "attributes-legacy-location": Known(
        "The attributes were sent in the deprecated top-level channel.metadata beside the "
        'message; Genesys ignores attributes there since 5 June 2026 ("Deprecation Notice – Web '
        'Messaging Custom Attributes in channel.metadata") and reads only '
        "message.channel.metadata.customAttributes.",
        "Ask the website's developer to send the attributes where Genesys reads them now. "
        "For the developer: send them in message.channel.metadata.customAttributes "
        "(Messenger's Database.set does); update an SDK that writes the old location.",
        "fail",
    ),
    "too-large": Known(
        "The custom attributes are larger than maxCustomDataBytes (UTF-8 keys and values).",
        "Shorten or remove attributes; the org refuses the message whole (error 4013).",
    ),
    # --- pre-flight and start --------------------------------------------------------------
    "deployment-exists": Known(
        "The deployment was not found in this org (HTTP 404).",
        "Check the deployment id and the region of the profile.",
    ),
    "deployment-active": Known(
        "The deployment is not Active: Messenger does not start a chat on it.",
        "Publish or activate it in Admin > Message > Messenger Deployments.",
    ),
    "origin-allowed": Known(
        "The page's origin is not in the deployment's allowed domains.",
        "Present an allowed origin, or add the domain to the deployment.",
    ),
    "attributes-size": Known(
        "The attributes are over the deployment's maxCustomDataBytes.",
        "Shorten or remove attributes.",
    ),
    "key-case": Known(
        "Two keys differ only by case; Genesys keeps both and a flow reads one.",
        "Keep one spelling of each key.",
    ),
    "deployment-auth": Known(
        "The deployment uses authenticated Messenger (auth.enabled): a chat starts only after "
        "the customer signs in through the website's AuthProvider plugin.",
        "Test on a deployment without authentication for now: Inspector cannot sign a "
        "customer in yet. For the developer: a headless guest client would need "
        "configureAuthenticatedSession with the website's sign-in code.",
    ),
    "messenger-mode": Known(
        "How Messenger runs on this deployment: its own user interface or headless, and "
        "whether the conversation starts by itself.",
        "",
        "note",
    ),
    "messenger-disabled": Known(
        "Messenger is turned off in the deployment's configuration (messenger.enabled false).",
        "Turn Messenger on in the deployment's Messenger configuration (Admin > Message > "
        "Messenger Configurations), or test on a headless deployment.",
    ),
    "domain-not-allowed": Known(
        "Messenger refused to run on the page (GenesysJS.domainNotAllowed): the page's host "
        "is not one of the deployment's allowed domains, nor a subdomain of one.",
        "Add the website's domain (a host name, without https:// or a port) to the "
        "deployment's allowed domains in Admin > Message > Messenger Deployments.",
    ),
    "read-only-session": Known(
        "The guest session is read-only (409): its conversation ended with a read-only "
        "disconnect, so Messenger sends no new message until the session is cleared.",
        "Start a new chat session; if ended chats should not stay read-only, change the "
        "conversation disconnect setting of the deployment's Messenger configuration. For "
        "the developer: MessagingService.clearSession starts a new session; the setting is "
        "conversationDisconnect type ReadOnly.",
    ),
    "page-changed-attributes": Known(
        "What the page put on the wire is not what was asked of it: the website code changed, "
        "dropped or added attributes before the first message left.",
        "Ask the website's developer to check the code that sets the attributes: it changes "
        "them before the first message. For the developer: look between Database.set and "
        "the first message (another Database.set replaces keys; values are sent as strings).",
        "fail",
    ),
    "attributes-not-sent": Known(
        "The first message left the page without any custom attributes: they were set too "
        "late, or not at all.",
        "Have the website set the attributes before the chat's first message (before "
        "Messenger opens, when the chat starts by itself). For the developer: call "
        "Database.set before the first message.",
        "fail",
    ),
    "attributes-after-first-message": Known(
        "The page set the attributes only after its first message: that message left "
        "without them, and the flow routes on it.",
        "Have the website set the attributes as the page loads, before the customer can send "
        "anything. For the developer: call Database.set on Database.ready, before Messenger "
        "opens (an autoStart Join carries them), never after the first message.",
        "fail",
    ),
    "key-spelled-two-ways": Known(
        "The page (or the expectation) spells one attribute two ways; names are "
        "case-sensitive, so Genesys keeps two attributes and a flow reads one.",
        "Use one spelling of the attribute everywhere: in every script of the website and in "
        "the flow. For the developer: search the site for every Database.set of the key.",
        "fail",
    ),
    "guest-refused": Known(
        "The org refused the guest connection (403): the deployment is unknown or inactive, "
        "or the origin is not allowed.",
        "Check the deployment id and status, and add the origin's host to its allowed domains.",
    ),
    "prechat-required": Known(
        "The deployment requires pre-chat form answers before the first message (400).",
        "Send the required fields as custom attributes, or turn the pre-chat form off for "
        "this deployment.",
    ),
    "script-failed": Known(
        "The Messenger script did not load in the chat page.",
        "Check the region and the deployment snippet, and that the network or a proxy does "
        "not block the script's host.",
    ),
    # --- transport and the Platform API ----------------------------------------------------
    "rate-limited": Known(
        "The org rate-limited the Platform API (429); the requests were sent again after "
        "the Retry-After it asked for.",
        "Nothing to change for one run; spread scheduled suites out or use a client of its own.",
        "note",
    ),
    "server-retried": Known(
        "The Platform API answered 502/503/504; the reads were retried with backoff.",
        "Nothing to change if it passes; check status.mypurecloud.com if it keeps happening.",
        "note",
    ),
    "token-refreshed": Known(
        "The access token expired or was revoked mid-run (401); a new one was fetched once and "
        "the run went on.",
        "Nothing to change; if it repeats, check that the OAuth client is not being revoked.",
        "note",
    ),
    "slow-org": Known(
        "The org answered slowly.",
        "Nothing to change if the run passed; raise the timeout if runs time out.",
        "note",
    ),
    "guest-reconnected": Known(
        "The guest socket was cut (1006) during the chat; the session was resumed on a new "
        "socket with the same token.",
        "Nothing to change if it passes; a proxy that cuts WebSockets would explain repeats.",
        "note",
    ),
    "ws-dropped": Known(
        "The guest socket was cut during the chat and could not be resumed.",
        "Check the network path to webmessaging (proxies, VPN), then run again.",
    ),
    "hidden-characters": Known(
        "A key or value has spaces at an end or characters that do not show (a newline, a "
        "no-break or zero-width space), often from copying an id out of another tool.",
        "Trim the value where it comes from (the website or the CRM), or make the flow trim "
        "it. For the developer: trim it before Database.set.",
        "note",
    ),
    "messenger-error": Known(
        "Messenger, in the chat page, reported an error of its own (its error event); the "
        "message is Messenger's.",
        "Read Messenger's message and check the deployment's Messenger configuration. For "
        "the developer: start Inspector with --devtools to see the page's console and "
        "network.",
    ),
    "bad-response": Known(
        "The Platform API answered with a body that is not the JSON it documents "
        "(truncated or not JSON).",
        "Run again; if it repeats, a proxy may be rewriting answers. Give Genesys support "
        "the request shown.",
    ),
    "permission-missing": Known(
        "The OAuth client lacks a permission this read needs (403).",
        "Add the permission named in the message to the OAuth client's role.",
    ),
    "not-found": Known(
        "The conversation or message was not found.",
        "Check the region; the platform may also be slow to index: raise the timeout.",
    ),
    "timeout": Known(
        "The org did not answer in time.",
        "Raise the timeout, or check the org's status.",
    ),
    "auth": Known(
        "The org refused the credentials.",
        "Check the OAuth client id and secret, and that the client is active.",
    ),
    "network": Known(
        "The org could not be reached.",
        "Check the network, the proxy and the region.",
    ),
    "api-error": Known(
        "The Platform API refused a request.",
        "Read the message and give Genesys support its contextId.",
    ),
    "internal-error": Known(
        "Inspector failed unexpectedly.",
        "Report it with the run log.",
    ),
    "lookup-fallback": Known(
        "The conversation was found by the run-id search.",
        "Add the permission conversation:message:view to the OAuth client's role, so the "
        "conversation is found directly.",
        "note",
    ),
    "cleanup-failed": Known(
        "The test conversation could not be ended.",
        "End the test conversation in the org; for Inspector to end it, add the permission "
        "conversation:communication:disconnect to the OAuth client's role.",
        "note",
    ),
    "check-failed": Known(
        "One of the checks added to every run could not finish; the verdict does not depend on it.",
        "Run again; if it keeps failing, the message names the check and what stopped it.",
        "note",
    ),
    # --- analytics -------------------------------------------------------------------------
    "analytics-pending": Known(
        "Analytics has not processed the conversation yet (data availability is before it).",
        "Check again after the data-availability time; analytics lags the conversation.",
        "note",
    ),
    "analytics-attributes": Known(
        "The analytics conversation details job shows the participant attributes.",
        "Nothing to change.",
        "note",
    ),
    "analytics-missing": Known(
        "Analytics has the conversation, but not all the sent attributes.",
        "Reports and exports read analytics: check the flow keeps the attributes.",
        "note",
    ),
    "analytics-failed": Known(
        "The analytics check could not run (the job failed or was refused).",
        "Add the permission analytics:conversationDetail:view to the OAuth client's role, or "
        "run the check later.",
        "note",
    ),
}


def fix_for(code: str) -> str:
    """The table's fix for a code; empty for a code the table does not know."""
    known = KNOWN.get(code)
    return known.fix if known else ""
