"""Org profiles in the window: add one in the dialog, test it, switch to it, run through it.

The profile is of kind "custom domain" pointed at the sandbox, so the window takes the exact
real-org path: profile → keychain → token → pre-flight → Messenger host page → message id →
details lookup → read → diff → cleanup.
"""

import pytest
from PySide6.QtCore import Qt

from inspector.orgs.window_orgs import WindowOrgs
from inspector.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_DEPLOYMENT_ID
from inspector.store.profiles import ProfileStore
from inspector.store.secrets import SecretStore
from tests.memory_keyring import MemoryKeyring

RUN_TIMEOUT_MS = 40_000


@pytest.fixture
def orgs(window, sandbox, aio, tmp_path):
    from inspector.ui.org_controller import OrgController

    keyring = MemoryKeyring()
    secrets = SecretStore(backend=keyring)
    controller = OrgController(
        window,
        WindowOrgs(sandbox, secrets),
        store=ProfileStore(tmp_path / "profiles.json"),
        secrets=secrets,
    )
    aio.run(controller.load())
    controller.keyring = keyring
    return controller


def fill_profile(dialog, sandbox):
    dialog.name.setText("Local org")
    dialog.region.setCurrentIndex(dialog.region.findData("custom"))
    dialog.base_url.setText(sandbox.base_url)
    dialog.client_id.setText(SANDBOX_CLIENT_ID)
    dialog.secret.setText(SANDBOX_CLIENT_SECRET)
    dialog.add_deployment_row(SANDBOX_DEPLOYMENT_ID, "Shop", "")


def test_the_sandbox_is_listed_first_with_its_seeded_deployments(orgs):
    assert orgs.bar.orgs.itemText(0) == "Sandbox org (built-in)"
    kinds = [orgs.bar.deployments.itemText(i).split(":")[0] for i in range(8)]
    assert orgs.bar.deployments.count() == 8
    assert kinds == [
        "native-ui",
        "headless",
        "autostart",
        "authenticated",
        "parent-domain",
        "inactive",
        "other-domain",
        "all-domains",
    ]


def test_a_saved_profile_keeps_its_secret_in_the_keychain_only(qtbot, orgs, sandbox, aio, tmp_path):
    dialog = orgs.open_profiles()
    fill_profile(dialog, sandbox)
    assert aio.run(dialog.test_connection())
    checks = [dialog.checks.item(i).text() for i in range(dialog.checks.count())]
    assert len(checks) == 3 and all(line.startswith("✔") for line in checks)
    assert aio.run(dialog.save())
    stored = (tmp_path / "profiles.json").read_text()
    assert "Local org" in stored and SANDBOX_CLIENT_SECRET not in stored
    assert SANDBOX_CLIENT_SECRET in orgs.keyring.entries.values()
    assert dialog.secret.text() == ""
    # the bar lists the new profile after the save
    qtbot.waitUntil(lambda: orgs.bar.orgs.findData("Local org") > 0)


def test_a_missing_permission_or_bad_secret_is_reported_by_the_test(orgs, sandbox, aio):
    dialog = orgs.open_profiles()
    fill_profile(dialog, sandbox)
    dialog.secret.setText("wrong")
    assert not aio.run(dialog.test_connection())
    first = dialog.checks.item(0).text()
    assert first.startswith("✖") and "token" in first.lower()


def test_invalid_profile_is_refused_with_the_field_named(orgs, aio):
    dialog = orgs.open_profiles()
    dialog.name.setText("No client")
    dialog.region.setCurrentIndex(dialog.region.findData("custom"))
    dialog.base_url.setText("not a url")
    assert not aio.run(dialog.save())
    assert dialog.message.text()
    assert "No client" not in [dialog.chooser.itemText(i) for i in range(dialog.chooser.count())]


def test_a_run_through_a_custom_domain_profile_takes_the_real_org_path(
    qtbot, window, orgs, sandbox, aio, tmp_path
):
    from inspector.store.history import HistoryStore
    from inspector.ui.scenarios_panel import attach_scenarios

    history = HistoryStore(tmp_path / "history.sqlite3")
    attach_scenarios(window, history=history)
    dialog = orgs.open_profiles()
    fill_profile(dialog, sandbox)
    assert aio.run(dialog.save())
    dialog.close()
    # the saved profile becomes the current org
    qtbot.waitUntil(lambda: window.org.label.startswith("Local org"), timeout=10_000)
    assert orgs.bar.current() == ("Local org", SANDBOX_DEPLOYMENT_ID)
    assert not window.faults_menu.isEnabled()  # faults belong to the built-in sandbox
    assert window.org.origin == "https://shop.example.com"  # from the allowed domains
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    result = window.result
    assert result.verdict.value == "pass", result.summary
    statuses = {r.key: r.status.value for r in result.rows}
    assert statuses == {"crmCustomerId": "match", "source": "match", "inspectorRunId": "match"}
    steps = window.progress.step_texts()
    assert [line.split("|")[0].strip()[3:] for line in steps] == [
        "Check the deployment",
        "Connect the chat",
        "Send the first message",
        "Find the conversation",
        "Read the customer's attributes",
        "End the test conversation",
    ]
    assert "(via message details)" in steps[3]
    assert window.banner.title.text() == "PASS · All 3 sent attributes arrived"
    # the form run is in the history under the profile it ran on, run id row included
    qtbot.waitUntil(lambda: len(history.runs()) == 1, timeout=10_000)
    [run] = history.runs()
    assert (run.scenario, run.profile, run.verdict) == ("(form) CRM-12345-XYZ", "Local org", "pass")
    assert "inspectorRunId" in run.sent
    history.close()


def test_switching_to_an_inactive_sandbox_deployment_fails_preflight(qtbot, window, orgs):
    from inspector.sandbox import SANDBOX_INACTIVE_DEPLOYMENT_ID

    orgs.bar.select("sandbox", SANDBOX_INACTIVE_DEPLOYMENT_ID)
    qtbot.waitUntil(
        lambda: window.org.deployment_id == SANDBOX_INACTIVE_DEPLOYMENT_ID, timeout=10_000
    )
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    # the reason in short in the title and the step, in full (with the fix) once below
    assert window.banner.title.text() == (
        "ERROR · Not started: The deployment's status is Inactive, not Active"
    )
    assert "deployment-active" in window.banner.details.text()
    assert window.banner.details.text().count("Messenger will not start a chat on it") == 1
    assert window.force_button.isVisible()
    [step] = window.progress.step_texts()
    assert step.startswith("✖  Check the deployment | 1 of 7 checks failed; not started |")


def test_switching_org_mid_run_ends_the_run_before_the_old_org_closes(qtbot, aio, window, orgs):
    from inspector.sandbox import SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID

    window.fault_actions["slow"].setChecked(True)  # keeps the run busy on the org
    old = window.org
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    run = window.tasks.get("verification")
    assert run is not None
    qtbot.waitUntil(lambda: len(window.progress.step_texts()) >= 2, timeout=RUN_TIMEOUT_MS)
    assert aio.run(orgs.switch("sandbox", SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID), 30)
    # the run was over before switch() closed the org it ran on
    assert run.done() and (run.cancelled() or run.result() is None)
    assert window.org is not old and window.org.deployment_id == SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID
    assert window.banner.title.text().startswith("Now on ")
