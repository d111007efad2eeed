"""Contract tests of get_matches, iter_matches, page tokens and response shapes."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import profilematch as pm
from profilematch._client import Client
from profilematch._paging import PageToken, decode_token, encode_token
from test_conformance import SERVICE, conformance_problems


def pid(number: int) -> str:
    """A readable 32-hex profile id."""
    return f"{number:032x}"


def group(match_id: str, score: float, *members: int) -> pm.MatchItem:
    """A match group of the given profiles."""
    return pm.MatchItem(
        match_id=match_id,
        profile_ids=tuple(pid(m) for m in members) or (pid(0), pid(1)),
        confidence_score=score,
    )


@pytest.fixture
def client():
    """An in-memory client with 'retail', matching enabled."""
    with Client() as fresh:
        fresh.create_domain(
            "retail", default_expiration_days=30, matching=pm.Matching(enabled=True)
        )
        yield fresh


def stored(client: Client, count: int, domain: str = "retail") -> list[pm.MatchItem]:
    """Write ``count`` groups as a new generation and return them in page order."""
    groups = [group(f"m{n:03d}", round(1 - n / 1000, 3)) for n in range(count)]
    client.store.write_generation(domain, None, groups)
    return groups


def all_pages(client: Client, max_results: int, domain: str = "retail"):
    """Every page of get_matches, following next tokens."""
    pages = [client.get_matches(domain, max_results=max_results)]
    while pages[-1].next_token is not None:
        pages.append(
            client.get_matches(
                domain, max_results=max_results, next_token=pages[-1].next_token
            )
        )
    return pages


def test_no_job_yet_gives_an_empty_page(client: Client):
    """Before any job get_matches returns no matches, 0 and no date or token."""
    page = client.get_matches("retail")

    assert pm.MatchesPage(matches=(), potential_matches=0) == page
    assert None is page.match_generation_date


def test_unknown_domain_is_not_found(client: Client):
    """get_matches of an unknown domain raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException):
        client.get_matches("nope")


@pytest.mark.parametrize("matching", [None, pm.Matching(enabled=False)])
def test_matching_not_enabled_says_how_to_enable(client: Client, matching):
    """A domain without matching enabled is refused with how to enable it."""
    client.create_domain("plain", default_expiration_days=1, matching=matching)

    with pytest.raises(pm.BadRequestException, match=r"Matching\(enabled=True\)") as c:
        client.get_matches("plain")

    assert "Matching.Enabled" == c.value.field


@pytest.mark.parametrize("max_results", [0, 101, -1, 1.5, "5", None, True])
def test_max_results_outside_range_is_refused(client: Client, max_results):
    """max_results must be an integer from 1 to 100."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.get_matches("retail", max_results=max_results)

    assert ("max_results", "range 1..100") == (caught.value.field, caught.value.rule)
    assert caught.value.value == max_results


def test_bad_domain_name_is_refused(client: Client):
    """get_matches checks the domain name pattern."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.get_matches("re tail")

    assert "DomainName" == caught.value.field


def test_groups_come_by_score_then_match_id(client: Client):
    """Groups are ordered by confidence score descending, then match id."""
    client.store.write_generation(
        "retail", None, [group("b", 0.5), group("c", 0.9), group("a", 0.5)]
    )

    page = client.get_matches("retail")

    assert ["c", "a", "b"] == [m.match_id for m in page.matches]
    assert 3 == page.potential_matches
    assert None is page.next_token
    assert page.match_generation_date is not None


def test_pages_follow_each_other(client: Client):
    """Following next tokens returns every group once, and the last has no token."""
    groups = stored(client, 7)

    pages = all_pages(client, 3)

    assert [3, 3, 1] == [len(p.matches) for p in pages]
    assert groups == [m for p in pages for m in p.matches]
    assert {7} == {p.potential_matches for p in pages}


def test_iter_matches_yields_every_group(client: Client):
    """iter_matches yields every group across pages of 100."""
    groups = stored(client, 250)

    assert groups == list(client.iter_matches("retail"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    scores=st.lists(
        st.floats(min_value=0, max_value=1, allow_nan=False), min_size=0, max_size=120
    ),
    max_results=st.integers(min_value=1, max_value=100),
)
def test_paging_returns_every_group_once_in_order(scores, max_results):
    """For any stored groups and page size, paging returns each group once, in order."""
    groups = [
        pm.MatchItem(match_id=f"g{n}", profile_ids=(pid(n),), confidence_score=s)
        for n, s in enumerate(scores)
    ]
    with Client() as client:
        client.create_domain(
            "d", default_expiration_days=1, matching=pm.Matching(enabled=True)
        )
        client.store.write_generation("d", None, groups)

        if not groups:
            assert () == client.get_matches("d", max_results=max_results).matches
            return
        seen = [m for page in all_pages(client, max_results, "d") for m in page.matches]

    expected = sorted(groups, key=lambda g: (-g.confidence_score, g.match_id))
    assert expected == seen


def test_token_is_opaque_and_short(client: Client):
    """A next token is a string of 1 to 1,024 characters."""
    stored(client, 3)

    token = client.get_matches("retail", max_results=1).next_token

    assert isinstance(token, str)
    assert 1 <= len(token) <= 1024


@pytest.mark.parametrize("token", ["", "x" * 1025, 42])
def test_token_of_wrong_length_or_type_is_refused(client: Client, token):
    """A next token must be a string of 1 to 1,024 characters."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.get_matches("retail", next_token=token)

    assert ("next_token", "length 1..1024") == (caught.value.field, caught.value.rule)


@pytest.mark.parametrize("token", ["garbage", "a.b", ".x", "é.é", "abc."])
def test_malformed_token_is_refused(client: Client, token):
    """A token that is not a profilematch token is refused as malformed or altered."""
    with pytest.raises(pm.BadRequestException, match=r"malformed|altered") as caught:
        client.get_matches("retail", next_token=token)

    assert "next_token" == caught.value.field


def test_altered_token_is_refused(client: Client):
    """Changing the position inside a token breaks its signature."""
    stored(client, 5)
    token = client.get_matches("retail", max_results=1).next_token
    payload, tag = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["p"] = 3
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()

    with pytest.raises(pm.BadRequestException, match="altered"):
        client.get_matches("retail", next_token=f"{forged}.{tag}")


def test_token_of_another_domain_is_refused(client: Client):
    """A token from one domain is refused by another, naming the domain."""
    client.create_domain(
        "other", default_expiration_days=1, matching=pm.Matching(enabled=True)
    )
    stored(client, 3, "other")
    token = client.get_matches("other", max_results=1).next_token

    with pytest.raises(pm.BadRequestException, match="belongs to domain 'other'"):
        client.get_matches("retail", next_token=token)


def test_token_of_another_store_is_refused(client: Client):
    """A token signed by another store's secret is refused."""
    stored(client, 3)
    with Client() as elsewhere:
        elsewhere.create_domain(
            "retail", default_expiration_days=1, matching=pm.Matching(enabled=True)
        )
        stored(elsewhere, 3)
        token = elsewhere.get_matches("retail", max_results=1).next_token

    with pytest.raises(pm.BadRequestException, match="another store"):
        client.get_matches("retail", next_token=token)


def test_token_with_bad_position_is_refused(client: Client):
    """A correctly signed token with a nonsense position is refused."""
    stored(client, 3)
    generation = client.store.latest_generation("retail").generation_id
    token = encode_token(
        client.store.token_secret(),
        PageToken(kind="matches", domain="retail", generation=generation, position=-4),
    )

    with pytest.raises(pm.BadRequestException, match="bad position"):
        client.get_matches("retail", next_token=token)


def test_previous_generation_token_still_pages(client: Client):
    """A reader mid-paging finishes the generation it started after one new job."""
    first = stored(client, 4)
    page = client.get_matches("retail", max_results=2)

    stored(client, 9)
    rest = client.get_matches("retail", max_results=2, next_token=page.next_token)

    assert first[2:] == list(rest.matches)
    assert 4 == rest.potential_matches
    assert None is rest.next_token


def test_dropped_generation_token_says_results_were_regenerated(client: Client):
    """After two newer jobs a token's generation is gone and the error says so."""
    stored(client, 4)
    token = client.get_matches("retail", max_results=2).next_token

    stored(client, 4)
    stored(client, 4)

    with pytest.raises(pm.BadRequestException, match="regenerated") as caught:
        client.get_matches("retail", max_results=2, next_token=token)

    assert ("next_token", "current generation") == (
        caught.value.field,
        caught.value.rule,
    )


def test_token_after_domain_recreated_is_refused(client: Client):
    """A token does not carry over to a new domain of the same name."""
    stored(client, 4)
    token = client.get_matches("retail", max_results=2).next_token

    client.delete_domain("retail")
    client.create_domain(
        "retail", default_expiration_days=1, matching=pm.Matching(enabled=True)
    )
    stored(client, 4)

    with pytest.raises(pm.BadRequestException, match="regenerated"):
        client.get_matches("retail", next_token=token)


def test_decode_token_round_trip():
    """A token decodes to what was encoded, for the same kind and domain."""
    pinned = PageToken(kind="matches", domain="d", generation=3, position=200)

    decoded = decode_token(
        b"k" * 32, encode_token(b"k" * 32, pinned), kind="matches", domain="d"
    )

    assert pinned == decoded


def test_token_survives_reopening_the_file_store(tmp_path):
    """A token issued before closing a file store pages after reopening it."""
    path = tmp_path / "s.db"
    with Client(path) as client:
        client.create_domain(
            "d", default_expiration_days=1, matching=pm.Matching(enabled=True)
        )
        groups = stored(client, 3, "d")
        token = client.get_matches("d", max_results=1).next_token

    with Client(path) as again:
        rest = again.get_matches("d", max_results=5, next_token=token)

    assert groups[1:] == list(rest.matches)


# -- conformance of every response with the published service model ------------


def response_problems(operation: str, data: dict) -> list[str]:
    """Every way ``data`` breaks the published output shape of ``operation``."""
    shape = SERVICE.operation_model(operation).output_shape
    return conformance_problems(shape, data)


def test_every_response_fits_the_published_shape(client: Client):
    """The to_dict() of each response validates against its operation's output shape."""
    ids = client.put_profiles(
        "retail",
        [
            {"FirstName": "Ann", "EmailAddress": "ann@x.com", "Attributes": {"k": "v"}},
            {"FirstName": "Bo"},
        ],
    )
    client.store.write_generation(
        "retail",
        None,
        [pm.MatchItem(match_id="m", profile_ids=tuple(ids), confidence_score=0.8)],
    )
    created = client.create_domain(
        "other", default_expiration_days=3, tags={"team": "crm"}
    )
    responses = {
        "CreateDomain": created.to_dict(),
        "GetDomain": client.get_domain("retail").to_dict(),
        "UpdateDomain": client.update_domain(
            "other", default_expiration_days=4
        ).to_dict(),
        "ListDomains": client.list_domains(max_results=1).to_dict(),
        "CreateProfile": {"ProfileId": client.create_profile("retail", first_name="C")},
        "UpdateProfile": {
            "ProfileId": client.update_profile("retail", ids[1], last_name="L")
        },
        "SearchProfiles": client.search_profiles(
            "retail", "_email", ["ann@x.com"]
        ).to_dict(),
        "BatchGetProfile": client.batch_get_profile(
            "retail", [ids[0], "f" * 32]
        ).to_dict(),
        "GetMatches": client.get_matches("retail", max_results=1).to_dict(),
        "DeleteProfile": {"Message": client.delete_profile("retail", ids[1])},
        "DeleteDomain": {"Message": client.delete_domain("other")},
    }

    problems = {op: response_problems(op, data) for op, data in responses.items()}

    assert {op: [] for op in responses} == problems


def test_empty_matches_page_fits_the_published_shape(client: Client):
    """The empty page before any job also fits the GetMatches output shape."""
    data = client.get_matches("retail").to_dict()

    assert [] == response_problems("GetMatches", data)


def test_explain_match_uses_the_latest_jobs_model():
    """explain_match scores a stored pair with the model the latest job stored."""
    client = pm.Client()
    client.create_domain(
        "retail", default_expiration_days=30, matching=pm.Matching(enabled=True)
    )
    rows = [
        {
            "FirstName": "John",
            "LastName": "Doe",
            "EmailAddress": "JOHN_DOE@EXAMPLE.COM",
        },
        {"FirstName": "Jhn", "LastName": "Doe", "EmailAddress": "john_doe@example.com"},
    ]
    first, second = client.put_profiles("retail", rows)
    job = client.run_identity_resolution_job("retail")

    latest = client.explain_match("retail", first, second)
    pinned = client.explain_match("retail", first, second, job_id=job.job_id)

    assert latest == pinned
    assert "exact" == {f.family: f.level for f in latest.families}["email"]
    assert latest.probability >= 0.5


def test_explain_match_unknown_profile_is_not_found():
    """explain_match names a profile that does not exist."""
    client = pm.Client()
    client.create_domain("retail", default_expiration_days=30)
    known = client.create_profile("retail", first_name="Ann")

    with pytest.raises(pm.ResourceNotFoundException):
        client.explain_match("retail", known, "0" * 32)


def test_explain_match_with_a_failed_job_says_it_has_no_model(monkeypatch):
    """explain_match pinned to a job that stored no model refuses, naming the job."""
    from profilematch._jobs import _stages

    client = pm.Client()
    client.create_domain(
        "retail", default_expiration_days=30, matching=pm.Matching(enabled=True)
    )
    first, second = client.put_profiles(
        "retail", [{"FirstName": "Ann"}, {"FirstName": "Anne"}]
    )

    def broken(*args, **kwargs):
        raise RuntimeError("matcher broke")

    monkeypatch.setattr(_stages, "match_features", broken)
    job = client.run_identity_resolution_job("retail")

    with pytest.raises(pm.ResourceNotFoundException, match="stored no model"):
        client.explain_match("retail", first, second, job_id=job.job_id)
