"""The setup promise: pyproject.toml and environment.yml list the same dependencies, and the
README, Makefile and CI agree on the commands."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _canonical(requirement: str) -> tuple[str, str]:
    match = _REQUIREMENT.match(requirement)
    assert match, requirement
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    spec = ",".join(sorted(part.strip() for part in match.group(2).split(",") if part.strip()))
    return name, spec


def _pyproject_requirements() -> set[tuple[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    return {_canonical(r) for r in requirements}


def _environment_requirements() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        item = re.match(r"^\s*-\s+([^#:]+?)\s*(#.*)?$", line)
        if not item:
            continue
        name, spec = _canonical(item.group(1))
        if name in {"python", "pip"}:
            continue
        found.add((name, spec))
    return found


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    assert _environment_requirements() == _pyproject_requirements()


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    head = "\n".join(readme.splitlines()[:15])
    assert "make report" in head and "make test" in head
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, flags=re.MULTILINE)


def test_packages_install_under_the_secnews_namespace() -> None:
    import secnews.analysis
    import secnews.corpus

    assert Path(secnews.corpus.__file__).parent == ROOT / "corpus"
    assert Path(secnews.analysis.__file__).parent == ROOT / "analysis"
