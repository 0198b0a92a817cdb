"""Breaking-change detection of the SDK's public API, with griffe, against a baseline.

The baseline is the latest release tag (before HEAD's own, when HEAD is a release), else the
branch main (`--against REF` for another).
Both packages users reach are compared: `evenergy`, and the generated `evenergy_openapi` whose
models it re-exports (so a renamed or removed model field counts). A breaking change fails the
check unless CHANGELOG.md's newest section has a "Breaking" entry and `__version__` is bumped
as semantic versioning asks (the minor version while 0.x, else the major).

Usage: python scripts/api_compat.py [--against REF]   (nox -s api_compat)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import griffe

ROOT = Path(__file__).resolve().parent.parent
SEARCH = ["wrapper", "generated"]
PACKAGES = ["evenergy", "evenergy_openapi"]
VERSION_FILE = "wrapper/evenergy/_version.py"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # griffe colours its explanations; logs want plain text


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def baseline() -> str:
    """The latest release tag before HEAD, or main when there is none (HEAD without main)."""
    released = "HEAD^" if git("tag", "--points-at", "HEAD", "--list", "v*") else "HEAD"
    try:
        return git("describe", "--tags", "--abbrev=0", "--match", "v*", released)
    except subprocess.CalledProcessError:
        pass
    try:
        git("rev-parse", "--verify", "--quiet", "main")
    except subprocess.CalledProcessError:
        return "HEAD"
    return "main"


def version(text: str) -> tuple[int, ...]:
    found = re.search(r'^__version__ = "(\d+)\.(\d+)\.(\d+)', text, flags=re.MULTILINE)
    if not found:
        raise SystemExit(f"no __version__ in {VERSION_FILE}")
    return tuple(int(part) for part in found.groups())


def breakages(ref: str) -> list[str]:
    found: list[str] = []
    for package in PACKAGES:
        old = griffe.load_git(package, ref=ref, repo=ROOT, search_paths=SEARCH)
        new = griffe.load(package, search_paths=[ROOT / path for path in SEARCH])
        found += [
            ANSI.sub("", breakage.explain()) for breakage in griffe.find_breaking_changes(old, new)
        ]
    return found


def newest_notes() -> str:
    """CHANGELOG.md's newest section: the unreleased changes, or the release being made."""
    sections = (ROOT / "CHANGELOG.md").read_text().split("\n## ")
    return sections[1] if len(sections) > 1 else ""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default=None, help="git reference (default: see above)")
    ref = parser.parse_args(argv).against or baseline()
    found = breakages(ref)
    if not found:
        print(f"api_compat: no breaking change against {ref}")
        return 0
    print(f"api_compat: {len(found)} breaking change(s) against {ref}:")
    for explanation in found:
        print(f"  {explanation}")
    old, new = (
        version(git("show", f"{ref}:{VERSION_FILE}")),
        version((ROOT / VERSION_FILE).read_text()),
    )
    bumped = new[:2] > old[:2] if old[0] == 0 else new[0] > old[0]
    noted = "breaking" in newest_notes().lower()
    if bumped and noted:
        print("allowed: CHANGELOG.md notes it under Breaking and the version is bumped")
        return 0
    wanted = "the minor version (0.x)" if old[0] == 0 else "the major version"
    print(
        f"not allowed: note it under a 'Breaking' entry of CHANGELOG.md's newest section "
        f"{'(missing) ' if not noted else ''}and bump {wanted} of {VERSION_FILE}"
        f"{' (still ' + '.'.join(map(str, new)) + ')' if not bumped else ''}"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
