"""
The lock files (requirements/*.txt, `make lock`) install what pyproject.toml asks for:
every requirement of the project and of its extras is pinned, to a version its range
allows, with hashes. A range changed without `make lock` fails here.
"""

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.servers import BASE_DIR

PROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
# Which extras each lock holds on top of the project's own dependencies.
LOCKS = {
    "production.txt": (),
    "production-s3.txt": ("s3",),
    "dev.txt": ("test", "dev"),
}
PIN = re.compile(r"^(?P<requirement>[A-Za-z0-9][^\s\\]*==[^\s\\]+(?:\s*;[^\\]+)?)\s*\\?$")


def read_lock(name):
    """{canonical name: (version, number of hashes)} of a lock file."""
    pins = {}
    current = None
    for line in (BASE_DIR / "requirements" / name).read_text().splitlines():
        if match := PIN.match(line):
            requirement = Requirement(match["requirement"].strip())
            (specifier,) = requirement.specifier
            current = canonicalize_name(requirement.name)
            pins[current] = [specifier.version, 0]
        elif line.strip().startswith("--hash=sha256:") and current:
            pins[current][1] += 1
    return {name: tuple(pin) for name, pin in pins.items()}


def wanted(extras):
    requirements = [Requirement(line) for line in PROJECT["dependencies"]]
    for extra in extras:
        requirements += [Requirement(line) for line in PROJECT["optional-dependencies"][extra]]
    return requirements


def unsatisfied(requirements, pins):
    problems = []
    for requirement in requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement} is missing")
        elif not requirement.specifier.contains(pin[0], prereleases=True):
            problems.append(f"{requirement} is pinned to {pin[0]}")
    return problems


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_pins_every_requirement_of_pyproject_within_its_range(lock):
    problems = unsatisfied(wanted(LOCKS[lock]), read_lock(lock))

    assert not problems, f"requirements/{lock} is out of date (run `make lock`): {problems}"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_of_the_lock_has_a_hash(lock):
    pins = read_lock(lock)

    assert pins, f"no pins read from requirements/{lock}"
    assert [name for name, (_, hashes) in pins.items() if not hashes] == []


@pytest.mark.parametrize("lock", ["production-s3.txt", "dev.txt"])
def test_the_other_locks_pin_the_production_versions(lock):
    """CI tests, and the [s3] variant runs, the versions the deploy guide installs."""
    production, other = read_lock("production.txt"), read_lock(lock)

    assert {
        name: (version, other[name][0])
        for name, (version, _) in production.items()
        if other.get(name, (version,))[0] != version
    } == {}


def test_the_lock_check_notices_a_range_the_lock_does_not_satisfy():
    """The check above is a real one: a range moved past the pin is reported."""
    pins = {"django": ("5.2.19", 2)}

    assert unsatisfied([Requirement("Django>=6.0")], pins) == ["Django>=6.0 is pinned to 5.2.19"]
    assert unsatisfied([Requirement("uv>=0.5")], pins) == ["uv>=0.5 is missing"]
