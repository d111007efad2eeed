"""Reading customer files (CSV, JSON Lines) into service-shaped profile dicts.

A file may be compressed with gzip, bzip2 or xz (``customers.csv.gz``); it is
decompressed in memory before its text is decoded.

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

One module per step: the column mapping (``_mapping``), reading CSV and JSON
Lines files, plain or compressed, into columns and rows (``_formats``) and
turning each row into a profile dict (``_rows``). ``read_profiles`` puts them
together and checks the profiles against the service's limits, naming the row
and the column of a value that breaks one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from profilematch._errors import BadRequestException
from profilematch._io._formats import (
    _csv_records,
    _format_from_extension,
    _jsonl_records,
    _read_text,
)
from profilematch._io._mapping import (
    FULL_NAME_FIELD,
    ColumnMapping,
    Unmapped,
    build_mapping,
    parse_map_options,
    resolve_field,
)
from profilematch._io._rows import (
    ROW_ID_ATTRIBUTE,
    _profile,
    _row_id,
    split_full_name,
)
from profilematch._io._rows import _split_words as _split_words  # for the tests
from profilematch._models import Profile

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
            other extension is CSV unless ``file_format`` says otherwise. A
            further ``.gz``, ``.bz2`` or ``.xz`` (``customers.csv.gz``) means
            the file is compressed with gzip, bzip2 or xz.
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
        BadRequestException: the file is missing, unreadable, not compressed
            as its name says, not valid CSV or JSON Lines, a mapping names an
            unknown field or column, or a value breaks a limit of the service.
            The message names the file, the row and the column.

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
