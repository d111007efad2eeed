"""Search: the search keys a profile is stored under, and search_profiles.

A profile is found by its id, account number, emails, phones and full name.
Phones are kept raw and in E.164, emails and names case-folded with their
spaces collapsed; a search value is normalized the same way before the lookup.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import phonenumbers

from profilematch._client._base import (
    ClientBase,
    check_domain_name,
    check_string,
    page_dict,
    profile_from_record,
)
from profilematch._errors import BadRequestException
from profilematch._models import (
    EMAIL_MEMBERS,
    PHONE_MEMBERS,
    FoundByKeyValue,
    Profile,
)
from profilematch._paging import check_max_results
from profilematch._store import ProfileRecord
from profilematch._validate import Checker

_KEY_NAME_PATTERN = r"^[a-zA-Z0-9_-]+$"
_ADDITIONAL_KEYS_RANGE = (1, 4)
_SEARCH_VALUE_LENGTH = (1, 255)
_SEARCH_VALUES_MAX = 100

SEARCH_KEYS = ("_account", "_email", "_fullName", "_phone", "_profileId")
"""The search keys search_profiles understands."""


@attrs.frozen(kw_only=True)
class ProfilesPage:
    """One page of search_profiles: the profiles and the token for the next page."""

    items: tuple[Profile, ...] = ()
    next_token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The page in the SearchProfiles response shape."""
        return page_dict(self.items, self.next_token)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _phone_keys(raw: str, region: str) -> list[str]:
    keys = [raw.strip()]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return keys
    if phonenumbers.is_possible_number(number):
        keys.append(
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        )
    return keys


def _search_values(key_name: str, value: str, region: str) -> list[str]:
    """The stored key values a search value looks up."""
    if key_name == "_phone":
        return _phone_keys(value, region)
    if key_name in ("_email", "_fullName"):
        return [_fold(value)]
    return [value.strip()]


def search_keys(
    raw: Mapping[str, Any],
    profile_id: str,
    *,
    region: str,
    e164: Sequence[str] | None = None,
) -> tuple[tuple[str, str], ...]:
    """Return the search keys of a profile in the service's shape.

    Phones are kept raw and in E.164 (read with ``region`` when they carry no
    country code); emails and full names are case-folded with their spaces
    collapsed, so a search matches regardless of case.

    Args:
        raw: the profile in the service's shape.
        profile_id: its id.
        region: the phone region for numbers without a country code.
        e164: the profile's phones in E.164 when already known (its features
            hold them); otherwise each phone is parsed here.

    Returns:
        Distinct ``(key_name, key_value)`` pairs.
    """
    keys: dict[tuple[str, str], None] = {("_profileId", profile_id): None}

    account = raw.get("AccountNumber")
    if account:
        keys["_account", account.strip()] = None
    for field in EMAIL_MEMBERS:
        if raw.get(field):
            keys["_email", _fold(raw[field])] = None
    for field in PHONE_MEMBERS:
        if raw.get(field):
            if e164 is None:
                forms = _phone_keys(raw[field], region)
            else:
                forms = [raw[field].strip()]
            for value in forms:
                keys["_phone", value] = None
    for value in e164 or ():
        # Features mark a local number without an area code with "#".
        if value.startswith("+"):
            keys["_phone", value] = None
    parts = [raw.get(name) or "" for name in ("FirstName", "MiddleName", "LastName")]
    if any(parts):
        keys["_fullName", _fold(" ".join(parts))] = None
        keys["_fullName", _fold(f"{parts[0]} {parts[2]}")] = None

    return tuple(key for key in keys if key[1])


class SearchMixin(ClientBase):
    """The search_profiles call of the Client."""

    __slots__ = ()

    def search_profiles(
        self,
        domain_name: str,
        key_name: str,
        values: Sequence[str],
        *,
        additional_search_keys: Sequence[Mapping[str, Any]] | None = None,
        logical_operator: str = "AND",
        max_results: int = 20,
        next_token: str | None = None,
    ) -> ProfilesPage:
        """Find profiles by search key: ``_profileId``, ``_fullName``, ``_phone``,
        ``_email`` or ``_account``.

        A key matches when the profile holds any of its values. Phones match
        raw or in E.164; emails and full names regardless of case and spacing.

        Args:
            domain_name: the domain.
            key_name: one of SEARCH_KEYS.
            values: the values to look for (each 1 to 255 characters).
            additional_search_keys: 1 to 4 more keys, each
                ``{"KeyName": ..., "Values": [...]}``.
            logical_operator: ``"AND"`` (every key must match) or ``"OR"``.
            max_results: 1 to 100 profiles per page (default 20).
            next_token: the previous page's token, or None.

        Returns:
            A ProfilesPage of Profiles in id order, each with FoundByItems
            naming the keys it was found by.

        Raises:
            BadRequestException: a rule is broken or a key is not supported.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> _ = client.create_profile("retail", email_address="Ann@X.com")
            >>> page = client.search_profiles("retail", "_email", ["ann@x.com"])
            >>> [p.email_address for p in page.items]
            ['Ann@X.com']
        """
        clauses = self._search_clauses(
            domain_name, key_name, values, additional_search_keys, logical_operator
        )
        limit = check_max_results(max_results)
        fingerprint = hashlib.sha256(
            json.dumps([clauses, logical_operator]).encode("utf-8")
        ).hexdigest()[:16]
        after = None
        if next_token is not None:
            position = self._decode("search", domain_name, next_token).position
            if not (isinstance(position, list) and len(position) == 2):
                raise self._bad_position(next_token)
            if position[0] != fingerprint:
                raise BadRequestException(
                    "next_token: the token belongs to a different search; pass the "
                    "same keys, values and operator as the first page, or start "
                    "again with next_token=None",
                    field="next_token",
                    rule="valid token",
                    value=next_token,
                )
            after = position[1]

        ids = self._store.search_profile_ids(
            domain_name,
            clauses,
            logical_operator=logical_operator,
            limit=limit + 1,
            after=after,
        )
        page_ids = ids[:limit]
        found = self._store.get_profiles(domain_name, page_ids)
        items = tuple(
            profile_from_record(found[profile_id]).evolve(
                found_by_items=self._found_by(found[profile_id], clauses)
            )
            for profile_id in page_ids
            if profile_id in found
        )
        token = None
        if len(ids) > limit:
            token = self._encode(
                "search", domain_name, None, [fingerprint, page_ids[-1]]
            )

        return ProfilesPage(items=items, next_token=token)

    def _found_by(
        self, record: ProfileRecord, clauses: Sequence[tuple[str, Sequence[str]]]
    ) -> tuple[FoundByKeyValue, ...] | None:
        keys = set(search_keys(record.raw, record.profile_id, region=self.region))
        found = [
            FoundByKeyValue(
                key_name=key_name,
                values=tuple(v for v in values if (key_name, v) in keys)[:100],
            )
            for key_name, values in clauses
            if any((key_name, v) in keys for v in values)
        ]
        return tuple(found[:5]) or None

    @staticmethod
    def _additional_keys(
        checker: Checker, additional: object
    ) -> list[tuple[str, str, object, object]]:
        if not checker.check_type(
            "AdditionalSearchKeys", additional, (list, tuple), "list"
        ):
            return []
        assert isinstance(additional, (list, tuple))
        if not checker.check_items(
            "AdditionalSearchKeys", additional, *_ADDITIONAL_KEYS_RANGE
        ):
            return []

        requested: list[tuple[str, str, object, object]] = []
        for index, extra in enumerate(additional):
            at = f"AdditionalSearchKeys[{index}]"
            if not checker.check_type(at, extra, Mapping, "structure"):
                continue
            checker.check_keys(at, extra, ("KeyName", "Values"))
            requested.append(
                (
                    f"{at}.KeyName",
                    f"{at}.Values",
                    extra.get("KeyName"),
                    extra.get("Values"),
                )
            )

        return requested

    def _search_clauses(
        self,
        domain_name: str,
        key_name: str,
        values: Sequence[str],
        additional_search_keys: Sequence[Mapping[str, Any]] | None,
        logical_operator: str,
    ) -> list[tuple[str, list[str]]]:
        checker = Checker()
        check_domain_name(checker, domain_name)
        checker.check_enum("LogicalOperator", logical_operator, ("AND", "OR"))
        requested: list[tuple[str, str, object, object]] = [
            ("KeyName", "Values", key_name, values)
        ]
        if additional_search_keys is not None:
            requested.extend(self._additional_keys(checker, additional_search_keys))

        clauses: list[tuple[str, list[str]]] = []
        for name_field, values_field, name, wanted in requested:
            name_ok = check_string(
                checker, name_field, name, _KEY_NAME_PATTERN, (1, 64)
            )
            if name_ok and name not in SEARCH_KEYS:
                checker.add(
                    name_field,
                    "one of " + ", ".join(SEARCH_KEYS),
                    name,
                    "search by one of the supported keys",
                )
                name_ok = False
            if isinstance(wanted, str) or not isinstance(wanted, (list, tuple)):
                checker.add(values_field, "type list", wanted, "send a list of strings")
                continue
            if not checker.check_items(values_field, wanted, 1, _SEARCH_VALUES_MAX):
                continue
            normalized: list[str] = []
            for index, value in enumerate(wanted):
                at = f"{values_field}[{index}]"
                if checker.check_type(
                    at, value, str, "string"
                ) and checker.check_length(at, value, *_SEARCH_VALUE_LENGTH):
                    normalized.extend(_search_values(str(name), value, self.region))
            if name_ok:
                clauses.append((str(name), list(dict.fromkeys(normalized))))
        checker.raise_if_any()

        return clauses
