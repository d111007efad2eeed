"""Tests of reading CSV and JSON Lines files into service-shaped profiles."""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import lzma
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profilematch import BadRequestException
from profilematch._io import (
    ROW_ID_ATTRIBUTE,
    _split_words,
    build_mapping,
    parse_map_options,
    read_profiles,
    resolve_field,
    split_full_name,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}
TOOLS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a small input file for a test."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_compressed(
    tmp_path: Path, name: str, text: str, encoding: str = "utf-8"
) -> Path:
    """Write a small input file compressed as its last extension says."""
    path = tmp_path / name
    path.write_bytes(COMPRESSORS[path.suffix.lower()](text.encode(encoding)))
    return path


def test_csv_common_column_names_map_to_profile_fields(tmp_path):
    """Common column names fill the matching service fields, nested where due."""
    path = write(
        tmp_path,
        "people.csv",
        "customer_id,given_name,Surname,E-mail,mobile,zip,suburb,dob,Company\n"
        "c1,Ann,Lee,ann@x.org,0412 345 678,2000,Glebe,1990-01-02,Acme\n",
    )

    data = read_profiles(path)

    assert {
        "FirstName": "Ann",
        "LastName": "Lee",
        "EmailAddress": "ann@x.org",
        "MobilePhoneNumber": "0412 345 678",
        "BirthDate": "1990-01-02",
        "BusinessName": "Acme",
        "Address": {"PostalCode": "2000", "City": "Glebe"},
        "Attributes": {ROW_ID_ATTRIBUTE: "c1"},
    } == data.profiles[0]
    assert ("c1",) == data.row_ids
    assert "customer_id" == data.mapping.id_column


def test_row_number_is_the_id_without_an_id_column(tmp_path):
    """Without an id column each row's 1-based number is its row id."""
    path = write(tmp_path, "p.csv", "first_name\nA\nB\n")

    data = read_profiles(path)

    assert ("1", "2") == data.row_ids
    assert data.mapping.id_column is None


def test_unmapped_columns_go_to_attributes_or_are_ignored(tmp_path):
    """Columns with no field become Attributes, or vanish with unmapped=ignore."""
    path = write(tmp_path, "p.csv", "id,first_name,tier\n7,Ann,gold\n")

    kept = read_profiles(path)
    dropped = read_profiles(path, unmapped="ignore")

    assert {"tier": "gold", ROW_ID_ATTRIBUTE: "7"} == kept.profiles[0]["Attributes"]
    assert {ROW_ID_ATTRIBUTE: "7"} == dropped.profiles[0]["Attributes"]
    assert ("tier",) == dropped.mapping.ignored_columns


def test_delimiter_is_sniffed(tmp_path):
    """Semicolon- and tab-separated files are read like comma-separated ones."""
    semi = write(tmp_path, "semi.csv", "id;first_name;last_name\n1;Ann;Lee\n")
    tab = write(tmp_path, "tab.tsv", "id\tfirst_name\tlast_name\n1\tAnn\tLee\n")

    assert "Lee" == read_profiles(semi).profiles[0]["LastName"]
    assert "Lee" == read_profiles(tab).profiles[0]["LastName"]


def test_bom_is_skipped_and_multiline_fields_are_kept(tmp_path):
    """A UTF-8 BOM is not part of the first column; quoted newlines stay."""
    path = write(
        tmp_path,
        "bom.csv",
        '\ufeffid,first_name,notes\n1,Zoë,"two\nlines"\n2,Ann,x\n',
    )

    data = read_profiles(path)

    assert "id" == data.mapping.id_column
    assert "Zoë" == data.profiles[0]["FirstName"]
    assert "two\nlines" == data.profiles[0]["Attributes"]["notes"]
    assert (2, 4) == data.line_numbers


def test_unreadable_encoding_names_the_file_and_line(tmp_path):
    """Latin-1 bytes read as UTF-8 fail with the file, the line and a remedy."""
    path = write(tmp_path, "latin.csv", "id,first_name\n1,Ann\n2,José\n", "latin-1")

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert str(path) in info.value.message
    assert "line 3" in info.value.message
    assert "--encoding" in info.value.message
    assert "José" == read_profiles(path, encoding="latin-1").profiles[1]["FirstName"]


def test_missing_file_is_a_bad_request(tmp_path):
    """A missing file raises a BadRequestException naming the path."""
    path = tmp_path / "nope.csv"

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert str(path) in info.value.message
    assert "FILE" == info.value.field


def test_explicit_map_joins_columns_and_wins_over_names(tmp_path):
    """--map fills a field from several columns and overrides automatic names."""
    path = write(
        tmp_path,
        "p.csv",
        "id,no,street,name,first_name\n1,12,High St,Bob's Diner,Ann\n",
    )

    data = read_profiles(
        path,
        field_map=["Address.Address1=no+street", "BusinessName=name"],
    )

    assert "12 High St" == data.profiles[0]["Address"]["Address1"]
    assert "Bob's Diner" == data.profiles[0]["BusinessName"]
    assert "Ann" == data.profiles[0]["FirstName"]


def test_unknown_column_in_map_names_file_and_columns(tmp_path):
    """A --map naming a column the file lacks fails, listing the columns."""
    path = write(tmp_path, "p.csv", "id,first_name\n1,Ann\n")

    with pytest.raises(BadRequestException) as info:
        read_profiles(path, field_map=["LastName=surname"])

    assert "surname" == info.value.value
    assert str(path) in info.value.message
    assert "first_name" in info.value.message


@pytest.mark.parametrize(
    ("option", "rule"),
    [
        ("FirstName", "FIELD=COLUMN"),
        ("Nickname=nick", "known profile field"),
        ("FirstName=", "FIELD=COLUMN"),
    ],
)
def test_malformed_map_options_are_refused(option, rule):
    """A --map option without a column, or for no known field, is refused."""
    with pytest.raises(BadRequestException) as info:
        parse_map_options([option])

    assert rule == info.value.rule


def test_map_option_field_spellings_resolve_alike():
    """first_name, FirstName and address.city name the service's fields."""
    parsed = parse_map_options(
        ["first_name=a", "Address.City=b+c", "attributes.tier=d"]
    )

    assert {
        "FirstName": ("a",),
        "Address.City": ("b", "c"),
        "Attributes.tier": ("d",),
    } == parsed


def test_field_mapped_twice_is_refused():
    """Two --map options for one field are refused in favour of COL1+COL2."""
    with pytest.raises(BadRequestException) as info:
        parse_map_options(["FirstName=a", "first_name=b"])

    assert "each field once" == info.value.rule


def test_full_name_column_is_split(tmp_path):
    """A 'name' column is split into first, middle and last names."""
    path = write(tmp_path, "p.csv", 'id,full_name\n1,Mary Ann Smith\n2,"Lee, John"\n')

    data = read_profiles(path)

    assert {"FirstName": "mary", "MiddleName": "ann", "LastName": "smith"} == {
        k: data.profiles[0][k] for k in ("FirstName", "MiddleName", "LastName")
    }
    assert ("john", "lee") == (
        data.profiles[1]["FirstName"],
        data.profiles[1]["LastName"],
    )


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ann", {"FirstName": "ann"}),
        ("  Ann   Lee ", {"FirstName": "ann", "LastName": "lee"}),
        ("Lee,Ann B", {"LastName": "lee", "FirstName": "ann", "MiddleName": "b"}),
        (
            "Dr. Paul van der Berg Jr.",
            {"FirstName": "paul", "LastName": "van der berg"},
        ),
        ("", {}),
    ],
)
def test_split_full_name(name, parts):
    """Whole names split as the name normalizer reads them, titles dropped."""
    assert parts == split_full_name(name)


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ann", {"FirstName": "Ann"}),
        ("  Ann   Lee ", {"FirstName": "Ann", "LastName": "Lee"}),
        ("Lee,Ann B", {"LastName": "Lee", "FirstName": "Ann", "MiddleName": "B"}),
        ("", {}),
    ],
)
def test_split_words_keeps_raw_words(name, parts):
    """Without the normalizer, whole names split on a comma or on spaces."""
    assert parts == _split_words(name)


def test_value_beyond_service_limits_names_row_and_column(tmp_path):
    """A value longer than the service allows is refused with row and column."""
    path = write(
        tmp_path, "p.csv", f"id,first_name,email\n1,Ann,a@x.org\n2,{'B' * 256},b\n"
    )

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert f"{path}: row 2 (line 3), column 'first_name'" in info.value.message
    assert "FirstName" == info.value.field
    assert "\n" not in info.value.message


def test_attribute_beyond_service_limits_names_its_column(tmp_path):
    """An Attributes value over 255 characters names the column it came from."""
    path = write(tmp_path, "p.csv", f"id,notes\n1,{'n' * 300}\n")

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert "row 1 (line 2), column 'notes'" in info.value.message


def test_jsonl_service_shaped_and_flat_objects(tmp_path):
    """Service-shaped and flat JSON objects read into the same profile shape."""
    shaped = {
        "ProfileId": "a" * 32,
        "FirstName": "Ann",
        "Address": {"City": "Glebe", "PostalCode": 2000},
        "Attributes": {"tier": "gold"},
    }
    flat = {"id": "x", "first_name": "Ann", "city": "Glebe", "postcode": 2000}
    shaped_path = write(tmp_path, "a.jsonl", json.dumps(shaped) + "\n")
    flat_path = write(tmp_path, "b.ndjson", json.dumps(flat) + "\n")

    from_shaped = read_profiles(shaped_path)
    from_flat = read_profiles(flat_path)

    assert "jsonl" == from_shaped.file_format
    assert {
        "FirstName": "Ann",
        "Address": {"City": "Glebe", "PostalCode": "2000"},
        "Attributes": {"tier": "gold", ROW_ID_ATTRIBUTE: "a" * 32},
    } == from_shaped.profiles[0]
    assert {
        "FirstName": "Ann",
        "Address": {"City": "Glebe", "PostalCode": "2000"},
        "Attributes": {ROW_ID_ATTRIBUTE: "x"},
    } == from_flat.profiles[0]


def test_jsonl_bad_line_names_row_and_line(tmp_path):
    """A line that is not a JSON object is reported with its row and line."""
    path = write(tmp_path, "p.jsonl", '{"id": 1}\n\n[1, 2]\n')

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert "row 2 (line 3)" in info.value.message


def test_too_wide_row_is_refused(tmp_path):
    """A row with more values than the header has columns is refused."""
    path = write(tmp_path, "p.csv", "id,first_name\n1,Ann\n2,Bob,extra\n")

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert "row 2 (line 3)" in info.value.message


# A BOM, a quoted value over two lines and a blank line, so rows and lines differ.
CSV_TEXT = (
    "\ufeffid,first_name,last_name,city,notes\n"
    '1,Zoë,Lee,Glebe,"two\nlines"\n'
    "\n"
    "2,Ann,Ng,Leeds,x\n"
)
JSONL_TEXT = (
    '{"id": 1, "FirstName": "Zoë", "Address": {"City": "Glebe"}}\n'
    "\n"
    '{"id": 2, "first_name": "Ann", "city": "Leeds", "tier": "gold"}\n'
)


@pytest.mark.parametrize("compression", [".gz", ".bz2", ".xz"])
@pytest.mark.parametrize("extension", [".csv", ".jsonl", ".ndjson", ".json"])
def test_compressed_file_reads_like_the_plain_file(tmp_path, extension, compression):
    """A gzip, bzip2 or xz file gives the profiles and lines of the plain file."""
    text = CSV_TEXT if extension == ".csv" else JSONL_TEXT
    plain = write(tmp_path, f"people{extension}", text)
    packed = write_compressed(tmp_path, f"people{extension}{compression}", text)

    expected = read_profiles(plain)
    data = read_profiles(packed)

    assert "Zoë" == data.profiles[0]["FirstName"]
    assert ("1", "2") == data.row_ids
    assert expected.file_format == data.file_format
    assert expected.profiles == data.profiles
    assert expected.line_numbers == data.line_numbers
    assert expected.mapping == data.mapping
    assert str(packed) == data.path


def test_format_before_the_compression_extension_or_the_named_one_is_used(tmp_path):
    """Upper-case extensions count, and file_format names the format of dump.gz."""
    upper = write_compressed(tmp_path, "PEOPLE.JSONL.GZ", JSONL_TEXT)
    bare = write_compressed(tmp_path, "dump.gz", JSONL_TEXT)

    assert "jsonl" == read_profiles(upper).file_format
    assert "jsonl" == read_profiles(bare, file_format="jsonl").file_format
    assert ("1", "2") == read_profiles(bare, file_format="jsonl").row_ids


@pytest.mark.parametrize("compression", [".gz", ".bz2", ".xz"])
def test_compressed_file_in_another_encoding_names_its_line(tmp_path, compression):
    """A compressed Latin-1 file fails on its line as UTF-8 and reads when named."""
    text = "id,first_name\n1,Ann\n2,José\n"
    path = write_compressed(tmp_path, f"latin.csv{compression}", text, "latin-1")

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert f"{path}: line 3" in info.value.message
    assert "--encoding" in info.value.message
    assert "José" == read_profiles(path, encoding="latin-1").profiles[1]["FirstName"]


@pytest.mark.parametrize("compression", [".gz", ".bz2", ".xz"])
def test_compressed_file_errors_name_the_row_and_line(tmp_path, compression):
    """Rows and lines in errors from a compressed file are those of its text."""
    csv_path = write_compressed(
        tmp_path, f"p.csv{compression}", 'id,first_name\n1,"A\nnn"\n2,Bob,extra\n'
    )
    jsonl_path = write_compressed(
        tmp_path, f"p.jsonl{compression}", '{"id": 1}\n\n[1, 2]\n'
    )

    with pytest.raises(BadRequestException) as wide:
        read_profiles(csv_path)
    with pytest.raises(BadRequestException) as not_object:
        read_profiles(jsonl_path)

    assert f"{csv_path}: row 2 (line 4)" in wide.value.message
    assert f"{jsonl_path}: row 2 (line 3)" in not_object.value.message


@pytest.mark.parametrize("compression", [".gz", ".bz2", ".xz"])
def test_plain_file_named_as_compressed_is_a_bad_request(tmp_path, compression):
    """A plain text file named .gz, .bz2 or .xz is refused with a remedy."""
    path = write(tmp_path, f"people.csv{compression}", "id,first_name\n1,Ann\n")
    tool = TOOLS[compression]

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert info.value.message.startswith(f"{path}: the name ends in {compression}")
    assert f"not {tool}-compressed" in info.value.message
    assert "rename it to people.csv" in info.value.message
    assert "FILE" == info.value.field
    assert f"{tool}-compressed" == info.value.rule
    assert info.value.__suppress_context__


@pytest.mark.parametrize("damage", ["cut short", "byte changed"])
@pytest.mark.parametrize("compression", [".gz", ".bz2", ".xz"])
def test_damaged_compressed_file_is_a_bad_request(tmp_path, compression, damage):
    """Compressed data cut short or with a changed byte is refused, naming the file."""
    text = "".join(f"{i},First{i},Last{i},{i * 7919}\n" for i in range(200))
    packed = COMPRESSORS[compression](("id,first,last,zip\n" + text).encode())
    if damage == "cut short":
        packed = packed[: len(packed) // 2]
    else:
        middle = len(packed) // 2
        packed = packed[:middle] + bytes([packed[middle] ^ 0xFF]) + packed[middle + 1 :]
    path = tmp_path / f"people.csv{compression}"
    path.write_bytes(packed)
    tool = TOOLS[compression]

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert info.value.message.startswith(f"{path}: the {tool} data is damaged")
    assert f"compress the original again with {tool}" in info.value.message
    assert f"valid {tool} data" == info.value.rule
    assert info.value.__suppress_context__


def test_empty_compressed_file_is_reported_as_empty(tmp_path):
    """A zero-byte .xz file is an empty file, as a zero-byte .csv is."""
    path = write(tmp_path, "people.csv.xz", "")

    with pytest.raises(BadRequestException) as info:
        read_profiles(path)

    assert f"{path}: the file is empty" in info.value.message


def test_gender_column_fills_the_free_text_field(tmp_path):
    """A loose 'gender' column fills GenderString, not the Gender enum."""
    path = write(tmp_path, "p.csv", "id,gender\n1,f\n")

    data = read_profiles(path)

    assert "f" == data.profiles[0]["GenderString"]


def test_street_number_joins_address1_automatically():
    """A street-number column is put in front of the street column."""
    mapping = build_mapping(["street_number", "address_1", "suburb"])

    assert (
        ("Address.Address1", ("street_number", "address_1")),
        ("Address.City", ("suburb",)),
    ) == mapping.fields


def test_no_auto_map_keeps_only_explicit_fields():
    """With auto mapping off only --map columns fill fields."""
    mapping = build_mapping(
        ["first_name", "email"], {"EmailAddress": ("email",)}, auto=False
    )

    assert (("EmailAddress", ("email",)),) == mapping.fields
    assert ("first_name",) == mapping.attribute_columns


@given(st.sampled_from(["FirstName", "first_name", "FIRST-NAME", " firstName "]))
def test_resolve_field_ignores_case_and_punctuation(spelling):
    """Field names resolve whatever their case and separators."""
    assert "FirstName" == resolve_field(spelling)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared data not available")
def test_febrl_file_maps_every_person_column():
    """The FEBRL file's columns map to names, address, birth date and ids."""
    data = read_profiles(SHARED / "febrl" / "dataset1_with_entity.csv")

    assert 1000 == len(data.profiles)
    assert "rec_id" == data.mapping.id_column
    assert "rec-223-org" == data.row_ids[0]
    assert "6 tullaroop street" == data.profiles[0]["Address"]["Address1"]


_CELL = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), whitelist_characters="\n"
    ),
    max_size=30,
).map(str.strip)


@given(rows=st.lists(st.tuples(_CELL, _CELL), min_size=1, max_size=8))
def test_any_csv_round_trips_into_attributes(tmp_path_factory, rows):
    """Whatever the values, quoting and delimiters in them, a CSV reads back."""
    path = tmp_path_factory.mktemp("csv") / "p.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["tier", "notes"])
        writer.writerows(rows)
    kept = [r for r in rows if any(r)]

    data = read_profiles(path, delimiter=",")

    assert [
        {k: v for k, v in zip(("tier", "notes"), r, strict=True) if v} for r in kept
    ] == [
        {k: v for k, v in p["Attributes"].items() if k != ROW_ID_ATTRIBUTE}
        for p in data.profiles
    ]
