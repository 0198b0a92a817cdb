"""Run by `nox -s build` in a clean virtual environment holding only the built wheel and its
declared dependencies: every module imports, and the test fake works end to end."""

from __future__ import annotations

import importlib
import pkgutil

import evenergy
import evenergy_openapi

# Loaded only by pytest, which brings pytest with it; everything else must import on its own.
# A __main__ module runs its command when imported: nox -s build runs each with --help instead.
PYTEST_ONLY = {"evenergy.testing._pytest_plugin"}


def every_module() -> list[str]:
    names = []
    for package in (evenergy, evenergy_openapi):
        names.append(package.__name__)
        prefix = package.__name__ + "."
        names += [info.name for info in pkgutil.walk_packages(package.__path__, prefix)]
    return [name for name in names if name not in PYTEST_ONLY and not name.endswith(".__main__")]


def main() -> None:
    modules = every_module()
    for name in modules:
        importlib.import_module(name)
    assert evenergy.__file__ is not None
    assert "site-packages" in evenergy.__file__, f"not the installed wheel: {evenergy.__file__}"

    from evenergy.testing import FakeEvEnergyAPI

    fake = FakeEvEnergyAPI(site_count=120)
    with fake.client() as client:
        assert len(list(client.evse_sites.list(page_size=50))) == 120
    print(f"the wheel alone: {len(modules)} modules import, evenergy.testing works")


if __name__ == "__main__":
    main()
