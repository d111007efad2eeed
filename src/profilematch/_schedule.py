"""The weekly schedule of identity resolution jobs.

A domain's Matching may carry a JobSchedule: a day of the week and a time of
day (``H:MM`` or ``HH:MM``), both in UTC. Without one, jobs run every Saturday
at 00:00 UTC, like the hosted service. These functions are pure: they take the
clock as an argument, so a scheduler, a test or cron can drive them.

Naive datetimes are read as UTC; every datetime returned is aware and in UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from typing import Protocol

from profilematch._errors import BadRequestException

__all__ = [
    "DEFAULT_DAY_OF_THE_WEEK",
    "DEFAULT_TIME",
    "is_due",
    "last_job_time",
    "next_job_time",
]

DEFAULT_DAY_OF_THE_WEEK = "SATURDAY"
DEFAULT_TIME = "00:00"

# Index of each day as datetime.weekday() numbers them (Monday is 0).
_WEEKDAYS = {
    "MONDAY": 0,
    "TUESDAY": 1,
    "WEDNESDAY": 2,
    "THURSDAY": 3,
    "FRIDAY": 4,
    "SATURDAY": 5,
    "SUNDAY": 6,
}
_TIME_PATTERN = re.compile(r"^([0-9]|0[0-9]|1[0-9]|2[0-3]):([0-5][0-9])$")
_WEEK = timedelta(days=7)


class _Schedule(Protocol):
    """What this module reads from a JobSchedule."""

    @property
    def day_of_the_week(self) -> object: ...

    @property
    def time(self) -> str: ...


def _as_utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime, reading a naive one as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)

    return moment.astimezone(timezone.utc)


def _weekday_and_time(schedule: _Schedule | None) -> tuple[int, time]:
    """Return the weekday index and time of day of a schedule, or the default.

    Raises:
        BadRequestException: the day or the time breaks the service's rules.
    """
    if schedule is None:
        return _WEEKDAYS[DEFAULT_DAY_OF_THE_WEEK], time(0, 0)

    # An enum member carries its name in .value; a plain string is the name.
    day = getattr(schedule.day_of_the_week, "value", schedule.day_of_the_week)
    if not isinstance(day, str) or day not in _WEEKDAYS:
        raise BadRequestException(
            f"JobSchedule.DayOfTheWeek: must be one of {', '.join(_WEEKDAYS)}; "
            f"got {day!r}. Name the day in capitals, such as 'SATURDAY'.",
            field="JobSchedule.DayOfTheWeek",
            rule="enum",
            value=day,
        )

    match = (
        _TIME_PATTERN.match(schedule.time) if isinstance(schedule.time, str) else None
    )
    if match is None:
        raise BadRequestException(
            f"JobSchedule.Time: must match H:MM or HH:MM in 24-hour UTC; got "
            f"{schedule.time!r}. Write the time like '02:30'.",
            field="JobSchedule.Time",
            rule=f"pattern {_TIME_PATTERN.pattern}",
            value=schedule.time,
        )

    return _WEEKDAYS[day], time(int(match.group(1)), int(match.group(2)))


def _occurrence_in_week_of(moment: datetime, weekday: int, at: time) -> datetime:
    """Return the scheduled instant in the Monday-to-Sunday week of ``moment``."""
    monday = moment.date() - timedelta(days=moment.weekday())
    day = monday + timedelta(days=weekday)

    return datetime.combine(day, at, tzinfo=timezone.utc)


def next_job_time(schedule: _Schedule | None, after: datetime) -> datetime:
    """Return the first scheduled run strictly after ``after``.

    Args:
        schedule: the domain's JobSchedule, or None for Saturday 00:00 UTC.
        after: the moment to count from; naive means UTC.

    Returns:
        An aware UTC datetime, more than 0 and at most 7 days after ``after``.

    Raises:
        BadRequestException: the schedule's day or time is malformed.
    """
    weekday, at = _weekday_and_time(schedule)
    after = _as_utc(after)

    candidate = _occurrence_in_week_of(after, weekday, at)
    if candidate <= after:
        candidate += _WEEK

    return candidate


def last_job_time(schedule: _Schedule | None, now: datetime) -> datetime:
    """Return the latest scheduled run at or before ``now``.

    Args:
        schedule: the domain's JobSchedule, or None for Saturday 00:00 UTC.
        now: the current moment; naive means UTC.

    Returns:
        An aware UTC datetime, at most 7 days before ``now`` (and not after it).

    Raises:
        BadRequestException: the schedule's day or time is malformed.
    """
    weekday, at = _weekday_and_time(schedule)
    now = _as_utc(now)

    candidate = _occurrence_in_week_of(now, weekday, at)
    if candidate > now:
        candidate -= _WEEK

    return candidate


def is_due(schedule: _Schedule | None, last_run: datetime, now: datetime) -> bool:
    """Tell whether a scheduled run has come since ``last_run``.

    Several scheduled times missed since ``last_run`` (the scheduler was down
    for weeks) collapse into one due run: the answer is a yes or a no, never
    a count.

    Args:
        schedule: the domain's JobSchedule, or None for Saturday 00:00 UTC.
        last_run: when the domain's last job started, or, for a domain that
            never ran one, when matching was enabled; naive means UTC.
        now: the current moment; naive means UTC.

    Returns:
        True when some scheduled time falls after ``last_run`` and at or
        before ``now``.

    Raises:
        BadRequestException: the schedule's day or time is malformed.
    """
    return last_job_time(schedule, now) > _as_utc(last_run)
