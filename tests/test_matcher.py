"""Tests of the matching engine run end to end through find_matches."""

# The house style puts the expected value first in asserts, which SIM300 flags.
# ruff: noqa: SIM300

from __future__ import annotations

from typing import Any

import profilematch as pm
from profilematch._matcher import match_id


def person(first: str, last: str, **fields: Any) -> dict[str, Any]:
    """A PascalCase profile dict with a name and the given fields."""
    return {"FirstName": first, "LastName": last, **fields}


def test_profiles_without_contact_details_stay_apart() -> None:
    """Ada Lind and Ben Ortiz, both without email and phone, are two people."""
    groups = pm.find_matches([person("Ada", "Lind"), person("Ben", "Ortiz")])

    assert [] == groups


def test_typo_and_email_case_match() -> None:
    """John Doe and Jhn Doe with the same email in two casings match."""
    profiles = [
        person("John", "Doe", EmailAddress="John.Doe@Example.com"),
        person("Jhn", "Doe", EmailAddress="john.doe@example.com"),
    ]

    groups = pm.find_matches(profiles)

    assert 1 == len(groups)
    assert 2 == len(groups[0].profile_ids)


def test_match_id_is_a_hash_of_sorted_ids() -> None:
    """The MatchId of a group does not depend on the order of its profile ids."""
    assert match_id(["b" * 32, "a" * 32]) == match_id(["a" * 32, "b" * 32])
