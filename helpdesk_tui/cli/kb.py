"""Commands of the kb part (registered on `helpdesk`): the knowledge base, and `ticket solution`.

    helpdesk kb add --title T [--tags a,b] [--tag X]... [--area A] [--internal] [--body-file F | < F]
    helpdesk kb edit ID [--title T] [--tags a,b] [--area A] [--internal|--public] [--body-file F]
    helpdesk kb retire ID / kb restore ID
    helpdesk kb show ID [--json] / kb history ID [--json]
    helpdesk kb search TEXT [--limit N] [--json] / kb list [--json] / kb stats [--json]
    helpdesk ticket solution REF ARTICLE_ID [--json]
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli import (
    EXIT_USAGE,
    NEEDS_ADMIN,
    _block,
    _fail,
    _json,
    _line,
    _require_actor,
    _run,
    _table,
    _when,
    main,
    ticket,
)
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.text import strip_controls

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.kb import ArticleView, SearchHit
    from helpdesk_tui.store.permissions import Actor


@main.group()
def kb() -> None:
    """The knowledge base: articles, search, history, figures."""


def _read_body(body_file: str | None, *, required: bool) -> str | None:
    """The body from a file, or from standard input when it is not a terminal ('-' too)."""
    if body_file and body_file != "-":
        try:
            with open(body_file, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError) as err:
            _fail(_("cannot read {path}: {error}", path=body_file, error=getattr(err, "strerror", None) or str(err)), EXIT_USAGE)
    if body_file == "-" or not sys.stdin.isatty():
        text = sys.stdin.read()
        if text or body_file == "-":
            return text
    if required:
        _fail(_("give the body with --body-file FILE or on standard input"), EXIT_USAGE)
    return None


def _tags(tags: str | None, tag: tuple[str, ...]) -> list[str] | None:
    if tags is None and not tag:
        return None
    return [*(tags.split(",") if tags else []), *tag]


def _visibility(article: ArticleView) -> str:
    kind = _("internal article") if article.visibility == "internal" else _("public article")
    return _("{visibility}, retired", visibility=kind) if article.retired else kind


def _print_article(article: ArticleView) -> None:
    click.echo(f"#{article.id}  {_line(article.title)}")
    facts = [
        (_("Area"), _line(article.area)),
        (_("Tags"), _line(", ".join(article.tags)) if article.tags else "-"),
        (_("Visibility"), _visibility(article)),
        (_("Author"), _line(article.author)),
        (_("Updated"), f"{_when(article.updated_at)}  ({_('version')} {article.version})"),
    ]
    for line in _table([[f"{label}:", value] for label, value in facts]):
        click.echo(line)
    click.echo("")
    for line in _block(article.body, indent=""):
        click.echo(line)


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Cleaned text with the matched words in bold (click leaves the bold out when the output is
    not a terminal; NO_COLOR leaves it out too)."""
    if not spans or os.environ.get("NO_COLOR"):
        return _line(text)
    out, last = [], 0
    for start, end in spans:
        out.append(_clean(text[last:start]))
        out.append(click.style(_clean(text[start:end]), bold=True))
        last = end
    out.append(_clean(text[last:]))
    return "".join(out).strip()


def _clean(piece: str) -> str:
    return strip_controls(piece, single_line=True)


def _print_hits(hits: tuple[SearchHit, ...]) -> None:
    if not hits:
        click.echo(_("no articles"))
        return
    for hit in hits:
        area = f"  [{_line(hit.area)}]" if hit.area else ""
        internal = f"  ({_('internal article')})" if hit.visibility == "internal" else ""
        click.echo(f"#{hit.id}  {_marked(hit.title, hit.title_spans)}{area}{internal}")
        if hit.snippet:
            click.echo("    " + _marked(hit.snippet, hit.snippet_spans))


@kb.command("add")
@click.option("--title", required=True, metavar="T")
@click.option("--tags", metavar="A,B", help="Comma-separated tags.")
@click.option("--tag", "tag", multiple=True, metavar="X", help="A tag (repeatable).")
@click.option("--area", metavar="A")
@click.option("--internal", is_flag=True, help="For staff only.")
@click.option("--body-file", metavar="F", help="The Markdown body; - or none for standard input.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.pass_context
def kb_add(
    ctx: click.Context, title: str, tags: str | None, tag: tuple[str, ...], area: str | None,
    internal: bool, body_file: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Write a new article."""
    body = _read_body(body_file, required=True) or ""

    async def work(store: Store, actor: Actor | None) -> ArticleView:
        return await store.kb.create(
            actor, title=title, body=body, tags=_tags(tags, tag) or [], area=area,
            visibility="internal" if internal else "public",
        )  # fmt: skip

    article = _run(ctx, work, needs=NEEDS_ADMIN)
    if as_json:
        _json(article.to_json())
    else:
        click.echo(_("article #{id} written", id=article.id))


@kb.command("edit")
@click.argument("article_id", metavar="ID", type=int)
@click.option("--title", metavar="T")
@click.option("--tags", metavar="A,B", help="Replace the tags (comma-separated; empty clears them).")
@click.option("--tag", "tag", multiple=True, metavar="X", help="A tag (repeatable); replaces the tags.")
@click.option("--area", metavar="A", help="The area; an empty value clears it.")
@click.option("--internal/--public", "internal", default=None, help="Change who may read it.")
@click.option("--body-file", metavar="F", help="Replace the body (- for standard input).")
@click.option("--if-version", type=int, metavar="N", help="Refuse (exit 4) if the article changed since version N.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.pass_context
def kb_edit(
    ctx: click.Context, article_id: int, title: str | None, tags: str | None, tag: tuple[str, ...],
    area: str | None, internal: bool | None, body_file: str | None, if_version: int | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Change an article (every change is kept as a revision)."""
    body = _read_body(body_file, required=False) if body_file else None
    changes: dict[str, Any] = {"title": title, "body": body, "tags": _tags(tags, tag)}
    if area is not None:
        changes["area"] = area or None
    if internal is not None:
        changes["visibility"] = "internal" if internal else "public"

    async def work(store: Store, actor: Actor | None) -> ArticleView:
        return await store.kb.edit(actor, article_id, version=if_version, **changes)

    article = _run(ctx, work, needs=NEEDS_ADMIN)
    if as_json:
        _json(article.to_json())
    else:
        click.echo(_("article #{id} is now at version {version}", id=article.id, version=article.version))


def _retire_command(retire: bool) -> Any:
    @click.argument("article_id", metavar="ID", type=int)
    @click.pass_context
    def command(ctx: click.Context, article_id: int) -> None:
        async def work(store: Store, actor: Actor | None) -> ArticleView:
            if retire:
                return await store.kb.retire(actor, article_id)
            return await store.kb.restore(actor, article_id)

        article = _run(ctx, work, needs=NEEDS_ADMIN)
        if retire:
            click.echo(_("article #{id} retired", id=article.id))
        else:
            click.echo(_("article #{id} restored", id=article.id))

    return command


kb.command("retire", help="Take an article out of search and suggestions.")(_retire_command(True))
kb.command("restore", help="Put a retired article back.")(_retire_command(False))


@kb.command("show")
@click.argument("article_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.pass_context
def kb_show(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """Show an article."""

    async def work(store: Store, actor: Actor | None) -> ArticleView:
        return await store.kb.show(_require_actor(actor), article_id)

    article = _run(ctx, work)
    if as_json:
        _json(article.to_json())
    else:
        _print_article(article)


@kb.command("search")
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200), metavar="N")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of results.")
@click.pass_context
def kb_search(ctx: click.Context, text: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Find articles, best first."""
    query = " ".join(text)

    async def work(store: Store, actor: Actor | None) -> tuple[SearchHit, ...]:
        return await store.kb.search(_require_actor(actor), query, limit=limit, typing=False)

    hits = _run(ctx, work)
    if as_json:
        _json([hit.to_json() for hit in hits])
    else:
        _print_hits(hits)


@kb.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500), metavar="N")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def kb_list(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The newest articles you may read."""

    async def work(store: Store, actor: Actor | None) -> tuple[SearchHit, ...]:
        return await store.kb.recent(_require_actor(actor), limit=limit)

    hits = _run(ctx, work)
    if as_json:
        _json([hit.to_json() for hit in hits])
        return
    if not hits:
        click.echo(_("no articles"))
        return
    rows = [[f"#{h.id}", _when(h.updated_at), _line(h.area), _line(h.title)] for h in hits]
    for line in _table(rows):
        click.echo(line)


@kb.command("history")
@click.argument("article_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print every revision as JSON.")
@click.pass_context
def kb_history(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """Every revision of an article (staff)."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.kb.history(_require_actor(actor), article_id)

    revisions = _run(ctx, work)
    if as_json:
        _json([r.to_json() for r in revisions])
        return
    rows = [
        [f"v{r.version}", _when(r.at), _line(r.editor), _(REVISION_ACTIONS.get(r.action, r.action)), _line(r.title)]
        for r in revisions
    ]
    for line in _table(rows):
        click.echo(line)


REVISION_ACTIONS = {
    "created": N_("written"), "edited": N_("edited"), "retired": N_("taken out of use"),
    "restored": N_("put back in use"),
}


@kb.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def kb_stats(ctx: click.Context, as_json: bool) -> None:
    """Articles, deflected cases and the articles behind them (staff)."""

    async def work(store: Store, actor: Actor | None) -> Any:
        return await store.kb.stats(_require_actor(actor))

    stats = _run(ctx, work)
    if as_json:
        _json(stats.to_json())
        return
    click.echo(_("Articles: {public} public, {internal} internal, {retired} retired",
                 public=stats.public, internal=stats.internal, retired=stats.retired))  # fmt: skip
    click.echo(_("Deflected cases: {n}", n=stats.deflected_cases))
    for title, counts in ((_("Read before not opening a case"), stats.deflections_by_article),
                          (_("Linked as a solution"), stats.solutions_by_article)):  # fmt: skip
        if counts:
            click.echo("")
            click.echo(title + ":")
            for line in _table([[f"#{c.id}", str(c.count), _line(c.title)] for c in counts]):
                click.echo("  " + line)


@ticket.command("solution")
@click.argument("ref", metavar="REF")
@click.argument("article_id", metavar="ARTICLE_ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the ticket after the change as JSON.")
@click.pass_context
def ticket_solution(ctx: click.Context, ref: str, article_id: int, as_json: bool) -> None:
    """Link a knowledge-base article to a ticket as its solution."""

    async def work(store: Store, actor: Actor | None) -> Any:
        who = _require_actor(actor)
        await store.kb.link_solution(who, ref, article_id)
        return await store.tickets.show(who, ref)

    detail = _run(ctx, work)
    if as_json:
        _json(detail.to_json())
    else:
        click.echo(_("article #{id} linked to {number} as its solution", id=article_id, number=detail.ticket.number))
