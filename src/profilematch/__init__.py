"""profilematch: identity resolution for customer profiles."""

from __future__ import annotations

from profilematch._client import (
    BatchGetProfileResult,
    Client,
    DomainsPage,
    ProfilesPage,
)
from profilematch._config import get_default_region, set_default_region
from profilematch._errors import (
    AccessDeniedException,
    BadRequestException,
    InternalServerException,
    ProfileMatchError,
    ResourceNotFoundException,
    ThrottlingException,
)
from profilematch._io import ColumnMapping, InputFile, read_profiles
from profilematch._jobs import JobReport, JobsPage
from profilematch._matcher import (
    Explanation,
    MatchOptions,
    MatchResult,
    MatchStats,
    explain,
    find_matches,
    match_features,
)
from profilematch._merge import AutoMergingPreview
from profilematch._models import (
    Address,
    AutoMerging,
    BatchGetProfileError,
    ConflictResolution,
    Consolidation,
    ContactPreference,
    Domain,
    DomainStats,
    EngagementPreferences,
    ExportingConfig,
    ExportingLocation,
    FieldSourceProfileIds,
    FoundByKeyValue,
    FrozenMap,
    IdentityResolutionJob,
    JobSchedule,
    JobStats,
    ListDomainItem,
    MatchesPage,
    Matching,
    MatchItem,
    Profile,
    S3ExportingConfig,
    S3ExportingLocation,
)
from profilematch._score import ModelParameters

__version__ = "0.1.0"

__all__ = [
    "AccessDeniedException",
    "Address",
    "AutoMerging",
    "AutoMergingPreview",
    "BadRequestException",
    "BatchGetProfileError",
    "BatchGetProfileResult",
    "Client",
    "ColumnMapping",
    "ConflictResolution",
    "Consolidation",
    "ContactPreference",
    "Domain",
    "DomainStats",
    "DomainsPage",
    "EngagementPreferences",
    "Explanation",
    "ExportingConfig",
    "ExportingLocation",
    "FieldSourceProfileIds",
    "FoundByKeyValue",
    "FrozenMap",
    "IdentityResolutionJob",
    "InputFile",
    "InternalServerException",
    "JobReport",
    "JobSchedule",
    "JobStats",
    "JobsPage",
    "ListDomainItem",
    "MatchItem",
    "MatchOptions",
    "MatchResult",
    "MatchStats",
    "MatchesPage",
    "Matching",
    "ModelParameters",
    "Profile",
    "ProfileMatchError",
    "ProfilesPage",
    "ResourceNotFoundException",
    "S3ExportingConfig",
    "S3ExportingLocation",
    "ThrottlingException",
    "explain",
    "find_matches",
    "get_default_region",
    "match_features",
    "read_profiles",
    "set_default_region",
]
