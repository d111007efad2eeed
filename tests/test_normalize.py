"""Tests of the public normalize module: its surface and its basic contract."""

from __future__ import annotations

import doctest

from profilematch import normalize


def test_all_is_pinned() -> None:
    """The public names of profilematch.normalize are exactly these, sorted."""
    expected = [
        "EmailAddress",
        "PersonName",
        "PhoneNumber",
        "PostalAddress",
        "address",
        "birth_date",
        "country",
        "email",
        "is_missing",
        "name",
        "nickname_keys",
        "phone",
        "phonetic",
    ]

    assert expected == normalize.__all__


def test_missing_values_give_none_everywhere() -> None:
    """Every normalizer returns its empty result for a null-like token."""
    for raw in (None, "", "  ", "NULL", "n/a", "nan", "-"):
        assert normalize.phone(raw) is None
        assert normalize.email(raw) is None
        assert normalize.name(raw) is None
        assert not normalize.birth_date(raw)
        assert normalize.address(raw) is None
        assert normalize.country(raw) is None


def test_module_examples_hold() -> None:
    """The examples in the module docstring give the output they show."""
    failed, attempted = doctest.testmod(normalize)

    assert 0 == failed
    assert attempted > 0
