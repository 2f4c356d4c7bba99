"""Commands of the survey part (registered on `helpdesk`): templates, throttling, answering
a survey, and the results with a CSV export."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli import (
    EXIT_USAGE,
    NEEDS_ADMIN,
    _fail,
    _json,
    _line,
    _require_actor,
    _run,
    _table,
    _when,
    main,
)
from helpdesk_tui.i18n import _, current_language

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.permissions import Actor
    from helpdesk_tui.store.surveys import GroupResult, InvitationView, ResponseRow, TemplateView

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@main.group()
def survey() -> None:
    """Satisfaction surveys: templates, answering, results."""


# ------------------------------------------------------------------------------ templates


@survey.group("template")
def survey_template() -> None:
    """Survey templates (administrators and supervisors)."""


def _read_template_file(path: str) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        _fail(_("cannot read {path}: {reason}", path=path, reason=err.strerror or str(err)), EXIT_USAGE)
    try:
        if path.lower().endswith(".json"):
            document = json.loads(raw.decode("utf-8"))
        else:
            import tomllib

            document = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        _fail(_("cannot read {path}: {reason}", path=path, reason=str(err).splitlines()[0]), EXIT_USAGE)
    if not isinstance(document, dict):
        _fail(_("{path} must hold a JSON object", path=path), EXIT_USAGE)
    return document


@survey_template.command("add")
@click.argument("file", metavar="FILE")
@click.option("--name", metavar="NAME", help="The template's name (else the file's `name`).")
@click.option("--json", "as_json", is_flag=True, help="Print the template as JSON.")
@click.pass_context
def template_add(ctx: click.Context, file: str, name: str | None, as_json: bool) -> None:
    """Add a template from a TOML or JSON FILE: name, questions (key, kind scale|choice|text,
    text, required, options), and optionally title, type, area, category, default, low_score,
    expiry_days, on_close."""
    document = _read_template_file(file)

    async def work(store: Store, actor: Actor | None) -> TemplateView:
        from helpdesk_tui.store.surveys import TemplateSpec

        return await store.surveys.add_template(actor, TemplateSpec.from_mapping(document, name=name))

    view = _run(ctx, work, needs=NEEDS_ADMIN)
    if as_json:
        _json(view.to_json())
        return
    click.echo(_("survey template {name} added", name=_line(view.name)))


@survey_template.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def template_list(ctx: click.Context, as_json: bool) -> None:
    """List the survey templates and what each is attached to."""

    async def work(store: Store, actor: Actor | None) -> list[TemplateView]:
        return await store.surveys.templates(actor)

    views = _run(ctx, work, needs=NEEDS_ADMIN)
    if as_json:
        _json([v.to_json() for v in views])
        return
    rows = [[_("NAME"), _("ATTACHED TO"), _("QUESTIONS"), _("EXPIRY"), _("SENT ON")]]
    for view in views:
        rows.append([
            _line(view.name) + ("" if view.active else f" ({_('retired')})"),
            _attached(view), str(len(view.form.questions)), _("{n} days", n=view.form.expiry_days),
            _("accept or close") if view.form.on_close else _("accept"),
        ])  # fmt: skip
    for line in _table(rows):
        click.echo(line)


def _attached(view: TemplateView) -> str:
    if view.is_default:
        return _("default") + ("" if view.id is not None else f" ({_('built in')})")
    bits = []
    if view.ticket_type:
        bits.append(_("type") + " " + view.ticket_type)
    if view.area:
        bits.append(_("area") + " " + _line(view.area) + (f" / {_line(view.category)}" if view.category else ""))
    return ", ".join(bits) or "-"


@survey_template.command("show")
@click.argument("name", default="default")
@click.option("--json", "as_json", is_flag=True, help="Print the template as JSON.")
@click.pass_context
def template_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a template's questions (NAME "default": the one used when nothing else matches)."""

    async def work(store: Store, actor: Actor | None) -> TemplateView:
        return await store.surveys.template(actor, name)

    view = _run(ctx, work, needs=NEEDS_ADMIN)
    if as_json:
        _json(view.to_json())
        return
    lang = current_language()
    click.echo(f"{_line(view.name)}  {_line(view.form.title and _localized(view.form.title, lang))}")
    click.echo(_("Attached to") + ": " + _attached(view))
    click.echo(_("Expiry") + ": " + _("{n} days", n=view.form.expiry_days))
    click.echo(_("Sent on") + ": " + (_("accept or close") if view.form.on_close else _("accept")))
    if view.form.low_score is not None:
        click.echo(_("A score of {score} or less asks for a comment", score=view.form.low_score))
    _print_questions(view.form.questions, lang)


def _localized(texts: Any, lang: str) -> str:
    from helpdesk_tui.store.surveys import localized

    return localized(texts, lang)


def _print_questions(questions: Any, lang: str) -> None:
    for question in questions:
        required = " *" if question.required else ""
        kind = {"scale": _("scale 1-5"), "choice": _("single choice"), "text": _("free text")}[question.kind]
        click.echo(f"  {question.key}  [{kind}]{required}  {_line(question.label(lang))}")
        for option in question.options:
            click.echo(f"      {option.key}: {_line(option.label(lang))}")


@survey_template.command("retire")
@click.argument("name")
@click.pass_context
def template_retire(ctx: click.Context, name: str) -> None:
    """Stop sending a template (surveys already sent keep their questions)."""

    async def work(store: Store, actor: Actor | None) -> TemplateView:
        return await store.surveys.retire_template(actor, name)

    view = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("survey template {name} retired", name=_line(view.name)))


@survey.command("throttle")
@click.argument("days", required=False, type=int)
@click.pass_context
def survey_throttle(ctx: click.Context, days: int | None) -> None:
    """Show or set the throttling window: nobody gets a second survey within DAYS days
    (default 30; 0 sends one for every accepted ticket)."""

    async def work(store: Store, actor: Actor | None) -> int:
        if days is not None:
            await store.surveys.set_throttle_days(actor, days)
        return await store.surveys.throttle_days()

    value = _run(ctx, work, needs=NEEDS_ADMIN)
    click.echo(_("at most one survey per person every {n} days", n=value) if value else _("surveys are not throttled"))


# ------------------------------------------------------------------------------ answering


@survey.command("pending")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def survey_pending(ctx: click.Context, as_json: bool) -> None:
    """The surveys waiting for your answer."""

    async def work(store: Store, actor: Actor | None) -> list[InvitationView]:
        return await store.surveys.pending(_require_actor(actor))

    views = _run(ctx, work)
    if as_json:
        _json([v.to_json() for v in views])
        return
    if not views:
        click.echo(_("no surveys waiting for you"))
        return
    rows = [[_("NUMBER"), _("EXPIRES"), _("SUBJECT")]]
    rows += [[v.number, _when(v.expires_at), _line(v.subject)] for v in views]
    for line in _table(rows):
        click.echo(line)


@survey.command("show")
@click.argument("ref", metavar="TICKET")
@click.option("--json", "as_json", is_flag=True, help="Print the survey as JSON.")
@click.pass_context
def survey_show(ctx: click.Context, ref: str, as_json: bool) -> None:
    """The questions of the survey of TICKET (yours, not yet answered)."""

    async def work(store: Store, actor: Actor | None) -> InvitationView:
        return await store.surveys.invitation(_require_actor(actor), ref)

    view = _run(ctx, work)
    if as_json:
        _json(view.to_json())
        return
    lang = current_language()
    click.echo(f"{view.number}  {_line(view.subject)}")
    click.echo(_("Answer before {date}", date=_when(view.expires_at)))
    _print_questions(view.form.questions, lang)


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, answer = value.partition("=")
        if not sep or not key.strip():
            _fail(_("{option} wants QUESTION=ANSWER, e.g. q1=5", option=option), EXIT_USAGE)
        out[key.strip().lower()] = answer
    return out


@survey.command("answer")
@click.argument("ref", metavar="TICKET")
@click.option("--score", multiple=True, metavar="Q=N", help="A 1-5 answer, e.g. q1=5 (repeatable).")
@click.option("--choice", multiple=True, metavar="Q=OPTION", help="A single-choice answer (repeatable).")
@click.option("--text", multiple=True, metavar="Q=TEXT", help="A free-text answer (repeatable).")
@click.option("--answers-file", metavar="FILE", type=click.Path(exists=True, dir_okay=False), help="A JSON object: question -> answer.")
@click.pass_context
def survey_answer(
    ctx: click.Context,
    ref: str,
    score: tuple[str, ...],
    choice: tuple[str, ...],
    text: tuple[str, ...],
    answers_file: str | None,
) -> None:
    """Answer the survey of TICKET (once; only its requester; before it expires)."""
    answers: dict[str, Any] = {}
    if answers_file:
        try:
            document = json.loads(Path(answers_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            _fail(_("cannot read {path}: {reason}", path=answers_file, reason=str(err)), EXIT_USAGE)
        if not isinstance(document, dict):
            _fail(_("{path} must hold a JSON object", path=answers_file), EXIT_USAGE)
        answers.update({str(k).lower(): v for k, v in document.items()})
    answers.update(_pairs(score, "--score"))
    answers.update(_pairs(choice, "--choice"))
    answers.update(_pairs(text, "--text"))

    async def work(store: Store, actor: Actor | None) -> InvitationView:
        return await store.surveys.answer(_require_actor(actor), ref, answers)

    view = _run(ctx, work)
    click.echo(_("thank you: the survey of {number} is answered", number=view.number))


# ------------------------------------------------------------------------------ results


def _day(value: datetime | None, *, end: bool = False) -> datetime | None:
    if value is None:
        return None
    moment = datetime.combine(date(value.year, value.month, value.day), time(), tzinfo=timezone.utc)
    return moment + timedelta(days=1) if end else moment


@survey.command("results")
@click.option("--area", metavar="AREA", help="Only this area.")
@click.option("--agent", metavar="USER", help="Only tickets of this agent.")
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Surveys sent from this day (UTC).")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Surveys sent up to this day, included (UTC).")
@click.option("--csv", "csv_path", metavar="FILE|-", help="Write one row per survey as CSV (- for standard output).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def survey_results(
    ctx: click.Context,
    area: str | None,
    agent: str | None,
    since: datetime | None,
    until: datetime | None,
    csv_path: str | None,
    as_json: bool,
) -> None:
    """Satisfaction per agent, area and month, response rates and comments (survey.results)."""
    from helpdesk_tui.store.surveys import ResultsFilter

    filters = ResultsFilter(area=area, agent=agent, since=_day(since), until=_day(until, end=True))
    if csv_path:

        async def export(store: Store, actor: Actor | None) -> list[ResponseRow]:
            return await store.surveys.responses(_require_actor(actor), filters)

        rows = _run(ctx, export)
        _write_csv(csv_path, rows)
        return

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.surveys.results(_require_actor(actor), filters)

    results = _run(ctx, work)
    if as_json:
        _json(results.to_json())
        return
    overall = results.overall
    click.echo(_("Surveys sent: {invited}; answered: {answered} ({rate}); satisfaction: {score}",
                 invited=overall.invited, answered=overall.answered, rate=_rate(overall),
                 score=_score(overall)))  # fmt: skip
    for title, groups in (
        (_("By agent"), results.by_agent),
        (_("By area"), results.by_area),
        (_("By month"), results.by_month),
    ):
        if not groups:
            continue
        click.echo("")
        click.echo(title + ":")
        rows = [[_("NAME"), _("SENT"), _("ANSWERED"), _("RATE"), _("SATISFACTION")]]
        rows += [[_line(g.key or _("nobody")), str(g.invited), str(g.answered), _rate(g), _score(g)] for g in groups]
        for line in _table(rows):
            click.echo("  " + line)
    if results.comments:
        click.echo("")
        click.echo(_("Comments") + ":")
        for comment in results.comments:
            score = f"{comment.score:.1f}" if comment.score is not None else "-"
            click.echo(f"  {comment.number}  {_when(comment.answered_at)}  {_line(comment.agent)}  {score}  {_line(comment.text)}")


def _rate(group: GroupResult) -> str:
    rate = group.response_rate
    return "-" if rate is None else f"{rate * 100:.0f}%"


def _score(group: GroupResult) -> str:
    return "-" if group.satisfaction is None else f"{group.satisfaction:.2f}"


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: no formula, no control characters."""
    from helpdesk_tui.text import strip_controls

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return f"{value:.2f}"
    text = strip_controls(str(value), single_line=True)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_COLUMNS = ("ticket", "requester", "agent", "area", "sent_at", "answered_at", "status", "satisfaction", "comments")


def _write_csv(target: str, rows: list[ResponseRow]) -> None:
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([csv_cell(v) for v in (
            r.number, r.requester, r.agent, r.area, r.sent_at, r.answered_at, r.status,
            r.satisfaction, r.comments,
        )])  # fmt: skip
    if target == "-":
        click.echo(buffer.getvalue(), nl=False)
        return
    try:
        Path(target).write_text(buffer.getvalue(), encoding="utf-8", newline="")
    except OSError as err:
        _fail(_("cannot write {path}: {reason}", path=target, reason=err.strerror or str(err)), 1)
    click.echo(_("{n} surveys written to {path}", n=len(rows), path=target))
