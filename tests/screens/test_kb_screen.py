"""The knowledge base in the console (issue 5): the KB screen (search, results, the article as
Markdown, staff editing and retiring), suggestions while a case subject is typed (and the typing
that stays intact while they load), deflected cases, the solution of a ticket, and a snapshot."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, TextArea

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.screens.kb import KbArticleScreen, KbEditorScreen, KbHistoryScreen, KbPicker, KbScreen
from helpdesk_tui.screens.new_ticket import NewTicketScreen, SubjectSuggestions
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.store import open_store
from helpdesk_tui.widgets.kb_results import KbResultList
from tests.conftest import Org, build_org, run_in_thread
from tests.screens.conftest import steady_cursors, wait_for
from tests.store.helpers import new_ticket

HOSTILE_TITLE = "Impresora [@click=app.quit]x [/] \x1b]52;c;aGk=\x07rota"


async def articles(org: Org) -> dict[str, int]:
    kb = org.store.kb
    made = {
        "jam": await kb.create(org.agent_desk, title="La impresora se atasca con papel", tags="impresora,papel",
                               area="Service desk", body="## Pasos\n\nAbra la **bandeja** y retire la hoja.\n\n"
                               "[Manual](https://example.com/manual) · [salir](app.quit)"),
        "install": await kb.create(org.agent_desk, title="Instalar una impresora de red", tags="impresora",
                                   body="Desde *Configuración*, elija **Agregar impresora**."),
        "internal": await kb.create(org.agent_desk, title="Impresoras: claves del servicio técnico",
                                    body="Solo personal.", visibility="internal"),
        "vpn": await kb.create(org.agent_net, title="Conexión VPN desde casa", tags="vpn", area="Networks",
                               body="Abra el cliente VPN."),
    }  # fmt: skip
    return {key: article.id for key, article in made.items()}


def shown_ids(screen) -> list[int]:
    return [hit.id for hit in screen.query_one(KbResultList).hits]


async def open_kb(app, pilot) -> KbScreen:
    await pilot.press("K")
    await wait_for(pilot, lambda: isinstance(app.screen, KbScreen) and app.screen.searched is not None)
    return app.screen


async def search(pilot, screen: KbScreen, text: str) -> None:
    await pilot.press(*text)
    await wait_for(pilot, lambda: screen.searched == screen.query_one("#kb-search", Input).value)
    await pilot.pause()


async def test_customer_searches_and_reads_public_articles(org: Org, start_app) -> None:
    ids = await articles(org)
    async with start_app("carla") as (app, pilot):
        screen = await open_kb(app, pilot)
        assert set(shown_ids(screen)) == {ids["jam"], ids["install"], ids["vpn"]}  # newest, public only
        await search(pilot, screen, "impres")
        assert set(shown_ids(screen)) == {ids["jam"], ids["install"]}
        assert str(screen.query_one("#kb-status").render()) == "2 articles"
        # The matched word is highlighted in the first result's title.
        prompt = screen.query_one(KbResultList).get_option_at_index(0).prompt
        assert any("underline" in str(span.style) for span in prompt.spans)
        await wait_for(pilot, lambda: screen.previewed == shown_ids(screen)[0])
        # Down from the search line reaches the results; Enter opens the article.
        await pilot.press("down")
        assert isinstance(app.focused, KbResultList)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KbArticleScreen) and app.screen.article is not None)
        article_screen = app.screen
        assert article_screen.article.id == shown_ids(screen)[0]
        assert article_screen.query_one(Markdown).source.strip()
        # Readers get no editing keys.
        assert not article_screen.check_action("edit_article", ())
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, KbScreen))


async def test_internal_articles_only_for_staff(org: Org, start_app) -> None:
    ids = await articles(org)
    async with start_app("luis") as (app, pilot):
        screen = await open_kb(app, pilot)
        await search(pilot, screen, "impresoras")
        assert ids["internal"] in shown_ids(screen)
    async with start_app("carla") as (app, pilot):
        screen = await open_kb(app, pilot)
        await search(pilot, screen, "impresoras")
        assert ids["internal"] not in shown_ids(screen)


async def test_links_in_an_article_open_nothing(org: Org, start_app, monkeypatch) -> None:
    ids = await articles(org)
    opened: list[str] = []
    async with start_app("carla") as (app, pilot):
        monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
        app.push_screen(KbArticleScreen(ids["jam"]))
        await wait_for(pilot, lambda: isinstance(app.screen, KbArticleScreen) and app.screen.article is not None)
        markdown = app.screen.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "app.quit"))
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.com/manual"))
        await pilot.pause(0.1)
        assert opened == []
        assert app.is_running and isinstance(app.screen, KbArticleScreen)


async def test_staff_write_edit_retire_and_read_history(org: Org, start_app) -> None:
    ids = await articles(org)
    async with start_app("luis") as (app, pilot):
        screen = await open_kb(app, pilot)
        screen.query_one(KbResultList).focus()
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, KbEditorScreen))
        editor = app.screen
        await pilot.press(*"Toner vacío")
        editor.query_one("#kb-tags", Input).value = "tóner, consumibles"
        editor.query_one("#kb-body", TextArea).text = "Pida el **cartucho** a compras."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)
        new = [h for h in await org.store.kb.search(org.agent_desk, "toner")]
        assert [h.title for h in new] == ["Toner vacío"]
        assert new[0].tags == ("tóner", "consumibles")
        # Edit the highlighted article: the new one.
        results = screen.query_one(KbResultList)
        await wait_for(pilot, lambda: new[0].id in shown_ids(screen))
        results.highlighted = shown_ids(screen).index(new[0].id)
        await pilot.pause()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, KbEditorScreen) and app.screen.article is not None)
        editor = app.screen
        editor.query_one("#kb-body", TextArea).text = "Pida el cartucho **negro** a compras."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)
        assert (await org.store.kb.show(org.agent_desk, new[0].id)).version == 2
        # Retire it: gone from searches.
        await pilot.press("x")
        await wait_for(pilot, lambda: new[0].id not in shown_ids(screen))
        assert (await org.store.kb.show(org.agent_desk, new[0].id)).retired
        # History of another one.
        await org.store.kb.edit(org.agent_desk, ids["jam"], title="La impresora se atasca")
        app.push_screen(KbHistoryScreen(ids["jam"]))
        await wait_for(pilot, lambda: isinstance(app.screen, KbHistoryScreen) and len(app.screen.revisions) == 2)


async def test_a_stale_save_keeps_what_was_typed(org: Org, start_app) -> None:
    ids = await articles(org)
    async with start_app("luis") as (app, pilot):
        article = await org.store.kb.show(org.agent_desk, ids["install"])
        app.push_screen(KbEditorScreen(article))
        await wait_for(pilot, lambda: isinstance(app.screen, KbEditorScreen))
        editor = app.screen
        await org.store.kb.edit(org.agent_net, ids["install"], body="Otro cambio.")
        editor.query_one("#kb-body", TextArea).text = "Mi versión del texto."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "version 2" in str(editor.query_one("#kb-editor-error").render()))
        assert app.screen is editor
        assert editor.query_one("#kb-body", TextArea).text == "Mi versión del texto."
        # An empty title is refused, and nothing is lost either.
        editor.query_one("#kb-title", Input).value = ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "required" in str(editor.query_one("#kb-editor-error").render()))
        assert editor.query_one("#kb-body", TextArea).text == "Mi versión del texto."
        # Saving again, knowingly, puts this version over the other one.
        editor.query_one("#kb-title", Input).value = "Instalar una impresora de red"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not editor)
        saved = await org.store.kb.show(org.agent_desk, ids["install"])
        assert (saved.version, saved.body) == (3, "Mi versión del texto.")


async def test_customers_have_no_staff_keys(org: Org, start_app) -> None:
    await articles(org)
    async with start_app("carla") as (app, pilot):
        screen = await open_kb(app, pilot)
        screen.query_one(KbResultList).focus()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert not screen.check_action("new_article", ()) and not screen.check_action("edit_article", ())


# ------------------------------------------------------------------------------ intake


async def open_form(app, pilot) -> NewTicketScreen:
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen) and app.screen.loaded)
    await pilot.pause()
    return app.screen


async def test_suggestions_appear_while_the_subject_is_typed(org: Org, start_app) -> None:
    ids = await articles(org)
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        suggestions = form.query_one(SubjectSuggestions)
        assert not suggestions.has_class("-has-hits")
        subject = "La impresora se atasca"
        await pilot.press(*subject)
        assert form.query_one("#subject", Input).value == subject
        await wait_for(pilot, lambda: suggestions.shown_for == subject)
        shown = [h.id for h in suggestions.results.hits]
        assert shown[0] == ids["jam"] and ids["internal"] not in shown and len(shown) <= 5
        assert suggestions.has_class("-has-hits") and suggestions.display
        # Clearing the subject hides them.
        form.query_one("#subject", Input).value = ""
        await wait_for(pilot, lambda: suggestions.shown_for == "")
        assert not suggestions.has_class("-has-hits")


async def test_typing_stays_intact_while_suggestions_load(org: Org, start_app, monkeypatch) -> None:
    ids = await articles(org)
    calls: list[str] = []
    original = org.store.kb.suggest

    async def slow_suggest(actor, subject, *, limit=5):
        calls.append(subject)
        await asyncio.sleep(0.4)  # a slow database: the keys must not wait for it
        return await original(actor, subject, limit=limit)

    monkeypatch.setattr(org.store.kb, "suggest", slow_suggest)
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        suggestions = form.query_one(SubjectSuggestions)
        subject = "Conexión VPN muy lenta"
        for index, key in enumerate(subject):
            await pilot.press(key)
            if index % 5 == 4:
                await pilot.pause(0.2)  # a pause long enough to start a search mid-word
        assert form.query_one("#subject", Input).value == subject
        assert calls, "a search started while typing"
        await wait_for(pilot, lambda: suggestions.shown_for == subject, timeout=5)
        assert calls[-1] == subject
        assert [h.id for h in suggestions.results.hits][0] == ids["vpn"]
        assert form.query_one("#subject", Input).value == subject


async def test_reading_a_suggestion_and_leaving_is_a_deflected_case(org: Org, start_app) -> None:
    ids = await articles(org)
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        suggestions = form.query_one(SubjectSuggestions)
        await pilot.press(*"impresora atasca")
        await wait_for(pilot, lambda: suggestions.shown_for == "impresora atasca")
        await pilot.press("tab")
        assert app.focused is suggestions.results
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KbArticleScreen) and app.screen.article is not None)
        assert app.screen.read_only and not app.screen.check_action("edit_article", ())
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#subject", Input).value == "impresora atasca"
        await pilot.press("escape")  # leave the form: discard what was typed
        await pilot.pause()
        await pilot.press("d")
        await wait_for(pilot, lambda: not isinstance(app.screen, NewTicketScreen))
        for _ in range(40):
            stats = await org.store.kb.stats(org.admin)
            if stats.deflected_cases:
                break
            await pilot.pause(0.05)
        assert stats.deflected_cases == 1
        assert [(c.id, c.count) for c in stats.deflections_by_article] == [(ids["jam"], 1)]


async def test_reading_a_suggestion_then_sending_the_case_is_no_deflection(org: Org, start_app) -> None:
    await articles(org)
    async with start_app("carla") as (app, pilot):
        app.open_ticket = lambda ticket_id: None
        form = await open_form(app, pilot)
        suggestions = form.query_one(SubjectSuggestions)
        await pilot.press(*"impresora atasca")
        await wait_for(pilot, lambda: suggestions.shown_for == "impresora atasca")
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KbArticleScreen))
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is form)
        form.query_one("#description", TextArea).text = "No sale ninguna hoja."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, NewTicketScreen))
        await pilot.pause(0.3)
        assert (await org.store.kb.stats(org.admin)).deflected_cases == 0


# ------------------------------------------------------------------------------ solutions


async def test_staff_link_a_solution_and_the_customer_reads_it(org: Org, start_app) -> None:
    ids = await articles(org)
    ticket_id = await new_ticket(org, subject="La VPN no conecta desde casa")
    async with start_app("sara") as (app, pilot):
        app.open_ticket(ticket_id)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
        ticket_screen = app.screen
        assert not ticket_screen.check_action("read_solution", ())
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, KbPicker) and app.screen.searched is not None)
        picker = app.screen
        assert picker.query_one(KbResultList).current_id == ids["vpn"]  # found from the subject
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is ticket_screen and ticket_screen.detail.solution is not None)
        assert ticket_screen.detail.solution["id"] == ids["vpn"]
        line = str(ticket_screen.query_one("#ticket-solution").render())
        assert "Conexión VPN desde casa" in line
    async with start_app("carla") as (app, pilot):
        app.open_ticket(ticket_id)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
        assert not app.screen.check_action("link_solution", ())
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, KbArticleScreen) and app.screen.article is not None)
        assert app.screen.article.id == ids["vpn"]


async def test_hostile_titles_show_literally(org: Org, start_app) -> None:
    article = await org.store.kb.create(org.agent_desk, title=HOSTILE_TITLE, body="[b]no[/b] \x1b[2J `[@click=app.quit]`")
    async with start_app("carla") as (app, pilot):
        screen = await open_kb(app, pilot)
        await search(pilot, screen, "impresora")
        prompt = screen.query_one(KbResultList).get_option_at_index(0).prompt
        assert "[@click=app.quit]x [/]" in prompt.plain and "\x1b" not in prompt.plain
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KbArticleScreen) and app.screen.article is not None)
        title = str(app.screen.query_one("#kb-article-title").render())
        assert "[@click=app.quit]x" in title and str(article.id) in title
        assert app.is_running


# ------------------------------------------------------------------------------ looks


@pytest.fixture
def kb_db(frozen, sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "kb.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        store = await open_store(str(path), migrate=False, attachments_dir=tmp_path / "files")
        try:
            org = await build_org(store)
            await articles(org)
            await store.kb.create(org.agent_desk, title="Printer drivers for macOS", tags="printers,macos",
                                  body="Download the **driver** and add the printer by IP.")  # fmt: skip
        finally:
            await store.close()

    run_in_thread(build)
    return str(path)


def test_kb_screen_80x24(snap_compare, kb_db) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await app.store_ready.wait()
        await app.sign_in(await app.store.catalog.actor("luis"))
        await pilot.pause()
        app.action_knowledge_base()
        await wait_for(pilot, lambda: isinstance(app.screen, KbScreen) and app.screen.searched is not None)
        steady_cursors(app.screen)
        await pilot.press(*"impres")
        await wait_for(pilot, lambda: app.screen.searched == "impres")
        await wait_for(pilot, lambda: app.screen.previewed == app.screen.query_one(KbResultList).current_id)
        await pilot.pause(0.2)

    app = HelpdeskApp(db_url=kb_db, lang="en", demo_on_empty=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
