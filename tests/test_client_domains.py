"""Contract tests of the Client's domain calls and library options."""

from __future__ import annotations

from pathlib import Path

import pytest

import profilematch as pm
from profilematch._client import Client
from profilematch._config import get_default_region, set_default_region


@pytest.fixture
def client():
    """An in-memory client."""
    with Client() as fresh:
        yield fresh


def test_create_domain_returns_domain_with_settings(client: Client):
    """create_domain returns the Domain with its settings and equal timestamps."""
    domain = client.create_domain(
        "retail",
        default_expiration_days=366,
        matching=pm.Matching(enabled=True),
        tags={"team": "crm"},
    )

    assert "retail" == domain.domain_name
    assert 366 == domain.default_expiration_days
    assert pm.Matching(enabled=True) == domain.matching
    assert {"team": "crm"} == dict(domain.tags or {})
    assert domain.created_at == domain.last_updated_at


def test_create_domain_accepts_matching_as_service_dict(client: Client):
    """Matching may be given in the service's shape."""
    domain = client.create_domain(
        "retail",
        default_expiration_days=1,
        matching={
            "Enabled": True,
            "JobSchedule": {"DayOfTheWeek": "MONDAY", "Time": "3:30"},
        },
    )

    assert "MONDAY" == domain.matching.job_schedule.day_of_the_week


@pytest.mark.parametrize(
    ("name", "days", "field", "rule"),
    [
        ("bad name", 30, "DomainName", "pattern ^[a-zA-Z0-9_-]+$"),
        ("x" * 65, 30, "DomainName", "length 1..64"),
        ("", 30, "DomainName", "length 1..64"),
        ("ok", 0, "DefaultExpirationDays", "range 1..1098"),
        ("ok", 1099, "DefaultExpirationDays", "range 1..1098"),
    ],
)
def test_create_domain_refuses_broken_rules(client: Client, name, days, field, rule):
    """A broken rule names the field, the rule and the value received."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.create_domain(name, default_expiration_days=days)

    assert (field, rule) == (caught.value.field, caught.value.rule)
    assert field in caught.value.message


def test_create_domain_refuses_reserved_tag_key(client: Client):
    """A tag key starting with aws: is refused."""
    with pytest.raises(pm.BadRequestException, match="Tags"):
        client.create_domain("d", default_expiration_days=1, tags={"aws:x": "y"})


def test_create_domain_twice_is_bad_request(client: Client):
    """A second domain of the same name is refused."""
    client.create_domain("retail", default_expiration_days=30)

    with pytest.raises(pm.BadRequestException, match="already exists"):
        client.create_domain("retail", default_expiration_days=30)


def test_get_domain_counts_profiles(client: Client):
    """get_domain returns the domain with its profile count in Stats."""
    client.create_domain("retail", default_expiration_days=30)
    client.put_profiles("retail", [{"FirstName": "A"}, {"FirstName": "B"}])

    domain = client.get_domain("retail")

    assert 2 == domain.stats.profile_count


def test_get_unknown_domain_is_not_found(client: Client):
    """get_domain of an unknown name raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException, match="'nope'"):
        client.get_domain("nope")


def test_get_domain_refuses_bad_name(client: Client):
    """get_domain checks the name pattern before looking."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.get_domain("no/slash")

    assert "DomainName" == caught.value.field


def test_update_domain_is_partial(client: Client):
    """update_domain changes what is passed and keeps everything else."""
    created = client.create_domain(
        "retail", default_expiration_days=30, tags={"a": "b"}
    )

    updated = client.update_domain("retail", matching=pm.Matching(enabled=True))

    assert 30 == updated.default_expiration_days
    assert {"a": "b"} == dict(updated.tags or {})
    assert True is updated.matching.enabled
    assert created.created_at == updated.created_at
    assert updated.last_updated_at >= created.last_updated_at


def test_update_domain_none_removes_optional_setting(client: Client):
    """Passing None for an optional setting removes it."""
    client.create_domain("retail", default_expiration_days=30, tags={"a": "b"})

    updated = client.update_domain("retail", tags=None)

    assert None is updated.tags


def test_update_domain_refuses_broken_rule_and_changes_nothing(client: Client):
    """A refused update leaves the domain as it was."""
    client.create_domain("retail", default_expiration_days=30)

    with pytest.raises(pm.BadRequestException) as caught:
        client.update_domain("retail", default_expiration_days=5000)

    assert "DefaultExpirationDays" == caught.value.field
    assert 30 == client.get_domain("retail").default_expiration_days


def test_update_unknown_domain_is_not_found(client: Client):
    """update_domain of an unknown name raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException):
        client.update_domain("nope", default_expiration_days=3)


def test_delete_domain_removes_it_and_its_profiles(client: Client):
    """A deleted domain is gone, and a new one of that name starts empty."""
    client.create_domain("retail", default_expiration_days=30)
    client.put_profiles("retail", [{"FirstName": "A"}])

    message = client.delete_domain("retail")
    client.create_domain("retail", default_expiration_days=30)

    assert "Domain retail deleted" == message
    assert 0 == client.get_domain("retail").stats.profile_count


def test_delete_unknown_domain_is_not_found(client: Client):
    """delete_domain of an unknown name raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException):
        client.delete_domain("nope")


def test_list_domains_pages_in_name_order(client: Client):
    """list_domains returns every domain once, in name order, across pages."""
    for name in ("c", "a", "d", "b", "e"):
        client.create_domain(name, default_expiration_days=1)

    seen: list[str] = []
    token = None
    while True:
        page = client.list_domains(max_results=2, next_token=token)
        seen.extend(item.domain_name for item in page.items)
        token = page.next_token
        if token is None:
            break

    assert ["a", "b", "c", "d", "e"] == seen


def test_list_domains_last_page_has_no_token(client: Client):
    """A page that holds the last domain has no next token."""
    client.create_domain("a", default_expiration_days=1)

    page = client.list_domains(max_results=1)

    assert None is page.next_token
    assert {"Items": [page.items[0].to_dict()]} == page.to_dict()


@pytest.mark.parametrize("max_results", [0, 101, "10", True])
def test_list_domains_refuses_bad_max_results(client: Client, max_results):
    """max_results outside 1..100 or not an integer is refused."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.list_domains(max_results=max_results)

    assert ("max_results", "range 1..100") == (caught.value.field, caught.value.rule)


def test_list_domains_refuses_a_matches_token(client: Client):
    """A token from get_matches cannot page list_domains."""
    client.create_domain(
        "a", default_expiration_days=1, matching=pm.Matching(enabled=True)
    )
    client.store.write_generation(
        "a",
        None,
        [
            pm.MatchItem(match_id=str(n), profile_ids=(), confidence_score=1.0)
            for n in range(3)
        ],
    )
    token = client.get_matches("a", max_results=1).next_token

    with pytest.raises(pm.BadRequestException, match="pages matches, not domains"):
        client.list_domains(next_token=token)


def test_file_store_keeps_domains_across_clients(tmp_path: Path):
    """A file store is created on first use and keeps its domains after closing."""
    path = tmp_path / "profiles.db"

    with Client(path) as first:
        first.create_domain("retail", default_expiration_days=30)
    with Client(str(path)) as again:
        domain = again.get_domain("retail")

    assert "retail" == domain.domain_name


def test_default_region_option_and_client_override():
    """The library default region applies unless a Client sets its own."""
    try:
        set_default_region("GB")
        with Client() as plain, Client(default_region="DE") as german:
            regions = (plain.region, german.region)
    finally:
        set_default_region("US")

    assert ("GB", "DE") == regions
    assert "US" == get_default_region()


@pytest.mark.parametrize("region", ["us", "XX", "", 1])
def test_bad_region_is_refused(region):
    """An unknown or lower-case region is refused by both the option and Client."""
    with pytest.raises(pm.BadRequestException, match="region"):
        set_default_region(region)
    with pytest.raises(pm.BadRequestException, match="region"):
        Client(default_region=region)


def test_default_region_reads_national_numbers():
    """A national number is searchable in E.164 of the client's region."""
    with Client(default_region="GB") as client:
        client.create_domain("d", default_expiration_days=1)
        client.put_profiles("d", [{"PhoneNumber": "020 7946 0958"}])

        page = client.search_profiles("d", "_phone", ["+442079460958"])

    assert 1 == len(page.items)
