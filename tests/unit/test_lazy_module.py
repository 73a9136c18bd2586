"""Lazy modules: what the window defers until after its first paint (runtime/lazy.py)."""

import sys

import pytest

from inspector.runtime.lazy import lazy_module


@pytest.fixture
def package(tmp_path, monkeypatch):
    (tmp_path / "late_mod.py").write_text("import sys\nsys.late_runs += 1\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "late_runs", 0, raising=False)
    yield
    sys.modules.pop("late_mod", None)


@pytest.mark.usefixtures("package")
def test_the_module_runs_only_when_an_attribute_is_first_read():
    module = lazy_module("late_mod")
    assert sys.late_runs == 0
    assert module.VALUE == 42
    assert module.VALUE == 42
    assert sys.late_runs == 1
    assert sys.modules["late_mod"] is module


@pytest.mark.usefixtures("package")
def test_an_imported_module_is_returned_as_it_is():
    import late_mod

    assert lazy_module("late_mod") is late_mod
    assert sys.late_runs == 1


def test_a_missing_module_fails_at_once():
    with pytest.raises(ModuleNotFoundError, match="no_such_module_here"):
        lazy_module("no_such_module_here")
