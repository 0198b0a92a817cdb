"""scripts/failure_summary.py: the end of ./scripts/test says why each failed session failed."""

from __future__ import annotations

from failure_summary import reasons

LOG = """\
nox > Running session check_generated
nox > Session check_generated aborted: generated/ is stale (run ./scripts/generate): types.py.
nox > Running session unit-3.12
tests/unit/test_a.py ..F
FAILED tests/unit/test_a.py::test_three - AssertionError: assert 1 == 2
nox > Command pytest tests/unit failed with exit code 1
nox > Session unit-3.12 failed.
nox > Running session docs
nox > Session docs was successful in 2 seconds.
"""


def test_each_failed_session_keeps_its_reason() -> None:
    found = reasons(LOG)
    assert list(found) == ["check_generated", "unit-3.12"]
    assert found["check_generated"][0].startswith("generated/ is stale")
    assert found["unit-3.12"] == [
        "FAILED tests/unit/test_a.py::test_three - AssertionError: assert 1 == 2",
        "nox > Command pytest tests/unit failed with exit code 1",
    ]
