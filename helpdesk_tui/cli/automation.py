"""Commands of the automation part (registered on `helpdesk`): service levels (calendars, SLA
policies, what accounts and areas use), one pass of the automation, and the worker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli import (
    EXIT_USAGE,
    NEEDS_ADMIN,
    NEEDS_NOBODY,
    Invocation,
    _fail,
    _json,
    _line,
    _run,
    _table,
    account,
    area,
    main,
)
from helpdesk_tui.i18n import N_, _

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.permissions import Actor

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _read_json(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        _fail(_("cannot read the file {path}: {reason}", path=path, reason=str(err)), EXIT_USAGE)
    if not isinstance(document, dict):
        _fail(_("{path} must hold one JSON object", path=path), EXIT_USAGE)
    return document


# ------------------------------------------------------------------ service levels


@main.group()
def sla() -> None:
    """Service levels: business calendars and SLA policies."""


@sla.group("calendar")
def sla_calendar() -> None:
    """Business calendars that areas and accounts use."""


def _days(spec: str) -> list[str]:
    """"mon-fri" -> mon..fri; "sat" -> sat; "mon,wed" -> mon, wed."""
    out: list[str] = []
    for part in spec.lower().split(","):
        first, _sep, last = part.strip().partition("-")
        if first[:3] not in WEEKDAYS or (last and last[:3] not in WEEKDAYS):
            raise click.BadParameter(_("unknown weekday in {spec}", spec=spec))
        a = WEEKDAYS.index(first[:3])
        b = WEEKDAYS.index(last[:3]) if last else a
        out.extend(WEEKDAYS[a : b + 1])
    return out


def _hours(values: tuple[str, ...]) -> dict[str, list[list[str]]]:
    weekly: dict[str, list[list[str]]] = {}
    for value in values:
        days, sep, spans = value.partition("=")
        if not sep:
            raise click.BadParameter(_("write DAYS=HH:MM-HH:MM[,HH:MM-HH:MM], e.g. mon-fri=08:00-17:00"))
        intervals = []
        for span in filter(None, (s.strip() for s in spans.split(","))):
            start, dash, end = span.partition("-")
            if not dash:
                raise click.BadParameter(_("write DAYS=HH:MM-HH:MM[,HH:MM-HH:MM], e.g. mon-fri=08:00-17:00"))
            intervals.append([start.strip(), end.strip()])
        for day in _days(days):
            weekly[day] = intervals
    return weekly


@sla_calendar.command("set")
@click.argument("name")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), help="A calendar as JSON (the form `sla calendar list --json` prints).")
@click.option("--timezone", metavar="TZ", help="IANA time zone, e.g. America/Bogota.")
@click.option("--country", metavar="CC", help='National holidays of this country (CO, ES, …); "" for none.')
@click.option("--subdivision", metavar="S", help='Regional holidays too (e.g. MD); "" for none.')
@click.option("--hours", multiple=True, metavar="DAYS=HH:MM-HH:MM,…", help="Opening hours, e.g. mon-fri=08:00-12:00,13:00-17:00 (repeatable; replaces the week).")
@click.option("--holiday", "holidays", multiple=True, metavar="DATE", help="A custom holiday (repeatable; replaces the list).")
@click.option("--working-day", "working_days", multiple=True, metavar="DATE", help="A custom working day (repeatable; replaces the list).")
@click.pass_context
def sla_calendar_set(
    ctx: click.Context,
    name: str,
    path: str | None,
    timezone: str | None,
    country: str | None,
    subdivision: str | None,
    hours: tuple[str, ...],
    holidays: tuple[str, ...],
    working_days: tuple[str, ...],
) -> None:
    """Create or change a calendar. Starts from the calendar of that name (or the built-in
    default, Mon–Fri 08–17, Sat 09–12, America/Bogota, CO), then applies the file and options."""
    document = _read_json(path)
    weekly = _hours(hours) if hours else None

    async def work(store: Store, actor: Actor | None) -> Any:
        existing = {c.name: c for c in await store.levels.calendars()}
        base = existing.get(name) or existing["default"]
        definition = {**base.to_dict(), **document}
        if timezone is not None:
            definition["timezone"] = timezone
        if country is not None:
            definition["country"] = country or None
        if subdivision is not None:
            definition["subdivision"] = subdivision or None
        if weekly is not None:
            definition["weekly"] = weekly
        if holidays:
            definition["custom_holidays"] = list(holidays)
        if working_days:
            definition["custom_working_days"] = list(working_days)
        return await store.levels.set_calendar(actor, name, definition)

    calendar = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("calendar {name} saved", name=_line(calendar.name)))


def _weekly_text(definition: dict[str, Any]) -> str:
    return "; ".join(
        f"{day} " + ",".join(f"{a}-{b}" for a, b in spans) for day, spans in definition["weekly"].items()
    )


@sla_calendar.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def sla_calendar_list(ctx: click.Context, as_json: bool) -> None:
    """List the calendars."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.levels.calendars()

    calendars = [c.to_dict() for c in _run(ctx, work, needs=NEEDS_NOBODY)]
    if as_json:
        _json(calendars)
        return
    rows = [[_("NAME"), _("TIME ZONE"), _("HOLIDAYS"), _("HOURS")]]
    for c in calendars:
        where = (c["country"] or "-") + (f"/{c['subdivision']}" if c["subdivision"] else "")
        extra = len(c["custom_holidays"])
        holidays = where + (f" +{extra}" if extra else "")
        rows.append([_line(c["name"]), c["timezone"], holidays, _weekly_text(c)])
    for line in _table(rows):
        click.echo(line)


@sla.group("policy")
def sla_policy() -> None:
    """SLA policies: targets per priority in business minutes."""


@sla_policy.command("set")
@click.argument("name")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), help="A policy as JSON (the form `sla policy list --json` prints).")
@click.option("--target", "targets", multiple=True, metavar="PRIORITY=RESPONSE/RESOLUTION", help="Targets in business minutes, e.g. urgent=30/240 (repeatable).")
@click.option("--warning", type=click.FloatRange(0, 1, min_open=True), metavar="RATIO", help="Warn when this share of a target is used (e.g. 0.75).")
@click.pass_context
def sla_policy_set(
    ctx: click.Context, name: str, path: str | None, targets: tuple[str, ...], warning: float | None
) -> None:
    """Create or change a policy. Starts from the policy of that name (or the built-in default),
    then applies the file and options. Accounts name theirs with `account set --policy`."""
    document = _read_json(path)
    parsed: dict[str, dict[str, int]] = {}
    for value in targets:
        priority, sep, minutes = value.partition("=")
        response, slash, resolution = minutes.partition("/")
        if not (sep and slash and response.strip().isdigit() and resolution.strip().isdigit()):
            raise click.BadParameter(_("write PRIORITY=RESPONSE/RESOLUTION in minutes, e.g. urgent=30/240"))
        parsed[priority.strip()] = {"response": int(response), "resolution": int(resolution)}

    async def work(store: Store, actor: Actor | None) -> Any:
        existing = {p.name: p for p in await store.levels.policies()}
        base = existing.get(name) or existing["default"]
        definition = {**base.to_dict(), **document}
        definition["targets"] = {**definition["targets"], **parsed}
        if warning is not None:
            definition["warning_ratio"] = warning
        return await store.levels.set_policy(actor, name, definition)

    policy = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("SLA policy {name} saved", name=_line(policy.name)))


@sla_policy.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def sla_policy_list(ctx: click.Context, as_json: bool) -> None:
    """List the SLA policies."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.levels.policies()

    policies = [p.to_dict() for p in _run(ctx, work, needs=NEEDS_NOBODY)]
    if as_json:
        _json(policies)
        return
    rows = [[_("NAME"), _("PRIORITY"), _("RESPONSE"), _("RESOLUTION"), _("WARNING")]]
    for p in policies:
        for priority, target in p["targets"].items():
            rows.append(
                [_line(p["name"]), priority, _("{minutes} min", minutes=target["response"]),
                 _("{minutes} min", minutes=target["resolution"]), f"{p['warning_ratio']:.0%}"]
            )  # fmt: skip
    for line in _table(rows):
        click.echo(line)


@sla.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def sla_show(ctx: click.Context, as_json: bool) -> None:
    """What each account and area uses: calendar, SLA policy, auto-close days, lifecycle."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.levels.accounts(), await store.levels.areas()

    accounts, areas = _run(ctx, work, needs=NEEDS_NOBODY)
    if as_json:
        _json({"accounts": [a.to_json() for a in accounts], "areas": [a.to_json() for a in areas]})
        return
    rows = [[_("ACCOUNT"), _("CALENDAR"), _("POLICY"), _("AUTO-CLOSE"), _("LIFECYCLE")]]
    for a in accounts:
        days = 3 if a.auto_close_days is None else a.auto_close_days
        rows.append(
            [_line(a.name), _line(a.calendar or "default"), _line(a.sla_policy or "default"),
             _("never") if days == 0 else _("{days} business days", days=days),
             _line(a.lifecycle or "standard")]
        )  # fmt: skip
    for line in _table(rows):
        click.echo(line)
    click.echo("")
    rows = [[_("AREA"), _("CALENDAR"), _("LIFECYCLE")]]
    for a in areas:
        rows.append([_line(a.name), _line(a.calendar or "-"), _line(a.lifecycle or "-")])
    for line in _table(rows):
        click.echo(line)


@account.command("set")
@click.argument("name")
@click.option("--calendar", metavar="C", help='Calendar of its tickets (an area\'s calendar wins); "" for the default.')
@click.option("--policy", "sla_policy", metavar="P", help='SLA policy of its tickets; "" for the default.')
@click.option("--auto-close-days", type=click.IntRange(min=0), metavar="N", help="Close resolved tickets after N business days without an answer (0: never; default 3).")
@click.option("--lifecycle", metavar="L", help='Lifecycle of its new tickets; "" for the standard one.')
@click.pass_context
def account_set(
    ctx: click.Context,
    name: str,
    calendar: str | None,
    sla_policy: str | None,
    auto_close_days: int | None,
    lifecycle: str | None,
) -> None:
    """Change an account's calendar, SLA policy, auto-close days or lifecycle."""
    from helpdesk_tui.store.service_levels import UNSET

    options = {
        "calendar": calendar, "sla_policy": sla_policy, "auto_close_days": auto_close_days,
        "lifecycle": lifecycle,
    }  # fmt: skip
    changes = {key: value for key, value in options.items() if value is not None}
    if not changes:
        _fail(_("nothing to change; see helpdesk account set --help"), EXIT_USAGE)

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.levels.set_account(actor, name, **{**dict.fromkeys(options, UNSET), **changes})

    changed = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("account {name} changed", name=_line(changed.name)))


@area.command("set")
@click.argument("name")
@click.option("--calendar", metavar="C", help='Calendar of its tickets; "" for the account\'s or the default.')
@click.option("--lifecycle", metavar="L", help='Lifecycle of its new tickets; "" for the account\'s or the standard one.')
@click.pass_context
def area_set(ctx: click.Context, name: str, calendar: str | None, lifecycle: str | None) -> None:
    """Change an area's calendar or lifecycle."""
    from helpdesk_tui.store.service_levels import UNSET

    options = {"calendar": calendar, "lifecycle": lifecycle}
    changes = {key: value for key, value in options.items() if value is not None}
    if not changes:
        _fail(_("nothing to change; see helpdesk area set --help"), EXIT_USAGE)

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.levels.set_area(actor, name, **{**dict.fromkeys(options, UNSET), **changes})

    changed = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("area {name} changed", name=_line(changed.name)))


# -------------------------------------------------------------------- automation


COUNTER_LABELS = {
    "breaches": N_("SLA breaches notified"),
    "auto_closed": N_("tickets acted on after silence"),
    "sent": N_("e-mails sent"),
    "failed": N_("e-mails failed (will retry)"),
    "dead": N_("e-mails given up"),
}


def _counters(report: dict[str, int]) -> str:
    return ", ".join(f"{_(COUNTER_LABELS.get(k, k))}: {v}" for k, v in report.items()) or "-"


@main.group()
def automation() -> None:
    """The automatic rules: SLA breach checks, auto-close after silence."""


@automation.command("run")
@click.option("--json", "as_json", is_flag=True, help="Print the counters as JSON.")
@click.pass_context
def automation_run(ctx: click.Context, as_json: bool) -> None:
    """One pass: SLA breach checks, actions after silence, then the outbox delivery."""
    from helpdesk_tui.worker import run_pass

    inv = ctx.find_object(Invocation)
    assert inv is not None

    async def work(store: Store, actor: Actor | None) -> dict[str, int]:
        return await run_pass(store, inv.settings)

    report = _run(ctx, work, needs=NEEDS_NOBODY)
    if as_json:
        _json(report)
    else:
        click.echo(_counters(report))


@main.command()
@click.option("--interval", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="S", help="Seconds between passes.")
@click.option("--passes", type=click.IntRange(min=1), metavar="N", help="Stop after N passes (default: until SIGTERM or Ctrl+C).")
@click.pass_context
def worker(ctx: click.Context, interval: float, passes: int | None) -> None:
    """Run the automation and the outbox delivery continuously; SIGTERM or Ctrl+C stops it
    cleanly after the pass in progress."""
    import asyncio
    import signal
    import sys

    from helpdesk_tui.worker import run_forever

    inv = ctx.find_object(Invocation)
    assert inv is not None

    def report(number: int, counters: dict[str, int]) -> None:
        if any(counters.values()):
            click.echo(_("pass {number}: {counters}", number=number, counters=_counters(counters)))

    async def work(store: Store, actor: Actor | None) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        click.echo(_("worker started: a pass every {seconds} s", seconds=f"{interval:g}"))
        sys.stdout.flush()
        try:
            return await run_forever(
                store, inv.settings, interval=interval, stop_event=stop, passes=passes,
                on_pass=report,
            )  # fmt: skip
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)

    done = _run(ctx, work, needs=NEEDS_NOBODY)
    click.echo(_("worker stopped after {count} passes", count=done))
