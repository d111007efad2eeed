"""Countries: ISO 3166 alpha-2 codes from codes and common English names."""

from __future__ import annotations

import functools

import pycountry

from profilematch._normalize._missing import coerce
from profilematch._normalize._text import words

__all__ = ["country"]

# Names people write that pycountry does not list (it keeps ISO's official and
# short names), and codes that are not ISO but common in customer data.
_ALIASES = {
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "america": "US",
    "united states": "US",
    "united states of america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "ivory coast": "CI",
    "holland": "NL",
    "the netherlands": "NL",
    "turkey": "TR",
    "czechia": "CZ",
    "vatican": "VA",
    "macau": "MO",
    "burma": "MM",
    "laos": "LA",
    "syria": "SY",
    "moldova": "MD",
    "tanzania": "TZ",
    "venezuela": "VE",
    "uae": "AE",
    "cape verde": "CV",
    "swaziland": "SZ",
    "east timor": "TL",
    "kosovo": "XK",
    "xk": "XK",
    "xkx": "XK",
}


@functools.cache
def _table() -> dict[str, str]:
    """Every code and name pycountry knows, folded, mapped to alpha-2."""
    table: dict[str, str] = {}
    for entry in pycountry.countries:
        alpha_2 = str(entry.alpha_2)
        for attribute in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(entry, attribute, None)
            if value:
                table.setdefault(" ".join(words(str(value))), alpha_2)

    table.update(_ALIASES)
    return table


@functools.lru_cache(maxsize=2**12)
def _country(text: str) -> str | None:
    key = " ".join(words(text))
    if key.startswith("the "):
        return _table().get(key) or _table().get(key[4:])
    return _table().get(key)


def country(raw: object) -> str | None:
    """Return the ISO alpha-2 code of a country given by code or English name.

    Accepts alpha-2 (``"us"``), alpha-3 (``"USA"``), ISO names
    (``"Germany"``), official names and common aliases (``"UK"``,
    ``"United States"``, ``"Holland"``) in any case, with or without accents.

    Args:
        raw: the raw country value.

    Returns:
        The upper-case alpha-2 code, or None when missing or unknown.
    """
    text = coerce(raw)
    if text is None:
        return None
    return _country(text)
