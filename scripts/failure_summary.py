"""Say at the end of a nox run why each failed session failed (read from the run's log).

nox's closing summary names a failed session but not its reason, which scrolled past long
before: a stale generated/ reads "check_generated: aborted". This prints, for each session that
failed or was aborted, nox's own reason, the command that failed, and the tests pytest named.

Usage: python scripts/failure_summary.py LOG   (scripts/test runs it when nox fails)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SESSION_START = re.compile(r"^nox > Running session (\S+)")
SESSION_END = re.compile(r"^nox > Session (\S+) (failed|aborted)(.*)")
REASON = re.compile(r"^nox > Command .* failed|^(FAILED|ERROR) \S|^E   |^error: ")


def reasons(log: str) -> dict[str, list[str]]:
    """The reason lines of each failed session, by session name."""
    failed: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in log.splitlines():
        if SESSION_START.match(line):
            lines = []
        elif ended := SESSION_END.match(line):
            name, outcome, rest = ended.groups()
            why = rest.strip(" :.") if outcome == "aborted" else ""
            failed[name] = [why, *lines[-15:]] if why else lines[-15:] or [f"{outcome}"]
        elif REASON.search(line):
            lines.append(line.strip())
    return failed


def main(path: Path) -> int:
    failed = reasons(path.read_text(errors="replace"))
    if failed:
        print("\nWhy each session failed:")
        for name, why in failed.items():
            print(f"* {name}")
            for line in why:
                print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
