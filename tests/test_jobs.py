"""Tests of identity resolution jobs: running, failing, listing, scheduling, export."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from profilematch import _jobs
from profilematch._client import Client
from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._features import profile_features
from profilematch._jobs import (
    JobReport,
    _stages,
    discard_pending_jobs,
    get_job,
    list_jobs,
    next_job_time_of,
    run,
    run_due_jobs,
)
from profilematch._matcher import MatchOptions
from profilematch._models import (
    ExportingConfig,
    JobSchedule,
    Matching,
    Profile,
    S3ExportingConfig,
)
from profilematch._score import ModelParameters
from profilematch._store import JobRecord, ProfileWrite, Store

UTC = timezone.utc
# 2026-12-03 is a Thursday; the default schedule is Saturday 00:00 UTC.
THURSDAY = datetime(2026, 12, 3, 16, 34, tzinfo=UTC)
SATURDAY = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)

PEOPLE = [
    ("Maria", "Gonzalez", "maria.gonzalez@example.com", "+14155550101", "1980-04-02"),
    ("Maria", "Gonzalez", "maria.gonzalez@example.com", "+14155550101", "1980-04-02"),
    ("Tom", "Becker", "tom.becker@example.org", "+14155550177", "1975-11-30"),
    ("Thomas", "Becker", "tom.becker@example.org", "+14155550177", "1975-11-30"),
    ("Aiko", "Tanaka", "aiko.t@example.net", "+14155550555", "1992-07-14"),
]


def profile_id(index: int) -> str:
    """A readable, valid profile id: the index in hex, padded."""
    return f"{index:032x}"


def make_domain(
    store: Store,
    name: str = "retail",
    *,
    matching: Matching | None = None,
    created: datetime = THURSDAY,
    people: int = len(PEOPLE),
) -> None:
    """Create a domain holding the PEOPLE profiles, features computed."""
    matching = Matching(enabled=True) if matching is None else matching
    store.insert_domain(
        name,
        {"DefaultExpirationDays": 30, "Matching": matching.to_dict()},
        now=created,
    )
    writes = []
    for index, (first, last, email, phone, birth) in enumerate(PEOPLE[:people]):
        raw = {
            "FirstName": first,
            "LastName": last,
            "EmailAddress": email,
            "PhoneNumber": phone,
            "BirthDate": birth,
        }
        profile = Profile.from_dict({**raw, "ProfileId": profile_id(index)})
        writes.append(
            ProfileWrite(
                profile_id=profile_id(index),
                raw=raw,
                features_json=profile_features(profile).to_json(),
                keys=(),
            )
        )
    store.insert_profiles(name, writes, now=created)


@pytest.fixture
def store() -> Iterator[Store]:
    """An in-memory store."""
    with Store() as opened:
        yield opened


@pytest.fixture
def domain(store: Store) -> str:
    """A domain with matching enabled and two pairs of duplicates."""
    make_domain(store)

    return "retail"


# -- running a job -------------------------------------------------------------


def test_job_completes_with_stats_and_times(store: Store, domain: str) -> None:
    """A job ends COMPLETED with its id, times and stats, and its groups are stored."""
    job = run(store, domain, now=SATURDAY)

    expected_stats = {
        "NumberOfProfilesReviewed": 5,
        "NumberOfMatchesFound": 2,
        "NumberOfMergesDone": 0,
    }
    assert "COMPLETED" == job.status
    assert expected_stats == job.job_stats.to_dict()
    assert 32 == len(job.job_id)
    assert set(job.job_id) <= set("0123456789abcdef")
    assert (SATURDAY, SATURDAY, SATURDAY) == (
        job.job_start_time,
        job.job_end_time,
        job.last_updated_at,
    )
    assert SATURDAY + timedelta(days=30) == job.job_expiration_time
    generation = store.latest_generation(domain)
    assert generation is not None
    assert (job.job_id, 2) == (generation.job_id, generation.potential_matches)


def test_groups_found_are_the_duplicates(store: Store, domain: str) -> None:
    """The stored match groups are the two pairs of duplicate people."""
    run(store, domain)

    generation = store.latest_generation(domain)
    assert generation is not None
    groups = store.read_matches(generation.generation_id, offset=0, limit=10)
    expected = [
        (profile_id(0), profile_id(1)),
        (profile_id(2), profile_id(3)),
    ]
    assert expected == sorted(tuple(sorted(group.profile_ids)) for group in groups)


def test_progress_and_statuses_follow_the_stages(
    store: Store, domain: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Progress reports and stored statuses go PREPROCESSING then FIND_MATCHING."""
    seen: list[tuple[str, str]] = []

    def progress(stage: str, done: int, total: int) -> None:
        stored = store.unfinished_jobs(domain)[0].status
        assert 0 <= done <= total
        seen.append((stage, stored))

    with caplog.at_level(logging.INFO, logger="profilematch._jobs"):
        job = run(store, domain, progress=progress)

    stages = list(dict.fromkeys(seen))
    assert ("PREPROCESSING", "PREPROCESSING") == stages[0]
    assert ("FIND_MATCHING", "FIND_MATCHING") in stages
    assert ["FIND_MATCHING", "PREPROCESSING"] == sorted({stage for stage, _ in seen})
    assert "COMPLETED" == job.status
    messages = [record.getMessage() for record in caplog.records]
    assert any("PREPROCESSING done in" in m and "profiles 5" in m for m in messages)
    assert any("FIND_MATCHING done in" in m and "match groups 2" in m for m in messages)


def auto_merging_on() -> Matching:
    """Matching with auto-merging of profiles that share an email address."""
    return Matching.from_dict(
        {
            "Enabled": True,
            "AutoMerging": {
                "Enabled": True,
                "Consolidation": {"MatchingAttributesList": [["EmailAddress"]]},
                "ConflictResolution": {"ConflictResolvingModel": "RECENCY"},
            },
        }
    )


def test_auto_merging_merges_the_groups(store: Store) -> None:
    """With AutoMerging on, the job enters MERGING, merges and counts the merges."""
    make_domain(store, matching=auto_merging_on())
    statuses: list[str] = []
    original = _stages._auto_merge

    def spy(*args: Any) -> int:
        statuses.append(store.unfinished_jobs("retail")[0].status)
        return original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_stages, "_auto_merge", spy)
        job = run(store, "retail")

    assert ["MERGING"] == statuses
    assert "COMPLETED" == job.status
    assert job.auto_merging is not None
    assert job.auto_merging.enabled is True
    expected_stats = {
        "NumberOfProfilesReviewed": 5,
        "NumberOfMatchesFound": 2,
        "NumberOfMergesDone": 2,
    }
    assert expected_stats == job.job_stats.to_dict()
    assert 3 == store.count_profiles("retail")
    generation = store.latest_generation("retail")
    assert generation is not None
    assert 0 == generation.potential_matches


def test_failure_after_merging_undoes_the_merges(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job failing after its merges leaves every profile as it was."""
    make_domain(store, matching=auto_merging_on())

    def broken(self: Store, *args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(Store, "write_generation", broken)
    job = run(store, "retail")

    assert "FAILED" == job.status
    assert "MERGING" in (job.message or "")
    assert 5 == store.count_profiles("retail")
    assert store.latest_generation("retail") is None


def test_unknown_domain_is_not_found(store: Store) -> None:
    """Running a job on a domain that does not exist raises ResourceNotFound."""
    with pytest.raises(ResourceNotFoundException):
        run(store, "nowhere")


def test_matching_disabled_is_refused(store: Store) -> None:
    """A domain without matching enabled refuses a job, naming Matching.Enabled."""
    make_domain(store, matching=Matching(enabled=False))

    with pytest.raises(BadRequestException) as caught:
        run(store, "retail")

    assert "Matching.Enabled" == caught.value.field
    assert [] == store.list_jobs("retail", limit=10)


# -- the model ------------------------------------------------------------------


def test_job_stores_its_model(store: Store, domain: str) -> None:
    """The model that scored a job is stored with it as ModelParameters JSON."""
    job = run(store, domain)

    stored = store.get_job(domain, job.job_id).model_json
    assert stored is not None
    model = ModelParameters.from_dict(json.loads(stored))
    assert json.loads(stored) == model.to_dict()


def test_reuse_model_passes_the_last_model(
    store: Store, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """reuse_model=True scores with the domain's last stored model."""
    first = run(store, domain)
    stored = store.get_job(domain, first.job_id).model_json
    assert stored is not None
    received: list[Any] = []
    original = _stages.match_features

    def spy(features: Any, **options: Any) -> Any:
        received.append(options["model"])
        return original(features, **options)

    monkeypatch.setattr(_stages, "match_features", spy)
    run(store, domain, reuse_model=True)
    run(store, domain)

    assert ModelParameters.from_dict(json.loads(stored)) == received[0]
    assert received[1] is None


# -- failure ----------------------------------------------------------------------


def test_failure_in_matching_keeps_the_previous_generation(
    store: Store, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job that fails while matching is FAILED with the reason; old results stay."""
    first = run(store, domain)
    before = store.latest_generation(domain)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("comparison exploded")

    monkeypatch.setattr(_stages, "match_features", broken)
    failed = run(store, domain)

    assert "FAILED" == failed.status
    assert failed.message is not None
    assert "FIND_MATCHING" in failed.message
    assert "comparison exploded" in failed.message
    assert failed.job_end_time is not None
    assert before == store.latest_generation(domain)
    assert first.job_id == store.latest_generation(domain).job_id
    assert [] == store.unfinished_jobs(domain)


def test_failure_while_writing_leaves_nothing_partial(
    store: Store, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the generation's rows are written rolls them all back."""
    run(store, domain)
    before = store.latest_generation(domain)
    assert before is not None
    rows_before = store.read_matches(before.generation_id, offset=0, limit=10)
    original = Store.write_generation

    def write_then_fail(self: Store, *args: Any, **kwargs: Any) -> int:
        original(self, *args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(Store, "write_generation", write_then_fail)
    failed = run(store, domain)

    assert "FAILED" == failed.status
    assert "disk full" in (failed.message or "")
    assert before == store.latest_generation(domain)
    assert rows_before == store.read_matches(before.generation_id, offset=0, limit=10)
    assert failed.job_stats is None


def test_killed_process_leaves_a_failed_job(tmp_path: Path) -> None:
    """A process killed mid-job leaves the store consistent and the job FAILED."""
    path = str(tmp_path / "store.db")
    with Store(path) as setup:
        make_domain(setup)
    script = textwrap.dedent(
        f"""
        import os
        from profilematch._jobs import run
        from profilematch._store import Store

        def die(stage, done, total):
            if stage == "FIND_MATCHING":
                os._exit(9)

        run(Store({path!r}), "retail", progress=die)
        """
    )

    completed = subprocess.run([sys.executable, "-c", script], check=False)

    assert 9 == completed.returncode
    with Store(path) as reopened:
        jobs = list_jobs(reopened, "retail").identity_resolution_jobs_list
        assert ["FAILED"] == [job.status for job in jobs]
        assert "stopped before the job finished" in (jobs[0].message or "")
        assert reopened.latest_generation("retail") is None
        assert jobs[0] == get_job(reopened, "retail", jobs[0].job_id)


def test_job_left_by_this_process_is_failed_on_read(store: Store, domain: str) -> None:
    """An unfinished job without a live lease shows as FAILED when read."""
    store.insert_job(
        JobRecord(
            domain_name=domain,
            job_id="a" * 32,
            status="FIND_MATCHING",
            job_start_time=THURSDAY,
        )
    )

    job = get_job(store, domain, "a" * 32)

    assert "FAILED" == job.status
    assert job.job_end_time is not None


def test_job_of_a_live_process_is_left_running(store: Store, domain: str) -> None:
    """An unfinished job whose lease a live process holds is not touched."""
    store.insert_job(
        JobRecord(domain_name=domain, job_id="b" * 32, status="FIND_MATCHING")
    )
    owner = f"{_jobs._HOST}:{os.getppid()}:x"
    store.acquire_lease(f"job:{domain}:{'b' * 32}", owner, ttl_seconds=600)

    job = get_job(store, domain, "b" * 32)

    assert "FIND_MATCHING" == job.status


# -- listing ------------------------------------------------------------------------


def test_list_jobs_newest_first_in_pages(store: Store, domain: str) -> None:
    """Jobs list by start time, newest first, a page at a time with a token."""
    ids = [
        run(store, domain, now=THURSDAY + timedelta(hours=h)).job_id for h in range(3)
    ]

    first = list_jobs(store, domain, max_results=2)
    assert first.next_token is not None
    second = list_jobs(store, domain, max_results=2, next_token=first.next_token)

    listed = [job.job_id for job in first.identity_resolution_jobs_list]
    listed += [job.job_id for job in second.identity_resolution_jobs_list]
    assert ids[::-1] == listed
    assert second.next_token is None
    assert "NextToken" in first.to_dict()
    items = first.to_dict()["IdentityResolutionJobsList"]
    assert 2 == len(items)
    assert "LastUpdatedAt" not in items[0]


def test_list_jobs_refuses_a_token_of_another_domain(store: Store, domain: str) -> None:
    """A jobs token from one domain is refused for another."""
    make_domain(store, "other")
    for hour in range(2):
        run(store, domain, now=THURSDAY + timedelta(hours=hour))
    token = list_jobs(store, domain, max_results=1).next_token

    with pytest.raises(BadRequestException) as caught:
        list_jobs(store, "other", next_token=token)

    assert "next_token" == caught.value.field


@pytest.mark.parametrize("max_results", [0, 101])
def test_list_jobs_refuses_max_results_out_of_range(
    store: Store, domain: str, max_results: int
) -> None:
    """max_results outside 1..100 is a BadRequestException."""
    with pytest.raises(BadRequestException) as caught:
        list_jobs(store, domain, max_results=max_results)

    assert max_results == caught.value.value


def test_get_unknown_job_is_not_found(store: Store, domain: str) -> None:
    """An unknown job id raises ResourceNotFoundException."""
    with pytest.raises(ResourceNotFoundException):
        get_job(store, domain, "f" * 32)


def test_get_malformed_job_id_is_refused(store: Store, domain: str) -> None:
    """A job id that is not 32 lowercase hex characters is a BadRequestException."""
    with pytest.raises(BadRequestException) as caught:
        get_job(store, domain, "NOT-A-JOB")

    assert "JobId" == caught.value.field


# -- the schedule ----------------------------------------------------------------


def test_run_due_jobs_with_a_fixed_clock(store: Store, domain: str) -> None:
    """A domain runs once when Saturday 00:00 comes, and not again that week."""
    before = run_due_jobs(store, THURSDAY + timedelta(days=1))
    due = run_due_jobs(store, SATURDAY)
    again = run_due_jobs(store, SATURDAY + timedelta(hours=5))

    assert [] == before
    assert [(domain, "COMPLETED", SATURDAY)] == [
        (job.domain_name, job.status, job.job_start_time) for job in due
    ]
    assert [] == again
    assert SATURDAY + timedelta(days=7) == next_job_time_of(store, domain)


def test_missed_runs_collapse_into_one_job(store: Store, domain: str) -> None:
    """Three missed Saturdays make one job."""
    jobs = run_due_jobs(store, SATURDAY + timedelta(days=15))

    assert 1 == len(jobs)
    assert 1 == len(list_jobs(store, domain).identity_resolution_jobs_list)


def test_run_due_jobs_follows_each_domains_schedule(store: Store) -> None:
    """Each domain runs at its own JobSchedule; disabled domains never run."""
    friday_noon = JobSchedule(day_of_the_week="FRIDAY", time="12:00")
    make_domain(store, "a", matching=Matching(enabled=True, job_schedule=friday_noon))
    make_domain(store, "b", matching=Matching(enabled=True))
    make_domain(store, "c", matching=Matching(enabled=False))

    friday = run_due_jobs(store, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    saturday = run_due_jobs(store, SATURDAY)

    assert ["a"] == [job.domain_name for job in friday]
    assert ["b"] == [job.domain_name for job in saturday]
    assert datetime(2026, 12, 11, 12, 0, tzinfo=UTC) == next_job_time_of(store, "a")


def test_next_job_time_before_the_first_job(store: Store, domain: str) -> None:
    """Before any job, the next run is the first scheduled time after creation."""
    assert SATURDAY == next_job_time_of(store, domain)


def test_two_concurrent_callers_run_a_due_job_once(tmp_path: Path) -> None:
    """Two callers at the same moment, each with its own store, run each job once."""
    path = str(tmp_path / "store.db")
    with Store(path) as setup:
        make_domain(setup, "one")
        make_domain(setup, "two")
    barrier = threading.Barrier(2)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def caller() -> None:
        try:
            with Store(path, busy_timeout=30) as store:
                barrier.wait()
                results.append(
                    [job.domain_name for job in run_due_jobs(store, SATURDAY)]
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=caller) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [] == errors
    assert ["one", "two"] == sorted(name for names in results for name in names)
    with Store(path) as check:
        assert 1 == len(check.list_jobs("one", limit=10))
        assert 1 == len(check.list_jobs("two", limit=10))


def test_switching_matching_off_drops_a_queued_job(store: Store) -> None:
    """A due job queued behind another is removed if matching is switched off."""
    make_domain(store, "a")
    make_domain(store, "b")
    disabled = {"DefaultExpirationDays": 30, "Matching": {"Enabled": False}}

    def switch_off_b(stage: str, done: int, total: int) -> None:
        store.update_domain("b", disabled)

    ran = run_due_jobs(store, SATURDAY, progress=switch_off_b)

    assert ["a"] == [job.domain_name for job in ran]
    assert [] == store.list_jobs("b", limit=10)


def test_discard_pending_jobs_removes_only_pending(store: Store, domain: str) -> None:
    """Switching matching off removes queued jobs and keeps finished ones."""
    done = run(store, domain)
    store.insert_job(JobRecord(domain_name=domain, job_id="c" * 32, status="PENDING"))

    removed = discard_pending_jobs(store, domain)

    assert 1 == removed
    assert [done.job_id] == [job.job_id for job in store.list_jobs(domain, limit=10)]


# -- export ------------------------------------------------------------------------


def test_export_to_a_directory(store: Store, domain: str, tmp_path: Path) -> None:
    """A job exports its groups to a directory and names the file in its message."""
    job = run(store, domain, export_to=tmp_path, now=SATURDAY)

    files = list(tmp_path.iterdir())
    assert "COMPLETED" == job.status
    assert 1 == len(files)
    assert job.message is not None
    assert files[0].as_uri() in job.message
    records = [json.loads(line) for line in files[0].read_text().splitlines()]
    assert 2 == len(records)
    assert {"MatchId", "ProfileIds", "ConfidenceScore", "MatchGenerationDate"} == set(
        records[0]
    )


def exporting(bucket: str) -> Matching:
    """Matching enabled with an S3 export to ``bucket`` under 'weekly/'."""
    return Matching(
        enabled=True,
        exporting_config=ExportingConfig(
            s3_exporting=S3ExportingConfig(s3_bucket_name=bucket, s3_key_name="weekly")
        ),
    )


def test_export_to_s3_reports_the_location(s3: Any, store: Store) -> None:
    """With ExportingConfig a job writes to S3 and reports ExportingLocation."""
    make_domain(store, matching=exporting("results"))

    job = run(store, "retail", now=SATURDAY)

    assert "COMPLETED" == job.status
    assert job.exporting_location is not None
    location = job.exporting_location.s3_exporting
    assert location is not None
    assert "results" == location.s3_bucket_name
    assert location.s3_key_name is not None
    assert location.s3_key_name.startswith("weekly/retail-20261205T000000Z-")
    body = s3.get_object(Bucket="results", Key=location.s3_key_name)["Body"].read()
    assert 2 == len(body.splitlines())


def test_failed_export_is_partial_success(s3: Any, store: Store) -> None:
    """An export to a missing bucket leaves the job PARTIAL_SUCCESS, results kept."""
    make_domain(store, matching=exporting("no-such-bucket"))

    job = run(store, "retail")

    assert "PARTIAL_SUCCESS" == job.status
    assert job.message is not None
    assert "no-such-bucket" in job.message
    assert job.exporting_location is None
    assert job.job_end_time is not None
    generation = store.latest_generation("retail")
    assert generation is not None
    assert (job.job_id, 2) == (generation.job_id, generation.potential_matches)


# -- store support -----------------------------------------------------------------


def test_store_lease_owner_ignores_expired_leases(store: Store) -> None:
    """lease_owner names the holder of a live lease and None once it expired."""
    store.acquire_lease("x", "me", ttl_seconds=60, now=THURSDAY)

    live = store.lease_owner("x", now=THURSDAY + timedelta(seconds=59))
    expired = store.lease_owner("x", now=THURSDAY + timedelta(seconds=60))

    assert "me" == live
    assert expired is None


def test_store_unfinished_and_delete_job(store: Store, domain: str) -> None:
    """unfinished_jobs lists non-final jobs; delete_job removes one."""
    store.insert_job(JobRecord(domain_name=domain, job_id="d" * 32, status="PENDING"))
    store.insert_job(JobRecord(domain_name=domain, job_id="e" * 32, status="FAILED"))

    unfinished = [job.job_id for job in store.unfinished_jobs(domain)]
    store.delete_job(domain, "d" * 32)

    assert ["d" * 32] == unfinished
    assert ["e" * 32] == [job.job_id for job in store.list_jobs(domain, limit=10)]


def test_match_options_reach_the_matcher(
    store: Store, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The options given to a job are the ones the matcher runs with."""
    received: list[MatchOptions] = []
    original = _stages.match_features

    def spy(features: Any, **options: Any) -> Any:
        received.append(options["options"])
        return original(features, **options)

    monkeypatch.setattr(_stages, "match_features", spy)
    run(store, domain, options=MatchOptions(threshold=0.9, seed=7, workers=1))

    assert (0.9, 7) == (received[0].threshold, received[0].seed)


# -- the Client --------------------------------------------------------------------


@pytest.fixture
def client() -> Iterator[Client]:
    """An in-memory Client with the PEOPLE profiles in domain 'retail'."""
    with Client() as opened:
        opened.create_domain(
            "retail", default_expiration_days=30, matching=Matching(enabled=True)
        )
        opened.put_profiles(
            "retail",
            [
                {
                    "FirstName": first,
                    "LastName": last,
                    "EmailAddress": email,
                    "PhoneNumber": phone,
                    "BirthDate": birth,
                }
                for first, last, email, phone, birth in PEOPLE
            ],
        )
        yield opened


def test_client_runs_lists_and_gets_jobs(client: Client) -> None:
    """The Client runs a job, lists it and gets it, and get_matches reads its groups."""
    job = client.run_identity_resolution_job("retail")

    page = client.list_identity_resolution_jobs("retail", max_results=10)
    assert "COMPLETED" == job.status
    assert [job] == list(page.identity_resolution_jobs_list)
    assert job == client.get_identity_resolution_job("retail", job.job_id)
    assert 2 == client.get_matches("retail").potential_matches


def test_client_job_options_reach_the_matcher(client: Client) -> None:
    """A threshold above every confidence score leaves no match groups."""
    job = client.run_identity_resolution_job("retail", threshold=1.0)

    assert job.job_stats is not None
    assert 0 == job.job_stats.number_of_matches_found


def test_client_schedule_calls(client: Client) -> None:
    """next_job_time names the coming Saturday, and run_due_jobs runs it then."""
    upcoming = client.next_job_time("retail")

    ran = client.run_due_jobs(upcoming)

    assert 5 == upcoming.weekday()
    assert (0, 0) == (upcoming.hour, upcoming.minute)
    assert ["retail"] == [job.domain_name for job in ran]
    assert upcoming + timedelta(days=7) == client.next_job_time("retail")


def test_client_get_job_of_unknown_domain_is_not_found(client: Client) -> None:
    """Asking for a job of a domain that does not exist is ResourceNotFound."""
    with pytest.raises(ResourceNotFoundException):
        client.get_identity_resolution_job("elsewhere", "a" * 32)


# -- the job report ------------------------------------------------------------


def test_report_names_oversized_blocking_keys_and_invalid_values() -> None:
    """A shared placeholder email is reported with its size, and bad phones counted."""
    client = Client()
    client.create_domain(
        "retail", default_expiration_days=30, matching=Matching(enabled=True)
    )
    rows = [
        {
            "FirstName": f"Person{index}",
            "LastName": f"Family{index}",
            "EmailAddress": "test@test.com",
            "PhoneNumber": "call me" if index == 0 else None,
        }
        for index in range(6)
    ]
    client.put_profiles("retail", rows)

    job = client.run_identity_resolution_job("retail", max_block_size=3)
    report = client.get_job_report("retail", job.job_id)

    assert job.job_id == report.job_id
    assert 6 == report.profiles
    assert 6 in report.oversized_blocking_keys.values()
    assert any("test@test.com" in key for key in report.oversized_blocking_keys)
    assert "made no candidate pairs" in (job.message or "")
    assert {"PhoneNumber": 1} == dict(report.invalid_values)
    assert JobReport.from_dict(report.to_dict()) == report


def test_report_of_a_failed_job_is_not_found(
    store: Store, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job that failed before matching finished has no report, and says why."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("matcher broke")

    monkeypatch.setattr(_stages, "match_features", broken)
    job = run(store, domain, now=SATURDAY)

    with pytest.raises(ResourceNotFoundException, match="FAILED"):
        _jobs.get_report(store, domain, job.job_id)


def test_report_lists_oversized_keys_largest_first_after_storage() -> None:
    """The stored report gives the oversized blocking keys largest first."""
    client = Client()
    client.create_domain(
        "retail", default_expiration_days=30, matching=Matching(enabled=True)
    )
    rows = [
        {"FirstName": f"P{n}", "LastName": f"F{n}", "EmailAddress": "a@shared.example"}
        for n in range(4)
    ] + [
        {"FirstName": f"Q{n}", "LastName": f"G{n}", "EmailAddress": "z@shared.example"}
        for n in range(6)
    ]
    client.put_profiles("retail", rows)

    job = client.run_identity_resolution_job("retail", max_block_size=3)
    keys = list(client.get_job_report("retail", job.job_id).oversized_blocking_keys)

    assert "z@shared.example" in keys[0]
    assert "a@shared.example" in keys[1]


def test_export_keeps_the_oversized_key_note(tmp_path: Path) -> None:
    """A job that exports still names the oversized keys in its message."""
    client = Client()
    client.create_domain(
        "retail", default_expiration_days=30, matching=Matching(enabled=True)
    )
    client.put_profiles(
        "retail",
        [{"FirstName": f"P{n}", "EmailAddress": "test@test.com"} for n in range(5)],
    )

    job = client.run_identity_resolution_job(
        "retail", max_block_size=3, export_to=tmp_path
    )

    assert "made no candidate pairs" in (job.message or "")
    assert "Exported the match groups" in (job.message or "")
