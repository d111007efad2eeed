"""Tests of profile features as stored and loaded, and of the collector pause."""

from __future__ import annotations

import gc

from profilematch._features import ProfileFeatures, profile_features
from profilematch._gc import collection_paused


def nora(number: int) -> ProfileFeatures:
    """Features of one of several Nora Quills born on the same day."""
    return profile_features(
        {
            "profile_id": f"{number:032x}",
            "first_name": "Nora",
            "last_name": "Quill",
            "birth_date": "1980-04-03",
            "email_address": f"nora{number}@example.com",
        }
    )


def test_a_shared_load_equals_a_plain_load() -> None:
    """Features loaded with a shared dict equal the ones serialized."""
    originals = [nora(n) for n in range(3)]
    shared: dict[object, object] = {}

    loaded = [ProfileFeatures.from_json(f.to_json(), shared=shared) for f in originals]

    assert originals == loaded


def test_repeated_values_are_held_once_in_a_shared_load() -> None:
    """Equal name tokens and birth dates of two profiles become one object."""
    shared: dict[object, object] = {}

    first, second = (
        ProfileFeatures.from_json(nora(n).to_json(), shared=shared) for n in (1, 2)
    )

    assert first.tokens is second.tokens
    assert first.birth_dates is second.birth_dates
    assert first.emails is not second.emails


def test_collection_paused_restores_the_collector() -> None:
    """The collector is off inside the block, nested or not, and on after it."""
    assert gc.isenabled()

    with collection_paused():
        inside = gc.isenabled()
        with collection_paused():
            nested = gc.isenabled()
        after_nested = gc.isenabled()

    assert (False, False, False) == (inside, nested, after_nested)
    assert gc.isenabled()


def test_collection_paused_restores_the_collector_after_an_error() -> None:
    """An exception inside the block still turns the collector back on."""
    try:
        with collection_paused():
            raise KeyError("boom")
    except KeyError:
        pass

    assert gc.isenabled()
