"""TicketStore: create, page, count, show, act, comment, attach, recategorise, bulk.

Every read ANDs the actor's visibility predicate into its SQL; every write runs in one
transaction that checks the ticket's version, bumps it and appends its bitácora event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import String, Select, and_, func, literal, literal_column, or_, select, table, union, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk_tui.i18n import N_
from helpdesk_tui.store import clock
from helpdesk_tui.store.clock import now as clock_now
from helpdesk_tui.store.attachments import BlobStore, sanitise_filename
from helpdesk_tui.store.bitacora import log_event
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.kb import solution_of
from helpdesk_tui.store.stages import lifecycle_facts, lifecycle_for, stage_view
from helpdesk_tui.store.errors import (
    Conflict,
    HelpdeskError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from helpdesk_tui.store.lifecycle import (
    IMPACT_PRIORITY,
    IMPACTS,
    PRIORITIES,
    PRIORITY_RANK,
    TYPES,
    Transition,
    lifecycle_named,
)
from helpdesk_tui.store.models import (
    Account,
    AccountMember,
    Area,
    AreaMember,
    Attachment,
    Category,
    Environment,
    Event,
    Service,
    Ticket,
    TicketCount,
    User,
)
from helpdesk_tui.store.permissions import STAFF_ROLES, Actor, visible_tickets
from helpdesk_tui.store.query import (
    DEFAULT_SORT,
    Match,
    Text,
    compile_filters,
    fts5_match,
    parse_query,
    sort_columns,
)
from helpdesk_tui.store.views import (
    AttachmentView,
    BulkResult,
    EventView,
    NewTicket,
    Page,
    TicketDetail,
    TicketRow,
    parse_ticket_ref,
)
from helpdesk_tui.text import strip_controls

SUBJECT_MAX = 200
# Past this many free-text matches, a page walks the sort index instead of sorting matches.
COMMON_WORD_MATCHES = 5000
Requester = aliased(User, name="requester")
Contact = aliased(User, name="contact")
Assignee = aliased(User, name="assignee")
EventActor = aliased(User, name="event_actor")

ROW_COLUMNS = (
    Ticket.id, Ticket.subject, Ticket.status, Ticket.type, Ticket.impact, Ticket.priority,
    Ticket.origin, Account.name, Requester.username, Contact.username, Assignee.username,
    Area.name, Category.name, Ticket.created_at, Ticket.updated_at, Ticket.version,
    Ticket.resolution_due_at, Ticket.account_id, Ticket.requester_id, Ticket.contact_id,
    Ticket.assignee_id, Ticket.area_id, Ticket.category_id,
)  # fmt: skip
ROW_WIDTH = len(ROW_COLUMNS)


def _row_select(*extra: Any) -> Select[Any]:
    return (
        select(*ROW_COLUMNS, *extra)
        .select_from(Ticket)
        .join(Account, Account.id == Ticket.account_id)
        .join(Requester, Requester.id == Ticket.requester_id)
        .outerjoin(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Assignee, Assignee.id == Ticket.assignee_id)
        .outerjoin(Area, Area.id == Ticket.area_id)
        .outerjoin(Category, Category.id == Ticket.category_id)
    )


def _to_row(values: Sequence[Any]) -> TicketRow:
    return TicketRow(*values[:ROW_WIDTH])


def _keyset(columns: list[tuple[Any, bool]], values: Sequence[Any]) -> Any:
    """Rows strictly after `values` in the order of `columns` (expression, descending)."""
    clause = None
    for (expr, desc), value in reversed(list(zip(columns, values, strict=True))):
        step = expr < value if desc else expr > value
        clause = step if clause is None else or_(step, and_(expr == value, clause))
    first, desc = columns[0]
    # The leading range lets the database start the index walk at the cursor.
    guard = first <= values[0] if desc else first >= values[0]
    return and_(guard, clause)


def clean_line(value: str | None) -> str:
    return strip_controls(value or "", single_line=True).strip()


def clean_block(value: str | None) -> str:
    return strip_controls(value or "").strip()


class TicketStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.blobs = BlobStore(db.attachments_dir, db.attachment_limit)

    # ----------------------------------------------------------------- reading

    async def page(
        self,
        actor: Actor,
        query: str = "",
        *,
        after: Sequence[Any] | None = None,
        before: Sequence[Any] | None = None,
        limit: int = 50,
    ) -> Page:
        parsed = parse_query(query)
        sort = parsed.sort or DEFAULT_SORT
        columns = [*sort_columns(sort), (Ticket.id, False)]
        backwards = before is not None
        order = [(expr, desc != backwards) for expr, desc in columns]
        async with self.db.read() as session:
            parsed = await self._without_empty_states(session, parsed)
            common = await self._common_words(session, parsed)
            stmt = _row_select(*(expr for expr, _ in columns)).where(
                visible_tickets(actor),
                *compile_filters(
                    parsed, actor, now=clock.now(), dialect=self.db.dialect, walk_order=common
                ),
            )
            cursor = before if backwards else after
            if cursor is not None:
                stmt = stmt.where(_keyset(order, cursor))
            stmt = stmt.order_by(*(expr.desc() if desc else expr.asc() for expr, desc in order))
            found = (await session.execute(stmt.limit(limit + 1))).all()
        more = len(found) > limit
        found = found[:limit]
        if backwards:
            found.reverse()
        keys = [tuple(r[ROW_WIDTH:]) for r in found]
        rows = tuple(_to_row(r) for r in found)
        if backwards:
            prev_cursor = keys[0] if more and keys else None
            next_cursor = keys[-1] if keys else None
        else:
            next_cursor = keys[-1] if more else None
            prev_cursor = keys[0] if cursor is not None and keys else None
        from helpdesk_tui.store.query import describe_sort

        return Page(rows, next_cursor, prev_cursor, describe_sort(sort))

    @staticmethod
    async def _without_empty_states(session: AsyncSession, parsed: Any) -> Any:
        """`status:a,b,c` minus the states no ticket is in (read from the few summary rows).

        A tab lists the states of every lifecycle (New also shows five-stage Opened). With one
        state left the page seeks that state's index; a list makes the planner walk every
        ticket in priority order, which for a small or empty tab means the whole table.
        """
        terms = list(parsed.terms)
        for i, term in enumerate(terms):
            if not isinstance(term, Match) or term.key != "status" or term.negated or len(term.values) < 2:
                continue
            used = set(
                await session.scalars(
                    select(TicketCount.status).where(TicketCount.status.in_(term.values), TicketCount.n > 0)
                )
            )
            kept = tuple(value for value in term.values if value in used) or term.values[:1]
            if kept != term.values:
                terms[i] = replace(term, values=kept)
        return replace(parsed, terms=tuple(terms)) if terms != list(parsed.terms) else parsed

    async def _common_words(self, session: AsyncSession, parsed: Any) -> bool:
        """SQLite only: whether the free text matches so many tickets that it is cheaper to walk
        the sort order and test each row than to sort every match (capped count, ~1 ms)."""
        if self.db.dialect != "sqlite":
            return False
        match = fts5_match([t for t in parsed.terms if isinstance(t, Text) and not t.negated])
        if match is None:
            return False
        capped = (
            select(literal_column("rowid"))
            .select_from(table("tickets_fts"))
            .where(literal_column("tickets_fts").op("MATCH")(literal(match, String)))
            .limit(COMMON_WORD_MATCHES)
            .subquery()
        )
        found = await session.scalar(select(func.count()).select_from(capped))
        return (found or 0) >= COMMON_WORD_MATCHES

    async def count(self, actor: Actor, query: str = "") -> int:
        parsed = parse_query(query)
        stmt = select(func.count()).select_from(Ticket).where(
            visible_tickets(actor),
            *compile_filters(parsed, actor, now=clock.now(), dialect=self.db.dialect),
        )
        async with self.db.read() as session:
            return int(await session.scalar(stmt) or 0)

    async def count_by_status(self, actor: Actor, query: str = "") -> dict[str, int]:
        """Tickets per state that this actor sees (under the filter, when one is given)."""
        if query.strip():
            parsed = parse_query(query)
            stmt = (
                select(Ticket.status, func.count())
                .where(
                    visible_tickets(actor),
                    *compile_filters(parsed, actor, now=clock.now(), dialect=self.db.dialect),
                )
                .group_by(Ticket.status)
            )
            async with self.db.read() as session:
                return {status: int(n) for status, n in (await session.execute(stmt)).all()}
        return await self._counts_from_summary(actor)

    async def _counts_from_summary(self, actor: Actor) -> dict[str, int]:
        """Unfiltered counts: whole areas/accounts from the summary table, the actor's own few
        tickets outside them from the indexes. The two sets never overlap."""
        counts: dict[str, int] = {}
        wide_rows, wide_tickets = self._wide_scope(actor)
        async with self.db.read() as session:
            if wide_rows is not None:
                stmt = select(TicketCount.status, func.sum(TicketCount.n)).group_by(
                    TicketCount.status
                )
                if wide_rows is not True:
                    stmt = stmt.where(wide_rows)
                for status, n in (await session.execute(stmt)).all():
                    counts[status] = counts.get(status, 0) + int(n or 0)
            if wide_rows is not True:
                other_areas = None
                if wide_tickets is not None and actor.is_staff and actor.can("ticket.view_area"):
                    # The areas table is tiny; a literal list lets every backend seek the index.
                    other_areas = list(
                        await session.scalars(
                            select(Area.id).where(Area.id.not_in(actor.area_ids or (0,)))
                        )
                    )
                stmt = self._narrow_counts(actor, wide_tickets, other_areas)
                for status, n in (await session.execute(stmt)).all():
                    counts[status] = counts.get(status, 0) + int(n)
        return {status: n for status, n in counts.items() if n}

    @staticmethod
    def _narrow_counts(actor: Actor, wide_tickets: Any, other_areas: list[int] | None) -> Any:
        """The actor's own tickets (requester, contact, assignee) outside the wide branches: one
        index-only branch per person column, so neither backend has to OR three indexes."""
        people = [Ticket.requester_id, Ticket.contact_id]
        if actor.is_staff:
            people.append(Ticket.assignee_id)
        outside = _outside_wide_scope(actor, other_areas) if wide_tickets is not None else []
        branches = [select(Ticket.id, Ticket.status).where(c == actor.user_id, *outside) for c in people]
        mine = union(*branches).subquery()
        return select(mine.c.status, func.count()).group_by(mine.c.status)

    def _wide_scope(self, actor: Actor) -> tuple[Any, Any]:
        """(predicate on ticket_counts, the same predicate on tickets) for the wide branches of
        the actor's visibility; (True, None) for everything, (None, None) for nothing wide."""
        if actor.can("ticket.view_all"):
            return True, None
        on_counts, on_tickets = [], []
        if actor.is_staff and actor.can("ticket.view_area"):
            areas = (0, *actor.area_ids)
            on_counts.append(TicketCount.area_id.in_(areas))
            on_tickets.append(func.coalesce(Ticket.area_id, 0).in_(areas))
        if actor.can("ticket.view_account") and actor.account_ids:
            on_counts.append(TicketCount.account_id.in_(actor.account_ids))
            on_tickets.append(Ticket.account_id.in_(actor.account_ids))
        if not on_counts:
            return None, None
        return or_(*on_counts), or_(*on_tickets)

    async def show(self, actor: Actor, ref: int | str) -> TicketDetail:
        ticket_id = self._ticket_id(ref)
        async with self.db.read() as session:
            return await self._detail(session, actor, ticket_id)

    async def _detail(self, session: AsyncSession, actor: Actor, ticket_id: int) -> TicketDetail:
        Env = aliased(Environment)
        Svc = aliased(Service)
        stmt = (
            _row_select(
                Ticket.description, Ticket.resolution, Env.name, Svc.name, Ticket.lifecycle,
                Ticket.work_start_at, Ticket.work_end_at,
            )
            .outerjoin(Env, Env.id == Ticket.environment_id)
            .outerjoin(Svc, Svc.id == Ticket.service_id)
            .where(Ticket.id == ticket_id, visible_tickets(actor))
        )
        found = (await session.execute(stmt)).first()
        if found is None:
            raise NotFound("ticket {ticket} not found", ticket=ticket_id)
        row = _to_row(found)
        description, resolution, environment, service, lifecycle, work_start, work_end = found[ROW_WIDTH:]
        events = await self._events(session, actor, ticket_id)
        attachments = await self._attachments(session, actor, ticket_id)
        flow = lifecycle_named(lifecycle)
        facts = await lifecycle_facts(session, flow, ticket_id)
        actions = flow.available_actions(actor, row, facts)
        clock = await self._sla_clock(session, ticket_id, clock_now())
        return TicketDetail(
            row, description, resolution, environment, service, events, attachments,
            tuple(actions), abilities(actor, row.status), clock.to_json(),
            solution=await solution_of(session, actor, ticket_id),
            stages=await stage_view(session, actor, row, flow),
            work_window=(work_start, work_end) if work_start and work_end else None,
        )  # fmt: skip

    async def _events(
        self, session: AsyncSession, actor: Actor, ticket_id: int
    ) -> tuple[EventView, ...]:
        stmt = (
            select(
                Event.id, Event.at, func.coalesce(EventActor.username, "system"),
                func.coalesce(EventActor.name, ""), Event.kind, Event.visibility, Event.text,
                Event.data,
            )
            .outerjoin(EventActor, EventActor.id == Event.actor_id)
            .where(Event.ticket_id == ticket_id)
            .order_by(Event.id)
        )  # fmt: skip
        stmt = _hide_internal(stmt, actor)
        return tuple(EventView(*r) for r in (await session.execute(stmt)).all())

    async def _attachments(
        self, session: AsyncSession, actor: Actor, ticket_id: int
    ) -> tuple[AttachmentView, ...]:
        stmt = (
            select(
                Attachment.id, Attachment.event_id, Attachment.filename, Attachment.size,
                Attachment.sha256, Attachment.at, func.coalesce(EventActor.username, "system"),
            )
            .join(Event, Event.id == Attachment.event_id)
            .outerjoin(EventActor, EventActor.id == Attachment.uploaded_by)
            .where(Attachment.ticket_id == ticket_id)
            .order_by(Attachment.id)
        )  # fmt: skip
        stmt = _hide_internal(stmt, actor)
        return tuple(AttachmentView(*r) for r in (await session.execute(stmt)).all())

    async def read_attachment(self, actor: Actor, attachment_id: int) -> tuple[str, bytes]:
        """The sanitised name and the bytes of an attachment this actor may see."""
        stmt = (
            select(Attachment.filename, Attachment.sha256)
            .join(Event, Event.id == Attachment.event_id)
            .join(Ticket, Ticket.id == Attachment.ticket_id)
            .where(Attachment.id == attachment_id, visible_tickets(actor))
        )
        stmt = _hide_internal(stmt, actor)
        async with self.db.read() as session:
            found = (await session.execute(stmt)).first()
        if found is None:
            raise NotFound("attachment {attachment} not found", attachment=attachment_id)
        return found[0], self.blobs.read(found[1])

    async def available_actions(self, actor: Actor, ref: int | str) -> list[str]:
        return list((await self.show(actor, ref)).actions)

    async def explain(self, actor: Actor, ref: int | str, action: str) -> HelpdeskError | None:
        """Why this actor may not take this action now (None when they may)."""
        ticket_id = self._ticket_id(ref)
        async with self.db.read() as session:
            ticket = await self._visible_ticket(session, actor, ticket_id)
            flow = lifecycle_named(ticket.lifecycle)
            facts = await lifecycle_facts(session, flow, ticket_id)
            return flow.explain(actor, ticket, action, facts)

    @staticmethod
    def _ticket_id(ref: int | str) -> int:
        ticket_id = parse_ticket_ref(ref)
        if ticket_id is None:
            raise NotFound("ticket {ticket} not found", ticket=ref)
        return ticket_id

    async def _visible_ticket(
        self, session: AsyncSession, actor: Actor, ticket_id: int, *, lock: bool = False
    ) -> Ticket:
        stmt = select(Ticket).where(Ticket.id == ticket_id, visible_tickets(actor))
        if lock:
            # PostgreSQL: writers of one ticket queue here. SQLite: BEGIN IMMEDIATE already did.
            stmt = stmt.with_for_update(of=Ticket)
        ticket = await session.scalar(stmt)
        if ticket is None:
            raise NotFound("ticket {ticket} not found", ticket=ticket_id)
        return ticket

    # ----------------------------------------------------------------- writing

    async def create(self, actor: Actor, new: NewTicket, *, origin: str = "console") -> TicketRow:
        if not actor.can("ticket.create"):
            raise NotPermitted("you may not open tickets")
        for name, data in new.attachments:
            self.blobs.check(name, data)
        async with self.db.write() as session:
            fields = await _validate_new(session, actor, new)
            agent = await _primary_agent(session, fields["account_id"])
            flow = await lifecycle_for(session, fields["area_id"], fields["account_id"])
            now = clock.now()
            from helpdesk_tui.store.service_levels import check_work_window, levels_for

            calendar, policy = await levels_for(session, fields["account_id"], fields["area_id"])
            fields.update(check_work_window(new.work_window, calendar, now))  # S3
            response_due, resolution_due = _initial_dues(now, fields["priority"], calendar, policy)
            ticket = Ticket(
                **fields, status=(flow.routed or flow.initial) if agent else flow.initial,
                lifecycle=flow.name,
                origin=origin, requester_id=actor.user_id, assignee_id=agent[0] if agent else None,
                created_at=now, updated_at=now, version=1,
                response_due_at=response_due, resolution_due_at=resolution_due,
            )  # fmt: skip
            session.add(ticket)
            await session.flush()
            created = await self._log(
                session, ticket, actor.user_id, "created", now, text="",
                data={"origin": origin, "priority": ticket.priority}, flush=bool(new.attachments),
            )  # fmt: skip
            await self._store_attachments(session, ticket, created, actor, new.attachments, now)
            if agent:
                # I4: routed straight to the account's primary agent, by the system.
                await self._log(
                    session, ticket, None, "assign", now, text="",
                    data={"from": flow.initial, "to": ticket.status, "assignee": agent[1],
                          "reason": "primary agent of the account"}, flush=False,
                )  # fmt: skip
            # The pending events go in one batch with this statement's autoflush.
            await _bump_count(session, self.db.dialect, ticket, ticket.status, +1)
            found = (await session.execute(_row_select().where(Ticket.id == ticket.id))).one()
        return _to_row(found)

    async def act(
        self,
        actor: Actor,
        ref: int | str,
        action: str,
        *,
        version: int | None = None,
        to: str | None = None,
        text: str | None = None,
    ) -> TicketRow:
        """Take a lifecycle action. `version` is the one the actor saw; None means "current"."""
        ticket_id = self._ticket_id(ref)
        async with self.db.write() as session:
            ticket = await self._visible_ticket(session, actor, ticket_id, lock=True)
            if version is not None and ticket.version != version:
                raise await self._conflict(session, ticket)
            lifecycle = lifecycle_named(ticket.lifecycle)
            row = lifecycle.check(actor, ticket, action, await lifecycle_facts(session, lifecycle, ticket_id))
            body = clean_block(text)
            changes = await self._transition_changes(session, actor, ticket, row, body, to)
            old_status = ticket.status
            now = clock.now()
            await self._apply(session, ticket, changes, now)
            data = {"from": old_status, "to": row.target}
            if "assignee_id" in changes:
                data["assignee"] = await session.scalar(
                    select(User.username).where(User.id == changes["assignee_id"])
                )
            await self._log(
                session, ticket, actor.user_id, action, now, text=body, data=data, flush=False
            )
            if old_status != row.target:
                await _bump_count(session, self.db.dialect, ticket, old_status, -1)
                await _bump_count(session, self.db.dialect, ticket, row.target, +1)
            await self._refresh_sla(session, ticket_id, now)
            # The actor was just allowed to change it; no visibility check on the result.
            found = (await session.execute(_row_select().where(Ticket.id == ticket_id))).one()
        return _to_row(found)

    async def _transition_changes(
        self,
        session: AsyncSession,
        actor: Actor,
        ticket: Ticket,
        row: Transition,
        body: str,
        to: str | None,
    ) -> dict[str, Any]:
        if row.text == "required" and not body:
            raise ValidationFailed({"text": _TEXT_NEEDED.get(row.action, N_("a text is required"))})
        changes: dict[str, Any] = {"status": row.target}
        if row.needs_to:
            changes["assignee_id"] = await _assignable(session, ticket, to)
        now = clock.now()
        for effect in row.effects:
            if effect == "assign_self":
                changes["assignee_id"] = actor.user_id
            elif effect == "resolution":
                changes.update(resolution=body, resolved_at=now)
            elif effect == "closed":
                changes["closed_at"] = now
            elif effect in ("reopened", "unresolved"):
                changes.update(closed_at=None, resolved_at=None)
        if row.action in ("wait", "resolve") and actor.is_staff and ticket.first_response_at is None:
            changes["first_response_at"] = now
        return changes

    async def _apply(
        self, session: AsyncSession, ticket: Ticket, changes: dict[str, Any], now: datetime
    ) -> None:
        """Write the changes only if nobody else changed the ticket since we read it."""
        if changes.get("status", ticket.status) != ticket.status:
            changes = {**changes, "silence_since": now}  # silence rules count from here
        result = await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.version == ticket.version)
            .values(**changes, updated_at=now, version=ticket.version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise await self._conflict(session, ticket)
        # Mirror the row on the loaded object without making the session write it again.
        for key, value in {**changes, "updated_at": now, "version": ticket.version + 1}.items():
            set_committed_value(ticket, key, value)

    async def _conflict(self, session: AsyncSession, ticket: Ticket) -> Conflict:
        last = (
            await session.execute(
                select(func.coalesce(User.username, "system"), Event.at)
                .select_from(Event)
                .outerjoin(User, User.id == Event.actor_id)
                .where(Event.ticket_id == ticket.id)
                .order_by(Event.id.desc())
                .limit(1)
            )
        ).first()
        who, at = last if last else ("?", ticket.updated_at)
        return Conflict(
            "{ticket} was changed by {who} at {at}; reload it",
            ticket=f"HD-{ticket.id:06d}", who=who, at=at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        )  # fmt: skip

    async def comment(
        self,
        actor: Actor,
        ref: int | str,
        text: str,
        *,
        internal: bool = False,
        attachments: Sequence[tuple[str, bytes]] = (),
    ) -> EventView:
        """A public comment or an internal note, with any number of attachments.

        Comments append and never overwrite, so they need no version; they still bump it so
        that everyone looking at the ticket reloads. A requester's public comment on a ticket
        waiting for them resumes it.
        """
        ticket_id = self._ticket_id(ref)
        body = clean_block(text)
        _check_comment(actor, body, internal, attachments)
        for name, data in attachments:
            self.blobs.check(name, data)
        async with self.db.write() as session:
            ticket = await self._visible_ticket(session, actor, ticket_id, lock=True)
            if ticket.status in CLOSED_STATES:
                raise InvalidTransition("comment: the ticket is closed; reopen it to comment")
            now = clock.now()
            changes: dict[str, Any] = {}
            if not internal and actor.user_id in (ticket.requester_id, ticket.contact_id):
                changes["silence_since"] = now  # the requester spoke: silence starts again
            if actor.is_staff and not internal and ticket.first_response_at is None:
                changes["first_response_at"] = now
            resumes = (
                ticket.status == "waiting"
                and not internal
                and actor.user_id in (ticket.requester_id, ticket.contact_id)
            )
            if resumes:
                changes["status"] = "in_progress"
            await self._apply(session, ticket, changes, now)
            event = await self._log(
                session, ticket, actor.user_id, "comment", now, text=body,
                visibility="internal" if internal else "public",
            )  # fmt: skip
            await self._store_attachments(session, ticket, event, actor, attachments, now)
            if resumes:
                await self._log(
                    session, ticket, None, "resume", now, text="",
                    data={"from": "waiting", "to": "in_progress",
                          "reason": "the requester answered"},
                )  # fmt: skip
                await _bump_count(session, self.db.dialect, ticket, "waiting", -1)
                await _bump_count(session, self.db.dialect, ticket, "in_progress", +1)
            if resumes or "first_response_at" in changes:
                await self._refresh_sla(session, ticket_id, now)
            event_id = event.id
        async with self.db.read() as session:
            events = await self._events(session, actor, ticket_id)
        return next(e for e in events if e.id == event_id)

    async def recategorise(
        self,
        actor: Actor,
        ref: int | str,
        *,
        version: int | None = None,
        **requested: str | None,
    ) -> TicketRow:
        """L5: staff change area, category, type, priority or impact of an open ticket."""
        ticket_id = self._ticket_id(ref)
        allowed = {"area", "category", "type", "priority", "impact"}
        unknown = set(requested) - allowed
        if unknown:
            raise ValidationFailed({f: "this field cannot be changed here" for f in unknown})
        if not may_recategorise(actor):
            raise NotPermitted("recategorise: only staff may recategorise a ticket")
        async with self.db.write() as session:
            ticket = await self._visible_ticket(session, actor, ticket_id, lock=True)
            if version is not None and ticket.version != version:
                raise await self._conflict(session, ticket)
            if ticket.status in CLOSED_STATES:
                raise InvalidTransition("recategorise: the ticket is no longer open")
            changes, logged = await _recategorisation(session, ticket, requested)
            if not changes:
                raise ValidationFailed({"fields": "nothing to change"})
            old_area = ticket.area_id
            now = clock.now()
            if "area_id" in changes:
                await _bump_count(session, self.db.dialect, ticket, ticket.status, -1)
            await self._apply(session, ticket, changes, now)
            if old_area != ticket.area_id:
                await _bump_count(session, self.db.dialect, ticket, ticket.status, +1)
            await self._log(
                session, ticket, actor.user_id, "recategorised", now, text="",
                data={"changes": logged}, visibility="public",
            )  # fmt: skip
            if "priority" in changes:
                await self._refresh_sla(session, ticket_id, now)
        return await self._row(actor, ticket_id)

    async def bulk(
        self,
        actor: Actor,
        refs: Sequence[int | str],
        action: str,
        *,
        to: str | None = None,
        text: str | None = None,
    ) -> list[BulkResult]:
        """Apply one action to many tickets, each in its own transaction; report each."""
        results = []
        for ref in refs:
            ticket_id = parse_ticket_ref(ref) or 0
            try:
                if action == "comment":
                    await self.comment(actor, ticket_id, text or "")
                else:
                    await self.act(actor, ticket_id, action, to=to, text=text)
            except HelpdeskError as refusal:
                results.append(BulkResult(ticket_id, False, refusal.msgid, refusal.params))
            else:
                results.append(BulkResult(ticket_id, True))
        return results

    async def system_act(self, ref: int | str, action: str, **options: Any) -> TicketRow | None:
        """Take a lifecycle action as the system (no actor); see store/automation.py."""
        from helpdesk_tui.store.automation import system_act

        return await system_act(self, self._ticket_id(ref), action, **options)

    # ----------------------------------------------------------------- helpers

    async def _sla_clock(self, session: AsyncSession, ticket_id: int, now: datetime) -> Any:
        """The service-level clock of a ticket, derived from its own bitácora."""
        from helpdesk_tui.store.sla import SlaEvent, compute_clock

        rows = (
            await session.execute(
                select(
                    Event.at, Event.kind, func.coalesce(EventActor.username, "system"),
                    Event.visibility, Event.data, EventActor.role,
                )
                .outerjoin(EventActor, EventActor.id == Event.actor_id)
                .where(Event.ticket_id == ticket_id)
                .order_by(Event.id)
            )
        ).all()  # fmt: skip
        staff = {name for *_, name, _vis, _data, role in rows if role in STAFF_ROLES}
        events = [SlaEvent(at, kind, name, vis, data or {}) for at, kind, name, vis, data, _ in rows]
        from helpdesk_tui.store.service_levels import levels_for_ticket

        calendar, policy = await levels_for_ticket(session, ticket_id)
        return compute_clock(events, policy=policy, calendar=calendar, now=now, staff=staff)

    async def _refresh_sla(self, session: AsyncSession, ticket_id: int, now: datetime) -> None:
        """Recompute the due times after a change, in the change's own transaction (S2)."""
        clock = await self._sla_clock(session, ticket_id, now)
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(response_due_at=clock.response.due_at, resolution_due_at=clock.resolution.due_at)
            .execution_options(synchronize_session=False)
        )

    async def _row(self, actor: Actor, ticket_id: int) -> TicketRow:
        """The ticket as it is after the actor's own change. No visibility check here: the
        actor has just been allowed to change it, even if the change moved it out of sight
        (e.g. recategorised into another area)."""
        async with self.db.read() as session:
            found = (await session.execute(_row_select().where(Ticket.id == ticket_id))).first()
        if found is None:
            raise NotFound("ticket {ticket} not found", ticket=ticket_id)
        return _to_row(found)

    async def _log(
        self,
        session: AsyncSession,
        ticket: Ticket,
        actor_id: int | None,
        kind: str,
        at: datetime,
        *,
        text: str = "",
        data: dict[str, Any] | None = None,
        visibility: str = "public",
        flush: bool = True,
    ) -> Event:
        return await log_event(
            session, ticket.id, actor_id, kind, at, text=text, data=data,
            visibility=visibility, flush=flush,
        )  # fmt: skip

    async def _store_attachments(
        self,
        session: AsyncSession,
        ticket: Ticket,
        event: Event,
        actor: Actor,
        files: Sequence[tuple[str, bytes]],
        now: datetime,
    ) -> None:
        if files and not actor.can("ticket.attach"):
            raise NotPermitted("you may not attach files")
        for name, data in files:
            digest = self.blobs.put(data)
            session.add(
                Attachment(
                    ticket_id=ticket.id, event_id=event.id, filename=sanitise_filename(name),
                    sha256=digest, size=len(data), uploaded_by=actor.user_id, at=now,
                )  # fmt: skip
            )
        if files:
            await session.flush()


_TEXT_NEEDED = {
    "wait": N_("write the question for the customer"),
    "resolve": N_("write the resolution"),
    "reject": N_("write why the resolution does not solve it"),
    "cancel": N_("write why the ticket is cancelled"),
    "reopen": N_("write why the ticket is reopened"),
}


CLOSED_STATES = frozenset({"closed", "cancelled"})


def may_recategorise(actor: Actor) -> bool:
    return actor.is_staff and actor.can("ticket.recategorise")


def abilities(actor: Actor, status: str) -> tuple[str, ...]:
    """What besides lifecycle actions this actor may do on a ticket in this state now; the
    same checks that `comment` and `recategorise` apply when asked."""
    if status in CLOSED_STATES:
        return ()
    found = []
    if actor.can("ticket.comment"):
        found.append("comment")
        if actor.is_staff and actor.can("ticket.comment_internal"):
            found.append("comment_internal")
        if actor.can("ticket.attach"):
            found.append("attach")
    if may_recategorise(actor):
        found.append("recategorise")
    return tuple(found)


def _check_comment(
    actor: Actor, body: str, internal: bool, attachments: Sequence[tuple[str, bytes]]
) -> None:
    if not actor.can("ticket.comment"):
        raise NotPermitted("you may not comment on tickets")
    if internal and not (actor.is_staff and actor.can("ticket.comment_internal")):
        raise NotPermitted("only staff may write internal notes")
    if not body and not attachments:
        raise ValidationFailed({"text": "write a comment or attach a file"})


async def _bump_count(
    session: AsyncSession, dialect: str, ticket: Ticket, status: str, delta: int
) -> None:
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    stmt = insert(TicketCount).values(
        area_id=ticket.area_id or 0, account_id=ticket.account_id, status=status, n=delta
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["area_id", "account_id", "status"],
        set_={"n": TicketCount.n + delta},
    )
    await session.execute(stmt)


def _hide_internal(stmt: Any, actor: Actor) -> Any:
    """Internal notes, and whatever hangs on them, exist only for staff (R2)."""
    return stmt if actor.sees_internal else stmt.where(Event.visibility == "public")


def _outside_wide_scope(actor: Actor, other_areas: list[int] | None) -> list[Any]:
    """Tickets outside the actor's wide branches, as positive ranges an index can seek: the
    other areas by id (no-area tickets belong to the wide branch), other accounts."""
    clauses: list[Any] = []
    if other_areas is not None:
        clauses.append(Ticket.area_id.in_(other_areas))
    if actor.can("ticket.view_account") and actor.account_ids:
        clauses.append(Ticket.account_id.not_in(actor.account_ids))
    return clauses


def _initial_dues(
    now: datetime, priority: str, calendar: Any, policy: Any
) -> tuple[datetime | None, datetime | None]:
    """Due times of a ticket created now: the same clock `_refresh_sla` derives from the
    history, computed from its one "created" event before the row is written."""
    from helpdesk_tui.store.sla import SlaEvent, compute_clock

    created = SlaEvent(now, "created", "system", "public", {"priority": priority})
    found = compute_clock([created], policy=policy, calendar=calendar, now=now, staff=set())
    return found.response.due_at, found.resolution.due_at


async def _primary_agent(session: AsyncSession, account_id: int) -> tuple[int, str] | None:
    found = (
        await session.execute(
            select(User.id, User.username)
            .join(Account, Account.primary_agent_id == User.id)
            .where(Account.id == account_id, User.active)
        )
    ).first()
    return (found[0], found[1]) if found else None


async def _assignable(session: AsyncSession, ticket: Ticket, to: str | None) -> int:
    """The user a ticket may be assigned to: an agent or supervisor of its area."""
    if not to:
        raise ValidationFailed({"to": "choose the agent to assign"})
    user = await session.scalar(select(User).where(func.lower(User.username) == to.lower()))
    if user is None or not user.active:
        raise ValidationFailed({"to": ("no such user: {username}", {"username": to})})
    if user.role not in ("agent", "supervisor"):
        raise ValidationFailed(
            {"to": ("{username} is not an agent or supervisor", {"username": user.username})}
        )
    if ticket.area_id is not None:
        member = await session.scalar(
            select(AreaMember.user_id).where(
                AreaMember.area_id == ticket.area_id, AreaMember.user_id == user.id
            )
        )
        if member is None:
            raise ValidationFailed(
                {"to": ("{username} does not work in this area", {"username": user.username})}
            )
    return user.id


async def _validate_new(session: AsyncSession, actor: Actor, new: NewTicket) -> dict[str, Any]:
    """Check every field of a new case at once; field -> message for all that are wrong."""
    errors: dict[str, Any] = {}
    subject = clean_line(new.subject)
    description = clean_block(new.description)
    if not subject:
        errors["subject"] = "the subject is required"
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = ("at most {max} characters", {"max": SUBJECT_MAX})
    if not description:
        errors["description"] = "the description is required"
    if new.type not in TYPES:
        errors["type"] = ("unknown type: {value}", {"value": new.type})
    if new.impact not in IMPACTS:
        errors["impact"] = ("unknown impact: {value}", {"value": new.impact})
    priority = new.priority or IMPACT_PRIORITY.get(new.impact, "normal")
    if priority not in PRIORITIES:
        errors["priority"] = ("unknown priority: {value}", {"value": priority})
    elif new.priority and new.priority != IMPACT_PRIORITY.get(new.impact) and not actor.is_staff:
        errors["priority"] = "only staff may set the priority; it follows the impact"
    contact_id = await _resolve_contact(session, actor, new.contact, errors)
    account_id = await _resolve_account(session, actor, new.account, contact_id, errors)
    refs = await _resolve_catalog(session, new, account_id, errors)
    if errors:
        raise ValidationFailed(errors)
    return dict(
        subject=subject, description=description, type=new.type, impact=new.impact,
        priority=priority, prio_rank=PRIORITY_RANK[priority], account_id=account_id,
        contact_id=contact_id, **refs,
    )  # fmt: skip


async def _resolve_contact(
    session: AsyncSession, actor: Actor, contact: str | None, errors: dict[str, Any]
) -> int | None:
    if not contact or contact == actor.username:
        return None
    if not actor.can("ticket.create_on_behalf"):
        errors["contact"] = "you may not open cases on behalf of someone else"
        return None
    user_id = await session.scalar(
        select(User.id).where(func.lower(User.username) == contact.lower(), User.active)
    )
    if user_id is None:
        errors["contact"] = ("no such user: {username}", {"username": contact})
    return user_id


async def _resolve_account(
    session: AsyncSession,
    actor: Actor,
    name: str | None,
    contact_id: int | None,
    errors: dict[str, Any],
) -> int | None:
    on_behalf = actor.can("ticket.create_on_behalf")
    if name:
        account_id = await session.scalar(
            select(Account.id).where(func.lower(Account.name) == name.strip().lower())
        )
        if account_id is None:
            errors["account"] = ("no such account: {name}", {"name": name})
            return None
        if account_id not in actor.account_ids and not on_behalf:
            errors["account"] = ("you do not report for {name}", {"name": name})
            return None
    else:
        candidates = list(actor.account_ids)
        if contact_id is not None:
            candidates = list(
                (
                    await session.scalars(
                        select(AccountMember.account_id).where(AccountMember.user_id == contact_id)
                    )
                ).all()
            )
        if len(candidates) != 1:
            errors["account"] = "choose the account"
            return None
        account_id = candidates[0]
    if contact_id is not None and not await _is_member(session, account_id, contact_id):
        errors["contact"] = "the contact does not belong to that account"
    if account_id in actor.account_ids and not actor.is_staff:
        reporter = await session.scalar(
            select(AccountMember.is_reporter).where(
                AccountMember.account_id == account_id, AccountMember.user_id == actor.user_id
            )
        )
        if not reporter:
            errors["account"] = "you are not a reporter of this account"
    return account_id


async def _is_member(session: AsyncSession, account_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(AccountMember.user_id).where(
            AccountMember.account_id == account_id, AccountMember.user_id == user_id
        )
    )
    return found is not None


async def _resolve_catalog(
    session: AsyncSession, new: NewTicket, account_id: int | None, errors: dict[str, Any]
) -> dict[str, Any]:
    refs: dict[str, Any] = {
        "environment_id": None, "service_id": None, "area_id": None, "category_id": None,
    }  # fmt: skip
    for field, model in (("environment", Environment), ("service", Service)):
        name = getattr(new, field)
        if not name:
            continue
        if account_id is None:
            continue
        found = await session.scalar(
            select(model.id).where(
                model.account_id == account_id, func.lower(model.name) == name.strip().lower()
            )
        )
        if found is None:
            errors[field] = ("{name} is not one of this account's", {"name": name})
        refs[f"{field}_id"] = found
    if new.area:
        refs["area_id"] = await session.scalar(
            select(Area.id).where(func.lower(Area.name) == new.area.strip().lower())
        )
        if refs["area_id"] is None:
            errors["area"] = ("no such area: {name}", {"name": new.area})
    if new.category:
        stmt = select(Category.id, Category.area_id).where(
            func.lower(Category.name) == new.category.strip().lower()
        )
        if refs["area_id"] is not None:
            stmt = stmt.where(Category.area_id == refs["area_id"])
        matches = (await session.execute(stmt)).all()
        if len(matches) != 1:
            errors["category"] = (
                ("{name} is not a category of this area", {"name": new.category})
                if matches == [] or new.area
                else "choose the area of this category"
            )
        else:
            refs["category_id"], refs["area_id"] = matches[0]
    return refs


async def _recategorisation(
    session: AsyncSession, ticket: Ticket, requested: dict[str, str | None]
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Validated column changes and their (old, new) display values for the bitácora."""
    changes: dict[str, Any] = {}
    logged: dict[str, list[Any]] = {}
    choices = {"type": TYPES, "priority": PRIORITIES, "impact": IMPACTS}
    for field, allowed in choices.items():
        value = requested.get(field)
        if value is None or value == getattr(ticket, field):
            continue
        if value not in allowed:
            raise ValidationFailed({field: ("unknown {field}: {value}", {"field": field, "value": value})})
        changes[field] = value
        logged[field] = [getattr(ticket, field), value]
        if field == "priority":
            changes["prio_rank"] = PRIORITY_RANK[value]
    area_id, category_id = ticket.area_id, ticket.category_id
    if requested.get("area") is not None:
        area_id = await session.scalar(
            select(Area.id).where(func.lower(Area.name) == requested["area"].strip().lower())
        )
        if area_id is None:
            raise ValidationFailed({"area": ("no such area: {name}", {"name": requested["area"]})})
        if area_id != ticket.area_id:
            category_id = None
    if requested.get("category") is not None:
        category_id = await session.scalar(
            select(Category.id).where(
                Category.area_id == area_id,
                func.lower(Category.name) == requested["category"].strip().lower(),
            )
        )
        if category_id is None:
            raise ValidationFailed(
                {"category": ("{name} is not a category of this area", {"name": requested["category"]})}
            )
    names = await _names(session, [ticket.area_id, area_id], [ticket.category_id, category_id])
    if area_id != ticket.area_id:
        changes["area_id"] = area_id
        logged["area"] = [names.get(("area", ticket.area_id)), names.get(("area", area_id))]
    if category_id != ticket.category_id:
        changes["category_id"] = category_id
        logged["category"] = [
            names.get(("category", ticket.category_id)), names.get(("category", category_id)),
        ]  # fmt: skip
    return changes, logged


async def _names(
    session: AsyncSession, area_ids: list[int | None], category_ids: list[int | None]
) -> dict[tuple[str, int | None], str]:
    out: dict[tuple[str, int | None], str] = {}
    for kind, model, ids in (("area", Area, area_ids), ("category", Category, category_ids)):
        wanted = [i for i in ids if i is not None]
        if wanted:
            for id_, name in (await session.execute(select(model.id, model.name).where(model.id.in_(wanted)))).all():
                out[(kind, id_)] = name
    return out


__all__ = ["TicketStore"]
