"""Golden CSV cases for every normalizer, one row per case in tests/data/."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from profilematch import normalize

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"normalize_{name}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _cases(name: str) -> list[object]:
    return [pytest.param(row, id=row["id"]) for row in _rows(name)]


def _or_none(text: str) -> str | None:
    return text or None


@pytest.mark.parametrize("row", _cases("phone"))
def test_phone_golden(row: dict[str, str]) -> None:
    """A raw phone number in a region gives the E.164, national, extension row."""
    result = normalize.phone(row["raw"], _or_none(row["region"]))

    if row["result"] == "none":
        assert result is None
        return
    assert result is not None
    assert _or_none(row["e164"]) == result.e164
    assert _or_none(row["national"]) == result.national
    assert _or_none(row["extension"]) == result.extension
    assert (row["valid"] == "true") == result.valid
    assert (row["local_only"] == "true") == result.local_only


@pytest.mark.parametrize("row", _cases("email"))
def test_email_golden(row: dict[str, str]) -> None:
    """A raw email gives the canonical address, parts, mailbox key and validity."""
    result = normalize.email(row["raw"])

    if row["result"] == "none":
        assert result is None
        return
    assert result is not None
    assert _or_none(row["address"]) == result.address
    assert _or_none(row["local"]) == result.local
    assert _or_none(row["domain"]) == result.domain
    assert _or_none(row["mailbox"]) == result.mailbox
    assert (row["valid"] == "true") == result.valid
    assert _or_none(row["local_letters"]) == result.local_letters
    assert row["raw"].strip() == result.display


@pytest.mark.parametrize("row", _cases("name"))
def test_name_golden(row: dict[str, str]) -> None:
    """A whole name or its parts give the canonical first, middle, last, suffix."""
    parts = (
        _or_none(row["first_in"]),
        _or_none(row["middle_in"]),
        _or_none(row["last_in"]),
    )
    if any(parts):
        result = normalize.name(first=parts[0], middle=parts[1], last=parts[2])
    else:
        result = normalize.name(row["full"])

    if row["result"] == "none":
        assert result is None
        return
    assert result is not None
    assert _or_none(row["first"]) == result.first
    assert _or_none(row["middle"]) == result.middle
    assert _or_none(row["last"]) == result.last
    assert _or_none(row["suffix"]) == result.suffix
    assert tuple(row["tokens"].split()) == result.tokens


def test_name_golden_keeps_its_nfd_spelling() -> None:
    """The NFD row of the name file really is decomposed, so the case is real."""
    rows = {row["id"]: row["full"] for row in _rows("name")}

    assert unicodedata.is_normalized("NFC", rows["nfc"])
    assert not unicodedata.is_normalized("NFC", rows["nfd"])


@pytest.mark.parametrize("row", _cases("birth_date"))
def test_birth_date_golden(row: dict[str, str]) -> None:
    """A raw birth date gives its ISO readings, two when day and month are ambiguous."""
    assert tuple(row["dates"].split()) == normalize.birth_date(row["raw"])


@pytest.mark.parametrize("row", _cases("address"))
def test_address_golden(row: dict[str, str]) -> None:
    """A raw address gives the canonical street, house number, unit and postcode."""
    result = normalize.address(
        _or_none(row["address1"]),
        _or_none(row["address2"]),
        city=_or_none(row["city"]),
        postal_code=_or_none(row["postal_code"]),
        country=_or_none(row["country"]),
        state=_or_none(row["state"]),
    )

    assert result is not None
    assert _or_none(row["street"]) == result.street
    assert _or_none(row["house_number"]) == result.house_number
    assert _or_none(row["unit"]) == result.unit
    assert _or_none(row["city_out"]) == result.city
    assert _or_none(row["state_out"]) == result.state
    assert _or_none(row["postal_code_out"]) == result.postal_code
    assert _or_none(row["country_out"]) == result.country


@pytest.mark.parametrize("row", _cases("missing"))
def test_missing_golden(row: dict[str, str]) -> None:
    """A raw token is missing exactly when the file says so."""
    assert (row["missing"] == "true") == normalize.is_missing(row["raw"])


@pytest.mark.parametrize("row", _cases("country"))
def test_country_golden(row: dict[str, str]) -> None:
    """A country code or name gives its ISO alpha-2 code, or None when unknown."""
    assert _or_none(row["alpha2"]) == normalize.country(row["raw"])


def _key(kind: str, key: str, raw: str, region: str | None) -> Any:
    """The value a pair row compares, taken from the normalizer of its kind."""
    if kind == "phone":
        return getattr(normalize.phone(raw, region), key)
    if kind == "email":
        return getattr(normalize.email(raw), key)
    if kind == "address":
        return getattr(normalize.address(raw), key)
    if kind == "phonetic":
        return normalize.phonetic(raw)
    if kind == "nickname":
        return normalize.nickname_keys(raw)
    if kind == "birth_date":
        return frozenset(normalize.birth_date(raw))

    parsed = normalize.name(raw)
    assert parsed is not None
    if key == "parts":
        return (parsed.first, parsed.middle, parsed.last, parsed.suffix, parsed.tokens)
    return getattr(parsed, key)


@pytest.mark.parametrize("row", _cases("pairs"))
def test_pairs_golden(row: dict[str, str]) -> None:
    """Two raw values agree or differ on the key the file names, as it says."""
    left = _key(row["kind"], row["key"], row["left"], _or_none(row["left_region"]))
    right = _key(row["kind"], row["key"], row["right"], _or_none(row["right_region"]))

    # A value that gives no key must never count as agreeing with another.
    assert left is not None or row["relation"] == "different"
    if row["relation"] == "suffix":
        assert right.endswith(left)
        assert left != right
    elif row["key"] == "overlap":
        assert (row["relation"] == "equal") == bool(left & right)
    elif row["relation"] == "equal":
        assert left == right
    else:
        assert left != right
