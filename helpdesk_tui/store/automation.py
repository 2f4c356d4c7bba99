"""The automation: SLA breach checks and actions taken after the requester's silence.

`run_automation` is one pass of both rules. Any number of passes may run at once, in any
number of processes: every change is a conditional UPDATE (or happens under the ticket's row
lock, after re-reading the ticket), so each breach is notified once and each ticket is closed
once.

Breaches. A ticket's `response_due_at` / `resolution_due_at` are set while that timer runs (the
clock from its bitácora, store/sla.py) and cleared while it is paused or stopped. When a due
time has passed and is not yet the one recorded in `*_breach_due_at`, the pass records it there
and appends an internal `sla_breached` event (actor: the system) with
`{"timer", "due_at", "supervisors"}` — the usernames of the supervisors of the ticket's area
(every supervisor for a ticket with no area). A later due time (a priority change, a pause)
that passes again is a new breach. A partial index holds only running timers not yet
notified, so the scan reads nothing it has already handled.

Silence. Each lifecycle lists (state, action) pairs in `Lifecycle.silence`. A ticket in such a
state whose requester or contact has written nothing for N business days — N is the account's
`auto_close_days` (None: 3; 0: never), counted on the ticket's calendar from when it entered
the state or from the requester's last public comment, whichever is later — gets that action
taken by the system (`system_act`): the transition row's target and effects, counts, SLA and
version as for any action, and an event of that kind with actor None and
`{"from", "to", "reason": "silence", "business_days": N}`. `tickets.silence_since` (kept by
the ticket store; rows loaded without it get their creation time) only narrows the scan; the
decision is taken from the bitácora, under the ticket's lock.

A pass does at most `PER_PASS` of each, so one over a database far behind stays short; the next
pass goes on from there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk_tui.store import clock
from helpdesk_tui.store.bitacora import log_event
from helpdesk_tui.store.models import Account, AreaMember, Event, Ticket, User
from helpdesk_tui.store.permissions import Actor

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.tickets import TicketStore
    from helpdesk_tui.store.views import TicketRow

BATCH = 500
# At most this many breaches and this many silence actions per pass, so that a pass over a
# database that has fallen far behind stays short; the next pass goes on where it stopped.
PER_PASS = 2000
TIMERS = ("response", "resolution")
# Used where a lifecycle action asks who acts: nobody, with no permissions and no relations.
SYSTEM = Actor(user_id=0, username="system", role="system", permissions=frozenset())
# N business days always span at least N days minus a daylight-saving shift; this margin keeps
# the scan's narrowing sound in every time zone.
SILENCE_MARGIN = timedelta(hours=3)
SILENCE_TEXT = "No answer from the requester for {days} business days."


async def run_automation(store: Store, *, limit: int = PER_PASS) -> dict[str, int]:
    """One pass of every automatic rule; returns counters by name."""
    now = clock.now()
    breaches = await notify_breaches(store, now, limit=limit)
    actions = await act_on_silence(store, now, limit=limit)
    return {"breaches": breaches, "auto_closed": actions}


# ------------------------------------------------------------------------------- breaches


def _unnotified(timer: str) -> Any:
    """The partial index's own predicate, written the same way so that SQLite uses it."""
    due = getattr(Ticket, f"{timer}_due_at")
    mark = getattr(Ticket, f"{timer}_breach_due_at")
    return and_(due.is_not(None), or_(mark.is_(None), mark != due))


async def notify_breaches(
    store: Store, now: datetime, *, batch: int = BATCH, limit: int = PER_PASS
) -> int:
    """Record and announce every timer whose due time has passed since it was last notified."""
    db = store.db
    notified = 0
    for timer in TIMERS:
        due = getattr(Ticket, f"{timer}_due_at")
        mark = getattr(Ticket, f"{timer}_breach_due_at")
        seen: set[tuple[int, datetime]] = set()
        while True:
            async with db.read() as session:
                rows = (
                    await session.execute(
                        select(Ticket.id, due, Ticket.area_id)
                        .where(_unnotified(timer), due < now)  # at the due instant it is just met
                        .order_by(due, Ticket.id)
                        .limit(batch)
                    )
                ).all()
            fresh = [r for r in rows if (r[0], r[1]) not in seen][: max(0, limit - notified)]
            if not fresh:
                break
            seen.update((r[0], r[1]) for r in fresh)
            async with db.write() as session:
                supervisors = _Supervisors(session)
                for ticket_id, due_at, area_id in fresh:
                    # Only the first pass to get here records it: the others match no row.
                    result = await session.execute(
                        update(Ticket)
                        .where(Ticket.id == ticket_id, due == due_at, _unnotified(timer))
                        .values({mark: due_at})
                        .execution_options(synchronize_session=False)
                    )
                    if result.rowcount != 1:
                        continue
                    await log_event(
                        session, ticket_id, None, "sla_breached", now, visibility="internal",
                        data={"timer": timer, "due_at": due_at.isoformat(),
                              "supervisors": await supervisors.of(area_id)},
                        flush=False,
                    )  # fmt: skip
                    notified += 1
            if len(rows) < batch or notified >= limit:
                break
    return notified


class _Supervisors:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.cache: dict[int | None, list[str]] = {}

    async def of(self, area_id: int | None) -> list[str]:
        if area_id not in self.cache:
            stmt = select(User.username).where(User.role == "supervisor", User.active)
            if area_id is not None:
                stmt = stmt.join(AreaMember, AreaMember.user_id == User.id).where(
                    AreaMember.area_id == area_id
                )
            self.cache[area_id] = sorted((await self.session.scalars(stmt)).all())
        return self.cache[area_id]


# -------------------------------------------------------------------------------- silence


def silence_rules() -> dict[tuple[str, str], str]:
    """(lifecycle, state) -> the action the system takes after silence, for every lifecycle."""
    from helpdesk_tui.store.lifecycle import LIFECYCLES

    return {
        (lifecycle.name, state): action
        for lifecycle in LIFECYCLES.values()
        for state, action in lifecycle.silence
    }


async def act_on_silence(
    store: Store, now: datetime, *, batch: int = BATCH, limit: int = PER_PASS
) -> int:
    """Take each silence rule's action on the tickets whose requester has been silent enough."""
    from helpdesk_tui.store.service_levels import DEFAULT_AUTO_CLOSE_DAYS, levels_for

    rules = silence_rules()
    states = sorted({state for _, state in rules})
    if not rules:
        return 0
    db = store.db
    async with db.read() as session:
        shortest = await session.scalar(
            select(func.min(Account.auto_close_days)).where(Account.auto_close_days > 0)
        )
        unset = await session.scalar(
            select(Ticket.id).where(Ticket.status.in_(states), Ticket.silence_since.is_(None)).limit(1)
        )
    if unset is not None:
        # Rows written without it (bulk loads): the earliest sound value; the history decides.
        async with db.write() as session:
            await session.execute(
                update(Ticket)
                .where(Ticket.status.in_(states), Ticket.silence_since.is_(None))
                .values(silence_since=Ticket.created_at)
                .execution_options(synchronize_session=False)
            )
    days = min(DEFAULT_AUTO_CLOSE_DAYS, shortest or DEFAULT_AUTO_CLOSE_DAYS)
    horizon = now - timedelta(days=days) + SILENCE_MARGIN
    done = 0
    levels: dict[tuple[int, int | None], Any] = {}
    # One walk per state: each is a range of the (status, silence_since) index, in order.
    for state in states:
        after: tuple[datetime, int] | None = None
        while True:
            async with db.read() as session:
                rows = (await session.execute(silence_candidates(state, horizon, after, batch))).all()
                for row in rows:
                    key = (row.account_id, row.area_id)
                    if key not in levels:
                        levels[key] = await levels_for(session, row.account_id, row.area_id)
            for row in rows:
                action = rules.get((row.lifecycle or "standard", row.status))
                n = DEFAULT_AUTO_CLOSE_DAYS if row.auto_close_days is None else row.auto_close_days
                if action is None or n <= 0:
                    continue
                calendar = levels[(row.account_id, row.area_id)][0]
                if calendar.add_business_days(row.silence_since, n) > now:
                    continue  # the narrowing column says not yet; the history cannot say sooner
                acted = await system_act(
                    store.tickets, row.id, action, reason="silence",
                    text=SILENCE_TEXT.format(days=n), data={"business_days": n},
                    check=_silent_for(n, calendar, now, row.status),
                )  # fmt: skip
                done += acted is not None
                if done >= limit:
                    return done
            if len(rows) < batch:
                break
            after = (rows[-1].silence_since, rows[-1].id)
    return done


def silence_candidates(
    state: str, horizon: datetime, after: tuple[datetime, int] | None, batch: int
) -> Any:
    """Tickets in a silence state since before `horizon`, in (silence_since, id) order."""
    stmt = (
        select(
            Ticket.id, Ticket.silence_since, Ticket.lifecycle, Ticket.status,
            Ticket.account_id, Ticket.area_id, Account.auto_close_days,
        )
        .join(Account, Account.id == Ticket.account_id)
        .where(Ticket.status == state, Ticket.silence_since <= horizon)
        .order_by(Ticket.silence_since, Ticket.id)
        .limit(batch)
    )  # fmt: skip
    if after is not None:
        stmt = stmt.where(
            or_(
                Ticket.silence_since > after[0],
                and_(Ticket.silence_since == after[0], Ticket.id > after[1]),
            )
        )
    return stmt


def _silent_for(
    days: int, calendar: Any, now: datetime, state: str
) -> Callable[[AsyncSession, Ticket], Awaitable[bool]]:
    async def check(session: AsyncSession, ticket: Ticket) -> bool:
        if ticket.status != state:
            return False
        since = await silence_start(session, ticket)
        return calendar.add_business_days(since, days) <= now

    return check


async def silence_start(session: AsyncSession, ticket: Ticket) -> datetime:
    """From the bitácora: when the ticket entered its current state, or when its requester or
    contact last wrote a public comment after that, whichever is later."""
    rows = (
        await session.execute(
            select(Event.at, Event.kind, Event.actor_id, Event.visibility, Event.data)
            .where(Event.ticket_id == ticket.id)
            .order_by(Event.id)
        )
    ).all()
    since = ticket.created_at
    speakers = {ticket.requester_id, ticket.contact_id} - {None}
    for at, kind, actor_id, visibility, data in rows:
        data = data or {}
        if data.get("to") == ticket.status and data.get("from") != ticket.status:
            since = at
        elif kind == "comment" and visibility == "public" and actor_id in speakers:
            since = max(since, at)
    return since


# ---------------------------------------------------------------------------- system actions


async def system_act(
    tickets: TicketStore,
    ticket_id: int,
    action: str,
    *,
    reason: str,
    text: str = "",
    data: dict[str, Any] | None = None,
    version: int | None = None,
    check: Callable[[AsyncSession, Ticket], Awaitable[bool]] | None = None,
) -> TicketRow | None:
    """Take a lifecycle action as the system, or do nothing (None) when it no longer applies.

    Under the ticket's lock: the action must leave the ticket's current state and its guards
    must hold (and `check`, if given, too); then it is applied like any action — the row's
    target and effects, a version-checked update, the counts, the SLA due times — with an
    event of kind `action`, actor None, and `{"from", "to", "reason", **data}`.
    """
    from helpdesk_tui.store.lifecycle import lifecycle_named
    from helpdesk_tui.store.stages import lifecycle_facts
    from helpdesk_tui.store.tickets import _bump_count, _row_select, _to_row, clean_block

    async with tickets.db.write() as session:
        stmt = select(Ticket).where(Ticket.id == ticket_id)
        if tickets.db.dialect == "postgresql":
            stmt = stmt.with_for_update(of=Ticket)
        ticket = await session.scalar(stmt)
        if ticket is None or (version is not None and ticket.version != version):
            return None
        flow = lifecycle_named(ticket.lifecycle)
        facts = await lifecycle_facts(session, flow, ticket.id)  # for guarded lifecycles
        rows = [
            row for row in flow.rows(action)
            if ticket.status in row.sources and not row.needs_to and row.unmet(facts) is None
        ]  # fmt: skip
        if not rows or (check is not None and not await check(session, ticket)):
            return None
        row = rows[0]
        body = clean_block(text)
        changes = await tickets._transition_changes(session, SYSTEM, ticket, row, body, None)
        changes.pop("first_response_at", None)  # the system never answers for staff
        old_status = ticket.status
        now = clock.now()
        await tickets._apply(session, ticket, changes, now)
        await log_event(
            session, ticket.id, None, action, now, text=body,
            data={"from": old_status, "to": row.target, "reason": reason, **(data or {})},
            flush=False,
        )  # fmt: skip
        if old_status != row.target:
            await _bump_count(session, tickets.db.dialect, ticket, old_status, -1)
            await _bump_count(session, tickets.db.dialect, ticket, row.target, +1)
        await tickets._refresh_sla(session, ticket.id, now)
        found = (await session.execute(_row_select().where(Ticket.id == ticket.id))).one()
    return _to_row(found)
