"""Blocking: which pairs of profiles are worth comparing at all.

Each profile emits blocking keys of several kinds (each email, each phone, name
phonetic keys, name with birth date, name with postal code, ...). Profiles that
share a key become candidate pairs, and the union over every key is
deduplicated. A key shared by more profiles than a limit (a switchboard number,
a family email, ``test@test.com``) makes no pairs and is reported with its size,
so one value can never create a quadratic number of pairs.

Keys are grouped by kind and processed one kind at a time, so memory holds the
index of a single kind beside the growing set of candidate pairs.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence

from profilematch import normalize
from profilematch._features import ProfileFeatures

logger = logging.getLogger(__name__)

KeyFunction = Callable[[ProfileFeatures], Iterable[str]]


def _emails(f: ProfileFeatures) -> Iterator[str]:
    yield from f.emails
    yield from f.mailboxes


def _phones(f: ProfileFeatures) -> Iterator[str]:
    yield from f.phones
    # The national number meets a copy written with another country code, and
    # its last seven digits meet a copy written without the area code.
    yield from f.nationals
    for national in f.nationals:
        if len(national) > 7:
            yield national[-7:]


def _name_initial(f: ProfileFeatures) -> Iterator[str]:
    # A name's phonetic code with the other name's initial: meets a typo, a
    # nickname or an initial in either name.
    if f.last_phonetic and f.first:
        yield f"{f.last_phonetic}|{f.first[0]}"
    if f.first_phonetic and f.last:
        yield f"{f.first_phonetic}|{f.last[0]}"


def _name_anagram(f: ProfileFeatures) -> Iterator[str]:
    # Sorted letters meet a transposition typo (walsh and awlsh) that changes
    # the phonetic code and the initial alike.
    if f.first_phonetic and f.last:
        yield f"{f.first_phonetic}|{''.join(sorted(f.last))}"
    if f.last_phonetic and f.first:
        yield f"{f.last_phonetic}|{''.join(sorted(f.first))}"


def _middle_name(f: ProfileFeatures) -> Iterator[str]:
    if f.middle and len(f.middle) > 1:
        if f.first:
            yield f"{f.middle}|{f.first[0]}"
        if f.last:
            yield f"{f.middle}|{f.last[0]}"


def _name_prefix(f: ProfileFeatures) -> Iterator[str]:
    # Broad on purpose (a typo in both names); the smaller block limit of
    # _BROAD_KINDS keeps it from making many pairs on large inputs.
    if f.first and f.last:
        yield f"{f.first[0]}|{f.last[:2]}"
        yield f"{f.last[0]}|{f.first[:2]}"


def _name_swapped(f: ProfileFeatures) -> Iterator[str]:
    if f.first and f.last:
        yield "|".join(sorted((f.first, f.last)))
    if f.first_phonetic and f.last_phonetic:
        yield "|".join(sorted((f.first_phonetic, f.last_phonetic)))


def _name_birth_date(f: ProfileFeatures) -> Iterator[str]:
    for date in f.birth_dates:
        if f.last_phonetic:
            yield f"{f.last_phonetic}|{date}"
        if f.first_phonetic:
            yield f"{f.first_phonetic}|{date}"


def _birth_date_initial(f: ProfileFeatures) -> Iterator[str]:
    for date in f.birth_dates:
        if f.first:
            yield f"{date}|{f.first[0]}"
        if f.last:
            yield f"{date}|{f.last[0]}"


def _name_postal_code(f: ProfileFeatures) -> Iterator[str]:
    for _, city, postal_code, _ in f.addresses:
        area = postal_code or city
        if not area:
            continue
        if f.last_phonetic:
            yield f"{f.last_phonetic}|{area}"
        if f.first_phonetic:
            yield f"{f.first_phonetic}|{area}"


def _birth_date_postal_code(f: ProfileFeatures) -> Iterator[str]:
    for date in f.birth_dates:
        for _, _, postal_code, _ in f.addresses:
            if postal_code:
                yield f"{date}|{postal_code}"


def _street(f: ProfileFeatures) -> Iterator[str]:
    for line, city, postal_code, _ in f.addresses:
        if line and (postal_code or city):
            yield f"{line}|{postal_code or city}"


def _account(f: ProfileFeatures) -> Iterator[str]:
    if f.account:
        yield f.account


def _business(f: ProfileFeatures) -> Iterator[str]:
    if f.tokens or not f.business:
        return
    yield " ".join(sorted(f.business))
    head = normalize.phonetic(f.business[0])
    for _, city, postal_code, _ in f.addresses:
        if city or postal_code:
            yield f"{head}|{city or postal_code}"


KEY_KINDS: dict[str, KeyFunction] = {
    "email": _emails,
    "phone": _phones,
    "name_initial": _name_initial,
    "name_swapped": _name_swapped,
    "name_anagram": _name_anagram,
    "birth_date_initial": _birth_date_initial,
    "middle_name": _middle_name,
    "name_prefix": _name_prefix,
    "name_birth_date": _name_birth_date,
    "name_postal_code": _name_postal_code,
    "birth_date_postal_code": _birth_date_postal_code,
    "street": _street,
    "account": _account,
    "business": _business,
}
"""Blocking key kinds and the function that emits a profile's keys of that kind."""

BROAD_KIND_LIMITS: dict[str, int] = {
    "name_initial": 60,
    "name_swapped": 100,
    "name_anagram": 100,
    "middle_name": 50,
    "name_prefix": 30,
}
"""Smaller block limits for name kinds, which are broad by nature.

A common surname with an initial is shared by thousands in a million
profiles; such a block would make millions of pairs that the name with birth
date and name with postal code kinds find more cheaply. Oversized keys of
these kinds are expected and not reported.
"""


def blocking_keys(features: ProfileFeatures) -> list[str]:
    """Every blocking key of one profile, each prefixed with its kind.

    Args:
        features: The profile's features.

    Returns:
        The keys, such as ``"email:nora.quill@example.com"``.
    """
    return [
        f"{kind}:{key}"
        for kind, function in KEY_KINDS.items()
        for key in dict.fromkeys(function(features))
    ]


def candidate_pairs(
    features: Sequence[ProfileFeatures], *, max_block_size: int = 500
) -> tuple[array[int], dict[str, int]]:
    """Candidate pairs: profiles that share at least one blocking key.

    Args:
        features: The profiles' features; pairs refer to positions in it.
        max_block_size: A key shared by more profiles than this makes no pairs.

    Returns:
        The pairs as a flat, sorted array of codes ``i * n + j`` with ``i < j``
        (see :func:`decode_pair`), and the oversized keys with their sizes.
    """
    n = len(features)
    # Pair codes go to compact arrays, one per range of the first position;
    # each range is deduplicated on its own, so no set of every pair is held.
    bucket_count = max(1, min(64, n // 10_000))
    bucket_width = n // bucket_count + 1
    buckets = [array("q") for _ in range(bucket_count)]
    deduplicated = [0] * bucket_count
    positions = list(range(n))
    oversized: dict[str, int] = {}

    for kind, function in KEY_KINDS.items():
        broad_limit = BROAD_KIND_LIMITS.get(kind)
        limit = min(max_block_size, broad_limit or max_block_size)
        # Most keys belong to one profile: such a key maps to the position
        # itself (one shared int object per position), and only a key met
        # again gets a list. That halves the index of a kind like phone,
        # with several keys per profile.
        index: dict[str, int | list[int]] = {}
        for position, item in zip(positions, features, strict=True):
            for key in function(item):
                members = index.get(key)
                if members is None:
                    index[key] = position
                elif isinstance(members, int):
                    if members != position:
                        index[key] = [members, position]
                elif members[-1] != position:
                    members.append(position)
        for key, members in index.items():
            if isinstance(members, int):
                continue
            size = len(members)
            if size > limit:
                if broad_limit is None:
                    oversized[f"{kind}:{key}"] = size
                continue
            for offset, i in enumerate(members):
                buckets[i // bucket_width].extend(
                    map((i * n).__add__, members[offset + 1 :])
                )
        del index
        # Kinds overlap (an email and a phone often pair the same profiles), so
        # a bucket that doubled since it was last deduplicated is done again:
        # memory stays near the distinct pairs rather than their sum over kinds.
        for number, bucket in enumerate(buckets):
            if len(bucket) > 2 * deduplicated[number] + 100_000:
                _deduplicate(bucket)
                deduplicated[number] = len(bucket)
        logger.debug("blocking key kind %s done", kind)

    codes = array("q")
    for bucket in buckets:
        _deduplicate(bucket)
        codes.extend(bucket)
        del bucket[:]

    if oversized:
        logger.warning(
            "%d blocking keys shared by more than %d profiles made no pairs",
            len(oversized),
            max_block_size,
        )
    return codes, oversized


def _deduplicate(codes: array[int]) -> None:
    """Sort pair codes in place and drop repeats."""
    distinct = sorted(set(codes))
    del codes[:]
    codes.extend(distinct)


def decode_pair(code: int, n: int) -> tuple[int, int]:
    """The two positions of a pair code made by :func:`candidate_pairs`."""
    return divmod(code, n)
