"""The filter language on its own: tokens, terms, errors with positions, the SQL shapes it
compiles to, and properties over arbitrary input. The compiled filters against the real schema
are tested with the ticket store."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from helpdesk_tui.store.errors import QueryError
from helpdesk_tui.store.models import Ticket
from helpdesk_tui.store.permissions import Actor
from helpdesk_tui.store.query import (
    DEFAULT_SORT,
    SORT_FIELDS,
    Ago,
    DateRange,
    Match,
    ParsedQuery,
    SortKey,
    Text,
    compile_filters,
    describe_sort,
    fts5_match,
    lexemes_of,
    parse_query,
    sort_columns,
    tsquery_text,
)

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
ANA = Actor(user_id=7, username="ana", role="agent", permissions=frozenset())
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def only(query: str) -> object:
    (term,) = parse_query(query).terms
    return term


def sql(query: str, dialect: str = "sqlite") -> str:
    clauses = compile_filters(parse_query(query), ANA, now=NOW, dialect=dialect)
    return "\n".join(str(c.compile(dialect=DIALECTS[dialect])) for c in clauses)


def error_of(query: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    return caught.value


# --- terms -------------------------------------------------------------------------------------


def test_empty_query_has_no_terms_and_no_sort():
    assert parse_query("   ") == ParsedQuery((), (), "   ")


def test_the_spec_example():
    parsed = parse_query('is:open assignee:none prio:>=high sort:-created "impresora atascada"')
    assert parsed.terms == (
        Match("is", ("open",), position=0),
        Match("assignee", ("none",), position=8),
        Match("prio", ("urgent", "high"), position=22),
        Text(("impresora", "atascada"), phrase=True, position=48),
    )
    assert parsed.sort == (SortKey("created", True),)


def test_commas_or_values_and_negation():
    assert only("-status:new,assigned") == Match("status", ("new", "assigned"), negated=True)


@pytest.mark.parametrize(
    ("query", "values"),
    [
        ("estado:registrado,asignado", ("new", "assigned")),
        ("status:en_proceso", ("in_progress",)),
        ('estado:"En proceso"', ("in_progress",)),
        ("status:EN-ESPERA,resuelto", ("waiting", "resolved")),
        ("status:cerrado,cancelado,finalizados", ("closed", "cancelled", "resolved")),
        ("status:new,new", ("new",)),
    ],
)
def test_status_accepts_machine_names_and_spanish_aliases(query, values):
    assert only(query).values == values


@pytest.mark.parametrize(
    ("query", "values"),
    [
        ("prio:urgent,high", ("urgent", "high")),
        ("prioridad:urgente,baja", ("urgent", "low")),
        ("prio:>=high", ("urgent", "high")),
        ("prio:>high", ("urgent",)),
        ("prio:<normal", ("low",)),
        ("prio:<=alta", ("high", "normal", "low")),
        ("priority:media", ("normal",)),
    ],
)
def test_priority_compares_by_urgency(query, values):
    assert only(query).values == values


def test_prio_compiles_to_ranks_most_urgent_being_zero():
    assert only("prio:>=high") == Match("prio", ("urgent", "high"))
    compiled = compile_filters(parse_query("prio:>=high"), ANA, now=NOW, dialect="sqlite")[0]
    assert compiled.compile(compile_kwargs={"render_postcompile": True}).params == {
        "prio_rank_1_1": 0,
        "prio_rank_1_2": 1,
    }


def test_type_values_in_both_languages():
    assert only("tipo:pregunta,incidente,solicitud,mejora,problema").values == (
        "question", "incident", "request", "improvement", "problem",
    )  # fmt: skip


def test_keys_have_spanish_aliases_and_ignore_case_and_accents():
    parsed = parse_query(
        "Estado:new asignado:@me Categoría:Redes cuenta:Acme solicitante:@me tipo:problema "
        "creado:-7d actualizado:-1d es:open orden:numero"
    )
    assert [t.key for t in parsed.terms] == [
        "status", "assignee", "category", "account", "requester", "type",
        "created", "updated", "is",
    ]  # fmt: skip
    assert parsed.sort == (SortKey("number", False),)


def test_people_keys_understand_me_and_none():
    assert only("assignee:@me,none,Luis") == Match("assignee", ("@me", "none", "Luis"))
    assert only("asignado:@yo,ninguno") == Match("assignee", ("@me", "none"))
    # requester is never empty, so `none` is just a user name there
    assert only("requester:@ME,none") == Match("requester", ("@me", "none"))
    assert only("account:@me") == Match("account", ("@me",))


def test_quoted_values_may_hold_spaces_and_commas():
    assert only('account:"Banco de Bogotá","Foo, Inc",bar') == Match(
        "account", ("Banco de Bogotá", "Foo, Inc", "bar")
    )


def test_is_and_sla():
    assert only("is:open,mine,unassigned,overdue").values == (
        "open", "mine", "unassigned", "overdue",
    )  # fmt: skip
    assert only("sla:breached") == Match("sla", ("breached",))


# --- free text ---------------------------------------------------------------------------------


def test_free_text_words_phrases_and_negation():
    parsed = parse_query('impre -"papel roto" -tóner')
    assert parsed.terms == (
        Text(("impre",), position=0),
        Text(("papel", "roto"), phrase=True, negated=True, position=6),
        Text(("tóner",), negated=True, position=20),
    )


def test_nul_and_lone_surrogates_never_reach_the_database():
    parsed = parse_query('account:"a\x00b",\udc80x impre\x00sora')
    assert parsed.terms == (
        Match("account", ("a b", "\ufffdx")),
        Text(("impre",), position=17),
        Text(("sora",), position=23),
    )


def test_a_lone_dash_is_harmless():
    assert parse_query("-").terms == (Text(("-",)),)
    assert sql("- --") == ""


def test_fts5_match_quotes_every_word_and_prefixes_words_not_phrases():
    terms = [Text(('say"hi',)), Text(("papel", "roto"), phrase=True), Text(("-",))]
    assert fts5_match(terms) == '"say""hi"* AND "papel roto"'
    assert fts5_match([Text(("a",)), Text(("b",))], any_of=True) == '"a"* OR "b"*'
    assert fts5_match([Text(("¿?",))]) is None


def test_tsquery_is_unaccented_prefixed_and_phrased():
    terms = [
        Text(("Impresóra",)),
        Text(("papel", "ROTO"), phrase=True),
        Text(("e-mail",)),
        Text(("tóner",), negated=True),
        Text(("&|!():*'\\",)),
    ]
    assert tsquery_text(terms) == (
        "(impresora:*) & (papel <-> roto) & (e <-> mail:*) & !(toner:*)"
    )
    assert lexemes_of("Straße Ærø") == ["strasse", "aero"]


def test_free_text_compiles_to_fts5_on_sqlite():
    compiled = sql('impre "papel roto" -toner')
    assert "tickets.id IN (SELECT tickets_fts.rowid" in compiled
    assert "tickets.id NOT IN (SELECT tickets_fts.rowid" in compiled
    assert compiled.count("tickets_fts MATCH ?") == 2


def test_free_text_compiles_to_the_indexed_expression_on_postgresql():
    compiled = sql("impre -toner", "postgresql")
    assert compiled == (
        "to_tsvector('simple'::regconfig, hd_unaccent(tickets.subject || ' ' || "
        "tickets.description)) @@ to_tsquery('simple'::regconfig, %(param_1)s::VARCHAR)"
    )


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("created:2026-01-15", day("2026-01-15"), day("2026-01-16")),
        ("created:>=2026-01-01", day("2026-01-01"), None),
        ("created:>2026-01-01", day("2026-01-02"), None),
        ("created:<2026-02-01", None, day("2026-02-01")),
        ("created:<=2026-01-31", None, day("2026-02-01")),
        ("created:2026-01-01..2026-01-31", day("2026-01-01"), day("2026-02-01")),
        ("created:2026-01-01..", day("2026-01-01"), None),
        ("created:..2026-01-31", None, day("2026-02-01")),
        ("created:-7d", Ago(timedelta(days=7)), None),
        ("created:7d", Ago(timedelta(days=7)), None),
        ("updated:-12h", Ago(timedelta(hours=12)), None),
        ("updated:-2w", Ago(timedelta(weeks=2)), None),
        ("updated:-1m", Ago(timedelta(days=30)), None),
        ("created:<-1y", None, Ago(timedelta(days=365))),
    ],
)
def test_dates(query, start, end):
    term = only(query)
    assert isinstance(term, DateRange)
    assert (term.start, term.end) == (start, end)


def test_relative_dates_are_resolved_against_now_at_compile_time():
    clause = compile_filters(parse_query("creado:-7d"), ANA, now=NOW, dialect="sqlite")[0]
    assert str(clause.compile(dialect=DIALECTS["sqlite"])) == "tickets.created_at >= ?"
    assert clause.compile().params == {"created_at_1": NOW - timedelta(days=7)}


def test_updated_uses_updated_at():
    assert sql("updated:2026-01-01") == "tickets.updated_at >= ? AND tickets.updated_at < ?"


# --- sort --------------------------------------------------------------------------------------


def test_sort_terms_collect_in_order_the_first_mention_of_a_field_winning():
    parsed = parse_query("sort:prio,-updated ordenar:-edad,-prio")
    assert parsed.terms == ()
    assert parsed.sort == (
        SortKey("prio", False),
        SortKey("updated", True),
        SortKey("age", True),
    )


@pytest.mark.parametrize("alias", sorted(SORT_FIELDS))
def test_every_sort_field_has_columns(alias):
    (key,) = parse_query(f"sort:-{alias}").sort
    assert key == SortKey(SORT_FIELDS[alias], True)
    [(expression, _)] = sort_columns((key,))
    for dialect in DIALECTS.values():
        assert str(expression.compile(dialect=dialect))


def test_priority_and_age_sort_run_against_their_columns():
    prio_desc, prio_asc, age_desc, created_asc = sort_columns(
        (SortKey("prio", True), SortKey("prio", False), SortKey("age", True),
         SortKey("created", False))
    )  # fmt: skip
    assert prio_desc == (Ticket.prio_rank, False)
    assert prio_asc == (Ticket.prio_rank, True)
    assert age_desc == (Ticket.created_at, False)
    assert created_asc == (Ticket.created_at, False)


def test_name_sorts_are_correlated_subqueries_never_null():
    [(expression, descending)] = sort_columns((SortKey("assignee", False),))
    compiled = str(expression.compile(dialect=DIALECTS["sqlite"]))
    assert compiled.startswith("coalesce((SELECT lower(coalesce(nullif(users.name")
    assert "WHERE users.id = tickets.assignee_id" in compiled
    assert descending is False


def test_sla_sort_puts_missing_due_times_last_both_ways():
    [(ascending, _), (descending, _)] = sort_columns((SortKey("sla", False), SortKey("sla", True)))
    assert ascending.compile().params["param_1"].year == 9999
    assert descending.compile().params["param_1"].year == 1970


def test_default_sort_and_describe():
    assert describe_sort(DEFAULT_SORT) == "-prio,created"
    assert describe_sort(parse_query("sort:numero,-sla").sort) == "number,-sla"
    assert describe_sort(()) == ""


def test_sort_columns_refuses_unknown_fields():
    with pytest.raises(QueryError):
        sort_columns((SortKey("password_hash", False),))


# --- compiled shapes ---------------------------------------------------------------------------


def test_people_compile_to_id_subqueries():
    compiled = sql("assignee:@me,none,Luis")
    assert compiled == (
        "tickets.assignee_id = ? OR tickets.assignee_id IS NULL OR tickets.assignee_id IN "
        "(SELECT users.id \nFROM users \nWHERE lower(users.username) IN (lower(?)))"
    )


def test_special_values_only_where_the_key_allows_them():
    assert sql("area:none") == "tickets.area_id IS NULL"
    assert sql("categoria:ninguno") == "tickets.category_id IS NULL"
    assert sql("solicitante:@me") == "tickets.requester_id = ?"
    # an account called "@me" and a user called "none", not the actor's id nor NULL
    assert "lower(accounts.name) IN (lower(?))" in sql("account:@me")
    assert "lower(users.username) IN (lower(?))" in sql("requester:none")


def test_catalog_names_compile_to_name_subqueries():
    assert "SELECT accounts.id \nFROM accounts \nWHERE lower(accounts.name)" in sql("cuenta:acme")
    assert "SELECT areas.id" in sql("area:Redes")
    assert "SELECT categories.id" in sql("categoria:Impresoras")


def test_negation_is_null_safe():
    # NOT (NULL IN (...)) is NULL: without coalesce, -assignee:ana would drop unassigned tickets.
    assert sql("-assignee:ana", "postgresql").startswith(
        "NOT coalesce(tickets.assignee_id IN (SELECT users.id"
    )
    assert sql("-is:mine", "sqlite") == "coalesce(tickets.assignee_id = ?, 0) = 0"


def test_is_and_sla_shapes():
    assert sql("is:unassigned") == "tickets.assignee_id IS NULL"
    assert sql("is:mine") == "tickets.assignee_id = ?"
    assert "tickets.resolution_due_at < ?" in sql("sla:breached")
    assert "tickets.first_response_at IS NULL" in sql("is:overdue")
    assert sql("is:overdue") == sql("sla:breached")


def test_unknown_dialect_is_a_programming_error():
    with pytest.raises(ValueError):
        compile_filters(parse_query("is:open"), ANA, now=NOW, dialect="mysql")


# --- errors ------------------------------------------------------------------------------------


UNKNOWN_KEY = "unknown filter key: {key}"
UNKNOWN_VALUE = "{key}: unknown value {value}"
BAD_DATE = "{key}: bad date {value}"
EMPTY = "{key}: empty value"
SINGLE = "{key}: takes a single value"


@pytest.mark.parametrize(
    ("query", "msgid", "position", "params"),
    [
        ("is:open foo:bar", UNKNOWN_KEY, 8, {"key": "foo"}),
        ("is:open -Password:x", UNKNOWN_KEY, 8, {"key": "Password"}),
        ("status:new,bogus", UNKNOWN_VALUE, 0, {"key": "status", "value": "bogus"}),
        ("  estado:nada", UNKNOWN_VALUE, 2, {"key": "estado", "value": "nada"}),
        ("tipo:x", UNKNOWN_VALUE, 0, {"key": "tipo", "value": "x"}),
        ("prio:>=nada", UNKNOWN_VALUE, 0, {"key": "prio", "value": "nada"}),
        ("prio:>=high,low", SINGLE, 0, {"key": "prio"}),
        ("is:closed", UNKNOWN_VALUE, 0, {"key": "is", "value": "closed"}),
        ("a created:2026-13-01", BAD_DATE, 2, {"key": "created", "value": "2026-13-01"}),
        ("created:yesterday", BAD_DATE, 0, {"key": "created", "value": "yesterday"}),
        ("created:-500y", BAD_DATE, 0, {"key": "created", "value": "-500y"}),
        ("created:..", BAD_DATE, 0, {"key": "created", "value": ".."}),
        ("created:9999-12-31", BAD_DATE, 0, {"key": "created", "value": "9999-12-31"}),
        ("created:2026-01-01,2026-01-02", SINGLE, 0, {"key": "created"}),
        ("x status:", EMPTY, 2, {"key": "status"}),
        ("status:new,", EMPTY, 0, {"key": "status"}),
        ('account:""', EMPTY, 0, {"key": "account"}),
        ('ok "impresora atascada', "unclosed quote", 3, {}),
        ('account:"Acme', "unclosed quote", 0, {}),
        ("sort:prio,pwd", "unknown sort field: {field}", 0, {"key": "sort", "field": "pwd"}),
        ("-sort:prio", "{key}: cannot be negated", 0, {"key": "sort"}),
    ],
)
def test_errors_name_the_bad_term(query, msgid, position, params):
    error = error_of(query)
    assert (error.msgid, error.position, error.params) == (msgid, position, params)
    assert error.code == "bad_query"


def test_error_messages_read_well():
    assert str(error_of("estado:nada")) == "estado: unknown value nada"
    assert str(error_of("foo:1")) == "unknown filter key: foo"


# --- properties --------------------------------------------------------------------------------

QUERY_ALPHABET = st.sampled_from(
    list(' "-:,.<>=@_*()&|!\'\\\t\n\x00') + list("áéñÑ0123456789") + ["status", "prio", "sort",
    "created", "assignee", "is", "open", "new", "high", "none", "2026-01-01", "-7d", ">=", ".."]
)  # fmt: skip
queries = st.one_of(
    st.text(st.characters(exclude_categories=())),  # lone surrogates too
    st.lists(QUERY_ALPHABET, max_size=30).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(queries)
def test_any_text_parses_or_raises_query_error_and_then_compiles(text):
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert 0 <= error.position <= len(text)
        assert error.message()
        return
    for name, dialect in DIALECTS.items():
        for clause in compile_filters(parsed, ANA, now=NOW, dialect=name):
            params = clause.compile(dialect=dialect).params.values()
            assert all(sendable(value) for value in params)
    for expression, _ in sort_columns(parsed.sort):
        expression.compile(dialect=DIALECTS["sqlite"])
    if parsed.sort:
        assert parse_query(f"sort:{describe_sort(parsed.sort)}").sort == parsed.sort


def sendable(value: object) -> bool:
    """Whether both databases accept this bound value: no NUL, no lone surrogate."""
    if isinstance(value, (list, tuple)):
        return all(sendable(item) for item in value)
    if isinstance(value, str):
        return "\x00" not in value and not any(0xD800 <= ord(c) < 0xE000 for c in value)
    return True


@pytest.fixture(scope="module")
def fts5() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, description, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO tickets_fts(rowid, subject, description) VALUES (?, ?, ?)",
        [(1, "Impresora atascada", "El papel se atascó en la bandeja"),
         (2, "Sin correo", 'No llega el e-mail de "soporte"')],
    )  # fmt: skip
    return db


def matching(db: sqlite3.Connection, query: str) -> list[int]:
    match = fts5_match([t for t in parse_query(query).terms if isinstance(t, Text)])
    rows = db.execute("SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?", (match,))
    return sorted(row[0] for row in rows)


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("impre", [1]),
        ("IMPRESORA ATASCÓ", [1]),
        ('"impresora atascada"', [1]),
        ('"atascada impresora"', []),
        ("e-mail", [2]),
        ('"soporte"', [2]),
        ("sin OR", []),  # OR is a word, not an operator
        ("llega", [2]),
    ],
)
def test_fts5_match_finds_words_by_prefix_ignoring_case_and_accents(fts5, query, ids):
    assert matching(fts5, query) == ids


words = st.lists(st.text(min_size=1), min_size=1, max_size=5)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(words, st.booleans()), min_size=1, max_size=4), st.booleans())
def test_fts5_match_string_never_breaks_fts5_syntax(fts5, groups, any_of):
    terms = [Text(tuple(group), phrase=phrase) for group, phrase in groups]
    match = fts5_match(terms, any_of=any_of)
    if match is not None:
        fts5.execute("SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?", (match,)).fetchall()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(words, st.booleans(), st.booleans()), min_size=1, max_size=4))
def test_tsquery_text_holds_only_letters_digits_and_our_operators(groups):
    terms = [Text(tuple(g), phrase=p, negated=n) for g, p, n in groups]
    query = tsquery_text(terms)
    if query is None:
        return
    stripped = query
    for operator in (" <-> ", " & ", ":*", "!(", "(", ")"):
        stripped = stripped.replace(operator, " ")
    assert all(char.isalnum() or char == " " for char in stripped)
    assert query.count("(") == query.count(")") == len([t for t in terms if lexemes_of_any(t)])


def lexemes_of_any(term: Text) -> bool:
    return any(lexemes_of(word) for word in term.words)
