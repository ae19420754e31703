"""flows/ is four rooms; each imports only from itself and the rooms listed before it."""

from __future__ import annotations

import ast
from pathlib import Path

import migdip.flows

ROOMS = ("engine", "flee", "routes", "impact")
FLOWS = Path(migdip.flows.__file__).parent


def _imported(path: Path) -> set[str]:
    """The migdip.flows rooms a module imports (at any depth, deferred imports too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["migdip", "flows"] and len(parts) > 2:
                out.add(parts[2])
    return out


def test_every_module_sits_in_a_room() -> None:
    loose = [p.name for p in FLOWS.glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert sorted(p.name for p in FLOWS.iterdir() if p.is_dir() and p.name != "__pycache__") == (
        sorted(ROOMS)
    )


def test_rooms_import_only_earlier_rooms() -> None:
    wrong = []
    for rank, room in enumerate(ROOMS):
        for path in sorted((FLOWS / room).glob("*.py")):
            later = _imported(path) - set(ROOMS[: rank + 1])
            if later:
                wrong.append(f"{room}/{path.name} imports {sorted(later)}")
    assert wrong == []


def test_the_checker_sees_a_backward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from migdip.flows.impact import deals\n", encoding="utf-8")
    assert _imported(module) == {"impact"}
