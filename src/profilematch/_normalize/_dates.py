"""Birth dates: ISO dates from ISO, US, European and month-name forms."""

from __future__ import annotations

import datetime
import functools
import re

from profilematch._normalize._missing import coerce

__all__ = ["birth_date"]

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

# Nobody alive was born before this year; earlier years are typing errors.
_EARLIEST_YEAR = 1870

# A time of day after the date ("1970-03-01T00:00:00", "3/1/1970 12:00 AM").
_TIME = re.compile(r"[T\s]\d{1,2}:\d{2}.*$", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})[-/.\s](\d{1,2})[-/.\s](\d{2}|\d{4})")
_TOKENS = re.compile(r"[a-z]+|\d+")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)\b")


def _year(text: str, today: datetime.date) -> int:
    """A four-digit year; a two-digit one pivots so it is never in the future."""
    year = int(text)
    if len(text) > 2:
        return year
    return 2000 + year if 2000 + year <= today.year else 1900 + year


def _iso(year: int, month: int, day: int, today: datetime.date) -> str | None:
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        return None
    if value.year < _EARLIEST_YEAR or value > today:
        return None
    return value.isoformat()


def _readings(text: str, today: datetime.date) -> tuple[str, ...]:
    found = _ISO.fullmatch(text) or _COMPACT.fullmatch(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
        single = _iso(year, month, day, today)
        return (single,) if single else ()

    found = _NUMERIC.fullmatch(text)
    if found:
        first, second = int(found.group(1)), int(found.group(2))
        year = _year(found.group(3), today)
        us = _iso(year, first, second, today)
        european = _iso(year, second, first, today)
        return tuple(sorted({d for d in (us, european) if d}))

    return _named(text, today)


def _named(text: str, today: datetime.date) -> tuple[str, ...]:
    """Dates with a month name: "Mar 1 1970", "1 March 1970", "01-MAR-70"."""
    tokens = _TOKENS.findall(_ORDINAL.sub(r"\1", text.casefold()))
    months = [_MONTHS[t] for t in tokens if t in _MONTHS]
    numbers = [t for t in tokens if t.isdigit()]
    if len(months) != 1 or len(numbers) != 2 or len(tokens) != 3:
        return ()

    day_text, year_text = numbers
    # The year is the four-digit number, or the last one ("Mar 01 70").
    if len(day_text) == 4 or (len(day_text) == 2 and int(day_text) > 31):
        day_text, year_text = year_text, day_text
    if len(day_text) > 2:
        return ()

    single = _iso(_year(year_text, today), months[0], int(day_text), today)
    return (single,) if single else ()


@functools.lru_cache(maxsize=2**18)
def _birth_date(text: str, today: datetime.date) -> tuple[str, ...]:
    return _readings(_TIME.sub("", text).strip(), today)


def birth_date(raw: object) -> tuple[str, ...]:
    """Read a birth date into ISO form, keeping every plausible reading.

    Reads ISO (``1970-03-01``, ``19700301``), numeric day-month forms with
    ``/``, ``-``, ``.`` or spaces (``3/1/1970``, ``01.03.70``) and month
    names (``Mar 1 1970``, ``1 March 1970``, ``01-MAR-70``). When day and
    month are both 12 or less and differ, the US and the European reading
    are both returned. A two-digit year goes to the latest century that does
    not put the date in the future. Dates in the future or before 1870 are
    not birth dates.

    Args:
        raw: the raw birth date.

    Returns:
        The ISO dates (``YYYY-MM-DD``) in ascending order: none when missing
        or unparsable, two when day and month are ambiguous.
    """
    text = coerce(raw)
    if text is None:
        return ()
    return _birth_date(text, datetime.date.today())
