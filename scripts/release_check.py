"""Check that a release tag, evenergy.__version__ and CHANGELOG.md's newest heading agree.

Usage: python scripts/release_check.py v0.2.0  (the release workflow passes the pushed tag)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def versions(tag: str) -> dict[str, str]:
    """The version the tag, the package and the changelog each name."""
    source = (ROOT / "wrapper" / "evenergy" / "_version.py").read_text()
    package = re.search(r'^__version__ = "([^"]+)"', source, flags=re.MULTILINE)
    heading = re.search(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), flags=re.MULTILINE)
    return {
        "tag": tag.removeprefix("v"),
        "evenergy.__version__": package.group(1) if package else "(none)",
        "CHANGELOG.md": heading.group(1) if heading else "(none)",
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    found = versions(argv[0])
    if len(set(found.values())) != 1:
        print("release versions disagree: " + ", ".join(f"{k} {v}" for k, v in found.items()))
        return 1
    if "unreleased" in (ROOT / "CHANGELOG.md").read_text().split("\n## ", 2)[1].splitlines()[0]:
        print("CHANGELOG.md's newest heading still says unreleased: give it the release date")
        return 1
    print(f"releasing {found['tag']}: tag, package and changelog agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
