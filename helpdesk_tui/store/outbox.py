"""The e-mail outbox (N1, N2): bitácora events become messages in the same transaction.

`OutboxStore.enqueue` is a before-commit hook: at the end of every write transaction it turns
the events that transaction logged into one `outbox` row per recipient (unique per event and
recipient), rendered in the recipient's language, with its Message-ID fixed there and then. So
a change and its e-mails commit together or not at all.

Who is mailed:
- resolve, close (also a customer's accept, which closes), cancel, reopen, wait (a question
  for the customer) and public comments by staff: the requester and the contact;
- assign and take: the new assignee, unless they assigned the ticket to themselves (taking a
  ticket, or assigning it to oneself, tells the person nothing new);
- sla_breached: the supervisors the event names.
Never the person who caused the event, never anyone without an e-mail address, and an internal
event (an internal note, an SLA breach) only ever reaches staff. Internal notes mail nobody.

Delivery (`helpdesk_tui.mail.delivery`) claims due rows with a lease (`claim`), re-checks the
lease before each send (`begin_attempt`) and records the outcome (`mark_sent`, `mark_failed`).
A worker that dies mid-batch leaves its rows in "sending"; once the lease runs out another
worker claims them and sends them again, with the same Message-ID.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk_tui.i18n import LANGUAGES, translate_to
from helpdesk_tui.store import clock
from helpdesk_tui.store.bitacora import logged_events
from helpdesk_tui.store.engine import Database
from helpdesk_tui.mail.states import STATE_LABELS
from helpdesk_tui.store.errors import InvalidTransition, Label, NotFound, NotPermitted
from helpdesk_tui.store.models import Area, Event, OutboxMessage, Ticket, User
from helpdesk_tui.store.permissions import STAFF_ROLES, Actor, visible_tickets
from helpdesk_tui.store.views import ticket_number
from helpdesk_tui.text import strip_controls

STATES = ("queued", "sending", "sent", "failed", "dead")
# What the outbox screen lists by default: everything not yet delivered.
UNSENT = ("queued", "sending", "failed", "dead")
CUSTOMER_TEMPLATES = {
    "resolve": "resolved",
    "close": "closed",
    "accept": "closed",
    "cancel": "cancelled",
    "reopen": "reopened",
    "wait": "waiting",
}
ASSIGN_KINDS = frozenset({"assign", "take"})
LOST_WORKER = "the worker stopped during its last attempt"
PERMISSION = "outbox.view"

_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")
_muted: ContextVar[bool] = ContextVar("helpdesk_outbox_muted", default=False)
_ENQUEUED = "helpdesk_outbox_enqueued"


@contextmanager
def outbox_muted() -> Iterator[None]:
    """Write history without mailing anybody about it (the demo organisation's made-up past)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off after a failed attempt: base * 2^(attempts-1), at most cap; dead after
    max_attempts. A claimed message is held for `lease` seconds per attempt."""

    base: float = 60.0
    cap: float = 6 * 3600.0
    max_attempts: int = 8
    lease: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap, self.base * 2 ** max(0, attempts - 1)))

    @classmethod
    def from_settings(cls, settings: Any) -> RetryPolicy:
        # The lease must outlast a send even at the SMTP timeout, or two workers could overlap.
        lease = max(float(settings.mail_lease), 4 * float(settings.smtp_timeout))
        return cls(
            float(settings.mail_retry_base), float(settings.mail_retry_cap),
            max(1, int(settings.mail_max_attempts)), lease,
        )  # fmt: skip


@dataclass(frozen=True)
class OutboxView:
    id: int
    ticket_id: int
    event_id: int
    recipient: str
    to_address: str
    lang: str
    template: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_code: int | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    message_id: str

    @property
    def number(self) -> str:
        return ticket_number(self.ticket_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "ticket": self.number, "event_id": self.event_id,
            "recipient": self.recipient, "to": self.to_address, "lang": self.lang,
            "template": self.template, "subject": self.subject, "state": self.state,
            "attempts": self.attempts, "next_attempt_at": self.next_attempt_at.isoformat(),
            "last_code": self.last_code, "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "message_id": self.message_id,
        }  # fmt: skip


@dataclass(frozen=True)
class Outgoing:
    """A claimed message, as the delivery needs it."""

    id: int
    ticket_id: int
    message_id: str
    to_address: str
    to_name: str
    subject: str
    body: str


_VIEW_COLUMNS = (
    OutboxMessage.id, OutboxMessage.ticket_id, OutboxMessage.event_id, User.username,
    OutboxMessage.to_address, OutboxMessage.lang, OutboxMessage.template, OutboxMessage.subject,
    OutboxMessage.state, OutboxMessage.attempts, OutboxMessage.next_attempt_at,
    OutboxMessage.last_code, OutboxMessage.last_error, OutboxMessage.created_at,
    OutboxMessage.sent_at, OutboxMessage.message_id,
)  # fmt: skip
# Most urgent first: what needs a person, then what waits.
_STATE_ORDER = case(
    {"dead": 0, "failed": 1, "sending": 2, "queued": 3, "sent": 4}, value=OutboxMessage.state, else_=5
)


def _require(actor: Actor | None) -> None:
    """Admins and supervisors (the outbox.view permission); None is the trusted local admin."""
    if actor is not None and not actor.can(PERMISSION):
        raise NotPermitted("you need the permission {permission}", permission=PERMISSION)


def _visible(actor: Actor | None) -> Any:
    """Messages about tickets the actor may see (a supervisor: those of their areas)."""
    if actor is None or actor.can("ticket.view_all"):
        return true()
    # Correlated, so each (few) unsent message looks its ticket up by key.
    return exists().where(Ticket.id == OutboxMessage.ticket_id, visible_tickets(actor))


@dataclass
class _Person:
    id: int
    username: str
    name: str
    email: str
    role: str
    lang: str
    active: bool

    @property
    def display(self) -> str:
        return strip_controls(self.name or self.username, single_line=True).strip()


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lang: str | None = None
        self._domain: str | None = None

    # ------------------------------------------------------------ configuration

    def configure(self, *, lang: str = "", mail_from: str = "") -> None:
        """The language of people who chose none, and the domain of the Message-IDs."""
        self._lang = lang if lang in LANGUAGES else "en"
        domain = mail_from.rpartition("@")[2].strip(" <>").lower() if "@" in mail_from else ""
        # A Message-ID must never fail the change that writes it: a sane, short domain only.
        self._domain = domain[:120] if _DOMAIN.fullmatch(domain[:120]) else "localhost"

    def _defaults(self) -> tuple[str, str]:
        if self._lang is None or self._domain is None:
            # Not configured by the caller: the same settings the command line reads.
            from helpdesk_tui.config import load_settings

            settings = load_settings()
            self.configure(lang=settings.lang, mail_from=settings.mail_from)
        assert self._lang is not None and self._domain is not None
        return self._lang, self._domain

    # ------------------------------------------------------------ enqueueing

    async def enqueue(self, session: AsyncSession) -> None:
        """Before-commit hook: the outbox rows for the events this transaction logged."""
        if _muted.get():
            return
        done: set[int] = session.info.setdefault(_ENQUEUED, set())
        candidates = [e for e in logged_events(session) if _may_mail(e) and id(e) not in done]
        if not candidates:
            return
        done.update(id(e) for e in candidates)
        await session.flush()  # events logged with flush=False need their ids
        await self._enqueue_events(session, candidates)

    async def _enqueue_events(self, session: AsyncSession, candidates: list[Event]) -> None:
        """One rendered row per (event, recipient), in the session's transaction."""
        ticket_ids = {e.ticket_id for e in candidates}
        tickets = {
            row.id: row
            for row in (
                await session.execute(
                    select(
                        Ticket.id, Ticket.subject, Ticket.status, Ticket.requester_id,
                        Ticket.contact_id, Ticket.assignee_id, Area.name.label("area"),
                    )
                    .outerjoin(Area, Area.id == Ticket.area_id)
                    .where(Ticket.id.in_(ticket_ids))
                )
            ).all()
        }  # fmt: skip
        people = await _people(session, candidates, tickets)
        lang, domain = self._defaults()
        now = clock.now()
        rows = []
        for event in candidates:
            ticket = tickets.get(event.ticket_id)
            if ticket is None:
                continue
            for person, template in _recipients(event, ticket, people):
                person_lang = person.lang if person.lang in LANGUAGES else lang
                rendered = _render(template, person_lang, event, ticket, person, people)
                rows.append(
                    OutboxMessage(
                        event_id=event.id, ticket_id=ticket.id, recipient_id=person.id,
                        to_address=person.email.strip(), to_name=person.display, lang=person_lang,
                        template=template, subject=rendered.subject, body=rendered.body,
                        message_id=f"<hd-ev{event.id}-u{person.id}.{secrets.token_hex(6)}@{domain}>",
                        state="queued", attempts=0, next_attempt_at=now, last_error="",
                        created_at=now,
                    )
                )  # fmt: skip
        if rows:
            session.add_all(rows)
            await session.flush()

    # ------------------------------------------------------------ delivery side

    async def claim(self, owner: str, *, limit: int, policy: RetryPolicy) -> list[Outgoing]:
        """Lease up to `limit` due messages to `owner`: queued or failed ones whose time has
        come, and ones left "sending" by a worker whose lease ran out. Each row goes to one
        claimer only (SQLite: the one writer; PostgreSQL: FOR UPDATE SKIP LOCKED)."""
        now = clock.now()
        msg = OutboxMessage
        async with self.db.write() as session:
            # A message whose worker died on its last allowed attempt is not tried forever.
            await session.execute(
                update(msg)
                .where(msg.state == "sending", msg.lease_until < now, msg.attempts >= policy.max_attempts)
                .values(state="dead", lease_owner=None, lease_until=None, last_code=None, last_error=LOST_WORKER)
                .execution_options(synchronize_session=False)
            )
            due = or_(
                and_(msg.state.in_(("queued", "failed")), msg.next_attempt_at <= now),
                and_(msg.state == "sending", msg.lease_until < now),
            )
            stmt = select(msg.id).where(due).order_by(msg.next_attempt_at, msg.id).limit(limit)
            if self.db.dialect == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            ids = list(await session.scalars(stmt))
            if not ids:
                return []
            await session.execute(
                update(msg)
                .where(msg.id.in_(ids), due)
                .values(state="sending", lease_owner=owner, lease_until=now + timedelta(seconds=policy.lease))
                .execution_options(synchronize_session=False)
            )
            found = await session.execute(
                select(
                    msg.id, msg.ticket_id, msg.message_id, msg.to_address, msg.to_name,
                    msg.subject, msg.body,
                )
                .where(msg.id.in_(ids), msg.lease_owner == owner, msg.state == "sending")
                .order_by(msg.next_attempt_at, msg.id)
            )  # fmt: skip
            return [Outgoing(*row) for row in found.all()]

    async def begin_attempt(self, message: int, owner: str, policy: RetryPolicy) -> bool:
        """Count an attempt and renew the lease, if the message is still ours to send."""
        now = clock.now()
        async with self.db.write() as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message, OutboxMessage.lease_owner == owner, OutboxMessage.state == "sending")
                .values(attempts=OutboxMessage.attempts + 1, lease_until=now + timedelta(seconds=policy.lease))
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    async def mark_sent(self, message: int) -> None:
        now = clock.now()
        async with self.db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message, OutboxMessage.state != "sent")
                .values(state="sent", sent_at=now, lease_owner=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )

    async def mark_failed(
        self,
        message: int,
        owner: str,
        *,
        code: int | None,
        error: str,
        permanent: bool,
        policy: RetryPolicy,
    ) -> str | None:
        """Record a failed attempt: "failed" with the next try backed off, or "dead" when the
        server refused for good or the attempts are used up. None if it was no longer ours."""
        now = clock.now()
        async with self.db.write() as session:
            attempts = await session.scalar(
                select(OutboxMessage.attempts).where(
                    OutboxMessage.id == message, OutboxMessage.lease_owner == owner,
                    OutboxMessage.state == "sending",
                )
            )  # fmt: skip
            if attempts is None:
                return None
            state = "dead" if permanent or attempts >= policy.max_attempts else "failed"
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message)
                .values(
                    state=state, next_attempt_at=now + policy.delay(attempts), lease_owner=None,
                    lease_until=None, last_code=code, last_error=strip_controls(error)[:2000],
                )  # fmt: skip
                .execution_options(synchronize_session=False)
            )
            return state

    async def release(self, messages: Sequence[int], owner: str) -> None:
        """Give back claimed messages that were not tried (the connection broke first)."""
        if not messages:
            return
        async with self.db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(messages), OutboxMessage.lease_owner == owner, OutboxMessage.state == "sending")
                .values(
                    state=case((OutboxMessage.attempts > 0, "failed"), else_="queued"),
                    lease_owner=None, lease_until=None,
                )
                .execution_options(synchronize_session=False)
            )

    # ------------------------------------------------------------ administration

    async def messages(
        self, actor: Actor | None, *, states: Sequence[str] = UNSENT, limit: int = 500
    ) -> list[OutboxView]:
        """The messages in these states about tickets the actor sees, most urgent first."""
        _require(actor)
        unknown = [s for s in states if s not in STATES]
        if unknown:
            from helpdesk_tui.store.errors import ValidationFailed

            raise ValidationFailed({"state": ("unknown state: {value}", {"value": unknown[0]})})
        stmt = (
            select(*_VIEW_COLUMNS)
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.state.in_(list(states)), _visible(actor))
            .order_by(_STATE_ORDER, OutboxMessage.id.desc())
            .limit(limit)
        )
        async with self.db.read() as session:
            return [OutboxView(*row) for row in (await session.execute(stmt)).all()]

    async def counts(self, actor: Actor | None) -> dict[str, int]:
        _require(actor)
        stmt = select(OutboxMessage.state, func.count()).where(_visible(actor)).group_by(OutboxMessage.state)
        async with self.db.read() as session:
            return {state: int(n) for state, n in (await session.execute(stmt)).all()}

    async def retry(self, actor: Actor | None, message: int) -> OutboxView:
        """Queue a failed or dead message again, due now, with its attempts counted afresh."""
        _require(actor)
        async with self.db.write() as session:
            state = await session.scalar(
                select(OutboxMessage.state).where(OutboxMessage.id == message, _visible(actor))
            )
            if state is None:
                raise NotFound("message {message} not found", message=message)
            if state in ("sent", "sending"):
                raise InvalidTransition(
                    "retry: message {message} is {state}; only failed, dead or queued ones can be retried",
                    message=message, state=Label(STATE_LABELS.get(state, state)),
                )  # fmt: skip
            await session.execute(_requeue().where(OutboxMessage.id == message))
        return (await self._views([message]))[0]

    async def retry_all(self, actor: Actor | None) -> int:
        """Queue every failed and dead message (that the actor sees) again; how many."""
        _require(actor)
        async with self.db.write() as session:
            result = await session.execute(
                _requeue().where(OutboxMessage.state.in_(("failed", "dead")), _visible(actor))
            )
            return int(result.rowcount or 0)

    async def _views(self, ids: Sequence[int]) -> list[OutboxView]:
        stmt = (
            select(*_VIEW_COLUMNS)
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.id.in_(list(ids)))
            .order_by(OutboxMessage.id)
        )
        async with self.db.read() as session:
            return [OutboxView(*row) for row in (await session.execute(stmt)).all()]


async def add_demo_outbox(store: Any) -> None:
    """The demo's outbox: mail about its latest changes, mostly sent, one failed (greylisted,
    due again soon) and one dead (the address does not exist), so the screen has something to
    show. Its history itself mailed nobody (outbox_muted)."""
    now = clock.now()
    async with store.db.write() as session:
        events = list(
            await session.scalars(
                select(Event).where(Event.kind.in_(("resolve", "assign", "cancel"))).order_by(Event.id.desc()).limit(8)
            )
        )
        await store.outbox._enqueue_events(session, list(reversed(events)))
        ids = list(await session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
        if len(ids) < 3:
            return
        msg = OutboxMessage
        await session.execute(update(msg).where(msg.id.in_(ids[:-2])).values(state="sent", attempts=1, sent_at=now))
        await session.execute(
            update(msg).where(msg.id == ids[-2]).values(
                state="failed", attempts=2, last_code=451, next_attempt_at=now + timedelta(minutes=4),
                last_error="4.7.1 Greylisted, please try again later",
            )
        )  # fmt: skip
        await session.execute(
            update(msg).where(msg.id == ids[-1]).values(
                state="dead", attempts=1, last_code=550,
                last_error="5.1.1 <{}>: Recipient address rejected: User unknown".format(
                    await session.scalar(select(msg.to_address).where(msg.id == ids[-1]))
                ),
            )
        )  # fmt: skip


def _requeue() -> Any:
    return (
        update(OutboxMessage)
        .values(state="queued", attempts=0, next_attempt_at=clock.now(), lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


# ---------------------------------------------------------------- who gets what


def _may_mail(event: Event) -> bool:
    if event.kind in CUSTOMER_TEMPLATES or event.kind in ASSIGN_KINDS:
        return True
    if event.kind == "comment":
        return event.visibility == "public"
    return event.kind == "sla_breached"


async def _people(session: AsyncSession, events: list[Event], tickets: dict[int, Any]) -> dict[Any, _Person]:
    """Everyone the events may concern, by id and by lower-case username."""
    ids: set[int] = set()
    names: set[str] = set()
    for event in events:
        ticket = tickets.get(event.ticket_id)
        if ticket is not None:
            ids.update(i for i in (ticket.requester_id, ticket.contact_id, ticket.assignee_id) if i)
        if event.actor_id:
            ids.add(event.actor_id)
        data = event.data or {}
        if isinstance(data.get("assignee"), str):
            names.add(data["assignee"].lower())
        names.update(n.lower() for n in data.get("supervisors") or () if isinstance(n, str))
    clauses = []
    if ids:
        clauses.append(User.id.in_(ids))
    if names:
        clauses.append(func.lower(User.username).in_(names))
    if not clauses:
        return {}
    found = await session.execute(
        select(User.id, User.username, User.name, User.email, User.role, User.lang, User.active).where(or_(*clauses))
    )
    people: dict[Any, _Person] = {}
    for row in found.all():
        person = _Person(*row)
        people[person.id] = person
        people[person.username.lower()] = person
    return people


def _recipients(event: Event, ticket: Any, people: dict[Any, _Person]) -> list[tuple[_Person, str]]:
    data = event.data or {}
    chosen: list[tuple[_Person | None, str]] = []
    if event.kind in CUSTOMER_TEMPLATES:
        template = CUSTOMER_TEMPLATES[event.kind]
        chosen = [(people.get(ticket.requester_id), template), (people.get(ticket.contact_id), template)]
    elif event.kind == "comment":
        author = people.get(event.actor_id)
        if author is not None and author.role in STAFF_ROLES:
            chosen = [(people.get(ticket.requester_id), "comment"), (people.get(ticket.contact_id), "comment")]
    elif event.kind in ASSIGN_KINDS:
        name = data.get("assignee")
        if isinstance(name, str):
            chosen = [(people.get(name.lower()), "assigned")]
    elif event.kind == "sla_breached":
        chosen = [(people.get(n.lower()), "sla_breached") for n in data.get("supervisors") or () if isinstance(n, str)]
    out: list[tuple[_Person, str]] = []
    seen: set[int] = set()
    for person, template in chosen:
        if person is None or person.id in seen or not person.active:
            continue
        if person.id == event.actor_id or not person.email.strip():
            continue
        if event.visibility != "public" and person.role not in STAFF_ROLES:
            continue
        seen.add(person.id)
        out.append((person, template))
    return out


def _render(
    template: str, lang: str, event: Event, ticket: Any, person: _Person, people: dict[Any, _Person]
) -> Any:
    from helpdesk_tui.mail.render import render
    from helpdesk_tui.store.lifecycle import STATE_LABELS

    data = event.data or {}
    status = str(data.get("to") or ticket.status)
    actor = people.get(event.actor_id) if event.actor_id else None
    assignee = people.get(ticket.assignee_id) if ticket.assignee_id else None
    return render(
        template, lang,
        number=ticket_number(ticket.id),
        subject=strip_controls(ticket.subject, single_line=True).strip(),
        state=translate_to(lang, STATE_LABELS.get(status, status)),
        text=strip_controls(event.text or "").strip(),
        actor=actor.display if actor else "",
        recipient=person.display,
        kind=event.kind,
        reason=str(data.get("reason") or ""),
        timer=str(data.get("timer") or ""),
        due_at=_moment(data.get("due_at")),
        area=strip_controls(ticket.area or "", single_line=True),
        assignee=assignee.display if assignee else "",
    )  # fmt: skip


def _moment(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value)) if value else None
        except ValueError:
            return strip_controls(str(value), single_line=True)
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
