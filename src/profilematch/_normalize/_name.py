"""Person names: canonical parts, generational suffixes, nicknames, phonetics."""

from __future__ import annotations

import functools
import re

import attrs
import jellyfish
from nicknames import NickNamer

from profilematch._normalize._missing import NULL_TOKENS, coerce
from profilematch._normalize._text import words

__all__ = ["PersonName", "name", "nickname_keys", "phonetic"]

# Courtesy and professional titles: dropped, they say nothing about identity.
_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "mstr", "master", "dr", "doctor", "prof",
        "professor", "sir", "dame", "lady", "lord", "rev", "revd", "reverend",
        "fr", "father", "sr", "sra", "srta", "capt", "sgt", "herr", "frau", "mme",
        "mlle",
    }
)  # fmt: skip

# Generational suffixes, kept: a Jr and a Sr at one address are two people.
_SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "jnr": "jr",
    "sr": "sr",
    "senior": "sr",
    "snr": "sr",
    "ii": "ii",
    "2nd": "ii",
    "iii": "iii",
    "3rd": "iii",
    "iv": "iv",
    "4th": "iv",
}

# Degrees and honours after a name: dropped like titles.
_POSTNOMINALS = frozenset(
    {"phd", "md", "dds", "esq", "mba", "cpa", "rn", "jd", "dvm", "obe", "mbe", "cbe"}
)

# Particles that begin a compound surname ("da Costa", "van der Berg").
_PARTICLES = frozenset(
    {
        "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la",
        "le", "van", "von", "ter", "ten", "bin", "ibn", "al", "el", "st",
    }
)  # fmt: skip

_ASCII_LETTERS = re.compile(r"[^a-z]")


@attrs.frozen
class PersonName:
    """A person's name in canonical form.

    Every part is case-folded, accent-folded and free of punctuation except
    hyphens; a part of several words (``"da costa"``) keeps them separated by
    single spaces, a hyphenated one (``"smith-jones"``) its hyphens. Tokens
    are split on both.

    Attributes:
        first: the first given name, or None.
        middle: the other given names, or None.
        last: the surname, or None.
        suffix: the generational suffix (``"jr"``, ``"sr"``, ``"ii"``,
            ``"iii"``, ``"iv"``), or None.
        tokens: every word of first, middle and last, in order.
        initials: the first letter of each token, in order.
    """

    first: str | None
    middle: str | None
    last: str | None
    suffix: str | None
    tokens: tuple[str, ...]
    initials: str

    @property
    def full(self) -> str:
        """First, middle and last joined by spaces."""
        return " ".join(self.tokens)


def _is_suffix(word: str) -> bool:
    return word in _SUFFIXES or word in _POSTNOMINALS


def _is_title(group: list[str]) -> bool:
    return len(group) == 1 and group[0] in _TITLES


def _strip(groups: list[list[str]]) -> tuple[list[list[str]], str | None]:
    """Remove titles in front and suffixes behind; return the suffix found.

    Each group is the list of words of one space-separated name word, so
    that a hyphenated surname stays one group.
    """
    suffix = None
    while groups and len(groups[-1]) == 1 and _is_suffix(groups[-1][0]):
        # "Sr" closing a name of two or more words is a suffix; "Sr" in front
        # is the Spanish title, removed with the titles below.
        if len(groups) == 1:
            break
        word = groups.pop()[0]
        suffix = suffix or _SUFFIXES.get(word)

    while len(groups) > 1 and _is_title(groups[0]):
        groups.pop(0)
    return groups, suffix


def _groups(text: str) -> list[list[str]]:
    """Split a name into words on spaces, each split further on hyphens."""
    # Dots end initials and abbreviations: "J.P." is two initials.
    return [g for g in (words(piece) for piece in text.replace(".", " ").split()) if g]


def _assemble(
    first: list[list[str]],
    middle: list[list[str]],
    last: list[list[str]],
    suffix: str | None,
) -> PersonName | None:
    def join(groups: list[list[str]]) -> str | None:
        # Hyphens survive inside a part so that "smith-jones" stays one
        # surname when the canonical parts are normalized again.
        return " ".join("-".join(g) for g in groups) or None

    # A word that stands for no value ("none", "null") is no name, in a whole
    # name as in a name field.
    first, middle, last = (
        [g for g in part if "-".join(g) not in NULL_TOKENS]
        for part in (first, middle, last)
    )

    tokens = tuple(w for part in (first, middle, last) for g in part for w in g)
    if not tokens:
        return None
    return PersonName(
        first=join(first),
        middle=join(middle),
        last=join(last),
        suffix=suffix,
        tokens=tokens,
        initials="".join(t[0] for t in tokens),
    )


def _split_given(groups: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """Split given names into the first name and the middle names."""
    return groups[:1], groups[1:]


@functools.lru_cache(maxsize=2**18)
def _full(text: str) -> PersonName | None:
    pieces = [p for p in text.split(",") if p.strip()]
    grouped = [_groups(p) for p in pieces]
    suffix = None
    # Pieces after a comma that hold only a suffix or a degree: "King, Jr.".
    while len(grouped) > 1 and all(
        len(g) == 1 and _is_suffix(g[0]) for g in grouped[-1]
    ):
        for g in grouped.pop():
            suffix = suffix or _SUFFIXES.get(g[0])
    grouped = [g for g in grouped if g]

    if len(grouped) >= 2:
        # "Last, First Middle": the surname comes first.
        last, last_suffix = _strip(grouped[0])
        given, given_suffix = _strip([g for piece in grouped[1:] for g in piece])
        first, middle = _split_given(given)
        return _assemble(first, middle, last, suffix or given_suffix or last_suffix)

    if not grouped:
        return None
    titled = len(grouped[0]) > 1 and _is_title(grouped[0][0])
    groups, found = _strip(grouped[0])
    suffix = suffix or found
    if len(groups) == 1:
        # "Mr Smith": the one word left after a title is a surname.
        if titled:
            return _assemble([], [], groups, suffix)
        return _assemble(groups, [], [], suffix)

    start = len(groups) - 1
    while (
        start > 1
        and groups[start - 1] == [groups[start - 1][0]]
        and (groups[start - 1][0] in _PARTICLES)
    ):
        start -= 1
    return _assemble(groups[:1], groups[1:start], groups[start:], suffix)


@functools.lru_cache(maxsize=2**18)
def _parts(first: str, middle: str, last: str) -> PersonName | None:
    given, given_suffix = _strip(_groups(first)) if first else ([], None)
    middles = _groups(middle)
    surname, suffix = _strip(_groups(last)) if last else ([], None)
    # A first-name field holding only a title ("Mr" beside "Smith").
    if surname and len(given) == 1 and _is_title(given[0]):
        given = []
    # A lone suffix in the last-name field is kept as a surname, not lost.
    if not given and not middles and not surname and suffix:
        surname, suffix = [[suffix]], None

    first_part, extra = _split_given(given + middles)
    return _assemble(first_part, extra, surname, suffix or given_suffix)


def name(
    full: object = None,
    *,
    first: object = None,
    middle: object = None,
    last: object = None,
) -> PersonName | None:
    """Normalize a person's name, given whole or in parts.

    Titles (Mr, Dr, ...) and degrees are dropped; generational suffixes (Jr,
    Sr, II, III, Junior) are kept apart. A whole name may be written
    ``"First Middle Last"`` or ``"Last, First Middle"``. When any part is
    given, the parts are used and ``full`` is ignored.

    Args:
        full: the whole name.
        first: the first name.
        middle: the middle name or names.
        last: the surname.

    Returns:
        A :class:`PersonName`, or None when no name is left.
    """
    parts = (coerce(first), coerce(middle), coerce(last))
    if any(parts):
        return _parts(parts[0] or "", parts[1] or "", parts[2] or "")

    text = coerce(full)
    if text is None:
        return None
    return _full(text)


@functools.cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@functools.lru_cache(maxsize=2**16)
def _nickname_keys(text: str) -> frozenset[str]:
    folded = " ".join(words(text))
    if not folded:
        return frozenset()
    return frozenset({folded, *_nicknamer().canonicals_of(folded)})


def nickname_keys(first: object) -> frozenset[str]:
    """Return the canonical forms of a first name, itself included.

    ``"bob"`` gives ``{"bob", "robert", ...}``; two first names are nickname
    equivalent when their keys intersect. The table is the hand-curated
    ``nicknames`` package (github.com/carltonnorthern/nicknames, Apache-2.0).

    Args:
        first: a first name, canonical or raw.

    Returns:
        The folded name and its canonical forms; empty for a missing name.
    """
    text = coerce(first)
    if text is None:
        return frozenset()
    return _nickname_keys(text)


@functools.lru_cache(maxsize=2**16)
def _phonetic(text: str) -> str:
    folded = "".join(words(text))
    letters = _ASCII_LETTERS.sub("", folded)
    if not letters:
        return folded
    return str(jellyfish.metaphone(letters))


def phonetic(token: object) -> str:
    """Return a phonetic code of a name token (Metaphone on folded letters).

    Accent and case variants agree: ``"François"`` and ``"Francois"`` both
    give ``"FRNKS"``. A token with no Latin letters is returned folded, so it
    still compares exactly.

    Args:
        token: a name token, canonical or raw.

    Returns:
        The code, or an empty string for a missing token.
    """
    text = coerce(token)
    if text is None:
        return ""
    return _phonetic(text)
