"""HelpdeskApp: wiring, global bindings, theme and screen routing. No SQL here.

The first screen paints before the store (and SQLAlchemy) is imported: the store is opened in a
worker and `store_ready` is set when it can be used.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand, get_system_commands_provider
from textual.binding import Binding

from helpdesk_tui.i18n import _, choose_language, set_language
from helpdesk_tui.text import strip_controls
from helpdesk_tui.widgets.bindings import translate_bindings

if TYPE_CHECKING:
    from helpdesk_tui.config import Settings
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.errors import HelpdeskError
    from helpdesk_tui.store.permissions import Actor
    from textual.command import Provider
    from textual.screen import Screen


def _screen_actions_provider() -> type[Provider]:
    from helpdesk_tui.commands import ScreenActionsProvider

    return ScreenActionsProvider


def _ticket_search_provider() -> type[Provider]:
    from helpdesk_tui.commands import TicketSearchProvider

    return TicketSearchProvider


class HelpdeskApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "helpdesk"
    # The palette: the system commands (translated below), the current screen's actions, and
    # tickets by number or subject. Loaded lazily: commands.py is not needed for the first paint.
    COMMANDS = {get_system_commands_provider, _screen_actions_provider, _ticket_search_provider}
    BINDINGS = [
        Binding("ctrl+n", "new_case", "New case", id="app.new_case", priority=True),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("colon", "command_line", "Command", id="app.command_line", show=False),
        Binding("K", "knowledge_base", "Knowledge base", id="app.knowledge_base", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    def __init__(
        self,
        *,
        db_url: str | None = None,
        lang: str | None = None,
        as_user: str | None = None,
        settings: Settings | None = None,
        store: Store | None = None,
        demo_on_empty: bool = True,
        refresh_interval: float = 1.5,
    ) -> None:
        set_language(choose_language(lang))
        super().__init__()
        translate_bindings(self)
        self.db_url = db_url
        self.as_user = as_user
        self.settings = settings
        self.store: Store | None = store
        self.actor: Actor | None = None
        self.demo_on_empty = demo_on_empty
        self.force_demo = False
        self.refresh_interval = refresh_interval
        self.store_ready = asyncio.Event()
        self.store_error: str | None = None

    # ------------------------------------------------------------------ start

    def on_mount(self) -> None:
        from helpdesk_tui.screens.login import LoginScreen

        if self.settings is not None and self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.push_screen(LoginScreen(as_user=self.as_user))
        # Only once the login screen has painted: importing the store (SQLAlchemy) takes a
        # noticeable moment and would otherwise delay the first paint.
        self.call_after_refresh(self._start_store)

    def _start_store(self) -> None:
        self.run_worker(self._open_store(), group="store", exclusive=True)

    async def _open_store(self) -> None:
        try:
            if self.store is None:
                # Imported in a thread: the store's modules take a good part of a second to
                # import, and keys typed meanwhile (a fast typist at the sign-in form) must
                # not queue up behind a blocked event loop, where a Tab would land after them.
                store_module = await asyncio.to_thread(importlib.import_module, "helpdesk_tui.store")
                open_store = store_module.open_store
                settings = self.settings
                self.store = await open_store(
                    self.db_url or (settings.db_url if settings else ""),
                    attachments_dir=settings.attachments_dir if settings else None,
                    attachment_limit=settings.attachment_limit if settings else 25 * 1024 * 1024,
                )
                if settings is not None:  # e-mails: default language, Message-ID domain
                    self.store.outbox.configure(lang=settings.lang, mail_from=settings.mail_from)
            if self.force_demo or (self.demo_on_empty and not await self.store.catalog.has_users()):
                from helpdesk_tui.store.demo import load_demo

                self.notify(_("Loading the demo organisation…"))
                await load_demo(self.store)
            from helpdesk_tui.console_automation import start_periodic_automation

            start_periodic_automation(self)  # SLA checks and auto-close, every minute or so
        except Exception as error:  # noqa: BLE001 - shown on the login screen, which offers to quit
            lines = str(error).strip().splitlines()
            self.store_error = strip_controls(lines[0] if lines else type(error).__name__, single_line=True)
            self.store = None
        finally:
            self.store_ready.set()

    async def sign_in(self, actor: Actor) -> None:
        """After login (or --as): the staff queue, or My tickets for customers and users."""
        self.actor = actor
        self.sub_title = strip_controls(f"{actor.name or actor.username} · {_(actor.role)}", single_line=True)
        await self.go_home()

    async def go_home(self) -> None:
        assert self.actor is not None
        if self.actor.is_staff:
            from helpdesk_tui.screens.queue import QueueScreen

            home = QueueScreen()
        else:
            from helpdesk_tui.screens.my_tickets import MyTicketsScreen

            home = MyTicketsScreen()
        await self.switch_screen(home)

    async def on_unmount(self) -> None:
        if self.store is not None:
            await self.store.close()

    # ------------------------------------------------------------- navigation

    def open_ticket(self, ticket_id: int) -> None:
        from helpdesk_tui.screens.ticket import TicketScreen

        self.push_screen(TicketScreen(ticket_id))

    def action_new_case(self) -> None:
        if self.actor is None or not self.actor.can("ticket.create"):
            return
        from helpdesk_tui.screens.new_ticket import NewTicketScreen

        # One form at a time, even when one of its dialogs is on top.
        if not any(isinstance(screen, NewTicketScreen) for screen in self.screen_stack):
            self.push_screen(NewTicketScreen())

    def action_knowledge_base(self) -> None:
        from helpdesk_tui.screens.kb import KbScreen

        if self.actor is not None and not any(isinstance(s, KbScreen) for s in self.screen_stack):
            self.push_screen(KbScreen())

    def action_help(self) -> None:
        from helpdesk_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_outbox(self) -> None:
        """The e-mail outbox (admins and supervisors: the outbox.view permission)."""
        from helpdesk_tui.screens.outbox import OutboxScreen

        if self.actor is not None and self.actor.can("outbox.view") and not isinstance(self.screen, OutboxScreen):
            self.push_screen(OutboxScreen())

    def action_command_line(self) -> None:
        from helpdesk_tui.screens.help import CommandLine

        if self.actor is not None:
            self.push_screen(CommandLine(), self._run_command)

    def _run_command(self, line: str | None) -> None:
        from helpdesk_tui.commands import run_command_line

        if line:
            self.run_worker(run_command_line(self, line), group="command")

    def action_change_password(self) -> None:
        """The signed-in user's password (the login screen has its own way in, F2)."""
        if self.actor is None:
            return
        from helpdesk_tui.screens.login import PasswordDialog, password_changer

        def done(changed: bool | None) -> None:
            if changed:
                self.notify(_("Password changed."))

        self.push_screen(PasswordDialog(self.actor.username, password_changer(self, self.actor)), done)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's system commands, in the chosen language, and our own."""
        titles = {
            "Theme": (_("Theme"), _("Change the colours of the console")),
            "Quit": (_("Quit"), _("Leave the help desk")),
            "Keys": (_("Keys"), _("Show or hide the keys of the focused widget")),
            "Screenshot": (_("Screenshot"), _("Save an SVG picture of the screen")),
            "Maximize": (_("Maximize"), _("Let the focused widget fill the screen")),
            "Minimize": (_("Minimize"), _("Put the widget back in its place")),
        }
        for command in super().get_system_commands(screen):
            title, help_text = titles.get(command.title, (command.title, command.help))
            yield SystemCommand(title, help_text, command.callback, command.discover)
        if self.actor is not None:
            yield SystemCommand(_("Change password"), _("Change your password"), self.action_change_password)
            yield SystemCommand(_("Knowledge base"), _("Search and read the articles (K)"), self.action_knowledge_base)
        if self.actor is not None and self.actor.can("outbox.view"):
            yield SystemCommand(_("Outbox"), _("E-mail messages waiting, failed or dead"), self.action_outbox)
        if self.actor is not None and self.actor.can("survey.results"):
            yield SystemCommand(_("Survey results"), _("Satisfaction per agent, area and month"), self.action_survey_results)

    def action_survey_results(self) -> None:
        from helpdesk_tui.screens.survey_results import open_results

        open_results(self)

    def show_error(self, error: HelpdeskError) -> None:
        self.notify(error.message(_), severity="error", timeout=6)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_case", "command_line", "change_password", "knowledge_base"):
            return self.actor is not None
        if action == "outbox":
            return self.actor is not None and self.actor.can("outbox.view")
        return True


def run_console(
    *,
    settings: Settings | None = None,
    db_url: str | None = None,
    lang: str | None = None,
    as_user: str | None = None,
    mouse: bool = False,
    demo: bool = False,
    **_ignored: Any,
) -> int:
    """Start the console; returns the exit status."""
    app = HelpdeskApp(db_url=db_url, lang=lang, as_user=as_user, settings=settings, demo_on_empty=True)
    app.force_demo = demo
    result = app.run(mouse=mouse)
    return int(result or 0)

