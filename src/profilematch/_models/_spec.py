"""Declaring a model's members: their rules (Spec) and the fields that carry them.

Every member of a model is an attrs field whose metadata holds a :class:`Spec`,
the service model's rules for that member. The helpers here build those fields
(``_field``, ``_str_field``, ``_nested``) and the rules they carry
(``_string``, ``_struct``, ``_list``, ``_map``), and name the rules and
patterns several models share; ``service_name`` gives a field's PascalCase name
in the service. A field's converter brings a value into the model's form as it
is set: lists become tuples and maps FrozenMaps, timestamps move to UTC and a
whole number given for a double becomes a float.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from profilematch._models._base import _Model

__all__ = ["FrozenMap", "Spec", "service_name"]

# The attrs metadata key under which a field keeps its Spec.
_SPEC = "profilematch.spec"

_PROFILE_ID = r"[a-f0-9]{32}"
_DOMAIN_NAME = r"^[a-zA-Z0-9_-]+$"
_TAG_KEY = r"^(?!aws:)[a-zA-Z+-=._:/]+$"


class FrozenMap(Mapping[str, Any]):
    """An immutable, hashable mapping that compares equal to a dict.

    Args:
        data: the entries to hold.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))

        return self._hash

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


@attrs.frozen(kw_only=True)
class Spec:
    """The service model's rules for one member, list item or map entry.

    Attributes:
        kind: the service type: string, integer, long, double, boolean,
            timestamp, structure, list or map.
        required: whether the member must be present.
        length: inclusive string length range; either end may be None.
        pattern: a regular expression the whole string must match.
        enum: the allowed string values.
        range: inclusive number range; either end may be None.
        count: inclusive number of list items or map entries.
        model: the model class of a structure.
        member: the rules of each list item or map value.
        key: the rules of each map key.
        wire: the service name when it is not the PascalCase of the field.
    """

    kind: str
    required: bool = False
    length: tuple[int | None, int | None] | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    range: tuple[float | None, float | None] | None = None
    count: tuple[int | None, int | None] | None = None
    model: type[_Model] | None = None
    member: Spec | None = None
    key: Spec | None = None
    wire: str | None = None


def service_name(field_name: str) -> str:
    """The service's PascalCase member name for a snake_case field name.

    Args:
        field_name: ``"first_name"``, ``"s3_bucket_name"``, ``"address1"``.

    Returns:
        ``"FirstName"``, ``"S3BucketName"``, ``"Address1"``.
    """
    return "".join(part[:1].upper() + part[1:] for part in field_name.split("_"))


def _string(
    *,
    length: tuple[int | None, int | None] | None = None,
    pattern: str | None = None,
    enum: tuple[str, ...] | None = None,
) -> Spec:
    """Rules for a string."""
    return Spec(kind="string", length=length, pattern=pattern, enum=enum)


def _field(spec: Spec, *, required: bool = False, default: Any = None) -> Any:
    """An attrs field carrying its rules; optional fields default to None."""
    spec = attrs.evolve(spec, required=required)
    converter = _CONVERTERS.get(spec.kind)
    if required:
        return attrs.field(metadata={_SPEC: spec}, converter=converter)

    return attrs.field(default=default, metadata={_SPEC: spec}, converter=converter)


def _str_field(
    *,
    length: tuple[int | None, int | None] | None = None,
    pattern: str | None = None,
    enum: tuple[str, ...] | None = None,
    required: bool = False,
) -> Any:
    """A string field."""
    return _field(_string(length=length, pattern=pattern, enum=enum), required=required)


def _freeze(value: Any) -> Any:
    """Lists become tuples and dicts FrozenMaps, all the way down."""
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, Mapping) and not isinstance(value, FrozenMap):
        return FrozenMap({key: _freeze(item) for key, item in value.items()})

    return value


def _utc(value: Any) -> Any:
    """An aware datetime in UTC; anything else is left for validation to refuse."""
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.timezone.utc)

    return value


def _float(value: Any) -> Any:
    """An int becomes a float, so 1 and 1.0 give equal models."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)

    return value


_CONVERTERS: dict[str, Any] = {
    "list": _freeze,
    "map": _freeze,
    "timestamp": _utc,
    "double": _float,
}


def _struct(model: type[_Model]) -> Spec:
    """Rules for a nested model."""
    return Spec(kind="structure", model=model)


def _list(member: Spec, *, count: tuple[int | None, int | None] | None = None) -> Spec:
    """Rules for a list."""
    return Spec(kind="list", member=member, count=count)


def _map(
    key: Spec, member: Spec, *, count: tuple[int | None, int | None] | None = None
) -> Spec:
    """Rules for a map."""
    return Spec(kind="map", key=key, member=member, count=count)


_TEXT = (1, 255)
_TAGS = _map(
    _string(length=(1, 128), pattern=_TAG_KEY),
    _string(length=(None, 256)),
    count=(1, 50),
)
_COUNT = Spec(kind="long", range=(0, None))
_TIMESTAMP = Spec(kind="timestamp")
_BOOLEAN = Spec(kind="boolean")
_SCORE = Spec(kind="double", range=(0.0, 1.0))
_EXPIRATION_DAYS = Spec(kind="integer", range=(1, 1098))
_MATCH_COUNT = Spec(kind="integer", range=(0, None))


def _nested(model: type[_Model]) -> Any:
    """An optional field holding a nested model."""
    return _field(Spec(kind="structure", model=model))
