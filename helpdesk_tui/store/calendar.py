"""Business calendars: when the help desk is open, and arithmetic in business time.

Pure and separately testable: no database, no clock. Every instant going in must be
timezone-aware (a naive one raises ValueError); every instant coming out is in UTC (use
`BusinessCalendar.local` to show it).

Conventions, precisely:

- A day's opening hours are half-open intervals of local wall time, `[start, end)`: at 08:00
  the desk is open, at 17:00 it is closed. `time(0)` as an end means midnight at the end of the
  day (written "24:00" in JSON). Overlapping or touching intervals are merged.
- Which hours apply on a local date: a custom working day uses `extra_day_hours` (default: the
  Monday hours) even if it is a weekend or holiday; otherwise a national or custom holiday is
  closed; otherwise the weekday's hours.
- Business minutes are elapsed minutes inside open intervals, so they are right across DST
  changes. Local times that do not exist or occur twice on a DST day are read with fold=0
  (PEP 495: the offset in force before the change).
- `add_business_minutes(start, n)`: the clock starts at `next_business_instant(start)`, so a
  start outside hours behaves like the next opening. When the minutes run out exactly at the
  end of an interval the result is that end (Friday 16:00 + 60 = Friday 17:00, a closing
  instant), not the next opening; any other result is business time. n = 0 gives the next
  business instant.
- `add_business_days(start, n)`: the same local time of day on the n-th business day after the
  day of `next_business_instant(start)`; if the desk is closed at that time on that day, the
  next business instant after it (so the result never falls before that n-th business day).
- `business_minutes_between(a, b)`: an int when the span is whole minutes, else a float;
  negative when b is before a. It is 0 from a closed instant to the next opening, so
  `business_minutes_between(s, add_business_minutes(s, n)) == n` for every s, open or not.
- S3: an out-of-hours start must be at or after `add_business_days(now, 3)`; the first allowed
  start offered keeps the requested local time of day, on the first day that passes.
- Loops walk interval by interval and stop after `HORIZON_DAYS` (about 20 years) with
  ValueError, so a calendar without hours cannot spin forever.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Hours = tuple[tuple[time, time], ...]
Interval = tuple[datetime, datetime]

HORIZON_DAYS = 20 * 366
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = timedelta(minutes=1)
_DAY_CACHE_LIMIT = 20_000


@lru_cache(maxsize=256)
def national_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """Public holidays of a country (optionally a subdivision) in a year, moved ones included."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@dataclass(frozen=True, eq=True)
class BusinessCalendar:
    name: str
    timezone: str
    weekly: Mapping[int, Hours]  # 0 = Monday; a missing day is closed
    country: str | None = None
    custom_holidays: frozenset[date] = frozenset()
    custom_working_days: frozenset[date] = frozenset()
    extra_day_hours: Hours | None = None  # hours on a custom working day; None = Monday's
    subdivision: str | None = None  # e.g. "MD" for Madrid's regional holidays
    _days: dict[date, tuple[Interval, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        weekly = {}
        for day, hours in self.weekly.items():
            if not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {day!r}")
            merged = _normalise_hours(hours)
            if merged:
                weekly[day] = merged
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        if self.extra_day_hours is not None:
            object.__setattr__(self, "extra_day_hours", _normalise_hours(self.extra_day_hours))
        object.__setattr__(self, "custom_holidays", frozenset(self.custom_holidays))
        object.__setattr__(self, "custom_working_days", frozenset(self.custom_working_days))
        clash = self.custom_holidays & self.custom_working_days
        if clash:
            raise ValueError(f"dates both holiday and working day: {sorted(clash)}")
        if self.country is not None:
            try:
                holidays.country_holidays(self.country, subdiv=self.subdivision)
            except NotImplementedError as exc:
                where = self.country + (f"/{self.subdivision}" if self.subdivision else "")
                raise ValueError(f"no holidays known for {where!r}") from exc

    def __hash__(self) -> int:
        return hash(
            (
                self.name,
                self.timezone,
                tuple(sorted(self.weekly.items())),
                self.country,
                self.subdivision,
                self.custom_holidays,
                self.custom_working_days,
                self.extra_day_hours,
            )
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, instant: datetime) -> datetime:
        """The instant on this calendar's wall clock."""
        return _aware(instant).astimezone(self.zone)

    # -- days ---------------------------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        if day in self.custom_holidays:
            return True
        return self.country is not None and day in national_holidays(
            self.country, self.subdivision, day.year
        )

    def hours_on(self, day: date) -> Hours:
        """Opening hours (local wall time) on a local date; empty when closed."""
        if day in self.custom_working_days:
            if self.extra_day_hours is not None:
                return self.extra_day_hours
            return self.weekly.get(0, ())
        if self.is_holiday(day):
            return ()
        return self.weekly.get(day.weekday(), ())

    def is_business_day(self, day: date) -> bool:
        return bool(self.hours_on(day))

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The open intervals of a local date as UTC instants, sorted and disjoint."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        zone = self.zone
        spans = []
        for start, end in self.hours_on(day):
            end_day = day + timedelta(days=1) if end == time(0) else day
            a = datetime.combine(day, start, tzinfo=zone).astimezone(timezone.utc)
            b = datetime.combine(end_day, end, tzinfo=zone).astimezone(timezone.utc)
            if b > a:
                spans.append((a, b))
        # On a spring-forward day two local spans can land on the same UTC span: merge again.
        result = tuple(_merge(spans))
        if len(self._days) > _DAY_CACHE_LIMIT:
            self._days.clear()
        self._days[day] = result
        return result

    def _intervals_from(self, instant: datetime) -> Iterator[Interval]:
        """Open intervals ending after `instant`, in order, up to the horizon."""
        day = instant.astimezone(self.zone).date()
        for offset in range(HORIZON_DAYS):
            for a, b in self.intervals_on(day + timedelta(days=offset)):
                if b > instant:
                    yield a, b
        raise ValueError(
            f"calendar {self.name!r} has no business time within {HORIZON_DAYS} days of {instant}"
        )

    # -- instants -----------------------------------------------------------------------------

    def is_business_time(self, instant: datetime) -> bool:
        instant = _aware(instant)
        day = instant.astimezone(self.zone).date()
        return any(a <= instant < b for a, b in self.intervals_on(day))

    def is_closing_instant(self, instant: datetime) -> bool:
        """True when the instant is exactly the end of an open interval (e.g. Friday 17:00)."""
        instant = _aware(instant)
        day = instant.astimezone(self.zone).date()
        for candidate in (day, day - timedelta(days=1)):  # an interval ending at 24:00
            if any(b == instant for _, b in self.intervals_on(candidate)):
                return True
        return False

    def next_business_instant(self, instant: datetime) -> datetime:
        """The instant itself if the desk is open then, else the next opening."""
        instant = _aware(instant).astimezone(timezone.utc)
        a, _ = next(self._intervals_from(instant))
        return max(a, instant)

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        if not math.isfinite(minutes) or minutes < 0:
            raise ValueError(f"minutes must be a finite number >= 0, not {minutes!r}")
        instant = _aware(start).astimezone(timezone.utc)
        if minutes == 0:
            return self.next_business_instant(instant)
        remaining = timedelta(minutes=minutes)
        for a, b in self._intervals_from(instant):
            begin = max(a, instant)
            if remaining <= b - begin:
                return begin + remaining
            remaining -= b - begin
        raise AssertionError("unreachable: _intervals_from raises at the horizon")

    def add_business_days(self, start: datetime, days: int) -> datetime:
        if days < 0:
            raise ValueError(f"days must be >= 0, not {days!r}")
        begin = self.next_business_instant(start).astimezone(self.zone)
        day = begin.date()
        for _ in range(days):
            day = self._next_business_day(day)
        target = datetime.combine(day, begin.time(), tzinfo=self.zone)
        return self.next_business_instant(target)

    def _next_business_day(self, day: date) -> date:
        for offset in range(1, HORIZON_DAYS):
            candidate = day + timedelta(days=offset)
            if self.intervals_on(candidate):
                return candidate
        raise ValueError(f"calendar {self.name!r} has no business day within {HORIZON_DAYS} days")

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Open time from a to b; negative when b is before a."""
        a = _aware(a).astimezone(timezone.utc)
        b = _aware(b).astimezone(timezone.utc)
        if a > b:
            return -self.business_time_between(b, a)
        if b - a > timedelta(days=HORIZON_DAYS):
            raise ValueError(f"span longer than {HORIZON_DAYS} days")
        total = timedelta(0)
        first = a.astimezone(self.zone).date()
        last = b.astimezone(self.zone).date()
        for offset in range((last - first).days + 1):
            for start, end in self.intervals_on(first + timedelta(days=offset)):
                overlap = min(end, b) - max(start, a)
                if overlap > timedelta(0):
                    total += overlap
        return total

    def business_minutes_between(self, a: datetime, b: datetime) -> int | float:
        """Business minutes from a to b: an int when whole, negative when b is before a."""
        minutes = self.business_time_between(a, b) / MINUTE
        return int(minutes) if minutes.is_integer() else minutes

    # -- JSON -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "timezone": self.timezone,
            "weekly": {WEEKDAY_NAMES[d]: _hours_to_json(h) for d, h in sorted(self.weekly.items())},
            "country": self.country,
            "subdivision": self.subdivision,
            "custom_holidays": sorted(d.isoformat() for d in self.custom_holidays),
            "custom_working_days": sorted(d.isoformat() for d in self.custom_working_days),
            "extra_day_hours": (
                None if self.extra_day_hours is None else _hours_to_json(self.extra_day_hours)
            ),
        }


def calendar_from_dict(data: Mapping[str, Any]) -> BusinessCalendar:
    """The inverse of `BusinessCalendar.to_dict`; weekdays may be "mon".."sun" or 0..6."""
    known = {
        "name", "timezone", "weekly", "country", "subdivision",
        "custom_holidays", "custom_working_days", "extra_day_hours",
    }  # fmt: skip
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown calendar keys: {sorted(unknown)}")
    try:
        weekly = {_weekday(key): _hours_from_json(hours) for key, hours in data["weekly"].items()}
        extra = data.get("extra_day_hours")
        return BusinessCalendar(
            name=data["name"],
            timezone=data["timezone"],
            weekly=weekly,
            country=data.get("country"),
            subdivision=data.get("subdivision"),
            custom_holidays=frozenset(map(date.fromisoformat, data.get("custom_holidays", ()))),
            custom_working_days=frozenset(
                map(date.fromisoformat, data.get("custom_working_days", ()))
            ),
            extra_day_hours=None if extra is None else _hours_from_json(extra),
        )
    except KeyError as exc:
        raise ValueError(f"calendar needs {exc.args[0]!r}") from exc
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"malformed calendar: {exc}") from exc


# -- S3: work outside business hours -----------------------------------------------------------


def earliest_out_of_hours_start(
    calendar: BusinessCalendar, requested_at: datetime, now: datetime, business_days: int = 3
) -> datetime:
    """The first instant at the requested local time of day that is `business_days` ahead.

    "Ahead" means at or after `calendar.add_business_days(now, business_days)`.
    """
    threshold = calendar.add_business_days(now, business_days)
    wall = calendar.local(requested_at).time()
    day = calendar.local(threshold).date()
    for offset in range(3):  # DST can push the requested wall time to before the threshold
        candidate = datetime.combine(day + timedelta(days=offset), wall, tzinfo=calendar.zone)
        if candidate >= threshold:
            return candidate.astimezone(timezone.utc)
    raise AssertionError("unreachable: a later day always passes the threshold")


def check_out_of_hours_request(
    calendar: BusinessCalendar, requested_at: datetime, now: datetime, business_days: int = 3
) -> datetime | None:
    """None when the requested start is acceptable, else the first allowed start.

    Inside business hours anything is accepted (other rules, such as "not in the past", live
    elsewhere); outside them the start must be at least `business_days` business days ahead.
    """
    if calendar.is_business_time(requested_at):
        return None
    if _aware(requested_at) >= calendar.add_business_days(now, business_days):
        return None
    return earliest_out_of_hours_start(calendar, requested_at, now, business_days)


# -- helpers ------------------------------------------------------------------------------------


def _aware(instant: datetime) -> datetime:
    if not isinstance(instant, datetime):
        raise TypeError(f"expected a datetime, not {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant}: business time needs a time zone")
    return instant


def _end_key(end: time) -> tuple[int, time]:
    return (1, time(0)) if end == time(0) else (0, end)  # time(0) as an end is 24:00


def _normalise_hours(hours: Iterable[tuple[time, time]]) -> Hours:
    spans = []
    for start, end in hours:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("opening hours are local wall times, without tzinfo")
        if _end_key(end) <= (0, start):
            raise ValueError(f"interval {start}-{end} ends before it starts")
        spans.append((start, end))
    spans.sort(key=lambda span: (span[0], _end_key(span[1])))
    merged: list[tuple[time, time]] = []
    for start, end in spans:
        if merged and (0, start) <= _end_key(merged[-1][1]):
            if _end_key(end) > _end_key(merged[-1][1]):
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _merge(spans: list[Interval]) -> Iterator[Interval]:
    spans.sort()
    current: Interval | None = None
    for a, b in spans:
        if current and a <= current[1]:
            current = (current[0], max(current[1], b))
            continue
        if current:
            yield current
        current = (a, b)
    if current:
        yield current


def _hours_to_json(hours: Hours) -> list[list[str]]:
    return [[_clock(start), "24:00" if end == time(0) else _clock(end)] for start, end in hours]


def _clock(moment: time) -> str:
    return moment.isoformat("minutes" if not (moment.second or moment.microsecond) else "auto")


def _hours_from_json(hours: Iterable[Iterable[str]]) -> Hours:
    return tuple(
        (time.fromisoformat(start), time(0) if end == "24:00" else time.fromisoformat(end))
        for start, end in hours
    )


def _weekday(key: str | int) -> int:
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return int(key)
    try:
        return WEEKDAY_NAMES.index(key.lower()[:3])
    except ValueError:
        raise ValueError(f"unknown weekday {key!r}") from None


_WEEKDAY_HOURS = ((time(8), time(17)),)

DEFAULT_CALENDAR = BusinessCalendar(
    name="default",
    timezone="America/Bogota",
    weekly={**{day: _WEEKDAY_HOURS for day in range(5)}, 5: ((time(9), time(12)),)},
    country="CO",
)
