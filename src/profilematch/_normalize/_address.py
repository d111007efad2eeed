"""Postal addresses: canonical streets, house numbers, cities and postal codes."""

from __future__ import annotations

import functools
import re

import attrs

from profilematch._normalize._country import country as country_code
from profilematch._normalize._missing import coerce
from profilematch._normalize._text import words

__all__ = ["PostalAddress", "address"]

# Street types, directions and unit designators in their USPS abbreviation,
# so that "Main Street" and "Main St." agree.
_ABBREVIATIONS = {
    "street": "st", "streets": "sts", "str": "st", "strasse": "st",
    "avenue": "ave", "av": "ave", "avenues": "aves", "road": "rd", "roads": "rds",
    "drive": "dr", "drives": "drs", "lane": "ln", "lanes": "lns",
    "boulevard": "blvd", "court": "ct", "courts": "cts", "place": "pl",
    "square": "sq", "terrace": "ter", "parkway": "pkwy", "highway": "hwy",
    "circle": "cir", "crescent": "cres", "trail": "trl", "freeway": "fwy",
    "expressway": "expy", "mount": "mt", "mountain": "mtn", "heights": "hts",
    "point": "pt", "ridge": "rdg", "route": "rte", "turnpike": "tpke",
    "center": "ctr", "centre": "ctr", "plaza": "plz", "crossing": "xing",
    "junction": "jct", "harbor": "hbr", "lake": "lk", "park": "park",
    "ports": "prts", "port": "prt", "estates": "ests", "station": "sta",
    "fort": "ft", "grove": "grv", "hill": "hl", "hills": "hls",
    "island": "is", "meadows": "mdws", "springs": "spgs", "valley": "vly",
    "village": "vlg", "view": "vw", "views": "vws", "villages": "vlgs",
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
    "northwest": "nw", "southeast": "se", "southwest": "sw",
    "suite": "ste", "apartment": "apt", "apartement": "apt", "unit": "unit",
    "floor": "fl", "building": "bldg", "room": "rm", "department": "dept",
    "number": "no", "nr": "no", "saint": "st",
}  # fmt: skip

# Designators that open a unit: the designator and the word after it are the
# unit, not part of the street.
_UNITS = frozenset({"ste", "apt", "unit", "fl", "bldg", "rm", "dept", "no", "lot"})

_ALNUM_SPACES = re.compile(r"[\s\-]+")
_ZIP_PLUS4 = re.compile(r"(\d{5})-?(\d{4})")
_HOUSE = re.compile(r"\d+[a-z]?")
_LEADING_ZEROS = re.compile(r"^0+(?=\d)")


@attrs.frozen
class PostalAddress:
    """A postal address in canonical form.

    Attributes:
        street: the street name, folded, without punctuation, with street
            types and directions abbreviated (``"tiffany rds"``), or None.
        house_number: the house number (``"868"``, ``"12b"``), or None.
        unit: the unit (``"ste 380"``, ``"apt 4"``), or None.
        city: the city, folded and without punctuation, or None.
        state: the state, province or county, folded, or None.
        postal_code: upper case without spaces or dashes; a US ZIP+4 is
            reduced to its five-digit ZIP, or None.
        country: the ISO alpha-2 code, or None.
    """

    street: str | None
    house_number: str | None
    unit: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None

    @property
    def street_key(self) -> str | None:
        """House number and street, the pair that names a building."""
        if self.street is None:
            return None
        return f"{self.house_number or ''} {self.street}".strip()

    @property
    def key(self) -> str | None:
        """Street key, unit and postal code (or city) joined: one dwelling."""
        place = self.postal_code or self.city
        if self.street is None or place is None:
            return None
        return "|".join((self.street_key or "", self.unit or "", place))


def _abbreviate(word: str) -> str:
    # German compounds write the street type inside the word: "Hauptstraße"
    # and "Hauptstr." are one street.
    if word.endswith("strasse") and len(word) > len("strasse"):
        return word[: -len("strasse")] + "str"
    return _ABBREVIATIONS.get(word, word)


def _canonical(text: str | None) -> list[str]:
    return [_abbreviate(w) for w in words(text)] if text else []


def _street(lines: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
    """Split street lines into street, house number and unit."""
    tokens = [t for line in lines for t in _canonical(line)]

    unit: list[str] = []
    for i, token in enumerate(tokens):
        if token in _UNITS and i + 1 < len(tokens) and i > 0:
            unit = tokens[i : i + 2]
            tokens = tokens[:i] + tokens[i + 2 :]
            break

    house = None
    if len(tokens) > 1 and _HOUSE.fullmatch(tokens[0]):
        house = tokens.pop(0)
    elif len(tokens) > 1 and _HOUSE.fullmatch(tokens[-1]):
        # Continental order: "Hauptstrasse 5".
        house = tokens.pop()

    if house is not None:
        # "0094" and "94" are one house number.
        house = _LEADING_ZEROS.sub("", house)
    return " ".join(tokens) or None, house, " ".join(unit) or None


def _postal_code(text: str | None, country: str | None) -> str | None:
    if not text:
        return None

    code = _ALNUM_SPACES.sub("", text).upper()
    if country in (None, "US"):
        found = _ZIP_PLUS4.fullmatch(code)
        if found:
            return found.group(1)
    return "".join(c for c in code if c.isalnum()) or None


@functools.lru_cache(maxsize=2**18)
def _address(
    lines: tuple[str, ...],
    city: str | None,
    state: str | None,
    postal_code: str | None,
    country: str | None,
) -> PostalAddress | None:
    street, house, unit = _street(lines)
    alpha_2 = country_code(country)
    result = PostalAddress(
        street=street,
        house_number=house,
        unit=unit,
        city=" ".join(_canonical(city)) or None,
        state=" ".join(words(state or "")) or None,
        postal_code=_postal_code(postal_code, alpha_2),
        country=alpha_2,
    )

    if result == _EMPTY:
        return None
    return result


_EMPTY = PostalAddress(None, None, None, None, None, None, None)


def address(
    address1: object = None,
    address2: object = None,
    city: object = None,
    postal_code: object = None,
    country: object = None,
    state: object = None,
    *,
    address3: object = None,
    address4: object = None,
    county: object = None,
    province: object = None,
) -> PostalAddress | None:
    """Normalize a postal address.

    Case, accents, whitespace and punctuation are folded; street types,
    directions and unit words are abbreviated (Street/St, Avenue/Ave,
    North/N, Suite/Ste, Apartment/Apt); the house number and the unit are
    split from the street; postal codes lose spaces and dashes, and a US
    ZIP+4 keeps its five-digit ZIP.

    Args:
        address1: the first street line.
        address2: the second street line.
        city: the city.
        postal_code: the postal code.
        country: the country, as ISO code or English name.
        state: the state; ``province`` and ``county`` stand in when missing.
        address3: the third street line.
        address4: the fourth street line.
        county: the county.
        province: the province.

    Returns:
        A :class:`PostalAddress`, or None when every part is missing.
    """
    lines = tuple(
        text
        for text in (coerce(v) for v in (address1, address2, address3, address4))
        if text is not None
    )
    region = coerce(state) or coerce(province) or coerce(county)
    return _address(lines, coerce(city), region, coerce(postal_code), coerce(country))
