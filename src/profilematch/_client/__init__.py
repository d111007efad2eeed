"""The Client: the service's operations as Python calls over the embedded store.

Every call checks its input against the service model before touching the
store, and raises BadRequestException naming the field, the rule and the value
received. Responses are the models of :mod:`profilematch._models`, whose
``to_dict()`` is the service's response shape.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

from profilematch import _jobs
from profilematch._client._base import check_workers, checked, profile_from_record
from profilematch._client._domains import DomainsMixin, DomainsPage
from profilematch._client._ingest import IngestMixin
from profilematch._client._profiles import BatchGetProfileResult, ProfilesMixin
from profilematch._client._search import (
    SEARCH_KEYS,
    ProfilesPage,
    SearchMixin,
    search_keys,
)
from profilematch._compare import compare
from profilematch._config import check_region
from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._features import ProfileFeatures, profile_features
from profilematch._jobs import JobReport, JobsPage, Progress
from profilematch._matcher import Explanation, MatchOptions, explain
from profilematch._merge import AutoMergingPreview, ModelLike
from profilematch._merge import get_auto_merging_preview as _preview
from profilematch._merge import merge_profiles as _merge_profiles
from profilematch._models import IdentityResolutionJob, MatchesPage, MatchItem, Profile
from profilematch._paging import check_max_results
from profilematch._score import KnownCounts, ModelParameters, TermFrequencies
from profilematch._store import Store

__all__ = [
    "SEARCH_KEYS",
    "BatchGetProfileResult",
    "Client",
    "DomainsPage",
    "ProfilesPage",
    "search_keys",
]

logger = logging.getLogger(__name__)


@attrs.define
class Client(ProfilesMixin, IngestMixin, SearchMixin, DomainsMixin):
    """Identity resolution over an embedded SQLite store.

    Args:
        path: a database file, created with its schema on first use; None (the
            default) or ``":memory:"`` keeps everything in memory.
        default_region: the phone region for numbers written without a country
            code when a profile's address names no country; None uses the
            library default (``profilematch.get_default_region()``, "US").
        workers: processes that normalize the profiles of one ``put_profiles``
            call; None uses every core for calls of 5,000 profiles or more
            (where the platform forks), 1 never starts a process.

    The client is a context manager, and safe to share between threads; two
    processes may use one file at once.

    Example:
        >>> import profilematch as pm
        >>> with pm.Client() as client:
        ...     domain = client.create_domain("retail", default_expiration_days=366)
        ...     domain.domain_name
        'retail'
    """

    path: str | os.PathLike[str] | None = None
    default_region: str | None = attrs.field(default=None, kw_only=True)
    workers: int | None = attrs.field(default=None, kw_only=True)
    _store: Store = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        if self.default_region is not None:
            check_region(self.default_region)
        if self.workers is not None:
            check_workers(self.workers)
        target = None if self.path is None else os.fspath(self.path)
        self._store = Store(target)

    def close(self) -> None:
        """Close the store; the client cannot be used afterwards."""
        self._store.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- matches -------------------------------------------------------------------

    def get_matches(
        self,
        domain_name: str,
        max_results: int = 100,
        next_token: str | None = None,
    ) -> MatchesPage:
        """Return a page of match groups from the latest identity resolution job.

        Groups are ordered by confidence score, highest first, then by match id.
        Pass the page's ``next_token`` back for the next page; a token stays
        valid while its generation of results is kept (the latest and the one
        before it).

        Args:
            domain_name: the domain.
            max_results: 1 to 100 groups per page (default 100).
            next_token: the previous page's token, or None for the first page.

        Returns:
            A MatchesPage: matches, match_generation_date, potential_matches
            (groups in the whole generation) and next_token (None on the last
            page). Before the first job: no matches and potential_matches 0.

        Raises:
            BadRequestException: matching is not enabled for the domain;
                max_results is outside 1 to 100; the token is not 1 to 1,024
                characters, malformed, altered, from another domain or store,
                or its results were regenerated.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> client.get_matches("retail").potential_matches
            0
        """
        checked(DomainName=domain_name)
        limit = check_max_results(max_results)
        token = None
        if next_token is not None:
            token = self._decode("matches", domain_name, next_token)
            if not isinstance(token.position, int) or token.position < 0:
                raise self._bad_position(next_token)

        with self._store.snapshot():
            domain = self._domain(self._store.get_domain(domain_name))
            if domain.matching is None or not domain.matching.enabled:
                raise BadRequestException(
                    f"Matching.Enabled: identity resolution is not enabled for "
                    f"domain {domain_name!r}; enable it with update_domain("
                    f"{domain_name!r}, matching=Matching(enabled=True)) and run a job",
                    field="Matching.Enabled",
                    rule="must be true",
                    value=False if domain.matching is None else domain.matching.enabled,
                )
            if token is None:
                generation = self._store.latest_generation(domain_name)
                offset = 0
            else:
                assert token.generation is not None and next_token is not None
                generation = self._store.get_generation(domain_name, token.generation)
                offset = token.position
                if generation is None:
                    raise BadRequestException(
                        "next_token: the match results were regenerated since this "
                        "token was issued (a newer job replaced them); start again "
                        "from the first page with next_token=None",
                        field="next_token",
                        rule="current generation",
                        value=next_token,
                    )
            if generation is None:
                return MatchesPage(matches=(), potential_matches=0)
            rows = self._store.read_matches(
                generation.generation_id, offset=offset, limit=limit
            )

        matches = tuple(
            MatchItem(
                match_id=row.match_id,
                profile_ids=row.profile_ids,
                confidence_score=row.confidence_score,
            )
            for row in rows
        )
        end = offset + len(rows)
        following = None
        if end < generation.potential_matches:
            following = self._encode(
                "matches", domain_name, generation.generation_id, end
            )

        return MatchesPage(
            matches=matches,
            match_generation_date=generation.created_at,
            next_token=following,
            potential_matches=generation.potential_matches,
        )

    def iter_matches(self, domain_name: str) -> Iterator[MatchItem]:
        """Yield every match group of the latest results, across pages.

        Raises:
            The errors of get_matches.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> list(client.iter_matches("retail"))
            []
        """
        next_token: str | None = None
        while True:
            page = self.get_matches(domain_name, max_results=100, next_token=next_token)
            yield from page.matches
            if page.next_token is None:
                return
            next_token = page.next_token

    # -- merging -------------------------------------------------------------------

    def explain_match(
        self,
        domain_name: str,
        profile_id_a: str,
        profile_id_b: str,
        *,
        job_id: str | None = None,
    ) -> Explanation:
        """Explain how two stored profiles score, attribute family by family.

        The pair is scored with the model trained by the domain's latest job
        that stored one (or by ``job_id``), so the explanation shows the same
        comparison levels and match weights that produced the match groups.
        Before any job ran, the built-in model is used. The shared name, email
        and phone values are counted over the domain's stored profiles, and a
        household or suffix veto is reported, so the probability is the one a
        job over the profiles stored now gives the pair.

        Args:
            domain_name: the domain.
            profile_id_a: one profile.
            profile_id_b: the other profile.
            job_id: the job whose model to use; default the latest.

        Returns:
            The explanation: ``str()`` is a terminal table, and a notebook
            shows an HTML table.

        Raises:
            BadRequestException: a name or id breaks its rules.
            ResourceNotFoundException: no such domain, profile or job, or the
                job stored no model (it failed before matching).

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> a = client.create_profile("retail", first_name="Ann", last_name="Lee")
            >>> b = client.create_profile("retail", first_name="Anne", last_name="Lee")
            >>> 0.0 <= client.explain_match("retail", a, b).probability <= 1.0
            True
        """
        first = self._stored_features(domain_name, profile_id_a)
        second = self._stored_features(domain_name, profile_id_b)
        if job_id is not None:
            job = _jobs.get_job(self._store, domain_name, job_id)
            stored = self._store.get_job(domain_name, job_id).model_json
            if stored is None:
                raise ResourceNotFoundException(
                    f"identity resolution job {job_id} stored no model (status "
                    f"{job.status}); leave job_id out to use the latest model"
                )
        else:
            stored = self._store.latest_model_json(domain_name)
        options = MatchOptions(default_region=self.region)
        counts = self._value_counts(domain_name, first, second)
        if stored is None:
            return explain(first, second, options=options, counts=counts)

        model = ModelParameters.from_dict(json.loads(stored))

        return explain(first, second, model=model, options=options, counts=counts)

    def _stored_features(self, domain_name: str, profile_id: str) -> ProfileFeatures:
        """The features a job compares for a stored profile.

        Raises:
            BadRequestException: the domain name or profile id breaks its rules.
            ResourceNotFoundException: no such domain or profile.
        """
        checked(DomainName=domain_name, ProfileId=profile_id)
        record = self._store.get_profile(domain_name, profile_id)

        if record.features_json is None:
            profile = profile_from_record(record)
            return profile_features(profile, default_region=self.region)
        features = ProfileFeatures.from_json(record.features_json)
        return attrs.evolve(features, profile_id=profile_id)

    def _value_counts(
        self, domain_name: str, first: ProfileFeatures, second: ProfileFeatures
    ) -> KnownCounts:
        """How many stored profiles hold the name, email and phone two profiles share.

        The same counts a job takes over every profile's features, taken by
        queries instead. A phone in E.164 is a search key written from the
        features at ingest, so an indexed lookup counts it. The email and
        full name search keys are the raw values case-folded (display names,
        accents and titles kept), not the canonical values the features hold,
        so names, emails and local phones are counted from the features of
        the profiles whose features JSON contains the value (one pass in SQL,
        parsing only those rows).
        """
        _, exact = compare(first, second)
        counts: dict[tuple[str, str], int] = {}
        scanned: list[tuple[str, str]] = []
        texts: list[str] = []
        for family, value in zip(("name", "email", "phone"), exact, strict=True):
            if value is None:
                continue
            if family == "phone" and value.startswith("+"):
                held = self._store.count_key_holders(domain_name, "_phone", value)
                counts[family, value] = held
                continue
            scanned.append((family, value))
            # Every word of a shared name is inside the first or last name (or
            # the business name tokens) of each profile holding it.
            word = max(value.split(), key=len) if family == "name" else value
            texts.append(json.dumps(word, ensure_ascii=False)[1:-1])

        holders = []
        for profile_id, features_json, raw in self._store.features_containing(
            domain_name, texts
        ):
            if features_json is not None:
                holders.append(ProfileFeatures.from_json(features_json))
            elif raw is not None:
                profile = Profile.from_dict({**raw, "ProfileId": profile_id})
                holders.append(profile_features(profile, default_region=self.region))
        frequencies = TermFrequencies(holders)
        for family, value in scanned:
            counts[family, value] = frequencies.counts[family].get(value, 1)

        return KnownCounts(
            profiles=self._store.count_profiles(domain_name), counts=counts
        )

    def merge_profiles(
        self,
        domain_name: str,
        main_profile_id: str,
        profile_ids_to_be_merged: Sequence[str],
        field_source_profile_ids: ModelLike | None = None,
    ) -> str:
        """Merge 1 to 20 profiles into a main profile, as the service's MergeProfiles.

        Fields only one profile has are combined; on a conflict the main
        profile's value wins, unless ``field_source_profile_ids`` names the
        profile to take a field from (its value wins even when empty).
        Addresses are taken whole, Attributes key by key. The merged profiles
        are deleted; asking for one afterwards says which profile it went
        into. One transaction; a merge cannot be undone.

        Args:
            domain_name: the domain.
            main_profile_id: the profile that remains.
            profile_ids_to_be_merged: 1 to 20 profiles to merge into it.
            field_source_profile_ids: a FieldSourceProfileIds, or a dict in
                its shape (``{"EmailAddress": "<id>", "Attributes": {...}}``).

        Returns:
            A message saying what was merged.

        Raises:
            BadRequestException: an id is malformed or repeated, the main id
                is among those to merge, or a field source is not one of the
                merged profiles; nothing changed.
            ResourceNotFoundException: no such domain, or a profile is not in
                it (unknown, in another domain, or already merged); nothing
                changed.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> ann = client.create_profile("retail", first_name="Ann")
            >>> lee = client.create_profile("retail", last_name="Lee")
            >>> _ = client.merge_profiles("retail", ann, [lee])
            >>> client.get_profile("retail", ann).last_name
            'Lee'
        """
        return _merge_profiles(
            self._store,
            domain_name,
            main_profile_id,
            profile_ids_to_be_merged,
            field_source_profile_ids,
            default_region=self.region,
        )

    def get_auto_merging_preview(
        self,
        domain_name: str,
        consolidation: ModelLike,
        conflict_resolution: ModelLike,
        min_allowed_confidence_score_for_merging: float | None = None,
        *,
        sample_size: int = 1000,
        seed: int | None = None,
    ) -> AutoMergingPreview:
        """Dry-run auto-merging settings on a sample of the latest match groups.

        Nothing changes. The sample is drawn with a seeded random generator,
        so the same results and settings give the same figures.

        Args:
            domain_name: the domain.
            consolidation: the criteria to try (a Consolidation or its dict).
            conflict_resolution: RECENCY or SOURCE (a ConflictResolution or
                its dict).
            min_allowed_confidence_score_for_merging: only groups scored at
                least this (0.0 to 1.0) would merge; None lets all through.
            sample_size: the most match groups to sample.
            seed: the sampling seed; None derives one from the domain and the
                results.

        Returns:
            The service's response: ``to_dict()`` gives DomainName,
            NumberOfMatchesInSample, NumberOfProfilesInSample and
            NumberOfProfilesWillBeMerged.

        Raises:
            BadRequestException: a setting breaks a rule (1 to 10 criteria of
                1 to 20 known attribute names; SOURCE needs a SourceName).
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> preview = client.get_auto_merging_preview(
            ...     "retail",
            ...     {"MatchingAttributesList": [["FirstName", "EmailAddress"]]},
            ...     {"ConflictResolvingModel": "RECENCY"},
            ... )
            >>> preview.number_of_profiles_will_be_merged
            0
        """
        checked(DomainName=domain_name)

        return _preview(
            self._store,
            domain_name,
            consolidation,
            conflict_resolution,
            min_allowed_confidence_score_for_merging,
            sample_size=sample_size,
            seed=seed,
            default_region=self.region,
        )

    # -- identity resolution jobs ----------------------------------------------

    def run_identity_resolution_job(
        self,
        domain_name: str,
        *,
        progress: Progress | None = None,
        reuse_model: bool = False,
        export_to: str | os.PathLike[str] | None = None,
        threshold: float | None = None,
        max_block_size: int | None = None,
        seed: int | None = None,
        now: datetime | None = None,
    ) -> IdentityResolutionJob:
        """Run an identity resolution job on a domain now.

        The job loads the profiles (PREPROCESSING), finds match groups
        (FIND_MATCHING), merges them when the domain's AutoMerging is on
        (MERGING) and stores them as the results get_matches reads. With an
        ExportingConfig (or ``export_to``) it then exports them as JSON lines.

        Args:
            domain_name: the domain; its Matching must be enabled.
            progress: called with ``(stage, done, total)`` as the job advances.
            reuse_model: score with the model the domain's last job stored
                instead of training a new one.
            export_to: a directory, ``file://`` or ``s3://`` URL to export to
                instead of the domain's ExportingConfig.
            threshold: the confidence at which two profiles are linked.
            max_block_size: a blocking key shared by more profiles makes no pairs.
            seed: the seed of the random pairs the model is trained on.
            now: the time to stamp the job with (default: the current time).

        Returns:
            The finished job: COMPLETED, PARTIAL_SUCCESS (the export failed;
            results stored) or FAILED (the reason in its message; the previous
            results are kept).

        Raises:
            BadRequestException: a rule is broken, or matching is not enabled.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> client.run_identity_resolution_job("retail").status
            'COMPLETED'
        """
        checked(DomainName=domain_name)
        settings: dict[str, Any] = {
            name: value
            for name, value in (
                ("threshold", threshold),
                ("max_block_size", max_block_size),
                ("seed", seed),
            )
            if value is not None
        }
        options = MatchOptions(default_region=self.region, **settings)

        return _jobs.run(
            self._store,
            domain_name,
            progress=progress,
            options=options,
            reuse_model=reuse_model,
            export_to=export_to,
            now=now,
        )

    def list_identity_resolution_jobs(
        self,
        domain_name: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> JobsPage:
        """Return a page of a domain's identity resolution jobs, newest first.

        Args:
            domain_name: the domain.
            max_results: 1 to 100 jobs per page (default 100).
            next_token: the previous page's token, or None for the first page.

        Returns:
            A JobsPage: identity_resolution_jobs_list and next_token (None on
            the last page).

        Raises:
            BadRequestException: max_results is outside 1 to 100, or the token
                is not one this domain's job list issued.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> job = client.run_identity_resolution_job("retail")
            >>> [j.job_id for j in client.list_identity_resolution_jobs(
            ...     "retail").identity_resolution_jobs_list] == [job.job_id]
            True
        """
        checked(DomainName=domain_name)

        return _jobs.list_jobs(
            self._store, domain_name, max_results=max_results, next_token=next_token
        )

    def get_identity_resolution_job(
        self, domain_name: str, job_id: str
    ) -> IdentityResolutionJob:
        """Return one identity resolution job.

        Raises:
            BadRequestException: the job id is not 32 lowercase hex characters.
            ResourceNotFoundException: no such domain or job.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> job = client.run_identity_resolution_job("retail")
            >>> client.get_identity_resolution_job("retail", job.job_id) == job
            True
        """
        checked(DomainName=domain_name)

        return _jobs.get_job(self._store, domain_name, job_id)

    def get_job_report(self, domain_name: str, job_id: str) -> JobReport:
        """Return what a finished job found beyond its JobStats.

        The report lists the blocking keys that were shared by too many
        profiles to make pairs (with their sizes), the values per attribute
        that could not be normalized, the candidate pairs and the seconds per
        matching stage.

        Raises:
            BadRequestException: the job id is not 32 lowercase hex characters.
            ResourceNotFoundException: no such domain or job, or the job did
                not finish matching.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> job = client.run_identity_resolution_job("retail")
            >>> client.get_job_report("retail", job.job_id).profiles
            0
        """
        checked(DomainName=domain_name)

        return _jobs.get_report(self._store, domain_name, job_id)

    def next_job_time(self, domain_name: str) -> datetime:
        """Return when the domain's next scheduled job is due (UTC).

        The schedule is the domain's JobSchedule, else Saturday 00:00 UTC. A
        time already past means run_due_jobs will run the job on its next call.

        Raises:
            BadRequestException: matching is not enabled for the domain.
            ResourceNotFoundException: no such domain.
        """
        checked(DomainName=domain_name)

        return _jobs.next_job_time_of(self._store, domain_name)

    def run_due_jobs(
        self, now: datetime | None = None, *, progress: Progress | None = None
    ) -> list[IdentityResolutionJob]:
        """Run the job of every enabled domain whose scheduled time has come.

        Missed times collapse into one job. Safe to call from cron or any
        scheduler: two processes calling it together run each due job once.

        Args:
            now: the current time (default: now).
            progress: called with ``(stage, done, total)`` as each job advances.

        Returns:
            The jobs run, in domain name order; empty when none was due.
        """
        options = MatchOptions(default_region=self.region)

        return _jobs.run_due_jobs(self._store, now, progress=progress, options=options)
