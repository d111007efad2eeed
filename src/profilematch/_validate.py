"""Local checks of the service model's constraints.

A :class:`Checker` walks a whole input, records every broken rule as a
:class:`Problem` and raises once, so a caller fixes everything in one go
instead of one field per round trip. Field paths are built by the caller
(``checker.at("Profiles[3]").at("Address").path("PostalCode")``), which keeps
the checks themselves free of any knowledge of where a value sits.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping, Sized
from typing import Any

import attrs

from profilematch._errors import BadRequestException

__all__ = ["Checker", "Problem", "describe_value", "join_path"]

_MAX_REPR = 60


@attrs.frozen(kw_only=True)
class Problem:
    """One broken rule: where, which rule, what was received and what to do.

    Attributes:
        field: the path of the value in the service's names
            (``"Profiles[3].Address.PostalCode"``).
        rule: the rule, as the service model states it (``"length 1..255"``).
        value: the value received.
        fix: what the caller should do instead.
    """

    field: str
    rule: str
    value: Any
    fix: str

    def describe(self) -> str:
        """One line: ``Field: rule, got value; fix``."""
        return (
            f"{self.field}: {self.rule}, got {describe_value(self.value)}; {self.fix}"
        )


def describe_value(value: Any) -> str:
    """A short, readable rendering of a received value for an error message.

    Args:
        value: any value.

    Returns:
        Its repr, cut to a readable length, with the length noted for long
        strings and the type noted for values of an unexpected kind.
    """
    text = repr(value)
    if len(text) > _MAX_REPR:
        text = text[: _MAX_REPR - 3] + "..."
    if isinstance(value, str) and len(value) > _MAX_REPR // 2:
        return f"{text} ({len(value)} characters)"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return text

    return f"{text} (a {type(value).__name__})"


def join_path(prefix: str, name: str) -> str:
    """Join a field path and a member name (``"Profiles[3]"`` + ``"Address"``).

    Args:
        prefix: the path so far, possibly empty.
        name: a member name, or an index such as ``"[2]"``.

    Returns:
        The joined path.
    """
    if not prefix:
        return name
    if name.startswith("["):
        return prefix + name

    return f"{prefix}.{name}"


def closest(name: str, known: Collection[str]) -> str | None:
    """The known name a mistyped one most likely means, or None.

    Case and underscores are ignored, so ``first_name`` means ``FirstName``
    and ``FirstName`` means ``first_name``; otherwise the closest spelling
    wins when it is close enough (``EmailAdress`` means ``EmailAddress``).
    """

    def folded(text: str) -> str:
        return text.replace("_", "").casefold()

    by_folded = {folded(candidate): candidate for candidate in known}
    if folded(name) in by_folded:
        return by_folded[folded(name)]
    matches = difflib.get_close_matches(folded(name), list(by_folded), n=1)
    return by_folded[matches[0]] if matches else None


class Checker:
    """Collects problems with an input and raises them all at once.

    Every ``check_*`` method returns True when the value passed, so a caller
    can skip further checks that would only repeat the same complaint.

    Args:
        prefix: the field path of the value being checked; problems are
            reported under it.
        problems: a shared list to add problems to; a child checker made with
            :meth:`at` shares its parent's list.
    """

    def __init__(self, prefix: str = "", problems: list[Problem] | None = None) -> None:
        self.prefix = prefix
        self.problems: list[Problem] = [] if problems is None else problems

    def at(self, name: str) -> Checker:
        """A checker for a member of the current value, sharing the problem list.

        Args:
            name: a member name (``"Address"``) or an index (``"[3]"``).

        Returns:
            A checker whose problems are reported under the longer path.
        """
        return Checker(join_path(self.prefix, name), self.problems)

    def path(self, name: str) -> str:
        """The full path of a member of the current value."""
        return join_path(self.prefix, name)

    def add(self, name: str, rule: str, value: Any, fix: str) -> bool:
        """Record a problem with member ``name``; always returns False.

        Args:
            name: the member name, joined to this checker's prefix.
            rule: the broken rule.
            value: the value received.
            fix: what to do instead.

        Returns:
            False, so ``return checker.add(...)`` reads as a failed check.
        """
        self.problems.append(
            Problem(field=self.path(name), rule=rule, value=value, fix=fix)
        )
        return False

    def check_type(
        self, name: str, value: Any, expected: type | tuple[type, ...], what: str
    ) -> bool:
        """Check that ``value`` is of the expected type (bool is never a number).

        Args:
            name: the member name.
            value: the value received.
            expected: the accepted type or types.
            what: the type in the service's words (``"string"``, ``"integer"``).

        Returns:
            True when the type is right.
        """
        numeric = expected in (int, float) or (
            isinstance(expected, tuple) and (int in expected or float in expected)
        )
        if isinstance(value, expected) and not (numeric and isinstance(value, bool)):
            return True

        return self.add(name, f"type {what}", value, f"send a {what}")

    def _check_size(
        self,
        name: str,
        value: Sized,
        low: int | None,
        high: int | None,
        rule: str,
        unit: str,
    ) -> bool:
        """Check ``len(value)`` against ``low..high``; ``rule`` names the check."""
        size = len(value)
        if (low is None or size >= low) and (high is None or size <= high):
            return True

        return self.add(
            name,
            f"{rule} {_range(low, high)}",
            value,
            f"send {_range_words(low, high, unit)}",
        )

    def check_length(
        self, name: str, value: Sized, low: int | None, high: int | None
    ) -> bool:
        """Check a string's length against ``low..high`` (either may be open).

        Returns:
            True when the length is inside the range.
        """
        return self._check_size(name, value, low, high, "length", "characters")

    def check_pattern(self, name: str, value: str, pattern: str) -> bool:
        """Check that the whole of ``value`` matches the regular expression.

        Returns:
            True when it matches.
        """
        if _compiled(pattern).fullmatch(value):
            return True

        return self.add(
            name,
            f"pattern {pattern}",
            value,
            "send a value that matches the pattern in full",
        )

    def check_range(
        self,
        name: str,
        value: float,
        low: float | None,
        high: float | None,
    ) -> bool:
        """Check a number against ``low..high`` inclusive (either may be open).

        Returns:
            True when the number is inside the range.
        """
        if value != value:  # NaN compares false with everything
            return self.add(name, f"range {_range(low, high)}", value, "send a number")
        if (low is None or value >= low) and (high is None or value <= high):
            return True

        return self.add(
            name,
            f"range {_range(low, high)}",
            value,
            f"send a number {_range_words(low, high, '')}".rstrip(),
        )

    def check_enum(self, name: str, value: str, allowed: Collection[str]) -> bool:
        """Check that ``value`` is one of the allowed values (case-sensitive).

        Returns:
            True when it is allowed.
        """
        if value in allowed:
            return True

        return self.add(
            name,
            "one of " + ", ".join(allowed),
            value,
            "send one of the listed values, spelt exactly so",
        )

    def check_items(
        self, name: str, value: Sized, low: int | None, high: int | None
    ) -> bool:
        """Check how many items a list has against ``low..high``.

        Returns:
            True when the count is inside the range.
        """
        return self._check_size(name, value, low, high, "items", "items")

    def check_entries(
        self, name: str, value: Mapping[Any, Any], low: int | None, high: int | None
    ) -> bool:
        """Check how many entries a map has against ``low..high``.

        Returns:
            True when the count is inside the range.
        """
        size = len(value)
        if (low is None or size >= low) and (high is None or size <= high):
            return True

        return self.add(
            name,
            f"entries {_range(low, high)}",
            value,
            f"send {_range_words(low, high, 'entries')}",
        )

    def check_keys(
        self, name: str, value: Mapping[Any, Any], allowed: Collection[str]
    ) -> bool:
        """Check that a structure holds no member other than the allowed ones.

        Returns:
            True when every key is allowed.
        """
        unknown = [key for key in value if key not in allowed]
        if not unknown:
            return True

        for key in unknown:
            close = closest(str(key), allowed)
            hint = f"did you mean {close}? Otherwise " if close else ""
            self.add(
                join_path(name, str(key)) if name else str(key),
                "unknown member",
                value[key],
                f"{hint}remove it; allowed members are " + ", ".join(sorted(allowed)),
            )
        return False

    def raise_if_any(self) -> None:
        """Raise one BadRequestException listing every problem recorded so far.

        Raises:
            BadRequestException: when there is at least one problem; its
                ``field``, ``rule`` and ``value`` are those of the first one and
                its ``problems`` attribute holds them all.
        """
        if not self.problems:
            return

        first = self.problems[0]
        if len(self.problems) == 1:
            message = first.describe()
        else:
            lines = "\n".join("- " + problem.describe() for problem in self.problems)
            message = f"{len(self.problems)} problems in the request:\n{lines}"
        error = BadRequestException(
            message, field=first.field, rule=first.rule, value=first.value
        )
        # Callers that report several problems (a bulk upload) read them apart.
        error.problems = tuple(self.problems)  # type: ignore[attr-defined]
        raise error


def _range(low: float | None, high: float | None) -> str:
    """``1..255``, ``..256`` or ``0..`` as the service model writes ranges."""
    return f"{'' if low is None else low}..{'' if high is None else high}"


def _range_words(low: float | None, high: float | None, unit: str) -> str:
    """The range in words: ``1 to 255 characters``, ``at most 256 characters``."""
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{low} to {high}{suffix}"
    if high is not None:
        return f"at most {high}{suffix}"

    return f"at least {low}{suffix}"


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    """The compiled pattern, cached; ``.`` also matches newlines (``.*`` messages)."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern, re.DOTALL)

    return compiled
