"""Tests of explanations: common values, the veto, and agreement with the job."""

from __future__ import annotations

import json
from array import array
from typing import Any

import pytest

import profilematch as pm
from profilematch._compare import FAMILIES, compare
from profilematch._features import profile_features
from profilematch._jobs import _load_features
from profilematch._matcher import (
    VETO_HOUSEHOLD,
    VETO_SUFFIX,
    MatchOptions,
    _compare_all,
    _score_pairs,
)
from profilematch._score import (
    DEFAULT_MODEL,
    ROLE_ACCOUNT_COUNT,
    KnownCounts,
    ModelParameters,
    Scorer,
    TermFrequencies,
    combine,
)

SWITCHBOARD = "+1 212 555 0100"
_FIRST = ["olga", "piet", "rui", "sana", "theo", "uma", "vito", "wren", "xena", "yuri"]
_LAST = ["adler", "brandt", "costa", "dietz", "eklund", "farah", "gomez", "horvat"]


def _filler(count: int) -> list[dict[str, Any]]:
    """Distinct people with their own phones and emails, some listed twice."""
    rows = []
    for k in range(count):
        first = _FIRST[k % len(_FIRST)]
        last = f"{_LAST[k % len(_LAST)]}{chr(97 + k // 80)}{chr(97 + k % 26)}"
        row = {
            "FirstName": first.title(),
            "LastName": last.title(),
            "EmailAddress": f"{first}.{last}@example.org",
            "PhoneNumber": f"+1 646 {200 + k // 100:03d} {1000 + k:04d}",
            "BirthDate": f"19{50 + k % 40}-{1 + k % 12:02d}-{1 + k % 28:02d}",
        }
        rows.append(row)
        if k % 10 == 0:
            rows.append({**row, "BirthDate": "1949-12-31"})
    return rows


def _colleagues() -> list[dict[str, Any]]:
    """A duplicate pair and ten colleagues, all on one switchboard number."""
    pair = [
        {"FirstName": "Annabel", "LastName": "Quist", "PhoneNumber": SWITCHBOARD},
        {"FirstName": "Anabel", "LastName": "Quist", "PhoneNumber": SWITCHBOARD},
    ]
    others = [
        {
            "FirstName": first.title(),
            "LastName": last.title(),
            "BusinessPhoneNumber": SWITCHBOARD,
        }
        for first, last in zip(
            _FIRST, ["kaya", "lund", "mori", "nagy", "ozil"] * 2, strict=True
        )
    ]
    return pair + others


def _household() -> list[dict[str, Any]]:
    """Two people of one household: one surname, phone and address."""
    address = {"Address1": "12 Elm Road", "City": "Leeds", "PostalCode": "LS1 4AB"}
    shared = {"LastName": "Finch", "HomePhoneNumber": "+44 113 496 0123"}
    return [
        {"FirstName": "Maria", "Address": address, **shared},
        {"FirstName": "Thomas", "Address": address, **shared},
    ]


def _client(rows: list[dict[str, Any]]) -> tuple[pm.Client, list[str]]:
    client = pm.Client()
    client.create_domain(
        "retail", default_expiration_days=30, matching=pm.Matching(enabled=True)
    )
    return client, client.put_profiles("retail", rows)


def _job_probability(client: pm.Client, id_a: str, id_b: str) -> float:
    """The probability the job's own scoring gives a pair (0 when it never links)."""
    stored = client.store.latest_model_json("retail")
    model = (
        DEFAULT_MODEL
        if stored is None
        else ModelParameters.from_dict(json.loads(stored))
    )
    features = _load_features(client.store, "retail", "US", lambda *_: None)
    position = {item.profile_id: k for k, item in enumerate(features)}
    i, j = sorted((position[id_a], position[id_b]))
    codes = array("q", [i * len(features) + j])
    frequencies = TermFrequencies(features)
    options = MatchOptions(workers=1)

    codes, vectors, counts = _compare_all(features, codes, frequencies, options, None)
    edges = _score_pairs(
        Scorer(model, frequencies), features, codes, vectors, counts, 0.0
    )

    return edges[0][0] if edges else 0.0


@pytest.fixture(scope="module")
def trained() -> tuple[pm.Client, list[str]]:
    """A domain large enough to train a model, after one job."""
    rows = _colleagues() + _household() + _filler(560)
    client, ids = _client(rows)
    job = client.run_identity_resolution_job("retail")
    assert "COMPLETED" == job.status
    assert client.store.latest_model_json("retail") is not None
    return client, ids


def test_explain_without_counts_keeps_the_models_weights() -> None:
    """Without counts, exact levels keep the model's weights and the prior its size."""
    a = {"FirstName": "Ann", "LastName": "Lee", "PhoneNumber": SWITCHBOARD}
    b = {"FirstName": "Anne", "LastName": "Lee", "PhoneNumber": SWITCHBOARD}
    features = [profile_features(pm.Profile.from_dict(x)) for x in (a, b)]
    vector, _ = compare(*features)

    explanation = pm.explain(a, b)

    expected = combine(*Scorer(DEFAULT_MODEL).vector_weights(vector))
    assert expected == explanation.combined_weight
    assert DEFAULT_MODEL.prior_weight_among(DEFAULT_MODEL.profiles) == (
        explanation.prior_weight
    )
    assert 0.0 == explanation.adjustment_weight
    assert [("phone", "+12125550100", None)] == [
        (item.family, item.value, item.profiles) for item in explanation.adjustments
    ]
    assert explanation.counted_profiles is None


def test_explain_with_counts_weakens_a_common_phone() -> None:
    """A phone held by many profiles lowers the weight by log2(share / u)."""
    a = {"FirstName": "Ann", "LastName": "Lee", "PhoneNumber": SWITCHBOARD}
    b = {"FirstName": "Anne", "LastName": "Lee", "PhoneNumber": SWITCHBOARD}
    counts = KnownCounts(profiles=20_000, counts={("phone", "+12125550100"): 200})

    plain = pm.explain(a, b)
    counted = pm.explain(a, b, counts=counts)

    phone = FAMILIES.index("phone")
    expected = Scorer(DEFAULT_MODEL, counts).count_adjustment(phone, 200)
    assert expected == counted.adjustments[0].adjustment
    assert expected < 0
    assert 200 == counted.adjustments[0].profiles
    assert 20_000 == counted.counted_profiles
    assert counted.probability < plain.probability


def test_role_email_counts_as_shared_by_many() -> None:
    """A role address counts as held by ROLE_ACCOUNT_COUNT profiles at least."""
    a = {"FirstName": "Ann", "LastName": "Lee", "EmailAddress": "info@acme.com"}
    b = {"FirstName": "Anne", "LastName": "Lee", "EmailAddress": "Info@Acme.com"}

    explanation = pm.explain(a, b, counts=KnownCounts(profiles=10_000))

    (item,) = explanation.adjustments
    assert ("email", "info@acme.com", ROLE_ACCOUNT_COUNT, True) == (
        item.family,
        item.value,
        item.profiles,
        item.role_email,
    )
    assert item.adjustment < 0


def test_suffix_conflict_is_vetoed() -> None:
    """Sr. and Jr. with one name are vetoed and get probability 0."""
    a = {"FirstName": "Walter", "LastName": "Finch Sr.", "PhoneNumber": SWITCHBOARD}
    b = {"FirstName": "Walter", "LastName": "Finch Jr.", "PhoneNumber": SWITCHBOARD}

    explanation = pm.explain(a, b)

    assert VETO_SUFFIX == explanation.vetoed
    assert 0.0 == explanation.probability


def test_text_and_html_show_shared_values_and_the_veto() -> None:
    """The renderings list each shared value with its count and the veto reason."""
    a, b = _household()
    counts = KnownCounts(profiles=10_000, counts={("phone", "+441134960123"): 9})

    explanation = pm.explain(a, b, counts=counts)
    text, page = str(explanation), explanation._repr_html_()

    assert VETO_HOUSEHOLD == explanation.vetoed
    for shown in (text, page):
        assert "+441134960123" in shown
        assert VETO_HOUSEHOLD in shown
    assert "probability 0.0000" in text


def test_explain_match_gives_the_jobs_probability_for_a_shared_switchboard(
    trained: tuple[pm.Client, list[str]],
) -> None:
    """A pair on a switchboard held by 12 profiles gets the probability the job used."""
    client, ids = trained

    explanation = client.explain_match("retail", ids[0], ids[1])

    assert _job_probability(client, ids[0], ids[1]) == explanation.probability
    (phone,) = [item for item in explanation.adjustments if item.family == "phone"]
    assert 12 == phone.profiles
    assert client.store.count_profiles("retail") == explanation.counted_profiles


def test_explain_match_gives_the_job_probability_zero_for_a_household(
    trained: tuple[pm.Client, list[str]],
) -> None:
    """A vetoed household pair explains with probability 0, as the job scores it."""
    client, ids = trained

    explanation = client.explain_match("retail", ids[12], ids[13])

    assert VETO_HOUSEHOLD == explanation.vetoed
    assert 0.0 == _job_probability(client, ids[12], ids[13])
    assert 0.0 == explanation.probability


def test_explain_match_gives_the_jobs_probability_for_a_plain_duplicate(
    trained: tuple[pm.Client, list[str]],
) -> None:
    """A duplicate sharing a name, email and phone gets the job's probability."""
    client, ids = trained
    first, second = ids[14], ids[15]

    explanation = client.explain_match("retail", first, second)

    assert {"name", "email", "phone"} == {i.family for i in explanation.adjustments}
    assert _job_probability(client, first, second) == explanation.probability


def test_explain_match_counts_canonical_names_and_emails() -> None:
    """Names and emails are counted in canonical form, whatever their raw spelling."""
    rows = [
        {"FirstName": "José", "LastName": "García", "EmailAddress": "jg@x.com"},
        {"FirstName": "Jose", "LastName": "Garcia", "EmailAddress": "JG@x.com"},
        {
            "FirstName": "Dr. JOSE",
            "LastName": "garcia",
            "EmailAddress": "Jo <jg@x.com>",
        },
        {"FirstName": "José", "LastName": "García Jr", "EmailAddress": "jg@x.com."},
        {"FirstName": "Josef", "LastName": "Garcias", "EmailAddress": "jg@x.co"},
    ]
    client, ids = _client(rows)
    features = _load_features(client.store, "retail", "US", lambda *_: None)
    frequencies = TermFrequencies(features)

    explanation = client.explain_match("retail", ids[0], ids[1])

    shared = {item.family: item.profiles for item in explanation.adjustments}
    assert {
        "name": frequencies.count("name", "jose garcia"),
        "email": frequencies.count("email", "jg@x.com"),
    } == shared
    assert 4 == shared["email"]
