"""`?` help, the `:` command line, the command palette and remapped keys."""

from __future__ import annotations

from textual.command import CommandPalette

from helpdesk_tui.commands import run_command_line, ticket_ref
from helpdesk_tui.config import Settings
from helpdesk_tui.screens.help import CommandLine, HelpScreen
from helpdesk_tui.widgets.bulk import ChoicePicker, ConfirmDialog
from tests.conftest import Org
from tests.screens.conftest import wait_for
from tests.store.helpers import new_ticket


async def queue_ready(pilot, app) -> None:
    await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")
    await wait_for(pilot, lambda: app.screen.window is not None and app.screen.window.loaded)
    await pilot.pause()


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def record_opened(app) -> list[int]:
    opened: list[int] = []
    app.open_ticket = opened.append  # the ticket screen belongs to another engineer
    return opened


async def test_help_lists_every_binding_with_keys(org: Org, start_app) -> None:
    await new_ticket(org)
    async with start_app("sara", size=(100, 40)) as (app, pilot):
        await queue_ready(pilot, app)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        lines = {line.description: line for line in app.screen.lines}
        assert lines["Assign"].keys == "a" and lines["Assign"].section == "This screen"
        assert lines["Filter"].keys == "/"
        assert lines["Next ticket"].keys == "↓ / j"
        assert lines["New case"].section == "Everywhere" and lines["New case"].keys == "^n"
        for description in ("Take", "Move", "Mark", "Mark all shown", "Refresh", "Quit", "Help", "First ticket", "Last ticket"):
            assert description in lines
        assert "Saved view" not in lines  # none configured
        table = app.screen.query_one("#help-keys")
        assert table.row_count == len(app.screen.lines)
        await pilot.press("escape")
        assert type(app.screen).__name__ == "QueueScreen"


async def test_help_in_spanish_and_with_remapped_keys(org: Org, start_app) -> None:
    settings = Settings(keymap={"queue.assign": "A"}, views={"1": "is:open"})
    async with start_app("sara", lang="es", settings=settings) as (app, pilot):
        await queue_ready(pilot, app)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        lines = {line.description: line for line in app.screen.lines}
        assert lines["Asignar"].keys == "A"
        assert lines["Vista guardada"].keys == "1"
        assert lines["Filtrar"].section == "Esta pantalla"


async def test_remapped_key_runs_the_action(org: Org, start_app) -> None:
    await new_ticket(org)
    async with start_app("sara", settings=Settings(keymap={"queue.assign": "A"})) as (app, pilot):
        await queue_ready(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        assert type(app.screen).__name__ == "QueueScreen"
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePicker))


def test_ticket_refs() -> None:
    assert [ticket_ref(text) for text in ("123", "#123", "HD-000123", "hd123", "x", "", "0")] == [123, 123, 123, 123, None, None, None]


async def test_command_line_opens_a_ticket(org: Org, start_app) -> None:
    ticket = await new_ticket(org)
    async with start_app("sara") as (app, pilot):
        await queue_ready(pilot, app)
        opened = record_opened(app)
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandLine))
        await pilot.press(*f"t {ticket}", "enter")
        await wait_for(pilot, lambda: opened == [ticket])
        await run_command_line(app, f":ticket HD-{ticket:06d}")
        assert opened == [ticket, ticket]


async def test_command_line_refuses_an_unseen_ticket_and_unknown_commands(org: Org, start_app) -> None:
    hidden = await new_ticket(org, area="Service desk")
    async with start_app("sara") as (app, pilot):
        await queue_ready(pilot, app)
        opened = record_opened(app)
        await run_command_line(app, f"t {hidden}")
        await run_command_line(app, "frobnicate now")
        await pilot.pause()
        assert opened == []
        texts = notifications(app)
        assert any("not found" in text for text in texts)
        assert any("Unknown command: frobnicate" in text for text in texts)


async def test_command_line_assigns_the_marked_tickets(org: Org, start_app) -> None:
    await new_ticket(org, subject="Uno")
    await new_ticket(org, subject="Dos")
    async with start_app("sara") as (app, pilot):
        await queue_ready(pilot, app)
        await pilot.press("space", "space")
        await pilot.press("colon", *"assign ana", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Assign 2 tickets to ana?" in str(app.screen.question)


async def test_command_line_filters_and_quits(org: Org, start_app) -> None:
    await new_ticket(org, subject="Wifi")
    await new_ticket(org, subject="VPN")
    async with start_app("sara") as (app, pilot):
        await queue_ready(pilot, app)
        await run_command_line(app, ":filter vpn")
        await wait_for(pilot, lambda: [row.subject for row in app.screen.table.rows_shown] == ["VPN"])
        await run_command_line(app, ":sort subject")
        assert app.screen.sort == "subject"
        await run_command_line(app, ":q")
        await pilot.pause()
        assert app.return_value == 0


async def test_palette_finds_a_ticket_by_subject(org: Org, start_app) -> None:
    await new_ticket(org, subject="Wifi caída")
    ticket = await new_ticket(org, subject="Impresora atascada en recepción")
    async with start_app("sara", size=(100, 30)) as (app, pilot):
        await queue_ready(pilot, app)
        opened = record_opened(app)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"impresora")
        palette = app.screen
        await wait_for(pilot, lambda: palette.query_one("CommandList").option_count > 0)
        prompts = [str(option.prompt) for option in palette.query_one("CommandList").options]
        assert any(f"HD-{ticket:06d}" in prompt and "Impresora atascada" in prompt for prompt in prompts)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: opened == [ticket])


async def test_palette_finds_a_ticket_by_number_and_runs_screen_actions(org: Org, start_app) -> None:
    ticket = await new_ticket(org, subject="Wifi caída")
    async with start_app("sara", size=(100, 30)) as (app, pilot):
        await queue_ready(pilot, app)
        opened = record_opened(app)
        await pilot.press("ctrl+p", *f"HD-{ticket:06d}")
        palette = app.screen
        await wait_for(pilot, lambda: palette.query_one("CommandList").option_count > 0)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: opened == [ticket])
        await pilot.press("ctrl+p", *"take")
        palette = app.screen
        await wait_for(pilot, lambda: any("Take" in str(o.prompt) for o in palette.query_one("CommandList").options))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Take 1 ticket?" in str(app.screen.question)


def test_spanish_catalogue_covers_the_shell() -> None:
    """Every msgid the shell passes to _() (and every display label) has a Spanish text."""
    import ast
    import inspect

    from helpdesk_tui import app, commands, labels
    from helpdesk_tui.i18n import catalogue
    from helpdesk_tui.screens import help as help_screen
    from helpdesk_tui.screens import login, queue
    from helpdesk_tui.widgets import bulk, filter_bar, ticket_table

    spanish = catalogue("es")
    msgids: set[str] = set()
    for module in (app, commands, labels, help_screen, login, queue, bulk, filter_bar, ticket_table):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "_" and strings:
                msgids.add(strings[0])
            elif name == "Binding" and len(strings) >= 3:
                msgids.add(strings[2])
            elif name == "nplural":
                msgids.update(strings[:1] if len(set(strings)) == 1 else strings[:2])
    for table in (labels.STATE_LABELS, labels.STATE_SHORT, labels.PRIORITY_SHORT, labels.TYPE_LABELS, labels.ACTION_LABELS, labels.ACTION_PROMPTS, labels.EVENT_LABELS, labels.ROLE_LABELS):
        msgids.update(table.values())
    msgids.update(f"tab|{tab.label}" for tab in queue.TABS)
    msgids.update(f"impact|{value}" for value in labels.IMPACT_SHORT.values())
    msgids.discard("")
    missing = sorted(m for m in msgids if m not in spanish and m not in ("helpdesk",))
    assert missing == []
