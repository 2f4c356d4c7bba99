"""Business calendars on their own: worked examples computed by hand, then properties.

Dates used below (2026): Mon 2 March, Fri 6 March, Fri 20 March, Mon 23 March (Saint Joseph,
moved from Thursday 19 by Ley Emiliani), Sun 29 March (Spain springs forward), Sun 25 October
(Spain falls back). Bogotá is UTC-5 all year; Madrid is UTC+1 in winter, UTC+2 in summer.
"""

from __future__ import annotations

import json
import time as stopwatch
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.store.calendar import (
    DEFAULT_CALENDAR,
    BusinessCalendar,
    calendar_from_dict,
    check_out_of_hours_request,
    earliest_out_of_hours_start,
)

BOG = ZoneInfo("America/Bogota")
MAD = ZoneInfo("Europe/Madrid")
UTC = timezone.utc
CAL = DEFAULT_CALENDAR

MADRID = BusinessCalendar(
    name="madrid",
    timezone="Europe/Madrid",
    weekly={day: ((time(9), time(18)),) for day in range(5)},
    country="ES",
)
# Sunday nights across the DST change, and a Saturday open until midnight ("24:00").
NIGHTS = BusinessCalendar(
    name="nights",
    timezone="Europe/Madrid",
    weekly={5: ((time(20), time(0)),), 6: ((time(0), time(6)), (time(1), time(3)))},
)


def bog(*args: int) -> datetime:
    return datetime(*args, tzinfo=BOG)


def mad(*args: int) -> datetime:
    return datetime(*args, tzinfo=MAD)


# -- the default calendar (seed 003) ---------------------------------------------------------------


def test_default_calendar_is_seed_003() -> None:
    assert CAL.timezone == "America/Bogota" and CAL.country == "CO"
    assert CAL.hours_on(date(2026, 3, 2)) == ((time(8), time(17)),)  # Monday
    assert CAL.hours_on(date(2026, 3, 7)) == ((time(9), time(12)),)  # Saturday
    assert CAL.hours_on(date(2026, 3, 8)) == ()  # Sunday


def test_interval_is_half_open() -> None:
    assert CAL.is_business_time(bog(2026, 3, 6, 8, 0))
    assert CAL.is_business_time(bog(2026, 3, 6, 16, 59, 59))
    assert not CAL.is_business_time(bog(2026, 3, 6, 17, 0))
    assert CAL.is_closing_instant(bog(2026, 3, 6, 17, 0))
    assert not CAL.is_business_time(bog(2026, 3, 6, 7, 59))


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (60, bog(2026, 3, 6, 17, 0)),  # Friday 16:00-17:00 uses it all: ends at closing
        (120, bog(2026, 3, 7, 10, 0)),  # 60 on Friday + 60 from Saturday 09:00
        (240, bog(2026, 3, 7, 12, 0)),  # 60 Friday + 180 Saturday 09-12: exactly at closing
        (241, bog(2026, 3, 9, 8, 1)),  # 240 as above, Sunday closed, Monday 08:00 + 1
        (300, bog(2026, 3, 9, 9, 0)),  # 240 + 60 on Monday
        (780, bog(2026, 3, 9, 17, 0)),  # 240 + all of Monday 08-17 (540): Monday's closing
        (781, bog(2026, 3, 10, 8, 1)),  # one more: Tuesday 08:01
    ],
)
def test_friday_afternoon_into_saturday_and_monday(minutes: int, expected: datetime) -> None:
    start = bog(2026, 3, 6, 16, 0)
    assert CAL.add_business_minutes(start, minutes) == expected
    assert CAL.business_minutes_between(start, expected) == minutes


def test_start_outside_hours_waits_for_the_next_opening() -> None:
    # Friday 20:00 is closed: the clock starts Saturday 09:00.
    assert CAL.add_business_minutes(bog(2026, 3, 6, 20, 0), 30) == bog(2026, 3, 7, 9, 30)
    # Saturday 12:00 (closing instant) + 0 is the next opening, Monday 08:00.
    assert CAL.add_business_minutes(bog(2026, 3, 7, 12, 0), 0) == bog(2026, 3, 9, 8, 0)
    assert CAL.next_business_instant(bog(2026, 3, 8, 15, 0)) == bog(2026, 3, 9, 8, 0)
    assert CAL.next_business_instant(bog(2026, 3, 9, 8, 30)) == bog(2026, 3, 9, 8, 30)


def test_results_are_utc() -> None:
    result = CAL.add_business_minutes(bog(2026, 3, 6, 16, 0), 120)
    assert result.tzinfo is UTC and result == datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    assert CAL.local(result).hour == 10


def test_colombian_movable_holiday_is_skipped() -> None:
    # Saint Joseph (19 March, a Thursday) is observed on Monday 23 March 2026.
    co = holidays.country_holidays("CO", years=2026)
    assert date(2026, 3, 23) in co and date(2026, 3, 19) not in co
    assert CAL.is_business_time(bog(2026, 3, 19, 10, 0))
    assert not CAL.is_business_time(bog(2026, 3, 23, 10, 0))
    # Friday 20 at 16:00 + 300: 60 Friday, 180 Saturday 09-12, Monday 23 closed,
    # Tuesday 24 08:00 + 60 = 09:00.
    start = bog(2026, 3, 20, 16, 0)
    assert CAL.add_business_minutes(start, 300) == bog(2026, 3, 24, 9, 0)
    assert CAL.business_minutes_between(start, bog(2026, 3, 24, 9, 0)) == 300


def test_ticket_created_from_another_zone() -> None:
    # 22:30 in Madrid on Friday 6 March (UTC+1) is 21:30 UTC, 16:30 in Bogotá: 30 minutes left
    # on Friday, then Saturday 09:00 + 30 = 09:30 Bogotá = 14:30 UTC.
    created = mad(2026, 3, 6, 22, 30)
    assert CAL.is_business_time(created)
    due = CAL.add_business_minutes(created, 60)
    assert due == bog(2026, 3, 7, 9, 30) == datetime(2026, 3, 7, 14, 30, tzinfo=UTC)
    # 13:00 UTC on Saturday is 08:00 in Bogotá: closed until 09:00 (14:00 UTC).
    early = datetime(2026, 3, 7, 13, 0, tzinfo=UTC)
    assert not CAL.is_business_time(early)
    assert CAL.next_business_instant(early) == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)


def test_custom_holiday() -> None:
    cal = replace(CAL, custom_holidays=frozenset({date(2026, 3, 9)}))
    # Friday 16:00 + 300: 60 + 180 (Saturday), Monday 9 closed, Tuesday 08:00 + 60.
    assert cal.add_business_minutes(bog(2026, 3, 6, 16, 0), 300) == bog(2026, 3, 10, 9, 0)
    assert cal.is_holiday(date(2026, 3, 9)) and not cal.is_business_day(date(2026, 3, 9))


def test_custom_working_day_uses_monday_hours_by_default() -> None:
    cal = replace(CAL, custom_working_days=frozenset({date(2026, 3, 8), date(2026, 3, 23)}))
    # Saturday 11:00 + 120: 60 until 12:00, then Sunday 8 is worked 08-17: 08:00 + 60.
    assert cal.add_business_minutes(bog(2026, 3, 7, 11, 0), 120) == bog(2026, 3, 8, 9, 0)
    # A working day beats the national holiday too.
    assert cal.is_business_time(bog(2026, 3, 23, 10, 0))


def test_custom_working_day_with_its_own_hours() -> None:
    cal = replace(
        CAL,
        custom_working_days=frozenset({date(2026, 3, 8)}),
        extra_day_hours=((time(10), time(12)),),
    )
    # Saturday 11:00 + 120: 60 until 12:00, Sunday 10:00 + 60 = 11:00.
    assert cal.add_business_minutes(bog(2026, 3, 7, 11, 0), 120) == bog(2026, 3, 8, 11, 0)
    assert not cal.is_business_time(bog(2026, 3, 8, 9, 0))


def test_date_cannot_be_holiday_and_working_day() -> None:
    with pytest.raises(ValueError, match="both"):
        replace(CAL, custom_holidays={date(2026, 3, 9)}, custom_working_days={date(2026, 3, 9)})


# -- DST (Spain) -----------------------------------------------------------------------------------


def test_madrid_across_spring_forward() -> None:
    # Friday 27 March 17:00 CET (16:00 UTC) + 120: 60 on Friday, Monday 30 09:00 CEST + 60 =
    # 10:00 CEST = 08:00 UTC. Wall clock says 65 h later, but only 64 h have passed.
    start = mad(2026, 3, 27, 17, 0)
    due = MADRID.add_business_minutes(start, 120)
    assert due == mad(2026, 3, 30, 10, 0) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert due - start == timedelta(hours=64)
    assert MADRID.business_minutes_between(start, due) == 120


def test_madrid_across_fall_back() -> None:
    # Friday 23 October 17:00 CEST (15:00 UTC) + 120 = Monday 26 10:00 CET = 09:00 UTC.
    start = mad(2026, 10, 23, 17, 0)
    due = MADRID.add_business_minutes(start, 120)
    assert due == mad(2026, 10, 26, 10, 0) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert due - start == timedelta(hours=66)


def test_business_minutes_are_elapsed_minutes_on_dst_nights() -> None:
    # Sunday 00:00-06:00 (the 01:00-03:00 interval merges into it) lasts 5 hours when clocks
    # spring forward at 02:00 and 7 hours when they fall back at 03:00.
    assert NIGHTS.hours_on(date(2026, 3, 29)) == ((time(0), time(6)),)
    sat_mar, mon_mar = mad(2026, 3, 28, 0, 0), mad(2026, 3, 30, 0, 0)
    assert NIGHTS.business_minutes_between(sat_mar, mon_mar) == 4 * 60 + 5 * 60  # Sat 20-24
    sat_oct, mon_oct = mad(2026, 10, 24, 0, 0), mad(2026, 10, 26, 0, 0)
    assert NIGHTS.business_minutes_between(sat_oct, mon_oct) == 4 * 60 + 7 * 60
    # 01:30 CET + 60 elapsed minutes = 03:30 CEST (the hour 02:00-03:00 does not exist).
    assert NIGHTS.add_business_minutes(mad(2026, 3, 29, 1, 30), 60) == mad(2026, 3, 29, 3, 30)
    # 02:30 CEST + 60 = 02:30 CET, the second time the clock reads 02:30.
    # (Compared in UTC: Python never calls a fold=1 time equal to one in another zone.)
    later = NIGHTS.add_business_minutes(mad(2026, 10, 25, 2, 30), 60)
    assert later == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    wall = NIGHTS.local(later)
    assert (wall.hour, wall.minute, wall.fold) == (2, 30, 1)


def test_interval_ending_at_midnight() -> None:
    # Saturday 23:00 + 90: 60 until 24:00, Sunday's shift continues at 00:00: 00:30.
    assert NIGHTS.add_business_minutes(mad(2026, 3, 7, 23, 0), 90) == mad(2026, 3, 8, 0, 30)
    assert NIGHTS.is_closing_instant(mad(2026, 3, 8, 0, 0))
    assert NIGHTS.is_business_time(mad(2026, 3, 8, 0, 0))


def test_spanish_holiday() -> None:
    # Monday 12 October 2026 is Spain's National Day.
    start = mad(2026, 10, 9, 17, 0)  # Friday
    assert MADRID.add_business_minutes(start, 120) == mad(2026, 10, 13, 10, 0)


# -- business days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (bog(2026, 3, 2, 10, 0), 3, bog(2026, 3, 5, 10, 0)),  # Mon -> Thu, same time
        (bog(2026, 3, 18, 10, 0), 3, bog(2026, 3, 21, 10, 0)),  # Wed -> Thu, Fri, Sat 10:00 open
        (bog(2026, 3, 6, 16, 0), 1, bog(2026, 3, 9, 8, 0)),  # Sat 16:00 is closed -> Monday
        (bog(2026, 3, 20, 10, 0), 2, bog(2026, 3, 24, 10, 0)),  # Sat 21, (holiday 23), Tue 24
        (bog(2026, 3, 6, 20, 0), 1, bog(2026, 3, 9, 9, 0)),  # starts Sat 09:00 -> Mon 09:00
        (bog(2026, 3, 8, 12, 0), 0, bog(2026, 3, 9, 8, 0)),  # 0 days: next business instant
    ],
)
def test_add_business_days(start: datetime, days: int, expected: datetime) -> None:
    assert CAL.add_business_days(start, days) == expected


# -- S3: work outside business hours ---------------------------------------------------------------

NOW = bog(2026, 3, 2, 10, 0)  # Monday; three business days ahead is Thursday 5 March 10:00


@pytest.mark.parametrize(
    ("requested", "first_allowed"),
    [
        (bog(2026, 3, 3, 20, 0), bog(2026, 3, 5, 20, 0)),  # Tuesday night: refused
        (bog(2026, 3, 5, 7, 0), bog(2026, 3, 6, 7, 0)),  # Thursday 07:00 is before 10:00
        (bog(2026, 3, 1, 10, 0), bog(2026, 3, 5, 10, 0)),  # a past Sunday
        (bog(2026, 3, 5, 20, 0), None),  # Thursday night: far enough ahead
        (bog(2026, 3, 8, 10, 0), None),  # Sunday after: fine
        (bog(2026, 3, 3, 10, 0), None),  # inside business hours: accepted
    ],
)
def test_out_of_hours_request(requested: datetime, first_allowed: datetime | None) -> None:
    assert check_out_of_hours_request(CAL, requested, NOW) == first_allowed


def test_out_of_hours_request_counts_holidays_out() -> None:
    # Friday 20 10:00 + 3 business days: Sat 21, (Mon 23 holiday), Tue 24, Wed 25 -> Wed 10:00.
    now = bog(2026, 3, 20, 10, 0)
    refused = check_out_of_hours_request(CAL, bog(2026, 3, 23, 9, 0), now)
    assert refused == bog(2026, 3, 26, 9, 0)  # Wed 25 09:00 would be an hour too early
    assert earliest_out_of_hours_start(CAL, bog(2026, 3, 23, 9, 0), now) == refused
    assert check_out_of_hours_request(CAL, bog(2026, 3, 25, 18, 0), now) is None
    assert check_out_of_hours_request(CAL, bog(2026, 3, 25, 18, 0), now, business_days=4)


# -- errors, limits, JSON -------------------------------------------------------------------------


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 2, 10, 0)
    for call in (
        lambda: CAL.is_business_time(naive),
        lambda: CAL.add_business_minutes(naive, 5),
        lambda: CAL.add_business_days(naive, 1),
        lambda: CAL.business_minutes_between(naive, naive),
        lambda: CAL.next_business_instant(naive),
        lambda: check_out_of_hours_request(CAL, naive, NOW),
    ):
        with pytest.raises(ValueError, match="naive"):
            call()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        CAL.add_business_minutes(NOW, -1)
    with pytest.raises(ValueError):
        CAL.add_business_minutes(NOW, float("nan"))
    with pytest.raises(ValueError):
        CAL.add_business_days(NOW, -1)
    with pytest.raises(ValueError, match="time zone"):
        replace(CAL, timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="holidays"):
        replace(CAL, country="XX")
    with pytest.raises(ValueError, match="ends before"):
        replace(CAL, weekly={0: ((time(17), time(8)),)})
    with pytest.raises(ValueError, match="weekday"):
        replace(CAL, weekly={7: ((time(8), time(17)),)})


def test_calendar_without_hours_fails_instead_of_spinning() -> None:
    closed = BusinessCalendar(name="closed", timezone="UTC", weekly={})
    started = stopwatch.perf_counter()
    with pytest.raises(ValueError, match="no business"):
        closed.next_business_instant(NOW)
    with pytest.raises(ValueError, match="no business"):
        closed.add_business_days(NOW, 1)
    assert stopwatch.perf_counter() - started < 5


def test_large_additions_walk_intervals_not_minutes() -> None:
    started = stopwatch.perf_counter()
    due = CAL.add_business_minutes(NOW, 100_000)
    assert CAL.business_minutes_between(NOW, due) == 100_000
    assert stopwatch.perf_counter() - started < 1
    with pytest.raises(ValueError, match="no business time"):
        CAL.add_business_minutes(NOW, 100_000_000)  # ~660 years of office hours


def test_minutes_between() -> None:
    start, end = bog(2026, 3, 6, 16, 0), bog(2026, 3, 9, 9, 0)
    assert CAL.business_minutes_between(start, start) == 0
    assert CAL.business_minutes_between(start, end) == 300
    assert CAL.business_minutes_between(end, start) == -300
    assert CAL.business_minutes_between(start, start + timedelta(seconds=30)) == 0.5


def test_overlapping_and_touching_hours_are_merged() -> None:
    pieces = ((time(13), time(17)), (time(8), time(12)), (time(12), time(14)))
    cal = replace(CAL, weekly={0: pieces})
    assert cal.weekly[0] == ((time(8), time(17)),)
    assert cal == replace(CAL, weekly={0: ((time(8), time(17)),)})


def test_dict_round_trip() -> None:
    cal = replace(
        NIGHTS,
        country="ES",
        subdivision="MD",
        custom_holidays=frozenset({date(2026, 5, 15)}),
        custom_working_days=frozenset({date(2026, 5, 18)}),
        extra_day_hours=((time(9, 30), time(13)),),
    )
    data = json.loads(json.dumps(cal.to_dict()))
    assert data["weekly"]["sat"] == [["20:00", "24:00"]]
    assert calendar_from_dict(data) == cal
    assert hash(calendar_from_dict(data)) == hash(cal)
    assert calendar_from_dict(DEFAULT_CALENDAR.to_dict()) == DEFAULT_CALENDAR
    numbered = {**data, "weekly": {"5": [["20:00", "24:00"]], 6: [["00:00", "06:00"]]}}
    assert calendar_from_dict(numbered) == cal
    with pytest.raises(ValueError, match="unknown"):
        calendar_from_dict({**data, "colour": "red"})
    with pytest.raises(ValueError, match="weekday"):
        calendar_from_dict({**data, "weekly": {"someday": []}})
    with pytest.raises(ValueError, match="needs"):
        calendar_from_dict({"name": "x", "weekly": {}})


# -- properties ------------------------------------------------------------------------------------

CALENDARS = st.sampled_from(
    [CAL, MADRID, NIGHTS, replace(CAL, custom_working_days=frozenset({date(2026, 3, 8)}))]
)
INSTANTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
MINUTES = st.integers(min_value=0, max_value=20_000)
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(CALENDARS, INSTANTS, MINUTES)
def test_add_then_measure_gives_the_same_minutes(cal, start, minutes) -> None:
    # Holds for any start: from a closed instant to the next opening there are 0 business
    # minutes, and adding from a closed instant is adding from the next opening.
    due = cal.add_business_minutes(start, minutes)
    assert cal.business_minutes_between(start, due) == minutes
    assert due == cal.add_business_minutes(cal.next_business_instant(start), minutes)


@PROPERTY
@given(CALENDARS, INSTANTS, MINUTES)
def test_result_is_never_in_closed_hours(cal, start, minutes) -> None:
    # Either open, or (only when minutes > 0) exactly the end of an open interval.
    due = cal.add_business_minutes(start, minutes)
    if minutes == 0:
        assert cal.is_business_time(due)
    else:
        assert cal.is_business_time(due) or cal.is_closing_instant(due)
        assert cal.is_business_time(due - timedelta(microseconds=1))


@PROPERTY
@given(CALENDARS, INSTANTS, INSTANTS, MINUTES, MINUTES)
def test_more_minutes_or_later_start_is_never_earlier(cal, s1, s2, m1, m2) -> None:
    s1, s2 = sorted((s1, s2))
    m1, m2 = sorted((m1, m2))
    assert cal.add_business_minutes(s1, m1) <= cal.add_business_minutes(s1, m2)
    assert cal.add_business_minutes(s1, m1) <= cal.add_business_minutes(s2, m1)


@PROPERTY
@given(CALENDARS, INSTANTS)
def test_next_business_instant(cal, instant) -> None:
    first = cal.next_business_instant(instant)
    assert first >= instant
    assert cal.is_business_time(first)
    assert cal.next_business_instant(first) == first
    assert cal.business_minutes_between(instant, first) == 0


@PROPERTY
@given(CALENDARS, INSTANTS, INSTANTS, INSTANTS)
def test_minutes_between_add_up(cal, a, b, c) -> None:
    a, b, c = sorted((a, b, c))
    ab = cal.business_time_between(a, b)
    assert ab + cal.business_time_between(b, c) == cal.business_time_between(a, c)
    assert cal.business_time_between(b, a) == -ab
    assert timedelta(0) <= ab <= b - a


@PROPERTY
@given(CALENDARS, INSTANTS, st.integers(min_value=0, max_value=30))
def test_business_days_land_on_business_time(cal, start, days) -> None:
    due = cal.add_business_days(start, days)
    assert cal.is_business_time(due) and due >= cal.next_business_instant(start)


@PROPERTY
@given(CALENDARS, INSTANTS, INSTANTS)
def test_first_allowed_out_of_hours_start_is_accepted(cal, requested, now) -> None:
    first = check_out_of_hours_request(cal, requested, now)
    if first is None:
        return
    assert not cal.is_business_time(requested)
    assert requested < first and first >= cal.add_business_days(now, 3)
    assert check_out_of_hours_request(cal, first, now) is None
    if cal.timezone == "America/Bogota":  # no DST: the requested time of day is kept
        assert cal.local(first).time() == cal.local(requested).time()
