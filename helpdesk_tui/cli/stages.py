"""Commands of the five-stage lifecycle (seed 003), registered on `helpdesk ticket`:

    helpdesk ticket check REF ITEM [--undo] [--note N]
    helpdesk ticket plan propose REF --objective O --activity "2026-12-01 text" ...
    helpdesk ticket plan approve REF [--text T]
    helpdesk ticket plan reject REF --text T

The lifecycle's own actions (start, solve, resolve, accept, reject, ...) need nothing new:
`helpdesk ticket do REF ACTION` takes whatever the ticket's lifecycle offers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli import _json, _line, _require_actor, _run, ticket
from helpdesk_tui.i18n import _

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.permissions import Actor

ITEM_LABELS = {
    "identification": "Identification",
    "validation": "Validation",
    "structure": "Structure",
    "alarm_type": "Alarm type",
}


PLAN_STATES = {
    "proposed": "waiting for the customer",
    "approved": "approved by the customer",
    "rejected": "rejected by the customer",
    "superseded": "replaced",
}


def print_stages(view: Any) -> None:
    """The checklist and the current plan, for `ticket show` of a five-stage ticket."""
    click.echo("")
    click.echo(_("Checklist {done}/{total}", done=view.checklist_done, total=view.checklist_total) + ":")
    for entry in view.checklist:
        mark = "[x]" if entry.done else "[ ]"
        note = f"  {_line(entry.note)}" if entry.note else ""
        click.echo(f"  {mark} {_(ITEM_LABELS.get(entry.item, entry.item))}{note}")
    click.echo("")
    plan = view.plan
    if plan is None:
        click.echo(_("Work plan") + ": " + _("none yet"))
        return
    click.echo(_("Work plan") + ": " + _(PLAN_STATES.get(plan.status, plan.status)))
    click.echo("  " + _("Objective") + ": " + _line(plan.objective))
    for activity in plan.activities:
        click.echo(f"  {activity.date.isoformat()}  {_line(activity.text)}")
    if plan.comment:
        click.echo("  " + _("Comment") + ": " + _line(plan.comment))


def _number(ref: str) -> str:
    from helpdesk_tui.store.views import parse_ticket_ref, ticket_number

    return ticket_number(parse_ticket_ref(ref) or 0)


@ticket.command("check")
@click.argument("ref", metavar="ID")
@click.argument("item", type=click.Choice(tuple(ITEM_LABELS)))
@click.option("--undo", is_flag=True, help="Mark the item as not done.")
@click.option("--note", default="", metavar="N", help="A note on the item (staff only).")
@click.option("--json", "as_json", is_flag=True, help="Print the ticket's checklist and plan as JSON.")
@click.pass_context
def ticket_check(ctx: click.Context, ref: str, item: str, undo: bool, note: str, as_json: bool) -> None:
    """Tick (or with --undo untick) an ITEM of the analysis checklist of a five-stage ticket."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.stages.check(_require_actor(actor), ref, item, done=not undo, note=note)

    view = _run(ctx, work)
    if as_json:
        _json(view.to_json())
        return
    state = _("{item}: not done") if undo else _("{item}: done")
    click.echo(
        f"{_number(ref)}: {state.format(item=_(ITEM_LABELS[item]))} "
        + _("({done} of {total} done)", done=view.checklist_done, total=view.checklist_total)
    )


@ticket.group("plan")
def plan() -> None:
    """Work plans of five-stage tickets: proposed by staff, decided by the customer."""


def _print_plan(view: Any, as_json: bool, message: str) -> None:
    if as_json:
        _json(view.to_json())
        return
    click.echo(message)
    click.echo("  " + _("Objective") + ": " + _line(view.objective))
    for activity in view.activities:
        click.echo(f"  {activity.date.isoformat()}  {_line(activity.text)}")


@plan.command("propose")
@click.argument("ref", metavar="ID")
@click.option("--objective", required=True, metavar="O", help="What the plan achieves.")
@click.option("--activity", "activities", multiple=True, metavar='"YYYY-MM-DD TEXT"', help="A dated activity (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.pass_context
def plan_propose(ctx: click.Context, ref: str, objective: str, activities: tuple[str, ...], as_json: bool) -> None:
    """Propose a work plan; the requester or the contact approves or rejects it."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.stages.propose_plan(_require_actor(actor), ref, objective, list(activities))

    view = _run(ctx, work)
    _print_plan(view, as_json, _("work plan proposed for {number}", number=_number(ref)))


@plan.command("approve")
@click.argument("ref", metavar="ID")
@click.option("--text", default="", metavar="T", help="An optional comment.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.pass_context
def plan_approve(ctx: click.Context, ref: str, text: str, as_json: bool) -> None:
    """Approve the work plan waiting for your decision."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.stages.approve_plan(_require_actor(actor), ref, text)

    view = _run(ctx, work)
    _print_plan(view, as_json, _("work plan of {number} approved", number=_number(ref)))


@plan.command("reject")
@click.argument("ref", metavar="ID")
@click.option("--text", default="", metavar="T", help="Why the plan is rejected (required).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.pass_context
def plan_reject(ctx: click.Context, ref: str, text: str, as_json: bool) -> None:
    """Reject the work plan waiting for your decision, saying why."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.stages.reject_plan(_require_actor(actor), ref, text)

    view = _run(ctx, work)
    _print_plan(view, as_json, _("work plan of {number} rejected", number=_number(ref)))
