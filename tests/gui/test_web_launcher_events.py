"""How the web launcher reads Messenger's events, fed as the bridge posts them (bridge.js)."""

import asyncio

import pytest

from inspector.core import StepError
from inspector.core.org_view import HostPageSpec
from inspector.ui.web_launcher import WebLauncher

SPEC = HostPageSpec("https://apps.example/genesys.min.js", "prod", "dep-1", "https://shop.test")
CONFIG = {
    "status": "Active",
    "headless": False,
    "autoStart": False,
    "auth": False,
    "messengerEnabled": True,
}


async def launcher_waiting_for_the_echo():
    launcher = WebLauncher(None, SPEC, timeout=1)  # the chat view is not used below
    loop = asyncio.get_running_loop()
    launcher._configured = loop.create_future()
    launcher._inbound = loop.create_future()
    launcher._on_page_event("config", dict(CONFIG))
    launcher._on_page_event(
        "sending", {"tracingId": "t-text", "type": "Text", "attributes": "{}", "message": "{}"}
    )
    return launcher


async def test_an_empty_error_or_one_for_another_frame_does_not_end_the_run():
    launcher = await launcher_waiting_for_the_echo()
    launcher._on_page_event("error", {"code": "", "tracingId": "", "raw": "{}"})
    launcher._on_page_event("error", {"code": "4029", "tracingId": "t-typing", "body": "slow"})
    assert not launcher._inbound.done()
    # the echo of the first text, found by its tracingId, still resolves the message id
    launcher._on_page_event(
        "message", {"direction": "Inbound", "type": "Text", "id": "m-1", "tracingId": "t-text"}
    )
    assert launcher._inbound.result() == "m-1"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        ({"code": "4029", "tracingId": "t-text", "body": "Too many"}, "messenger-error"),
        ({"code": "409", "tracingId": "t-other", "body": "read-only"}, "read-only-session"),
        ({"code": "1006", "tracingId": "", "message": "closed"}, "ws-dropped"),
    ],
)
async def test_an_error_for_the_first_text_or_one_that_ends_any_chat_fails_it(error, code):
    launcher = await launcher_waiting_for_the_echo()
    launcher._on_page_event("error", error)
    with pytest.raises(StepError) as caught:
        launcher._inbound.result()
    assert caught.value.code == code


async def test_a_presence_echo_never_stands_for_the_first_message():
    launcher = await launcher_waiting_for_the_echo()
    launcher._on_page_event(
        "message", {"direction": "Inbound", "type": "Event", "id": "join", "tracingId": "t-text"}
    )
    launcher._on_page_event(
        "message", {"direction": "Inbound", "type": "Text", "id": "other", "tracingId": "t-else"}
    )
    assert not launcher._inbound.done()


async def test_messenger_turned_off_is_a_diagnosis():
    launcher = WebLauncher(None, SPEC, timeout=1)
    launcher._configured = asyncio.get_running_loop().create_future()
    launcher._on_page_event("config", {**CONFIG, "messengerEnabled": False})
    with pytest.raises(StepError) as caught:
        launcher._configured.result()
    assert caught.value.code == "messenger-disabled"
