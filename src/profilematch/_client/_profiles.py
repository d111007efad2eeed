"""Stored profiles: reading them one at a time or in a batch, changing, deleting.

update_profile follows the service's UpdateProfile: a field left out is kept
and an empty string removes it, member by member in addresses and Attributes.
A changed profile is prepared again, so its features and search keys follow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from profilematch._client._base import (
    check_domain_name,
    check_profile_id,
    checked,
    profile_from_record,
)
from profilematch._client._ingest import OUTPUT_ONLY, IngestMixin
from profilematch._errors import BadRequestException
from profilematch._models import (
    PROFILE_ADDRESS_MEMBERS,
    BatchGetProfileError,
    Profile,
    service_name,
)
from profilematch._validate import Checker

_BATCH_GET_RANGE = (1, 20)
_ADDRESS_FIELDS = PROFILE_ADDRESS_MEMBERS


@attrs.frozen(kw_only=True)
class BatchGetProfileResult:
    """What batch_get_profile found, and an error for each id it did not."""

    profiles: tuple[Profile, ...] = ()
    errors: tuple[BatchGetProfileError, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The result in the BatchGetProfile response shape."""
        return {
            "Errors": [error.to_dict() for error in self.errors],
            "Profiles": [profile.to_dict() for profile in self.profiles],
        }


def _apply_update(raw: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """Apply UpdateProfile changes: keep what is left out, drop empty strings."""
    merged = dict(raw)

    for name, value in wanted.items():
        if (name in _ADDRESS_FIELDS or name == "Attributes") and isinstance(
            value, Mapping
        ):
            inner = dict(merged.get(name) or {})
            for member, member_value in value.items():
                if member_value == "":
                    inner.pop(member, None)
                else:
                    inner[member] = member_value
            if inner:
                merged[name] = inner
            else:
                merged.pop(name, None)
        elif value == "":
            merged.pop(name, None)
        else:
            merged[name] = value

    return merged


class ProfilesMixin(IngestMixin):
    """The Client's calls on stored profiles; changes are prepared as at ingest."""

    __slots__ = ()

    def get_profile(self, domain_name: str, profile_id: str) -> Profile:
        """Return one stored profile.

        Raises:
            BadRequestException: the domain name or profile id breaks its rules.
            ResourceNotFoundException: no such domain or profile; for a merged
                profile the message names the profile it was merged into.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> pid = client.create_profile("retail", first_name="Ann")
            >>> client.get_profile("retail", pid).first_name
            'Ann'
        """
        checked(DomainName=domain_name, ProfileId=profile_id)

        return profile_from_record(self._store.get_profile(domain_name, profile_id))

    def update_profile(
        self,
        domain_name: str,
        profile_id: str,
        changes: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> str:
        """Change some fields of a stored profile, as the service's UpdateProfile.

        A field left out is kept; an empty string removes it. Addresses and
        Attributes are updated member by member the same way.

        Args:
            domain_name: the domain.
            profile_id: the profile to change.
            changes: the changes in the service's shape
                (``{"LastName": "Lee", "Address": {"City": ""}}``), or leave it
                out and pass snake_case fields (``last_name="Lee"``).
            **fields: the changes, when ``changes`` is not given.

        Returns:
            The profile id.

        Raises:
            BadRequestException: a rule is broken; nothing changed.
            ResourceNotFoundException: no such domain or profile.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> pid = client.create_profile("retail", first_name="Ann", last_name="X")
            >>> _ = client.update_profile("retail", pid, last_name="")
            >>> client.get_profile("retail", pid).last_name is None
            True
        """
        checked(DomainName=domain_name, ProfileId=profile_id)
        wanted = dict(changes or {})
        wanted.update({service_name(name): value for name, value in fields.items()})
        for name in OUTPUT_ONLY:
            if name in wanted:
                raise BadRequestException(
                    f"{name}: cannot be changed, got {wanted[name]!r}; remove it",
                    field=name,
                    rule="read only",
                    value=wanted[name],
                )

        with self._store.atomic():
            record = self._store.get_profile(domain_name, profile_id)
            merged = _apply_update(record.raw, wanted)
            profile = Profile.from_dict({**merged, "ProfileId": profile_id})
            self._store.replace_profile(
                domain_name, self._prepare(profile, profile_id, None)
            )

        return profile_id

    def delete_profile(self, domain_name: str, profile_id: str) -> str:
        """Delete a stored profile.

        Returns:
            A message saying what was deleted.

        Raises:
            BadRequestException: the domain name or profile id breaks its rules.
            ResourceNotFoundException: no such domain or profile.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> pid = client.create_profile("retail", first_name="Ann")
            >>> client.delete_profile("retail", pid) == f"Profile {pid} deleted"
            True
        """
        checked(DomainName=domain_name, ProfileId=profile_id)

        self._store.delete_profile(domain_name, profile_id)

        return f"Profile {profile_id} deleted"

    def batch_get_profile(
        self, domain_name: str, profile_ids: Sequence[str]
    ) -> BatchGetProfileResult:
        """Return up to 20 profiles by id, with an error for each one not found.

        Args:
            domain_name: the domain.
            profile_ids: 1 to 20 profile ids.

        Returns:
            The profiles found, in request order, and one BatchGetProfileError
            (code ResourceNotFoundException) per id that was not.

        Raises:
            BadRequestException: the list is empty, too long, or an id breaks
                the ProfileId pattern.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> pid = client.create_profile("retail", first_name="Ann")
            >>> result = client.batch_get_profile("retail", [pid, "0" * 32])
            >>> (len(result.profiles), len(result.errors))
            (1, 1)
        """
        checker = Checker()
        check_domain_name(checker, domain_name)
        if isinstance(profile_ids, str) or not isinstance(profile_ids, Sequence):
            checker.add("ProfileIds", "type list", profile_ids, "send a list of ids")
        elif checker.check_items("ProfileIds", profile_ids, *_BATCH_GET_RANGE):
            for index, profile_id in enumerate(profile_ids):
                check_profile_id(checker, f"ProfileIds[{index}]", profile_id)
        checker.raise_if_any()

        found = self._store.get_profiles(domain_name, profile_ids)
        profiles: list[Profile] = []
        errors: list[BatchGetProfileError] = []
        for profile_id in dict.fromkeys(profile_ids):
            record = found.get(profile_id)
            if record is not None:
                profiles.append(profile_from_record(record))
                continue
            errors.append(
                BatchGetProfileError(
                    code="ResourceNotFoundException",
                    message=self._store.missing_profile_message(
                        domain_name, profile_id
                    ),
                    profile_id=profile_id,
                )
            )

        return BatchGetProfileResult(profiles=tuple(profiles), errors=tuple(errors))
