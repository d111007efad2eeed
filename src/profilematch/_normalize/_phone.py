"""Phone numbers: E.164 keys from numbers written in any national format."""

from __future__ import annotations

import functools
import re

import attrs
import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

from profilematch._normalize._country import country
from profilematch._normalize._missing import coerce

__all__ = ["PhoneNumber", "phone"]

# Fewer digits than this are service codes and short codes, not a line.
_MIN_DIGITS = 7

# A name or remark in brackets: "(Nils)", "[work]", unless it is an
# extension ("(ext. 12)"). Brackets holding only digits, such as "(0)" or
# "(506)", are part of the number and stay.
_BRACKETED_WORDS = re.compile(r"[(\[{][^)\]}]*[^\W\d_][^)\]}]*[)\]}]?")
_BRACKETED_EXTENSION = re.compile(
    r"[(\[{]\s*(?:ext(?:ension)?|x)\.?\s*(\d{1,10})\s*[)\]}]?", re.IGNORECASE
)

# An extension at the end, with or without its digits: ";ext=136", " x136",
# "x136", " ext. 136", " extension 12", " #12", a bare trailing " ext.".
_EXTENSION = re.compile(
    r"(?:;\s*ext\s*=|[\s,;]*(?:ext(?:ension)?|x|#)\.?(?=\s*\d|\s*$))\s*(\d{1,10})?\s*$",
    re.IGNORECASE,
)

# Words before the first digit ("Tel:", "mobile") and words after the last
# digit ("home", "call after noon") are labels, not part of the number.
_LEADING_WORDS = re.compile(r"^[^\d+]*[^\W\d_][^\d+]*(?=[\d+])")
_TRAILING_WORDS = re.compile(r"(?<=\d)[^\w]*\s[^\d]*[^\W\d_][^\d]*$")

_LETTER = re.compile(r"[^\W\d_]")
_PLAIN = re.compile(r"\+?[\d\s().\-/]+")
_NANP_SHAPE = re.compile(r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}")
_NANP_REGIONS = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
_NON_DIGITS = re.compile(r"\D")
_E164 = phonenumbers.PhoneNumberFormat.E164
_POSSIBLE = ValidationResult.IS_POSSIBLE
_LOCAL_ONLY = ValidationResult.IS_POSSIBLE_LOCAL_ONLY


@attrs.frozen
class PhoneNumber:
    """A phone number in canonical form.

    Attributes:
        e164: the E.164 form (``"+12015550123"``), or None when no key can be
            built: letters in the number, no country known, too short or too
            long for its country, or a local number without its area code.
        national: the national significant number (digits without country
            code or trunk prefix), or None when the number could not be parsed.
        country_code: the calling code (1, 33, ...), or None.
        extension: the extension digits, or None.
        valid: True when the number is a real, assigned range for its
            country; a possible but unassigned number (the fictional 555
            range) has an ``e164`` but is not valid.
        raw: the text received, stripped.
        digits: every digit of the number part, in order (no extension).
        local_only: True when the number is a local one whose area code is
            missing (``"555-0143"`` in the US); ``national`` then holds the
            local digits, which a comparison can match against the end of a
            full national number.
    """

    e164: str | None
    national: str | None
    country_code: int | None
    extension: str | None
    valid: bool
    raw: str
    digits: str = ""
    local_only: bool = False

    @property
    def canonical(self) -> str | None:
        """The E.164 form with the extension in RFC 3966 style, or None."""
        if self.e164 is None:
            return None
        if self.extension:
            return f"{self.e164};ext={self.extension}"
        return self.e164


def _region(region: object) -> str | None:
    """The phonenumbers region for a country code or name, or None."""
    code = country(region)
    if code is None or code not in phonenumbers.SUPPORTED_REGIONS:
        return None
    return code


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region, keep_raw_input=False)
    except NumberParseException:
        return None


def _is_stable(e164: str) -> bool:
    """Tell whether an E.164 form reads back as itself."""
    again = _parse(e164, None)
    return again is not None and e164 == phonenumbers.format_number(again, _E164)


def _unbracket(found: re.Match[str]) -> str:
    """Drop a bracketed remark, keeping an extension written in brackets."""
    extension = _BRACKETED_EXTENSION.fullmatch(found.group())
    return f" ext {extension.group(1)}" if extension else " "


def _split(text: str) -> tuple[str, str | None]:
    """Separate the number from its annotations and its extension."""
    core = _BRACKETED_WORDS.sub(_unbracket, text)

    extension = None
    found = _EXTENSION.search(core)
    if found and found.start() > 0:
        extension = found.group(1)
        core = core[: found.start()]

    core = _TRAILING_WORDS.sub("", core)
    core = _LEADING_WORDS.sub("", core)
    return core.strip(), extension


def _nanp_national(core: str, digits: str, region: str | None) -> str | None:
    """The ten-digit national number of a plain North American number, or None.

    Only plain forms qualify: digits and the usual separators, ten digits
    read in a North American region, or eleven behind "+1" or a trunk "1".
    """
    if not _PLAIN.fullmatch(core):
        return None

    if core.startswith("+"):
        national = digits[1:] if len(digits) == 11 and digits[0] == "1" else ""
    elif region in _NANP_REGIONS:
        national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    else:
        return None

    if len(national) == 10 and national[0] in "23456789":
        return national
    return None


def _no_trunk(number: phonenumbers.PhoneNumber) -> bool:
    """Tell whether the number's country dials without a trunk prefix."""
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return metadata is not None and metadata.national_prefix is None


def _repair(
    number: phonenumbers.PhoneNumber, core: str
) -> phonenumbers.PhoneNumber | None:
    """A valid reading of an invalid number under a common writing habit, or None.

    Two habits are undone, and only when they turn an invalid number into a
    valid one, so a valid number is never changed: a trunk "0" kept where the
    country dials none ("+34 (0)691 901 321", "0691 901 321" in Spain), and a
    North American number written in its national "555-555-5555" shape in a
    profile from another country.
    """
    if number.italian_leading_zero and _no_trunk(number):
        bare = phonenumbers.PhoneNumber(
            country_code=number.country_code, national_number=number.national_number
        )
        if phonenumbers.is_valid_number(bare):
            return bare

    if _NANP_SHAPE.fullmatch(core):
        north_american = _parse(core, "US")
        if north_american is not None and phonenumbers.is_valid_number(north_american):
            return north_american
    return None


# The number types of phonenumbers' metadata; a number is valid for a region
# when it matches the general pattern and the pattern of any type.
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)
_Desc = tuple[frozenset[int], "re.Pattern[str]"]


@functools.cache
def _descs(region: str) -> tuple[int, _Desc | None, tuple[_Desc, ...]] | None:
    """The calling code and the compiled patterns of one region, or None."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None

    def compiled(name: str) -> _Desc | None:
        desc = getattr(metadata, name, None)
        if desc is None or not desc.national_number_pattern:
            return None
        lengths = frozenset(desc.possible_length or ())
        return lengths, re.compile(desc.national_number_pattern)

    types = tuple(d for d in (compiled(name) for name in _TYPES) if d is not None)
    return int(metadata.country_code or 0), compiled("general_desc"), types


def _matches(national: str, desc: _Desc) -> bool:
    lengths, pattern = desc
    if lengths and len(national) not in lengths:
        return False
    return pattern.fullmatch(national) is not None


def _valid_for_region(number: phonenumbers.PhoneNumber, region: str) -> bool:
    """phonenumbers.is_valid_number_for_region on patterns compiled once."""
    descs = _descs(region)
    if descs is None:
        return False

    code, general, types = descs
    if code != number.country_code:
        return False
    national = phonenumbers.national_significant_number(number)
    if general is None or not _matches(national, general):
        return False
    return any(_matches(national, desc) for desc in types)


def _is_valid(number: phonenumbers.PhoneNumber, region: str | None) -> bool:
    """is_valid_number, asking the profile's own region first.

    A number valid for one region of its calling code is valid, and checking
    one region is cheaper than finding the region among the 25 that share +1.
    """
    if region is not None and _valid_for_region(number, region):
        return True
    return bool(phonenumbers.is_valid_number(number))


@functools.lru_cache(maxsize=2**18)
def _phone(text: str, region: str | None) -> PhoneNumber | None:
    return _read(text, region, fast=True)


def _read(text: str, region: str | None, *, fast: bool) -> PhoneNumber | None:
    """Normalize one phone number; ``fast`` enables the library shortcuts.

    The shortcuts (plain North American numbers built without parsing,
    validity asked of the profile's region first) give the same result as
    the library path; a property test holds them to it.
    """
    core, extension = _split(text)
    digits = _NON_DIGITS.sub("", core)
    if len(digits) < _MIN_DIGITS:
        return None

    # phonenumbers reads letters as keypad digits; in customer data a letter
    # inside a number is a typo or a mask, never a key to match on.
    if _LETTER.search(core):
        return PhoneNumber(None, None, None, extension, False, text, digits)

    national = _nanp_national(core, digits, region) if fast else None
    if national is not None:
        nanp = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
        return PhoneNumber(
            e164="+1" + national,
            national=national,
            country_code=1,
            extension=extension,
            valid=_is_valid(nanp, region),
            raw=text,
            digits=digits,
        )

    number = None
    international = core.startswith("+")
    if international or region is not None:
        number = _parse(core, None if international else region)
    # "00" is the international prefix of most countries; a number written
    # with it parses even when the profile's region dials abroad differently.
    if not international and digits.startswith("00") and not digits.startswith("000"):
        dialled = _parse("+" + digits[2:], None)
        if dialled is not None and (
            number is None or not phonenumbers.is_possible_number(number)
        ):
            number = dialled

    if number is None:
        return PhoneNumber(None, None, None, extension, False, text, digits)

    valid = _is_valid(number, region) if fast else phonenumbers.is_valid_number(number)
    if not valid:
        repaired = _repair(number, core)
        if repaired is not None:
            number, valid = repaired, True

    reason = phonenumbers.is_possible_number_with_reason(number)
    e164 = phonenumbers.format_number(number, _E164) if reason == _POSSIBLE else None
    # A junk number such as "+49 000000" loses a trunk zero each time it is
    # read again; a key that changes on re-reading, or that is too short to
    # count as a phone, is no key.
    if e164 and not valid and (len(e164) <= _MIN_DIGITS or not _is_stable(e164)):
        e164 = None
    return PhoneNumber(
        e164=e164,
        national=phonenumbers.national_significant_number(number),
        country_code=number.country_code,
        extension=extension or number.extension or None,
        valid=valid,
        raw=text,
        digits=digits,
        local_only=reason == _LOCAL_ONLY,
    )


def phone(raw: object, region: object = None) -> PhoneNumber | None:
    """Normalize a phone number to E.164 with its extension apart.

    A number without a country code is read in ``region``: the profile's
    address country as ISO alpha-2, alpha-3 or an English name. A number
    that is possible for its country gets an E.164 form even when it is not
    valid, so the fictional 555 numbers match each other.

    Args:
        raw: the raw phone number.
        region: the country to read a national number in, or None.

    Returns:
        None for a missing value or one with six digits or fewer (service
        codes carry no phone evidence), else a :class:`PhoneNumber`.
    """
    text = coerce(raw)
    if text is None:
        return None
    return _phone(text, _region(region))
