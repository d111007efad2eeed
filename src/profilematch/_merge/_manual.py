"""The manual merge: MergeProfiles, checked, then applied in one transaction."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime, timezone

from profilematch._errors import BadRequestException
from profilematch._merge._apply import _apply, _region
from profilematch._merge._consolidate import MergeOperation
from profilematch._merge._fields import ModelLike, _as_dict, _field_source_map
from profilematch._store import Store

__all__ = ["merge_profiles"]

logger = logging.getLogger(__name__)

_PROFILE_ID_PATTERN = re.compile(r"[a-f0-9]{32}")
_DOMAIN_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
_MAX_TO_BE_MERGED = 20


def _check_merge_request(
    domain_name: object,
    main_profile_id: object,
    profile_ids_to_be_merged: object,
) -> tuple[str, str, tuple[str, ...]]:
    """Check a MergeProfiles request's ids; raise once listing every problem."""
    problems: list[tuple[str, str, object, str]] = []

    if not isinstance(domain_name, str) or not (
        1 <= len(domain_name) <= 64 and _DOMAIN_NAME_PATTERN.fullmatch(domain_name)
    ):
        problems.append(
            (
                "DomainName",
                "len 1..64; pattern ^[a-zA-Z0-9_-]+$",
                domain_name,
                "name an existing domain",
            )
        )
    if not isinstance(main_profile_id, str) or not _PROFILE_ID_PATTERN.fullmatch(
        main_profile_id
    ):
        problems.append(
            (
                "MainProfileId",
                "pattern [a-f0-9]{32}",
                main_profile_id,
                "pass the id of the profile that remains",
            )
        )

    ids: tuple[str, ...] = ()
    if isinstance(profile_ids_to_be_merged, str) or not isinstance(
        profile_ids_to_be_merged, Sequence
    ):
        problems.append(
            (
                "ProfileIdsToBeMerged",
                "list of profile ids",
                profile_ids_to_be_merged,
                "pass a list of 1 to 20 profile ids",
            )
        )
    else:
        ids = tuple(profile_ids_to_be_merged)
        if not 1 <= len(ids) <= _MAX_TO_BE_MERGED:
            problems.append(
                (
                    "ProfileIdsToBeMerged",
                    "items 1..20",
                    list(ids),
                    "merge 1 to 20 profiles at a time",
                )
            )
        for index, profile_id in enumerate(ids):
            where = f"ProfileIdsToBeMerged[{index}]"
            if not isinstance(profile_id, str) or not _PROFILE_ID_PATTERN.fullmatch(
                profile_id
            ):
                problems.append(
                    (where, "pattern [a-f0-9]{32}", profile_id, "pass a profile id")
                )
            elif profile_id == main_profile_id:
                problems.append(
                    (
                        where,
                        "not the main profile",
                        profile_id,
                        "leave MainProfileId out of the profiles to be merged",
                    )
                )
            elif profile_id in ids[:index]:
                problems.append((where, "unique", profile_id, "name each profile once"))

    if problems:
        _raise_all(problems)
    return str(domain_name), str(main_profile_id), ids


def _raise_all(problems: Sequence[tuple[str, str, object, str]]) -> None:
    """Raise one BadRequestException listing every problem; the first one's parts."""
    message = "; ".join(
        f"{field}: {rule}, got {value!r}; {todo}"
        for field, rule, value, todo in problems
    )
    field, rule, value, _ = problems[0]
    raise BadRequestException(message, field=field, rule=rule, value=value)


def merge_profiles(
    store: Store,
    domain_name: str,
    main_profile_id: str,
    profile_ids_to_be_merged: Sequence[str],
    field_source_profile_ids: ModelLike | None = None,
    *,
    now: datetime | None = None,
    default_region: str | None = None,
) -> str:
    """Merge 1 to 20 profiles into a main profile, in one transaction.

    Fields are combined as ``merge_fields`` describes; the merged profiles are
    deleted, and asking for one afterwards says which profile it went into.
    The main profile's features and search keys are recomputed, and the
    merge is recorded in its history. A merge cannot be undone.

    Args:
        store: the store.
        domain_name: the domain.
        main_profile_id: the profile that remains.
        profile_ids_to_be_merged: the profiles merged into it (1 to 20).
        field_source_profile_ids: FieldSourceProfileIds (model or dict): for a
            field, the profile whose value to take even when it is empty.
        now: the time of the merge (default: now).
        default_region: the phone region for numbers without a country code.

    Returns:
        The service's response message.

    Raises:
        BadRequestException: an id is malformed, repeated or the main one is
            among those to merge; too many or no ids; a field source names an
            unknown field or a profile that is not merged. Nothing changes.
        ResourceNotFoundException: no such domain, or a profile is not in it
            (absent, in another domain, or merged already). Nothing changes.
    """
    from profilematch._models import FieldSourceProfileIds

    domain, main_id, ids = _check_merge_request(
        domain_name, main_profile_id, profile_ids_to_be_merged
    )
    sources = _as_dict(field_source_profile_ids or {})
    if sources:
        sources = FieldSourceProfileIds.from_dict(
            sources, prefix="FieldSourceProfileIds"
        ).to_dict()
    # Refuse a source outside the merge before the store is touched.
    _field_source_map(sources, [main_id, *ids])
    moment = now or datetime.now(timezone.utc)
    operation = MergeOperation(
        main_profile_id=main_id,
        profile_ids_to_be_merged=ids,
        field_source_profile_ids=sources,
        criterion_index=-1,
    )

    with store.atomic():
        _apply(
            store,
            domain,
            operation,
            now=moment,
            region=_region(default_region),
            event={"Trigger": "MergeProfiles"},
        )

    logger.info("domain %s: merged %d profiles into %s", domain, len(ids), main_id)
    noun = "profile" if len(ids) == 1 else "profiles"
    return f"Merged {len(ids)} {noun} into profile {main_id}."
