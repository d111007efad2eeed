"""Contract tests of the Client's profile calls."""

from __future__ import annotations

import lzma
import re

import pytest

import profilematch as pm
from profilematch._client import Client

ANN = {
    "AccountNumber": "A-1",
    "FirstName": "Ann",
    "MiddleName": "Marie",
    "LastName": "Lee",
    "PhoneNumber": "(206) 555-0100",
    "EmailAddress": "Ann.Lee@Example.com",
    "Address": {"Address1": "1 Main St", "City": "Seattle", "Country": "US"},
    "Attributes": {"tier": "gold"},
}
BO = {"FirstName": "Bo", "LastName": "Lee", "EmailAddress": "bo@example.com"}
MISSING = "0" * 32


@pytest.fixture
def client():
    """An in-memory client with one domain, 'retail'."""
    with Client() as fresh:
        fresh.create_domain("retail", default_expiration_days=30)
        yield fresh


def test_create_profile_returns_hex_id_and_stores_profile(client: Client):
    """create_profile returns 32 lowercase hex characters and keeps every field."""
    profile_id = client.create_profile("retail", ANN)

    stored = client.get_profile("retail", profile_id)

    assert re.fullmatch(r"[a-f0-9]{32}", profile_id)
    assert {**ANN, "ProfileId": profile_id} == stored.to_dict()


def test_create_profile_takes_profile_or_fields(client: Client):
    """A Profile object and snake_case fields are stored alike."""
    from_model = client.create_profile("retail", pm.Profile(first_name="Ann"))
    from_fields = client.create_profile("retail", first_name="Ann")

    assert "Ann" == client.get_profile("retail", from_model).first_name
    assert "Ann" == client.get_profile("retail", from_fields).first_name


def test_create_profile_refuses_an_unknown_field_naming_the_closest(client: Client):
    """A misspelled keyword field is a BadRequestException that suggests the
    field meant, and nothing is stored."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.create_profile("retail", frist_name="Ann", last_name="Lee")

    assert "frist_name" == caught.value.field
    assert "unknown field" == caught.value.rule
    assert "did you mean first_name?" in str(caught.value)
    assert 0 == client.store.count_profiles("retail")


def test_create_profile_keeps_source_name(client: Client):
    """The source name given at ingest is stored with the profile."""
    profile_id = client.create_profile("retail", BO, source_name="web")

    assert "web" == client.store.get_profile("retail", profile_id).source_name


def test_create_profile_stores_features(client: Client):
    """The canonical features are stored beside the raw profile at ingest."""
    profile_id = client.create_profile("retail", ANN)

    features = client.store.get_profile("retail", profile_id).features_json

    assert features is not None
    assert "+12065550100" in features


def test_create_profile_in_unknown_domain_is_not_found(client: Client):
    """A profile for an unknown domain raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException):
        client.create_profile("nope", BO)


def test_put_profiles_returns_ids_in_input_order(client: Client):
    """put_profiles returns one id per row, in input order."""
    ids = client.put_profiles("retail", [ANN, pm.Profile(first_name="Cy"), BO])

    names = [client.get_profile("retail", pid).first_name for pid in ids]

    assert ["Ann", "Cy", "Bo"] == names
    assert 3 == len(set(ids))


def test_put_profiles_one_bad_row_writes_nothing(client: Client):
    """One bad row refuses the call, names its index and field, and writes nothing."""
    rows = [ANN, BO, {"FirstName": "x" * 256}]

    with pytest.raises(pm.BadRequestException) as caught:
        client.put_profiles("retail", rows)

    assert "Profiles[2].FirstName" == caught.value.field
    assert "length 1..255" == caught.value.rule
    assert 0 == client.get_domain("retail").stats.profile_count


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"Gender": "male"}, "Profiles[0].Gender"),
        ({"Nickname": "x"}, "Profiles[0].Nickname"),
        ({"FirstName": 3}, "Profiles[0].FirstName"),
        ({"Address": {"City": ""}}, "Profiles[0].Address.City"),
        ({"ProfileId": "ABC"}, "Profiles[0].ProfileId"),
        ({"FoundByItems": [{"KeyName": "_email"}]}, "Profiles[0].FoundByItems"),
        ("FirstName", "Profiles[0]"),
    ],
)
def test_put_profiles_names_the_bad_field(client: Client, row, field):
    """Each kind of bad row is refused with its path."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.put_profiles("retail", [row])

    assert field == caught.value.field


def test_put_profiles_uses_and_checks_given_ids(client: Client):
    """A row's own ProfileId is used; a repeated or taken id is refused."""
    given = "a" * 32
    ids = client.put_profiles("retail", [{"ProfileId": given, "FirstName": "A"}])

    with pytest.raises(pm.BadRequestException) as repeated:
        client.put_profiles(
            "retail", [{"ProfileId": "b" * 32}, {"ProfileId": "b" * 32}]
        )
    with pytest.raises(pm.BadRequestException) as taken:
        client.put_profiles("retail", [BO, {"ProfileId": given}])

    assert [given] == ids
    assert ("Profiles[1].ProfileId", "unique") == (
        repeated.value.field,
        repeated.value.rule,
    )
    assert "Profiles[1].ProfileId" == taken.value.field
    assert 1 == client.get_domain("retail").stats.profile_count


def test_put_profiles_refuses_bad_source_name(client: Client):
    """A source name must be 1 to 255 characters."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.put_profiles("retail", [BO], source_name="")

    assert "SourceName" == caught.value.field


def test_update_profile_keeps_omitted_and_removes_empty(client: Client):
    """An omitted field is kept and an empty string removes a field or member."""
    profile_id = client.create_profile("retail", ANN)

    client.update_profile(
        "retail",
        profile_id,
        {"LastName": "", "BirthDate": "1990-02-03", "Address": {"City": ""}},
    )
    stored = client.get_profile("retail", profile_id)

    assert None is stored.last_name
    assert "Ann" == stored.first_name
    assert "1990-02-03" == stored.birth_date
    assert pm.Address(address1="1 Main St", country="US") == stored.address


def test_update_profile_attributes_member_by_member(client: Client):
    """Attributes are updated per key: new keys added, empty values removed."""
    profile_id = client.create_profile("retail", ANN)

    client.update_profile(
        "retail", profile_id, attributes={"tier": "", "segment": "b2c"}
    )

    assert {"segment": "b2c"} == dict(
        client.get_profile("retail", profile_id).attributes
    )


def test_update_profile_refreshes_search_keys(client: Client):
    """After an update the profile is found by its new email, not the old one."""
    profile_id = client.create_profile("retail", BO)

    client.update_profile("retail", profile_id, email_address="new@example.com")

    assert [] == list(
        client.search_profiles("retail", "_email", ["bo@example.com"]).items
    )
    assert 1 == len(
        client.search_profiles("retail", "_email", ["new@example.com"]).items
    )


def test_update_profile_refuses_broken_rule_and_changes_nothing(client: Client):
    """A refused update leaves the profile as it was."""
    profile_id = client.create_profile("retail", BO)

    with pytest.raises(pm.BadRequestException) as caught:
        client.update_profile("retail", profile_id, gender="robot", last_name="Li")

    assert "Gender" == caught.value.field
    assert "Lee" == client.get_profile("retail", profile_id).last_name


def test_update_profile_refuses_profile_id_change(client: Client):
    """The ProfileId of a profile cannot be changed by an update."""
    profile_id = client.create_profile("retail", BO)

    with pytest.raises(pm.BadRequestException) as caught:
        client.update_profile("retail", profile_id, {"ProfileId": "b" * 32})

    assert ("ProfileId", "read only") == (caught.value.field, caught.value.rule)


def test_update_unknown_profile_is_not_found(client: Client):
    """update_profile of an unknown id raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException):
        client.update_profile("retail", MISSING, first_name="X")


@pytest.mark.parametrize("bad_id", ["ABC", "g" * 32, "", 7])
def test_profile_calls_refuse_bad_ids(client: Client, bad_id):
    """Every call that takes a profile id checks its pattern first."""
    for call in (client.get_profile, client.delete_profile):
        with pytest.raises(pm.BadRequestException) as caught:
            call("retail", bad_id)
        assert "ProfileId" == caught.value.field
    with pytest.raises(pm.BadRequestException):
        client.update_profile("retail", bad_id, first_name="x")


def test_delete_profile_removes_it(client: Client):
    """A deleted profile cannot be read; deleting it again is not found."""
    profile_id = client.create_profile("retail", BO)

    message = client.delete_profile("retail", profile_id)

    assert f"Profile {profile_id} deleted" == message
    with pytest.raises(pm.ResourceNotFoundException):
        client.get_profile("retail", profile_id)
    with pytest.raises(pm.ResourceNotFoundException):
        client.delete_profile("retail", profile_id)


def test_batch_get_profile_returns_found_and_errors(client: Client):
    """batch_get_profile returns found profiles in order and an error per missing id."""
    first, second = client.put_profiles("retail", [ANN, BO])

    result = client.batch_get_profile("retail", [second, MISSING, first])

    assert [second, first] == [p.profile_id for p in result.profiles]
    assert [(MISSING, "ResourceNotFoundException")] == [
        (e.profile_id, e.code) for e in result.errors
    ]
    assert {"Errors", "Profiles"} == set(result.to_dict())


def test_batch_get_profile_reports_merged_profiles(client: Client):
    """A merged profile's error names the profile it was merged into."""
    main, other = client.put_profiles("retail", [ANN, BO])
    client.store.mark_merged("retail", other, main)

    result = client.batch_get_profile("retail", [other])

    assert f"merged into profile {main}" in result.errors[0].message


@pytest.mark.parametrize(
    ("ids", "field", "rule"),
    [
        ([], "ProfileIds", "items 1..20"),
        (["a" * 32] * 21, "ProfileIds", "items 1..20"),
        (["a" * 32, "nope"], "ProfileIds[1]", "pattern [a-f0-9]{32}"),
        ("a" * 32, "ProfileIds", "type list"),
    ],
)
def test_batch_get_profile_refuses_bad_lists(client: Client, ids, field, rule):
    """The id list must hold 1 to 20 well-formed ids."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.batch_get_profile("retail", ids)

    assert (field, rule) == (caught.value.field, caught.value.rule)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("_email", "ann.lee@example.com"),
        ("_email", " ANN.LEE@EXAMPLE.COM"),
        ("_phone", "+12065550100"),
        ("_phone", "(206) 555-0100"),
        ("_phone", "206-555-0100"),
        ("_fullName", "ann marie lee"),
        ("_fullName", "Ann  Lee"),
        ("_account", "A-1"),
    ],
)
def test_search_profiles_by_each_key(client: Client, key, value):
    """Each search key finds the profile by raw and canonical forms."""
    profile_id = client.put_profiles("retail", [ANN, BO])[0]

    page = client.search_profiles("retail", key, [value])

    assert [profile_id] == [p.profile_id for p in page.items]
    assert key == page.items[0].found_by_items[0].key_name


def test_search_profiles_by_profile_id(client: Client):
    """_profileId finds a profile by its id."""
    ids = client.put_profiles("retail", [ANN, BO])

    page = client.search_profiles("retail", "_profileId", [ids[1]])

    assert [ids[1]] == [p.profile_id for p in page.items]


def test_search_profiles_and_or(client: Client):
    """AND needs every key to match, OR any of them."""
    ann, bo = client.put_profiles("retail", [ANN, BO])
    extra = [{"KeyName": "_email", "Values": ["bo@example.com"]}]

    both = client.search_profiles(
        "retail", "_fullName", ["Bo Lee"], additional_search_keys=extra
    )
    none = client.search_profiles(
        "retail", "_account", ["A-1"], additional_search_keys=extra
    )
    either = client.search_profiles(
        "retail",
        "_account",
        ["A-1"],
        additional_search_keys=extra,
        logical_operator="OR",
    )

    assert [bo] == [p.profile_id for p in both.items]
    assert [] == list(none.items)
    assert sorted([ann, bo]) == [p.profile_id for p in either.items]


def test_search_profiles_pages(client: Client):
    """Search results page by id with a token tied to the search."""
    ids = client.put_profiles("retail", [{"LastName": "Lee"} for _ in range(5)])

    seen: list[str] = []
    token = None
    while True:
        page = client.search_profiles(
            "retail", "_fullName", ["lee"], max_results=2, next_token=token
        )
        seen.extend(p.profile_id for p in page.items)
        token = page.next_token
        if token is None:
            break

    assert sorted(ids) == seen


def test_search_token_of_another_search_is_refused(client: Client):
    """A search token cannot continue a different search."""
    client.put_profiles("retail", [{"LastName": "Lee"} for _ in range(3)])
    token = client.search_profiles(
        "retail", "_fullName", ["lee"], max_results=1
    ).next_token

    with pytest.raises(pm.BadRequestException, match="different search"):
        client.search_profiles("retail", "_fullName", ["kim"], next_token=token)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"key_name": "_nickname", "values": ["x"]}, "KeyName"),
        ({"key_name": "bad key", "values": ["x"]}, "KeyName"),
        ({"key_name": "_email", "values": []}, "Values"),
        ({"key_name": "_email", "values": [""]}, "Values[0]"),
        ({"key_name": "_email", "values": ["x" * 256]}, "Values[0]"),
        ({"key_name": "_email", "values": "x"}, "Values"),
        (
            {"key_name": "_email", "values": ["x"], "logical_operator": "XOR"},
            "LogicalOperator",
        ),
        (
            {"key_name": "_email", "values": ["x"], "additional_search_keys": []},
            "AdditionalSearchKeys",
        ),
        (
            {
                "key_name": "_email",
                "values": ["x"],
                "additional_search_keys": [{"KeyName": "_email", "Values": ["y"]}] * 5,
            },
            "AdditionalSearchKeys",
        ),
        (
            {
                "key_name": "_email",
                "values": ["x"],
                "additional_search_keys": [{"KeyName": "_phone", "Value": ["y"]}],
            },
            "AdditionalSearchKeys[0].Value",
        ),
        ({"key_name": "_email", "values": ["x"], "max_results": 0}, "max_results"),
    ],
)
def test_search_profiles_refuses_broken_rules(client: Client, kwargs, field):
    """Every search rule is checked and names its field."""
    with pytest.raises(pm.BadRequestException) as caught:
        client.search_profiles("retail", **kwargs)

    assert field == caught.value.field


def test_search_unknown_domain_is_not_found(client: Client):
    """search_profiles in an unknown domain raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException):
        client.search_profiles("nope", "_email", ["x"])


def test_search_profiles_response_shape(client: Client):
    """A search page's dict holds Items with FoundByItems, and no token at the end."""
    client.put_profiles("retail", [BO])

    data = client.search_profiles("retail", "_email", ["bo@example.com"]).to_dict()

    assert ["Items"] == list(data)
    assert [{"KeyName": "_email", "Values": ["bo@example.com"]}] == data["Items"][0][
        "FoundByItems"
    ]


def test_merged_profile_get_says_where_it_went(client: Client):
    """Reading a merged profile says which profile it was merged into."""
    main, other = client.put_profiles("retail", [ANN, BO])
    client.store.mark_merged("retail", other, main)

    with pytest.raises(
        pm.ResourceNotFoundException, match=f"merged into profile {main}"
    ):
        client.get_profile("retail", other)


def test_put_profiles_reads_a_csv_path(tmp_path):
    """put_profiles given a CSV path stores one profile per row, in file order."""
    path = tmp_path / "people.csv"
    path.write_text("first_name,last_name,email\nAnn,Lee,ann@example.com\nBo,Ng,\n")
    client = pm.Client()
    client.create_domain("retail", default_expiration_days=30)

    ids = client.put_profiles("retail", path)

    names = [client.get_profile("retail", pid).first_name for pid in ids]
    assert ["Ann", "Bo"] == names


def test_put_profiles_reads_a_compressed_csv_path(tmp_path):
    """put_profiles given an xz-compressed CSV path stores its rows, in file order."""
    path = tmp_path / "people.csv.xz"
    path.write_bytes(lzma.compress(b"first_name,last_name\nAnn,Lee\nBo,Ng\n"))
    client = pm.Client()
    client.create_domain("retail", default_expiration_days=30)

    ids = client.put_profiles("retail", path, source_name="people")

    names = [client.get_profile("retail", pid).first_name for pid in ids]
    assert ["Ann", "Bo"] == names


def test_put_profiles_path_with_bad_value_writes_nothing(tmp_path):
    """A file with a value beyond a limit is refused whole, naming row and column."""
    path = tmp_path / "people.csv"
    path.write_text("first_name,last_name\nAnn,Lee\n" + "x" * 300 + ",Ng\n")
    client = pm.Client()
    client.create_domain("retail", default_expiration_days=30)

    with pytest.raises(pm.BadRequestException, match="row 2"):
        client.put_profiles("retail", str(path))

    assert 0 == client.get_domain("retail").stats.profile_count
