"""Jobs and merging: the Client's calls that run jobs and merge profiles.

The work is done in :mod:`profilematch._jobs` and :mod:`profilematch._merge`;
these calls hand them the store, the arguments and the client's phone region.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from profilematch import _jobs
from profilematch._client._base import ClientBase, checked
from profilematch._jobs import JobReport, JobsPage, Progress
from profilematch._matcher import MatchOptions
from profilematch._merge import AutoMergingPreview, ModelLike
from profilematch._merge import get_auto_merging_preview as _preview
from profilematch._merge import merge_profiles as _merge_profiles
from profilematch._models import IdentityResolutionJob


class ResolutionMixin(ClientBase):
    """The Client's merging and identity resolution job calls."""

    __slots__ = ()

    # -- merging -------------------------------------------------------------------

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
