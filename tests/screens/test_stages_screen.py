"""The five-stage lifecycle on the ticket screen: the stage panel, ticking the checklist,
proposing a plan, the customer's approval or rejection, and starting the solution — with the
lifecycle actions offered by the same generic buttons and keys as the standard lifecycle."""

from __future__ import annotations

from textual.widgets import Button, Input, TextArea

from helpdesk_tui.widgets.stages import ChecklistDialog, PlanDecisionDialog, ProposePlanDialog, StagePanel
from tests.conftest import Org
from tests.screens.conftest import wait_for
from tests.screens.test_ticket import buttons, screen_text, ticket_app, wait_screen
from tests.store.helpers import status_of
from tests.store.stage_helpers import ITEMS, PLAN, five_stage_ticket


def panel_text(screen) -> str:
    return str(screen.query_one(StagePanel).content)


async def test_the_engineer_ticks_an_item(org: Org, start_app) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    async with ticket_app(start_app, "ana", ticket_id) as (app, pilot, screen):
        assert screen.query_one(StagePanel).display
        assert "Checklist 0/4 [ ] Identification [ ] Validation [ ] Structure [ ] Alarm type" in panel_text(screen)
        assert "b tick the checklist · p propose a plan" in panel_text(screen)
        assert "Analysis" in screen_text(app)
        version = screen.detail.ticket.version
        await pilot.press("b")
        dialog = await wait_screen(pilot, ChecklistDialog)
        await pilot.press("down")  # Validation
        dialog.query_one("#checklist-note", Input).value = "Replicado en la sala 3"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.detail.ticket.version > version)
        stages = await org.store.stages.show(org.agent_net, ticket_id)
        entry = next(e for e in stages.checklist if e.item == "validation")
        assert (entry.done, entry.note, entry.by) == (True, "Replicado en la sala 3", "ana")
        await wait_for(pilot, lambda: "[x] Validation" in panel_text(screen))
        assert "Checklist 1/4" in panel_text(screen)
        assert "Validation: done" in app.notes
        await wait_for(pilot, lambda: any("Validation: done" in line for line in screen.bitacora.plain_lines()))
        assert any("Replicado en la sala 3" in line for line in screen.bitacora.plain_lines())


async def test_the_customer_approves_the_plan(org: Org, start_app) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    async with ticket_app(start_app, "carla", ticket_id) as (app, pilot, screen):
        text = panel_text(screen)
        assert "Work plan: waiting for the customer — Restablecer la wifi de la sala 3" in text
        assert "p approve or reject the plan" in text
        assert "[ ]" not in text  # the checklist itself is for staff
        assert screen.check_action("checklist", ()) is False
        await pilot.press("p")
        dialog = await wait_screen(pilot, PlanDecisionDialog)
        shown = str(dialog.query_one("#plan-text").content)
        assert "2026-03-03  Revisar el punto de acceso" in shown
        assert dialog.query_one("#reject", Button).disabled
        await pilot.press(*"De acuerdo")
        await pilot.click("#approve")
        await wait_for(pilot, lambda: "Work plan approved" in app.notes)
        plan = (await org.store.stages.show(org.acme1, ticket_id)).plan
        assert (plan.status, plan.decided_by, plan.comment) == ("approved", "carla", "De acuerdo")
        await wait_for(pilot, lambda: "approved by the customer" in panel_text(screen))


async def test_the_customer_rejects_the_plan_only_with_a_reason(org: Org, start_app) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
    async with ticket_app(start_app, "carla", ticket_id) as (app, pilot, screen):
        await pilot.press("p")
        dialog = await wait_screen(pilot, PlanDecisionDialog)
        await pilot.press(*"El martes no hay acceso")
        assert not dialog.query_one("#reject", Button).disabled
        await pilot.click("#reject")
        await wait_for(pilot, lambda: "Work plan rejected" in app.notes)
        plan = (await org.store.stages.show(org.acme1, ticket_id)).plan
        assert (plan.status, plan.comment) == ("rejected", "El martes no hay acceso")


async def test_the_engineer_proposes_a_plan_and_a_bad_one_is_kept(org: Org, start_app) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    async with ticket_app(start_app, "ana", ticket_id) as (app, pilot, screen):
        await pilot.press("p")
        dialog = await wait_screen(pilot, ProposePlanDialog)
        assert dialog.query_one("#submit", Button).disabled
        await pilot.press(*"Cambiar el AP", "enter")
        dialog.query_one("#plan-activities", TextArea).text = "mañana cambiar el AP"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail is not None)
        await pilot.pause(0.2)
        assert (await org.store.stages.show(org.agent_net, ticket_id)).plan is None
        await pilot.press("p")
        dialog = await wait_screen(pilot, ProposePlanDialog)
        assert dialog.query_one("#plan-objective", Input).value == "Cambiar el AP"
        assert dialog.query_one("#plan-activities", TextArea).text == "mañana cambiar el AP"
        dialog.query_one("#plan-activities", TextArea).text = "2026-03-05 Cambiar el AP\n2026-03-06 Probar"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Work plan proposed" in app.notes)
        plan = (await org.store.stages.show(org.agent_net, ticket_id)).plan
        assert plan.objective == "Cambiar el AP" and len(plan.activities) == 2
        await wait_for(pilot, lambda: "waiting for the customer" in panel_text(screen))


async def test_start_solution_is_explained_then_offered(org: Org, start_app) -> None:
    ticket_id = await five_stage_ticket(org, "analysis")
    async with ticket_app(start_app, "ana", ticket_id) as (app, pilot, screen):
        assert "solve" not in buttons(screen)
        await pilot.press("m")
        await wait_for(pilot, lambda: any("checklist is not complete (0 of 4 items)" in n for n in app.notes))
        for item in ITEMS:
            await org.store.stages.check(org.agent_net, ticket_id, item)
        await org.store.stages.propose_plan(org.agent_net, ticket_id, *PLAN)
        await org.store.stages.approve_plan(org.acme1, ticket_id)
        await wait_for(pilot, lambda: "solve" in buttons(screen), timeout=8)
        await pilot.press("m")
        await wait_for(pilot, lambda: screen.detail.ticket.status == "solution")
        assert await status_of(org, ticket_id) == "solution"
        assert "Solution" in screen_text(app)


async def test_standard_tickets_have_no_stage_panel(org: Org, start_app) -> None:
    from tests.store.helpers import ticket_in

    ticket_id = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", ticket_id) as (app, pilot, screen):
        assert not screen.query_one(StagePanel).display
        assert screen.check_action("work_plan", ()) is False
        assert screen.check_action("sla_clock", ()) is True


# ------------------------------------------------------------ queue and My tickets


def test_tabs_fold_the_five_stage_states_into_the_standard_ones() -> None:
    from helpdesk_tui import labels

    assert labels.tab_query("in_progress") == "status:in_progress,analysis,solution"
    assert labels.tab_query("assigned") == "status:assigned"
    counts = labels.tab_counts({"new": 2, "opened": 1, "analysis": 3, "solution": 1, "testing": 4, "closed": 5})
    assert counts == {"new": 3, "assigned": 0, "in_progress": 4, "waiting": 0, "resolved": 4, "closed": 5, "cancelled": 0}


async def test_the_queue_lists_five_stage_tickets_in_the_standard_tabs(org: Org, start_app) -> None:
    from tests.screens.test_queue import loaded, subjects, tab_text

    await five_stage_ticket(org, "analysis", subject="En análisis")
    await five_stage_ticket(org, "testing", subject="En pruebas")
    await five_stage_ticket(org, subject="Recién abierto")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        assert subjects(app) == ["Recién abierto"]  # the New tab
        assert "New 1" in tab_text(app) and "In progress 1" in tab_text(app) and "Resolved 1" in tab_text(app)
        await pilot.press("l", "l")
        assert app.screen.tab == "in_progress"
        await wait_for(pilot, lambda: subjects(app) == ["En análisis"])
        assert "Analysis" in screen_text(app)
        await pilot.press("l", "l")
        assert app.screen.tab == "resolved"
        await wait_for(pilot, lambda: subjects(app) == ["En pruebas"])


async def test_my_tickets_shows_testing_as_waiting_for_the_customer(org: Org, start_app) -> None:
    from tests.screens.test_my_tickets import cells, home, row_ids

    testing = await five_stage_ticket(org, "testing")
    analysis = await five_stage_ticket(org, "analysis", subject="Otro caso")
    async with start_app("carla") as (app, pilot):
        screen = await home(app, pilot)
        assert row_ids(screen, "resolved") == [testing]
        assert row_ids(screen, "open") == [analysis]
        assert "Testing" in cells(screen, "resolved", testing)[2]
        assert "waiting for you" in cells(screen, "resolved", testing)[2]
        assert "1 to accept or reject" in str(screen.query_one("#waiting-summary").content)
