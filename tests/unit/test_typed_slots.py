"""Signals carry their types and the methods we connect are slots, as in qutebrowser.

Every module of the package is parsed with `ast` (none of ours is imported; a base class
from PySide6 is looked up there), and two rules hold:
  (a) no `Signal(object)` unless its line says why, with an `# untyped: <reason>` comment;
  (b) a method of a QObject class that the class's own code passes as `self.<name>` to a
      `.connect(...)` is decorated `@Slot(...)`.
`@Slot` means nothing on a plain class, so the methods of plain classes that are connected to
signals (callbacks, for PySide) are left out of (b).
"""

import ast
import importlib
from pathlib import Path

from PySide6.QtCore import QObject

import inspector

PACKAGE = Path(inspector.__file__).parent
ROOT = PACKAGE.parent


class Module:
    def __init__(self, path: Path, root: Path = ROOT) -> None:
        self.path = path
        self.root = root
        self.name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        self.lines = path.read_text(encoding="utf-8").splitlines()
        self.tree = ast.parse("\n".join(self.lines), filename=str(path))
        self.classes = {
            node.name: node for node in self.tree.body if isinstance(node, ast.ClassDef)
        }
        # name -> (module, name there), for `from x import y [as z]` anywhere in the module
        self.imported: dict[str, tuple[str, str]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.imported[alias.asname or alias.name] = (node.module, alias.name)

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(self.root)}:{getattr(node, 'lineno', 0)}"


MODULES = {m.name: m for m in (Module(p) for p in sorted(PACKAGE.rglob("*.py")))}


def names_a_qobject(module: Module, name: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether `name`, in the module, is a QObject class: followed through our own modules,
    and looked up in PySide6 (a plain class, a builtin or a typing name is not)."""
    key = f"{module.name}.{name}"
    if key in seen:
        return False
    seen |= {key}
    if name in module.classes:
        return any(
            isinstance(base, ast.Name) and names_a_qobject(module, base.id, seen)
            for base in module.classes[name].bases
        )
    source, original = module.imported.get(name, ("", ""))
    if source.split(".")[0] == "PySide6":
        found = getattr(importlib.import_module(source), original)
        return isinstance(found, type) and issubclass(found, QObject)
    other = MODULES.get(source)
    return other is not None and names_a_qobject(other, original, seen)


def _is_slot(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Name) and target.id == "Slot") or (
        isinstance(target, ast.Attribute) and target.attr == "Slot"
    )


def _classes(tree: ast.AST) -> list[ast.ClassDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]


def untyped_signals(module: Module) -> list[str]:
    found = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        named = (isinstance(func, ast.Name) and func.id == "Signal") or (
            isinstance(func, ast.Attribute) and func.attr == "Signal"
        )
        if not named or not any(isinstance(a, ast.Name) and a.id == "object" for a in node.args):
            continue
        span = module.lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        if not any("# untyped:" in line for line in span):
            found.append(f"{module.where(node)}: Signal(object) without an '# untyped:' reason")
    return found


def undecorated_slots(module: Module) -> list[str]:
    found = []
    for cls in _classes(module.tree):
        methods = {
            node.name: node
            for node in cls.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        # Connections made in the class's own code, not in a class nested in it.
        nested = {id(n) for inner in _classes(cls) if inner is not cls for n in ast.walk(inner)}
        for node in ast.walk(cls):
            if id(node) in nested or not isinstance(node, ast.Call):
                continue
            if not (isinstance(node.func, ast.Attribute) and node.func.attr == "connect"):
                continue
            for arg in node.args:
                if not (
                    isinstance(arg, ast.Attribute)
                    and isinstance(arg.value, ast.Name)
                    and arg.value.id == "self"
                    and arg.attr in methods
                ):
                    continue
                method = methods[arg.attr]
                if any(_is_slot(d) for d in method.decorator_list):
                    continue
                if not any(
                    isinstance(b, ast.Name) and names_a_qobject(module, b.id) for b in cls.bases
                ):
                    continue
                found.append(
                    f"{module.where(method)}: {cls.name}.{method.name} is connected at "
                    f"line {node.lineno} but has no @Slot"
                )
    return found


def test_the_rules_see_every_module():
    assert "inspector.ui.main_window" in MODULES
    window = MODULES["inspector.ui.main_window"]
    assert names_a_qobject(window, "MainWindow")
    assert not names_a_qobject(MODULES["inspector.ui.page_watch"], "PageWatch")


def test_signals_carry_their_types():
    found = [line for module in MODULES.values() for line in untyped_signals(module)]
    assert found == [], "\n".join(found)


def test_connected_methods_are_slots():
    found = [line for module in MODULES.values() for line in undecorated_slots(module)]
    assert found == [], "\n".join(found)


def test_the_rules_catch_what_they_forbid(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(
        "from PySide6.QtCore import QObject, Signal, Slot\n"
        "class Plain:\n"
        "    def __init__(self, other):\n"
        "        other.changed.connect(self.on_changed)\n"
        "    def on_changed(self, value): ...\n"
        "class Thing(QObject):\n"
        "    changed = Signal(object)\n"
        "    kept = Signal(object)  # untyped: any value at all\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.changed.connect(self.on_changed)\n"
        "        self.kept.connect(self.on_kept)\n"
        "    def on_changed(self, value): ...\n"
        "    @Slot(int)\n"
        "    def on_kept(self, value): ...\n"
    )
    module = Module(path, tmp_path)
    assert untyped_signals(module) == ["sample.py:7: Signal(object) without an '# untyped:' reason"]
    assert undecorated_slots(module) == [
        "sample.py:13: Thing.on_changed is connected at line 11 but has no @Slot"
    ]
