"""The queue's filter language (SPEC Q2): text -> terms -> SQLAlchemy clauses.

    is:open assignee:none prio:>=high sort:-created "impresora atascada"

Terms are AND-ed, a leading `-` negates one, commas OR values, quotes make phrases and bare words
search subject and description. Only the keys of the `KEYS` table compile to SQL, and every value
the user typed reaches the database as a bound parameter. The store ANDs the actor's
visibility predicate itself; nothing here widens what an actor may see.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    false,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy.sql import column, table

from helpdesk_tui.store.errors import QueryError
from helpdesk_tui.store.lifecycle import OPEN_STATES, PRIORITY_RANK, STATE_LABELS
from helpdesk_tui.store.models import Account, Area, Category, Ticket, UTCDateTime, User
from helpdesk_tui.store.permissions import Actor

# --- Vocabulary: what may be typed, mapped to canonical names ----------------------------------

KEY_ALIASES: dict[str, str] = {
    "status": "status", "estado": "status",
    "prio": "prio", "priority": "prio", "prioridad": "prio",
    "assignee": "assignee", "asignado": "assignee",
    "area": "area",
    "category": "category", "categoria": "category",
    "type": "type", "tipo": "type",
    "account": "account", "cuenta": "account",
    "requester": "requester", "solicitante": "requester",
    "created": "created", "creado": "created",
    "updated": "updated", "actualizado": "updated",
    "sla": "sla",
    "is": "is", "es": "is",
    "sort": "sort", "orden": "sort", "ordenar": "sort",
}  # fmt: skip

STATUS_VALUES: dict[str, str] = {
    "new": "new", "registrado": "new", "nuevo": "new",
    "assigned": "assigned", "asignado": "assigned",
    "in_progress": "in_progress", "en_proceso": "in_progress", "en_progreso": "in_progress",
    "waiting": "waiting", "en_espera": "waiting", "waiting_on_customer": "waiting",
    "en_espera_del_cliente": "waiting",
    "resolved": "resolved", "resuelto": "resolved", "finalizado": "resolved",
    "closed": "closed", "cerrado": "closed",
    "cancelled": "cancelled", "canceled": "cancelled", "cancelado": "cancelled",
    # The five-stage lifecycle (seed 003): Abierto, Análisis, Solución, Pruebas, Cerrada.
    "cerrada": "closed", "opened": "opened", "abierto": "opened", "analysis": "analysis", "analisis": "analysis",
    "solution": "solution", "solucion": "solution", "testing": "testing", "pruebas": "testing",
}  # fmt: skip

PRIORITY_VALUES: dict[str, str] = {
    "urgent": "urgent", "urgente": "urgent",
    "high": "high", "alta": "high",
    "normal": "normal", "media": "normal",
    "low": "low", "baja": "low",
}  # fmt: skip

TYPE_VALUES: dict[str, str] = {
    "question": "question", "pregunta": "question", "duda": "question",
    "problem": "problem", "problema": "problem",
    "improvement": "improvement", "mejora": "improvement",
    "incident": "incident", "incidente": "incident", "incidencia": "incident",
    "request": "request", "solicitud": "request", "requerimiento": "request",
}  # fmt: skip

IS_VALUES: dict[str, str] = {
    "open": "open", "abierto": "open",
    "mine": "mine", "mio": "mine",
    "unassigned": "unassigned", "sin_asignar": "unassigned",
    "overdue": "overdue", "vencido": "overdue",
}  # fmt: skip

SLA_VALUES: dict[str, str] = {
    "breached": "breached", "incumplido": "breached", "vencido": "breached",
}  # fmt: skip

SPECIAL_VALUES: dict[str, str] = {
    "@me": "@me", "@yo": "@me", "none": "none", "ninguno": "none", "nadie": "none",
}  # fmt: skip

SORT_FIELDS: dict[str, str] = {
    "number": "number", "numero": "number",
    "subject": "subject", "asunto": "subject",
    "prio": "prio", "priority": "prio", "prioridad": "prio",
    "status": "status", "estado": "status",
    "created": "created", "creado": "created",
    "updated": "updated", "actualizado": "updated",
    "age": "age", "edad": "age",
    "account": "account", "cuenta": "account",
    "requester": "requester", "solicitante": "requester",
    "assignee": "assignee", "asignado": "assignee",
    "area": "area",
    "category": "category", "categoria": "category",
    "sla": "sla",
}  # fmt: skip
"""Every sortable name the user may type (Spanish aliases too) -> its canonical field."""

RELATIVE_UNITS = {
    "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1),
    "m": timedelta(days=30), "y": timedelta(days=365),
}  # fmt: skip
_LONGEST_AGO = timedelta(days=100 * 365)

# --- Terms -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ago:
    """A moment relative to the query's `now` (`-7d`)."""

    delta: timedelta


DateBound = datetime | Ago


@dataclass(frozen=True)
class Match:
    """`key:a,b`: the ticket has one of these canonical values (names as typed)."""

    key: str
    values: tuple[str, ...]
    negated: bool = False
    position: int = 0


@dataclass(frozen=True)
class DateRange:
    """`created:...`: start <= moment < end; a missing bound is open."""

    key: str
    start: DateBound | None
    end: DateBound | None
    negated: bool = False
    position: int = 0


@dataclass(frozen=True)
class Text:
    """Free text: one word (matched as a prefix) or a quoted phrase."""

    words: tuple[str, ...]
    phrase: bool = False
    negated: bool = False
    position: int = 0


Term = Match | DateRange | Text


@dataclass(frozen=True)
class SortKey:
    field: str  # a name from SORT_FIELDS
    descending: bool


DEFAULT_SORT: tuple[SortKey, ...] = (SortKey("prio", True), SortKey("created", False))
"""Most urgent first, then oldest first."""


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    sort: tuple[SortKey, ...]  # empty when the query has no sort: term
    text: str


# --- Tokenizer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One whitespace-separated term as typed (quotes may hold spaces), and where it starts."""

    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        start, in_quote = i, False
        while i < len(text) and (in_quote or not text[i].isspace()):
            in_quote ^= text[i] == '"'
            i += 1
        if in_quote:
            raise QueryError("unclosed quote", position=start)
        tokens.append(Token(text[start:i], start))
    return tokens


# --- Parser ------------------------------------------------------------------------------------

# NUL and lone surrogates cannot reach PostgreSQL or SQLite as text; same length keeps positions.
_UNSENDABLE = {0: " ", **{code: "\ufffd" for code in range(0xD800, 0xE000)}}
_KEY = re.compile(r"([^\W\d]\w*):(.*)", re.DOTALL)
_OPERATOR = re.compile(r"(>=|<=|>|<)(.*)", re.DOTALL)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RELATIVE = re.compile(r"-?([0-9]{1,6})([hdwmy])")


def parse_query(text: str) -> ParsedQuery:
    """The terms and sort of a filter line; QueryError (with the bad term's offset) if invalid."""
    terms: list[Term] = []
    sort: list[SortKey] = []
    for token in tokenize(text.translate(_UNSENDABLE)):
        parsed = parse_term(token)
        if not isinstance(parsed, tuple):
            terms.append(parsed)
            continue
        for key in parsed:  # the first mention of a field wins
            if all(key.field != earlier.field for earlier in sort):
                sort.append(key)
    return ParsedQuery(tuple(terms), tuple(sort), text)


def parse_term(token: Token) -> Term | tuple[SortKey, ...]:
    body, negated = token.text, False
    if body.startswith("-") and len(body) > 1:
        body, negated = body[1:], True
    found = _KEY.fullmatch(body)
    if found is None:
        return _free_text(body, negated, token.position)
    key = KEY_ALIASES.get(_plain(found[1]))
    if key is None:
        raise QueryError("unknown filter key: {key}", position=token.position, key=found[1])
    raw = RawTerm(key, found[1], found[2], negated, token.position)
    return KEYS[key].read(raw)


def _free_text(body: str, negated: bool, position: int) -> Text:
    if '"' in body:
        return Text(tuple(body.replace('"', " ").split()), True, negated, position)
    return Text((body,), False, negated, position)


@dataclass(frozen=True)
class RawTerm:
    """A `key:value` term before its value is understood."""

    key: str  # canonical
    typed: str  # the key as written, for messages
    value: str
    negated: bool
    position: int

    def error(self, msgid: str, **params: Any) -> QueryError:
        return QueryError(msgid, position=self.position, key=self.typed, **params)

    def values(self) -> list[str]:
        values = split_values(self.value)
        if not all(values):
            raise self.error("{key}: empty value")
        return values

    def single(self) -> str:
        values = self.values()
        if len(values) > 1:
            raise self.error("{key}: takes a single value")
        return values[0]


def split_values(raw: str) -> list[str]:
    """`a,"b, c",d` -> ["a", "b, c", "d"]: commas inside quotes do not separate."""
    values, current, in_quote = [], [], False
    for char in raw:
        if char == '"':
            in_quote = not in_quote
        elif char == "," and not in_quote:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return [value.strip() for value in values]


def _plain(value: str) -> str:
    """Lower case, no accents, spaces and hyphens as underscores: 'En proceso' -> 'en_proceso'."""
    folded = unicodedata.normalize("NFKD", value.strip().lower())
    bare = "".join(char for char in folded if not unicodedata.combining(char))
    return re.sub(r"[\s-]+", "_", bare)


def _lookup(raw: RawTerm, value: str, vocabulary: dict[str, str]) -> str:
    plain = _plain(value)
    found = vocabulary.get(plain) or vocabulary.get(plain.removesuffix("s"))  # plurals
    if found is None:
        raise raw.error("{key}: unknown value {value}", value=value)
    return found


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _choice(vocabulary: dict[str, str]) -> Callable[[RawTerm], Match]:
    def read(raw: RawTerm) -> Match:
        values = _unique(_lookup(raw, value, vocabulary) for value in raw.values())
        return Match(raw.key, values, raw.negated, raw.position)

    return read


def _read_prio(raw: RawTerm) -> Match:
    """`prio:>=high` is "high or more urgent"; ranks grow as urgency falls."""
    found = _OPERATOR.fullmatch(raw.value)
    if found is None:
        return _choice(PRIORITY_VALUES)(raw)
    operator, rest = found[1], found[2]
    limit = PRIORITY_RANK[_lookup(raw, replace(raw, value=rest).single(), PRIORITY_VALUES)]
    wanted = {
        ">=": lambda rank: rank <= limit,
        ">": lambda rank: rank < limit,
        "<=": lambda rank: rank >= limit,
        "<": lambda rank: rank > limit,
    }[operator]
    values = tuple(name for name, rank in PRIORITY_RANK.items() if wanted(rank))
    return Match(raw.key, values, raw.negated, raw.position)


def _read_dates(raw: RawTerm) -> DateRange:
    value = raw.single()
    found = _OPERATOR.fullmatch(value)
    operator, value = (found[1], found[2]) if found else ("", value)
    if not operator and ".." in value:
        first, last = value.split("..", 1)
        if not (first or last):
            raise raw.error("{key}: bad date {value}", value=value)
        start = _moment(raw, first)[0] if first else None
        end = _moment(raw, last)[1] if last else None
        return DateRange(raw.key, start, end, raw.negated, raw.position)
    start, end = _moment(raw, value)
    bounds: dict[str, tuple[DateBound | None, DateBound | None]] = {
        "": (start, None if isinstance(start, Ago) else end),  # -7d: since then
        ">=": (start, None),
        ">": (end, None),
        "<": (None, start),
        "<=": (None, end),
    }
    return DateRange(raw.key, *bounds[operator], raw.negated, raw.position)


def _moment(raw: RawTerm, value: str) -> tuple[DateBound, DateBound]:
    """A whole UTC day as [start, end), or a relative moment as [ago, ago]."""
    text = value.strip().lower()
    relative = _RELATIVE.fullmatch(text)
    if relative and int(relative[1]) * RELATIVE_UNITS[relative[2]] <= _LONGEST_AGO:
        ago = Ago(int(relative[1]) * RELATIVE_UNITS[relative[2]])
        return ago, ago
    if _ISO_DAY.fullmatch(text):
        with suppress(ValueError, OverflowError):  # 2026-02-30, 9999-12-31
            start = datetime.combine(date.fromisoformat(text), time(), tzinfo=timezone.utc)
            return start, start + timedelta(days=1)
    raise raw.error("{key}: bad date {value}", value=value)


def _read_sort(raw: RawTerm) -> tuple[SortKey, ...]:
    if raw.negated:
        raise raw.error("{key}: cannot be negated")
    keys = []
    for value in raw.values():
        name = value.removeprefix("-")
        field = SORT_FIELDS.get(_plain(name))
        if field is None:
            raise raw.error("unknown sort field: {field}", field=name)
        keys.append(SortKey(field, value.startswith("-")))
    return tuple(keys)


def describe_sort(sort: Sequence[SortKey]) -> str:
    """The sort as it would be typed after `sort:`, e.g. "-prio,created"."""
    return ",".join(("-" if key.descending else "") + key.field for key in sort)


# --- Compiler ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    actor: Actor
    now: datetime
    dialect: str


@dataclass(frozen=True)
class Key:
    """How one filter key reads its value, and the SQL it compiles to (None: not a filter)."""

    read: Callable[[RawTerm], Any]
    compile: Callable[[Any, Context], ColumnElement[bool]] | None


def compile_filters(
    parsed: ParsedQuery, actor: Actor, *, now: datetime, dialect: str, walk_order: bool = False
) -> list[ColumnElement[bool]]:
    """Clauses to AND into the ticket query (the visibility predicate is the store's)."""
    if dialect not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported dialect: {dialect}")
    context = Context(actor, now, dialect)
    clauses = [
        _compile_term(term, context) for term in parsed.terms if not isinstance(term, Text)
    ]
    words = [term for term in parsed.terms if isinstance(term, Text)]
    return clauses + search_clauses(words, dialect, walk_order=walk_order)


def _compile_term(term: Match | DateRange, context: Context) -> ColumnElement[bool]:
    compile_ = KEYS[term.key].compile
    assert compile_ is not None
    clause = compile_(term, context)
    # NULL-safe: `-assignee:ana` must keep the unassigned tickets.
    return not_(func.coalesce(clause, false())) if term.negated else clause


def _compile_status(term: Match, context: Context) -> ColumnElement[bool]:
    return Ticket.status.in_(term.values)


def _compile_prio(term: Match, context: Context) -> ColumnElement[bool]:
    return Ticket.prio_rank.in_(sorted(PRIORITY_RANK[value] for value in term.values))


def _compile_type(term: Match, context: Context) -> ColumnElement[bool]:
    return Ticket.type.in_(term.values)


def _reference(column: Any, target_id: Any, target_name: Any, *specials: str) -> Key:
    """`key:@me,none,ana,luis` on a foreign key: the special values this key allows, and names
    (any other value) matched case-insensitively through a subquery."""

    def read(raw: RawTerm) -> Match:
        values = _unique(_special(value, specials) for value in raw.values())
        return Match(raw.key, values, raw.negated, raw.position)

    def compile_(term: Match, context: Context) -> ColumnElement[bool]:
        clauses: list[ColumnElement[bool]] = []
        if "@me" in specials and "@me" in term.values:
            clauses.append(column == context.actor.user_id)
        if "none" in specials and "none" in term.values:
            clauses.append(column.is_(None))
        names = [value for value in term.values if value not in specials]
        if names:
            wanted = [func.lower(literal(name, String)) for name in names]
            ids = select(target_id).where(func.lower(target_name).in_(wanted))
            clauses.append(column.in_(ids))
        return or_(*clauses)

    return Key(read, compile_)


def _special(value: str, specials: tuple[str, ...]) -> str:
    special = SPECIAL_VALUES.get(value.lower())
    return special if special in specials else value


def _dates(column: Any) -> Callable[[DateRange, Context], ColumnElement[bool]]:
    def compile_(term: DateRange, context: Context) -> ColumnElement[bool]:
        clauses = []
        if term.start is not None:
            clauses.append(column >= _resolve(term.start, context.now))
        if term.end is not None:
            clauses.append(column < _resolve(term.end, context.now))
        return and_(*clauses)

    return compile_


def _resolve(bound: DateBound, now: datetime) -> datetime:
    return now - bound.delta if isinstance(bound, Ago) else bound


def _compile_is(term: Match, context: Context) -> ColumnElement[bool]:
    return or_(*(IS_CLAUSES[value](context) for value in term.values))


def _compile_sla(term: Match, context: Context) -> ColumnElement[bool]:
    return overdue(context.now)


def overdue(now: datetime) -> ColumnElement[bool]:
    """Open, and past its resolution target or still unanswered past its response target."""
    return and_(
        Ticket.status.in_(sorted(OPEN_STATES)),
        or_(
            and_(Ticket.resolution_due_at.is_not(None), Ticket.resolution_due_at < now),
            and_(
                Ticket.first_response_at.is_(None),
                Ticket.response_due_at.is_not(None),
                Ticket.response_due_at < now,
            ),
        ),
    )


IS_CLAUSES: dict[str, Callable[[Context], ColumnElement[bool]]] = {
    "open": lambda context: Ticket.status.in_(sorted(OPEN_STATES)),
    "mine": lambda context: Ticket.assignee_id == context.actor.user_id,
    "unassigned": lambda context: Ticket.assignee_id.is_(None),
    "overdue": lambda context: overdue(context.now),
}


KEYS: dict[str, Key] = {
    "status": Key(_choice(STATUS_VALUES), _compile_status),
    "prio": Key(_read_prio, _compile_prio),
    "type": Key(_choice(TYPE_VALUES), _compile_type),
    "assignee": _reference(Ticket.assignee_id, User.id, User.username, "@me", "none"),
    "requester": _reference(Ticket.requester_id, User.id, User.username, "@me"),
    "account": _reference(Ticket.account_id, Account.id, Account.name),
    "area": _reference(Ticket.area_id, Area.id, Area.name, "none"),
    "category": _reference(Ticket.category_id, Category.id, Category.name, "none"),
    "created": Key(_read_dates, _dates(Ticket.created_at)),
    "updated": Key(_read_dates, _dates(Ticket.updated_at)),
    "is": Key(_choice(IS_VALUES), _compile_is),
    "sla": Key(_choice(SLA_VALUES), _compile_sla),
    "sort": Key(_read_sort, None),
}
"""The allow-list: a key missing here is an error, never a column name."""


# --- Free text ---------------------------------------------------------------------------------

_FTS = table("tickets_fts", column("rowid"))
_PG_CONFIG = literal_column("'simple'::regconfig")
_LONGEST_LEXEME = 200


def search_clauses(
    terms: Sequence[Text], dialect: str, *, walk_order: bool = False
) -> list[ColumnElement[bool]]:
    """`walk_order` (SQLite): the words are common, so hide tickets.id from the planner
    (`id + 0`) and let it walk the ORDER BY index, testing each row against the match set."""
    if dialect == "postgresql":
        query = tsquery_text(terms)
        return [] if query is None else [_pg_document().bool_op("@@")(_pg_query(query))]
    clauses = []
    wanted = fts5_match([term for term in terms if not term.negated])
    if wanted is not None:
        target = Ticket.id + 0 if walk_order else Ticket.id
        clauses.append(target.in_(_fts5_ids(wanted)))
    unwanted = fts5_match([term for term in terms if term.negated], any_of=True)
    if unwanted is not None:
        clauses.append(Ticket.id.not_in(_fts5_ids(unwanted)))
    return clauses


def _searchable(words: Iterable[str]) -> list[str]:
    # FTS5 ends a string at NUL ("unterminated string"); words without letters match nothing.
    cleaned = (word.replace("\x00", "") for word in words)
    return [word for word in cleaned if any(char.isalnum() for char in word)]


def fts5_match(terms: Sequence[Text], *, any_of: bool = False) -> str | None:
    """An FTS5 MATCH string: every word a quoted prefix, every phrase quoted; None if empty."""
    parts = []
    for term in terms:
        words = _searchable(term.words)
        if words:
            quoted = '"' + " ".join(words).replace('"', '""') + '"'
            parts.append(quoted if term.phrase else quoted + "*")
    return (" OR " if any_of else " AND ").join(parts) or None


def _fts5_ids(match: str) -> Any:
    return select(_FTS.c.rowid).where(
        literal_column("tickets_fts").op("MATCH")(literal(match, String))
    )


def tsquery_text(terms: Sequence[Text]) -> str | None:
    """A PostgreSQL tsquery: `a:* & (b <-> c) & !d:*`, built only from letters and digits."""
    parts = []
    for term in terms:
        lexemes = [lexeme for word in term.words for lexeme in lexemes_of(word)]
        if not lexemes:
            continue
        if not term.phrase:
            lexemes[-1] += ":*"
        joined = " <-> ".join(lexemes)
        parts.append(f"!({joined})" if term.negated else f"({joined})")
    return " & ".join(parts) or None


_UNACCENT_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"})


def lexemes_of(word: str) -> list[str]:
    """Lower-cased, unaccented runs of letters and digits, as hd_unaccent + 'simple' index them."""
    folded = unicodedata.normalize("NFKD", word.lower().translate(_UNACCENT_EXTRA))
    bare = "".join(char for char in folded if not unicodedata.combining(char))
    return [run[:_LONGEST_LEXEME] for run in re.findall(r"[^\W_]+", bare)]


def _pg_document() -> ColumnElement[Any]:
    """Exactly the expression of the ix_tickets_search index, so the planner can use it."""
    joined = Ticket.subject + literal_column("' '", String) + Ticket.description
    return func.to_tsvector(_PG_CONFIG, func.hd_unaccent(joined))


def _pg_query(text: str) -> ColumnElement[Any]:
    return func.to_tsquery(_PG_CONFIG, literal(text, String))


# --- Sorting -----------------------------------------------------------------------------------

_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=timezone.utc)
_FAR_PAST = datetime(1970, 1, 1, tzinfo=timezone.utc)
_STATUS_ORDER = {status: index for index, status in enumerate(STATE_LABELS)}


def _name_of(target_id: Any, name: Any, foreign_key: Any) -> ColumnElement[Any]:
    found = select(func.lower(name)).where(target_id == foreign_key).correlate(Ticket)
    return func.coalesce(found.scalar_subquery(), "")


def _person(foreign_key: Any) -> ColumnElement[Any]:
    shown = func.coalesce(func.nullif(User.name, ""), User.username)
    return _name_of(User.id, shown, foreign_key)


def _sla(descending: bool) -> ColumnElement[Any]:
    """Tickets without a due time sort last whichever the direction."""
    missing = _FAR_PAST if descending else _FAR_FUTURE
    return func.coalesce(Ticket.resolution_due_at, literal(missing, UTCDateTime()))


# field -> (expression for the direction asked, whether the column runs the other way)
_SORTABLE: dict[str, tuple[Callable[[bool], ColumnElement[Any]], bool]] = {
    "number": (lambda d: Ticket.id, False),
    "subject": (lambda d: func.lower(Ticket.subject), False),
    "prio": (lambda d: Ticket.prio_rank, True),  # descending priority = ascending rank
    "status": (lambda d: case(_STATUS_ORDER, value=Ticket.status, else_=len(_STATUS_ORDER)), False),
    "created": (lambda d: Ticket.created_at, False),
    "updated": (lambda d: Ticket.updated_at, False),
    "age": (lambda d: Ticket.created_at, True),  # oldest first = created ascending
    "account": (lambda d: _name_of(Account.id, Account.name, Ticket.account_id), False),
    "requester": (lambda d: _person(Ticket.requester_id), False),
    "assignee": (lambda d: _person(Ticket.assignee_id), False),
    "area": (lambda d: _name_of(Area.id, Area.name, Ticket.area_id), False),
    "category": (lambda d: _name_of(Category.id, Category.name, Ticket.category_id), False),
    "sla": (_sla, False),
}


def sort_columns(sort: Sequence[SortKey]) -> list[tuple[ColumnElement[Any], bool]]:
    """(expression, descending) per key for ORDER BY and keyset; the store appends Ticket.id."""
    columns = []
    for key in sort:
        field = SORT_FIELDS.get(_plain(key.field))
        if field is None:
            raise QueryError("unknown sort field: {field}", field=key.field)
        expression, inverted = _SORTABLE[field]
        columns.append((expression(key.descending), key.descending != inverted))
    return columns
