"""Tests of the synthetic profile generator in benchmarks/generate.py."""

from __future__ import annotations

import collections
import csv
import importlib.util
import itertools
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

GENERATE_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
PHONE_COLUMNS = (
    "phone_number",
    "home_phone_number",
    "mobile_phone_number",
    "business_phone_number",
)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pm_bench_generate", GENERATE_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(gen.generate(6000, 11))


def _e164(value: str, country: str) -> str:
    # People outside the NANP write "00" for "+"; the generator does too.
    text = "+" + value[2:] if value.startswith("00") else value
    number = phonenumbers.parse(text, country)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_DATE_SHAPES = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{4})/(\d{2})/(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{2})[./-](\d{2})[./-](\d{4})$"), "xy"),
)


def _date_parts(value: str) -> frozenset[int] | None:
    """Return year, and the set of day and month, or None for worded dates."""
    for pattern, shape in _DATE_SHAPES:
        found = pattern.match(value)
        if found:
            parts = [int(group) for group in found.groups()]
            if shape == "ymd":
                return frozenset({parts[0] * 10_000, parts[1], parts[2]})
            return frozenset({parts[2] * 10_000, parts[0], parts[1]})
    return None


def _pairs_across_clusters(rows: Iterable[dict[str, str]], key: tuple[str, ...]) -> int:
    groups: dict[tuple[str, ...], set[str]] = collections.defaultdict(set)
    for row in rows:
        value = tuple(row[column].lower() for column in key)
        if all(value):
            groups[value].add(row["cluster_id"])
    return sum(1 for clusters in groups.values() if len(clusters) > 1)


def test_same_seed_gives_same_rows() -> None:
    """The same seed yields exactly the same rows."""
    first = list(gen.generate(400, 5))
    second = list(gen.generate(400, 5))

    assert first == second


def test_other_seed_gives_other_rows() -> None:
    """Another seed yields different rows."""
    assert list(gen.generate(200, 5)) != list(gen.generate(200, 6))


@settings(max_examples=15, deadline=None)
@given(count=st.integers(min_value=0, max_value=150), seed=st.integers(0, 10**6))
def test_row_count_columns_and_unique_ids(count: int, seed: int) -> None:
    """Any size gives that many rows, every column, and distinct profile ids."""
    made = list(gen.generate(count, seed))

    assert count == len(made)
    assert all(tuple(row) == gen.COLUMNS for row in made)
    assert count == len({row["profile_id"] for row in made})


def test_generator_streams() -> None:
    """Rows arrive one by one, without the whole set being built first."""
    first = list(itertools.islice(gen.generate(10**12, 1), 5))

    assert 5 == len(first)


def test_negative_rows_is_refused() -> None:
    """A negative row count is refused with a message naming the value."""
    with pytest.raises(ValueError, match="-3"):
        gen.generate(-3, 1)


def test_cluster_sizes_are_like_the_dev_set(rows: list[dict[str, str]]) -> None:
    """Most people appear once, many twice or more, none more than seven times."""
    sizes = collections.Counter(collections.Counter(r["cluster_id"] for r in rows))
    by_size = collections.Counter(sizes.values())
    people = sum(by_size.values())

    assert 7 == max(by_size)
    assert 0.45 < by_size[1] / people < 0.65
    assert 0.2 < by_size[2] / people < 0.32


def test_cluster_shares_country_and_birth_date(rows: list[dict[str, str]]) -> None:
    """All profiles of a person keep one country and one birth date."""
    countries: dict[str, set[str]] = collections.defaultdict(set)
    births: dict[str, set[frozenset[int]]] = collections.defaultdict(set)
    for row in rows:
        countries[row["cluster_id"]].add(row["country"])
        parts = _date_parts(row["birth_date"])
        if parts is not None:
            births[row["cluster_id"]].add(parts)

    assert all(1 == len(found) for found in countries.values())
    assert all(1 == len(found) for found in births.values())


def test_cluster_profiles_share_an_identifier(rows: list[dict[str, str]]) -> None:
    """Profiles of one person share a phone, email, address or surname."""
    by_cluster: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
    for row in rows:
        by_cluster[row["cluster_id"]].append(row)

    def keys(row: dict[str, str]) -> set[str]:
        found = {_e164(row[c], row["country"]) for c in PHONE_COLUMNS if row[c]}
        found |= {row[c].lower() for c in gen.COLUMNS if "email" in c and row[c]}
        found |= {row["last_name"].lower(), row["first_name"].lower()}
        return found

    lonely = 0
    for members in by_cluster.values():
        for row in members[1:]:
            if not keys(row) & keys(members[0]):
                lonely += 1

    # Only a record with typos in both names and no contact data may share
    # nothing exactly with the first one.
    assert lonely < 0.02 * len(rows)


def test_phones_are_valid_in_the_profile_country(rows: list[dict[str, str]]) -> None:
    """Every phone, national or international, is a valid number."""
    invalid = []
    for row in rows:
        for column in PHONE_COLUMNS:
            if row[column]:
                text = row[column]
                text = "+" + text[2:] if text.startswith("00") else text
                number = phonenumbers.parse(text, row["country"])
                if not phonenumbers.is_valid_number(number):
                    invalid.append(row[column])

    assert [] == invalid


def test_national_and_international_forms_both_occur(
    rows: list[dict[str, str]],
) -> None:
    """Outside North America, numbers come in national and international form."""
    national = international = 0
    for row in rows:
        if row["country"] in ("US", "CA"):
            continue
        for column in PHONE_COLUMNS:
            value = row[column]
            if value:
                if value.startswith(("+", "00")):
                    international += 1
                else:
                    national += 1

    assert 0.35 < national / (national + international) < 0.65


def test_distinct_people_never_share_a_personal_mailbox(
    rows: list[dict[str, str]],
) -> None:
    """Different people share a mailbox only when it is a family address."""
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for row in rows:
        for column in gen.COLUMNS:
            if "email" in column and row[column]:
                owners[row[column].lower()].add(row["cluster_id"])

    shared = {email for email, found in owners.items() if len(found) > 1}
    strays = {email for email in shared if "family" not in email}

    # A typo can turn one person's address into another's, rarely.
    assert len(strays) <= len(owners) / 1000
    assert shared


def test_hard_negatives_are_present(rows: list[dict[str, str]]) -> None:
    """Households, namesakes and colleagues show in the rows as shared values."""
    households = _pairs_across_clusters(rows, ("last_name", "address1"))
    namesakes = _pairs_across_clusters(rows, ("first_name", "last_name"))
    colleagues = _pairs_across_clusters(rows, ("business_phone_number",))

    assert households > 50
    assert namesakes > 50
    assert colleagues > 20


def test_households_hold_twins_and_juniors() -> None:
    """Some households have twins and some a junior named after his father."""
    world = gen._World(10_000, 3)
    twins = juniors = 0

    for _ in range(2000):
        people = gen._household(world)
        head, kids = people[0], people[2:]
        for first, second in itertools.combinations(kids, 2):
            if first.birth == second.birth:
                twins += 1
                assert first.first != second.first
        for kid in kids:
            if kid.first == head.first and kid.suffix == "Jr.":
                juniors += 1
                assert head.birth != kid.birth

    assert twins > 5
    assert juniors > 5


def test_accents_and_cultures_are_spread(rows: list[dict[str, str]]) -> None:
    """Names carry accents and the rows come from many countries."""
    accented = sum(1 for row in rows if not row["last_name"].isascii())
    countries = {row["country"] for row in rows}

    assert accented > 100
    assert {"US", "CA", "GB", "FR", "DE", "SE", "AU", "IN", "MX", "BR", "JO"} <= (
        countries
    )


def test_command_line_writes_csv(tmp_path: Path) -> None:
    """The command writes a header and the requested number of rows."""
    output = tmp_path / "people.csv"

    assert 0 == gen.main(["--rows", "50", "--seed", "2", "--output", str(output)])
    with output.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))

    assert 50 == len(written)
    assert list(gen.generate(50, 2)) == written
