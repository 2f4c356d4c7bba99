"""Commands of the outbox part (registered on `helpdesk`): list and retry e-mail messages.

    helpdesk outbox list [--state S]... [--json]     what waits, failed or died (admins, supervisors)
    helpdesk outbox retry ID | --all                 queue one again, or every failed and dead one
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli import NEEDS_ADMIN, EXIT_USAGE, _fail, _json, _line, _run, _table, _when, main
from helpdesk_tui.i18n import _
from helpdesk_tui.labels import nplural

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.permissions import Actor

# The same names as helpdesk_tui.store.outbox.STATES (kept here so the command starts light).
STATES = ("queued", "sending", "sent", "failed", "dead")
UNSENT = ("queued", "sending", "failed", "dead")


@main.group()
def outbox() -> None:
    """The e-mail outbox: messages waiting to be sent, failed or dead."""


@outbox.command("list")
@click.option("--state", "states", multiple=True, type=click.Choice(STATES), help="Only messages in this state (repeatable; default: all but sent).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def outbox_list(ctx: click.Context, states: tuple[str, ...], as_json: bool) -> None:
    """List the outbox, what needs attention first."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.outbox.messages(actor, states=states or UNSENT)

    messages = _run(ctx, work, needs=NEEDS_ADMIN)
    if as_json:
        _json([m.to_json() for m in messages])
        return
    if not messages:
        click.echo(_("The outbox is empty."))
        return
    from helpdesk_tui.mail.states import STATE_LABELS

    header = [_("ID"), _("STATE"), _("TICKET"), _("TO"), _("ATTEMPTS"), _("NEXT TRY"), _("SUBJECT")]
    rows = [header]
    for m in messages:
        next_try = _when(m.next_attempt_at) if m.state in ("queued", "failed") else "-"
        rows.append([str(m.id), _(STATE_LABELS.get(m.state, m.state)), m.number, _line(m.to_address), str(m.attempts), next_try, _line(m.subject)])
    lines = _table(rows)
    click.echo(lines[0])
    for m, line in zip(messages, lines[1:], strict=True):
        click.echo(line)
        if m.last_error and m.state != "sent":
            code = f"{m.last_code} " if m.last_code else ""
            click.echo("    " + _("last error: {error}", error=code + _line(m.last_error)))


@outbox.command("retry")
@click.argument("message", required=False, type=int)
@click.option("--all", "retry_all", is_flag=True, help="Every failed and dead message.")
@click.pass_context
def outbox_retry(ctx: click.Context, message: int | None, retry_all: bool) -> None:
    """Queue a failed or dead message again (or all of them) to be sent now."""
    if (message is None) == (not retry_all):
        _fail(_("give a message number or --all, not both"), EXIT_USAGE)

    async def work(store: Store, actor: Actor | None) -> Any:
        if retry_all:
            return await store.outbox.retry_all(actor)
        return await store.outbox.retry(actor, message)

    result = _run(ctx, work, needs=NEEDS_ADMIN)
    if retry_all:
        click.echo(nplural(result, "{n} message queued again", "{n} messages queued again"))
    else:
        click.echo(_("message {id} queued again", id=result.id))
