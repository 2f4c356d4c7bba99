"""The ticket screen with Pilot: per role and state which actions it offers (keys and buttons),
the dialogs, conflicts, live refresh, presence, comments, attachments, hostile text, Spanish."""

from __future__ import annotations

import io
import time
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Button, Input, Select, TextArea

from helpdesk_tui.screens.ticket import LIFECYCLE_ACTIONS, TicketScreen
from helpdesk_tui.store.views import NewTicket
from helpdesk_tui.widgets.bitacora import Bitacora, Entry
from helpdesk_tui.widgets.dialogs import (
    AgentPicker,
    FilePicker,
    RecategoriseDialog,
    SaveAttachmentDialog,
    TextDialog,
)
from tests.screens.conftest import wait_for
from tests.store.helpers import actor, status_of, ticket_in
from tests.store.test_tickets import HOSTILE


def screen_text(app) -> str:
    """What the terminal shows, as plain text."""
    console = Console(
        width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
        color_system=None, legacy_windows=False,
    )  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    )
    return console.export_text()


@asynccontextmanager
async def ticket_app(start_app, username, ticket_id, **options):
    """The console signed in as `username` with the ticket open and loaded."""
    async with start_app(username, **options) as (app, pilot):
        app.open_ticket(ticket_id)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
        await pilot.pause()
        notes: list[str] = []
        real_notify = app.notify

        def notify(message, **kwargs):
            notes.append(str(message))
            return real_notify(message, **kwargs)

        app.notify = notify
        app.notes = notes
        yield app, pilot, app.screen


def buttons(screen: TicketScreen) -> set[str]:
    return {(b.id or "").removeprefix("do-") for b in screen.query("#ticket-actions Button")}


def footer_actions(screen: TicketScreen) -> set[str]:
    out = set()
    for active in screen.active_bindings.values():
        action = active.binding.action
        if action.startswith("act("):
            out.add(action[5:-2])
        elif action in ("recategorise", "comment", "answer_survey"):
            out.add(action)
    return out


async def wait_screen(pilot, screen_type):
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen_type))
    return pilot.app.screen


async def wait_state(pilot, screen: TicketScreen, status: str) -> None:
    await wait_for(pilot, lambda: screen.detail is not None and screen.detail.ticket.status == status)


# ----------------------------------------------------------------- the action matrix

MATRIX = [
    ("carla", "new", {"close", "cancel"}, {"comment"}),
    ("carla", "resolved", {"accept", "reject", "close"}, {"comment"}),
    ("carla", "closed", {"reopen"}, {"answer_survey"}),  # accepted: her survey (issue 5)
    ("ana", "assigned", {"start", "resolve"}, {"comment", "recategorise"}),
    ("ana", "in_progress", {"wait", "resolve"}, {"comment", "recategorise"}),
    ("ana", "resolved", {"reopen"}, {"comment", "recategorise"}),
    ("sara", "new", {"assign", "take", "cancel"}, {"comment", "recategorise"}),
    ("sara", "in_progress", {"assign", "wait", "resolve", "cancel"}, {"comment", "recategorise"}),
    ("sara", "resolved", {"reopen"}, {"comment", "recategorise"}),
]


@pytest.mark.parametrize(("username", "state", "lifecycle", "extra"), MATRIX)
async def test_actions_per_role_and_state(org, start_app, username, state, lifecycle, extra) -> None:
    tid = await ticket_in(org, state)
    from_store = set((await org.store.tickets.show(actor(org, username), tid)).actions)
    assert from_store == lifecycle
    async with ticket_app(start_app, username, tid) as (app, pilot, screen):
        assert set(screen.detail.actions) == from_store
        assert buttons(screen) == lifecycle | extra
        assert footer_actions(screen) == lifecycle | extra
        for name in LIFECYCLE_ACTIONS:
            assert bool(screen.check_action("act", (name,))) == (name in lifecycle)


# ------------------------------------------------------------------------- dialogs


async def test_reject_button_disabled_until_a_reason_is_typed(org, start_app) -> None:
    tid = await ticket_in(org, "resolved")
    async with ticket_app(start_app, "carla", tid) as (app, pilot, screen):
        await pilot.press("x")
        dialog = await wait_screen(pilot, TextDialog)
        submit = dialog.query_one("#submit", Button)
        assert submit.disabled
        await pilot.press("space", "space")
        assert submit.disabled  # blanks are not a reason
        await pilot.press(*"no va")
        assert not submit.disabled
        await pilot.press("ctrl+s")
        await wait_state(pilot, screen, "in_progress")
        assert "In progress" in screen_text(app)
        assert "no va" in "\n".join(screen.bitacora.plain_lines())
    assert await status_of(org, tid) == "in_progress"


async def test_assign_through_the_searchable_picker(org, start_app) -> None:
    tid = await ticket_in(org, "new")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await pilot.press("a")
        picker = await wait_screen(pilot, AgentPicker)
        await wait_for(pilot, lambda: picker.query_one("#picker-list").option_count == 2)  # ana, sara
        await pilot.press("a", "n", "a")
        assert picker.query_one("#picker-list").option_count == 1
        await pilot.press("enter")
        await wait_state(pilot, screen, "assigned")
        assert screen.detail.ticket.assignee == "ana"
        assert "assignee ana" in screen_text(app)


async def test_resolve_with_a_resolution(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        await pilot.press("v")
        await wait_screen(pilot, TextDialog)
        await pilot.press(*"Cable")
        await pilot.press("ctrl+s")
        await wait_state(pilot, screen, "resolved")
        text = screen_text(app)
        assert "Resolved" in text and "Resolution: Cable" in text
        assert buttons(screen) == {"reopen", "comment", "recategorise"}


async def test_escape_cancels_a_dialog_and_nothing_changes(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        version = screen.detail.ticket.version
        await pilot.press("w")
        await wait_screen(pilot, TextDialog)
        await pilot.press("escape")
        await wait_screen(pilot, TicketScreen)
        assert (await org.store.tickets.show(org.admin, tid)).ticket.version == version


async def test_a_refused_key_shows_the_store_explanation(org, start_app) -> None:
    tid = await ticket_in(org, "new")
    async with ticket_app(start_app, "carla", tid) as (app, pilot, screen):
        await pilot.press("x")  # reject: hidden from the footer, pressed anyway
        await wait_for(pilot, lambda: any("reject" in n for n in app.notes))
        assert "reject: not possible while the ticket is New" in app.notes
        screen.action_act("assign")  # e.g. from the palette
        await wait_for(pilot, lambda: len(app.notes) == 2)
        assert "only a supervisor" in app.notes[-1]
    assert await status_of(org, tid) == "new"


async def test_comment_refused_on_a_closed_ticket_explains(org, start_app) -> None:
    tid = await ticket_in(org, "closed")
    async with ticket_app(start_app, "carla", tid) as (app, pilot, screen):
        await pilot.press("c")
        await wait_for(pilot, lambda: bool(app.notes))
        assert "reopen it to comment" in app.notes[0]
        assert not screen.composer.is_open


async def test_recategorise_with_the_category_following_the_area(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress", category="Wifi")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await pilot.press("e")
        dialog = await wait_screen(pilot, RecategoriseDialog)
        assert dialog.query_one("#submit", Button).disabled
        category = dialog.query_one("#category", Select)
        assert [v for _, v in category._options if v is not Select.NULL] == ["VPN", "Wifi"]
        dialog.query_one("#area", Select).value = "Service desk"
        await pilot.pause()
        assert [v for _, v in category._options if v is not Select.NULL] == ["Accounts", "Printers"]
        dialog.query_one("#area", Select).value = "Networks"
        await pilot.pause()
        category.value = "VPN"
        dialog.query_one("#priority", Select).value = "urgent"
        await pilot.pause()
        assert dialog.changes() == {"category": "VPN", "priority": "urgent"}
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.detail.ticket.priority == "urgent")
        assert screen.detail.ticket.category == "VPN"
        lines = "\n".join(screen.bitacora.plain_lines())
        assert "priority: Normal priority → Urgent priority" in lines
        assert "category: Wifi → VPN" in lines


# ------------------------------------------------------------------------ comments


async def test_public_comment_and_internal_note(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await pilot.press("c")
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Hoy")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Hoy" in "\n".join(screen.bitacora.plain_lines()))
        assert screen.composer.text == ""
        await pilot.press("c")
        await pilot.press(*"AP7")
        await pilot.press("escape")  # leaves the composer, keeps the text
        assert screen.composer.is_open and screen.composer.text == "AP7"
        await pilot.press("i")
        assert screen.composer.internal
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "AP7" in "\n".join(screen.bitacora.plain_lines()))
        lines = screen.bitacora.plain_lines()
        note = next(i for i, line in enumerate(lines) if "AP7" in line)
        assert "Internal note" in lines[note - 1] and lines[note].startswith("┃")
    events = (await org.store.tickets.show(org.admin, tid)).events
    assert [(e.visibility, e.text) for e in events[-2:]] == [("public", "Hoy"), ("internal", "AP7")]


async def test_a_customer_never_sees_internal_notes(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    await org.store.tickets.comment(actor(org, "sara"), tid, "Hoy")
    await org.store.tickets.comment(actor(org, "sara"), tid, "AP7", internal=True)
    async with ticket_app(start_app, "carla", tid) as (app, pilot, screen):
        lines = "\n".join(screen.bitacora.plain_lines())
        assert "Hoy" in lines
        assert "AP7" not in lines and "Internal note" not in lines
        await pilot.press("c")
        assert screen.composer.is_open
        assert not screen.composer.query("#composer-internal")  # no toggle for customers
        assert "AP7" not in screen_text(app)


async def test_a_failed_comment_keeps_the_text(org, start_app, tmp_path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 1_000_001)  # over the store's limit in tests
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        await pilot.press("c")
        await pilot.press(*"con adjunto")
        screen.composer.add_file(big)
        await pilot.press("ctrl+s")
        error = screen.composer.query_one("#composer-error")
        await wait_for(pilot, lambda: "larger than the limit" in str(error.render()))
        assert screen.composer.text == "con adjunto" and screen.composer.files == [big]


async def test_attach_a_file_with_the_picker(org, start_app, tmp_path) -> None:
    (tmp_path / "foto.txt").write_bytes(b"datos")
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        await pilot.press("f")
        picker = await wait_screen(pilot, FilePicker)
        picker.query_one("#file-path", Input).value = str(tmp_path / "foto.txt")
        await pilot.press("enter")
        await wait_screen(pilot, TicketScreen)
        assert [p.name for p in screen.composer.files] == ["foto.txt"]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(screen.detail.attachments) == 1)
        assert "Attachment: foto.txt (5 B)" in "\n".join(screen.bitacora.plain_lines())


async def test_save_an_attachment_out(org, start_app, tmp_path) -> None:
    tid = await ticket_in(org, "in_progress")
    await org.store.tickets.comment(actor(org, "carla"), tid, "el log", attachments=[("../red/log.txt", b"linea 1\n")])
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        assert "save_attachment" in buttons(screen)
        await pilot.press("d")
        dialog = await wait_screen(pilot, SaveAttachmentDialog)
        path_input = dialog.query_one("#save-path", Input)
        assert path_input.value.endswith("log.txt")  # the store's sanitised name
        (tmp_path / "guardado.txt").write_bytes(b"old")
        path_input.value = str(tmp_path / "guardado.txt")
        path_input.focus()
        await pilot.press("enter")  # exists: asks first
        assert "press Enter again to replace it" in str(dialog.query_one("#save-error").render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "guardado.txt").read_bytes() == b"linea 1\n")
        await wait_for(pilot, lambda: any("Saved log.txt" in n for n in app.notes))


# ------------------------------------------------------------- concurrency, live, presence


async def test_conflict_reloads_and_keeps_what_is_typed(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        await pilot.press("c")
        app.focused.insert("medio")
        await pilot.press("escape")
        shown = screen.detail.ticket.version
        await pilot.press("v")
        dialog = await wait_screen(pilot, TextDialog)
        # Someone else changes the ticket while the dialog is open.
        await org.store.tickets.comment(actor(org, "sara"), tid, "Lo miro yo también")
        dialog.query_one(TextArea).insert("Hecho")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("changed by sara" in n for n in app.notes))
        await wait_for(pilot, lambda: screen.detail.ticket.version == shown + 1)
        assert "changed by sara" in screen_text(app)  # the notice line
        assert "Lo miro yo también" in "\n".join(screen.bitacora.plain_lines())
        assert screen.composer.text == "medio"
        await pilot.press("v")  # the resolution typed before is offered back
        dialog = await wait_screen(pilot, TextDialog)
        assert dialog.text == "Hecho"
        await pilot.press("ctrl+s")
        await wait_state(pilot, screen, "resolved")
        assert screen.composer.text == "medio"
    assert await status_of(org, tid) == "resolved"


async def test_someone_elses_comment_appears_within_two_seconds(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await pilot.press("c")
        await pilot.press(*"sin enviar")
        start = time.monotonic()
        await org.store.tickets.comment(actor(org, "carla"), tid, "Ya funciona a ratos")
        await wait_for(pilot, lambda: "Ya funciona a ratos" in "\n".join(screen.bitacora.plain_lines()), timeout=2.0)
        assert time.monotonic() - start < 2.0
        assert screen.composer.text == "sin enviar" and isinstance(app.focused, TextArea)


async def test_presence_shows_who_else_is_here_and_writing(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await org.store.session.heartbeat(actor(org, "ana"), tid, typing=True)
        await wait_for(pilot, lambda: "Also here: ana (writing…)" in screen_text(app), timeout=2.0)
        assert [v.username for v in await org.store.session.viewers(actor(org, "ana"), tid)] == ["sara"]
    assert await org.store.session.viewers(actor(org, "ana"), tid) == []  # left on closing


async def test_customers_are_not_told_who_else_is_here(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    await org.store.session.heartbeat(actor(org, "ana"), tid)
    async with ticket_app(start_app, "carla", tid) as (app, pilot, screen):
        await pilot.pause(0.3)
        assert "Also here" not in screen_text(app)


async def test_an_unsent_comment_comes_back_as_a_draft(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        await pilot.press("c")
        app.focused.insert("borrador largo")
        await pilot.pause()
    async with ticket_app(start_app, "ana", tid) as (app, pilot, screen):
        await wait_for(pilot, lambda: screen.composer.text == "borrador largo")
        assert screen.composer.is_open


async def test_back_returns_to_the_previous_screen(org, start_app) -> None:
    tid = await ticket_in(org, "new")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await pilot.press("q")
        await wait_for(pilot, lambda: not isinstance(app.screen, TicketScreen))


# ------------------------------------------------------------------ untrusted text


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_text_is_shown_literally(org, start_app, hostile) -> None:
    row = await org.store.tickets.create(
        actor(org, "carla"),
        NewTicket(subject=f"S {hostile}", description=f"D {hostile}\nline 2", area="Networks"),
    )
    await org.store.tickets.comment(actor(org, "carla"), row.id, f"C {hostile}")
    async with ticket_app(start_app, "sara", row.id, size=(120, 30)) as (app, pilot, screen):
        await pilot.press("c", "r")
        await pilot.pause()
        text = screen_text(app)
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        for prefix in ("S ", "D ", "C "):
            if hostile == "[@click=app.quit]x":
                assert f"{prefix}[@click=app.quit]x" in text
            if hostile.startswith("[bold"):
                assert f"{prefix}[bold red]not bold[/bold red]" in text
            if hostile == "[/]":
                assert f"{prefix}[/]" in text
        await pilot.click("#ticket-subject", offset=(4, 0))  # on the would-be link
        await pilot.click(Bitacora, offset=(6, 1))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, TicketScreen)


# --------------------------------------------------------------------------- Spanish


async def test_spanish_labels(org, start_app) -> None:
    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid, lang="es") as (app, pilot, screen):
        text = screen_text(app)
        for spanish in ("En proceso", "Prioridad normal", "solicitante carla", "Trabajo iniciado",
                        "Esperar al cliente", "Resolver", "Comentar"):  # fmt: skip
            assert spanish in text, spanish
        await pilot.press("v")
        dialog = await wait_screen(pilot, TextDialog)
        assert str(dialog.query_one("#submit", Button).label) == "Resolver"


# ------------------------------------------------------------------- the timeline


class TimelineApp(App[None]):
    def compose(self):
        yield Bitacora()


def synthetic(n: int, start: int = 0) -> list[Entry]:
    at = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
    return [
        Entry(i, at, "ana", "comment", i % 5 == 0, f"Nota {i}\nsegunda línea", {})
        for i in range(start, start + n)
    ]


async def test_the_timeline_is_one_widget_and_appends_without_rerendering() -> None:
    app = TimelineApp()
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Bitacora)
        entries = synthetic(3000)
        timeline.set_entries(entries)
        await pilot.pause()
        assert not timeline.children
        assert timeline.line_count == 3000 * 4
        assert timeline.scroll_y == timeline.max_scroll_y  # opens at the newest entry
        first_blocks = timeline._blocks[:5]
        timeline.set_entries(entries + synthetic(1, start=3001))
        await pilot.pause()
        assert timeline._blocks[0] is first_blocks[0]  # the old entries were not rendered again
        assert timeline.plain_lines()[-3] == "│ Nota 3001"
        assert timeline.scroll_y == timeline.max_scroll_y


async def test_request_with_the_values_given_skips_the_dialogs(org, start_app) -> None:
    tid = await ticket_in(org, "new")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        screen.assign_to("ana")  # `:assign ana`
        await wait_state(pilot, screen, "assigned")
        assert screen.detail.ticket.assignee == "ana"
        screen.request("start")  # sara is not the assignee: explained, nothing happens
        await wait_for(pilot, lambda: any("only the assignee" in n for n in app.notes))


async def test_a_ticket_moved_out_of_sight_says_so(org, start_app) -> None:
    tid = await ticket_in(org, "new")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await org.store.tickets.recategorise(org.admin, tid, area="Service desk")
        await wait_for(pilot, lambda: screen.detail is None, timeout=2.0)
        assert "not found" in screen_text(app)
        assert not buttons(screen) and not footer_actions(screen)
        await pilot.press("q")
        await wait_for(pilot, lambda: not isinstance(app.screen, TicketScreen))


def test_every_message_of_the_ticket_screen_has_spanish() -> None:
    import ast
    from pathlib import Path

    from helpdesk_tui import labels
    from helpdesk_tui.i18n import catalogue
    from helpdesk_tui.screens.ticket import ACTION_LABELS, TEXT_ACTIONS
    from helpdesk_tui.widgets.bitacora import FIELD_LABELS

    root = Path(__file__).parents[2] / "helpdesk_tui"
    msgids: set[str] = set()
    for name in ("screens/ticket.py", "widgets/bitacora.py", "widgets/composer.py", "widgets/dialogs.py"):
        for node in ast.walk(ast.parse((root / name).read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            literal = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if func == "_" and literal:
                msgids.add(literal[0])
            elif func == "Binding" and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                msgids.add(node.args[2].value)
    for spec in TEXT_ACTIONS.values():
        msgids.update((spec.title, spec.prompt, spec.submit))
    for table in (ACTION_LABELS, FIELD_LABELS, labels.EVENT_LABELS, labels.STATE_LABELS,
                  labels.TYPE_LABELS, labels.PRIORITY_LABELS, labels.IMPACT_LABELS):  # fmt: skip
        msgids.update(table.values())
    missing = sorted(m for m in msgids if m not in catalogue("es"))
    assert not missing


async def test_the_command_line_acts_on_the_ticket_shown(org, start_app) -> None:
    from helpdesk_tui.commands import run_command_line

    tid = await ticket_in(org, "new")
    async with ticket_app(start_app, "sara", tid) as (app, pilot, screen):
        await run_command_line(app, "assign ana")
        await wait_state(pilot, screen, "assigned")
        assert screen.detail.ticket.assignee == "ana"


async def test_help_lists_the_ticket_keys(org, start_app) -> None:
    from helpdesk_tui.screens.help import HelpScreen

    tid = await ticket_in(org, "in_progress")
    async with ticket_app(start_app, "ana", tid, size=(100, 40)) as (app, pilot, screen):
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)
        await pilot.pause()
        text = screen_text(app)
        assert "Resolve" in text and "Add comment" in text
        await pilot.press("escape")
        await wait_screen(pilot, TicketScreen)
