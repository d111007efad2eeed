"""Comparison levels: how closely two profiles agree, attribute family by family.

Each attribute family yields the index of the first comparison level that
holds, from an ordered list: missing first (either side lacks the attribute,
which is neither agreement nor disagreement), exact next, fuzzy levels from
strict to loose, and "else" last. Profiles hold several emails, phones and
addresses; every value of one side is compared with every value of the other
and the best level wins, so a mobile number equal to another profile's home
number is an exact phone match.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import jellyfish

from profilematch._features import ProfileFeatures

FAMILIES: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "address",
    "birth_date",
    "account",
)
"""The attribute families, in the order of a comparison vector."""

LEVELS: dict[str, tuple[str, ...]] = {
    "name": (
        "missing",
        "exact",
        "reordered",
        "close",
        "loose",
        "nickname_or_initial",
        "surname_only",
        "suffix_conflict",
        "else",
        "business_reordered",
        "business_close",
        "business_loose",
        "business_shared_word",
        "business_else",
    ),
    "email": (
        "missing",
        "exact",
        "mailbox",
        "local_without_separators",
        "local_other_domain",
        "local_close",
        "else",
    ),
    "phone": ("missing", "exact", "national", "last_seven", "one_edit", "else"),
    "address": ("missing", "exact", "close", "same_area", "else"),
    "birth_date": ("missing", "exact", "day_month_swapped", "one_digit", "else"),
    "account": ("missing", "exact", "one_edit", "else"),
}
"""Comparison levels per family, in the order they are tried.

Names have two sets of levels below "exact": person names (first and last
name) and business names (compared as text; also a person name met by a
business name alone). Both kinds can differ while the profiles share a phone
and an address, but they differ in different ways: people of one household
have different first names, often under one surname, while an organisation
listed twice is written differently (an abbreviation, its operator's name
added) and organisations that truly share a site (the restaurants of one
hotel) have names with nothing in common. Separate levels let the confidence
model weigh each kind on its own, so that its household class reads person
names as households and business names only as unlike as random pairs' (see
``profilematch._score``). Identical names share the one "exact" level: they
are never a household, and the term-frequency weakening of a shared name
reads that level.
"""

MISSING = 0
EXACT = 1

# Jaro-Winkler thresholds for name parts. 0.92 keeps one typo in a name of five
# letters or more (jon/john, catherine/katherine fall below and need nicknames);
# 0.80 is the loose band where a first name with two typos still counts.
_NAME_CLOSE = 0.92
_NAME_LOOSE = 0.80
_BUSINESS_CLOSE = 0.92
_BUSINESS_LOOSE = 0.85
_LOCAL_CLOSE = 0.90
# Words that two unrelated organisations' names share without telling anything.
_FILLER_WORDS = frozenset(["and", "the", "inc", "llc", "ltd", "corp", "for"])
_STREET_CLOSE = 0.90

_N = {family: {name: i for i, name in enumerate(LEVELS[family])} for family in FAMILIES}
_NAME = _N["name"]
_PERSON_LEVELS = tuple(
    _NAME[x] for x in ("reordered", "close", "loose", "else", "else")
)
_BUSINESS_LEVELS = tuple(
    _NAME[f"business_{x}"]
    for x in ("reordered", "close", "loose", "shared_word", "else")
)
BUSINESS_NAME_LEVELS = frozenset(_BUSINESS_LEVELS)
"""Name levels of two differing names of which at least one is a business name."""
_EMAIL = _N["email"]
_PHONE = _N["phone"]
_ADDRESS = _N["address"]
_BIRTH = _N["birth_date"]
_ACCOUNT = _N["account"]

_jw = jellyfish.jaro_winkler_similarity
_dl = jellyfish.damerau_levenshtein_distance

Vector = tuple[int, ...]
"""One comparison level index per family, in the order of FAMILIES."""

ExactValues = tuple[str | None, str | None, str | None]
"""The shared name, email and phone values behind exact levels, for term frequency."""


def compare(a: ProfileFeatures, b: ProfileFeatures) -> tuple[Vector, ExactValues]:
    """Compare two profiles family by family.

    Args:
        a: Features of one profile.
        b: Features of the other profile.

    Returns:
        The comparison vector and, for name, email and phone, the value both
        profiles share when the level is exact (else None), so that the score
        can weaken agreement on a common value.
    """
    name_level, name_value = compare_name(a, b)
    email_level, email_value = compare_email(
        a.emails, a.mailboxes, b.emails, b.mailboxes
    )
    phone_level, phone_value = compare_phone(
        a.phones, a.nationals, b.phones, b.nationals
    )
    vector = (
        name_level,
        email_level,
        phone_level,
        compare_address(a.addresses, b.addresses),
        compare_birth_date(a.birth_dates, b.birth_dates),
        compare_account(a.account, b.account),
    )
    return vector, (name_value, email_value, phone_value)


_SAME_BIRTH = frozenset(
    (_BIRTH["exact"], _BIRTH["day_month_swapped"], _BIRTH["one_digit"])
)


def conflicting(a: ProfileFeatures, b: ProfileFeatures, vector: Vector) -> bool:
    """Whether two profiles disagree so strongly they cannot be one person.

    Conflicting generational suffixes (Walter Finch Sr. and Jr.), or one
    surname with first names that differ (neither close, nor nickname, nor
    initial) while neither the birth date nor the account number agrees:
    household members share a surname, phones, addresses and even emails, but
    not a first name. Business names are exempt: both levels that veto are
    person name levels, which a pair with a business name never gets.
    """
    name = vector[0]
    if name == _NAME["suffix_conflict"]:
        return True
    if name != _NAME["surname_only"] or not (a.tokens and b.tokens):
        return False
    return vector[4] not in _SAME_BIRTH and vector[5] != EXACT


def compare_name(a: ProfileFeatures, b: ProfileFeatures) -> tuple[int, str | None]:
    """Comparison level of the names (person name, else business name).

    Returns:
        The level index and the full name when the level is exact.
    """
    tokens_a, tokens_b = a.name_tokens, b.name_tokens
    if not tokens_a or not tokens_b:
        return MISSING, None

    if a.tokens and b.tokens:
        return _compare_person(a, b)
    return _compare_text(tokens_a, tokens_b)


def _compare_person(a: ProfileFeatures, b: ProfileFeatures) -> tuple[int, str | None]:
    """Comparison level of two person names."""
    if a.suffix and b.suffix and a.suffix != b.suffix:
        return _NAME["suffix_conflict"], None

    fa, la, fb, lb = a.first, a.last, b.first, b.last
    if not (fa and la and fb and lb):
        return _compare_partial(a, b)

    if fa == fb and la == lb:
        if _middle_conflict(a.middle, b.middle):
            return _NAME["close"], None
        return EXACT, f"{fa} {la}"
    if (fa == lb and la == fb) or sorted(a.tokens) == sorted(b.tokens):
        return _NAME["reordered"], None

    level = _person_level(fa, la, fb, lb, set(a.nicknames), set(b.nicknames))
    if level == _NAME["close"]:
        # No orientation can do better than close.
        return level, None
    return min(
        level,
        # A swapped record (first name in the last-name field) meets the other
        # in reverse; nicknames do not apply to a name in the wrong field.
        _person_level(la, fa, fb, lb, set(), set()),
        _person_level(fa, la, lb, fb, set(), set()),
    ), None


def _person_level(
    fa: str, la: str, fb: str, lb: str, nicknames_a: set[str], nicknames_b: set[str]
) -> int:
    """Fuzzy comparison level of two (first, last) name pairs in one orientation."""
    first_similarity = _jw(fa, fb)
    last_similarity = _jw(la, lb)
    if first_similarity >= _NAME_CLOSE and last_similarity >= _NAME_CLOSE:
        return _NAME["close"]
    # Letters in another order are a typing slip (amelia and lmeai).
    if len(fa) == len(fb) and first_similarity < 1.0 and sorted(fa) == sorted(fb):
        first_similarity = 1.0
    if len(la) == len(lb) and last_similarity < 1.0 and sorted(la) == sorted(lb):
        last_similarity = 1.0

    if last_similarity >= _NAME_CLOSE or _share_token(la, lb):
        if _nickname_of(fa, fb, nicknames_a, nicknames_b) or _initial_of(fa, fb):
            return _NAME["nickname_or_initial"]
        if first_similarity >= _NAME_LOOSE:
            return _NAME["loose"]
        return _NAME["surname_only"]
    if first_similarity >= _NAME_CLOSE and _initial_of(la, lb):
        return _NAME["nickname_or_initial"]
    if first_similarity >= _NAME_CLOSE or (
        first_similarity >= _NAME_LOOSE and last_similarity >= _NAME_LOOSE
    ):
        return _NAME["loose"]
    return _NAME["else"]


def _nickname_of(
    first_a: str, first_b: str, nicknames_a: set[str], nicknames_b: set[str]
) -> bool:
    """Whether two first names are nicknames of one name, allowing one typo."""
    if nicknames_a & nicknames_b:
        return True
    return any(_jw(first_b, key) >= _NAME_CLOSE for key in nicknames_a) or any(
        _jw(first_a, key) >= _NAME_CLOSE for key in nicknames_b
    )


def _compare_partial(a: ProfileFeatures, b: ProfileFeatures) -> tuple[int, str | None]:
    """Comparison level of person names when a first or last name is missing."""
    # One side has a single name part: it is compatible when it is close to
    # either part of the other side, and says nothing when it is not there.
    parts_a = [part for part in (a.first, a.last) if part]
    parts_b = [part for part in (b.first, b.last) if part]
    if not parts_a or not parts_b:
        return _compare_text(a.tokens, b.tokens, business=False)
    if any(
        x == y or _jw(x, y) >= _NAME_CLOSE or sorted(x) == sorted(y)
        for x in parts_a
        for y in parts_b
    ):
        return _NAME["nickname_or_initial"], None
    if set(a.nicknames) & set(b.nicknames):
        return _NAME["nickname_or_initial"], None
    return _NAME["else"], None


def _compare_text(
    tokens_a: Sequence[str], tokens_b: Sequence[str], *, business: bool = True
) -> tuple[int, str | None]:
    """Comparison level of two names as token strings.

    Args:
        tokens_a: Name tokens of one profile.
        tokens_b: Name tokens of the other profile.
        business: Give the business name levels (else the person name levels,
            for person names too incomplete to split into first and last).
    """
    levels = _BUSINESS_LEVELS if business else _PERSON_LEVELS
    text_a, text_b = " ".join(tokens_a), " ".join(tokens_b)
    if text_a == text_b:
        return EXACT, text_a
    if sorted(tokens_a) == sorted(tokens_b):
        return levels[0], None

    similarity = _jw(text_a, text_b)
    if similarity >= _BUSINESS_CLOSE:
        return levels[1], None
    set_a, set_b = set(tokens_a), set(tokens_b)
    overlap = len(set_a & set_b) / len(set_a | set_b)
    if similarity >= _BUSINESS_LOOSE or overlap >= 0.5:
        return levels[2], None
    if any(len(word) >= 3 and word not in _FILLER_WORDS for word in set_a & set_b):
        return levels[3], None
    return levels[4], None


def _middle_conflict(middle_a: str | None, middle_b: str | None) -> bool:
    """Whether two middle names are both present and incompatible."""
    if not middle_a or not middle_b or middle_a == middle_b:
        return False
    return not (
        (len(middle_a) == 1 or len(middle_b) == 1) and middle_a[0] == middle_b[0]
    )


def _initial_of(first_a: str, first_b: str) -> bool:
    """Whether one first name is the initial of the other."""
    if len(first_a) != 1 and len(first_b) != 1:
        return False
    return first_a[0] == first_b[0]


def _share_token(text_a: str, text_b: str) -> bool:
    """Whether two multi-word names share a word (Ruiz and Ruiz Vega)."""
    if " " not in text_a and " " not in text_b:
        return False
    return bool(set(text_a.split()) & set(text_b.split()))


@functools.lru_cache(maxsize=2**16)
def _split_email(address: str) -> tuple[str, str]:
    """The local part without a plus tag or separators, and the domain."""
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0]
    return local.replace(".", "").replace("_", "").replace("-", ""), domain


def compare_email(
    emails_a: Sequence[str],
    mailboxes_a: Sequence[str],
    emails_b: Sequence[str],
    mailboxes_b: Sequence[str],
) -> tuple[int, str | None]:
    """Best comparison level over every email of each side.

    Returns:
        The level index and the shared address when the level is exact.
    """
    if not emails_a or not emails_b:
        return MISSING, None

    shared = set(emails_a) & set(emails_b)
    if shared:
        return EXACT, min(shared)
    if (set(emails_a) | set(mailboxes_a)) & (set(emails_b) | set(mailboxes_b)):
        return _EMAIL["mailbox"], None

    best = _EMAIL["else"]
    for address_a in emails_a:
        local_a, domain_a = _split_email(address_a)
        for address_b in emails_b:
            local_b, domain_b = _split_email(address_b)
            if local_a == local_b:
                level = (
                    _EMAIL["local_without_separators"]
                    if domain_a == domain_b
                    else _EMAIL["local_other_domain"]
                )
            elif min(len(local_a), len(local_b)) >= 4 and _jw(local_a, local_b) >= (
                _LOCAL_CLOSE
            ):
                level = _EMAIL["local_close"]
            else:
                continue
            best = min(best, level)
    return best, None


def compare_phone(
    phones_a: Sequence[str],
    nationals_a: Sequence[str],
    phones_b: Sequence[str],
    nationals_b: Sequence[str],
) -> tuple[int, str | None]:
    """Best comparison level over every phone of each side.

    Returns:
        The level index and the shared E.164 number when the level is exact.
    """
    if not phones_a or not phones_b:
        return MISSING, None

    shared = set(phones_a) & set(phones_b)
    if shared:
        return EXACT, min(shared)
    if set(nationals_a) & set(nationals_b):
        return _PHONE["national"], None

    best = _PHONE["else"]
    for national_a in nationals_a:
        for national_b in nationals_b:
            if len(national_a) >= 7 and national_a[-7:] == national_b[-7:]:
                return _PHONE["last_seven"], None
            if len(national_a) == len(national_b) and _dl(national_a, national_b) <= 1:
                best = _PHONE["one_edit"]
    return best, None


def compare_address(
    addresses_a: Sequence[tuple[str, str, str, str]],
    addresses_b: Sequence[tuple[str, str, str, str]],
) -> int:
    """Best comparison level over every address of each side.

    An address is (street line, city, postal code, country); empty parts are
    missing.
    """
    if not addresses_a or not addresses_b:
        return MISSING

    best = _ADDRESS["else"]
    for line_a, city_a, postal_a, _ in addresses_a:
        for line_b, city_b, postal_b, _ in addresses_b:
            same_postal = bool(postal_a) and postal_a == postal_b
            same_city = bool(city_a) and city_a == city_b
            postal_ok = not postal_a or not postal_b or same_postal
            city_ok = not city_a or not city_b or same_city
            if line_a and line_b:
                if line_a == line_b and postal_ok and city_ok:
                    return EXACT
                if (postal_ok and city_ok) and _jw(line_a, line_b) >= _STREET_CLOSE:
                    best = min(best, _ADDRESS["close"])
                    continue
            if same_postal or (same_city and not (line_a and line_b)):
                best = min(best, _ADDRESS["same_area"])
    return best


def _swapped(date_a: str, date_b: str) -> bool:
    """Whether two ISO dates differ only by swapped day and month."""
    return (
        date_a[:4] == date_b[:4]
        and date_a[5:7] == date_b[8:10]
        and (date_a[8:10] == date_b[5:7])
    )


def compare_birth_date(dates_a: Sequence[str], dates_b: Sequence[str]) -> int:
    """Best comparison level over every reading of each birth date."""
    if not dates_a or not dates_b:
        return MISSING

    if set(dates_a) & set(dates_b):
        return EXACT
    best = _BIRTH["else"]
    for date_a in dates_a:
        for date_b in dates_b:
            if _swapped(date_a, date_b):
                return _BIRTH["day_month_swapped"]
            if _dl(date_a, date_b) <= 1:
                best = _BIRTH["one_digit"]
    return best


def compare_account(account_a: str | None, account_b: str | None) -> int:
    """Comparison level of two account numbers."""
    if not account_a or not account_b:
        return MISSING

    if account_a == account_b:
        return EXACT
    if _dl(account_a, account_b) <= 1:
        return _ACCOUNT["one_edit"]
    return _ACCOUNT["else"]
