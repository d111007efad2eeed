"""Rows into profiles: the values of one row as a service-shaped profile dict.

Each mapped field takes the values of its columns joined with a space, and a
whole name is split into FirstName, MiddleName and LastName. The columns kept
as Attributes, and the row's original id under ROW_ID_ATTRIBUTE, go into the
profile's Attributes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from profilematch._errors import BadRequestException
from profilematch._io._mapping import FULL_NAME_FIELD, ColumnMapping

__all__ = ["ROW_ID_ATTRIBUTE", "split_full_name"]

ROW_ID_ATTRIBUTE = "row_id"
"""The Attributes key that keeps each profile's original row id."""

_MAX_ATTRIBUTE = 255


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
