"""Service levels kept in the database: named calendars, named SLA policies, and what each
account and area uses (S1, S2), plus the requested work window rule (S3).

Which calendar a ticket uses: its area's calendar, else its account's, else the calendar named
"default", else the built-in `DEFAULT_CALENDAR` (seed 003). The area wins because the people
who keep the hours are the area's. Which SLA policy: its account's, else the policy named
"default", else the built-in `DEFAULT_POLICY`. A name that no stored calendar or policy has
falls back the same way (setting one checks the name, so that only happens after a rename).

Only administrators change any of this (`actor=None` is the trusted local administrator).
Definitions are read fresh in every change's transaction (one small statement) and parsed
once per distinct definition, so another process's change applies at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk_tui.store import clock
from helpdesk_tui.store.calendar import (
    DEFAULT_CALENDAR,
    BusinessCalendar,
    calendar_from_dict,
    check_out_of_hours_request,
)
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.errors import NotFound, NotPermitted, ValidationFailed
from helpdesk_tui.store.models import Account, Area, SlaCalendarRecord, SlaPolicyRecord, Ticket
from helpdesk_tui.store.permissions import Actor
from helpdesk_tui.store.sla import DEFAULT_POLICY, PRIORITIES, SlaPolicy, policy_from_dict
from helpdesk_tui.text import strip_controls

DEFAULT_NAME = "default"
DEFAULT_AUTO_CLOSE_DAYS = 3
OUT_OF_HOURS_NOTICE_DAYS = 3  # S3 (seed 003)
NAME_MAX = 64
UNSET: Any = object()


@dataclass(frozen=True)
class LevelsView:
    """What an account or an area uses (None: the fallback described in the module)."""

    kind: str  # account | area
    name: str
    calendar: str | None
    lifecycle: str | None
    sla_policy: str | None = None
    auto_close_days: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "calendar": self.calendar, "lifecycle": self.lifecycle}
        if self.kind == "account":
            out.update(sla_policy=self.sla_policy, auto_close_days=self.auto_close_days)
        return out


def require_admin(actor: Actor | None) -> None:
    if actor is not None and actor.role != "admin":
        raise NotPermitted("only an administrator may change service levels")


def _clean_name(value: str | None, field: str) -> str:
    cleaned = strip_controls(value or "", single_line=True).strip()
    if not cleaned:
        raise ValidationFailed({field: "a name is required"})
    if len(cleaned) > NAME_MAX:
        raise ValidationFailed({field: ("at most {max} characters", {"max": NAME_MAX})})
    return cleaned


class ServiceLevelStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------------ calendars

    async def set_calendar(
        self, actor: Actor | None, name: str, definition: Mapping[str, Any]
    ) -> BusinessCalendar:
        """Create or replace a named calendar (the `BusinessCalendar.to_dict` form)."""
        require_admin(actor)
        name = _clean_name(name, "name")
        try:
            calendar = calendar_from_dict({**definition, "name": name})
        except (ValueError, TypeError) as exc:
            raise ValidationFailed({"calendar": ("not a valid calendar: {reason}", {"reason": str(exc)})}) from None
        await self._put(SlaCalendarRecord, name, calendar.to_dict())
        return calendar

    async def calendars(self) -> list[BusinessCalendar]:
        """The stored calendars, and the built-in default unless one replaces it."""
        found = [_calendar(_canonical(d)) for d in await self._definitions(SlaCalendarRecord)]
        if all(c.name != DEFAULT_NAME for c in found):
            found.insert(0, DEFAULT_CALENDAR)
        return found

    # ------------------------------------------------------------------- policies

    async def set_policy(
        self, actor: Actor | None, name: str, definition: Mapping[str, Any]
    ) -> SlaPolicy:
        """Create or replace a named policy (the `SlaPolicy.to_dict` form)."""
        require_admin(actor)
        name = _clean_name(name, "name")
        try:
            policy = policy_from_dict({**definition, "name": name})
        except (ValueError, TypeError) as exc:
            raise ValidationFailed({"policy": ("not a valid SLA policy: {reason}", {"reason": str(exc)})}) from None
        unknown = sorted(set(policy.targets) - set(PRIORITIES))
        if unknown:
            raise ValidationFailed({"policy": ("unknown priority: {value}", {"value": ", ".join(unknown)})})
        await self._put(SlaPolicyRecord, name, policy.to_dict())
        return policy

    async def policies(self) -> list[SlaPolicy]:
        found = [_policy(_canonical(d)) for d in await self._definitions(SlaPolicyRecord)]
        if all(p.name != DEFAULT_NAME for p in found):
            found.insert(0, DEFAULT_POLICY)
        return found

    async def _put(self, model: Any, name: str, definition: dict[str, Any]) -> None:
        async with self.db.write() as session:
            record = await session.get(model, name)
            if record is None:
                session.add(model(name=name, definition=definition, updated_at=clock.now()))
            else:
                record.definition = definition
                record.updated_at = clock.now()

    async def _definitions(self, model: Any) -> list[dict[str, Any]]:
        async with self.db.read() as session:
            return list((await session.scalars(select(model.definition).order_by(model.name))).all())

    # ----------------------------------------------------------- accounts and areas

    async def set_account(
        self,
        actor: Actor | None,
        name: str,
        *,
        calendar: str | None = UNSET,
        sla_policy: str | None = UNSET,
        auto_close_days: int | None = UNSET,
        lifecycle: str | None = UNSET,
    ) -> LevelsView:
        """Change what an account uses; "" or None clears a name (back to the fallback)."""
        require_admin(actor)
        if auto_close_days is not UNSET and auto_close_days is not None and auto_close_days < 0:
            raise ValidationFailed({"auto_close_days": "the number of days must be 0 or more"})
        async with self.db.write() as session:
            account = await session.scalar(
                select(Account).where(func.lower(Account.name) == name.strip().lower())
            )
            if account is None:
                raise NotFound("no such account: {name}", name=name)
            if calendar is not UNSET:
                account.calendar = await _known(session, SlaCalendarRecord, calendar, "calendar")
            if sla_policy is not UNSET:
                account.sla_policy = await _known(session, SlaPolicyRecord, sla_policy, "policy")
            if auto_close_days is not UNSET:
                account.auto_close_days = auto_close_days
            if lifecycle is not UNSET:
                account.lifecycle = _lifecycle(lifecycle)
            await session.flush()
            return _account_view(account)

    async def set_area(
        self,
        actor: Actor | None,
        name: str,
        *,
        calendar: str | None = UNSET,
        lifecycle: str | None = UNSET,
    ) -> LevelsView:
        require_admin(actor)
        async with self.db.write() as session:
            area = await session.scalar(select(Area).where(func.lower(Area.name) == name.strip().lower()))
            if area is None:
                raise NotFound("no such area: {name}", name=name)
            if calendar is not UNSET:
                area.calendar = await _known(session, SlaCalendarRecord, calendar, "calendar")
            if lifecycle is not UNSET:
                area.lifecycle = _lifecycle(lifecycle)
            await session.flush()
            return LevelsView("area", area.name, area.calendar, area.lifecycle)

    async def accounts(self) -> list[LevelsView]:
        async with self.db.read() as session:
            rows = (await session.scalars(select(Account).order_by(Account.name))).all()
            return [_account_view(a) for a in rows]

    async def areas(self) -> list[LevelsView]:
        async with self.db.read() as session:
            rows = (await session.scalars(select(Area).order_by(Area.name))).all()
            return [LevelsView("area", a.name, a.calendar, a.lifecycle) for a in rows]


def _account_view(account: Account) -> LevelsView:
    return LevelsView(
        "account", account.name, account.calendar, account.lifecycle, account.sla_policy,
        account.auto_close_days,
    )  # fmt: skip


async def _known(session: AsyncSession, model: Any, name: str | None, field: str) -> str | None:
    if name is None or not name.strip():
        return None
    name = name.strip()
    if name == DEFAULT_NAME or await session.get(model, name) is not None:
        return name
    if field == "calendar":
        raise ValidationFailed({field: ("no such calendar: {name}", {"name": name})})
    raise ValidationFailed({field: ("no such SLA policy: {name}", {"name": name})})


def _lifecycle(name: str | None) -> str | None:
    from helpdesk_tui.store.lifecycle import LIFECYCLES

    if name is None or not name.strip():
        return None
    if name.strip() not in LIFECYCLES:
        raise ValidationFailed(
            {"lifecycle": ("no such lifecycle: {name} (known: {known})",
                           {"name": name, "known": ", ".join(sorted(LIFECYCLES))})}
        )  # fmt: skip
    return name.strip()


# ------------------------------------------------------------------ what a ticket uses


def _levels_select(name_of_calendar: Any, name_of_policy: Any) -> list[Any]:
    def definition(model: Any, name: Any) -> Any:
        return select(model.definition).where(model.name == name).scalar_subquery()

    return [
        definition(SlaCalendarRecord, name_of_calendar),
        definition(SlaCalendarRecord, literal(DEFAULT_NAME)),
        definition(SlaPolicyRecord, name_of_policy),
        definition(SlaPolicyRecord, literal(DEFAULT_NAME)),
    ]


async def levels_for_ticket(session: AsyncSession, ticket_id: int) -> tuple[BusinessCalendar, SlaPolicy]:
    """The calendar and SLA policy a ticket uses now (one statement)."""
    stmt = (
        select(*_levels_select(func.coalesce(Area.calendar, Account.calendar), Account.sla_policy))
        .select_from(Ticket)
        .join(Account, Account.id == Ticket.account_id)
        .outerjoin(Area, Area.id == Ticket.area_id)
        .where(Ticket.id == ticket_id)
    )
    return _pick((await session.execute(stmt)).first())


async def levels_for(
    session: AsyncSession, account_id: int | None, area_id: int | None
) -> tuple[BusinessCalendar, SlaPolicy]:
    """The calendar and SLA policy of a ticket of this account and area (before it exists)."""
    area_calendar = select(Area.calendar).where(Area.id == area_id).scalar_subquery()
    stmt = select(
        *_levels_select(func.coalesce(area_calendar, Account.calendar), Account.sla_policy)
    ).where(Account.id == account_id)
    return _pick((await session.execute(stmt)).first())


def _pick(row: Any) -> tuple[BusinessCalendar, SlaPolicy]:
    own_cal, default_cal, own_policy, default_policy = row if row is not None else (None,) * 4
    cal_def = own_cal or default_cal
    policy_def = own_policy or default_policy
    calendar = _calendar(_canonical(cal_def)) if cal_def else DEFAULT_CALENDAR
    policy = _policy(_canonical(policy_def)) if policy_def else DEFAULT_POLICY
    return calendar, policy


def _canonical(definition: Any) -> str:
    if isinstance(definition, str):  # some drivers hand JSON back as text
        definition = json.loads(definition)
    return json.dumps(definition, sort_keys=True)


@lru_cache(maxsize=128)
def _calendar(definition: str) -> BusinessCalendar:
    # Cached by definition: the calendar object also keeps its per-day interval cache.
    return calendar_from_dict(json.loads(definition))


@lru_cache(maxsize=128)
def _policy(definition: str) -> SlaPolicy:
    return policy_from_dict(json.loads(definition))


async def auto_close_days(session: AsyncSession, account_id: int) -> int:
    days = await session.scalar(select(Account.auto_close_days).where(Account.id == account_id))
    return DEFAULT_AUTO_CLOSE_DAYS if days is None else days


# ---------------------------------------------------------------------- S3: work windows


def check_work_window(
    window: tuple[datetime, datetime] | None, calendar: BusinessCalendar, now: datetime
) -> dict[str, datetime | None]:
    """The ticket columns of a requested work window, or the reason it is refused.

    Work outside business hours must start at least three business days ahead (seed 003);
    the refusal names the first allowed start on the calendar's own clock.
    """
    if window is None:
        return {}
    # Times without an offset are read on the calendar's own clock.
    start, end = (
        t.replace(tzinfo=calendar.zone) if t.tzinfo is None or t.utcoffset() is None else t
        for t in window
    )
    if end <= start:
        raise ValidationFailed({"work_window": "the work window must end after it starts"})
    if start < now:
        raise ValidationFailed({"work_window": "the work window cannot start in the past"})
    first = check_out_of_hours_request(calendar, start, now, OUT_OF_HOURS_NOTICE_DAYS)
    if first is not None:
        local = calendar.local(first)
        raise ValidationFailed(
            {"work_window": (
                "work outside business hours must be requested {days} business days ahead; "
                "the first allowed start is {date}",
                {"days": OUT_OF_HOURS_NOTICE_DAYS,
                 "date": f"{local:%Y-%m-%d %H:%M} ({calendar.timezone})"},
            )}
        )  # fmt: skip
    return {"work_start_at": start, "work_end_at": end}


def parse_work_window(text: str) -> tuple[datetime, datetime]:
    """"START..END" in ISO 8601 (offsets optional), e.g. 2026-03-14T20:00-05:00..2026-03-14T23:00-05:00."""
    parts = text.split("..")
    if len(parts) != 2:
        raise ValidationFailed({"work_window": "write the window as START..END, e.g. 2026-03-14T20:00..2026-03-14T23:00"})
    try:
        start, end = (datetime.fromisoformat(p.strip()) for p in parts)
    except ValueError:
        raise ValidationFailed({"work_window": "write the window as START..END, e.g. 2026-03-14T20:00..2026-03-14T23:00"}) from None
    return start, end
