"""The case form (SPEC I1–I5): fields per role, choices that follow each other, validation next
to each field without losing what was typed, creation through the store, and the draft that
survives a dropped session."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static, TextArea

from helpdesk_tui.screens.new_ticket import AttachmentList, ChoiceDialog, NewTicketScreen
from helpdesk_tui.text import strip_controls
from helpdesk_tui.widgets.field import Field
from tests.screens.conftest import wait_for

HOSTILE = [
    "[@click=app.quit]x",
    "[/]",
    "\x1b]52;c;aGVsbG8=\x07paste",
    "\x1b[2Jclear",
    "abc\u202edcba",
    "[bold red]rojo[/bold red] \x9b31m",
]


async def open_form(app, pilot) -> NewTicketScreen:
    await pilot.press("ctrl+n")

    def form() -> NewTicketScreen | None:
        return next((s for s in app.screen_stack if isinstance(s, NewTicketScreen)), None)

    await wait_for(pilot, lambda: form() is not None and form().loaded)
    await pilot.pause()
    return form()


async def type_text(pilot, widget, text: str) -> None:
    """Key by key, as a person types (keep it short: each key is a round trip)."""
    widget.focus()
    await pilot.pause()
    await pilot.press(*["enter" if c == "\n" else c for c in text])


async def paste(pilot, widget, text: str) -> None:
    """A whole text at once, as a terminal paste delivers it."""
    widget.focus()
    if isinstance(widget, TextArea):
        widget.insert(text)
    else:
        widget.insert_text_at_cursor(text)
    await pilot.pause()


async def choose(pilot, form: NewTicketScreen, select_id: str, value: str) -> None:
    form.query_one(f"#{select_id}", Select).value = value
    await pilot.pause()


def options(form: NewTicketScreen, select_id: str) -> list[str]:
    return form._options.get(select_id, [])


def error_of(form: NewTicketScreen, key: str) -> str | None:
    return form.query_one(f"#field-{key}", Field).error


def record_open_ticket(app) -> list[int]:
    opened: list[int] = []
    app.open_ticket = opened.append
    return opened


def record_notifications(app) -> list[str]:
    seen: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        seen.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify
    return seen


async def newest_ticket(org):
    page = await org.store.tickets.page(org.admin, "sort:-number", limit=1)
    assert page.rows, "no ticket was created"
    return await org.store.tickets.show(org.admin, page.rows[0].id)


# ------------------------------------------------------------------------------ fields per role


async def test_customer_with_one_account_sees_it_filled_in_and_no_selector(org, start_app):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        assert not form.query("#account")
        assert str(form.query_one("#account-value", Static).render()) == "Acme"
        assert str(form.query_one("#reported-by", Static).render()) == "carla"
        assert str(form.query_one("#origin", Static).render()) == "console"
        # Customers neither open on behalf of others nor set the priority.
        assert not form.query("#contact") and not form.query("#priority")
        # The account's environments and services are on offer at once.
        assert options(form, "environment") == ["Production", "Test"]
        assert options(form, "service") == ["ERP"]
        assert form.query_one("#type", Select).value == "incident"
        assert form.query_one("#impact", Select).value == "medium"
        assert app.focused is form.query_one("#subject", Input)


async def test_msp_user_must_choose_the_account(org, start_app):
    async with start_app("mario") as (app, pilot):
        form = await open_form(app, pilot)
        account = form.query_one("#account", Select)
        assert options(form, "account") == ["Acme", "Globex"]
        assert account.is_blank() and app.focused is account
        assert form.query_one("#environment", Select).disabled

        await paste(pilot, form.query_one("#subject", Input), "No carga la web")
        await paste(pilot, form.query_one("#description", TextArea), "Error 500 al entrar")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(form, "account") == "choose the account"
        assert app.focused is account

        await choose(pilot, form, "account", "Globex")
        assert error_of(form, "account") is None
        assert options(form, "environment") == [] and form.query_one("#environment", Select).disabled
        assert options(form, "service") == ["Web"]
        await choose(pilot, form, "service", "Web")
        opened = record_open_ticket(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: opened)
        created = await newest_ticket(org)
        assert created.ticket.account == "Globex" and created.service == "Web"
        assert created.ticket.requester == "mario"


async def test_supervisor_sees_contact_and_priority_that_follows_impact(org, start_app):
    async with start_app("sara") as (app, pilot):
        form = await open_form(app, pilot)
        contact = form.query_one("#contact", Select)
        priority = form.query_one("#priority", Select)
        assert contact.disabled and priority.value == "normal"

        await choose(pilot, form, "account", "Acme")
        assert options(form, "contact") == ["carla", "mario", "pedro", "ursula"]
        await choose(pilot, form, "contact", "carla")

        await choose(pilot, form, "impact", "high")
        assert priority.value == "high"  # follows the impact...
        await choose(pilot, form, "impact", "low")
        assert priority.value == "low"
        await choose(pilot, form, "priority", "urgent")  # ...until the person sets it
        await choose(pilot, form, "impact", "high")
        assert priority.value == "urgent"

        # Another account: the contacts follow it.
        await choose(pilot, form, "account", "Globex")
        assert options(form, "contact") == ["gina", "mario"] and contact.is_blank()
        await choose(pilot, form, "account", "Acme")
        await choose(pilot, form, "contact", "pedro")

        form.query_one("#subject", Input).value = "Alta de usuario"
        form.query_one("#description", TextArea).text = "Pedro pide por teléfono un usuario nuevo."
        opened = record_open_ticket(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: opened)
        created = await newest_ticket(org)
        assert (created.ticket.contact, created.ticket.requester) == ("pedro", "sara")
        assert (created.ticket.priority, created.ticket.impact) == ("urgent", "high")


async def test_category_follows_the_area(org, start_app):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        category = form.query_one("#category", Select)
        assert category.disabled and options(form, "category") == []

        # With the keyboard: focus the area, open it, pick the first area (Networks).
        form.query_one("#area", Select).focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert form.query_one("#area", Select).value == "Networks"
        assert not category.disabled and options(form, "category") == ["VPN", "Wifi"]
        await choose(pilot, form, "category", "Wifi")

        await choose(pilot, form, "area", "Service desk")
        assert options(form, "category") == ["Accounts", "Printers"]
        assert category.is_blank()  # Wifi is not a Service desk category


# ------------------------------------------------------------------------------- validation


async def test_empty_subject_and_description_are_refused_next_to_the_fields(org, start_app):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(form, "subject") == "the subject is required"
        assert error_of(form, "description") == "the description is required"
        assert app.focused is form.query_one("#subject", Input)

        description = form.query_one("#description", TextArea)
        await type_text(pilot, description, "VPN\ncae")
        assert error_of(form, "description") is None  # editing clears that field's message
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(form, "subject") == "the subject is required"
        assert description.text == "VPN\ncae"
        assert isinstance(app.screen, NewTicketScreen)
        assert await org.store.tickets.count(org.admin) == 0


async def test_store_refusal_is_shown_by_field_and_nothing_typed_is_lost(org, start_app):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        # Only control characters: not empty for the form, empty for the store (which cleans them).
        form.query_one("#subject", Input).value = "\x1b[2J"
        form.query_one("#description", TextArea).text = "Texto largo que no debe perderse."
        await choose(pilot, form, "area", "Networks")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: error_of(form, "subject") is not None)
        assert error_of(form, "subject") == "the subject is required"
        assert app.focused is form.query_one("#subject", Input)
        assert form.query_one("#description", TextArea).text == "Texto largo que no debe perderse."
        assert form.query_one("#area", Select).value == "Networks"
        assert not form.query_one("#submit").disabled


# -------------------------------------------------------------------------------- creation


async def test_valid_case_is_created_with_origin_console_and_opened(org, start_app, tmp_path):
    log = tmp_path / "router.log"
    log.write_bytes(b"link down\n" * 10)
    other = tmp_path / "otro.txt"
    other.write_text("sobra")
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await type_text(pilot, form.query_one("#subject", Input), "Wifi 3")
        await paste(pilot, form.query_one("#description", TextArea), "No conecta nadie")
        await choose(pilot, form, "area", "Networks")
        await choose(pilot, form, "category", "Wifi")
        await choose(pilot, form, "type", "problem")
        await choose(pilot, form, "impact", "high")
        await choose(pilot, form, "environment", "Production")

        await paste(pilot, form.query_one("#attach-path", Input), str(log))
        await pilot.press("enter")
        await paste(pilot, form.query_one("#attach-path", Input), str(other))
        await pilot.press("enter")
        files = form.query_one(AttachmentList)
        assert [f.name for f in files.files] == ["router.log", "otro.txt"]
        assert files.files[0].size == 100
        files.focus()
        files.highlighted = 1
        await pilot.press("delete")
        assert [f.name for f in files.files] == ["router.log"]
        await paste(pilot, form.query_one("#attach-path", Input), str(tmp_path / "missing.txt"))
        await pilot.press("enter")
        assert "is not a file" in (error_of(form, "attachments") or "")

        opened = record_open_ticket(app)
        notes = record_notifications(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: opened)
        created = await newest_ticket(org)
        assert opened == [created.ticket.id]
        assert not isinstance(app.screen, NewTicketScreen)  # the form made way for the ticket
        assert f"{created.ticket.number} created" in notes
        t = created.ticket
        assert (t.subject, t.origin, t.requester, t.account) == ("Wifi 3", "console", "carla", "Acme")
        assert (t.area, t.category, t.type, t.impact, t.priority) == ("Networks", "Wifi", "problem", "high", "high")
        assert created.description == "No conecta nadie" and created.environment == "Production"
        assert [(a.filename, a.size) for a in created.attachments] == [("router.log", 100)]
        assert await org.store.session.draft(org.acme1, "new_ticket") is None


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_text_is_created_literally(org, start_app, hostile):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        form.query_one("#subject", Input).value = "S " + hostile
        form.query_one("#description", TextArea).text = "D " + hostile + "\nfin"
        await pilot.pause()
        opened = record_open_ticket(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: opened)
        created = await newest_ticket(org)
        assert created.ticket.subject == strip_controls("S " + hostile, single_line=True).strip()
        assert created.description == strip_controls("D " + hostile + "\nfin").strip()


# ----------------------------------------------------------------------------------- drafts


async def test_draft_survives_the_app_closing_mid_description(org, start_app):
    half = "Sale\nen"  # typed key by key, cut off mid-sentence
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await paste(pilot, form.query_one("#subject", Input), "Impresora")
        await choose(pilot, form, "area", "Service desk")
        await choose(pilot, form, "category", "Printers")
        await type_text(pilot, form.query_one("#description", TextArea), half)
        # The connection drops: the session ends without submitting or closing the form.

    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        assert form.draft_offered
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("r")
        await wait_for(pilot, lambda: form.query_one("#description", TextArea).text == half)
        assert app.screen is form
        assert form.query_one("#subject", Input).value == "Impresora"
        assert form.query_one("#area", Select).value == "Service desk"
        assert form.query_one("#category", Select).value == "Printers"


async def test_a_draft_is_offered_only_to_its_author(org, start_app):
    await org.store.session.save_draft(org.acme1, "new_ticket", {"subject": "de carla", "description": "x"})
    async with start_app("pedro") as (app, pilot):
        form = await open_form(app, pilot)
        assert not form.draft_offered and app.screen is form


async def test_draft_is_saved_while_typing_and_can_be_discarded(org, start_app):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await type_text(pilot, form.query_one("#description", TextArea), "Hola")
        await wait_for(pilot, lambda: form._saved_edits == form._edits, timeout=2)
        draft = await org.store.session.draft(org.acme1, "new_ticket")
        assert draft is not None and draft[0]["description"] == "Hola"

    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is form and form._draft_decided)
        assert form.query_one("#description", TextArea).text == ""
        assert await org.store.session.draft(org.acme1, "new_ticket") is None


async def test_escape_asks_before_dropping_typed_text(org, start_app):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await type_text(pilot, form.query_one("#subject", Input), "Algo")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("escape")  # back to the form, nothing lost
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#subject", Input).value == "Algo"

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("k")  # keep the draft
        await wait_for(pilot, lambda: not isinstance(app.screen, (ChoiceDialog, NewTicketScreen)))
        draft = await org.store.session.draft(org.acme1, "new_ticket")
        assert draft is not None and draft[0]["subject"] == "Algo"

        # An empty form closes at once.
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen) and app.screen._draft_decided)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, (ChoiceDialog, NewTicketScreen)))


# ---------------------------------------------------------------------------------- language


async def test_spanish_labels(org, start_app):
    async with start_app("sara", lang="es") as (app, pilot):
        form = await open_form(app, pilot)
        labels = [str(f.query_one(".field--label").render()) for f in form.query(Field)]
        for expected in ("Reportado por", "Cuenta", "En nombre de", "Asunto", "Descripción", "Área",
                         "Categoría", "Tipo", "Impacto", "Prioridad", "Entorno", "Servicio", "Adjuntos",
                         "Origen"):  # fmt: skip
            assert any(label.startswith(expected) for label in labels), expected
        assert str(form.query_one("#origin", Static).render()) == "consola"
        descriptions = {b.description for b in form._bindings.key_to_bindings["ctrl+s"]}
        assert descriptions == {"Crear caso"}
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(form, "subject") == "el asunto es obligatorio"
        assert error_of(form, "account") == "elija la cuenta"


async def test_narrow_terminal_puts_labels_above_the_fields(org, start_app):
    async with start_app("carla", size=(60, 20)) as (app, pilot):
        form = await open_form(app, pilot)
        assert form.has_class("-narrow")
        subject = form.query_one("#field-subject", Field)
        assert subject.styles.layout.name == "vertical"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(form, "description") == "the description is required"
