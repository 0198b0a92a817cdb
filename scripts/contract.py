"""Run the schemathesis contract suite on openapi.yaml (for `nox -s contract`).

Without EVENERGY_BASE_URL it tests the local Prism mock twice, once answering with the spec's
examples and once with random data from its schemas; with it, it tests that server (the API root,
/v2 included), authenticated with EVENERGY_ACCESS_TOKEN or, through the SDK, with
EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET, acting as EVENERGY_USER when set.

Every run sends the same cases (a fixed seed, no example database), writes a JUnit report and an
event log under reports/contract/<run>/, and ends with the number of cases per operation. The
dynamic mock's data differs from run to run on purpose: Prism's own --seed restarts for every
request, so it would answer every request with the same document and add no variety.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

from mock_server import SPEC, running

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DIR = ROOT / "tests" / "contract"
DEFAULT_SEED = 20261125
DEFAULT_MAX_EXAMPLES = 25
PHASES = "examples,coverage,fuzzing,stateful"

# Every default check runs against the local mock too: with positive data each passes against
# Prism (it rejects a request without a token, which is all that ignored_auth tries). A check that
# ever has to be switched off for the mock goes here with its reason, and never for real servers.


def schemathesis_command(
    base_url: str, report_dir: Path, *, seed: int, max_examples: int, mock: bool
) -> list[str]:
    command = [
        "schemathesis",
        "run",
        str(SPEC),
        "--url",
        base_url,
        "--phases",
        PHASES,
        "--mode",
        "positive",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(report_dir),
        "--report-junit-path",
        str(report_dir / "junit.xml"),
        "--report-ndjson-path",
        str(report_dir / "events.ndjson"),
    ]
    # The version the SDK sends: the API answers any other with 400, as openapi.yaml says, and
    # schemathesis would count that as a valid request rejected.
    command += ["--header", "EvEnergy-Version: 2"]
    token = os.environ.get("EVENERGY_ACCESS_TOKEN")
    if token or mock:
        command += ["--header", f"Authorization: Bearer {token or 'contract-run'}"]
    user = os.environ.get("EVENERGY_USER")
    if user and not mock:
        command += ["--header", f"EvEnergy-User: {user}"]
    return command


def cases_per_operation(events: Path) -> collections.Counter[str]:
    """Count the test cases of each operation in schemathesis's event log."""
    counts: collections.Counter[str] = collections.Counter()
    for line in events.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished or not finished.get("recorder"):
            continue
        for node in finished["recorder"]["cases"].values():
            case = node["value"]
            counts[f"{case['method']} {case['path']}"] += 1
    return counts


def run(name: str, base_url: str, args: argparse.Namespace, *, mock: bool) -> int:
    report_dir = args.report_dir / name
    report_dir.mkdir(parents=True, exist_ok=True)
    print(f"\n=== contract run '{name}' against {base_url}", flush=True)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "sdk_conformance",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HOOKS_DIR), os.environ.get("PYTHONPATH")])),
    }
    command = schemathesis_command(
        base_url, report_dir, seed=args.seed, max_examples=args.max_examples, mock=mock
    )
    code = subprocess.call(command, env=env)
    events = report_dir / "events.ndjson"
    if events.exists():
        counts = cases_per_operation(events)
        print(f"\nCases per operation ({name}):")
        for operation, count in sorted(counts.items()):
            print(f"    {count:6d}  {operation}")
        print(f"    {sum(counts.values()):6d}  in all; JUnit report: {report_dir / 'junit.xml'}")
    print(f"=== contract run '{name}': {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples",
        type=int,
        default=int(os.environ.get("CONTRACT_MAX_EXAMPLES", DEFAULT_MAX_EXAMPLES)),
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--report-dir", type=Path, default=ROOT / "reports" / "contract")
    args = parser.parse_args(argv)
    base_url = os.environ.get("EVENERGY_BASE_URL")
    if base_url:
        return run("remote", base_url.rstrip("/"), args, mock=False)
    codes = []
    with running() as url:
        codes.append(run("mock-examples", url, args, mock=True))
    with running(dynamic=True) as url:
        codes.append(run("mock-dynamic", url, args, mock=True))
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
