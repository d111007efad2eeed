"""Tests of the weekly job schedule arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profilematch._errors import BadRequestException
from profilematch._schedule import is_due, last_job_time, next_job_time

UTC = timezone.utc
DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


@dataclass(frozen=True)
class Schedule:
    """A stand-in with the two fields the schedule reads from a JobSchedule."""

    day_of_the_week: str
    time: str


def at(text: str) -> datetime:
    """Parse an ISO timestamp as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# 2026-12-03 is a Thursday.
@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        pytest.param(None, "2026-12-03T16:34", "2026-12-05T00:00", id="default"),
        pytest.param(None, "2026-12-05T00:00", "2026-12-12T00:00", id="default-on-it"),
        pytest.param(None, "2026-12-04T23:59:59", "2026-12-05T00:00", id="default-eve"),
        pytest.param(
            None, "2026-12-05T00:00:01", "2026-12-12T00:00", id="default-just-past"
        ),
        pytest.param(
            Schedule("THURSDAY", "17:00"),
            "2026-12-03T16:34",
            "2026-12-03T17:00",
            id="later-today",
        ),
        pytest.param(
            Schedule("THURSDAY", "16:00"),
            "2026-12-03T16:34",
            "2026-12-10T16:00",
            id="earlier-today",
        ),
        pytest.param(
            Schedule("MONDAY", "9:05"),
            "2026-12-03T16:34",
            "2026-12-07T09:05",
            id="next-week-one-digit-hour",
        ),
        pytest.param(
            Schedule("SUNDAY", "23:59"),
            "2026-12-03T16:34",
            "2026-12-06T23:59",
            id="sunday-end-of-week",
        ),
        pytest.param(
            Schedule("FRIDAY", "0:00"),
            "2026-12-31T23:30",
            "2027-01-01T00:00",
            id="midnight-new-year",
        ),
        pytest.param(
            Schedule("MONDAY", "00:00"),
            "2026-12-06T23:59:59.999999",
            "2026-12-07T00:00",
            id="sunday-night-to-monday-midnight",
        ),
        pytest.param(
            Schedule("WEDNESDAY", "12:00"),
            "2028-02-28T12:00",
            "2028-03-01T12:00",
            id="leap-day-crossed",
        ),
    ],
)
def test_next_job_time_table(
    schedule: Schedule | None, after: str, expected: str
) -> None:
    """The next run is the first scheduled instant strictly after the moment."""
    assert at(expected) == next_job_time(schedule, at(after))


@pytest.mark.parametrize(
    ("schedule", "now", "expected"),
    [
        pytest.param(None, "2026-12-03T16:34", "2026-11-28T00:00", id="default"),
        pytest.param(None, "2026-12-05T00:00", "2026-12-05T00:00", id="on-it"),
        pytest.param(
            Schedule("THURSDAY", "16:00"),
            "2026-12-03T16:34",
            "2026-12-03T16:00",
            id="earlier-today",
        ),
        pytest.param(
            Schedule("FRIDAY", "23:00"),
            "2027-01-01T00:30",
            "2026-12-25T23:00",
            id="across-new-year",
        ),
    ],
)
def test_last_job_time_table(
    schedule: Schedule | None, now: str, expected: str
) -> None:
    """The last run is the latest scheduled instant at or before the moment."""
    assert at(expected) == last_job_time(schedule, at(now))


def test_naive_datetimes_are_read_as_utc() -> None:
    """A naive datetime counts as UTC, and the answer is aware."""
    result = next_job_time(None, datetime(2026, 12, 3, 16, 34))

    assert at("2026-12-05T00:00") == result
    assert timedelta(0) == result.utcoffset()


def test_other_time_zones_are_converted_to_utc() -> None:
    """A moment in another zone is compared in UTC: Friday 20:00 at -05:00 is past."""
    minus_five = timezone(timedelta(hours=-5))

    result = next_job_time(None, datetime(2026, 12, 4, 20, 0, tzinfo=minus_five))

    assert at("2026-12-12T00:00") == result


@pytest.mark.parametrize(
    ("last_run", "now", "expected"),
    [
        pytest.param(
            "2026-11-28T00:00:05", "2026-12-04T12:00", False, id="ran-this-week"
        ),
        pytest.param("2026-11-28T00:00:05", "2026-12-05T00:00", True, id="time-came"),
        pytest.param(
            "2026-12-05T00:00", "2026-12-05T00:00", False, id="ran-on-the-dot"
        ),
        pytest.param("2026-12-05T00:01", "2026-12-11T23:59", False, id="not-yet"),
        pytest.param("2026-10-01T00:00", "2026-12-03T16:34", True, id="missed-many"),
        pytest.param(
            "2026-12-04T12:00", "2026-12-05T06:00", True, id="manual-run-before"
        ),
    ],
)
def test_is_due_table(last_run: str, now: str, expected: bool) -> None:
    """A job is due when a Saturday 00:00 fell after the last run, up to now."""
    assert expected is is_due(None, at(last_run), at(now))


def test_missed_runs_collapse_into_one() -> None:
    """After weeks of downtime one run is due, and once it ran nothing else is."""
    schedule = Schedule("TUESDAY", "03:00")
    now = at("2026-12-03T16:34")

    due_before = is_due(schedule, at("2026-10-01T00:00"), now)
    due_after = is_due(schedule, now, now + timedelta(minutes=1))

    assert due_before is True
    assert due_after is False


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        (Schedule("Saturday", "00:00"), "JobSchedule.DayOfTheWeek"),
        (Schedule("FUNDAY", "00:00"), "JobSchedule.DayOfTheWeek"),
        (Schedule("SATURDAY", "24:00"), "JobSchedule.Time"),
        (Schedule("SATURDAY", "7:5"), "JobSchedule.Time"),
        (Schedule("SATURDAY", "07:00:00"), "JobSchedule.Time"),
    ],
)
def test_malformed_schedule_is_refused(schedule: Schedule, field: str) -> None:
    """A day or time outside the service's rules raises BadRequestException."""
    with pytest.raises(BadRequestException) as caught:
        next_job_time(schedule, at("2026-12-03T16:34"))

    assert field == caught.value.field
    assert schedule.time in str(caught.value) or schedule.day_of_the_week in str(
        caught.value
    )


schedules = st.one_of(
    st.none(),
    st.builds(
        Schedule,
        day_of_the_week=st.sampled_from(DAYS),
        time=st.builds("{}:{:02d}".format, st.integers(0, 23), st.integers(0, 59)),
    ),
)
moments = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.just(UTC),
)


@given(schedule=schedules, after=moments)
def test_next_job_time_properties(schedule: Schedule | None, after: datetime) -> None:
    """The next run is after the moment, within 7 days, on the right day and time."""
    result = next_job_time(schedule, after)
    day = "SATURDAY" if schedule is None else schedule.day_of_the_week
    hour, minute = (0, 0) if schedule is None else map(int, schedule.time.split(":"))

    assert after < result <= after + timedelta(days=7)
    assert DAYS[result.weekday()] == day
    assert (hour, minute, 0, 0) == (
        result.hour,
        result.minute,
        result.second,
        result.microsecond,
    )


@given(schedule=schedules, now=moments)
def test_last_and_next_are_one_week_apart(
    schedule: Schedule | None, now: datetime
) -> None:
    """The last run at or before a moment and the next one bracket it, a week apart."""
    last = last_job_time(schedule, now)
    following = next_job_time(schedule, now)

    assert last <= now < following
    assert timedelta(days=7) == following - last


@given(
    schedule=schedules,
    last_run=moments,
    gap=st.timedeltas(timedelta(0), timedelta(days=60)),
)
def test_is_due_agrees_with_next_job_time(
    schedule: Schedule | None, last_run: datetime, gap: timedelta
) -> None:
    """A job is due exactly when the next run after the last one has come."""
    now = last_run + gap

    assert (next_job_time(schedule, last_run) <= now) is is_due(schedule, last_run, now)


def test_service_job_schedule_model_is_accepted() -> None:
    """The service's JobSchedule model drives the arithmetic like any schedule."""
    from profilematch._models import JobSchedule

    schedule = JobSchedule(day_of_the_week="MONDAY", time="6:30")

    assert at("2026-12-07T06:30") == next_job_time(schedule, at("2026-12-03T16:34"))
