"""Speed of profilematch, end to end and stage by stage, at several sizes.

For each size the profiles come from ``generate.py`` (seeded), and a fresh
process measures:

- the public path: ``Client(path).create_domain``, ``put_profiles`` (ingest,
  which normalizes every value once and stores it), ``run_identity_resolution
  _job`` (with the job's own stages timed through its progress callback) and
  paging through every match group with ``get_matches`` and its tokens;
- the engine's stages on the same profiles, in process and without a store:
  normalize, block, compare, train, score, cluster (from the matcher's own
  timings);
- peak resident memory after each stage (``resource.getrusage``: the main
  process, and separately the largest worker process);
- the peak of the proportional set size summed over the process and its
  workers (Linux), which counts a page shared after fork once: the memory the
  run really takes.

Every size runs in its own process, so one size's peak memory does not leak
into the next.  tracemalloc is not used: it slows Python several times over,
which would make the timings meaningless.

Usage::

    .venv/bin/python benchmarks/speed.py --quick               # CI smoke, seconds
    .venv/bin/python benchmarks/speed.py --rows 10000 100000   # chosen sizes
    .venv/bin/python benchmarks/speed.py --rows 1000000 --json speed.json
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import profilematch as pm
from generate import generate, warm_up

DEFAULT_ROWS = (10_000, 100_000, 1_000_000)
QUICK_ROWS = (1_500,)
INGEST_BATCH = 10_000
DOMAIN = "speed"

Row = dict[str, str]
Stage = dict[str, Any]


def to_profile(row: Row) -> dict[str, Any]:
    """Turn a generated row into a profile dict in the service's shape.

    Args:
        row: A row of ``generate.generate``.

    Returns:
        A PascalCase profile dict; the ProfileId is a hash of the row's id, so
        that results can be joined back to the ground truth.
    """
    profile: dict[str, Any] = {
        "ProfileId": profile_key(row["profile_id"]),
    }
    plain = {
        "first_name": "FirstName",
        "middle_name": "MiddleName",
        "last_name": "LastName",
        "email_address": "EmailAddress",
        "personal_email_address": "PersonalEmailAddress",
        "business_email_address": "BusinessEmailAddress",
        "phone_number": "PhoneNumber",
        "home_phone_number": "HomePhoneNumber",
        "mobile_phone_number": "MobilePhoneNumber",
        "business_phone_number": "BusinessPhoneNumber",
        "birth_date": "BirthDate",
    }
    for column, key in plain.items():
        if row[column]:
            profile[key] = row[column]

    address = {
        key: row[column]
        for column, key in (
            ("address1", "Address1"),
            ("city", "City"),
            ("postal_code", "PostalCode"),
            ("country", "Country"),
        )
        if row[column]
    }
    if address:
        profile["Address"] = address

    return profile


def profile_key(profile_id: str) -> str:
    """The 32-hex ProfileId the benchmarks give a generated row."""
    return hashlib.sha256(profile_id.encode("utf-8")).hexdigest()[:32]


def _peak_mb(who: int) -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    peak = resource.getrusage(who).ru_maxrss
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(peak / scale, 1)


def _pss_mb(pid: int) -> float:
    """Proportional set size of one process (Linux), 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _MemorySampler:
    """Samples the memory of this process and its workers, twice a second.

    The resident set of a forked worker counts the pages it shares with its
    parent in full; the proportional set size splits each shared page among
    the processes holding it, so the sum over all of them is the memory the
    run really takes. Linux only (``/proc``); elsewhere the peak stays None.
    """

    def __init__(self) -> None:
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _MemorySampler:
        if os.path.exists(f"/proc/{os.getpid()}/smaps_rollup"):
            self.peak_mb = 0.0
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.5):
            try:
                with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as f:
                    children = [int(pid) for pid in f.read().split()]
            except OSError:
                children = []
            total = _pss_mb(me) + sum(_pss_mb(pid) for pid in children)
            self.peak_mb = max(self.peak_mb or 0.0, round(total, 1))


class _Recorder:
    """Collects stage rows: seconds, items handled and peak memory so far."""

    def __init__(self) -> None:
        self.stages: list[Stage] = []

    def add(self, name: str, seconds: float, items: int, unit: str) -> None:
        self.stages.append(
            {
                "stage": name,
                "seconds": round(seconds, 3),
                "items": items,
                "unit": unit,
                "per_second": round(items / seconds, 1)
                if seconds > 0 and items
                else None,
                "peak_rss_mb": _peak_mb(resource.RUSAGE_SELF),
                "peak_rss_workers_mb": _peak_mb(resource.RUSAGE_CHILDREN),
            }
        )


class _ProgressClock:
    """A progress callback that notes when each reported stage first appears."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.marks: list[tuple[str, float, int]] = []
        self.last_report = self.started

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.last_report = time.perf_counter()
        if not self.marks or self.marks[-1][0] != stage:
            self.marks.append((stage, self.last_report, total))
        else:
            name, when, _ = self.marks[-1]
            self.marks[-1] = (name, when, max(total, done))

    def durations(self, ended: float) -> Iterator[tuple[str, float, int]]:
        """Yield each stage with the time until the next stage began.

        The time after the last report of the last stage is yielded on its
        own: it is the job writing its results.
        """
        if self.marks and self.marks[0][1] > self.started:
            yield "start", self.marks[0][1] - self.started, 0
        for index, (stage, began, total) in enumerate(self.marks):
            last = index + 1 == len(self.marks)
            until = self.last_report if last else self.marks[index + 1][1]
            yield stage, until - began, total
        if self.marks:
            yield "store (after the last progress report)", ended - self.last_report, 0


def _generated_batches(
    rows: int, seed: int, spent: dict[str, float]
) -> Iterator[list[dict[str, Any]]]:
    """Generate profiles a batch at a time, adding the generator's seconds up.

    Streaming keeps the benchmark's own memory small, so the peak measured is
    profilematch's; the generator's seconds go to ``spent["generate"]`` so
    they can be reported apart from ingest.
    """
    generated = generate(rows, seed)

    while True:
        clock = time.perf_counter()
        batch = [to_profile(row) for row in itertools.islice(generated, INGEST_BATCH)]
        spent["generate"] = spent.get("generate", 0.0) + time.perf_counter() - clock
        if not batch:
            return
        yield batch


def _public_path(
    rows: int, seed: int, database: Path, recorder: _Recorder
) -> dict[str, Any]:
    """Ingest, run a job and page through the results with the public API."""
    notes: dict[str, Any] = {}
    client = pm.Client(str(database))
    client.create_domain(
        DOMAIN, default_expiration_days=366, matching=pm.Matching(enabled=True)
    )

    clock = time.perf_counter()
    spent: dict[str, float] = {}
    for batch in _generated_batches(rows, seed, spent):
        client.put_profiles(DOMAIN, batch)
    ingest_seconds = time.perf_counter() - clock - spent["generate"]
    recorder.add("generate (streamed into ingest)", spent["generate"], rows, "profiles")
    recorder.add("ingest (normalize + store)", ingest_seconds, rows, "profiles")

    progress = _ProgressClock()
    job = client.run_identity_resolution_job(DOMAIN, progress=progress)
    ended = time.perf_counter()
    # Each job stage handles every profile once, so profiles per second is
    # the throughput that compares across stages and sizes.
    for stage, seconds, _ in progress.durations(ended):
        recorder.add(f"job: {stage}", seconds, rows, "profiles")
    recorder.add("job: total", ended - progress.started, rows, "profiles")
    stats = getattr(job, "job_stats", None)
    if stats is not None:
        notes["job_stats"] = stats.to_dict()
    notes["job_status"] = getattr(job, "status", None)
    report = client.get_job_report(DOMAIN, job.job_id)
    notes["candidate_pairs"] = report.candidate_pairs
    # The engine's own clock, inside FIND_MATCHING (blocking included).
    for stage, seconds in report.seconds.items():
        recorder.add(f"job report: {stage}", seconds, rows, "profiles")

    clock = time.perf_counter()
    groups = 0
    pages = 0
    token: str | None = None
    while True:
        page = client.get_matches(DOMAIN, max_results=100, next_token=token)
        pages += 1
        groups += len(page.matches)
        token = page.next_token
        if token is None:
            break
    recorder.add("paging (get_matches)", time.perf_counter() - clock, groups, "groups")
    notes["pages"] = pages
    notes["groups"] = groups
    client.close()

    return notes


def _engine_stages(rows: int, seed: int, recorder: _Recorder) -> dict[str, Any]:
    """Time the matching engine's own stages on the same profiles, no store."""
    # The per-stage breakdown needs the engine's internals; the public path
    # above is what a user runs.
    from profilematch._features import profile_features
    from profilematch._matcher import match_features

    profiles = [to_profile(row) for row in generate(rows, seed)]
    clock = time.perf_counter()
    features = [profile_features(pm.Profile.from_dict(p)) for p in profiles]
    recorder.add(
        "engine: normalize", time.perf_counter() - clock, len(features), "profiles"
    )

    result = match_features(features)
    stats = result.stats
    units = {
        "block": (stats.profiles, "profiles"),
        "compare": (stats.candidate_pairs, "pairs"),
        "train": (stats.candidate_pairs, "pairs"),
        "score": (stats.pairs_scored, "pairs"),
        "cluster": (stats.pairs_above_threshold, "pairs"),
    }
    for stage, seconds in stats.seconds.items():
        items, unit = units.get(stage, (stats.profiles, "profiles"))
        recorder.add(f"engine: {stage}", seconds, items, unit)

    return {
        "candidate_pairs": stats.candidate_pairs,
        "pairs_above_threshold": stats.pairs_above_threshold,
        "groups": len(result.groups),
        "oversized_keys": len(stats.oversized_keys),
        "trained": stats.trained,
    }


def measure(rows: int, seed: int, *, engine: bool = True) -> dict[str, Any]:
    """Measure one size in this process.

    Args:
        rows: Number of generated profiles.
        seed: Generator seed.
        engine: Also time the engine's own stages without a store.

    Returns:
        A JSON-ready dict: the size, the stages and notes.
    """
    recorder = _Recorder()

    clock = time.perf_counter()
    warm_up()
    recorder.add("generator setup (phone blocks)", time.perf_counter() - clock, 0, "-")
    with (
        tempfile.TemporaryDirectory(prefix="pm-speed-") as folder,
        _MemorySampler() as sampler,
    ):
        database = Path(folder) / "speed.db"
        clock = time.perf_counter()
        public = _public_path(rows, seed, database, recorder)
        end_to_end = time.perf_counter() - clock
        size_mb = round(database.stat().st_size / 2**20, 1) if database.exists() else 0

    result: dict[str, Any] = {
        "rows": rows,
        "seed": seed,
        "end_to_end_seconds": round(end_to_end, 3),
        "database_mb": size_mb,
        "public": public,
        "peak_pss_all_mb": sampler.peak_mb,
    }
    if engine:
        result["engine"] = _engine_stages(rows, seed, recorder)
    result["stages"] = recorder.stages
    result["peak_rss_mb"] = _peak_mb(resource.RUSAGE_SELF)
    result["peak_rss_workers_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)

    return result


def _run_child(rows: int, seed: int, engine: bool) -> dict[str, Any]:
    """Measure one size in a fresh process, so peaks are its own."""
    command = [sys.executable, __file__, "--child", str(rows), "--seed", str(seed)]
    if not engine:
        command.append("--no-engine")
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def markdown(results: Iterable[dict[str, Any]]) -> str:
    """Render the measurements as Markdown tables.

    Args:
        results: The dicts of :func:`measure`.

    Returns:
        A summary table across sizes, then one table of stages per size.
    """
    results = list(results)
    lines = [
        "| profiles | end to end (s) | profiles/s | groups | peak RSS (MB) "
        "| workers peak RSS (MB) | peak PSS, all processes (MB) | database (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        seconds = result["end_to_end_seconds"]
        lines.append(
            f"| {result['rows']:,} | {_fmt(seconds)} "
            f"| {_fmt(result['rows'] / seconds if seconds else None)} "
            f"| {result['public'].get('groups', '-')} | {result['peak_rss_mb']} "
            f"| {result['peak_rss_workers_mb']} "
            f"| {result.get('peak_pss_all_mb') or '-'} | {result['database_mb']} |"
        )
    for result in results:
        lines += [
            "",
            f"{result['rows']:,} profiles (seed {result['seed']}):",
            "",
            "| stage | seconds | items | per second | peak RSS after (MB) |",
            "|---|---:|---:|---:|---:|",
        ]
        for stage in result["stages"]:
            lines.append(
                f"| {stage['stage']} | {_fmt(stage['seconds'])} "
                f"| {stage['items']:,} {stage['unit']} | {_fmt(stage['per_second'])} "
                f"| {stage['peak_rss_mb']} |"
            )

    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the speed benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, nargs="+", default=list(DEFAULT_ROWS), help="sizes"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--quick", action="store_true", help="one small size (CI)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--no-engine",
        action="store_true",
        help="skip the in-process engine breakdown (halves the time)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        result = measure(args.child, args.seed, engine=not args.no_engine)
        json.dump(result, sys.stdout)
        return 0

    sizes = list(QUICK_ROWS) if args.quick else args.rows
    results = []
    for rows in sizes:
        print(f"measuring {rows:,} profiles ...", file=sys.stderr, flush=True)
        results.append(_run_child(rows, args.seed, not args.no_engine))

    print(
        f"profilematch {pm.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.platform()}\n"
    )
    print(markdown(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    return 0


if __name__ == "__main__":
    sys.exit(main())
