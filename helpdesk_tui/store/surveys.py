"""SurveyStore: satisfaction survey templates, invitations, answers and results (V1–V3).

Invitations are written by `invite_on_commit`, a before-commit hook of the database: whatever
part of the store accepted or closed a ticket, the invitation goes in the same transaction, for
the ticket's requester, at most one per ticket, and not when the same person got one within the
throttling window (the setting "survey.throttle_days", default 30; 0 turns throttling off).

A template is attached to a ticket type, an area and/or a category; the most specific one that
matches the ticket wins (category, then area, then type), else the default template (one in the
database marked default, else the built-in two-question survey of seed 000). The template is
copied into the invitation, so editing it later never changes a survey already sent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, true, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from helpdesk_tui.i18n import N_
from helpdesk_tui.store import clock
from helpdesk_tui.store.bitacora import logged_events
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.errors import (
    InvalidTransition,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from helpdesk_tui.store.models import (
    Area,
    Category,
    Event,
    Setting,
    SurveyAnswer,
    SurveyInvitation,
    SurveyTemplate,
    Ticket,
    User,
)
from helpdesk_tui.store.permissions import Actor, visible_tickets
from helpdesk_tui.store.views import parse_ticket_ref, ticket_number
from helpdesk_tui.text import strip_controls

log = logging.getLogger(__name__)

THROTTLE_SETTING = "survey.throttle_days"
DEFAULT_THROTTLE_DAYS = 30
DEFAULT_EXPIRY_DAYS = 14
KINDS = ("scale", "choice", "text")
SCALE = (1, 2, 3, 4, 5)
TEXT_MAX = 4000
MAX_QUESTIONS = 20
COMMENTS_LIMIT = 500
# The states that follow a resolution: standard "resolved", five-stage "testing" (Pruebas).
RESOLVED_STATES = frozenset({"resolved", "testing"})
_KEY = re.compile(r"^[a-z0-9_]{1,32}$")

# Seed 000: "es posible que el sistema le solicite completar una encuesta de dos preguntas".
# The seed gives no wording; these two questions are ours.
DEFAULT_TEMPLATE: dict[str, Any] = {
    "name": "default",
    "title": {"en": "How did we do?", "es": "¿Cómo lo hicimos?"},
    "questions": [
        {
            "key": "q1", "kind": "scale", "required": True,
            "text": {"en": "How satisfied are you with the solution to your case?",
                     "es": "¿Qué tan satisfecho está con la solución de su caso?"},
        },
        {
            "key": "q2", "kind": "text", "required": False,
            "text": {"en": "Would you like to tell us anything else?",
                     "es": "¿Quiere contarnos algo más?"},
        },
    ],
    "low_score": 2,
    "expiry_days": DEFAULT_EXPIRY_DAYS,
    "on_close": False,
}  # fmt: skip

SCALE_LABELS = {
    1: N_("Very dissatisfied"),
    2: N_("Dissatisfied"),
    3: N_("Neither satisfied nor dissatisfied"),
    4: N_("Satisfied"),
    5: N_("Very satisfied"),
}


# ------------------------------------------------------------------------------ views


def localized(texts: Mapping[str, str] | str | None, lang: str) -> str:
    """The text in `lang`, else English, else any language given."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Option:
    key: str
    text: Mapping[str, str]

    def label(self, lang: str) -> str:
        return localized(self.text, lang)


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # scale | choice | text
    text: Mapping[str, str]
    required: bool = False
    options: tuple[Option, ...] = ()

    def label(self, lang: str) -> str:
        return localized(self.text, lang)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "kind": self.kind, "text": dict(self.text),
                               "required": self.required}  # fmt: skip
        if self.options:
            out["options"] = [{"key": o.key, "text": dict(o.text)} for o in self.options]
        return out


@dataclass(frozen=True)
class SurveyForm:
    """The questions of one invitation as they were when it was sent."""

    title: Mapping[str, str]
    questions: tuple[Question, ...]
    low_score: int | None = None
    expiry_days: int = DEFAULT_EXPIRY_DAYS
    on_close: bool = False
    name: str = "default"

    @property
    def comment_key(self) -> str | None:
        """The question a low score makes required: the first free-text one."""
        if self.low_score is None:
            return None
        return next((q.key for q in self.questions if q.kind == "text"), None)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": dict(self.title),
            "questions": [q.to_json() for q in self.questions], "low_score": self.low_score,
            "expiry_days": self.expiry_days, "on_close": self.on_close,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SurveyForm:
        questions = tuple(
            Question(
                str(q["key"]), str(q["kind"]), dict(q.get("text") or {}), bool(q.get("required")),
                tuple(Option(str(o["key"]), dict(o.get("text") or {})) for o in q.get("options") or ()),
            )
            for q in data.get("questions") or ()
        )  # fmt: skip
        return cls(
            dict(data.get("title") or {}), questions, data.get("low_score"),
            int(data.get("expiry_days") or DEFAULT_EXPIRY_DAYS), bool(data.get("on_close")),
            str(data.get("name") or "default"),
        )  # fmt: skip


DEFAULT_FORM = SurveyForm.from_json(DEFAULT_TEMPLATE)


@dataclass(frozen=True)
class TemplateView:
    id: int | None  # None: the built-in default
    name: str
    form: SurveyForm
    ticket_type: str | None
    area: str | None
    category: str | None
    is_default: bool
    active: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, **self.form.to_json(), "ticket_type": self.ticket_type,
            "area": self.area, "category": self.category, "is_default": self.is_default,
            "active": self.active,
        }  # fmt: skip


@dataclass(frozen=True)
class InvitationView:
    id: int
    ticket_id: int
    subject: str
    requester: str
    agent: str | None
    area: str | None
    trigger: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    form: SurveyForm

    @property
    def number(self) -> str:
        return ticket_number(self.ticket_id)

    def status(self, now: datetime) -> str:
        if self.answered_at is not None:
            return "answered"
        return "expired" if now >= self.expires_at else "pending"

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "id": self.id, "ticket": self.number, "subject": self.subject,
            "requester": self.requester, "agent": self.agent, "area": self.area,
            "trigger": self.trigger, "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "status": self.status(now or clock.now()), "form": self.form.to_json(),
        }  # fmt: skip


@dataclass(frozen=True)
class GroupResult:
    """Satisfaction of a group: the mean of its 1–5 answers; invited and answered surveys."""

    key: str
    invited: int
    answered: int
    satisfaction: float | None
    scores: int  # how many 1–5 answers the mean is made of

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "invited": self.invited, "answered": self.answered,
            "response_rate": None if self.response_rate is None else round(self.response_rate, 4),
            "satisfaction": None if self.satisfaction is None else round(self.satisfaction, 4),
            "scores": self.scores,
        }  # fmt: skip


@dataclass(frozen=True)
class CommentView:
    ticket_id: int
    answered_at: datetime
    agent: str | None
    area: str | None
    question: str
    score: float | None  # the mean score of that response
    text: str

    @property
    def number(self) -> str:
        return ticket_number(self.ticket_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "ticket": self.number, "answered_at": self.answered_at.isoformat(),
            "agent": self.agent, "area": self.area, "question": self.question,
            "score": self.score, "text": self.text,
        }  # fmt: skip


@dataclass(frozen=True)
class ResponseRow:
    """One invitation, for the CSV export."""

    ticket_id: int
    requester: str
    agent: str | None
    area: str | None
    sent_at: datetime
    answered_at: datetime | None
    status: str
    satisfaction: float | None
    comments: str

    @property
    def number(self) -> str:
        return ticket_number(self.ticket_id)


@dataclass(frozen=True)
class SurveyResults:
    overall: GroupResult
    by_agent: tuple[GroupResult, ...]
    by_area: tuple[GroupResult, ...]
    by_month: tuple[GroupResult, ...]
    comments: tuple[CommentView, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_json(),
            "by_agent": [g.to_json() for g in self.by_agent],
            "by_area": [g.to_json() for g in self.by_area],
            "by_month": [g.to_json() for g in self.by_month],
            "comments": [c.to_json() for c in self.comments],
        }


@dataclass(frozen=True)
class ResultsFilter:
    area: str | None = None
    agent: str | None = None
    since: datetime | None = None  # invitations sent at or after
    until: datetime | None = None  # invitations sent before


@dataclass(frozen=True)
class TemplateSpec:
    """What an administrator gives to add a template (e.g. read from a TOML or JSON file)."""

    name: str
    questions: Sequence[Mapping[str, Any]]
    title: Mapping[str, str] | str = field(default_factory=dict)
    ticket_type: str | None = None
    area: str | None = None
    category: str | None = None
    is_default: bool = False
    low_score: int | None = None
    expiry_days: int = DEFAULT_EXPIRY_DAYS
    on_close: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, name: str | None = None) -> TemplateSpec:
        known = {"name", "questions", "title", "ticket_type", "type", "area", "category",
                 "default", "is_default", "low_score", "expiry_days", "on_close"}  # fmt: skip
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationFailed({"template": (N_("unknown settings: {names}"), {"names": ", ".join(unknown)})})
        questions = data.get("questions")
        if not isinstance(questions, list):
            raise ValidationFailed({"questions": N_("give a list of questions")})
        return cls(
            name=str(name or data.get("name") or ""),
            questions=questions,
            title=data.get("title") or {},
            ticket_type=data.get("ticket_type") or data.get("type"),
            area=data.get("area"),
            category=data.get("category"),
            is_default=bool(data.get("default") or data.get("is_default")),
            low_score=data.get("low_score"),
            expiry_days=data.get("expiry_days", DEFAULT_EXPIRY_DAYS),
            on_close=bool(data.get("on_close")),
        )


@dataclass(frozen=True)
class _Cell:
    """Surveys of one (agent, area, month): the unit the results add up."""

    agent: str
    area: str
    month: str
    invited: int
    answered: int
    score_sum: int
    scores: int


def _rollup(cells: Sequence[_Cell], key: Any) -> list[GroupResult]:
    groups: dict[str, list[int]] = {}
    for cell in cells:
        sums = groups.setdefault(key(cell), [0, 0, 0, 0])
        sums[0] += cell.invited
        sums[1] += cell.answered
        sums[2] += cell.score_sum
        sums[3] += cell.scores
    return [
        GroupResult(name, invited, answered, total / n if n else None, n)
        for name, (invited, answered, total, n) in sorted(groups.items())
    ]


# ------------------------------------------------------------------------------ the store


class SurveyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------- templates

    async def add_template(self, actor: Actor | None, spec: TemplateSpec) -> TemplateView:
        _require_manager(actor)
        async with self.db.write() as session:
            values = await _validate_template(session, spec)
            if values["is_default"]:
                await session.execute(
                    update(SurveyTemplate).where(SurveyTemplate.is_default).values(is_default=False)
                )
            template = SurveyTemplate(**values, active=True, created_at=clock.now())
            session.add(template)
            await session.flush()
            template_id = template.id
        return await self.template(actor, template_id)

    async def templates(self, actor: Actor | None) -> list[TemplateView]:
        """Every template, the built-in default last when no template is marked default."""
        _require_manager(actor)
        async with self.db.read() as session:
            rows = (await session.execute(_template_select().order_by(SurveyTemplate.name))).all()
        views = [_template_view(*row) for row in rows]
        if not any(v.is_default and v.active for v in views):
            views.append(_builtin_view())
        return views

    async def template(self, actor: Actor | None, ref: str | int) -> TemplateView:
        _require_manager(actor)
        if ref == "default" or ref is None:
            async with self.db.read() as session:
                row = (await session.execute(_template_select().where(SurveyTemplate.is_default, SurveyTemplate.active))).first()
            return _template_view(*row) if row else _builtin_view()
        async with self.db.read() as session:
            clause = SurveyTemplate.id == ref if isinstance(ref, int) else func.lower(SurveyTemplate.name) == str(ref).lower()
            row = (await session.execute(_template_select().where(clause))).first()
        if row is None:
            raise NotFound("no survey template {name}", name=str(ref))
        return _template_view(*row)

    async def retire_template(self, actor: Actor | None, name: str) -> TemplateView:
        """No more invitations from it; surveys already sent keep their questions."""
        _require_manager(actor)
        async with self.db.write() as session:
            template = await session.scalar(
                select(SurveyTemplate).where(func.lower(SurveyTemplate.name) == name.strip().lower())
            )
            if template is None:
                raise NotFound("no survey template {name}", name=name)
            template.active = False
            template.is_default = False
            template_id = template.id
        return await self.template(actor, template_id)

    async def throttle_days(self) -> int:
        async with self.db.read() as session:
            return await _throttle_days(session)

    async def set_throttle_days(self, actor: Actor | None, days: int) -> None:
        _require_manager(actor)
        if not 0 <= days <= 3650:
            raise ValidationFailed({"days": N_("give a number of days from 0 to 3650")})
        async with self.db.write() as session:
            row = await session.get(Setting, THROTTLE_SETTING)
            if row:
                row.value = str(days)
            else:
                session.add(Setting(key=THROTTLE_SETTING, value=str(days)))

    # ----------------------------------------------------------- invitations

    async def pending(self, actor: Actor) -> list[InvitationView]:
        """The surveys this person may still answer, newest first."""
        now = clock.now()
        stmt = _invitation_select().where(
            SurveyInvitation.user_id == actor.user_id,
            SurveyInvitation.answered_at.is_(None),
            SurveyInvitation.expires_at > now,
        ).order_by(SurveyInvitation.created_at.desc(), SurveyInvitation.id.desc())
        async with self.db.read() as session:
            rows = (await session.execute(stmt)).all()
        return [_invitation_view(row) for row in rows]

    async def pending_for_ticket(self, actor: Actor, ref: int | str) -> InvitationView | None:
        """This ticket's survey if this actor may answer it now; None otherwise."""
        ticket_id = parse_ticket_ref(ref)
        if ticket_id is None:
            return None
        now = clock.now()
        stmt = _invitation_select().where(
            SurveyInvitation.ticket_id == ticket_id,
            SurveyInvitation.user_id == actor.user_id,
            SurveyInvitation.answered_at.is_(None),
            SurveyInvitation.expires_at > now,
        )
        async with self.db.read() as session:
            row = (await session.execute(stmt)).first()
        return _invitation_view(row) if row else None

    async def invitation(self, actor: Actor, ref: int | str) -> InvitationView:
        """The survey of a ticket, for the person who may answer it (checked as for answering)."""
        async with self.db.read() as session:
            view = await _invitation_for(session, actor, ref)
        _check_answerable(actor, view, clock.now())
        return view

    async def answer(self, actor: Actor, ref: int | str, answers: Mapping[str, Any]) -> InvitationView:
        """Answer the survey of a ticket: once, by its requester, before it expires.

        `answers`: question key -> 1–5 (scale), an option's key or text (choice), a text.
        """
        now = clock.now()
        async with self.db.write() as session:
            view = await _invitation_for(session, actor, ref, lock=True)
            _check_answerable(actor, view, now)
            rows = _validate_answers(view.form, answers)
            scores = [score for _key, kind, score, _c, _t in rows if kind == "scale" and score is not None]
            done = await session.execute(
                update(SurveyInvitation)
                .where(SurveyInvitation.id == view.id, SurveyInvitation.answered_at.is_(None))
                .values(answered_at=now, score_sum=sum(scores) if scores else None, score_count=len(scores))
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:
                raise InvalidTransition("the survey of {ticket} has already been answered", ticket=view.number)
            session.add_all(
                SurveyAnswer(invitation_id=view.id, question=key, kind=kind, score=score, choice=choice, text=text)
                for key, kind, score, choice, text in rows
            )
        return _replace_answered(view, now)

    async def play_demo(self, store: Any) -> int:
        """The demo loader's one call: answer most of the demo's surveys (`add_demo_surveys`)."""
        return await add_demo_surveys(store)

    # ---------------------------------------------------------------- results

    async def results(self, actor: Actor, filters: ResultsFilter | None = None) -> SurveyResults:
        """Satisfaction per agent, area and month (of sending), response rates and comments."""
        filters = filters or ResultsFilter()
        async with self.db.read() as session:
            where = await _results_scope(session, actor, filters)
            cube = await self._cube(session, where)
            comments = await self._comments(session, where)
        return SurveyResults(
            _rollup(cube, lambda c: "")[0] if cube else GroupResult("", 0, 0, None, 0),
            tuple(_rollup(cube, lambda c: c.agent)), tuple(_rollup(cube, lambda c: c.area)),
            tuple(_rollup(cube, lambda c: c.month)), tuple(comments),
        )  # fmt: skip

    async def responses(self, actor: Actor, filters: ResultsFilter | None = None) -> list[ResponseRow]:
        """Every invitation in scope, one row each (the CSV export)."""
        filters = filters or ResultsFilter()
        now = clock.now()
        Requester = aliased(User)
        Agent = aliased(User)
        async with self.db.read() as session:
            where = await _results_scope(session, actor, filters)
            stmt = (
                select(
                    SurveyInvitation.id, SurveyInvitation.ticket_id, Requester.username,
                    Agent.username, Area.name, SurveyInvitation.created_at,
                    SurveyInvitation.expires_at, SurveyInvitation.answered_at,
                    SurveyInvitation.score_sum, SurveyInvitation.score_count,
                )
                .join(Requester, Requester.id == SurveyInvitation.user_id)
                .outerjoin(Agent, Agent.id == SurveyInvitation.agent_id)
                .outerjoin(Area, Area.id == SurveyInvitation.area_id)
                .where(*where)
                .order_by(SurveyInvitation.created_at, SurveyInvitation.id)
            )  # fmt: skip
            invitations = (await session.execute(stmt)).all()
            answers = (
                await session.execute(
                    select(SurveyAnswer.invitation_id, SurveyAnswer.text)
                    .join(SurveyInvitation, SurveyInvitation.id == SurveyAnswer.invitation_id)
                    .where(*where, SurveyAnswer.text.is_not(None), SurveyAnswer.text != "")
                    .order_by(SurveyAnswer.invitation_id, SurveyAnswer.id)
                )
            ).all()
        texts: dict[int, list[str]] = {}
        for invitation_id, text in answers:
            texts.setdefault(invitation_id, []).append(text)
        out = []
        for inv_id, ticket_id, requester, agent, area, sent, expires, answered, total, n in invitations:
            status = "answered" if answered else ("expired" if now >= expires else "pending")
            out.append(ResponseRow(
                ticket_id, requester, agent, area, sent, answered, status,
                total / n if n else None, " | ".join(texts.get(inv_id, ())),
            ))  # fmt: skip
        return out

    async def _cube(self, session: AsyncSession, where: list[Any]) -> list[_Cell]:
        """Counts and score sums per (agent, area, month) in one scan of the results index,
        whatever the number of groupings shown (each grouping adds these cells up)."""
        keys = (SurveyInvitation.agent_id, SurveyInvitation.area_id, _month(self.db.dialect))
        stmt = (
            select(
                *keys, func.count(), func.count(SurveyInvitation.answered_at),
                func.sum(SurveyInvitation.score_sum), func.sum(SurveyInvitation.score_count),
            )
            .where(*where)
            .group_by(*keys)
        )  # fmt: skip
        rows = (await session.execute(stmt)).all()
        agent_ids = {row[0] for row in rows if row[0] is not None}
        area_ids = {row[1] for row in rows if row[1] is not None}
        agents = dict((await session.execute(select(User.id, User.username).where(User.id.in_(agent_ids)))).all()) if agent_ids else {}
        areas = dict((await session.execute(select(Area.id, Area.name).where(Area.id.in_(area_ids)))).all()) if area_ids else {}
        return [
            _Cell(agents.get(agent_id, ""), areas.get(area_id, ""), str(month or ""), invited, answered,
                  int(total or 0), int(n or 0))
            for agent_id, area_id, month, invited, answered, total, n in rows
        ]  # fmt: skip

    async def _comments(self, session: AsyncSession, where: list[Any]) -> list[CommentView]:
        """The newest free-text answers, with the mean score of their response."""
        stmt = (
            select(
                SurveyInvitation.ticket_id, SurveyInvitation.answered_at, User.username, Area.name,
                SurveyAnswer.question, SurveyAnswer.text, SurveyInvitation.score_sum,
                SurveyInvitation.score_count,
            )
            .select_from(SurveyAnswer)
            .join(SurveyInvitation, SurveyInvitation.id == SurveyAnswer.invitation_id)
            .outerjoin(User, User.id == SurveyInvitation.agent_id)
            .outerjoin(Area, Area.id == SurveyInvitation.area_id)
            .where(*where, SurveyAnswer.text.is_not(None), SurveyAnswer.text != "")
            .order_by(SurveyInvitation.answered_at.desc(), SurveyAnswer.id.desc())
            .limit(COMMENTS_LIMIT)
        )  # fmt: skip
        return [
            CommentView(ticket_id, answered_at, agent, area, question, total / n if n else None, text)
            for ticket_id, answered_at, agent, area, question, text, total, n in (await session.execute(stmt)).all()
        ]


# ------------------------------------------------------------------------------ demo

DEMO_THROTTLE_DAYS = 7
DEMO_EXPIRY_DAYS = 30
DEMO_COMMENTS = {
    "low": ("Tardaron más de lo esperado.", "Tuvimos que insistir dos veces.", "It took three days."),
    "mid": ("Bien, aunque la primera respuesta tardó.", ""),
    "high": ("Muy rápidos, gracias.", "Todo quedó funcionando.", "Great service, thanks!", "", ""),
}
DEMO_APPS_QUESTIONS = [
    DEFAULT_TEMPLATE["questions"][0],
    {"key": "first_time", "kind": "choice", "required": True,
     "text": {"en": "Was it solved the first time?", "es": "¿Se resolvió a la primera?"},
     "options": [{"key": "yes", "text": {"en": "Yes", "es": "Sí"}},
                 {"key": "partly", "text": {"en": "Partly", "es": "En parte"}},
                 {"key": "no", "text": {"en": "No", "es": "No"}}]},
    {"key": "comment", "kind": "text", "required": False,
     "text": {"en": "What could we do better?", "es": "¿Qué podríamos mejorar?"}},
]  # fmt: skip


async def add_demo_surveys(store: Any, *, seed: int = 7, keep_pending: int = 3) -> int:
    """Surveys for the demo organisation: its desk asks on acceptance and on closing after a
    resolution, at most once a week per person, answers welcome for 30 days; Aplicaciones has
    its own three questions. The invitations are sent again over the played history as that
    desk would have sent them, and most are answered a few hours or days after they were sent
    (with the clock frozen then); the newest few stay pending. Returns how many were answered."""
    import random

    from helpdesk_tui.store.demo import APPS, PEOPLE

    rng = random.Random(seed)
    end = clock.now()
    surveys: SurveyStore = store.surveys
    common = {"title": DEFAULT_TEMPLATE["title"], "low_score": 2, "expiry_days": DEMO_EXPIRY_DAYS, "on_close": True}
    await surveys.add_template(None, TemplateSpec(
        name="Satisfacción", is_default=True, questions=DEFAULT_TEMPLATE["questions"], **common))  # fmt: skip
    await surveys.add_template(None, TemplateSpec(name=APPS, area=APPS, questions=DEMO_APPS_QUESTIONS, **common))
    await surveys.set_throttle_days(None, DEMO_THROTTLE_DAYS)
    async with store.db.write() as session:
        # Only the demo's people: load_demo refuses a database that already has any of them,
        # so all their invitations come from this load (and none is answered yet).
        people = select(User.id).where(User.username.in_([p.username for p in PEOPLE]))
        await session.execute(delete(SurveyInvitation).where(SurveyInvitation.user_id.in_(people)))
        events = (
            await session.execute(
                select(Event.ticket_id, Event.kind, Event.at, Event.data)
                .join(Ticket, Ticket.id == Event.ticket_id)
                .where(Event.kind.in_(("accept", "close")), Ticket.requester_id.in_(people))
                .order_by(Event.at, Event.id)
            )
        ).all()
        for ticket_id, kind, at, data in events:
            trigger = _trigger(Event(kind=kind, data=data))
            if trigger:
                await _invite(session, ticket_id, trigger, at)
        rows = (
            await session.execute(
                select(SurveyInvitation.ticket_id, SurveyInvitation.created_at, SurveyInvitation.expires_at,
                       SurveyInvitation.form, User.username)
                .join(User, User.id == SurveyInvitation.user_id)
                .where(SurveyInvitation.user_id.in_(people))
                .order_by(SurveyInvitation.created_at.desc())
            )
        ).all()  # fmt: skip
    answered = 0
    for index, (ticket_id, sent, expires, form, username) in enumerate(rows):
        at = sent + timedelta(hours=rng.randint(2, 72))
        if index < keep_pending or at >= min(end, expires) or rng.random() < 0.25:
            continue
        with clock.frozen_at(at):
            answers = _demo_answers(rng, SurveyForm.from_json(form))
            await surveys.answer(await store.catalog.actor(username), ticket_id, answers)
        answered += 1
    return answered


def _demo_answers(rng: Any, form: SurveyForm) -> dict[str, Any]:
    score = rng.choices(SCALE, weights=(1, 1, 2, 5, 6))[0]
    mood = "low" if score <= 2 else "mid" if score == 3 else "high"
    answers: dict[str, Any] = {}
    for question in form.questions:
        if question.kind == "scale":
            answers[question.key] = score
        elif question.kind == "choice":
            keys = [o.key for o in question.options]
            answers[question.key] = keys[0] if mood == "high" else rng.choice(keys)
        else:
            comment = rng.choice(DEMO_COMMENTS[mood])
            if comment:
                answers[question.key] = comment
    return answers


# ------------------------------------------------------------------------ the commit hook


async def invite_on_commit(session: AsyncSession) -> None:
    """Before-commit hook: a survey invitation for each ticket accepted (or, per template,
    closed after its resolution) in this transaction. Never fails the change it rides on."""
    triggers: dict[int, tuple[str, datetime]] = {}
    for event in logged_events(session):
        trigger = _trigger(event)
        if trigger and event.ticket_id not in triggers:
            triggers[event.ticket_id] = (trigger, event.at)
    for ticket_id, (trigger, at) in triggers.items():
        try:
            async with session.begin_nested():
                await _invite(session, ticket_id, trigger, at)
        except SQLAlchemyError:  # pragma: no cover - logged; the ticket change still commits
            log.exception("survey invitation for ticket %s not created", ticket_id)


def _trigger(event: Event) -> str | None:
    if event.kind == "accept":
        return "accept"
    if event.kind == "close":
        data = event.data or {}
        if data.get("from") in RESOLVED_STATES or data.get("reason") == "silence":
            return "close"
    return None


async def _invite(session: AsyncSession, ticket_id: int, trigger: str, at: datetime) -> None:
    if await session.scalar(select(SurveyInvitation.id).where(SurveyInvitation.ticket_id == ticket_id)):
        return
    ticket = (
        await session.execute(
            select(Ticket.requester_id, Ticket.type, Ticket.area_id, Ticket.category_id, Ticket.assignee_id)
            .where(Ticket.id == ticket_id)
        )
    ).first()
    if ticket is None:
        return
    requester_id, ticket_type, area_id, category_id, assignee_id = ticket
    days = await _throttle_days(session)
    if days > 0:
        recent = await session.scalar(
            select(SurveyInvitation.id)
            .where(SurveyInvitation.user_id == requester_id, SurveyInvitation.created_at > at - timedelta(days=days))
            .limit(1)
        )
        if recent:
            return
    template_id, form = await _template_for(session, ticket_type, area_id, category_id)
    if trigger == "close" and not form.on_close:
        return
    session.add(SurveyInvitation(
        ticket_id=ticket_id, template_id=template_id, user_id=requester_id, agent_id=assignee_id,
        area_id=area_id, trigger=trigger, form=form.to_json(), created_at=at,
        expires_at=at + timedelta(days=form.expiry_days), answered_at=None, score_count=0,
    ))  # fmt: skip
    await session.flush()


async def _template_for(
    session: AsyncSession, ticket_type: str | None, area_id: int | None, category_id: int | None
) -> tuple[int | None, SurveyForm]:
    """The most specific active template for a ticket: category 4, area 2, type 1; a template
    matches only when every attachment it has matches. Else the default."""
    rows = (await session.execute(select(SurveyTemplate).where(SurveyTemplate.active))).scalars().all()
    best: tuple[int, int] | None = None
    chosen: SurveyTemplate | None = None
    default: SurveyTemplate | None = None
    for template in rows:
        if template.is_default:
            default = template
            continue
        attached = [
            (template.category_id, category_id, 4),
            (template.area_id, area_id, 2),
            (template.ticket_type, ticket_type, 1),
        ]
        if all(mine is None for mine, _theirs, _w in attached):
            continue
        if any(mine is not None and mine != theirs for mine, theirs, _w in attached):
            continue
        rank = (sum(w for mine, _theirs, w in attached if mine is not None), -template.id)
        if best is None or rank > best:
            best, chosen = rank, template
    template = chosen or default
    if template is None:
        return None, DEFAULT_FORM
    return template.id, _form_of(template)


def _form_of(template: SurveyTemplate) -> SurveyForm:
    return SurveyForm.from_json({
        "name": template.name, "title": template.title, "questions": template.questions,
        "low_score": template.low_score, "expiry_days": template.expiry_days,
        "on_close": template.on_close,
    })  # fmt: skip


async def _throttle_days(session: AsyncSession) -> int:
    value = await session.scalar(select(Setting.value).where(Setting.key == THROTTLE_SETTING))
    try:
        return max(0, int(value)) if value is not None else DEFAULT_THROTTLE_DAYS
    except ValueError:
        return DEFAULT_THROTTLE_DAYS


# ------------------------------------------------------------------------------ helpers


def _require_manager(actor: Actor | None) -> None:
    """Templates and throttling: administrators, and supervisors who see the results."""
    if actor is None or actor.can("admin.catalog"):
        return
    if actor.role == "supervisor" and actor.can("survey.results"):
        return
    raise NotPermitted("you may not manage survey templates")


def _template_select() -> Any:
    return (
        select(SurveyTemplate, Area.name, Category.name)
        .outerjoin(Area, Area.id == SurveyTemplate.area_id)
        .outerjoin(Category, Category.id == SurveyTemplate.category_id)
    )


def _template_view(template: SurveyTemplate, area: str | None, category: str | None) -> TemplateView:
    return TemplateView(
        template.id, template.name, _form_of(template), template.ticket_type, area, category,
        template.is_default, template.active,
    )  # fmt: skip


def _builtin_view() -> TemplateView:
    return TemplateView(None, DEFAULT_FORM.name, DEFAULT_FORM, None, None, None, True, True)


def _clean_texts(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, Mapping):
        return {}
    out = {}
    for lang, text in value.items():
        cleaned = strip_controls(str(text or ""), single_line=True).strip()
        if cleaned:
            out[str(lang)[:8]] = cleaned[:500]
    return out


def _validate_questions(raw: Sequence[Any], errors: dict[str, Any]) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = []
    if not raw or len(raw) > MAX_QUESTIONS:
        errors["questions"] = (N_("give from 1 to {max} questions"), {"max": MAX_QUESTIONS})
        return questions
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        where = f"questions[{index}]"
        if not isinstance(item, Mapping):
            errors[where] = N_("a question needs a key, a kind and a text")
            continue
        key = str(item.get("key") or f"q{index}").strip().lower()
        kind = str(item.get("kind") or "").strip().lower()
        text = _clean_texts(item.get("text"))
        if not _KEY.match(key) or key in seen:
            errors[where] = (N_("the key {key} is not valid or is repeated"), {"key": key})
            continue
        seen.add(key)
        if kind not in KINDS:
            errors[where] = (N_("the kind must be one of: {kinds}"), {"kinds": ", ".join(KINDS)})
            continue
        if not text:
            errors[where] = N_("the question needs a text")
            continue
        question: dict[str, Any] = {"key": key, "kind": kind, "text": text, "required": bool(item.get("required"))}
        if kind == "choice":
            options = _validate_options(item.get("options"))
            if options is None:
                errors[where] = N_("a single-choice question needs at least two different options")
                continue
            question["options"] = options
        questions.append(question)
    return questions


def _validate_options(raw: Any) -> list[dict[str, Any]] | None:
    if not isinstance(raw, list) or len(raw) < 2:
        return None
    options = []
    keys: set[str] = set()
    for index, item in enumerate(raw, start=1):
        if isinstance(item, Mapping):
            text = _clean_texts(item.get("text"))
            key = str(item.get("key") or "").strip().lower()
        else:
            text = _clean_texts(str(item))
            key = ""
        key = key or re.sub(r"[^a-z0-9_]+", "_", localized(text, "en").lower()).strip("_")[:32] or f"o{index}"
        if not text or key in keys or len(key) > 64:
            return None
        keys.add(key)
        options.append({"key": key, "text": text})
    return options


async def _validate_template(session: AsyncSession, spec: TemplateSpec) -> dict[str, Any]:
    from helpdesk_tui.store.lifecycle import TYPES

    errors: dict[str, Any] = {}
    name = strip_controls(spec.name or "", single_line=True).strip()
    if not name or len(name) > 100:
        errors["name"] = N_("give a name of 1 to 100 characters")
    elif await session.scalar(select(SurveyTemplate.id).where(func.lower(SurveyTemplate.name) == name.lower())):
        errors["name"] = (N_("there is already a template named {name}"), {"name": name})
    questions = _validate_questions(list(spec.questions or ()), errors)
    ticket_type = (spec.ticket_type or "").strip().lower() or None
    if ticket_type and ticket_type not in TYPES:
        errors["type"] = (N_("the type must be one of: {types}"), {"types": ", ".join(TYPES)})
    area_id = category_id = None
    if spec.area:
        area_id = await session.scalar(select(Area.id).where(func.lower(Area.name) == spec.area.strip().lower()))
        if area_id is None:
            errors["area"] = (N_("no such area: {name}"), {"name": spec.area})
    if spec.category:
        if not spec.area:
            errors["category"] = N_("name the area of the category too")
        elif area_id is not None:
            category_id = await session.scalar(
                select(Category.id).where(Category.area_id == area_id, func.lower(Category.name) == spec.category.strip().lower())
            )
            if category_id is None:
                errors["category"] = (N_("no such category in {area}: {name}"), {"area": spec.area, "name": spec.category})
    attached = ticket_type or spec.area or spec.category
    if spec.is_default and attached:
        errors["default"] = N_("the default template is not attached to a type, area or category")
    if not spec.is_default and not attached:
        errors["default"] = N_("attach the template to a type, an area or a category, or make it the default")
    low_score = spec.low_score
    if low_score is not None:
        if not isinstance(low_score, int) or isinstance(low_score, bool) or not 1 <= low_score <= 4:
            errors["low_score"] = N_("the low score must be from 1 to 4")
        elif questions and not (any(q["kind"] == "scale" for q in questions) and any(q["kind"] == "text" for q in questions)):
            errors["low_score"] = N_("a low-score comment needs a scale question and a free-text question")
    expiry = spec.expiry_days
    if not isinstance(expiry, int) or isinstance(expiry, bool) or not 1 <= expiry <= 365:
        errors["expiry_days"] = N_("the expiry must be from 1 to 365 days")
    if errors:
        raise ValidationFailed(errors)
    return {
        "name": name, "title": _clean_texts(spec.title), "questions": questions,
        "ticket_type": ticket_type, "area_id": area_id, "category_id": category_id,
        "is_default": spec.is_default, "low_score": low_score, "expiry_days": expiry,
        "on_close": spec.on_close,
    }  # fmt: skip


def _invitation_select() -> Any:
    Requester = aliased(User)
    Agent = aliased(User)
    return (
        select(
            SurveyInvitation.id, SurveyInvitation.ticket_id, Ticket.subject, Requester.username,
            Agent.username, Area.name, SurveyInvitation.trigger, SurveyInvitation.created_at,
            SurveyInvitation.expires_at, SurveyInvitation.answered_at, SurveyInvitation.form,
            SurveyInvitation.user_id,
        )
        .select_from(SurveyInvitation)
        .join(Ticket, Ticket.id == SurveyInvitation.ticket_id)
        .join(Requester, Requester.id == SurveyInvitation.user_id)
        .outerjoin(Agent, Agent.id == SurveyInvitation.agent_id)
        .outerjoin(Area, Area.id == SurveyInvitation.area_id)
    )  # fmt: skip


def _invitation_view(row: Sequence[Any]) -> InvitationView:
    values = list(row[:10])
    return InvitationView(*values, form=SurveyForm.from_json(row[10] or {}))


def _replace_answered(view: InvitationView, at: datetime) -> InvitationView:
    from dataclasses import replace

    return replace(view, answered_at=at)


async def _invitation_for(
    session: AsyncSession, actor: Actor, ref: int | str, *, lock: bool = False
) -> InvitationView:
    ticket_id = parse_ticket_ref(ref)
    if ticket_id is None:
        raise NotFound("ticket {ticket} not found", ticket=ref)
    stmt = _invitation_select().where(SurveyInvitation.ticket_id == ticket_id)
    if lock:
        stmt = stmt.with_for_update(of=SurveyInvitation)
    row = (await session.execute(stmt)).first()
    if row is None or row[11] != actor.user_id:
        # Somebody else's survey: say so only to those who may see the ticket.
        sees = await session.scalar(select(Ticket.id).where(Ticket.id == ticket_id, visible_tickets(actor)))
        if row is not None and sees:
            raise NotPermitted("only the requester of {ticket} may answer its survey", ticket=ticket_number(ticket_id))
        if sees:
            raise NotFound("{ticket} has no survey to answer", ticket=ticket_number(ticket_id))
        raise NotFound("ticket {ticket} not found", ticket=ticket_id)
    return _invitation_view(row)


def _check_answerable(actor: Actor, view: InvitationView, now: datetime) -> None:
    if view.answered_at is not None:
        raise InvalidTransition("the survey of {ticket} has already been answered", ticket=view.number)
    if now >= view.expires_at:
        raise InvalidTransition(
            "the survey of {ticket} expired on {date}", ticket=view.number,
            date=view.expires_at.strftime("%Y-%m-%d"),
        )  # fmt: skip


Row = tuple[str, str, int | None, str | None, str | None]


def _validate_answers(form: SurveyForm, answers: Mapping[str, Any]) -> list[Row]:
    """Every refused answer at once, keyed by question; else the rows to store."""
    errors: dict[str, Any] = {}
    rows: list[Row] = []
    for key in answers:
        if form.question(str(key)) is None:
            errors[str(key)] = N_("no such question in this survey")
    lowest: int | None = None
    for question in form.questions:
        value = answers.get(question.key)
        if isinstance(value, str):
            value = strip_controls(value).strip()
        if value is None or value == "":
            if question.required:
                errors[question.key] = N_("this question needs an answer")
            continue
        if question.kind == "scale":
            score = _score(value)
            if score is None:
                errors[question.key] = N_("choose a score from 1 to 5")
                continue
            lowest = score if lowest is None else min(lowest, score)
            rows.append((question.key, "scale", score, None, None))
        elif question.kind == "choice":
            option = _option(question, str(value))
            if option is None:
                errors[question.key] = (
                    N_("choose one of: {options}"), {"options": ", ".join(o.key for o in question.options)}
                )
                continue
            rows.append((question.key, "choice", None, option, None))
        else:
            text = str(value)
            if len(text) > TEXT_MAX:
                errors[question.key] = (N_("at most {max} characters"), {"max": TEXT_MAX})
                continue
            rows.append((question.key, "text", None, None, text))
    comment_key = form.comment_key
    if (
        comment_key and lowest is not None and form.low_score is not None and lowest <= form.low_score
        and not any(r[0] == comment_key for r in rows) and comment_key not in errors
    ):
        errors[comment_key] = (
            N_("a score of {score} or less needs a comment: please tell us what went wrong"),
            {"score": form.low_score},
        )  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    return rows


def _score(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        score = int(value)
    except (TypeError, ValueError):
        return None
    return score if score in SCALE and str(value).strip() == str(score) else None


def _option(question: Question, value: str) -> str | None:
    wanted = value.strip().casefold()
    for option in question.options:
        if wanted == option.key.casefold() or any(wanted == t.casefold() for t in option.text.values()):
            return option.key
    return None


async def _results_scope(session: AsyncSession, actor: Actor, filters: ResultsFilter) -> list[Any]:
    """Who may see which results: `survey.results` (supervisors, admins); a supervisor only
    the surveys of their areas (and of tickets with no area), an admin everything."""
    if not actor.can("survey.results"):
        raise NotPermitted("you may not see survey results")
    where: list[Any] = []
    if not (actor.role == "admin" or actor.can("ticket.view_all")):
        clauses = [SurveyInvitation.area_id.is_(None)]
        if actor.area_ids:
            clauses.append(SurveyInvitation.area_id.in_(actor.area_ids))
        where.append(or_(*clauses))
    if filters.area:
        area_id = await session.scalar(select(Area.id).where(func.lower(Area.name) == filters.area.strip().lower()))
        if area_id is None:
            raise NotFound("no such area: {name}", name=filters.area)
        where.append(SurveyInvitation.area_id == area_id)
    if filters.agent:
        agent_id = await session.scalar(
            select(User.id).where(func.lower(User.username) == filters.agent.strip().lstrip("@").lower())
        )
        if agent_id is None:
            raise NotFound("no such user: {username}", username=filters.agent)
        where.append(SurveyInvitation.agent_id == agent_id)
    if filters.since is not None:
        where.append(SurveyInvitation.created_at >= filters.since)
    if filters.until is not None:
        where.append(SurveyInvitation.created_at < filters.until)
    return where or [true()]


def _month(dialect: str) -> Any:
    """The month (YYYY-MM, UTC) a survey was sent."""
    if dialect == "sqlite":
        # Stored as naive UTC text, "YYYY-MM-DD HH:MM:SS.ffffff": the month is its start
        # (and substr reads it from the index, unlike strftime, which parses every row).
        return func.substr(SurveyInvitation.created_at, 1, 7)
    return func.to_char(func.timezone("UTC", SurveyInvitation.created_at), "YYYY-MM")


__all__ = [
    "DEFAULT_FORM", "DEFAULT_THROTTLE_DAYS", "SCALE_LABELS", "THROTTLE_SETTING", "CommentView",
    "GroupResult", "InvitationView", "Question", "ResponseRow", "ResultsFilter", "SurveyForm",
    "SurveyResults", "SurveyStore", "TemplateSpec", "TemplateView", "invite_on_commit", "localized",
]  # fmt: skip
