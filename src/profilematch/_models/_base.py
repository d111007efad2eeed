"""The base every model derives from: checking, and the service's dict forms.

``_Model`` checks each member against its :class:`Spec` whenever a model is
built, turns a model into the service's shape (``to_dict``) and builds one from
it (``from_dict``, ``from_dicts``), collecting every problem before it raises
BadRequestException. The functions here do that work member by member:
``_check`` tests a value in the model's form, ``_parse`` brings a value from a
dict into that form and ``_dump`` takes it back out.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from profilematch._models._spec import (
    _SPEC,
    FrozenMap,
    Spec,
    _float,
    _utc,
    service_name,
)
from profilematch._validate import Checker, Problem

_M = TypeVar("_M", bound="_Model")
_INVALID: Any = object()

# Set while from_dict builds a model whose values it has already checked,
# so the constructor does not check them a second time under a shorter path.
_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "profilematch_trusted", default=False
)


def _check(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check one converted value against its rules; True when it passes."""
    if value is None:
        if spec.required:
            return checker.add(name, "required", None, "send a value")
        return True

    kind = spec.kind
    if kind == "string":
        return _check_string(checker, name, spec, value)
    if kind in ("integer", "long", "double"):
        expected: type | tuple[type, ...] = float if kind == "double" else int
        if not checker.check_type(name, value, expected, _TYPE_WORDS[kind]):
            return False
        return spec.range is None or checker.check_range(name, value, *spec.range)
    if kind == "boolean":
        return checker.check_type(name, value, bool, "boolean")
    if kind == "timestamp":
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return True
        return checker.add(
            name,
            "type timestamp with a time zone",
            value,
            "send a timezone-aware datetime, such as datetime.now(timezone.utc)",
        )
    if kind == "structure":
        assert spec.model is not None
        return checker.check_type(name, value, spec.model, spec.model.__name__)
    if kind == "list":
        return _check_list(checker, name, spec, value)

    return _check_map(checker, name, spec, value)


def _check_string(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check a string's type, length, pattern and allowed values."""
    if not checker.check_type(name, value, str, "string"):
        return False

    ok = spec.length is None or checker.check_length(name, value, *spec.length)
    if ok and spec.pattern is not None:
        ok = checker.check_pattern(name, value, spec.pattern)
    if ok and spec.enum is not None:
        ok = checker.check_enum(name, value, spec.enum)

    return ok


def _check_list(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check a list's type, item count and every item."""
    if not checker.check_type(name, value, tuple, "list"):
        return False
    if spec.count is not None and not checker.check_items(name, value, *spec.count):
        return False

    assert spec.member is not None
    child = checker.at(name)
    results = [
        _check(child, f"[{i}]", spec.member, item) for i, item in enumerate(value)
    ]

    return all(results)


def _check_map(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check a map's type, entry count, every key and every value."""
    if not checker.check_type(name, value, Mapping, "map"):
        return False
    if spec.count is not None and not checker.check_entries(name, value, *spec.count):
        return False

    assert spec.key is not None and spec.member is not None
    child = checker.at(name)
    ok = True
    for key, item in value.items():
        where = f"[{key!r}]"
        ok = _check(child, where, spec.key, key) and ok
        ok = _check(child, where, spec.member, item) and ok

    return ok


_TYPE_WORDS = {"integer": "integer", "long": "integer", "double": "number"}


def _parse(checker: Checker, name: str, spec: Spec, raw: Any) -> Any:
    """Turn a value from a dict into the model's form, or _INVALID (and a problem)."""
    kind = spec.kind
    if raw is None:
        return None
    if kind == "structure":
        assert spec.model is not None
        if isinstance(raw, spec.model):
            return raw
        if not isinstance(raw, Mapping):
            checker.add(name, "type structure", raw, "send a dict of members")
            return _INVALID
        return spec.model._build(checker.at(name), raw)
    if kind == "list":
        return _parse_list(checker, name, spec, raw)
    if kind == "map":
        return _parse_map(checker, name, spec, raw)
    if kind == "timestamp":
        return _parse_timestamp(checker, name, raw)
    if kind == "double":
        return _float(raw)

    return raw


def _parse_list(checker: Checker, name: str, spec: Spec, raw: Any) -> Any:
    """A list or tuple of parsed items, as a tuple."""
    if not isinstance(raw, (list, tuple)):
        checker.add(name, "type list", raw, "send a list")
        return _INVALID

    assert spec.member is not None
    child = checker.at(name)
    items = [_parse(child, f"[{i}]", spec.member, item) for i, item in enumerate(raw)]
    if any(item is _INVALID for item in items):
        return _INVALID

    return tuple(items)


def _parse_map(checker: Checker, name: str, spec: Spec, raw: Any) -> Any:
    """A mapping of parsed values, as a FrozenMap."""
    if not isinstance(raw, Mapping):
        checker.add(name, "type map", raw, "send a dict")
        return _INVALID

    assert spec.member is not None
    child = checker.at(name)
    items = {key: _parse(child, f"[{key!r}]", spec.member, v) for key, v in raw.items()}
    if any(item is _INVALID for item in items.values()):
        return _INVALID

    return FrozenMap(items)


def _parse_timestamp(checker: Checker, name: str, raw: Any) -> Any:
    """A datetime from a datetime, an ISO 8601 string or epoch seconds."""
    try:
        if isinstance(raw, dt.datetime):
            value = raw
        elif isinstance(raw, str):
            value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            value = dt.datetime.fromtimestamp(raw, dt.timezone.utc)
        else:
            raise TypeError(raw)
    except (TypeError, ValueError, OverflowError, OSError):
        checker.add(
            name,
            "type timestamp",
            raw,
            "send a timezone-aware datetime, an ISO 8601 string with an offset "
            "or epoch seconds",
        )
        return _INVALID

    return _utc(value)


def _dump(spec: Spec, value: Any) -> Any:
    """The service form of a model value: dicts, lists and plain values."""
    if spec.kind == "structure":
        return value.to_dict()
    if spec.kind == "list":
        assert spec.member is not None
        member = spec.member
        return [_dump(member, item) for item in value]
    if spec.kind == "map":
        assert spec.member is not None
        member = spec.member
        return {key: _dump(member, item) for key, item in value.items()}

    return value


class _Model:
    """What every model shares: validation on construction and the dict forms."""

    # Filled in lazily per class: (field name, service name, spec).
    _members: ClassVar[tuple[tuple[str, str, Spec], ...]]

    @classmethod
    def _specs(cls) -> tuple[tuple[str, str, Spec], ...]:
        """The members of this model as (field name, service name, spec)."""
        members = cls.__dict__.get("_members")
        if members is None:
            members = tuple(
                (
                    field.name,
                    field.metadata[_SPEC].wire or service_name(field.name),
                    field.metadata[_SPEC],
                )
                for field in attrs.fields(cls)  # type: ignore[arg-type]
            )
            cls._members = members

        return members

    @classmethod
    def member_names(cls) -> dict[str, str]:
        """The model's members: service name to snake_case field name.

        Returns:
            ``{"FirstName": "first_name", ...}`` in declaration order.
        """
        return {wire: name for name, wire, _spec in cls._specs()}

    def __attrs_post_init__(self) -> None:
        """Check every member against the service model's rules.

        Raises:
            BadRequestException: listing every broken rule.
        """
        if _TRUSTED.get():
            return

        checker = Checker()
        for name, wire, spec in self._specs():
            _check(checker, wire, spec, getattr(self, name))
        checker.raise_if_any()

    def to_dict(self) -> dict[str, Any]:
        """The model in the service's shape.

        Returns:
            A dict with PascalCase keys, members that are None left out, nested
            models as dicts, tuples as lists and timestamps as UTC datetimes.
        """
        result: dict[str, Any] = {}
        for name, wire, spec in self._specs():
            value = getattr(self, name)
            if value is not None:
                result[wire] = _dump(spec, value)

        return result

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, Any], *, prefix: str = "") -> _M:
        """Build the model from a dict in the service's shape.

        Args:
            data: PascalCase keys, as :meth:`to_dict` returns them or the
                service sends them; nested members may be dicts or models;
                timestamps may be datetimes, ISO 8601 strings with an offset
                or epoch seconds.
            prefix: the path of ``data`` in a larger request
                (``"Profiles[3]"``), used in error messages.

        Returns:
            The model.

        Raises:
            BadRequestException: listing every unknown member, wrong type and
                broken rule, with the first one's field, rule and value.
        """
        checker = Checker(prefix)
        if not isinstance(data, Mapping):
            checker.problems.append(_not_a_mapping(prefix or cls.__name__, data))
            checker.raise_if_any()

        result = cls._build(checker, data)
        checker.raise_if_any()

        return result  # type: ignore[no-any-return]

    @classmethod
    def from_dicts(
        cls: type[_M], items: Iterable[Mapping[str, Any]], *, prefix: str = ""
    ) -> tuple[_M, ...]:
        """Build many models at once, all or none.

        Args:
            items: dicts in the service's shape.
            prefix: the path of the list in the request (``"Profiles"``);
                item ``i`` is reported as ``Profiles[i]``.

        Returns:
            The models, in order.

        Raises:
            BadRequestException: listing the problems of every item.
        """
        checker = Checker(prefix)
        models = []
        for i, data in enumerate(items):
            if isinstance(data, Mapping):
                models.append(cls._build(checker.at(f"[{i}]"), data))
            else:
                checker.problems.append(_not_a_mapping(checker.path(f"[{i}]"), data))
        checker.raise_if_any()

        return tuple(models)

    @classmethod
    def _build(cls, checker: Checker, data: Mapping[str, Any]) -> Any:
        """Parse and check ``data``; the model, or _INVALID with problems added."""
        before = len(checker.problems)
        specs = cls._specs()
        checker.check_keys("", data, [wire for _, wire, _ in specs])

        values: dict[str, Any] = {}
        for name, wire, spec in specs:
            value = _parse(checker, wire, spec, data.get(wire))
            if value is not _INVALID and _check(checker, wire, spec, value):
                values[name] = value
        if len(checker.problems) > before:
            return _INVALID

        token = _TRUSTED.set(True)
        try:
            return cls(**values)
        finally:
            _TRUSTED.reset(token)

    def evolve(self: _M, **changes: Any) -> _M:
        """A copy with some fields changed, checked like a new model.

        Args:
            **changes: new values by snake_case field name.

        Returns:
            The changed copy.

        Raises:
            BadRequestException: when a new value breaks a rule.
        """
        return attrs.evolve(self, **changes)  # type: ignore[misc]


def _not_a_mapping(field: str, value: Any) -> Problem:
    """The problem of a request body that is not a dict."""
    return Problem(field=field, rule="type structure", value=value, fix="send a dict")
