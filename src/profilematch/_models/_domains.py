"""Domains and their matching settings.

A domain names a collection of profiles. Its Matching settings say when its
identity resolution job runs (JobSchedule), whether and how the job merges the
match groups it finds (AutoMerging, with Consolidation and ConflictResolution)
and where it exports them (ExportingConfig).
"""

# ruff: noqa: RUF009
# RUF009 is off: the field helpers of _spec return attrs.field(...) definitions,
# not shared default values, which is what that rule guards against.

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from profilematch._models._base import _Model
from profilematch._models._spec import (
    _BOOLEAN,
    _COUNT,
    _DOMAIN_NAME,
    _EXPIRATION_DAYS,
    _SCORE,
    _TAGS,
    _TEXT,
    _TIMESTAMP,
    _field,
    _list,
    _nested,
    _str_field,
    _string,
)

__all__ = [
    "AutoMerging",
    "ConflictResolution",
    "Consolidation",
    "Domain",
    "DomainStats",
    "ExportingConfig",
    "JobSchedule",
    "ListDomainItem",
    "Matching",
    "S3ExportingConfig",
]

_DAYS = (
    "SUNDAY",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
)


@attrs.frozen(kw_only=True)
class JobSchedule(_Model):
    """The weekly time at which a domain's identity resolution job runs (UTC)."""

    day_of_the_week: str = _str_field(enum=_DAYS, required=True)
    time: str = _str_field(
        length=(3, 5),
        pattern=r"^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$",
        required=True,
    )


@attrs.frozen(kw_only=True)
class ConflictResolution(_Model):
    """How merging picks a value when profiles disagree."""

    conflict_resolving_model: str = _str_field(
        enum=("RECENCY", "SOURCE"), required=True
    )
    source_name: str | None = _str_field(length=_TEXT)


@attrs.frozen(kw_only=True)
class Consolidation(_Model):
    """Sets of attributes that must all agree for profiles to be merged."""

    matching_attributes_list: tuple[tuple[str, ...], ...] = _field(
        _list(_list(_string(length=_TEXT), count=(1, 20)), count=(1, 10)),
        required=True,
    )


@attrs.frozen(kw_only=True)
class AutoMerging(_Model):
    """Whether and how an identity resolution job merges the groups it finds."""

    enabled: bool = _field(_BOOLEAN, required=True)
    consolidation: Consolidation | None = _nested(Consolidation)
    conflict_resolution: ConflictResolution | None = _nested(ConflictResolution)
    min_allowed_confidence_score_for_merging: float | None = _field(_SCORE)


@attrs.frozen(kw_only=True)
class S3ExportingConfig(_Model):
    """The bucket (and key prefix) that a job's match groups are written to."""

    s3_bucket_name: str = _str_field(
        length=(3, 63), pattern=r"^[a-z0-9.-]+$", required=True
    )
    s3_key_name: str | None = _str_field(length=(1, 800), pattern=r".*")


@attrs.frozen(kw_only=True)
class ExportingConfig(_Model):
    """Where a domain's jobs export their match groups."""

    s3_exporting: S3ExportingConfig | None = _nested(S3ExportingConfig)


@attrs.frozen(kw_only=True)
class Matching(_Model):
    """A domain's identity resolution settings."""

    enabled: bool = _field(_BOOLEAN, required=True)
    job_schedule: JobSchedule | None = _nested(JobSchedule)
    auto_merging: AutoMerging | None = _nested(AutoMerging)
    exporting_config: ExportingConfig | None = _nested(ExportingConfig)


@attrs.frozen(kw_only=True)
class DomainStats(_Model):
    """Counts of what a domain holds."""

    profile_count: int | None = _field(_COUNT)
    metering_profile_count: int | None = _field(_COUNT)
    object_count: int | None = _field(_COUNT)
    total_size: int | None = _field(_COUNT)


@attrs.frozen(kw_only=True)
class Domain(_Model):
    """A domain: a named collection of profiles with its matching settings."""

    domain_name: str = _str_field(length=(1, 64), pattern=_DOMAIN_NAME, required=True)
    default_expiration_days: int = _field(_EXPIRATION_DAYS, required=True)
    default_encryption_key: str | None = _str_field(length=(0, 255))
    dead_letter_queue_url: str | None = _str_field(length=(0, 255))
    matching: Matching | None = _nested(Matching)
    stats: DomainStats | None = _nested(DomainStats)
    created_at: dt.datetime = _field(_TIMESTAMP, required=True)
    last_updated_at: dt.datetime = _field(_TIMESTAMP, required=True)
    tags: Mapping[str, str] | None = _field(_TAGS)


@attrs.frozen(kw_only=True)
class ListDomainItem(_Model):
    """A domain as ListDomains lists it."""

    domain_name: str = _str_field(length=(1, 64), pattern=_DOMAIN_NAME, required=True)
    created_at: dt.datetime = _field(_TIMESTAMP, required=True)
    last_updated_at: dt.datetime = _field(_TIMESTAMP, required=True)
    tags: Mapping[str, str] | None = _field(_TAGS)
