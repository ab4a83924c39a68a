"""The README's code map is the import rule: every package has a row, and no module imports what its row forbids.

The table between ``<!-- code-map -->`` and ``<!-- /code-map -->`` in README.md names each part of
the code (a package, the core modules at the root of ``kzatlas/``, a single file or folder) and
what it may import. ``kzatlas/config.py`` may be imported by every part. Function-level imports
count like the others.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kzatlas.config import ROOT_DIR

README = ROOT_DIR / "README.md"
PACKAGE = ROOT_DIR / "kzatlas"
CONFIG = "kzatlas/config.py"
ROOT_CORE = "kzatlas/"
EVERY_PACKAGE_ABOVE = "every package above"


def code_map() -> list[tuple[str, tuple[str, ...]]]:
    """``(part, parts it may import)`` rows, in the table's order."""
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- code-map -->", 1)[1].split("<!-- /code-map -->", 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        part = cells[0].strip("`")
        allowed = cells[-1]
        if allowed == EVERY_PACKAGE_ABOVE:
            names = tuple(name for name, _ in rows if name.startswith("kzatlas/"))
        elif allowed == "nothing":
            names = ()
        else:
            names = tuple(re.findall(r"`([^`]+)`", allowed))
        rows.append((part, names))
    return rows


def files_of(part: str) -> list[Path]:
    """The Python files a row of the map speaks for."""
    path = ROOT_DIR / part
    if part == ROOT_CORE:
        return sorted(p for p in PACKAGE.glob("*.py") if p.name not in ("config.py", "__main__.py"))
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [path]


def part_of_module(module: str, parts: set[str]) -> str | None:
    """The map's part that holds ``module`` (dotted), or ``None`` for what is not the atlas's."""
    pieces = module.split(".")
    if pieces[0] != "kzatlas":
        return None
    if len(pieces) == 1:
        return ROOT_CORE
    if f"kzatlas/{pieces[1]}/" in parts:
        return f"kzatlas/{pieces[1]}/"
    if f"kzatlas/{pieces[1]}.py" in parts:
        return f"kzatlas/{pieces[1]}.py"
    return ROOT_CORE


def imported_parts(path: Path, parts: set[str]) -> dict[str, int]:
    """Every part of the atlas ``path`` imports, with the first line that does."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
            if node.module == "kzatlas":  # from kzatlas import ui, analysis
                modules = [f"kzatlas.{alias.name}" for alias in node.names]
        for module in modules:
            part = part_of_module(module, parts)
            if part is not None:
                found.setdefault(part, node.lineno)
    return found


ROWS = code_map()
PARTS = {part for part, _ in ROWS}


def test_every_package_and_entry_point_has_a_row():
    packages = {f"kzatlas/{path.parent.name}/" for path in PACKAGE.glob("*/__init__.py")}
    assert packages - PARTS == set(), "packages missing from the README's code map"
    assert {CONFIG, ROOT_CORE, "kzatlas/__main__.py", "views/", "app.py", "serve.py"} <= PARTS


def test_every_row_names_something_that_exists():
    for part, allowed in ROWS:
        assert (ROOT_DIR / part).exists(), f"the code map names {part}, which does not exist"
        assert set(allowed) <= PARTS, f"{part} may import {set(allowed) - PARTS}, which has no row"


@pytest.mark.parametrize(("part", "allowed"), ROWS, ids=[part for part, _ in ROWS])
def test_no_module_imports_what_its_row_forbids(part, allowed):
    permitted = {part, CONFIG, *allowed}
    if part == CONFIG:
        permitted = {CONFIG}
    broken = []
    for path in files_of(part):
        for imported, line in imported_parts(path, PARTS).items():
            if imported not in permitted:
                broken.append(f"{path.relative_to(ROOT_DIR)}:{line} imports {imported}")
    assert not broken, f"{part} may import only {sorted(permitted)}:\n" + "\n".join(broken)


def test_the_rule_catches_an_import_it_forbids(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def later():\n    from kzatlas.ui import state\n", encoding="utf-8")
    assert imported_parts(module, PARTS) == {"kzatlas/ui/": 2}
