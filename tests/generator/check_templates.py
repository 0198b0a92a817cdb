"""Import a client generated from template_branches.yaml and parse with it (see noxfile.py).

Usage: python check_templates.py GENERATED_PACKAGE_DIR
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(package: Path) -> None:
    sys.path.insert(0, str(package.parent))
    models = importlib.import_module(f"{package.name}.models")
    thing = models.Thing.from_dict({"level": 2, "colour": "blue", "maybe_level": 3})
    assert thing.level == models.Level.VALUE_2, thing.level
    assert thing.maybe_level == models.Level.VALUE_3, thing.maybe_level
    assert thing.colour.value == "blue"  # an unknown string value is kept
    assert models.Thing.from_dict({"level": 1, "colour": "red"}).maybe_level is None
    for bad in ({"level": 7, "colour": "red"}, {"level": "1", "colour": "red"}):
        try:
            models.Thing.from_dict(bad)
        except (TypeError, ValueError):
            continue
        raise AssertionError(f"{bad} was accepted")
    print("generator templates: integer and string enums parse as documented")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
