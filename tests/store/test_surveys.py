"""Survey templates, invitations (the before-commit hook), answers and results (V1–V3)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from helpdesk_tui.store import clock
from helpdesk_tui.store.bitacora import log_event
from helpdesk_tui.store.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from helpdesk_tui.store.models import SurveyAnswer, SurveyInvitation, Ticket
from helpdesk_tui.store.surveys import ResultsFilter, TemplateSpec
from tests.conftest import Org
from tests.store.helpers import actor, new_ticket, ticket_in

JAN = datetime(2026, 1, 12, 15, 0, tzinfo=timezone.utc)
FEB = datetime(2026, 2, 10, 15, 0, tzinfo=timezone.utc)


async def resolved_ticket(org: Org, *, by: str = "carla", area: str = "Networks", agent: str = "ana", **fields) -> int:
    ticket_id = await new_ticket(org, by=by, area=area, **fields)
    await org.store.tickets.act(org.admin, ticket_id, "assign", to=agent)
    await org.store.tickets.act(actor(org, agent), ticket_id, "start")
    await org.store.tickets.act(actor(org, agent), ticket_id, "resolve", text="Hecho")
    return ticket_id


async def accepted_ticket(org: Org, *, by: str = "carla", **options) -> int:
    ticket_id = await resolved_ticket(org, by=by, **options)
    await org.store.tickets.act(actor(org, by), ticket_id, "accept")
    return ticket_id


async def invitations(org: Org) -> list[tuple[int, int, str]]:
    async with org.store.db.read() as session:
        rows = await session.execute(
            select(SurveyInvitation.ticket_id, SurveyInvitation.user_id, SurveyInvitation.trigger).order_by(SurveyInvitation.id)
        )
        return [tuple(r) for r in rows.all()]


# ----------------------------------------------------------------------------- invitations


async def test_accepting_invites_the_requester_once(org: Org) -> None:
    ticket_id = await accepted_ticket(org)
    pending = await org.store.surveys.pending(org.acme1)
    assert [(p.ticket_id, p.requester, p.agent, p.area, p.trigger) for p in pending] == [
        (ticket_id, "carla", "ana", "Networks", "accept")
    ]
    assert pending[0].expires_at - pending[0].created_at == timedelta(days=14)
    assert [q.key for q in pending[0].form.questions] == ["q1", "q2"]
    assert await org.store.surveys.pending(org.acme2) == []
    assert await org.store.surveys.pending(org.agent_net) == []


async def test_no_invitation_for_reject_cancel_or_close_before_resolution(org: Org) -> None:
    rejected = await resolved_ticket(org)
    await org.store.tickets.act(org.acme1, rejected, "reject", text="Sigue sin funcionar")
    await ticket_in(org, "cancelled")
    early = await new_ticket(org)
    await org.store.tickets.act(org.acme1, early, "close", text="ya no hace falta")
    resolved_then_closed = await resolved_ticket(org)
    await org.store.tickets.act(org.acme1, resolved_then_closed, "close")  # default: accept only
    assert await invitations(org) == []


async def test_close_after_resolution_and_silence_invite_when_the_template_says_so(org: Org) -> None:
    await org.store.surveys.set_throttle_days(None, 0)
    await org.store.surveys.add_template(None, TemplateSpec(
        name="networks", area="Networks", on_close=True,
        questions=[{"key": "q1", "kind": "scale", "text": "Rate us", "required": True}],
    ))  # fmt: skip
    closed = await resolved_ticket(org)
    await org.store.tickets.act(org.acme1, closed, "close")
    silent = await resolved_ticket(org, by="pedro")
    # The automation closes a silent resolved ticket as the system (actor None).
    async with org.store.db.write() as session:
        ticket = await session.get(Ticket, silent)
        ticket.status = "closed"
        await log_event(session, silent, None, "close", clock.now(),
                        data={"from": "resolved", "to": "closed", "reason": "silence"})  # fmt: skip
    pedro = org.acme2.user_id
    assert await invitations(org) == [(closed, org.acme1.user_id, "close"), (silent, pedro, "close")]


async def test_the_same_ticket_is_never_invited_twice(org: Org) -> None:
    await org.store.surveys.set_throttle_days(None, 0)
    ticket_id = await accepted_ticket(org)
    await org.store.tickets.act(org.acme1, ticket_id, "reopen", text="Volvió a fallar")
    await org.store.tickets.act(org.agent_net, ticket_id, "resolve", text="Cambiado el equipo")
    await org.store.tickets.act(org.acme1, ticket_id, "accept")
    assert len(await invitations(org)) == 1


async def test_throttling_window_is_a_setting(org: Org) -> None:
    assert await org.store.surveys.throttle_days() == 30
    with clock.frozen_at(JAN):
        first = await accepted_ticket(org)
    with clock.frozen_at(JAN + timedelta(days=29)):
        await accepted_ticket(org)  # within 30 days: no second survey
    with clock.frozen_at(JAN + timedelta(days=31)):
        third = await accepted_ticket(org)
        other_person = await accepted_ticket(org, by="pedro")
    await org.store.surveys.set_throttle_days(None, 0)
    with clock.frozen_at(JAN + timedelta(days=32)):
        fourth = await accepted_ticket(org)
    assert [t for t, _u, _k in await invitations(org)] == [first, third, other_person, fourth]
    with pytest.raises(ValidationFailed):
        await org.store.surveys.set_throttle_days(None, -1)
    with pytest.raises(NotPermitted):
        await org.store.surveys.set_throttle_days(org.agent_net, 5)


# ----------------------------------------------------------------------------- templates


async def test_the_most_specific_template_wins(org: Org) -> None:
    await org.store.surveys.set_throttle_days(None, 0)
    q = [{"key": "q1", "kind": "scale", "text": {"en": "Rate", "es": "Califique"}, "required": True}]
    for name, attach in (
        ("by-type", {"ticket_type": "problem"}),
        ("by-area", {"area": "Networks"}),
        ("by-category", {"area": "Networks", "category": "Wifi"}),
    ):
        await org.store.surveys.add_template(None, TemplateSpec(name=name, questions=q, **attach))
    wifi = await accepted_ticket(org, category="Wifi", type="problem")
    vpn = await accepted_ticket(org, category="VPN", type="problem")
    printer = await accepted_ticket(org, area="Service desk", agent="luis", type="problem")
    question = await accepted_ticket(org, area="Service desk", agent="luis", type="question")
    names = {p.ticket_id: p.form.name for p in await org.store.surveys.pending(org.acme1)}
    assert names == {wifi: "by-category", vpn: "by-area", printer: "by-type", question: "default"}


async def test_a_default_template_replaces_the_builtin_one(org: Org) -> None:
    assert [t.name for t in await org.store.surveys.templates(org.admin)] == ["default"]
    builtin = await org.store.surveys.template(org.sup_net, "default")
    assert builtin.id is None and builtin.form.low_score == 2
    assert builtin.form.questions[0].label("es") == "¿Qué tan satisfecho está con la solución de su caso?"
    await org.store.surveys.add_template(org.admin, TemplateSpec(
        name="casa", is_default=True, expiry_days=3, title={"en": "Quick", "es": "Rápida"},
        questions=[
            {"key": "speed", "kind": "choice", "text": "Was it quick?", "required": True,
             "options": [{"key": "yes", "text": {"en": "Yes", "es": "Sí"}}, "No"]},
        ],
    ))  # fmt: skip
    ticket_id = await accepted_ticket(org)
    (pending,) = await org.store.surveys.pending(org.acme1)
    assert (pending.form.name, pending.expires_at - pending.created_at) == ("casa", timedelta(days=3))
    assert [o.key for o in pending.form.questions[0].options] == ["yes", "no"]
    await org.store.surveys.answer(org.acme1, ticket_id, {"speed": "Sí"})  # an option's text works
    async with org.store.db.read() as session:
        assert (await session.scalar(select(SurveyAnswer.choice))) == "yes"


async def test_template_validation_reports_every_problem(org: Org) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await org.store.surveys.add_template(None, TemplateSpec(
            name="", area="Atlantis", ticket_type="rant", low_score=9, expiry_days=0,
            questions=[{"kind": "poll", "text": "?"}, {"kind": "choice", "text": "Pick", "options": ["one"]}],
        ))  # fmt: skip
    assert set(refused.value.errors) == {
        "name", "area", "type", "low_score", "expiry_days", "questions[1]", "questions[2]"
    }
    with pytest.raises(ValidationFailed) as refused:
        await org.store.surveys.add_template(None, TemplateSpec(
            name="x", is_default=True, area="Networks", low_score=2,
            questions=[{"kind": "scale", "text": "Rate"}],
        ))  # fmt: skip
    assert set(refused.value.errors) == {"default", "low_score"}
    with pytest.raises(ValidationFailed, match="attach the template"):
        await org.store.surveys.add_template(None, TemplateSpec(name="y", questions=[{"kind": "text", "text": "Hi"}]))


async def test_only_admins_and_supervisors_manage_templates(org: Org) -> None:
    spec = TemplateSpec(name="t", area="Networks", questions=[{"kind": "text", "text": "Hi"}])
    for who in (org.agent_net, org.acme1):
        with pytest.raises(NotPermitted):
            await org.store.surveys.add_template(who, spec)
        with pytest.raises(NotPermitted):
            await org.store.surveys.templates(who)
    made = await org.store.surveys.add_template(org.sup_net, spec)
    assert (made.name, made.area, made.form.questions[0].key) == ("t", "Networks", "q1")
    retired = await org.store.surveys.retire_template(org.admin, "t")
    assert not retired.active


# ----------------------------------------------------------------------------- answering


async def test_required_answers_and_bad_values_are_refused_with_nothing_stored(org: Org) -> None:
    ticket_id = await accepted_ticket(org)
    with pytest.raises(ValidationFailed) as refused:
        await org.store.surveys.answer(org.acme1, ticket_id, {"q2": "bien"})
    assert refused.value.field_messages() == {"q1": "this question needs an answer"}
    for bad in (0, 6, "five", True, "4.5"):
        with pytest.raises(ValidationFailed, match="choose a score from 1 to 5"):
            await org.store.surveys.answer(org.acme1, ticket_id, {"q1": bad})
    with pytest.raises(ValidationFailed, match="no such question"):
        await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 5, "q9": "x"})
    assert len(await org.store.surveys.pending(org.acme1)) == 1
    done = await org.store.surveys.answer(org.acme1, ticket_id, {"q1": "5"})
    assert done.answered_at is not None
    assert await org.store.surveys.pending(org.acme1) == []


async def test_a_low_score_needs_a_comment(org: Org) -> None:
    ticket_id = await accepted_ticket(org)
    with pytest.raises(ValidationFailed) as refused:
        await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 2, "q2": "   "})
    assert list(refused.value.errors) == ["q2"]
    assert "a score of 2 or less needs a comment" in refused.value.message()
    await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 2, "q2": "Tardaron dos días"})
    await org.store.surveys.set_throttle_days(None, 0)
    other = await accepted_ticket(org)
    await org.store.surveys.answer(org.acme1, other, {"q1": 3})  # above the threshold: optional


async def test_only_the_requester_answers_once_before_expiry(org: Org) -> None:
    with clock.frozen_at(JAN):
        ticket_id = await accepted_ticket(org)
    with clock.frozen_at(JAN + timedelta(days=1)):
        with pytest.raises(NotPermitted, match="only the requester"):
            await org.store.surveys.answer(org.sup_net, ticket_id, {"q1": 5})  # sees the ticket
        with pytest.raises(NotFound):
            await org.store.surveys.answer(org.globex, ticket_id, {"q1": 5})  # does not
        with pytest.raises(NotFound):
            await org.store.surveys.answer(org.acme1, 999, {"q1": 5})
        await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 4})
        with pytest.raises(InvalidTransition, match="already been answered"):
            await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 1, "q2": "otra vez"})
        with pytest.raises(InvalidTransition, match="already been answered"):
            await org.store.surveys.invitation(org.acme1, ticket_id)
    async with org.store.db.read() as session:
        assert await session.scalar(select(func.count(SurveyAnswer.id))) == 1


async def test_an_expired_survey_cannot_be_answered(org: Org) -> None:
    with clock.frozen_at(JAN):
        ticket_id = await accepted_ticket(org)
    with clock.frozen_at(JAN + timedelta(days=13, hours=23)):
        assert await org.store.surveys.pending_for_ticket(org.acme1, ticket_id) is not None
    with clock.frozen_at(JAN + timedelta(days=14)):
        assert await org.store.surveys.pending(org.acme1) == []
        assert await org.store.surveys.pending_for_ticket(org.acme1, ticket_id) is None
        with pytest.raises(InvalidTransition, match="expired on 2026-01-26"):
            await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 5})


# ----------------------------------------------------------------------------- results


async def results_fixture(org: Org) -> dict[str, int]:
    """Four surveys, worked by hand:

    ticket  month  area          agent  answer
    t1      Jan    Networks      ana    q1=5
    t2      Feb    Networks      ana    q1=2, q2="Tarde"
    t3      Feb    Service desk  luis   q1=4
    t4      Feb    Service desk  luis   (not answered)
    """
    await org.store.surveys.set_throttle_days(None, 0)
    with clock.frozen_at(JAN):
        t1 = await accepted_ticket(org)
        await org.store.surveys.answer(org.acme1, t1, {"q1": 5})
    with clock.frozen_at(FEB):
        t2 = await accepted_ticket(org, by="pedro")
        await org.store.surveys.answer(org.acme2, t2, {"q1": 2, "q2": "Tarde"})
        t3 = await accepted_ticket(org, by="gina", area="Service desk", agent="luis")
        await org.store.surveys.answer(org.globex, t3, {"q1": "4"})
        t4 = await accepted_ticket(org, by="mario", area="Service desk", agent="luis", account="Acme")
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4}


def groups(results) -> dict[str, tuple]:  # noqa: ANN001
    def row(g):  # noqa: ANN001
        return (g.invited, g.answered, None if g.satisfaction is None else round(g.satisfaction, 4))

    return {
        "overall": row(results.overall),
        **{f"agent:{g.key}": row(g) for g in results.by_agent},
        **{f"area:{g.key}": row(g) for g in results.by_area},
        **{f"month:{g.key}": row(g) for g in results.by_month},
    }


async def test_results_per_agent_area_and_month(org: Org) -> None:
    tickets = await results_fixture(org)
    results = await org.store.surveys.results(org.admin)
    assert groups(results) == {
        "overall": (4, 3, round((5 + 2 + 4) / 3, 4)),
        "agent:ana": (2, 2, 3.5),
        "agent:luis": (2, 1, 4.0),
        "area:Networks": (2, 2, 3.5),
        "area:Service desk": (2, 1, 4.0),
        "month:2026-01": (1, 1, 5.0),
        "month:2026-02": (3, 2, 3.0),
    }
    assert results.overall.response_rate == 0.75
    assert [(c.ticket_id, c.text, c.score, c.agent) for c in results.comments] == [(tickets["t2"], "Tarde", 2.0, "ana")]


async def test_results_filters(org: Org) -> None:
    await results_fixture(org)
    surveys = org.store.surveys
    assert groups(await surveys.results(org.admin, ResultsFilter(area="service desk")))["overall"] == (2, 1, 4.0)
    assert groups(await surveys.results(org.admin, ResultsFilter(agent="ana")))["overall"] == (2, 2, 3.5)
    feb = await surveys.results(org.admin, ResultsFilter(since=FEB - timedelta(days=1), until=FEB + timedelta(days=1)))
    assert groups(feb)["overall"] == (3, 2, 3.0)
    nothing = await surveys.results(org.admin, ResultsFilter(since=FEB + timedelta(days=365)))
    assert groups(nothing) == {"overall": (0, 0, None)} and nothing.overall.response_rate is None
    with pytest.raises(NotFound):
        await surveys.results(org.admin, ResultsFilter(area="Atlantis"))


async def test_results_are_for_supervisors_of_the_area_and_admins(org: Org) -> None:
    await results_fixture(org)
    surveys = org.store.surveys
    for who in (org.agent_net, org.acme1, org.clerk):
        with pytest.raises(NotPermitted, match="survey results"):
            await surveys.results(who)
    mine = await surveys.results(org.sup_net)
    assert [g.key for g in mine.by_area] == ["Networks"] and mine.overall.invited == 2
    assert [g.key for g in (await surveys.results(org.sup_desk)).by_agent] == ["luis"]
    assert (await surveys.results(org.admin)).overall.invited == 4


async def test_responses_for_the_export(org: Org) -> None:
    tickets = await results_fixture(org)
    with clock.frozen_at(FEB + timedelta(days=1)):
        rows = await org.store.surveys.responses(org.admin)
    assert [(r.ticket_id, r.status, r.satisfaction, r.comments) for r in rows] == [
        (tickets["t1"], "answered", 5.0, ""),
        (tickets["t2"], "answered", 2.0, "Tarde"),
        (tickets["t3"], "answered", 4.0, ""),
        (tickets["t4"], "pending", None, ""),
    ]


def test_what_sends_a_survey() -> None:
    """Acceptance (by the person or, in the five-stage lifecycle, by silence) and closing after a
    resolution (standard "resolved", five-stage "testing"; by the person or the automation)."""
    from helpdesk_tui.store.models import Event
    from helpdesk_tui.store.surveys import _trigger

    def trigger(kind: str, **data: str) -> str | None:
        return _trigger(Event(kind=kind, data=data))

    assert trigger("accept", **{"from": "resolved", "to": "closed"}) == "accept"
    assert trigger("accept", **{"from": "testing", "to": "closed"}) == "accept"
    assert trigger("close", **{"from": "resolved", "to": "closed"}) == "close"
    assert trigger("close", **{"from": "testing", "to": "closed"}) == "close"
    assert trigger("close", reason="silence") == "close"
    assert trigger("close", **{"from": "in_progress", "to": "closed"}) is None
    assert [trigger(k) for k in ("reject", "cancel", "comment", "reopen", "resolve")] == [None] * 5


async def test_a_bad_throttle_setting_never_fails_the_acceptance(org: Org) -> None:
    await org.store.catalog.set_setting("survey.throttle_days", "a month")
    ticket_id = await accepted_ticket(org)
    assert [t for t, _u, _k in await invitations(org)] == [ticket_id]
    assert await org.store.surveys.throttle_days() == 30


async def test_a_supervisor_who_opened_the_ticket_answers_its_survey(org: Org) -> None:
    """Seed 004: a ticket the supervisor created for their own area, once finished."""
    ticket_id = await new_ticket(org, by="sara", account="Acme")
    await org.store.tickets.act(org.sup_net, ticket_id, "assign", to="ana")
    await org.store.tickets.act(org.agent_net, ticket_id, "start")
    await org.store.tickets.act(org.agent_net, ticket_id, "resolve", text="Hecho")
    await org.store.tickets.act(org.sup_net, ticket_id, "accept")
    assert [p.ticket_id for p in await org.store.surveys.pending(org.sup_net)] == [ticket_id]
    await org.store.surveys.answer(org.sup_net, ticket_id, {"q1": 5})
