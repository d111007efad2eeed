"""The data model: frozen attrs classes in the service's shapes.

Each model declares its members once, with the service model's constraints
attached as a :class:`Spec`. Everything else is derived from those
declarations: the PascalCase names (``first_name`` is ``FirstName``,
``s3_bucket_name`` is ``S3BucketName``), ``to_dict()``, ``from_dict()`` and
the validation that runs on every construction, so a model that exists is a
model the service would accept.

Lists are kept as tuples and maps as :class:`FrozenMap`, so every model is
immutable and hashable; timestamps are timezone-aware UTC datetimes. Use
``model.evolve(**changes)`` (or ``attrs.evolve``) for a changed copy.

The models are declared in one module per part: the rules of a member and the
fields that carry them (``_spec``), the base every model derives from, which
checks, parses and dumps their values (``_base``), profiles and addresses
(``_profiles``), domains and their matching settings (``_domains``), and jobs
with the match groups they find (``_jobs``).
"""

from __future__ import annotations

from profilematch._models._base import _Model as _Model  # for the tests
from profilematch._models._domains import (
    AutoMerging,
    ConflictResolution,
    Consolidation,
    Domain,
    DomainStats,
    ExportingConfig,
    JobSchedule,
    ListDomainItem,
    Matching,
    S3ExportingConfig,
)
from profilematch._models._jobs import (
    ExportingLocation,
    IdentityResolutionJob,
    JobStats,
    MatchesPage,
    MatchItem,
    S3ExportingLocation,
)
from profilematch._models._profiles import (
    ADDRESS_MEMBERS,
    EMAIL_FIELDS,
    EMAIL_MEMBERS,
    PHONE_FIELDS,
    PHONE_MEMBERS,
    PROFILE_ADDRESS_MEMBERS,
    PROFILE_TEXT_MEMBERS,
    Address,
    BatchGetProfileError,
    ContactPreference,
    EngagementPreferences,
    FieldSourceProfileIds,
    FoundByKeyValue,
    Profile,
)
from profilematch._models._spec import _SPEC as _SPEC  # for the tests
from profilematch._models._spec import FrozenMap, Spec, service_name

__all__ = [
    "ADDRESS_MEMBERS",
    "EMAIL_FIELDS",
    "EMAIL_MEMBERS",
    "PHONE_FIELDS",
    "PHONE_MEMBERS",
    "PROFILE_ADDRESS_MEMBERS",
    "PROFILE_TEXT_MEMBERS",
    "Address",
    "AutoMerging",
    "BatchGetProfileError",
    "ConflictResolution",
    "Consolidation",
    "ContactPreference",
    "Domain",
    "DomainStats",
    "EngagementPreferences",
    "ExportingConfig",
    "ExportingLocation",
    "FieldSourceProfileIds",
    "FoundByKeyValue",
    "FrozenMap",
    "IdentityResolutionJob",
    "JobSchedule",
    "JobStats",
    "ListDomainItem",
    "MatchItem",
    "MatchesPage",
    "Matching",
    "Profile",
    "S3ExportingConfig",
    "S3ExportingLocation",
    "Spec",
    "service_name",
]
