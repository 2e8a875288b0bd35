"""Versions live in one place each: compatible ranges in pyproject.toml, the exact lock in constraints.txt.

Every install goes through ``pip install -c constraints.txt`` (tools/bootstrap.sh, tools/smoke.sh, the
README), so the lock decides what is installed; pyproject.toml says what mathviz works with. The two must
agree: each locked version inside its range, nothing required that the lock leaves open.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def locked() -> dict[str, str]:
    """constraints.txt as name -> exact version (a line may carry an environment marker)."""
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"constraints.txt locks exact versions, got {line!r}"
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def required() -> list[Requirement]:
    """Every requirement pyproject.toml declares (dependencies and every extra), mathviz's own extras left out."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = [*project["dependencies"], *(t for extra in project["optional-dependencies"].values() for t in extra)]
    return [r for r in map(Requirement, texts) if canonicalize_name(r.name) != "mathviz"]


@pytest.mark.parametrize("requirement", required(), ids=str)
def test_each_requirement_is_a_range_holding_its_locked_version(requirement: Requirement) -> None:
    pins = locked()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{name} is required but not locked in constraints.txt"
    assert requirement.specifier.contains(pins[name]), f"the lock {name}=={pins[name]} is outside {requirement}"
    assert all(spec.operator != "==" for spec in requirement.specifier), \
        f"{requirement}: pyproject.toml gives a range; the exact version belongs in constraints.txt"

