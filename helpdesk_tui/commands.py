"""The `:` command line and the command palette's providers.

`run_command_line(app, line)` understands:

    :t 123 | :ticket HD-000123 | :123     open a ticket
    :assign ana                          assign the marked tickets (or the one under the cursor,
                                         or the open ticket) to ana
    :take                                take them
    :filter is:open prio:>=high          filter the queue
    :sort -prio,created                  sort the queue
    :view 2                              saved view 2
    :new                                 open a case
    :kb [words]                          the knowledge base, searching for the words
    :refresh | :help | :password
    :outbox                              the e-mail outbox (admins and supervisors)
    :surveys                             survey results (with survey.results)
    :q | :quit | :back                   back; on the home screen, quit (:q! quits at once)

The palette (Ctrl+P) gets two providers: the actions of the screen it was opened from (its key
bindings, so every action is also a command) and tickets by number or subject, searched by the
store with the actor's visibility.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen

from helpdesk_tui import labels
from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line, strip_controls

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp

_REF = re.compile(r"^\s*(?:hd-?|#)?0*(\d{1,12})\s*$", re.IGNORECASE)


def ticket_ref(text: str) -> int | None:
    """'123', '#123', 'HD-000123', 'hd123' -> 123."""
    found = _REF.match(text or "")
    return int(found[1]) if found and int(found[1]) > 0 else None


# ------------------------------------------------------------------------------ command line


def _queue(app: HelpdeskApp) -> Any:
    from helpdesk_tui.screens.queue import QueueScreen

    return next((screen for screen in reversed(app.screen_stack) if isinstance(screen, QueueScreen)), None)


async def _queue_on_top(app: HelpdeskApp) -> Any:
    """The queue screen, popping what covers it; None (with a message) when there is none."""
    queue = _queue(app)
    if queue is None:
        app.notify(_("This command works on the queue."), severity="warning")
        return None
    while app.screen is not queue and len(app.screen_stack) > 1:
        await app.pop_screen()
    return queue


async def open_ticket(app: HelpdeskApp, argument: str) -> None:
    ticket_id = ticket_ref(argument)
    if ticket_id is None:
        app.notify(_("Which ticket? For example :t 123"), severity="error")
        return
    from helpdesk_tui.store.errors import HelpdeskError

    try:
        await app.store.tickets.show(app.actor, ticket_id)  # visible to this actor?
    except HelpdeskError as error:
        app.show_error(error)
        return
    app.open_ticket(ticket_id)


async def assign(app: HelpdeskApp, argument: str) -> None:
    username = argument.strip().lstrip("@")
    if not username:
        app.notify(_("Assign to whom? For example :assign ana"), severity="error")
        return
    screen = app.screen
    if hasattr(screen, "assign_to"):
        result = screen.assign_to(username)  # a worker on the queue: runs its own dialogs
        if asyncio.iscoroutine(result):
            await result
        return
    ticket_id = getattr(screen, "ticket_id", None)
    if ticket_id is None:
        app.notify(_("Nothing to assign here."), severity="warning")
        return
    from helpdesk_tui.store.errors import HelpdeskError

    try:
        row = await app.store.tickets.act(app.actor, ticket_id, "assign", to=username)
    except HelpdeskError as error:
        app.show_error(error)
        return
    app.notify(_("{ticket} assigned to {name}", ticket=row.number, name=strip_controls(username, single_line=True)))


async def take(app: HelpdeskApp, argument: str) -> None:
    await _run_screen_action(app, "take")


async def refresh(app: HelpdeskApp, argument: str) -> None:
    await _run_screen_action(app, "refresh")


async def _run_screen_action(app: HelpdeskApp, action: str) -> None:
    screen = app.screen
    if not hasattr(screen, f"action_{action}"):
        app.notify(_("Not available on this screen."), severity="warning")
        return
    await screen.run_action(action)


async def filter_queue(app: HelpdeskApp, argument: str) -> None:
    queue = await _queue_on_top(app)
    if queue is not None:
        queue.apply_filter(argument)


async def sort_queue(app: HelpdeskApp, argument: str) -> None:
    queue = await _queue_on_top(app)
    if queue is None:
        return
    from helpdesk_tui.store.errors import QueryError
    from helpdesk_tui.store.query import describe_sort, parse_query

    try:
        parsed = parse_query(f"sort:{argument.strip().removeprefix('sort:')}")
    except QueryError as error:
        app.show_error(error)
        return
    if parsed.sort:
        queue.set_sort(describe_sort(parsed.sort))


async def saved_view(app: HelpdeskApp, argument: str) -> None:
    queue = await _queue_on_top(app)
    if queue is not None:
        key = argument.strip()
        views = app.settings.views if app.settings else {}
        if key not in views:
            app.notify(_("No saved view {key}.", key=key), severity="warning")
            return
        queue.action_view(key)


async def new_case(app: HelpdeskApp, argument: str) -> None:
    app.action_new_case()


async def knowledge_base(app: HelpdeskApp, argument: str) -> None:
    """`:kb [words]`: the knowledge base, searching for the words."""
    from helpdesk_tui.screens.kb import KbScreen

    app.push_screen(KbScreen(argument.strip()))


async def show_help(app: HelpdeskApp, argument: str) -> None:
    app.action_help()


async def change_password(app: HelpdeskApp, argument: str) -> None:
    app.action_change_password()


async def survey_results(app: HelpdeskApp, argument: str) -> None:
    app.action_survey_results()


async def outbox(app: HelpdeskApp, argument: str) -> None:
    if app.actor is None or not app.actor.can("outbox.view"):
        app.notify(_("Only admins and supervisors see the outbox."), severity="warning")
        return
    app.action_outbox()


async def back(app: HelpdeskApp, argument: str) -> None:
    if len(app.screen_stack) > 2:
        await app.pop_screen()
    else:
        app.exit(0)


async def quit_now(app: HelpdeskApp, argument: str) -> None:
    app.exit(0)


Command = Callable[["HelpdeskApp", str], Awaitable[None]]

COMMANDS: dict[str, Command] = {
    "t": open_ticket, "ticket": open_ticket, "open": open_ticket,
    "assign": assign, "a": assign,
    "take": take,
    "filter": filter_queue, "f": filter_queue,
    "sort": sort_queue,
    "view": saved_view,
    "new": new_case, "n": new_case,
    "kb": knowledge_base,
    "refresh": refresh, "r": refresh,
    "help": show_help, "h": show_help, "?": show_help,
    "password": change_password, "passwd": change_password,
    "outbox": outbox,
    "surveys": survey_results,
    "q": back, "quit": back, "back": back,
    "q!": quit_now, "qa": quit_now, "quit!": quit_now,
}  # fmt: skip


async def run_command_line(app: HelpdeskApp, line: str) -> None:
    text = strip_controls(line, single_line=True).strip().lstrip(":").strip()
    if not text:
        return
    name, _sep, rest = text.partition(" ")
    if ticket_ref(name) is not None and not rest:
        await open_ticket(app, name)
        return
    command = COMMANDS.get(name.lower())
    if command is None:
        app.notify(_("Unknown command: {name}", name=name), severity="error")
        return
    await command(app, rest.strip())


# --------------------------------------------------------------------------- palette


PALETTE_SKIPS = frozenset({"command_palette", "app.command_palette"})


def screen_commands(app: App[Any], screen: Screen[Any]) -> list[tuple[str, str, Callable[[], Any]]]:
    """(title, help, callback) for every described binding active on `screen`."""
    seen: set[tuple[int, str]] = set()
    out = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or not active.enabled or binding.action in PALETTE_SKIPS:
            continue
        key = (id(active.node), binding.action)
        if key in seen:
            continue
        seen.add(key)
        shown = app.get_key_display(binding)
        out.append((binding.description, _("Key: {key}", key=shown), partial(app.run_action, binding.action, active.node)))
    return out


class ScreenActionsProvider(Provider):
    """Every action of the screen the palette was opened from, found by its description."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        return screen_commands(self.app, self.screen)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=_escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(_escape(title)), callback, text=title, help=_escape(help_text))


def _escape(text: str) -> str:
    """Our own text, but the palette reads help as markup: keep brackets literal."""
    return text.replace("[", r"\[")


class TicketSearchProvider(Provider):
    """Tickets by number (HD-000123, 123) or by words of the subject, through the store (so
    only what the actor may see)."""

    LIMIT = 8

    async def search(self, query: str) -> Hits:
        app = self.app
        store, actor = getattr(app, "store", None), getattr(app, "actor", None)
        if store is None or actor is None or not query.strip():
            return
        from helpdesk_tui.store.errors import HelpdeskError

        seen: set[int] = set()
        ticket_id = ticket_ref(query)
        if ticket_id is not None:
            try:
                detail = await store.tickets.show(actor, ticket_id)
            except HelpdeskError:
                pass
            else:
                seen.add(ticket_id)
                yield self._hit(1.0, detail.ticket)
        words = " ".join(re.findall(r"\w+", query))
        if not words:
            return
        try:
            page = await store.tickets.page(actor, words, limit=self.LIMIT)
        except HelpdeskError:
            return
        matcher = self.matcher(query)
        for row in page.rows:
            if row.id not in seen:
                seen.add(row.id)
                score = max(0.5, matcher.match(f"{row.number} {row.subject}"))
                yield self._hit(score, row)

    def _hit(self, score: float, row: Any) -> Hit:
        prompt = Content.assemble((row.number, "bold"), "  ", Content.from_rich_text(one_line(row.subject)))
        state = labels.label(labels.STATE_LABELS, row.status)
        return Hit(
            score,
            prompt,
            partial(self.app.open_ticket, row.id),  # type: ignore[attr-defined]
            text=f"{row.number} {strip_controls(row.subject, single_line=True)}",
            help=_escape(_("Open the ticket · {state}", state=state)),
        )
