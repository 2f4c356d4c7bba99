"""The survey form (V2) with Pilot: refused in place, accepted once, only by the requester; the
"Answer survey" key of the ticket screen and the list of My tickets; a snapshot at 80x24."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import OptionList, RadioSet, Static, TextArea

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.screens.my_tickets import MyTicketsScreen, PendingSurveys
from helpdesk_tui.screens.new_ticket import ChoiceDialog
from helpdesk_tui.screens.survey import QuestionBlock, SurveyScreen, open_survey
from helpdesk_tui.screens.survey_results import SurveyResultsScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.store import open_store
from tests.conftest import build_org, run_in_thread
from tests.screens.conftest import wait_for
from tests.store.helpers import ticket_in


async def ticket_screen(app, pilot, ticket_id: int) -> TicketScreen:
    app.open_ticket(ticket_id)
    await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
    await pilot.pause()
    return app.screen


async def survey_form(app, pilot) -> SurveyScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, SurveyScreen))
    await pilot.pause()
    return app.screen


def block(screen: SurveyScreen, key: str) -> QuestionBlock:
    return screen.query_one(f"#block-{key}", QuestionBlock)


def error_of(screen: SurveyScreen, key: str) -> str:
    line = block(screen, key).query_one(".question-error", Static)
    return str(line.render()) if line.has_class("-shown") else ""


async def pick_score(pilot, screen: SurveyScreen, score: int) -> None:
    radio = block(screen, "q1").query_one(RadioSet)
    radio.focus()
    await pilot.pause()
    await pilot.press(*["right"] * (score - 1), "enter")
    await pilot.pause()
    assert radio.pressed_index == score - 1


async def test_the_form_refuses_a_missing_answer_in_place_then_accepts(org, start_app):
    ticket_id = await ticket_in(org, "closed")
    async with start_app("carla") as (app, pilot):
        screen = await ticket_screen(app, pilot, ticket_id)
        assert screen.query_one("#do-answer_survey")  # the button is offered to the requester
        await pilot.press("S")
        form = await survey_form(app, pilot)
        await pilot.press("tab")  # away from the first question: the refusal brings focus back
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: error_of(form, "q1") != "")
        assert error_of(form, "q1") == "this question needs an answer"
        assert app.focused is block(form, "q1").query_one(RadioSet)
        assert isinstance(app.screen, SurveyScreen)
        # A low score asks for the comment: refused under the comment, which gets the focus.
        await pick_score(pilot, form, 2)
        assert error_of(form, "q1") == ""  # answering clears the refusal
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: error_of(form, "q2") != "")
        assert "needs a comment" in error_of(form, "q2")
        assert app.focused is block(form, "q2").query_one(TextArea)
        await pilot.press(*"Tardaron dos dias")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen))
        await wait_for(pilot, lambda: not screen.query("#do-answer_survey"))
        assert screen.survey is None
        assert await org.store.surveys.pending(org.acme1) == []
        rows = await org.store.surveys.responses(org.admin)
        assert [(r.ticket_id, r.status, r.satisfaction, r.comments) for r in rows] == [
            (ticket_id, "answered", 2.0, "Tardaron dos dias")
        ]


async def test_it_cannot_be_answered_twice(org, start_app):
    ticket_id = await ticket_in(org, "closed")
    async with start_app("carla") as (app, pilot):
        await ticket_screen(app, pilot, ticket_id)
        await pilot.press("S")
        form = await survey_form(app, pilot)
        await pick_score(pilot, form, 5)
        # Meanwhile the same survey is answered elsewhere (another terminal, the command line).
        await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 4})
        await pilot.press("ctrl+s")
        error = form.query_one("#survey-error", Static)
        await wait_for(pilot, lambda: error.has_class("-shown"))
        assert "already been answered" in str(error.render())
        assert isinstance(app.screen, SurveyScreen)
        form.dismiss(False)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen))  # and it reloads
        await wait_for(pilot, lambda: app.screen.survey is None and not app.screen.query("#do-answer_survey"))
        assert not await open_survey(app, ticket_id)
        await pilot.pause()
        assert not isinstance(app.screen, SurveyScreen)
        assert any("already been answered" in str(n.message) for n in app._notifications)


async def test_another_user_cannot_answer(org, start_app):
    ticket_id = await ticket_in(org, "closed")
    async with start_app("sara") as (app, pilot):
        screen = await ticket_screen(app, pilot, ticket_id)
        assert screen.survey is None and not screen.query("#do-answer_survey")
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        assert not await open_survey(app, ticket_id)
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        assert any("only the requester" in str(n.message) for n in app._notifications)
    assert len(await org.store.surveys.pending(org.acme1)) == 1


async def test_my_tickets_lists_the_pending_survey(org, start_app):
    ticket_id = await ticket_in(org, "closed")
    async with start_app("carla") as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, MyTicketsScreen) and app.screen.loaded)
        pending = app.screen.query_one(PendingSurveys)
        await wait_for(pilot, lambda: pending.loads > 0)
        assert pending.display and pending.has_class("-some")
        options = pending.query_one(OptionList)
        prompt = options.get_option_at_index(0).prompt
        assert f"HD-{ticket_id:06d}" in prompt.plain and "Answer survey" in prompt.plain
        assert "answer_survey" in {b.binding.action for b in app.screen.active_bindings.values()}
        await pilot.press("S")  # from anywhere on the screen
        await survey_form(app, pilot)
        await pilot.press("escape")  # nothing answered: leaves at once
        await wait_for(pilot, lambda: isinstance(app.screen, MyTicketsScreen))
        options.focus()
        await pilot.press("enter")  # or Enter on the list
        form = await survey_form(app, pilot)
        await pick_score(pilot, form, 4)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MyTicketsScreen))
        await wait_for(pilot, lambda: not pending.has_class("-some"))
        assert not pending.display or pending.styles.display == "none"


async def test_my_tickets_hides_the_list_when_nothing_is_pending(org, start_app):
    await ticket_in(org, "cancelled")
    async with start_app("carla") as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, MyTicketsScreen) and app.screen.loaded)
        pending = app.screen.query_one(PendingSurveys)
        await wait_for(pilot, lambda: pending.loads > 0)
        assert not pending.has_class("-some")
        assert not app.screen.check_action("answer_survey", ())
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, MyTicketsScreen)


async def test_escape_asks_before_losing_answers(org, start_app):
    ticket_id = await ticket_in(org, "closed")
    async with start_app("carla") as (app, pilot):
        await ticket_screen(app, pilot, ticket_id)
        await pilot.press("S")
        form = await survey_form(app, pilot)
        await pick_score(pilot, form, 3)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("k")  # keep answering
        await wait_for(pilot, lambda: app.screen is form)
        assert block(form, "q1").query_one(RadioSet).pressed_index == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen))
    assert len(await org.store.surveys.pending(org.acme1)) == 1


async def test_an_untouched_form_leaves_at_once(org, start_app):
    ticket_id = await ticket_in(org, "closed")
    async with start_app("carla") as (app, pilot):
        await ticket_screen(app, pilot, ticket_id)
        await pilot.press("S")
        await survey_form(app, pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen))


async def test_results_screen_for_supervisors_only(org, start_app):
    ticket_id = await ticket_in(org, "closed")
    await org.store.surveys.answer(org.acme1, ticket_id, {"q1": 4, "q2": "Bien"})
    async with start_app("ana") as (app, pilot):
        app.action_survey_results()
        await pilot.pause()
        assert not isinstance(app.screen, SurveyResultsScreen)
        assert "Survey results" not in [c.title for c in app.get_system_commands(app.screen)]
    async with start_app("sara") as (app, pilot):
        assert "Survey results" in [c.title for c in app.get_system_commands(app.screen)]
        from helpdesk_tui.commands import run_command_line

        await run_command_line(app, ":surveys")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyResultsScreen) and app.screen.results is not None)
        summary = str(app.screen.query_one("#results-summary", Static).render())
        assert "Surveys sent: 1; answered: 1 (100%); satisfaction: 4.00" in summary
        assert app.screen.query_one("#table-agent").row_count == 1
        screen = app.screen
        await pilot.press("slash", *"from:2999-01-01", "enter")
        await wait_for(pilot, lambda: "Surveys sent: 0" in str(screen.query_one("#results-summary", Static).render()))
        assert screen.query_one("#table-agent").row_count == 0
        screen.query_one("#results-filter").value = ""
        await pilot.press("slash", *"when:today", "enter")
        await wait_for(pilot, lambda: "Not understood" in str(screen.query_one("#results-summary", Static).render()))


async def test_hostile_texts_show_literally(org, start_app):
    from textual.widgets import DataTable, Label, RadioButton

    from helpdesk_tui.store.surveys import TemplateSpec

    hostile = "[@click=app.quit]x [/] \x1b]52;c;aGk=\x07\u202eevil"
    await org.store.surveys.add_template(None, TemplateSpec(
        name="hostile", area="Networks", questions=[
            {"key": "q1", "kind": "choice", "text": hostile, "required": True, "options": ["[/]", "[b]no[/b]"]},
            {"key": "q2", "kind": "text", "text": "Comment"},
        ],
    ))  # fmt: skip
    ticket_id = await ticket_in(org, "closed")
    async with start_app("carla") as (app, pilot):
        await open_survey(app, ticket_id)
        form = await survey_form(app, pilot)
        shown = str(block(form, "q1").query_one(".question-text", Label).render())
        assert "[@click=app.quit]x [/]" in shown and "\x1b" not in shown and "\u202e" not in shown
        assert [str(b.label) for b in form.query(RadioButton)] == ["[/]", "[b]no[/b]"]
        radio = block(form, "q1").query_one(RadioSet)
        radio.focus()
        await pilot.press("right", "enter")
        block(form, "q2").query_one(TextArea).text = "[@click=app.quit]y\x1b[2J"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SurveyScreen))
        assert app.is_running
    async with start_app("sara") as (app, pilot):
        app.action_survey_results()
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyResultsScreen) and app.screen.results is not None)
        app.screen.action_show_tab("comments")
        await pilot.pause()
        table = app.screen.query_one("#table-comments", DataTable)
        comment = table.get_row_at(0)[-1]
        assert comment.plain == "[@click=app.quit]y" and app.is_running


# ------------------------------------------------------------------------------ looks


def test_survey_form_80x24(snap_compare, frozen, sqlite_template: Path, tmp_path: Path):
    path = tmp_path / "snap.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        store = await open_store(str(path), migrate=False, attachments_dir=tmp_path / "files")
        try:
            org = await build_org(store)
            await ticket_in(org, "closed", subject="La wifi de la sala 3 se cae cada diez minutos")
        finally:
            await store.close()

    run_in_thread(build)

    async def run_before(pilot) -> None:
        app = pilot.app
        await app.store_ready.wait()
        await app.sign_in(await app.store.catalog.actor("carla"))
        await wait_for(pilot, lambda: isinstance(app.screen, MyTicketsScreen) and app.screen.loaded)
        await open_survey(app, 1)
        form = await survey_form(app, pilot)
        await pilot.press("tab", "ctrl+s")  # the refusal under the first question
        await wait_for(pilot, lambda: error_of(form, "q1") != "")
        await pilot.pause(0.1)

    app = HelpdeskApp(db_url=str(path), lang="en", demo_on_empty=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
