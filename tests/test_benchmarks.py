"""Smoke runs of the benchmarks, so the published commands keep working.

The full benchmarks are run by hand (benchmarks/README.md); these runs are
small, and the accuracy one guards the targets on three labelled sets.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def run_benchmark(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a benchmark script from the project root and capture its output."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared data not available")
def test_accuracy_smoke_meets_the_targets_on_small_sets():
    """accuracy.py --quick reaches the F1 targets on three small labelled sets."""
    result = run_benchmark(
        "benchmarks/accuracy.py", "--quick", "--only", "febrl1", "splink", "restaurants"
    )
    f1 = {}
    for line in result.stdout.splitlines():
        cells = line.split()
        if cells and cells[0] in ("febrl1", "splink", "restaurants"):
            f1[cells[0]] = float(cells[4])

    assert 0 == result.returncode, result.stderr
    assert {"febrl1", "splink", "restaurants"} == set(f1)
    assert f1["febrl1"] >= 0.99
    assert f1["splink"] >= 0.95
    assert f1["restaurants"] >= 0.90


def test_speed_smoke_prints_every_stage():
    """speed.py --quick runs the public path and reports each stage with a rate."""
    result = run_benchmark("benchmarks/speed.py", "--quick")

    assert 0 == result.returncode, result.stderr
    for stage in ("ingest", "job: FIND_MATCHING", "paging", "engine: compare"):
        assert stage in result.stdout


def test_compare_without_splink_says_how_to_install_it():
    """compare.py without Splink exits 0 and names the benchmark extra."""
    result = run_benchmark("benchmarks/compare.py")

    assert 0 == result.returncode, result.stderr
    assert "[benchmark]" in result.stdout + result.stderr
