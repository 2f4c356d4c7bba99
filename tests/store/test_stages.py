"""The five-stage lifecycle of seed 003 through the store: Abierto -> Análisis -> Solución ->
Pruebas -> Cerrada, its analysis checklist and work plans, its refusals, and how its tickets
show up in counts, filters and SLA clocks. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from helpdesk_tui.i18n import translate_to
from helpdesk_tui.store.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from helpdesk_tui.store.lifecycle import FIVE_STAGE, LIFECYCLES, STANDARD
from tests.conftest import Org
from tests.store.helpers import new_ticket, status_of
from tests.store.stage_helpers import ITEMS, PLAN, five_stage_ticket, use_lifecycle


def test_five_stage_is_registered_with_its_silence_rule() -> None:
    assert LIFECYCLES["five_stage"] is FIVE_STAGE
    assert FIVE_STAGE.silence == (("testing", "accept"),)
    assert FIVE_STAGE.initial == "opened"
    assert STANDARD.states == ("new", "assigned", "in_progress", "waiting", "resolved", "closed", "cancelled")


# ------------------------------------------------------------------------ selection


async def test_lifecycle_comes_from_the_area(org: Org) -> None:
    await use_lifecycle(org.store, "five_stage", area="Networks")
    five = await org.store.tickets.create(org.acme1, _case(area="Networks"))
    plain = await org.store.tickets.create(org.acme1, _case(area="Service desk"))
    assert five.status == "opened"
    assert plain.status == "new"
    assert (await org.store.tickets.show(org.admin, five.id)).stages.lifecycle == "five_stage"
    assert (await org.store.tickets.show(org.admin, plain.id)).stages is None


async def test_lifecycle_comes_from_the_account_when_the_area_names_none(org: Org) -> None:
    await use_lifecycle(org.store, "five_stage", account="Globex")
    row = await org.store.tickets.create(org.globex, _case(area="Service desk"))
    assert row.status == "opened"
    acme = await org.store.tickets.create(org.acme1, _case(area="Service desk"))
    assert acme.status == "new"


async def test_the_area_wins_over_the_account(org: Org) -> None:
    await use_lifecycle(org.store, "five_stage", account="Globex")
    await use_lifecycle(org.store, "standard", area="Networks")
    row = await org.store.tickets.create(org.globex, _case(area="Networks"))
    assert row.status == "new"


async def test_a_routed_ticket_stays_opened_with_its_engineer(org: Org) -> None:
    await org.store.catalog.add_account(None, "Initech", primary_agent="ana")
    await org.store.catalog.add_user(None, "irene", role="customer", accounts=["Initech"])
    await use_lifecycle(org.store, "five_stage", account="Initech")
    irene = await org.store.catalog.actor("irene")
    row = await org.store.tickets.create(irene, _case(area="Networks"))
    assert (row.status, row.assignee) == ("opened", "ana")
    routed = (await org.store.tickets.show(org.admin, row.id)).events[-1]
    assert routed.data["from"] == routed.data["to"] == "opened"


# ------------------------------------------------------------------------ happy path


async def test_the_whole_way_from_opened_to_closed(org: Org) -> None:
    tickets, stages = org.store.tickets, org.store.stages
    ticket_id = await five_stage_ticket(org)
    assert (await tickets.act(org.sup_net, ticket_id, "assign", to="ana")).status == "opened"
    assert (await tickets.act(org.agent_net, ticket_id, "start")).status == "analysis"
    await tickets.recategorise(org.agent_net, ticket_id, category="VPN")  # Análisis may recategorise
    for item in ITEMS:
        view = await stages.check(org.agent_net, ticket_id, item, note=f"{item} revisado")
    assert view.checklist_complete and view.checklist_done == 4
    plan = await stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    assert plan.status == "proposed"
    assert [a.date.isoformat() for a in plan.activities] == ["2026-03-03", "2026-03-04"]
    customer_view = await tickets.show(org.acme1, ticket_id)
    assert customer_view.stages.abilities == ("decide_plan",)
    assert "solve" not in (await tickets.show(org.agent_net, ticket_id)).actions
    approved = await stages.approve_plan(org.acme1, ticket_id, "De acuerdo")
    assert (approved.status, approved.decided_by, approved.comment) == ("approved", "carla", "De acuerdo")
    assert "solve" in (await tickets.show(org.agent_net, ticket_id)).actions
    assert (await tickets.act(org.agent_net, ticket_id, "solve")).status == "solution"
    testing = await tickets.act(org.agent_net, ticket_id, "resolve", text="Cambiado el cable")
    assert testing.status == "testing"
    assert set((await tickets.show(org.acme1, ticket_id)).actions) >= {"accept", "reject"}
    assert (await tickets.act(org.acme1, ticket_id, "accept")).status == "closed"

    staff = await tickets.show(org.admin, ticket_id)
    kinds = [e.kind for e in staff.events]
    assert kinds.count("checklist") == 4
    assert kinds[-5:] == ["plan_proposed", "plan_approved", "solve", "resolve", "accept"]
    assert [(e.data["from"], e.data["to"]) for e in staff.events if e.kind in ("start", "solve", "resolve", "accept")] == [
        ("opened", "analysis"), ("analysis", "solution"), ("solution", "testing"), ("testing", "closed"),
    ]  # fmt: skip
    assert {e.visibility for e in staff.events if e.kind == "checklist"} == {"internal"}
    proposal = next(e for e in staff.events if e.kind == "plan_proposed")
    assert proposal.visibility == "public"
    assert proposal.text.splitlines() == [PLAN[0], "2026-03-03  Revisar el punto de acceso", "2026-03-04  Cambiar el cableado"]
    customer = await tickets.show(org.acme1, ticket_id)
    assert "checklist" not in [e.kind for e in customer.events]
    assert {"plan_proposed", "plan_approved"} <= {e.kind for e in customer.events}
    assert customer.stages.checklist == () and customer.stages.checklist_done == 4
    assert [c.note for c in staff.stages.checklist] == [f"{i} revisado" for i in ITEMS]
    assert staff.resolution == "Cambiado el cable"


async def test_show_json_carries_the_stages(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    await org.store.stages.check(org.agent_net, ticket_id, "validation", note="replicado")
    document = (await org.store.tickets.show(org.agent_net, ticket_id)).to_json()
    stages = document["stages"]
    assert stages["lifecycle"] == "five_stage"
    assert stages["checklist_done"] == 1 and stages["checklist_total"] == 4
    assert [c["item"] for c in stages["checklist"]] == list(ITEMS)
    assert stages["checklist"][1]["done"] and stages["checklist"][1]["by"] == "ana"
    assert stages["plan"] is None and stages["abilities"] == ["check", "propose_plan"]


# ------------------------------------------------------------------------ refusals


async def test_solution_needs_the_whole_checklist(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    for item in ITEMS[:3]:
        await org.store.stages.check(org.agent_net, ticket_id, item)
    await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    await org.store.stages.approve_plan(org.acme1, ticket_id)
    with pytest.raises(InvalidTransition) as refused:
        await org.store.tickets.act(org.agent_net, ticket_id, "solve")
    assert refused.value.message() == "solve: the analysis checklist is not complete (3 of 4 items)"
    assert "(3 de 4 elementos)" in refused.value.message(lambda m: translate_to("es", m))
    explained = await org.store.tickets.explain(org.agent_net, ticket_id, "solve")
    assert explained is not None and explained.msgid == refused.value.msgid
    assert await status_of(org, ticket_id) == "analysis"


@pytest.mark.parametrize("plan", ["none", "proposed", "rejected"])
async def test_solution_needs_a_plan_the_customer_approved(org: Org, plan: str) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    for item in ITEMS:
        await org.store.stages.check(org.agent_net, ticket_id, item)
    if plan != "none":
        await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    if plan == "rejected":
        await org.store.stages.reject_plan(org.acme1, ticket_id, "Las fechas no nos sirven")
    with pytest.raises(InvalidTransition, match="has not approved a work plan"):
        await org.store.tickets.act(org.sup_net, ticket_id, "solve")
    assert "solve" not in (await org.store.tickets.show(org.sup_net, ticket_id)).actions


async def test_who_comes_before_the_guards(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    with pytest.raises(NotPermitted, match="only the assignee or a supervisor"):
        await org.store.tickets.act(org.acme1, ticket_id, "solve")


async def test_the_customer_cannot_tick_the_checklist(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    with pytest.raises(NotPermitted, match="only staff of the ticket's area"):
        await org.store.stages.check(org.acme1, ticket_id, "identification")
    # Staff of another area do not even see the ticket.
    with pytest.raises(NotFound):
        await org.store.stages.check(org.agent_desk, ticket_id, "identification")
    assert (await org.store.stages.check(org.admin, ticket_id, "identification")).checklist_done == 1
    assert (await org.store.stages.show(org.acme1, ticket_id)).abilities == ()


async def test_another_customer_cannot_decide_the_plan(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    await org.store.catalog.grant(None, "pedro", "ticket.view_account")
    pedro = await org.refresh("acme2")
    with pytest.raises(NotPermitted, match="only the requester or the contact"):
        await org.store.stages.approve_plan(pedro, ticket_id)
    with pytest.raises(NotFound):
        await org.store.stages.approve_plan(org.globex, ticket_id)
    with pytest.raises(NotPermitted):
        await org.store.stages.approve_plan(org.agent_net, ticket_id)
    assert (await org.store.stages.show(org.admin, ticket_id)).plan.status == "proposed"


async def test_a_rejected_plan_needs_a_reason_and_a_new_proposal(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    stages = org.store.stages
    first = await stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    with pytest.raises(ValidationFailed):
        await stages.reject_plan(org.acme1, ticket_id, "  ")
    rejected = await stages.reject_plan(org.acme1, ticket_id, "El martes no hay acceso a la sala")
    assert (rejected.id, rejected.status) == (first.id, "rejected")
    with pytest.raises(InvalidTransition, match="no work plan waiting"):
        await stages.approve_plan(org.acme1, ticket_id)
    second = await stages.propose_plan(org.agent_net, ticket_id, "Otra fecha", ["2026-03-05 Cambiar el cableado"])
    assert second.id != first.id and second.status == "proposed"
    events = (await org.store.tickets.show(org.acme1, ticket_id)).events
    assert [e.kind for e in events if e.kind.startswith("plan_")] == ["plan_proposed", "plan_rejected", "plan_proposed"]
    assert next(e for e in events if e.kind == "plan_rejected").text == "El martes no hay acceso a la sala"


async def test_a_new_proposal_supersedes_one_still_waiting(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    first = await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    second = await org.store.stages.propose_plan(org.sup_net, ticket_id, "Plan corregido", ["2026-03-06 Visita"])
    approved = await org.store.stages.approve_plan(org.acme1, ticket_id)
    assert approved.id == second.id != first.id
    assert approved.objective == "Plan corregido"


@pytest.mark.parametrize(
    "objective,activities,field",
    [
        ("", ["2026-03-03 Revisar"], "objective"),
        ("Objetivo", [], "activities"),
        ("Objetivo", ["mañana revisar"], "activities"),
        ("Objetivo", ["2026-02-30 Revisar"], "activities"),
        ("Objetivo", [("2026-03-03", "  ")], "activities"),
    ],
)
async def test_bad_plans_are_refused_by_field(org: Org, objective, activities, field) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    with pytest.raises(ValidationFailed) as refused:
        await org.store.stages.propose_plan(org.agent_net, ticket_id, objective, activities)
    assert field in refused.value.errors
    assert (await org.store.stages.show(org.admin, ticket_id)).plan is None


async def test_working_papers_only_in_analysis(org: Org) -> None:
    ticket_id = await five_stage_ticket(org)
    await org.store.tickets.act(org.sup_net, ticket_id, "assign", to="ana")
    with pytest.raises(InvalidTransition, match="only while the ticket is in analysis"):
        await org.store.stages.check(org.agent_net, ticket_id, "identification")
    with pytest.raises(InvalidTransition, match="only while the ticket is in analysis"):
        await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    await org.store.tickets.act(org.agent_net, ticket_id, "start")
    with pytest.raises(ValidationFailed, match="no such checklist item"):
        await org.store.stages.check(org.agent_net, ticket_id, "no_such_item")
    plain = await new_ticket(org, area="Service desk")
    with pytest.raises(InvalidTransition, match="has no analysis checklist"):
        await org.store.stages.check(org.admin, plain, "identification")


async def test_a_stage_change_bumps_the_version(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    before = (await org.store.tickets.show(org.admin, ticket_id)).ticket.version
    await org.store.stages.check(org.agent_net, ticket_id, "structure")
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.version == before + 1


async def test_rejecting_the_tests_goes_back_to_solution(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "testing")
    with pytest.raises(ValidationFailed):
        await org.store.tickets.act(org.acme1, ticket_id, "reject")
    with pytest.raises(NotPermitted):
        await org.store.tickets.act(org.agent_net, ticket_id, "reject", text="no")
    row = await org.store.tickets.act(org.acme1, ticket_id, "reject", text="Sigue cayéndose la red")
    assert row.status == "solution"
    last = (await org.store.tickets.show(org.admin, ticket_id)).events[-1]
    assert (last.kind, last.actor, last.text) == ("reject", "carla", "Sigue cayéndose la red")
    again = await org.store.tickets.act(org.agent_net, ticket_id, "resolve", text="Cambiado el switch")
    assert again.status == "testing"


# ------------------------------------------------------------------------ everywhere else


async def test_counts_filters_and_queue_see_five_stage_states(org: Org) -> None:
    analysis = await five_stage_ticket(org, "analysis")
    testing = await five_stage_ticket(org, "testing", subject="El switch del piso 2 se reinicia")
    opened = await five_stage_ticket(org, subject="Sin red en bodega")
    standard = await new_ticket(org, area="Service desk", subject="Impresora atascada")
    tickets = org.store.tickets
    counts = await tickets.count_by_status(org.admin)
    assert counts == {"analysis": 1, "testing": 1, "opened": 1, "new": 1}
    assert await tickets.count_by_status(org.sup_net) == {"analysis": 1, "testing": 1, "opened": 1}
    assert await tickets.count_by_status(org.acme1, "is:open") == {"analysis": 1, "opened": 1, "new": 1}

    async def ids(query: str) -> set[int]:
        return {r.id for r in (await tickets.page(org.admin, query)).rows}

    assert await ids("status:analysis") == {analysis}
    assert await ids("estado:pruebas") == {testing}
    assert await ids("status:abierto,new") == {opened, standard}
    assert await ids("is:open") == {analysis, opened, standard}
    assert await ids("status:Análisis,solución") == {analysis}
    assert await tickets.count(org.admin, "status:testing,resolved") == 1


async def test_testing_pauses_the_sla_clock(org: Org) -> None:
    ticket_id = await five_stage_ticket(org, "testing")
    sla = (await org.store.tickets.show(org.admin, ticket_id)).sla
    assert sla["resolution"]["state"] == "paused"
    assert sla["resolution"]["intervals"][-1]["state"] == "paused"
    assert sla["resolution"]["intervals"][-1]["reason"] == "resolve"
    await org.store.tickets.act(org.acme1, ticket_id, "reject", text="Falla otra vez")
    sla = (await org.store.tickets.show(org.admin, ticket_id)).sla
    assert sla["resolution"]["state"] == "running"


def _case(**fields):
    from helpdesk_tui.store.views import NewTicket

    return NewTicket(subject="No hay red", description="Desde esta mañana.", **fields)


async def test_the_demo_has_a_five_stage_client_in_every_stage(store) -> None:
    from datetime import datetime, timezone

    from helpdesk_tui.store import clock
    from helpdesk_tui.store.demo import load_demo

    with clock.frozen_at(datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)):
        assert await load_demo(store, tickets=12)
    sofia = await store.catalog.actor("sofia")
    rows = (await store.tickets.page(sofia, "status:opened,analysis,solution,testing")).rows
    assert sorted(r.status for r in rows) == ["analysis", "opened", "solution", "testing"]
    assert {r.account for r in rows} == {"Andina Logística"}
    by_state = {r.status: await store.tickets.show(sofia, r.id) for r in rows}
    assert by_state["analysis"].stages.plan.status == "proposed"
    assert by_state["analysis"].stages.checklist_done == 2
    assert by_state["testing"].stages.plan_approved and by_state["testing"].resolution
    assert by_state["testing"].sla["resolution"]["state"] == "paused"
    lmartinez = await store.catalog.actor("lmartinez")
    assert (await store.tickets.show(lmartinez, by_state["analysis"].ticket.id)).stages.abilities == ("decide_plan",)


async def test_silence_in_testing_counts_as_acceptance(org: Org) -> None:
    """Seed 003: a customer who says nothing about the tests accepts them (the generic silence
    automation of store/automation.py reads FIVE_STAGE.silence)."""
    from datetime import datetime, timezone

    from helpdesk_tui.store import clock
    from helpdesk_tui.store.automation import run_automation

    monday = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)  # 10:00 in Bogotá
    with clock.frozen_at(monday):
        ticket_id = await five_stage_ticket(org, "testing")
    with clock.frozen_at(datetime(2026, 3, 4, 15, 0, tzinfo=timezone.utc)):  # two business days
        await run_automation(org.store)
    assert await status_of(org, ticket_id) == "testing"
    with clock.frozen_at(datetime(2026, 3, 5, 15, 30, tzinfo=timezone.utc)):  # three and a bit
        await run_automation(org.store)
    assert await status_of(org, ticket_id) == "closed"
    last = (await org.store.tickets.show(org.admin, ticket_id)).events[-1]
    assert (last.kind, last.actor, last.data["from"], last.data["to"]) == ("accept", "system", "testing", "closed")
