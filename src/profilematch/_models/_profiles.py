"""Profiles and what they hold: addresses, contact preferences, search results.

Here too are the models that name profiles rather than hold them: which
profile each member of a merged profile comes from (FieldSourceProfileIds) and
why BatchGetProfile could not return a profile (BatchGetProfileError); and the
member names that other modules walk a profile by (PROFILE_TEXT_MEMBERS,
PROFILE_ADDRESS_MEMBERS, ADDRESS_MEMBERS, PHONE_FIELDS, EMAIL_FIELDS).
"""

# ruff: noqa: RUF009
# RUF009 is off: the field helpers of _spec return attrs.field(...) definitions,
# not shared default values, which is what that rule guards against.

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from profilematch._models._base import _Model
from profilematch._models._spec import (
    _DOMAIN_NAME,
    _PROFILE_ID,
    _TEXT,
    _field,
    _list,
    _map,
    _nested,
    _str_field,
    _string,
    _struct,
    service_name,
)

__all__ = [
    "ADDRESS_MEMBERS",
    "EMAIL_FIELDS",
    "EMAIL_MEMBERS",
    "PHONE_FIELDS",
    "PHONE_MEMBERS",
    "PROFILE_ADDRESS_MEMBERS",
    "PROFILE_TEXT_MEMBERS",
    "Address",
    "BatchGetProfileError",
    "ContactPreference",
    "EngagementPreferences",
    "FieldSourceProfileIds",
    "FoundByKeyValue",
    "Profile",
]


@attrs.frozen(kw_only=True)
class Address(_Model):
    """A postal address of a profile; every member is optional."""

    address1: str | None = _str_field(length=_TEXT)
    address2: str | None = _str_field(length=_TEXT)
    address3: str | None = _str_field(length=_TEXT)
    address4: str | None = _str_field(length=_TEXT)
    city: str | None = _str_field(length=_TEXT)
    county: str | None = _str_field(length=_TEXT)
    state: str | None = _str_field(length=_TEXT)
    province: str | None = _str_field(length=_TEXT)
    country: str | None = _str_field(length=_TEXT)
    postal_code: str | None = _str_field(length=_TEXT)


PHONE_FIELDS: tuple[str, ...] = (
    "phone_number",
    "mobile_phone_number",
    "home_phone_number",
    "business_phone_number",
)
"""Profile fields that hold a phone number, in the service's order."""

EMAIL_FIELDS: tuple[str, ...] = (
    "email_address",
    "personal_email_address",
    "business_email_address",
)
"""Profile fields that hold an email address, in the service's order."""

PHONE_MEMBERS: tuple[str, ...] = tuple(map(service_name, PHONE_FIELDS))
"""The service's names of PHONE_FIELDS (PhoneNumber ... BusinessPhoneNumber)."""

EMAIL_MEMBERS: tuple[str, ...] = tuple(map(service_name, EMAIL_FIELDS))
"""The service's names of EMAIL_FIELDS (EmailAddress ... BusinessEmailAddress)."""


@attrs.frozen(kw_only=True)
class ContactPreference(_Model):
    """One contact the profile agreed to be reached at."""

    key_name: str | None = _str_field(length=(1, 64), pattern=_DOMAIN_NAME)
    key_value: str | None = _str_field(length=_TEXT)
    profile_id: str | None = _str_field(pattern=_PROFILE_ID)
    contact_type: str | None = _str_field(enum=PHONE_MEMBERS + EMAIL_MEMBERS)


@attrs.frozen(kw_only=True)
class EngagementPreferences(_Model):
    """The phone and email contacts a profile may be reached at."""

    phone: tuple[ContactPreference, ...] | None = _field(
        _list(_struct(ContactPreference))
    )
    email: tuple[ContactPreference, ...] | None = _field(
        _list(_struct(ContactPreference))
    )


@attrs.frozen(kw_only=True)
class FoundByKeyValue(_Model):
    """A search key and the values by which a search found a profile."""

    key_name: str | None = _str_field(length=(1, 64), pattern=_DOMAIN_NAME)
    values: tuple[str, ...] | None = _field(_list(_string(length=_TEXT)))


_ADDRESS_FIELDS = ("address", "shipping_address", "mailing_address", "billing_address")


@attrs.frozen(kw_only=True)
class Profile(_Model):
    """A customer profile: the unit that identity resolution matches.

    Every member is optional; ``profile_id`` is set once the profile is stored.
    """

    profile_id: str | None = _str_field(pattern=_PROFILE_ID)
    account_number: str | None = _str_field(length=_TEXT)
    additional_information: str | None = _str_field(length=(1, 1000))
    party_type: str | None = _str_field(enum=("INDIVIDUAL", "BUSINESS", "OTHER"))
    business_name: str | None = _str_field(length=_TEXT)
    first_name: str | None = _str_field(length=_TEXT)
    middle_name: str | None = _str_field(length=_TEXT)
    last_name: str | None = _str_field(length=_TEXT)
    birth_date: str | None = _str_field(length=_TEXT)
    gender: str | None = _str_field(enum=("MALE", "FEMALE", "UNSPECIFIED"))
    phone_number: str | None = _str_field(length=_TEXT)
    mobile_phone_number: str | None = _str_field(length=_TEXT)
    home_phone_number: str | None = _str_field(length=_TEXT)
    business_phone_number: str | None = _str_field(length=_TEXT)
    email_address: str | None = _str_field(length=_TEXT)
    personal_email_address: str | None = _str_field(length=_TEXT)
    business_email_address: str | None = _str_field(length=_TEXT)
    address: Address | None = _nested(Address)
    shipping_address: Address | None = _nested(Address)
    mailing_address: Address | None = _nested(Address)
    billing_address: Address | None = _nested(Address)
    attributes: Mapping[str, str] | None = _field(
        _map(_string(length=_TEXT), _string(length=_TEXT))
    )
    found_by_items: tuple[FoundByKeyValue, ...] | None = _field(
        _list(_struct(FoundByKeyValue), count=(1, 5))
    )
    party_type_string: str | None = _str_field(length=_TEXT)
    gender_string: str | None = _str_field(length=_TEXT)
    profile_type: str | None = _str_field(enum=("ACCOUNT_PROFILE", "PROFILE"))
    engagement_preferences: EngagementPreferences | None = _nested(
        EngagementPreferences
    )

    def present_attributes(self) -> dict[str, Any]:
        """The members that hold a value, by service name, ProfileId and search
        results (FoundByItems) left out.

        Returns:
            ``{"FirstName": "Ana", "Address": Address(...), "Attributes": {...}}``
            in the service model's member order; an empty string, an empty
            map or an Address with no member set counts as no value.
        """
        present: dict[str, Any] = {}
        for name, wire, _spec in self._specs():
            value = getattr(self, name)
            if name in ("profile_id", "found_by_items") or value is None:
                continue
            if isinstance(value, (str, Mapping)) and not value:
                continue
            if isinstance(value, Address) and not value.to_dict():
                continue
            present[wire] = value

        return present

    def addresses(self) -> dict[str, Address]:
        """The profile's addresses that are set, by service name.

        Returns:
            ``{"Address": ..., "BillingAddress": ...}``, only those not None.
        """
        found: dict[str, Address] = {}
        for name in _ADDRESS_FIELDS:
            value = getattr(self, name)
            if value is not None:
                found[service_name(name)] = value

        return found


@attrs.frozen(kw_only=True)
class FieldSourceProfileIds(_Model):
    """For a merge: which profile each member of the merged profile comes from."""

    account_number: str | None = _str_field(pattern=_PROFILE_ID)
    additional_information: str | None = _str_field(pattern=_PROFILE_ID)
    party_type: str | None = _str_field(pattern=_PROFILE_ID)
    business_name: str | None = _str_field(pattern=_PROFILE_ID)
    first_name: str | None = _str_field(pattern=_PROFILE_ID)
    middle_name: str | None = _str_field(pattern=_PROFILE_ID)
    last_name: str | None = _str_field(pattern=_PROFILE_ID)
    birth_date: str | None = _str_field(pattern=_PROFILE_ID)
    gender: str | None = _str_field(pattern=_PROFILE_ID)
    phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    mobile_phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    home_phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    business_phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    email_address: str | None = _str_field(pattern=_PROFILE_ID)
    personal_email_address: str | None = _str_field(pattern=_PROFILE_ID)
    business_email_address: str | None = _str_field(pattern=_PROFILE_ID)
    address: str | None = _str_field(pattern=_PROFILE_ID)
    shipping_address: str | None = _str_field(pattern=_PROFILE_ID)
    mailing_address: str | None = _str_field(pattern=_PROFILE_ID)
    billing_address: str | None = _str_field(pattern=_PROFILE_ID)
    attributes: Mapping[str, str] | None = _field(
        _map(_string(length=_TEXT), _string(pattern=_PROFILE_ID))
    )
    profile_type: str | None = _str_field(pattern=_PROFILE_ID)
    engagement_preferences: str | None = _str_field(pattern=_PROFILE_ID)


@attrs.frozen(kw_only=True)
class BatchGetProfileError(_Model):
    """Why one profile of a BatchGetProfile request was not returned."""

    code: str = _str_field(length=_TEXT, required=True)
    message: str = _str_field(length=(1, 1000), required=True)
    profile_id: str = _str_field(pattern=_PROFILE_ID, required=True)


PROFILE_ADDRESS_MEMBERS: tuple[str, ...] = (
    "Address",
    "ShippingAddress",
    "MailingAddress",
    "BillingAddress",
)
"""Profile members that hold an Address, in the service's order."""

PROFILE_TEXT_MEMBERS: tuple[str, ...] = tuple(
    name
    for name in Profile.member_names()
    if name not in PROFILE_ADDRESS_MEMBERS
    and name not in ("ProfileId", "Attributes", "FoundByItems", "EngagementPreferences")
)
"""Profile members that hold one string each (AccountNumber ... ProfileType)."""

ADDRESS_MEMBERS: tuple[str, ...] = tuple(Address.member_names())
"""Members of an Address (Address1 ... PostalCode)."""
