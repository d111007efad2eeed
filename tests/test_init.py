"""Tests of the public surface of the profilematch package."""

import profilematch as pm

PUBLIC = [
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


def test_all_is_pinned_and_sorted():
    """profilematch.__all__ lists exactly the public names, in sorted order."""
    assert PUBLIC == pm.__all__
    assert sorted(pm.__all__) == pm.__all__


def test_every_public_name_exists():
    """Every name in __all__ can be imported from the package."""
    missing = [name for name in pm.__all__ if not hasattr(pm, name)]

    assert [] == missing


def test_normalize_is_a_public_module():
    """The normalizers are reachable as profilematch.normalize."""
    from profilematch import normalize

    assert callable(normalize.phone) and callable(normalize.email)
