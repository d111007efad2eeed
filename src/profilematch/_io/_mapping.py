"""Column mapping: which column of a file fills which profile field.

``build_mapping`` makes the choice in the three steps the package describes
(explicit mappings, service field paths, common names) and picks the row id
column; ``parse_map_options`` and ``resolve_field`` read field names and
``--map`` options as users write them. The tables of common column names and
of row id column names live here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs

from profilematch._errors import BadRequestException
from profilematch._models import (
    ADDRESS_MEMBERS,
    PROFILE_ADDRESS_MEMBERS,
    PROFILE_TEXT_MEMBERS,
)

__all__ = [
    "FULL_NAME_FIELD",
    "ColumnMapping",
    "Unmapped",
    "build_mapping",
    "parse_map_options",
    "resolve_field",
]

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
