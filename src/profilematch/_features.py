"""The canonical values of one profile, as the matching engine sees them.

A profile is normalized once into :class:`ProfileFeatures`: name parts and
tokens, nickname and phonetic keys, every email, phone and address the profile
holds, birth dates, the account number and the business name. The store saves
``to_json()`` beside the raw profile at ingest, so a job loads features back
without normalizing again.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from profilematch import normalize
from profilematch._models import EMAIL_FIELDS, PHONE_FIELDS, service_name

logger = logging.getLogger(__name__)

_FORMAT_VERSION = 1

_ADDRESS_FIELDS = ("address", "shipping_address", "mailing_address", "billing_address")

# The national part of a sequence like 1234567890 or 9876543210 is a placeholder.
_SEQUENCES = "01234567890123456789", "98765432109876543210"

Address = tuple[str, str, str, str]
"""(street line, city, postal code, country); an empty string is a missing part."""


@attrs.frozen
class ProfileFeatures:
    """The canonical values of one profile used for blocking and comparison.

    Empty tuples and None mean missing. ``invalid`` counts, per attribute (the
    service's name, such as ``MobilePhoneNumber``), the values that were
    present but gave no usable canonical form.
    """

    profile_id: str
    first: str | None = None
    middle: str | None = None
    last: str | None = None
    suffix: str | None = None
    tokens: tuple[str, ...] = ()
    nicknames: tuple[str, ...] = ()
    first_phonetic: str | None = None
    last_phonetic: str | None = None
    business: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    mailboxes: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    nationals: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    birth_dates: tuple[str, ...] = ()
    account: str | None = None
    invalid: tuple[tuple[str, int], ...] = ()

    @property
    def name_tokens(self) -> tuple[str, ...]:
        """The person name tokens, else the business name tokens."""
        return self.tokens or self.business

    def to_json(self) -> str:
        """Serialize to a compact JSON array (positional, versioned).

        Returns:
            A JSON string that :meth:`from_json` reads back.
        """
        row: list[Any] = [_FORMAT_VERSION]
        row.extend(getattr(self, field.name) for field in _FIELDS)
        return json.dumps(row, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(
        cls, text: str, *, shared: dict[Any, Any] | None = None
    ) -> ProfileFeatures:
        """Read features written by :meth:`to_json`.

        Args:
            text: The JSON produced by :meth:`to_json`.
            shared: A dict kept across the calls of one load: equal values of
                the fields that repeat across profiles (name parts, nickname
                keys, birth dates) are then held once.

        Returns:
            The features, equal to the ones serialized.

        Raises:
            ValueError: The text is not features JSON of a known version.
        """
        row = json.loads(text)
        if not isinstance(row, list) or not row or row[0] != _FORMAT_VERSION:
            raise ValueError(
                f"features JSON: expected a list starting with version "
                f"{_FORMAT_VERSION}, got {text[:40]!r}; re-ingest the profile"
            )

        values: dict[str, Any] = {}
        for field, value in zip(_FIELDS, row[1:], strict=True):
            thawed = _thaw(field.name, value)
            if shared is not None and field.name in _REPEATED and thawed:
                thawed = shared.setdefault(thawed, thawed)
            values[field.name] = thawed
        return cls(**values)


_FIELDS: tuple[attrs.Attribute[Any], ...] = attrs.fields(ProfileFeatures)


# Fields whose values repeat across profiles, kept as one shared copy each.
_REPEATED = frozenset(
    [
        "first",
        "middle",
        "last",
        "suffix",
        "tokens",
        "nicknames",
        "first_phonetic",
        "last_phonetic",
        "business",
        "birth_dates",
    ]
)


def _thaw(name: str, value: Any) -> Any:
    """Turn JSON lists back into the tuples the field holds."""
    if isinstance(value, str) and name in _REPEATED:
        return sys.intern(value)
    if not isinstance(value, list):
        return value
    if name == "addresses":
        return tuple((item[0], *map(sys.intern, item[1:])) for item in value)
    if name == "invalid":
        return tuple(tuple(item) for item in value)
    if name in _REPEATED:
        return tuple(map(sys.intern, value))
    return tuple(value)


def _get(profile: Any, field: str) -> Any:
    """Read a snake_case field from a Profile or a snake_case mapping."""
    if isinstance(profile, Mapping):
        return profile.get(field)
    return getattr(profile, field, None)


def _present(raw: Any) -> bool:
    """Whether a raw value holds something (null-like tokens are missing)."""
    return raw is not None and not normalize.is_missing(raw)


def _is_placeholder(national: str) -> bool:
    """Whether a national number is a filler such as 5555555555 or 1234567."""
    digits = set(national)
    if len(digits) <= 2:
        return True
    return any(national in sequence for sequence in _SEQUENCES)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Keep the first occurrence of each value, in order."""
    return tuple(dict.fromkeys(values))


def profile_features(profile: Any, *, default_region: str = "US") -> ProfileFeatures:
    """Normalize a profile into the features the matcher compares.

    Args:
        profile: A Profile (or any object or mapping with the snake_case
            profile fields; addresses as objects or mappings).
        default_region: Phone region (ISO alpha-2) for numbers written without
            a country code when the profile has no address country.

    Returns:
        The profile's features.
    """
    invalid: dict[str, int] = {}

    def count_invalid(field: str) -> None:
        attribute = service_name(field)
        invalid[attribute] = invalid.get(attribute, 0) + 1

    person = _name_parts(profile)
    business: tuple[str, ...] = ()
    raw_business = _get(profile, "business_name")
    if _present(raw_business):
        parsed = normalize.name(str(raw_business))
        business = tuple(parsed.tokens) if parsed is not None else ()

    emails: list[str] = []
    mailboxes: list[str] = []
    for field in EMAIL_FIELDS:
        raw = _get(profile, field)
        if not _present(raw):
            continue
        email = normalize.email(str(raw))
        if email is None or not email.address:
            count_invalid(field)
            continue
        emails.append(email.address)
        if email.mailbox and email.mailbox != email.address:
            mailboxes.append(email.mailbox)

    addresses, country = _addresses(profile)
    region = country or default_region
    phones: list[str] = []
    nationals: list[str] = []
    for field in PHONE_FIELDS:
        raw = _get(profile, field)
        if not _present(raw):
            continue
        phone = normalize.phone(str(raw), region)
        if phone is None or not phone.national or _is_placeholder(phone.national):
            count_invalid(field)
            continue
        # A local number without area code has no E.164 form; "#" marks it so
        # that it only meets the same local number.
        phones.append(phone.e164 or f"#{phone.national}")
        nationals.append(phone.national)

    birth_dates: tuple[str, ...] = ()
    raw_birth = _get(profile, "birth_date")
    if _present(raw_birth):
        birth_dates = tuple(map(sys.intern, normalize.birth_date(str(raw_birth))))
        if not birth_dates:
            count_invalid("birth_date")

    account: str | None = None
    raw_account = _get(profile, "account_number")
    if _present(raw_account):
        account = "".join(ch for ch in str(raw_account).casefold() if ch.isalnum())
        account = account or None

    unique_phones = _unique(phones)
    return ProfileFeatures(
        profile_id=str(_get(profile, "profile_id") or ""),
        business=business,
        emails=_unique(emails),
        mailboxes=_unique(mailboxes),
        phones=unique_phones,
        nationals=tuple(nationals[phones.index(p)] for p in unique_phones),
        addresses=addresses,
        birth_dates=birth_dates,
        account=account,
        invalid=tuple(sorted(invalid.items())),
        **person,
    )


def _name_parts(profile: Any) -> dict[str, Any]:
    """Canonical name parts, keys and tokens of a profile's person name."""
    first, middle, last = (
        _get(profile, field) for field in ("first_name", "middle_name", "last_name")
    )
    if not any(_present(raw) for raw in (first, middle, last)):
        return {}
    parsed = normalize.name(
        first=str(first) if _present(first) else None,
        middle=str(middle) if _present(middle) else None,
        last=str(last) if _present(last) else None,
    )
    if parsed is None or not parsed.tokens:
        return {}

    nicknames: tuple[str, ...] = ()
    first_phonetic = last_phonetic = None
    if parsed.first:
        nicknames, first_phonetic = _first_name_keys(parsed.first)
    if parsed.last:
        last_phonetic = _phonetic(parsed.last)
    return {
        "first": _shared(parsed.first),
        "middle": _shared(parsed.middle),
        "last": _shared(parsed.last),
        "suffix": _shared(parsed.suffix),
        "tokens": tuple(sys.intern(token) for token in parsed.tokens),
        "nicknames": nicknames,
        "first_phonetic": first_phonetic,
        "last_phonetic": last_phonetic,
    }


# Names, cities and postcodes repeat across profiles; one shared copy of each
# keeps a million profiles' features in memory at a fraction of the size.
def _shared(value: str | None) -> str | None:
    """The interned value, None for missing or empty."""
    return sys.intern(value) if value else None


@functools.lru_cache(maxsize=1 << 16)
def _first_name_keys(first: str) -> tuple[tuple[str, ...], str | None]:
    """Nickname keys and phonetic key of a first name, shared between profiles."""
    nicknames = tuple(sys.intern(key) for key in sorted(normalize.nickname_keys(first)))
    return nicknames, _phonetic(first)


@functools.lru_cache(maxsize=1 << 16)
def _phonetic(name: str) -> str | None:
    """Phonetic key of a name part, shared between profiles."""
    return _shared(normalize.phonetic(name))


def _addresses(profile: Any) -> tuple[tuple[Address, ...], str | None]:
    """Canonical addresses of a profile and the first country among them."""
    found: list[Address] = []
    country: str | None = None
    for field in _ADDRESS_FIELDS:
        raw = _get(profile, field)
        if raw is None:
            continue
        parts = {
            key: _get(raw, key)
            for key in ("address1", "address2", "city", "postal_code", "country")
        }
        parts["state"] = _get(raw, "state") or _get(raw, "province")
        parts = {k: str(v) for k, v in parts.items() if _present(v)}
        if not parts:
            continue
        if country is None and "country" in parts:
            country = normalize.country(parts["country"])
        parsed = normalize.address(**parts)
        if parsed is None:
            continue
        line = " ".join(
            p for p in (parsed.house_number, parsed.street, parsed.unit) if p
        )
        item = (
            line,
            sys.intern(parsed.city or ""),
            sys.intern(parsed.postal_code or ""),
            sys.intern(parsed.country or ""),
        )
        if any(item[:3]) and item not in found:
            found.append(item)
    return tuple(found), country
