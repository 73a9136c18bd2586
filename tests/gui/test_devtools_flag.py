from inspector import cli
from inspector.ui import chat_view


def test_the_devtools_flag_sets_the_variable_the_chat_view_reads(monkeypatch):
    monkeypatch.delenv(chat_view.DEVTOOLS_ENV, raising=False)
    assert cli.DEVTOOLS_ENV == chat_view.DEVTOOLS_ENV
    assert not chat_view.devtools_requested()
    monkeypatch.setenv(cli.DEVTOOLS_ENV, "1")
    assert chat_view.devtools_requested()
