"""Reading customer files (CSV, JSON Lines) into service-shaped profile dicts.

A file's columns are mapped to profile fields in three steps:

1. explicit mappings (``--map FirstName=given_name``) claim their columns;
2. a column named exactly as a service field path (``FirstName``,
   ``Address.City``, ``Attributes.tier``) maps to that field;
3. every other column is looked up by its normalized name (lower-cased, with
   every non-alphanumeric character removed) in a table of common names
   (``first_name``, ``given_name``, ``surname``, ``zip``, ``dob``, ...).

Columns left over go to ``Attributes`` or are ignored. One column is the row
id (``id``, ``profile_id``, ``rec_id``, ``customer_id``, ...; else the row
number), kept in the profile's Attributes under :data:`ROW_ID_ATTRIBUTE` so
match groups can be joined back to the user's data.

JSON Lines objects are flattened first (``{"Address": {"City": "X"}}`` becomes
the column ``Address.City``), so service-shaped objects and flat objects go
through the same mapping.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from profilematch._errors import BadRequestException
from profilematch._models import (
    ADDRESS_MEMBERS,
    PROFILE_ADDRESS_MEMBERS,
    PROFILE_TEXT_MEMBERS,
    Profile,
)

__all__ = [
    "FULL_NAME_FIELD",
    "ROW_ID_ATTRIBUTE",
    "ColumnMapping",
    "InputFile",
    "build_mapping",
    "parse_map_options",
    "read_profiles",
    "resolve_field",
    "split_full_name",
]

logger = logging.getLogger(__name__)

ROW_ID_ATTRIBUTE = "row_id"
"""The Attributes key that keeps each profile's original row id."""

FULL_NAME_FIELD = "Name"
"""A pseudo field: a whole name, split into FirstName, MiddleName, LastName."""

Unmapped = Literal["attributes", "ignore"]

_TOP_FIELDS = PROFILE_TEXT_MEMBERS
_ADDRESS_KINDS = PROFILE_ADDRESS_MEMBERS
_ADDRESS_FIELDS = ADDRESS_MEMBERS

# Every field path a column may fill, keyed by its normalized spelling so that
# "first_name", "firstname" and "FirstName" all name the same field.
_FIELD_PATHS: dict[str, str] = {}
for _name in (*_TOP_FIELDS, FULL_NAME_FIELD):
    _FIELD_PATHS[re.sub(r"[^a-z0-9]", "", _name.lower())] = _name
for _kind in _ADDRESS_KINDS:
    for _part in _ADDRESS_FIELDS:
        _FIELD_PATHS[f"{_kind}.{_part}".lower().replace("_", "")] = f"{_kind}.{_part}"

_COMMON_NAMES: dict[str, str] = {
    "FirstName": (
        "firstname first givenname given fname forename forenames christianname"
    ),
    "MiddleName": "middlename middle mname middlenames middleinitial",
    "LastName": "lastname last surname lname familyname family sname",
    FULL_NAME_FIELD: "name fullname customername personname contactname",
    "BirthDate": "dob birthdate dateofbirth birthday bdate born",
    "GenderString": "gender sex",
    "EmailAddress": "email emailaddress email1 mail emailaddr",
    "PersonalEmailAddress": "personalemail personalemailaddress email2 homeemail",
    "BusinessEmailAddress": (
        "businessemail businessemailaddress workemail workemailaddress email3"
    ),
    "PhoneNumber": (
        "phone phonenumber telephone tel telephonenumber phone1 contactnumber"
    ),
    "MobilePhoneNumber": (
        "mobile mobilephone mobilephonenumber mobilenumber cell cellphone "
        "cellnumber phone2"
    ),
    "HomePhoneNumber": "homephone homephonenumber hometelephone hometel",
    "BusinessPhoneNumber": (
        "workphone workphonenumber businessphone businessphonenumber officephone "
        "worktelephone phone3"
    ),
    "Address.Address1": (
        "address address1 street streetaddress addr addr1 addressline1 street1 line1"
    ),
    "Address.Address2": "address2 addr2 addressline2 street2 line2",
    "Address.Address3": "address3 addr3 addressline3 line3",
    "Address.Address4": "address4 addr4 addressline4 line4",
    "Address.City": "city town suburb locality",
    "Address.County": "county",
    "Address.State": "state",
    "Address.Province": "province",
    "Address.PostalCode": "postcode zip zipcode postalcode postal",
    "Address.Country": "country countrycode nation",
    "BusinessName": (
        "company companyname businessname business organisation organization employer"
    ),
    "AccountNumber": "account accountnumber accountno",
}
_EXACT_PATHS = frozenset(_FIELD_PATHS.values()) - {FULL_NAME_FIELD}
_COMMON_LOOKUP: dict[str, str] = {
    name: path for path, names in _COMMON_NAMES.items() for name in names.split()
}

# Columns whose value is a leading part of a field that another column holds:
# "street_number" and "address_1" together make one Address1.
_PART_NAMES: dict[str, str] = dict.fromkeys(
    ("streetnumber", "streetno", "housenumber", "houseno"), "Address.Address1"
)

_ID_NAMES = (
    "id",
    "profileid",
    "recid",
    "customerid",
    "recordid",
    "rowid",
    "uniqueid",
    "clientid",
    "personid",
    "customerno",
    "customernumber",
    "uid",
)

_MAX_ATTRIBUTE = 255


def _normalize_name(name: str) -> str:
    """Lower-case a column or field name and drop every non-alphanumeric."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def resolve_field(name: str) -> str:
    """Resolve a field name as a user may spell it to its service field path.

    Args:
        name: ``FirstName``, ``first_name``, ``Address.City``, ``address.city``,
            ``Attributes.tier`` or ``Name`` (a whole name, split on reading).

    Returns:
        The service path: ``FirstName``, ``Address.City``, ``Attributes.tier``.

    Raises:
        BadRequestException: the name is no profile field.
    """
    stripped = name.strip()
    head, dot, rest = stripped.partition(".")
    if dot and _normalize_name(head) == "attributes" and rest:
        return f"Attributes.{rest}"

    if dot:
        key = f"{_normalize_name(head)}.{_normalize_name(rest)}"
    else:
        key = _normalize_name(stripped)
    path = _FIELD_PATHS.get(key)
    if path is None:
        raise BadRequestException(
            f"--map {name}: '{name}' is no profile field; use a service field "
            "such as FirstName, EmailAddress, Address.City or Attributes.<key>",
            field="--map",
            rule="known profile field",
            value=name,
        )

    return path


def parse_map_options(values: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Parse ``FIELD=COLUMN[+COLUMN...]`` options into field paths and columns.

    Args:
        values: the options, e.g. ``["FirstName=given_name",
            "Address.Address1=street_number+address_1"]``.

    Returns:
        Each field path with the columns that fill it, in the order given.

    Raises:
        BadRequestException: an option has no ``=``, names no column, names an
            unknown field, or maps one field twice.
    """
    mapping: dict[str, tuple[str, ...]] = {}
    for value in values:
        field, eq, columns_text = value.partition("=")
        columns = tuple(c.strip() for c in columns_text.split("+") if c.strip())
        if not eq or not field.strip() or not columns:
            raise BadRequestException(
                f"--map {value}: expected FIELD=COLUMN (or FIELD=COL1+COL2), "
                "e.g. --map FirstName=given_name",
                field="--map",
                rule="FIELD=COLUMN",
                value=value,
            )

        path = resolve_field(field)
        if path in mapping:
            raise BadRequestException(
                f"--map {value}: {path} is mapped twice; join columns with '+' "
                f"in one option instead (--map {path}=COL1+COL2)",
                field="--map",
                rule="each field once",
                value=value,
            )
        mapping[path] = columns

    return mapping


@attrs.frozen
class ColumnMapping:
    """How a file's columns become profile fields.

    Attributes:
        fields: each field path with the columns that fill it (joined with a
            space when there are several), in field order.
        id_column: the column holding each row's original id, or None when
            the row number is the id.
        attribute_columns: columns kept as ``Attributes.<column>``.
        ignored_columns: columns dropped.
    """

    fields: tuple[tuple[str, tuple[str, ...]], ...]
    id_column: str | None
    attribute_columns: tuple[str, ...]
    ignored_columns: tuple[str, ...]

    def column_for(self, field_path: str) -> str | None:
        """The column(s) behind a field path, joined with ``+``, or None."""
        if field_path.startswith("Attributes."):
            key = field_path.partition(".")[2]
            if key in self.attribute_columns:
                return key
        for path, columns in self.fields:
            if path == field_path or (
                path == FULL_NAME_FIELD
                and field_path in ("FirstName", "MiddleName", "LastName")
            ):
                return "+".join(columns)

        return None

    def describe(self) -> list[str]:
        """Lines that tell the user which column went where."""
        lines = [f"  {path:<28} <- {' + '.join(cols)}" for path, cols in self.fields]
        lines.append(f"  {'row id':<28} <- {self.id_column or '(row number)'}")
        if self.attribute_columns:
            lines.append(f"  {'Attributes':<28} <- {', '.join(self.attribute_columns)}")
        if self.ignored_columns:
            lines.append(f"  {'(ignored)':<28}    {', '.join(self.ignored_columns)}")

        return lines


def build_mapping(
    columns: Sequence[str],
    explicit: Mapping[str, Sequence[str]] | None = None,
    *,
    id_column: str | None = None,
    auto: bool = True,
    unmapped: Unmapped = "attributes",
    source: str = "input",
) -> ColumnMapping:
    """Decide which column fills which profile field.

    Args:
        columns: the file's column names, in file order.
        explicit: field paths with the columns that fill them, as from
            :func:`parse_map_options`; these win over automatic choices.
        id_column: the column of original row ids; None picks one by name.
        auto: map the remaining columns by their names.
        unmapped: put remaining columns into Attributes, or ignore them.
        source: the file name, for messages.

    Returns:
        The mapping.

    Raises:
        BadRequestException: an explicit mapping or the id column names a
            column that the file does not have.
    """
    present = list(dict.fromkeys(columns))
    explicit = dict(explicit or {})
    for wanted_path, wanted in explicit.items():
        for column in wanted:
            if column not in present:
                raise BadRequestException(
                    f"{source}: --map {wanted_path}={'+'.join(wanted)}: no column "
                    f"'{column}'; the columns are: {', '.join(present)}",
                    field="--map",
                    rule="column in file",
                    value=column,
                )
    if id_column is not None and id_column not in present:
        raise BadRequestException(
            f"{source}: --id-column {id_column}: no such column; the columns "
            f"are: {', '.join(present)}",
            field="--id-column",
            rule="column in file",
            value=id_column,
        )

    claimed = {column for wanted in explicit.values() for column in wanted}
    if id_column is None and auto:
        id_column = _pick_id_column([c for c in present if c not in claimed])
    if id_column is not None:
        claimed.add(id_column)

    fields: dict[str, list[str]] = {p: list(c) for p, c in explicit.items()}
    parts: dict[str, list[str]] = {}
    leftover: list[str] = []
    for column in present:
        if column in claimed:
            continue
        path = _auto_path(column) if auto else None
        if path is None and auto and _normalize_name(column) in _PART_NAMES:
            parts.setdefault(_PART_NAMES[_normalize_name(column)], []).append(column)
            continue
        if path is None or path in fields or _collides(path, fields):
            leftover.append(column)
            continue
        fields[path] = [column]

    for path, part_columns in parts.items():
        if path in fields and path not in explicit:
            fields[path] = part_columns + fields[path]
        else:
            leftover.extend(part_columns)

    leftover.sort(key=present.index)
    attribute_columns = tuple(leftover) if unmapped == "attributes" else ()
    ignored = () if unmapped == "attributes" else tuple(leftover)
    ordered = sorted(fields.items(), key=lambda item: _field_order(item[0]))

    return ColumnMapping(
        fields=tuple((p, tuple(c)) for p, c in ordered),
        id_column=id_column,
        attribute_columns=attribute_columns,
        ignored_columns=ignored,
    )


def _pick_id_column(columns: Sequence[str]) -> str | None:
    """The column whose name says it holds row ids, by preference."""
    by_name = {_normalize_name(c): c for c in reversed(columns)}
    for name in _ID_NAMES:
        if name in by_name:
            return by_name[name]

    return None


def _auto_path(column: str) -> str | None:
    """The field a column fills by its name alone, or None."""
    if column.startswith("Attributes.") and len(column) > len("Attributes."):
        return column

    if column in _EXACT_PATHS:
        return column

    key = _normalize_name(column)
    if "." in column:
        head, _, rest = column.partition(".")
        key = f"{_normalize_name(head)}.{_normalize_name(rest)}"

    # Common names come before the service's own spellings so that a loose
    # "gender" column fills the free-text GenderString, not the Gender enum.
    return _COMMON_LOOKUP.get(key) or _FIELD_PATHS.get(key)


def _collides(path: str, fields: Mapping[str, Sequence[str]]) -> bool:
    """Whether a whole name and its parts would both be filled."""
    name_parts = {"FirstName", "MiddleName", "LastName"}
    if path == FULL_NAME_FIELD:
        return bool(name_parts & fields.keys())
    if path in name_parts:
        return FULL_NAME_FIELD in fields

    return False


def _field_order(path: str) -> tuple[int, str]:
    """Sort key: fields in the service's member order, attributes last."""
    head, _, part = path.partition(".")
    if head in _TOP_FIELDS:
        return (_TOP_FIELDS.index(head), "")
    if head == FULL_NAME_FIELD:
        return (_TOP_FIELDS.index("FirstName"), "")
    if head in _ADDRESS_KINDS:
        rank = _ADDRESS_FIELDS.index(part) if part in _ADDRESS_FIELDS else 99
        return (100 + _ADDRESS_KINDS.index(head) * 20 + rank, "")

    return (1000, path)


def split_full_name(value: str) -> dict[str, str]:
    """Split a whole name into FirstName, MiddleName and LastName.

    ``"Last, First Middle"`` and ``"First Middle Last"`` are understood; a
    single word is taken as the first name. The name normalizer does the
    split when it is installed, so titles, suffixes and surname particles
    (``"van der Berg"``) are handled as at matching time; its parts are then
    in canonical form (case-folded, accent-free), which the matcher reads the
    same as the raw words.

    Args:
        value: the whole name as written.

    Returns:
        The parts found, keyed by service field name.
    """
    try:
        normalize = importlib.import_module("profilematch.normalize")
    except ImportError:
        return _split_words(value)

    person = normalize.name(value)
    if person is None:
        return {}
    parts = {
        "FirstName": person.first,
        "MiddleName": person.middle,
        "LastName": person.last,
    }

    return {key: part for key, part in parts.items() if part}


def _split_words(value: str) -> dict[str, str]:
    """Split a whole name on a comma or on spaces, keeping the raw words."""
    text = " ".join(value.split())
    if "," in text:
        last, _, rest = text.partition(",")
        tokens = rest.split()
        parts = {"LastName": last.strip()}
        if tokens:
            parts["FirstName"] = tokens[0]
        if len(tokens) > 1:
            parts["MiddleName"] = " ".join(tokens[1:])
        return {k: v for k, v in parts.items() if v}

    tokens = text.split()
    if not tokens:
        return {}
    if len(tokens) == 1:
        return {"FirstName": tokens[0]}
    parts = {"FirstName": tokens[0], "LastName": tokens[-1]}
    if len(tokens) > 2:
        parts["MiddleName"] = " ".join(tokens[1:-1])

    return parts


@attrs.frozen
class InputFile:
    """A file read into service-shaped profile dicts.

    Attributes:
        path: the file as named by the user.
        file_format: ``"csv"`` or ``"jsonl"``.
        mapping: the column mapping used.
        profiles: one service-shaped dict per row (PascalCase keys, nested
            ``Address`` and ``Attributes``), in file order.
        row_ids: each row's original id, in file order.
        line_numbers: the line each row starts on, in file order.
    """

    path: str
    file_format: str
    mapping: ColumnMapping
    profiles: tuple[dict[str, Any], ...]
    row_ids: tuple[str, ...]
    line_numbers: tuple[int, ...]

    def where(self, index: int, column: str | None = None) -> str:
        """Name a row (and a column) of the file for a message."""
        place = f"{self.path}: row {index + 1} (line {self.line_numbers[index]})"
        if column:
            place += f", column '{column}'"

        return place


def read_profiles(
    path: str | Path,
    *,
    field_map: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
    id_column: str | None = None,
    auto_map: bool = True,
    unmapped: Unmapped = "attributes",
    file_format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    validate: bool = True,
) -> InputFile:
    """Read a CSV or JSON Lines file of customers into profile dicts.

    Args:
        path: the file; ``.jsonl``/``.ndjson``/``.json`` are JSON Lines, any
            other extension is CSV unless ``file_format`` says otherwise.
        field_map: explicit mappings, as ``--map`` strings or as field paths
            with their columns.
        id_column: the column of original row ids; None picks one by name
            (``id``, ``profile_id``, ``rec_id``, ...) or uses the row number.
        auto_map: map columns by their names as well.
        unmapped: keep the remaining columns as Attributes, or ignore them.
        file_format: ``"csv"`` or ``"jsonl"``, overriding the extension.
        encoding: the text encoding; default UTF-8 with or without a BOM.
        delimiter: the CSV delimiter; default sniffed from the first lines.
        validate: check each profile against the service's limits here, so a
            bad value is reported with its row and column.

    Returns:
        The profiles, their original row ids and the mapping used.

    Raises:
        BadRequestException: the file is missing, unreadable, not valid CSV
            or JSON Lines, a mapping names an unknown field or column, or a
            value breaks a limit of the service. The message names the file,
            the row and the column.

    Example::

        data = read_profiles("customers.csv", field_map=["Address.City=suburb"])
        client.put_profiles("retail", data.profiles)
    """
    name = str(path)
    fmt = (file_format or _format_from_extension(name)).lower()
    if fmt not in ("csv", "jsonl"):
        raise BadRequestException(
            f"{name}: unknown input format '{fmt}'; use csv or jsonl",
            field="format",
            rule="one of csv, jsonl",
            value=fmt,
        )

    text = _read_text(name, encoding)
    if fmt == "csv":
        columns, records = _csv_records(name, text, delimiter)
    else:
        columns, records = _jsonl_records(name, text)

    if isinstance(field_map, Mapping):
        explicit = {resolve_field(k): tuple(v) for k, v in field_map.items()}
    else:
        explicit = parse_map_options(field_map or ())
    mapping = build_mapping(
        columns,
        explicit,
        id_column=id_column,
        auto=auto_map,
        unmapped=unmapped,
        source=name,
    )

    profiles: list[dict[str, Any]] = []
    row_ids: list[str] = []
    lines: list[int] = []
    for index, (line, record) in enumerate(records):
        row_id = _row_id(record, mapping, index)
        profiles.append(_profile(name, index, line, record, mapping, row_id))
        row_ids.append(row_id)
        lines.append(line)

    result = InputFile(
        path=name,
        file_format=fmt,
        mapping=mapping,
        profiles=tuple(profiles),
        row_ids=tuple(row_ids),
        line_numbers=tuple(lines),
    )
    if validate:
        _validate(result)
    if len(set(row_ids)) != len(row_ids):
        logger.warning(
            "%s: the row ids in column %r are not unique", name, mapping.id_column
        )
    logger.info("read %d profiles from %s", len(profiles), name)

    return result


def _format_from_extension(name: str) -> str:
    """``jsonl`` for JSON Lines extensions, else ``csv``."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] in (".gz", ".bz2", ".xz"):
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in (".jsonl", ".ndjson", ".json"):
        return "jsonl"

    return "csv"


def _read_text(name: str, encoding: str | None) -> str:
    """Read a whole file as text, with a clear error for a wrong encoding."""
    try:
        raw = Path(name).read_bytes()
    except FileNotFoundError:
        raise BadRequestException(
            f"{name}: no such file; check the path",
            field="FILE",
            rule="file exists",
            value=name,
        ) from None
    except OSError as exc:
        raise BadRequestException(
            f"{name}: cannot be read ({exc.strerror}); check the path and "
            "its permissions",
            field="FILE",
            rule="file readable",
            value=name,
        ) from None

    codec = encoding or "utf-8-sig"
    try:
        return raw.decode(codec)
    except LookupError:
        raise BadRequestException(
            f"{name}: unknown encoding '{codec}'; use a name such as utf-8, "
            "latin-1 or cp1252",
            field="--encoding",
            rule="known encoding",
            value=codec,
        ) from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadRequestException(
            f"{name}: line {line}, byte {exc.start}: not valid {codec} "
            f"(byte 0x{raw[exc.start]:02x}); save the file as UTF-8 or name its "
            "encoding with --encoding (e.g. --encoding latin-1)",
            field="FILE",
            rule=f"encoding {codec}",
            value=name,
        ) from None


def _csv_records(
    name: str, text: str, delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and the rows of a CSV text, each row with its first line."""
    if not text.strip():
        raise BadRequestException(
            f"{name}: the file is empty; a header line is expected",
            field="FILE",
            rule="header line",
            value=name,
        )

    sep = delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise BadRequestException(
            f"{name}: line 1: the header is not valid CSV ({exc})",
            field="FILE",
            rule="CSV",
            value=name,
        ) from None
    header = [h or f"column_{i + 1}" for i, h in enumerate(header)]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise BadRequestException(
            f"{name}: line 1: the header names {', '.join(duplicates)} more than "
            "once; give every column its own name",
            field="FILE",
            rule="unique column names",
            value=duplicates[0],
        )

    return header, _csv_rows(name, reader, header)


def _csv_rows(
    name: str, reader: Any, header: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield each CSV row as a dict, checking its width against the header."""
    index = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadRequestException(
                f"{name}: row {index + 1} (line {line}): not valid CSV ({exc})",
                field="FILE",
                rule="CSV",
                value=name,
            ) from None

        if not any(cell.strip() for cell in row):
            continue
        index += 1
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise BadRequestException(
                f"{name}: row {index} (line {line}): {len(row)} fields, but the "
                f"header has {len(header)}; quote values that hold the delimiter",
                field="FILE",
                rule="row width",
                value=name,
            )
        yield line, dict(zip(header, row, strict=False))


def _sniff_delimiter(text: str) -> str:
    """Guess the delimiter from the first lines: comma, semicolon, tab or bar."""
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _jsonl_records(
    name: str, text: str
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The columns and rows of a JSON Lines text, objects flattened."""
    rows: list[tuple[int, dict[str, str]]] = []
    columns: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadRequestException(
                f"{name}: row {len(rows) + 1} (line {number}): not valid JSON "
                f"({exc.msg} at column {exc.colno})",
                field="FILE",
                rule="JSON Lines",
                value=name,
            ) from None
        if not isinstance(obj, dict):
            raise BadRequestException(
                f"{name}: row {len(rows) + 1} (line {number}): a JSON object is "
                f"expected on each line, got {type(obj).__name__}",
                field="FILE",
                rule="JSON object per line",
                value=name,
            )

        flat = dict(_flatten(obj))
        columns.update(dict.fromkeys(flat))
        rows.append((number, flat))

    return list(columns), iter(rows)


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Flatten nested objects to dotted columns with string values."""
    for key, value in obj.items():
        column = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{column}.")
        elif value is None:
            continue
        elif isinstance(value, str):
            yield column, value
        elif isinstance(value, bool):
            yield column, "true" if value else "false"
        elif isinstance(value, (int, float)):
            yield column, str(value)
        else:
            yield column, json.dumps(value, ensure_ascii=False, sort_keys=True)


def _row_id(record: Mapping[str, str], mapping: ColumnMapping, index: int) -> str:
    """A row's original id: its id column's value, else its 1-based number."""
    if mapping.id_column is not None:
        value = record.get(mapping.id_column, "").strip()
        if value:
            return value

    return str(index + 1)


def _profile(
    name: str,
    index: int,
    line: int,
    record: Mapping[str, str],
    mapping: ColumnMapping,
    row_id: str,
) -> dict[str, Any]:
    """Build one service-shaped profile dict from a row."""
    profile: dict[str, Any] = {}
    for path, columns in mapping.fields:
        values = [record.get(c, "").strip() for c in columns]
        value = " ".join(v for v in values if v)
        if not value:
            continue
        if path == FULL_NAME_FIELD:
            profile.update(split_full_name(value))
        else:
            _set_path(profile, path, value)

    attributes: dict[str, str] = {}
    for column in mapping.attribute_columns:
        value = record.get(column, "").strip()
        if not value:
            continue
        key = column.removeprefix("Attributes.") or column
        if len(key) > _MAX_ATTRIBUTE:
            raise BadRequestException(
                f"{name}: row {index + 1} (line {line}), column '{column[:40]}...': "
                f"the column name is longer than {_MAX_ATTRIBUTE} characters, "
                "too long for an Attributes key; rename the column or use "
                "--unmapped ignore",
                field=f"Attributes.{key}",
                rule=f"key length 1..{_MAX_ATTRIBUTE}",
                value=key,
            )
        attributes[key] = value
    attributes.update(profile.pop("Attributes", {}))
    attributes[ROW_ID_ATTRIBUTE] = row_id
    profile["Attributes"] = attributes

    return profile


def _set_path(profile: dict[str, Any], path: str, value: str) -> None:
    """Set a dotted field path (``Address.City``) in a profile dict."""
    head, dot, rest = path.partition(".")
    if not dot:
        profile[head] = value
        return

    profile.setdefault(head, {})[rest] = value


def _validate(data: InputFile) -> None:
    """Check every profile against the service's limits, naming row and column.

    The rules live in the models; this only turns a model's complaint into a
    message about the user's file.
    """
    for index, profile in enumerate(data.profiles):
        try:
            Profile.from_dict(profile)
        except BadRequestException as exc:
            problems = getattr(exc, "problems", ())
            detail = problems[0].describe() if problems else exc.message
            if len(problems) > 1:
                detail += f" (and {len(problems) - 1} more in this row)"
            field = (exc.field or "").strip()
            raise BadRequestException(
                f"{data.where(index, _column_of(data.mapping, field))}: {detail}",
                field=field or None,
                rule=exc.rule,
                value=exc.value,
            ) from None


def _column_of(mapping: ColumnMapping, field: str) -> str | None:
    """The column behind a field named in a model's error, if any."""
    path = re.sub(r"\[['\"]?([^\]'\"]+)['\"]?\]", r".\1", field).strip(".")
    path = re.sub(r"^Profiles?\.\d+\.", "", path)
    if path.startswith("Attributes."):
        key = path.partition(".")[2]
        if key == ROW_ID_ATTRIBUTE:
            return mapping.id_column
        return mapping.column_for(path) or key

    return mapping.column_for(path)
