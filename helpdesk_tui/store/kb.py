"""KbStore: the knowledge base (SPEC section 8, K1–K3; issue 5).

Articles with a Markdown body, tags, an area and a visibility; every change kept as a revision;
relevance-ranked search on both backends (the words are prepared in Python by `kb_text`, so
SQLite's FTS5 and PostgreSQL's tsvector match the same things); suggestions while a case subject
is typed; deflected cases; an article linked to a ticket as its solution.

Rules (all here, in the SQL that loads rows):
- customers and users see public, non-retired articles only, whatever grants they carry;
- staff see internal articles too; retired ones only through `show`/`history` with `kb.edit`;
- only staff with `kb.edit` write articles; `actor=None` is the trusted local administrator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from helpdesk_tui.store import clock, kb_text
from helpdesk_tui.store.bitacora import log_event
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from helpdesk_tui.store.models import (
    Area,
    KbArticle,
    KbDeflection,
    KbRevision,
    KbSolution,
    Ticket,
    User,
)
from helpdesk_tui.store.permissions import ROLE_PERMISSIONS, Actor, visible_tickets
from helpdesk_tui.store.views import parse_ticket_ref
from helpdesk_tui.text import strip_controls

TITLE_MAX = 200
BODY_MAX = 100_000
TAG_MAX = 40
TAGS_MAX = 20
VISIBILITIES = ("public", "internal")
# Column weights: a title match outranks a tag match, which outranks a body match.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0, 0.0)  # title, tags, body, flags
PG_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D (body), C, B (tags), A (title)
PG_CANDIDATES = 1000

Author = aliased(User, name="kb_author")
Editor = aliased(User, name="kb_editor")
_UNSET: Any = object()
_KB_FTS = table("kb_fts", column("rowid"))


# ------------------------------------------------------------------------------ views


@dataclass(frozen=True)
class ArticleView:
    id: int
    title: str
    body: str
    tags: tuple[str, ...]
    area: str | None
    visibility: str
    retired: bool
    author: str
    author_name: str
    created_at: datetime
    updated_at: datetime
    version: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "body": self.body, "tags": list(self.tags),
            "area": self.area, "visibility": self.visibility, "retired": self.retired,
            "author": self.author, "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(), "version": self.version,
        }  # fmt: skip


@dataclass(frozen=True)
class SearchHit:
    """One search result: the article's facts, a piece of its body around the matched words,
    and where the matched words are in the title and in that piece (start, end)."""

    id: int
    title: str
    tags: tuple[str, ...]
    area: str | None
    visibility: str
    updated_at: datetime
    snippet: str
    snippet_spans: tuple[tuple[int, int], ...]
    title_spans: tuple[tuple[int, int], ...]
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "tags": list(self.tags), "area": self.area,
            "visibility": self.visibility, "updated_at": self.updated_at.isoformat(),
            "snippet": self.snippet, "snippet_spans": [list(s) for s in self.snippet_spans],
            "title_spans": [list(s) for s in self.title_spans], "score": round(self.score, 4),
        }  # fmt: skip


@dataclass(frozen=True)
class RevisionView:
    version: int
    action: str  # created, edited, retired, restored
    at: datetime
    editor: str
    title: str
    body: str
    tags: tuple[str, ...]
    area: str | None
    visibility: str
    retired: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "action": self.action, "at": self.at.isoformat(),
            "editor": self.editor, "title": self.title, "body": self.body,
            "tags": list(self.tags), "area": self.area, "visibility": self.visibility,
            "retired": self.retired,
        }  # fmt: skip


@dataclass(frozen=True)
class ArticleCount:
    id: int
    title: str
    count: int


@dataclass(frozen=True)
class KbStats:
    public: int
    internal: int
    retired: int
    deflected_cases: int
    deflections_by_article: tuple[ArticleCount, ...]
    solutions_by_article: tuple[ArticleCount, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": {"public": self.public, "internal": self.internal, "retired": self.retired},
            "deflected_cases": self.deflected_cases,
            "deflections_by_article": [c.__dict__ for c in self.deflections_by_article],
            "solutions_by_article": [c.__dict__ for c in self.solutions_by_article],
        }


# ------------------------------------------------------------------------------ rules


def may_edit(actor: Actor | None) -> bool:
    """Staff with `kb.edit` (or the trusted local administrator, None)."""
    return actor is None or (actor.is_staff and actor.can("kb.edit"))


def visible_articles(actor: Actor | None, *, with_retired: bool = False) -> ColumnElement[bool]:
    """The SQL predicate of the articles this actor may read. Deny by default."""
    if actor is None:
        return true() if with_retired else KbArticle.retired.is_(False)
    if actor.role not in ROLE_PERMISSIONS:
        return false()
    if not actor.is_staff:
        return and_(KbArticle.visibility == "public", KbArticle.retired.is_(False))
    if with_retired and may_edit(actor):
        return true()
    return KbArticle.retired.is_(False)


def _split_tags(tags: str) -> tuple[str, ...]:
    return tuple(t for t in tags.split(",") if t)


def clean_tags(tags: Sequence[str] | str) -> tuple[str, ...]:
    """Tags as stored: one line each, lower case, no commas, no repeats, in the given order."""
    raw = tags.split(",") if isinstance(tags, str) else [p for t in tags for p in t.split(",")]
    out: list[str] = []
    for tag in raw:
        cleaned = " ".join(strip_controls(tag, single_line=True).split()).lower()
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return tuple(out)


def _validate(title: str, body: str, tags: tuple[str, ...], visibility: str) -> None:
    errors: dict[str, tuple[str, dict[str, Any]] | str] = {}
    if not title:
        errors["title"] = "the title is required"
    elif len(title) > TITLE_MAX:
        errors["title"] = ("at most {n} characters", {"n": TITLE_MAX})
    if not body.strip():
        errors["body"] = "the body is required"
    elif len(body) > BODY_MAX:
        errors["body"] = ("at most {n} characters", {"n": BODY_MAX})
    if len(tags) > TAGS_MAX:
        errors["tags"] = ("at most {n} tags", {"n": TAGS_MAX})
    elif any(len(tag) > TAG_MAX for tag in tags):
        errors["tags"] = ("a tag has at most {n} characters", {"n": TAG_MAX})
    if visibility not in VISIBILITIES:
        errors["visibility"] = "public or internal"
    if errors:
        raise ValidationFailed(errors)


def search_columns(title: str, body: str, tags: str, visibility: str, retired: bool) -> dict[str, str]:
    """The search columns of an article (also for bulk loads, e.g. bench/bench_kb.py)."""
    return {
        "search_title": kb_text.index_text(title),
        "search_tags": kb_text.index_tags(_split_tags(tags)),
        "search_body": kb_text.index_text(body),
        "search_flags": _flags(visibility, retired),
    }


def _index(article: KbArticle) -> None:
    columns = search_columns(article.title, article.body, article.tags, article.visibility, article.retired)
    for name, value in columns.items():
        setattr(article, name, value)


def _flags(visibility: str, retired: bool) -> str:
    """Who may find an article, as words of the SQLite index (see `_flags_wanted`)."""
    return f"kb{visibility} {'kbretired' if retired else 'kblive'}"


def _flags_wanted(actor: Actor) -> str:
    """The index words an article needs for this actor to find it: the same rule as
    `visible_articles`, for the MATCH (deny by default: an unknown role matches no flag)."""
    if actor.role not in ROLE_PERMISSIONS:
        return "kbnobody"
    return "kblive" if actor.is_staff else "kbpublic AND kblive"


# ------------------------------------------------------------------------------ store


class KbStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ----------------------------------------------------------------- writing

    async def create(
        self,
        actor: Actor | None,
        *,
        title: str,
        body: str,
        tags: Sequence[str] | str = (),
        area: str | None = None,
        visibility: str = "public",
    ) -> ArticleView:
        if not may_edit(actor):
            raise NotPermitted("you may not write knowledge-base articles")
        title = strip_controls(title or "", single_line=True).strip()
        body = strip_controls(body or "").strip("\n")
        cleaned_tags = clean_tags(tags)
        _validate(title, body, cleaned_tags, visibility)
        async with self.db.write() as session:
            area_id = await _area_id(session, area)
            now = clock.now()
            article = KbArticle(
                title=title, body=body, tags=",".join(cleaned_tags), area_id=area_id,
                visibility=visibility, retired=False, author_id=actor.user_id if actor else None,
                created_at=now, updated_at=now, version=1,
            )  # fmt: skip
            _index(article)
            session.add(article)
            await session.flush()
            _revision(session, article, "created", actor, now)
            article_id = article.id
        return await self.show(actor, article_id)

    async def edit(
        self,
        actor: Actor | None,
        article_id: int,
        *,
        version: int | None = None,
        title: str | None = None,
        body: str | None = None,
        tags: Sequence[str] | str | None = None,
        area: str | None = _UNSET,
        visibility: str | None = None,
    ) -> ArticleView:
        """Change what is given; `version` refuses (Conflict) if someone changed it since."""
        if not may_edit(actor):
            raise NotPermitted("you may not write knowledge-base articles")
        async with self.db.write() as session:
            article = await self._for_change(session, actor, article_id, version)
            new_title = article.title if title is None else strip_controls(title, single_line=True).strip()
            new_body = article.body if body is None else strip_controls(body).strip("\n")
            new_tags = _split_tags(article.tags) if tags is None else clean_tags(tags)
            new_visibility = article.visibility if visibility is None else visibility
            _validate(new_title, new_body, new_tags, new_visibility)
            new_area = article.area_id if area is _UNSET else await _area_id(session, area)
            changed = (
                new_title != article.title or new_body != article.body
                or ",".join(new_tags) != article.tags or new_area != article.area_id
                or new_visibility != article.visibility
            )  # fmt: skip
            if not changed:
                raise ValidationFailed({"article": "nothing to change"})
            article.title, article.body, article.tags = new_title, new_body, ",".join(new_tags)
            article.area_id, article.visibility = new_area, new_visibility
            _index(article)
            await self._bump(session, article, "edited", actor)
        return await self.show(actor, article_id)

    async def retire(self, actor: Actor | None, article_id: int, *, version: int | None = None) -> ArticleView:
        """Take an article out of search and suggestions; it keeps its history."""
        return await self._set_retired(actor, article_id, True, version)

    async def restore(self, actor: Actor | None, article_id: int, *, version: int | None = None) -> ArticleView:
        return await self._set_retired(actor, article_id, False, version)

    async def _set_retired(
        self, actor: Actor | None, article_id: int, retired: bool, version: int | None
    ) -> ArticleView:
        if not may_edit(actor):
            raise NotPermitted("you may not write knowledge-base articles")
        async with self.db.write() as session:
            article = await self._for_change(session, actor, article_id, version)
            if article.retired == retired:
                raise ValidationFailed(
                    {"article": "the article is already retired" if retired else "the article is not retired"}
                )
            article.retired = retired
            article.search_flags = _flags(article.visibility, retired)
            await self._bump(session, article, "retired" if retired else "restored", actor)
        return await self.show(actor, article_id)

    async def _for_change(
        self, session: AsyncSession, actor: Actor | None, article_id: int, version: int | None
    ) -> KbArticle:
        stmt = select(KbArticle).where(KbArticle.id == article_id, visible_articles(actor, with_retired=True))
        if self.db.dialect == "postgresql":
            stmt = stmt.with_for_update()
        article = await session.scalar(stmt)
        if article is None:
            raise NotFound("article {article} not found", article=article_id)
        if version is not None and article.version != version:
            raise Conflict(
                "article {article} was changed by someone else (now version {version}); reload it",
                article=article_id, version=article.version,
            )  # fmt: skip
        return article

    @staticmethod
    async def _bump(session: AsyncSession, article: KbArticle, action: str, actor: Actor | None) -> None:
        now = clock.now()
        article.version += 1
        article.updated_at = now
        await session.flush()
        _revision(session, article, action, actor, now)

    # ----------------------------------------------------------------- reading

    async def show(self, actor: Actor | None, article_id: int) -> ArticleView:
        async with self.db.read() as session:
            found = (
                await session.execute(
                    _article_select().where(
                        KbArticle.id == article_id, visible_articles(actor, with_retired=True)
                    )
                )
            ).first()
        if found is None:
            raise NotFound("article {article} not found", article=article_id)
        return _article_view(found)

    async def recent(self, actor: Actor, *, limit: int = 50) -> tuple[SearchHit, ...]:
        """The newest articles this actor may read (the KB screen before anything is typed)."""
        async with self.db.read() as session:
            rows = (
                await session.execute(
                    _article_select()
                    .where(visible_articles(actor))
                    .order_by(KbArticle.updated_at.desc(), KbArticle.id.desc())
                    .limit(limit)
                )
            ).all()
        return tuple(_hit(_article_view(row), [], 0.0) for row in rows)

    async def history(self, actor: Actor | None, article_id: int) -> tuple[RevisionView, ...]:
        """Every revision, oldest first. Staff only (it shows who wrote what)."""
        if actor is not None and not actor.is_staff:
            raise NotPermitted("only staff may see the history of an article")
        await self.show(actor, article_id)  # visible to this actor?
        async with self.db.read() as session:
            rows = (
                await session.execute(
                    select(
                        KbRevision.version, KbRevision.action, KbRevision.at,
                        func.coalesce(Editor.username, "system"), KbRevision.title, KbRevision.body,
                        KbRevision.tags, Area.name, KbRevision.visibility, KbRevision.retired,
                    )
                    .outerjoin(Editor, Editor.id == KbRevision.editor_id)
                    .outerjoin(Area, Area.id == KbRevision.area_id)
                    .where(KbRevision.article_id == article_id)
                    .order_by(KbRevision.version)
                )
            ).all()  # fmt: skip
        return tuple(
            RevisionView(v, a, at, ed, t, b, _split_tags(tags), area, vis, bool(ret))
            for v, a, at, ed, t, b, tags, area, vis, ret in rows
        )

    async def search(self, actor: Actor, text: str, *, limit: int = 10, typing: bool = True) -> tuple[SearchHit, ...]:
        """Articles matching every word (the last one also as a prefix while `typing`), best
        first; when no article has them all, those with any of them."""
        words = kb_text.parse(text, typing=typing)
        if not words:
            return ()
        hits = await self._search(actor, words, limit=limit, any_word=False)
        if not hits and len(words) > 1:
            hits = await self._search(actor, words, limit=limit, any_word=True)
        return hits

    async def suggest(self, actor: Actor, subject: str, *, limit: int = 5) -> tuple[SearchHit, ...]:
        """I2: the articles that best match a case subject being typed (any of its words)."""
        words = kb_text.parse(subject, typing=True)
        if not words:
            return ()
        return await self._search(actor, words, limit=limit, any_word=True)

    async def _search(
        self, actor: Actor, words: list[kb_text.QueryWord], *, limit: int, any_word: bool
    ) -> tuple[SearchHit, ...]:
        """Title and tag matches first: when they alone fill the page, the (much larger) set of
        body matches is never ranked. Otherwise everything that matches, ranked."""
        limit = max(1, min(limit, 200))
        if actor.role not in ROLE_PERMISSIONS:
            return ()
        async with self.db.read() as session:
            scored = await self._ranked(session, actor, words, limit, any_word, titles_only=True)
            if len(scored) < limit:
                scored = await self._ranked(session, actor, words, limit, any_word, titles_only=False)
            if not scored:
                return ()
            ids = [article_id for article_id, _score in scored]
            # The visibility rule again, on the rows themselves.
            rows = (
                await session.execute(_article_select().where(KbArticle.id.in_(ids), visible_articles(actor)))
            ).all()
        by_id = {row[0]: _article_view(row) for row in rows}
        return tuple(_hit(by_id[i], words, score) for i, score in scored if i in by_id)

    async def _ranked(
        self,
        session: AsyncSession,
        actor: Actor,
        words: list[kb_text.QueryWord],
        limit: int,
        any_word: bool,
        *,
        titles_only: bool,
    ) -> list[tuple[int, float]]:
        if self.db.dialect == "sqlite":
            match = kb_text.fts5_query(words, any_word=any_word)
            if titles_only:
                match = f"{{search_title search_tags}} : ({match})"
            match = f"({match}) AND {{search_flags}} : ({_flags_wanted(actor)})"
            fts = literal_column("kb_fts")
            rank = func.bm25(fts, *SQLITE_WEIGHTS).label("rank")
            ranked = (
                select(_KB_FTS.c.rowid, rank)
                .select_from(_KB_FTS)
                .where(fts.op("MATCH")(literal(match, String)))
                .order_by(rank, _KB_FTS.c.rowid.desc())
                .limit(limit)
            )
            return [(i, -float(r)) for i, r in (await session.execute(ranked)).all()]
        query = func.to_tsquery(
            literal_column("'simple'::regconfig"), literal(kb_text.tsquery(words, any_word=any_word), String)
        )
        weights = literal_column(f"'{PG_WEIGHTS}'::float4[]")
        if titles_only:
            head = literal_column("kb_articles.search_head")
            rank = func.ts_rank(weights, head, query).label("rank")
            ranked = (
                select(KbArticle.id, rank)
                .where(head.bool_op("@@")(query), visible_articles(actor))
                .order_by(rank.desc(), KbArticle.id.desc())
                .limit(limit)
            )
        else:
            # A word in thousands of bodies: rank the newest PG_CANDIDATES of them (reading every
            # long tsvector to rank them all would cost far more than the difference is worth).
            doc = literal_column("kb_articles.search_doc")
            candidates = (
                select(KbArticle.id.label("id"), doc.label("doc"))
                .where(doc.bool_op("@@")(query), visible_articles(actor))
                # `id + 0`: find the matches through the GIN index, never by walking the
                # primary key backwards and testing every row (slow when few rows match).
                .order_by((KbArticle.id + 0).desc())
                .limit(PG_CANDIDATES)
                .subquery()
            )
            rank = func.ts_rank(weights, candidates.c.doc, query).label("rank")
            ranked = (
                select(candidates.c.id, rank)
                .order_by(rank.desc(), candidates.c.id.desc())
                .limit(limit)
            )
        return [(i, float(r)) for i, r in (await session.execute(ranked)).all()]

    # ------------------------------------------------------------ deflections

    async def record_deflection(self, actor: Actor, article_ids: Sequence[int], subject: str = "") -> int:
        """I2: the person read these suggested articles and left the case form without sending
        it. One deflected case; returns how many of the articles were recorded."""
        wanted = list(dict.fromkeys(int(i) for i in article_ids))
        if not wanted:
            return 0
        subject = strip_controls(subject or "", single_line=True).strip()[:TITLE_MAX]
        async with self.db.write() as session:
            readable = (
                await session.scalars(
                    select(KbArticle.id).where(KbArticle.id.in_(wanted), visible_articles(actor))
                )
            ).all()
            now = clock.now()
            for article_id in readable:
                session.add(KbDeflection(article_id=article_id, user_id=actor.user_id, subject=subject, at=now))
        return len(readable)

    async def stats(self, actor: Actor | None, *, top: int = 10) -> KbStats:
        """Articles by kind, deflected cases and the articles behind them (staff)."""
        if actor is not None and not actor.is_staff:
            raise NotPermitted("only staff may see knowledge-base figures")
        async with self.db.read() as session:
            kinds: dict[str, int] = {}
            counts = (
                await session.execute(
                    select(KbArticle.retired, KbArticle.visibility, func.count()).group_by(
                        KbArticle.retired, KbArticle.visibility
                    )
                )
            ).all()
            for retired, visibility, n in counts:
                key = "retired" if retired else visibility
                kinds[key] = kinds.get(key, 0) + n
            cases = select(KbDeflection.user_id, KbDeflection.at).distinct().subquery()
            deflected = await session.scalar(select(func.count()).select_from(cases)) or 0
            by_article = await _top_articles(session, KbDeflection.id, KbDeflection.article_id, top)
            solutions = await _top_articles(session, KbSolution.ticket_id, KbSolution.article_id, top)
        return KbStats(
            kinds.get("public", 0), kinds.get("internal", 0), kinds.get("retired", 0), deflected,
            tuple(ArticleCount(*r) for r in by_article), tuple(ArticleCount(*r) for r in solutions),
        )  # fmt: skip

    # ------------------------------------------------------------- solutions

    async def link_solution(self, actor: Actor, ticket_ref: int | str, article_id: int) -> ArticleView:
        """K3: staff link an article to a ticket as its solution; the bitácora says so (publicly
        when the article is public, as an internal entry otherwise)."""
        if not (actor.is_staff and actor.can("ticket.resolve")):
            raise NotPermitted("only staff who resolve tickets may link a solution")
        ticket_id = parse_ticket_ref(ticket_ref)
        if ticket_id is None:
            raise NotFound("ticket {ticket} not found", ticket=ticket_ref)
        async with self.db.write() as session:
            stmt = select(Ticket).where(Ticket.id == ticket_id, visible_tickets(actor))
            if self.db.dialect == "postgresql":
                stmt = stmt.with_for_update(of=Ticket)
            ticket = await session.scalar(stmt)
            if ticket is None:
                raise NotFound("ticket {ticket} not found", ticket=ticket_id)
            article = await session.scalar(
                select(KbArticle).where(KbArticle.id == article_id, visible_articles(actor))
            )
            if article is None:
                raise NotFound("article {article} not found", article=article_id)
            now = clock.now()
            existing = await session.get(KbSolution, ticket_id)
            if existing is not None and existing.article_id == article.id:
                raise ValidationFailed({"article": "this article is already the ticket's solution"})
            if existing is None:
                session.add(KbSolution(ticket_id=ticket_id, article_id=article.id, linked_by=actor.user_id, linked_at=now))
            else:
                existing.article_id, existing.linked_by, existing.linked_at = article.id, actor.user_id, now
            await session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id)
                .values(version=Ticket.version + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            await log_event(
                session, ticket_id, actor.user_id, "solution_linked", now, text=article.title,
                data={"article_id": article.id, "title": article.title},
                visibility="public" if article.visibility == "public" else "internal",
            )  # fmt: skip
            linked = article.id
        return await self.show(actor, linked)


async def solution_of(session: AsyncSession, actor: Actor, ticket_id: int) -> dict[str, Any] | None:
    """The solution article of a ticket as this actor may see it (for `TicketDetail`): None when
    there is none or the actor may not read it (a customer never sees an internal one)."""
    found = (
        await session.execute(
            select(KbArticle.id, KbArticle.title, KbArticle.visibility)
            .join(KbSolution, KbSolution.article_id == KbArticle.id)
            .where(KbSolution.ticket_id == ticket_id, visible_articles(actor))
        )
    ).first()
    if found is None:
        return None
    return {"id": found[0], "title": found[1], "visibility": found[2]}


# ------------------------------------------------------------------------------ helpers


def _article_select() -> Any:
    return (
        select(
            KbArticle.id, KbArticle.title, KbArticle.body, KbArticle.tags, Area.name,
            KbArticle.visibility, KbArticle.retired, func.coalesce(Author.username, "system"),
            func.coalesce(Author.name, ""), KbArticle.created_at, KbArticle.updated_at,
            KbArticle.version,
        )
        .outerjoin(Area, Area.id == KbArticle.area_id)
        .outerjoin(Author, Author.id == KbArticle.author_id)
    )  # fmt: skip


def _article_view(row: Sequence[Any]) -> ArticleView:
    (article_id, title, body, tags, area, visibility, retired, author, author_name, created,
     updated, version) = row  # fmt: skip
    return ArticleView(
        article_id, title, body, _split_tags(tags), area, visibility, bool(retired), author,
        author_name, created, updated, version,
    )  # fmt: skip


def _hit(article: ArticleView, words: list[kb_text.QueryWord], score: float) -> SearchHit:
    piece, spans = kb_text.snippet(article.body, words)
    return SearchHit(
        article.id, article.title, article.tags, article.area, article.visibility,
        article.updated_at, piece, spans, kb_text.highlights(article.title, words), score,
    )  # fmt: skip


def _revision(session: AsyncSession, article: KbArticle, action: str, actor: Actor | None, at: datetime) -> None:
    session.add(
        KbRevision(
            article_id=article.id, version=article.version, action=action, title=article.title,
            body=article.body, tags=article.tags, area_id=article.area_id,
            visibility=article.visibility, retired=article.retired,
            editor_id=actor.user_id if actor else None, at=at,
        )
    )  # fmt: skip


async def _area_id(session: AsyncSession, name: str | None) -> int | None:
    if name is None or not name.strip():
        return None
    found = await session.scalar(select(Area.id).where(func.lower(Area.name) == name.strip().lower()))
    if found is None:
        raise ValidationFailed({"area": ("no such area: {name}", {"name": name.strip()})})
    return found


async def _top_articles(session: AsyncSession, counted: Any, article_id: Any, top: int) -> list[Any]:
    """The articles most often referred to by a table (deflections, linked solutions)."""
    return list(
        (
            await session.execute(
                select(KbArticle.id, KbArticle.title, func.count(counted).label("n"))
                .join(counted.class_, article_id == KbArticle.id)
                .group_by(KbArticle.id, KbArticle.title)
                .order_by(literal_column("n").desc(), KbArticle.id)
                .limit(top)
            )
        ).all()
    )
