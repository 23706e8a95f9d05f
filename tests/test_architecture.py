"""The import graph of the package: layers, no cycles, and a command line nothing imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"secnews.corpus": ROOT / "corpus", "secnews.analysis": ROOT / "analysis"}
STRING_MODULE = re.compile(r"^secnews\.(?:corpus|analysis)(?:\.\w+)+(?::\w+)?$")


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join((package, *parts))] = path
    return out


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module a dotted name refers to (a module, or an attribute of one)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> nx.DiGraph:
    """Every import between the package's modules, at any depth of the code (functions and
    ``TYPE_CHECKING`` blocks included), and module names written in strings."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        package = module if is_package else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and STRING_MODULE.match(node.value)
            ):
                targets = [node.value.partition(":")[0]]
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved and resolved != module:
                    graph.add_edge(module, resolved)
    return graph


GRAPH = import_graph()


def test_corpus_never_imports_analysis() -> None:
    bad = [
        (a, b)
        for a, b in GRAPH.edges
        if a.startswith("secnews.corpus") and b.startswith("secnews.analysis")
    ]
    assert bad == []


def test_no_import_cycles() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(GRAPH) if len(c) > 1]
    assert cycles == []


def test_no_module_imports_its_parent_package() -> None:
    """A sibling shares code through a ``_base``-style module, never through its package."""
    bad = [(a, b) for a, b in GRAPH.edges if a.startswith(b + ".")]
    assert bad == []


def test_cli_is_imported_by_nothing_in_the_library() -> None:
    cli = "secnews.analysis.cli"
    bad = [
        (a, b)
        for a, b in GRAPH.edges
        if (b == cli or b.startswith(cli + ".")) and not a.startswith(cli)
    ]
    assert bad == []


@pytest.mark.parametrize("folder", ["corpus", "analysis"])
def test_no_module_is_too_long(folder: str) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / folder).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert long == {}


def test_every_subpackage_is_installed() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join((package, *init.parent.relative_to(folder).parts))
        for package, folder in PACKAGES.items()
        for init in folder.rglob("__init__.py")
    }
    assert found <= listed


def test_every_package_init_exports_what_it_names() -> None:
    import importlib

    for module in sorted(m for m, p in _modules().items() if p.name == "__init__.py"):
        package = importlib.import_module(module)
        names = getattr(package, "__all__", [])
        for name in names:
            assert getattr(package, name) is not None, f"{module}.{name}"


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "notebooks").glob("*.py")), ids=lambda p: p.name
)
def test_notebooks_call_package_functions_and_define_none(notebook: Path) -> None:
    tree = ast.parse(notebook.read_text(encoding="utf-8"))
    defined = [
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    assert defined == []
