"""The `helpdesk` command (SPEC section 13): thin — parse, call the store, print.

Every command opens the store (which migrates it), works out who is acting, makes one store
call or a few, prints, and closes the store: one `asyncio.run` per command. Domain errors become
one translated line on standard error and the exit status the error carries (1 refused,
3 not found, 4 conflict); 2 is for usage.

The store is imported lazily so that `helpdesk` with no command starts the console quickly.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from helpdesk_tui.automation_text import event_body
from helpdesk_tui.config import Settings, load_settings
from helpdesk_tui.i18n import _, choose_language, set_language
from helpdesk_tui.text import strip_controls

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.permissions import Actor
    from helpdesk_tui.store.views import EventView, TicketDetail, TicketRow

T = TypeVar("T")

EXIT_REFUSED = 1
EXIT_USAGE = 2

# Who a command needs: a help-desk user ("user"); anyone, with the trusted local administrator
# as the fallback when nobody is named ("admin"); or nobody at all ("nobody").
NEEDS_USER = "user"
NEEDS_ADMIN = "admin"
NEEDS_NOBODY = "nobody"

# Characters json.dumps(ensure_ascii=False) leaves raw but a terminal may act on.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@dataclass
class Invocation:
    """What the global options decided, handed to every command."""

    settings: Settings
    db_url: str
    as_user: str | None


class Refused(Exception):
    """A refusal that the command line itself decides (not the store)."""

    def __init__(self, message: str, status: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------------------------ plumbing


def _fail(message: str, status: int) -> NoReturn:
    click.echo(strip_controls(message, single_line=True).strip(), err=True)
    raise click.exceptions.Exit(status)


def _reason(err: Exception) -> str:
    """The one line that explains a domain error, in the chosen language."""
    from helpdesk_tui.store.errors import ValidationFailed

    if isinstance(err, ValidationFailed):
        return "; ".join(f"{field}: {msg}" for field, msg in err.field_messages(_).items())
    return err.message(_)  # type: ignore[attr-defined]


async def _open(inv: Invocation) -> Store:
    from sqlalchemy.exc import SQLAlchemyError

    from helpdesk_tui.store import open_store

    try:
        store = await open_store(
            inv.db_url,
            attachments_dir=inv.settings.attachments_dir,
            attachment_limit=inv.settings.attachment_limit,
        )
        # E-mails written by this command: default language, Message-ID domain.
        store.outbox.configure(lang=inv.settings.lang, mail_from=inv.settings.mail_from)
        return store
    except (SQLAlchemyError, OSError) as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise Refused(_("cannot open the database: {reason}", reason=reason)) from err


async def resolve_actor(store: Store, as_user: str | None, *, needs: str) -> Actor | None:
    """--as, else $HELPDESK_USER, else the OS login when such a help-desk user exists (the
    trusted mode of SSH ForceCommand). Administration falls back to the trusted local
    administrator (None); ticket commands need somebody."""
    from helpdesk_tui.store.errors import NotFound

    if needs == NEEDS_NOBODY:
        return None
    named = as_user or os.environ.get("HELPDESK_USER")
    if named:
        try:
            return await store.catalog.actor(named)
        except NotFound:
            raise Refused(_("no such user: {username}", username=named)) from None
    login = _os_login()
    if login:
        try:
            return await store.catalog.actor(login)
        except NotFound:
            pass
    if needs == NEEDS_USER:
        raise Refused(_("say who you are with --as USER"), EXIT_USAGE)
    return None


def _os_login() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return None


def _run(
    ctx: click.Context,
    work: Callable[[Store, Actor | None], Awaitable[T]],
    *,
    needs: str = NEEDS_USER,
) -> T:
    """Open the store, find the actor, do the work, close the store; map domain errors."""
    from helpdesk_tui.store.errors import HelpdeskError

    inv = ctx.find_object(Invocation)
    assert inv is not None

    async def go() -> T:
        store = await _open(inv)
        try:
            actor = await resolve_actor(store, inv.as_user, needs=needs)
            return await work(store, actor)
        finally:
            await store.close()

    try:
        return asyncio.run(go())
    except Refused as refusal:
        _fail(str(refusal), refusal.status)
    except HelpdeskError as err:
        _fail(_reason(err), err.exit_status)


def _require_actor(actor: Actor | None) -> Actor:
    assert actor is not None  # NEEDS_USER guarantees it
    return actor


# ------------------------------------------------------------------------------ printing


def _json(document: Any) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _line(value: Any) -> str:
    """Untrusted text on one line, with nothing a terminal could interpret."""
    if value is None:
        return "-"
    return strip_controls(str(value), single_line=True).strip() or "-"


def _block(value: str | None, indent: str = "  ") -> list[str]:
    text = strip_controls(value or "").strip("\n")
    return [indent + line for line in text.split("\n")] if text else []


def _width(value: str) -> int:
    from rich.cells import cell_len

    return cell_len(value)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Aligned columns; the last one is left ragged."""
    if not rows:
        return []
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    out = []
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:-1])]
        out.append("  ".join([*cells, row[-1]]).rstrip())
    return out


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "-"


def _state(status: str) -> str:
    from helpdesk_tui.store.lifecycle import STATE_LABELS

    return _(STATE_LABELS.get(status, status))


def _ticket_cells(row: TicketRow) -> list[str]:
    return [
        row.number, _state(row.status), row.priority, _line(row.assignee), _line(row.account),
        _line(row.subject),
    ]  # fmt: skip


def _ticket_header() -> list[str]:
    return [_("NUMBER"), _("STATE"), _("PRIORITY"), _("ASSIGNEE"), _("ACCOUNT"), _("SUBJECT")]


def _describe_event(event: EventView) -> str:
    from helpdesk_tui import labels
    from helpdesk_tui.store.lifecycle import ACTION_LABELS

    data = event.data or {}
    if event.kind == "created":
        return _("created")
    if event.kind == "comment":
        return _("internal note") if event.visibility == "internal" else _("comment")
    if event.kind == "recategorised":
        changes = data.get("changes", {})
        parts = [f"{field} {_line(old)} → {_line(new)}" for field, (old, new) in changes.items()]
        return _("recategorised") + (": " + ", ".join(parts) if parts else "")
    if event.kind == "sla_breached":  # the system's own entry; its text says which timer
        return _("SLA breached")
    if event.kind in ACTION_LABELS:
        label = _(ACTION_LABELS[event.kind])
    else:  # the other parts' entries (plans, checklist, linked solutions, …)
        label = labels.label(labels.EVENT_LABELS, event.kind) if event.kind in labels.EVENT_LABELS else _line(event.kind)
    if "from" in data and "to" in data:
        label += f" ({_state(str(data['from']))} → {_state(str(data['to']))})"
    if data.get("assignee"):
        label += " " + _("to {username}", username=_line(data["assignee"]))
    return label


def _print_detail(detail: TicketDetail) -> None:
    row = detail.ticket
    click.echo(f"{row.number}  {_line(row.subject)}")
    area = _line(row.area) + (f" / {_line(row.category)}" if row.category else "")
    facts = [
        (_("State"), _state(row.status)),
        (_("Priority"), f"{row.priority}  ({_('impact')} {row.impact}, {_('type')} {row.type})"),
        (_("Account"), _line(row.account)),
        (_("Environment"), _line(detail.environment)),
        (_("Service"), _line(detail.service)),
        (_("Area"), area),
        (_("Requester"), _line(row.requester)),
        (_("Contact"), _line(row.contact)),
        (_("Assignee"), _line(row.assignee)),
        (_("Origin"), row.origin),
        (_("Created"), _when(row.created_at)),
        (_("Updated"), f"{_when(row.updated_at)}  ({_('version')} {row.version})"),
    ]
    if detail.work_window:
        facts.append((_("Work window"), f"{_when(detail.work_window[0])} – {_when(detail.work_window[1])}"))
    for line in _table([[f"{label}:", value] for label, value in facts]):
        click.echo(line)
    click.echo("")
    click.echo(_("Description") + ":")
    for line in _block(detail.description):
        click.echo(line)
    if detail.resolution:
        click.echo("")
        click.echo(_("Resolution") + ":")
        for line in _block(detail.resolution):
            click.echo(line)
    if getattr(detail, "stages", None) is not None:  # five-stage: checklist and work plan
        from helpdesk_tui.cli.stages import print_stages

        print_stages(detail.stages)
    click.echo("")
    click.echo(_("Bitácora") + ":")
    for event in detail.events:
        internal = f" [{_('internal')}]" if event.visibility == "internal" and event.kind != "comment" else ""
        click.echo(f"  {_when(event.at)}  {_line(event.actor)}  {_describe_event(event)}{internal}")
        for line in _block(event_body(event.actor, event.kind, event.data, event.text), indent="      "):
            click.echo(line)
    if detail.attachments:
        click.echo("")
        click.echo(_("Attachments") + ":")
        rows = [
            [f"#{a.id}", _line(a.filename), _("{size} bytes", size=a.size), _line(a.uploaded_by)]
            for a in detail.attachments
        ]
        for line in _table(rows):
            click.echo("  " + line)
    click.echo("")
    click.echo(_("Actions") + ": " + (", ".join(detail.actions) or "-"))


def _read_files(paths: Iterable[str]) -> tuple[tuple[str, bytes], ...]:
    return tuple((Path(p).name, Path(p).read_bytes()) for p in paths)


# ------------------------------------------------------------------------------ the group


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", metavar="URL", help="Database URL or SQLite file (default: $HELPDESK_DB, else one in your data folder).")
@click.option("--lang", type=click.Choice(["es", "en"]), help="Language of the interface.")
@click.option("--as", "as_user", metavar="USER", help="Act as this help-desk user; every rule applies.")
@click.option("--config", "config_path", metavar="FILE", type=click.Path(dir_okay=False), help="Settings file (TOML).")
@click.option("--mouse", is_flag=True, help="Let the console use the mouse.")
@click.option("--os-login", is_flag=True, help="Trusted mode (SSH ForceCommand): act as the help-desk user named like the operating-system login.")
@click.option("--demo", is_flag=True, help="With no command: open the console on the demo organisation (loaded if missing).")
@click.pass_context
def main(
    ctx: click.Context,
    db_url: str | None,
    lang: str | None,
    as_user: str | None,
    config_path: str | None,
    mouse: bool,
    os_login: bool,
    demo: bool,
) -> None:
    """A keyboard-driven help desk for the terminal. With no command, opens the console."""
    settings = load_settings(config_path)
    chosen = choose_language(lang or settings.lang or None)
    set_language(chosen)
    if os_login:
        # ForceCommand fixes the command line, so the person cannot pass another --as.
        as_user = _os_login()
    ctx.obj = Invocation(settings, db_url or settings.db_url, as_user)
    if ctx.invoked_subcommand is not None:
        if demo:
            _fail(_("--demo goes without a command; use: helpdesk init --demo"), EXIT_USAGE)
        return
    from helpdesk_tui.app import run_console

    status = run_console(
        settings=settings,
        db_url=ctx.obj.db_url,
        lang=chosen,
        as_user=as_user or os.environ.get("HELPDESK_USER") or None,
        mouse=mouse,
        demo=demo,
    )
    ctx.exit(int(status or 0))


async def _load_demo(store: Store, actor: Actor | None) -> tuple[bool, int]:
    from helpdesk_tui.store.demo import load_demo
    from helpdesk_tui.store.errors import NotPermitted

    if actor is not None and not actor.can("admin.catalog"):
        raise NotPermitted("you need the permission {permission}", permission="admin.catalog")
    if not await load_demo(store):
        return False, 0
    return True, await store.tickets.count(await store.catalog.actor("admin"))


@main.command()
@click.option("--demo", is_flag=True, help="Add the demo organisation (does nothing when it is already there).")
@click.pass_context
def init(ctx: click.Context, demo: bool) -> None:
    """Create or migrate the database."""
    if not demo:

        async def migrated(store: Store, actor: Actor | None) -> None:
            return None

        _run(ctx, migrated, needs=NEEDS_NOBODY)
        click.echo(_("the database is ready"))
        return
    loaded, count = _run(ctx, _load_demo, needs=NEEDS_ADMIN)
    if loaded:
        click.echo(_("demo organisation loaded: {count} tickets", count=count))
    else:
        click.echo(_("the demo organisation is already here"))


# ------------------------------------------------------------------------------ catalog


@main.group()
def account() -> None:
    """Client companies."""


@account.command("add")
@click.argument("name")
@click.option("--reporter-limit", type=int, metavar="N", help="At most N reporters for this account.")
@click.option("--primary-agent", metavar="U", help="New tickets of this account go to this agent.")
@click.option("--environment", "environments", multiple=True, metavar="E", help="An environment (repeatable).")
@click.option("--service", "services", multiple=True, metavar="S", help="A service (repeatable).")
@click.pass_context
def account_add(
    ctx: click.Context,
    name: str,
    reporter_limit: int | None,
    primary_agent: str | None,
    environments: tuple[str, ...],
    services: tuple[str, ...],
) -> None:
    """Add an account."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.catalog.add_account(
            actor, name, reporter_limit=reporter_limit, primary_agent=primary_agent,
            environments=environments, services=services,
        )  # fmt: skip

    added = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("account {name} added", name=_line(added.name)))


@main.group()
def area() -> None:
    """Areas (departments that own queues) and their categories."""


@area.command("add")
@click.argument("name")
@click.option("--category", "categories", multiple=True, metavar="C", help="A category (repeatable).")
@click.pass_context
def area_add(ctx: click.Context, name: str, categories: tuple[str, ...]) -> None:
    """Add an area."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.catalog.add_area(actor, name, categories=categories)

    added = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("area {name} added", name=_line(added.name)))


@main.group()
def user() -> None:
    """People: staff and customers."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, help="admin, supervisor, agent, customer or user.")
@click.option("--name", default="", metavar="N", help="Full name.")
@click.option("--email", default="", metavar="E", help="E-mail address.")
@click.option("--account", "accounts", multiple=True, metavar="A", help="Member of this account (repeatable).")
@click.option("--area", "areas", multiple=True, metavar="A", help="Works in this area (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def user_add(
    ctx: click.Context,
    username: str,
    role: str,
    name: str,
    email: str,
    accounts: tuple[str, ...],
    areas: tuple[str, ...],
    password_stdin: bool,
) -> None:
    """Add a user."""
    password = _read_password() if password_stdin else None

    async def work(store: Store, actor: Actor | None) -> Any:
        if password is not None:
            from helpdesk_tui.store.auth import check_password_strength

            check_password_strength(password)
        return await store.catalog.add_user(
            actor, username, role=role, name=name, email=email, password=password,
            accounts=accounts, areas=areas,
        )  # fmt: skip

    added = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("user {username} added ({role})", username=_line(added.username), role=added.role))


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True, err=True)
    return sys.stdin.readline().rstrip("\r\n")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List users."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.catalog.users(actor)

    users = _run(ctx, work, needs=NEEDS_ADMIN)
    if as_json:
        _json([u.to_json() for u in users])
        return
    rows = [[_("USER"), _("ROLE"), _("NAME"), _("EMAIL"), _("ACCOUNTS"), _("AREAS")]]
    for u in users:
        role = u.role if u.active else f"{u.role} ({_('inactive')})"
        rows.append(
            [_line(u.username), role, _line(u.name), _line(u.email),
             _line(", ".join(u.accounts)), _line(", ".join(u.areas))]
        )  # fmt: skip
    for line in _table(rows):
        click.echo(line)


def _grant_command(granted: bool) -> Callable[..., None]:
    @click.argument("username")
    @click.argument("permission")
    @click.pass_context
    def command(ctx: click.Context, username: str, permission: str) -> None:
        async def work(store: Store, actor: Actor | None) -> None:
            await store.catalog.grant(actor, username, permission, granted)

        _run(ctx, work, needs=NEEDS_ADMIN)
        names = {"permission": _line(permission), "username": _line(username)}
        if granted:
            click.echo(_("{permission} granted to {username}", **names))
        else:
            click.echo(_("{permission} revoked from {username}", **names))

    return command


user.command("grant", help="Grant a permission on top of the user's role (e.g. ticket.view_account).")(
    _grant_command(True)
)
user.command("revoke", help="Take a permission away, even one the role gives.")(_grant_command(False))


# ------------------------------------------------------------------------------ tickets


@main.group()
def ticket() -> None:
    """Open, list, show and work tickets."""


@ticket.command("new")
@click.option("--subject", required=True, metavar="S")
@click.option("--description", required=True, metavar="D")
@click.option("--account", metavar="A")
@click.option("--contact", metavar="U", help="Open it on behalf of this user.")
@click.option("--environment", metavar="E")
@click.option("--service", metavar="S")
@click.option("--area", metavar="A")
@click.option("--category", metavar="C")
@click.option("--type", "type_", default="incident", show_default=True, metavar="T", help="question, problem, improvement, incident or request.")
@click.option("--impact", default="medium", show_default=True, metavar="I", help="high, medium or low.")
@click.option("--priority", metavar="P", help="low, normal, high or urgent (staff); follows the impact otherwise.")
@click.option("--work-window", metavar="START..END", help="When the work should be done (ISO 8601; without an offset, on the ticket's calendar). Outside business hours: at least 3 business days ahead.")
@click.option("--attach", "attach", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="Attach a file (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the ticket as JSON.")
@click.pass_context
def ticket_new(
    ctx: click.Context,
    subject: str,
    description: str,
    account: str | None,
    contact: str | None,
    environment: str | None,
    service: str | None,
    area: str | None,
    category: str | None,
    type_: str,
    impact: str,
    priority: str | None,
    work_window: str | None,
    attach: tuple[str, ...],
    as_json: bool,
) -> None:
    """Open a ticket."""
    from helpdesk_tui.store.errors import ValidationFailed
    from helpdesk_tui.store.service_levels import parse_work_window

    try:
        window = parse_work_window(work_window) if work_window else None
    except ValidationFailed as err:
        _fail(_reason(err), EXIT_USAGE)
    from helpdesk_tui.store.views import NewTicket

    new = NewTicket(
        subject=subject, description=description, account=account, contact=contact,
        environment=environment, service=service, area=area, category=category, type=type_,
        impact=impact, priority=priority, attachments=_read_files(attach), work_window=window,
    )  # fmt: skip

    async def work(store: Store, actor: Actor | None) -> TicketRow:
        return await store.tickets.create(_require_actor(actor), new, origin="cli")

    row = _run(ctx, work)
    if as_json:
        _json(row.to_json())
        return
    click.echo(_("{number} created: {state}", number=row.number, state=_state(row.status))
               + (f" ({_('assigned to {username}', username=_line(row.assignee))})" if row.assignee else ""))


@ticket.command("list")
@click.option("--query", "-q", default="", metavar="Q", help='Filter, e.g. "is:open assignee:@me prio:>=high".')
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), metavar="N")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of tickets.")
@click.pass_context
def ticket_list(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """List the tickets you see."""

    async def work(store: Store, actor: Actor | None) -> list[TicketRow]:
        rows: list[TicketRow] = []
        cursor = None
        while len(rows) < limit:
            page = await store.tickets.page(
                _require_actor(actor), query, after=cursor, limit=min(limit - len(rows), 500)
            )
            rows.extend(page.rows)
            cursor = page.next_cursor
            if cursor is None or not page.rows:
                break
        return rows

    rows = _run(ctx, work)
    if as_json:
        _json([r.to_json() for r in rows])
        return
    if not rows:
        click.echo(_("no tickets"))
        return
    for line in _table([_ticket_header(), *(_ticket_cells(r) for r in rows)]):
        click.echo(line)


@ticket.command("show")
@click.argument("ref", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the ticket, its bitácora and your actions as JSON.")
@click.pass_context
def ticket_show(ctx: click.Context, ref: str, as_json: bool) -> None:
    """Show a ticket with its bitácora."""

    async def work(store: Store, actor: Actor | None) -> TicketDetail:
        return await store.tickets.show(_require_actor(actor), ref)

    detail = _run(ctx, work)
    if as_json:
        _json(detail.to_json())
    else:
        _print_detail(detail)


@ticket.command("do")
@click.argument("ref", metavar="ID")
@click.argument("action")
@click.option("--to", metavar="USER", help="The agent to assign to.")
@click.option("--text", metavar="TEXT", help="Resolution, reason, question or comment.")
@click.option("--if-version", type=int, metavar="N", help="Refuse (exit 4) if the ticket changed since version N.")
@click.option("--json", "as_json", is_flag=True, help="Print the ticket after the action as JSON.")
@click.pass_context
def ticket_do(
    ctx: click.Context,
    ref: str,
    action: str,
    to: str | None,
    text: str | None,
    if_version: int | None,
    as_json: bool,
) -> None:
    """Take a lifecycle ACTION: assign, take, start, wait, resume, resolve, accept, reject,
    close, cancel, reopen; on five-stage tickets also solve (analysis -> solution).
    `ticket show` lists the actions you may take now."""

    async def work(store: Store, actor: Actor | None) -> TicketRow:
        return await store.tickets.act(
            _require_actor(actor), ref, action, version=if_version, to=to, text=text
        )

    row = _run(ctx, work)
    if as_json:
        _json(row.to_json())
        return
    message = _("{number} is now {state}", number=row.number, state=_state(row.status))
    if row.assignee:
        message += f" ({_('assigned to {username}', username=_line(row.assignee))})"
    click.echo(message)


@ticket.command("comment")
@click.argument("ref", metavar="ID")
@click.option("--text", default="", metavar="T", help="The comment.")
@click.option("--internal", is_flag=True, help="An internal note, for staff only.")
@click.option("--attach", "attach", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="Attach a file (repeatable).")
@click.pass_context
def ticket_comment(
    ctx: click.Context, ref: str, text: str, internal: bool, attach: tuple[str, ...]
) -> None:
    """Add a public comment or an internal note."""
    files = _read_files(attach)

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.tickets.comment(
            _require_actor(actor), ref, text, internal=internal, attachments=files
        )

    _run(ctx, work)
    from helpdesk_tui.store.views import parse_ticket_ref, ticket_number

    number = ticket_number(parse_ticket_ref(ref) or 0)
    if internal:
        click.echo(_("internal note added to {number}", number=number))
    else:
        click.echo(_("comment added to {number}", number=number))


@ticket.command("attachment")
@click.argument("ref", metavar="ID")
@click.argument("attachment_id", metavar="ATTACHMENT_ID", type=int)
@click.option("--output", "-o", metavar="PATH", help="File or folder to save to; - for standard output.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.pass_context
def ticket_attachment(
    ctx: click.Context, ref: str, attachment_id: int, output: str | None, force: bool
) -> None:
    """Save an attachment of a ticket."""

    async def work(store: Store, actor: Actor | None) -> tuple[str, bytes]:
        from helpdesk_tui.store.errors import NotFound

        who = _require_actor(actor)
        detail = await store.tickets.show(who, ref)
        if attachment_id not in {a.id for a in detail.attachments}:
            raise NotFound("attachment {attachment} not found", attachment=attachment_id)
        return await store.tickets.read_attachment(who, attachment_id)

    name, data = _run(ctx, work)
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from helpdesk_tui.store.attachments import sanitise_filename

    target = Path(output) if output else Path.cwd()
    if target.is_dir():
        target = target / sanitise_filename(name)
    if target.exists() and not force:
        _fail(_("{path} already exists; use --force to replace it", path=str(target)), EXIT_REFUSED)
    try:
        target.write_bytes(data)
    except OSError as err:
        _fail(_("cannot write {path}: {reason}", path=str(target), reason=err.strerror or err), EXIT_REFUSED)
    click.echo(_("saved {name} ({size} bytes) to {path}", name=_line(name), size=len(data), path=str(target)))


# The command groups of the other parts register themselves on `main` (kept in their own
# modules; each imports its heavy parts only when its command runs).
from helpdesk_tui.cli import automation, kb, outbox, stages, survey  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
