"""The benchmark still runs end to end (tiny sizes; its timings are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "tests" / "benchmarks" / "run.py"


def run_bench(*options: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), "--smoke", *options],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_benchmark_runs_and_writes_every_result(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    result = run_bench("--json", str(output), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(output.read_text())
    results = {r["name"]: r for r in document["results"]}
    assert set(results) == {"get", "walk", "memory", "async", "import"}
    for name in ("get", "walk", "async", "import"):
        assert results[name]["sdk"] > 0
        assert results[name]["raw"] > 0
        assert results[name]["ratio"] > 0
    assert "ratio" in result.stdout


def test_a_file_that_is_not_a_results_file_is_refused_before_any_measuring(
    tmp_path: Path,
) -> None:
    not_results = tmp_path / "notes.json"
    not_results.write_text('{"results": [{"name": "get"}]}')
    result = run_bench("--compare", str(not_results), timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not a results file of this benchmark" in result.stderr
    assert "Traceback" not in result.stderr
    assert "benchmark" not in result.stdout  # no table: nothing was measured
