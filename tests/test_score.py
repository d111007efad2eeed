"""Tests of the confidence model: parameters, EM, term frequencies, scoring."""

from __future__ import annotations

import json
import math

import attrs
from hypothesis import given
from hypothesis import strategies as st

from profilematch._compare import FAMILIES, LEVELS
from profilematch._features import profile_features
from profilematch._score import (
    DEFAULT_MODEL,
    ModelParameters,
    Scorer,
    TermFrequencies,
    estimate_u,
    probability,
    train_em,
)


def level(family: str, name: str) -> int:
    """Index of a named level."""
    return LEVELS[family].index(name)


def vector(**levels: str) -> tuple[int, ...]:
    """A comparison vector from level names; unnamed families are missing."""
    return tuple(
        level(family, levels[family]) if family in levels else 0 for family in FAMILIES
    )


def test_parameters_round_trip_through_json() -> None:
    """to_dict output survives JSON and reads back equal."""
    data = json.loads(json.dumps(DEFAULT_MODEL.to_dict()))

    assert DEFAULT_MODEL == ModelParameters.from_dict(data)


def test_printed_parameters_list_every_level() -> None:
    """The readable form names each family's levels."""
    text = str(DEFAULT_MODEL)

    assert "suffix_conflict" in text
    assert "day_month_swapped" in text


def test_missing_levels_weigh_nothing() -> None:
    """A missing level has match weight 0 against both kinds of non-match."""
    assert 0.0 == DEFAULT_MODEL.weight("email", 0)
    assert 0.0 == DEFAULT_MODEL.related_weight("email", 0)


def test_exact_name_outweighs_different_name() -> None:
    """Agreeing names score higher than entirely different names."""
    scorer = Scorer(DEFAULT_MODEL)

    same = scorer.match_weight(vector(name="exact", email="exact"))
    different = scorer.match_weight(vector(name="else", email="exact"))

    assert same > different


def test_common_value_weakens_an_exact_level() -> None:
    """An email held by many profiles is weaker evidence than a unique one."""
    shared = [
        profile_features({"profile_id": f"p{n}", "email_address": "desk@x.org"})
        for n in range(200)
    ]
    scorer = Scorer(DEFAULT_MODEL, TermFrequencies(shared))
    agreeing = vector(name="exact", email="exact")

    common = scorer.match_weight(agreeing, (None, "desk@x.org", None))
    rare = scorer.match_weight(agreeing, (None, "solo@x.org", None))

    assert common < rare


def test_role_address_counts_as_common() -> None:
    """info@ addresses count as held by many profiles even when seen twice."""
    frequencies = TermFrequencies([])

    assert 100 <= frequencies.count("email", "info@agency.example.gov")


def test_u_from_random_pairs_is_a_distribution() -> None:
    """u of each family sums to 1 over its non-missing levels."""
    profiles = [
        profile_features({"profile_id": f"p{n}", "first_name": name, "last_name": "X"})
        for n, name in enumerate(["Ann", "Bob", "Cyd", "Dee", "Ann"])
    ]

    u = estimate_u(profiles, sample_size=200, seed=1)

    assert math.isclose(1.0, sum(u["name"][1:]))


def test_u_is_deterministic_for_a_seed() -> None:
    """The same seed gives the same u."""
    profiles = [
        profile_features({"profile_id": f"p{n}", "first_name": name})
        for n, name in enumerate(["Ann", "Bob", "Ann", "Dee"])
    ]

    first = estimate_u(profiles, sample_size=100, seed=7)

    assert first == estimate_u(profiles, sample_size=100, seed=7)


def test_em_separates_matches_from_name_only_neighbours() -> None:
    """EM scores shared contacts with agreeing names above similar names alone."""
    counts = {
        vector(name="exact", email="exact", phone="exact", address="exact"): 300,
        vector(name="close", phone="exact", address="exact"): 100,
        vector(name="exact", email="else", phone="exact"): 50,
        vector(name="loose", email="else", phone="else"): 500,
        vector(name="else", phone="else", address="else"): 1000,
    }

    model = train_em(counts, u=DEFAULT_MODEL.u, iterations=50, tolerance=1e-6)
    scorer = Scorer(model)

    duplicate = vector(name="close", phone="exact", address="exact")
    neighbour = vector(name="loose", email="else", phone="else")
    assert scorer.probability(neighbour) < 0.5 < scorer.probability(duplicate)
    assert 0.0 < model.prior < 1.0


@given(st.floats(min_value=-200, max_value=200))
def test_probability_is_in_unit_interval(weight: float) -> None:
    """Any match weight maps to a probability in [0, 1]."""
    assert 0.0 <= probability(weight) <= 1.0


def test_em_keeps_households_apart_from_duplicates() -> None:
    """Different names sharing a phone and address score low when namesakes abound."""
    counts = {
        vector(name="exact", email="exact", phone="exact", address="exact"): 300,
        vector(name="close", phone="exact", address="exact", birth_date="exact"): 100,
        vector(name="else", email="else", phone="exact", address="exact"): 200,
        vector(name="exact", email="else", phone="else", address="else"): 5000,
        vector(name="loose", email="else", phone="else"): 3000,
    }

    model = train_em(counts, u=DEFAULT_MODEL.u, iterations=50, tolerance=1e-6)
    scorer = Scorer(model)

    household = vector(name="else", email="else", phone="exact", address="exact")
    duplicate = vector(name="close", phone="exact", address="exact")
    assert scorer.probability(household) < 0.5 < scorer.probability(duplicate)
    assert 0.0 < model.household_prior < 1.0


def test_trained_parameters_round_trip_through_json() -> None:
    """A trained model's household table survives to_dict and JSON."""
    counts = {
        vector(name="exact", email="exact", phone="exact"): 30,
        vector(name="else", phone="exact", address="exact"): 20,
        vector(name="loose", phone="else"): 50,
    }
    model = train_em(counts, u=DEFAULT_MODEL.u, iterations=5, tolerance=1e-6)

    data = json.loads(json.dumps(model.to_dict()))

    assert model == ModelParameters.from_dict(data)


def test_unrelated_prior_falls_with_profiles_above_the_floor() -> None:
    """Ten times the profiles above the frequency floor costs log2(10) of prior."""
    model = attrs.evolve(DEFAULT_MODEL, profiles=50_000, candidate_pairs=10**6)
    floor = model.frequency_floor

    assert model.prior_weight == model.prior_weight_among(floor // 2)
    assert math.isclose(
        model.prior_weight - math.log2(10), model.prior_weight_among(10 * floor)
    )


def test_em_reads_business_name_variants_at_one_site_as_duplicates() -> None:
    """Business names written differently at one phone and address score high."""
    counts = {
        vector(name="exact", email="exact", phone="exact", address="exact"): 300,
        vector(name="else", email="else", phone="exact", address="exact"): 200,
        vector(name="exact", email="else", phone="else", address="else"): 5000,
        vector(name="exact", phone="exact", address="exact"): 300,
        vector(name="business_loose", phone="exact", address="exact"): 600,
        vector(name="business_close", phone="exact", address="close"): 300,
        vector(name="business_loose", phone="else", address="same_area"): 600,
        vector(name="business_else", phone="else", address="same_area"): 600,
    }

    model = train_em(counts, u=DEFAULT_MODEL.u, iterations=50, tolerance=1e-6)
    scorer = Scorer(model)

    household = vector(name="else", email="else", phone="exact", address="exact")
    variant = vector(name="business_loose", phone="exact", address="exact")
    assert scorer.probability(household) < 0.5 < scorer.probability(variant)


def test_household_class_takes_business_name_levels_from_random_pairs() -> None:
    """On business name levels the household class keeps u, whatever EM sees."""
    u = {
        family: (1.0, *(p / sum(DEFAULT_MODEL.u[family][1:]) for p in levels[1:]))
        for family, levels in DEFAULT_MODEL.u.items()
    }
    counts = {
        vector(name="business_loose", phone="exact", address="exact"): 300,
        vector(name="business_else", phone="exact", address="exact"): 20,
        vector(name="surname_only", phone="exact", address="exact"): 100,
        vector(name="business_loose", phone="else"): 500,
    }

    model = train_em(counts, u=u, iterations=20, tolerance=1e-6)

    assert model.h is not None
    for name in ("business_close", "business_loose", "business_else"):
        index = level("name", name)
        assert math.isclose(u["name"][index], model.h["name"][index])
    assert 0.0 == model.h["name"][level("name", "exact")]


def test_parameters_stored_before_business_levels_read_back() -> None:
    """A stored model without business levels reads them from the person levels."""
    data = json.loads(json.dumps(DEFAULT_MODEL.to_dict()))
    person_levels = [name for name in LEVELS["name"] if not name.startswith("busi")]
    keep = [LEVELS["name"].index(name) for name in person_levels]
    for key in ("M", "U", "R"):
        data[key]["name"] = [data[key]["name"][i] for i in keep]
    data["Levels"]["name"] = person_levels

    model = ModelParameters.from_dict(data)

    assert DEFAULT_MODEL == model


def test_prior_floor_keeps_priors_from_counting_against_a_match() -> None:
    """min_prior_weight=0 lifts every negative prior to 0 and keeps the rest."""
    many = attrs.evolve(DEFAULT_MODEL, profiles=1_000_000)
    plain = Scorer(many)
    linked = Scorer(many, min_prior_weight=0.0)

    assert plain.prior_weight < 0.0
    assert 0.0 == linked.prior_weight
    assert max(plain.related_prior_weight, 0.0) == linked.related_prior_weight
    assert max(plain.household_prior_weight, 0.0) == linked.household_prior_weight


def test_prior_floor_raises_a_name_only_agreement() -> None:
    """Two profiles agreeing on the name alone are likelier a match without a
    negative prior, and an agreement on nothing stays a clear non-match."""
    many = attrs.evolve(DEFAULT_MODEL, profiles=1_000_000)
    name_only = vector(name="exact", email="else", phone="else")
    nothing = vector(name="else", email="else", phone="else", address="else")

    plain = Scorer(many).probability(name_only)
    linked = Scorer(many, min_prior_weight=0.0).probability(name_only)

    assert linked > plain
    assert Scorer(many, min_prior_weight=0.0).probability(nothing) < 0.01
