"""Service levels (S2): SLA clocks derived from a ticket's own event history.

Pure: no database, no wall clock. `compute_clock` replays the events (EventView objects, rows,
or mappings with `at`, `actor`, `kind`, `visibility`, `data`) up to `now` and answers, for the
first-response and the resolution timer, how many business minutes have been used, what is
left, when it is due, and the running and paused intervals that explain it. Because every
figure comes from the history, it can be recomputed after any change and shown to anyone who
asks "why is this overdue?".

The rules, precisely:

- A timer counts business minutes (of the given calendar) only while it runs. It runs while
  the ticket is in any open state except `waiting`, where it pauses; `resolved`, `closed` and
  `cancelled` stop it. Leaving `waiting` resumes it with the minutes already used, so a pause
  pushes the due time back by exactly the paused business time and never causes a breach.
- Resolution: stopped by `resolve` (or a `close` straight from an open state) with the outcome
  met (used <= target) or breached; `reject`/`reopen` resume it with the same used minutes (the
  outcome is cleared); `cancel` stops it with no outcome ("stopped").
- First response: met by the first public comment of a staff member, or the first `wait` or
  `resolve` taken by staff (as TicketStore sets `first_response_at`); once met it stays met.
  `system`, customers and internal notes do not count. Otherwise it follows the same
  run/pause/stop rule as the resolution timer.
- A priority change (`recategorised` with `changes.priority`) switches the targets and keeps
  the used minutes: nothing restarts and no paused time is lost. A timer that already stopped
  is judged against the target in force when it stopped; a running or paused one against the
  current priority's target (so raising the priority of a ticket that has already used more
  than the new target makes it overdue at once: that is what the history says).
- `breached` means used > target; `risk` is "breached" then, else "warning" for a running or
  paused timer with used >= warning_ratio * target, else "ok".
- `due_at` is given while the timer runs: `calendar.add_business_minutes(now, remaining)`, or,
  when already overdue, the past instant at which the used minutes reached the target. It is
  None while paused or stopped (the due time then depends on when the clock resumes).
- Events after `now` are ignored, so the clock "as of" any past instant is the same call.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any, NamedTuple

from helpdesk_tui.store.calendar import MINUTE, BusinessCalendar

PAUSED_STATES = frozenset({"waiting", "testing"})  # testing: five-stage, the customer tests
RESOLVED_STATES = frozenset({"resolved", "closed"})  # stopping here is an outcome: met/breached
STOPPED_STATES = frozenset({"resolved", "closed", "cancelled"})
PRIORITIES = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class Target:
    response_minutes: int
    resolution_minutes: int

    def __post_init__(self) -> None:
        if self.response_minutes < 0 or self.resolution_minutes < 0:
            raise ValueError("SLA targets must be >= 0 business minutes")


@dataclass(frozen=True)
class SlaPolicy:
    name: str
    targets: Mapping[str, Target]  # by priority
    warning_ratio: float = 0.75
    default_priority: str = "normal"  # whose targets apply to a priority the policy lacks

    def __post_init__(self) -> None:
        if not 0 < self.warning_ratio <= 1:
            raise ValueError(f"warning_ratio must be in (0, 1], not {self.warning_ratio!r}")
        if self.default_priority not in self.targets:
            raise ValueError(f"policy {self.name!r} has no targets for {self.default_priority!r}")
        object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))

    def target_for(self, priority: str) -> Target:
        return self.targets.get(priority) or self.targets[self.default_priority]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "warning_ratio": self.warning_ratio,
            "default_priority": self.default_priority,
            "targets": {
                priority: {"response": t.response_minutes, "resolution": t.resolution_minutes}
                for priority, t in self.targets.items()
            },
        }


def policy_from_dict(data: Mapping[str, Any]) -> SlaPolicy:
    """The inverse of `SlaPolicy.to_dict`."""
    try:
        targets = {
            priority: Target(int(t["response"]), int(t["resolution"]))
            for priority, t in data["targets"].items()
        }
        return SlaPolicy(
            name=data["name"],
            targets=targets,
            warning_ratio=float(data.get("warning_ratio", 0.75)),
            default_priority=data.get("default_priority", "normal"),
        )
    except KeyError as exc:
        raise ValueError(f"SLA policy needs {exc.args[0]!r}") from exc
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"malformed SLA policy: {exc}") from exc


DEFAULT_POLICY = SlaPolicy(
    name="default",
    targets={
        "urgent": Target(30, 240),
        "high": Target(60, 480),
        "normal": Target(240, 1440),
        "low": Target(480, 2880),
    },
)


def policy_for_account(
    account: str | None,
    by_account: Mapping[str, SlaPolicy],
    default: SlaPolicy = DEFAULT_POLICY,
) -> SlaPolicy:
    """An account's own policy when it has one, else the default."""
    return by_account.get(account, default) if account is not None else default


@dataclass(frozen=True)
class SlaEvent:
    """A minimal event record; EventView and database rows work just as well."""

    at: datetime
    kind: str
    actor: str | None = "system"
    visibility: str = "public"
    data: Mapping[str, Any] = field(default_factory=dict)


class ClockInterval(NamedTuple):
    start: datetime
    end: datetime | None  # None: still going at `now`
    state: str  # running | paused
    reason: str  # the event kind that began it: created, wait, resume, reject, recategorised, ...


@dataclass(frozen=True)
class Timer:
    name: str  # response | resolution
    target_minutes: int
    used_minutes: int | float
    state: str  # running | paused | met | breached | stopped
    due_at: datetime | None
    met_at: datetime | None
    stopped_at: datetime | None
    warning_at: datetime | None  # while running: when used reaches warning_ratio * target
    intervals: tuple[ClockInterval, ...]
    warning_ratio: float = 0.75

    @property
    def remaining_minutes(self) -> int | float:
        return self.target_minutes - self.used_minutes

    @property
    def breached(self) -> bool:
        return self.used_minutes > self.target_minutes

    @property
    def risk(self) -> str:
        if self.breached:
            return "breached"
        if self.state in ("running", "paused") and (
            self.used_minutes >= self.warning_ratio * self.target_minutes
        ):
            return "warning"
        return "ok"

    def to_json(self, calendar: BusinessCalendar, now: datetime) -> dict[str, Any]:
        return {
            "target": self.target_minutes,
            "used": self.used_minutes,
            "remaining": self.remaining_minutes,
            "state": self.state,
            "breached": self.breached,
            "risk": self.risk,
            "due_at": _iso(self.due_at),
            "warning_at": _iso(self.warning_at),
            "met_at": _iso(self.met_at),
            "stopped_at": _iso(self.stopped_at),
            "intervals": [
                {
                    "start": _iso(i.start),
                    "end": _iso(i.end),
                    "state": i.state,
                    "reason": i.reason,
                    "minutes": _minutes(
                        calendar.business_time_between(i.start, i.end or max(now, i.start))
                    ),
                }
                for i in self.intervals
            ],
        }


@dataclass(frozen=True)
class SlaClock:
    priority: str
    status: str
    response: Timer
    resolution: Timer
    policy: SlaPolicy
    calendar: BusinessCalendar
    now: datetime

    def to_json(self) -> dict[str, Any]:
        """The explanation the ticket screen and `helpdesk ticket clock` render."""
        return {
            "calendar": self.calendar.name,
            "timezone": self.calendar.timezone,
            "policy": self.policy.name,
            "warning_ratio": self.policy.warning_ratio,
            "priority": self.priority,
            "status": self.status,
            "as_of": _iso(self.now),
            "response": self.response.to_json(self.calendar, self.now),
            "resolution": self.resolution.to_json(self.calendar, self.now),
        }


StaffTest = Callable[[str], bool] | Collection[str]


def compute_clock(
    events: Iterable[Any],
    *,
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    now: datetime,
    staff: StaffTest,
) -> SlaClock:
    """Replay a ticket's history up to `now` into its two SLA timers (see the module rules)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(timezone.utc)
    is_staff = staff if callable(staff) else staff.__contains__
    history = sorted(
        (_record(e) for e in events), key=lambda e: e.at
    )  # stable: same-instant events keep the given order
    history = [e for e in history if e.at <= now]
    if not history or history[0].kind != "created":
        raise ValueError("an SLA clock needs the ticket's history, starting with 'created'")

    created = history[0]
    priority = str(created.data.get("priority") or policy.default_priority)
    status = "new"
    response = _TimerRun("response", calendar)
    resolution = _TimerRun("resolution", calendar)
    response.run(created.at, "created")
    resolution.run(created.at, "created")

    for event in history[1:]:
        if event.kind == "recategorised":
            change = (event.data.get("changes") or {}).get("priority")
            if change and change[1] and change[1] != priority:
                priority = str(change[1])
                response.split(event.at, "recategorised")
                resolution.split(event.at, "recategorised")
            continue
        if not response.done and _is_first_response(event, is_staff):
            response.finish(event.at, outcome=True, priority=priority)
        new_status = (event.data or {}).get("to") if event.kind != "comment" else None
        if not new_status or new_status == status:
            continue
        status = str(new_status)
        for timer in (response, resolution):
            if timer.done:
                continue
            if status in PAUSED_STATES:
                timer.pause(event.at, event.kind)
            elif status in STOPPED_STATES:
                # Only a resolution has an outcome when the ticket stops; an unanswered ticket
                # that is closed has no first response to judge.
                outcome = timer is resolution and status in RESOLVED_STATES
                timer.finish(event.at, outcome=outcome, priority=priority)
            else:
                timer.run(event.at, event.kind)

    ratio = policy.warning_ratio
    return SlaClock(
        priority=priority,
        status=status,
        response=response.timer(now, policy, priority, ratio, lambda t: t.response_minutes),
        resolution=resolution.timer(now, policy, priority, ratio, lambda t: t.resolution_minutes),
        policy=policy,
        calendar=calendar,
        now=now,
    )


# -- replay ------------------------------------------------------------------------------------


class _TimerRun:
    """One timer being replayed: used time so far and the intervals that explain it."""

    def __init__(self, name: str, calendar: BusinessCalendar) -> None:
        self.name = name
        self.calendar = calendar
        self.used = timedelta(0)
        self.intervals: list[ClockInterval] = []
        self.mode = "stopped"  # running | paused | stopped
        self.outcome: bool | None = None  # True: met/breached; False: stopped without outcome
        self.stopped_at: datetime | None = None
        self.stopped_priority: str | None = None
        self.done = False  # the first response, once given, is final

    def _close(self, at: datetime) -> None:
        if self.mode in ("running", "paused"):
            start, _, state, reason = self.intervals[-1]
            self.intervals[-1] = ClockInterval(start, at, state, reason)
            if state == "running":
                self.used += self.calendar.business_time_between(start, at)

    def _open(self, at: datetime, mode: str, reason: str) -> None:
        self._close(at)
        self.intervals.append(ClockInterval(at, None, mode, reason))
        self.mode = mode
        self.outcome = None
        self.stopped_at = self.stopped_priority = None

    def run(self, at: datetime, reason: str) -> None:
        if self.mode != "running":
            self._open(at, "running", reason)

    def pause(self, at: datetime, reason: str) -> None:
        if self.mode != "paused":
            self._open(at, "paused", reason)

    def split(self, at: datetime, reason: str) -> None:
        """A new interval in the same state, so the explanation shows the priority change."""
        if self.mode in ("running", "paused") and self.intervals[-1].start < at:
            self._open(at, self.mode, reason)

    def finish(self, at: datetime, *, outcome: bool, priority: str) -> None:
        if self.mode == "stopped":
            return
        self._close(at)
        self.mode = "stopped"
        self.outcome = outcome
        self.stopped_at = at
        self.stopped_priority = priority
        if self.name == "response" and outcome:
            self.done = True

    def timer(
        self,
        now: datetime,
        policy: SlaPolicy,
        priority: str,
        ratio: float,
        pick: Callable[[Target], int],
    ) -> Timer:
        used = self.used
        if self.mode == "running":
            used += self.calendar.business_time_between(self.intervals[-1].start, now)
        judged_priority = self.stopped_priority if self.mode == "stopped" else priority
        target = pick(policy.target_for(judged_priority or priority))
        used_minutes = _minutes(used)
        if self.mode == "stopped":
            if self.outcome:
                state = "met" if used_minutes <= target else "breached"
            else:
                state = "stopped"
        else:
            state = self.mode
        due_at = warning_at = None
        if self.mode == "running":
            due_at = self._instant_at(timedelta(minutes=target), now)
            warning_at = self._instant_at(timedelta(minutes=target * ratio), now)
        return Timer(
            name=self.name,
            target_minutes=target,
            used_minutes=used_minutes,
            state=state,
            due_at=due_at,
            met_at=self.stopped_at if state == "met" else None,
            stopped_at=self.stopped_at if self.mode == "stopped" else None,
            warning_at=warning_at,
            intervals=tuple(self.intervals),
            warning_ratio=ratio,
        )

    def _instant_at(self, amount: timedelta, now: datetime) -> datetime:
        """When the running time reaches `amount`: in the past if it already has."""
        counted = timedelta(0)
        for start, end, state, _ in self.intervals:
            if state != "running":
                continue
            span = self.calendar.business_time_between(start, end or now)
            if span > timedelta(0) and counted + span >= amount:
                return self.calendar.add_business_minutes(start, (amount - counted) / MINUTE)
            counted += span
        return self.calendar.add_business_minutes(now, (amount - counted) / MINUTE)


def _is_first_response(event: SlaEvent, is_staff: Callable[[str], bool]) -> bool:
    if not event.actor or event.actor == "system" or not is_staff(event.actor):
        return False
    if event.kind == "comment":
        return event.visibility == "public"
    return event.kind in ("wait", "resolve")


def _record(event: Any) -> SlaEvent:
    if isinstance(event, SlaEvent):
        record = event
    elif isinstance(event, Mapping):
        record = SlaEvent(
            at=event["at"],
            kind=event["kind"],
            actor=event.get("actor"),
            visibility=event.get("visibility") or "public",
            data=event.get("data") or {},
        )
    else:
        record = SlaEvent(
            at=event.at,
            kind=event.kind,
            actor=getattr(event, "actor", None),
            visibility=getattr(event, "visibility", None) or "public",
            data=getattr(event, "data", None) or {},
        )
    if record.at.tzinfo is None or record.at.utcoffset() is None:
        raise ValueError(f"naive event time {record.at}: SLA clocks need time zones")
    return record


def _minutes(span: timedelta) -> int | float:
    minutes = span / MINUTE
    return int(minutes) if minutes.is_integer() else minutes


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.astimezone(timezone.utc).isoformat()
