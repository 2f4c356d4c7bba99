"""Search quality (K2) on a corpus of 56 Spanish and English articles, on SQLite and PostgreSQL:
accents, case, prefixes, plural and singular, a title match above a body match, internal
articles never shown to customers, retired ones never shown to anybody, highlighted snippets."""

from __future__ import annotations

import pytest

from helpdesk_tui.store import Store
from helpdesk_tui.store.permissions import Actor
from tests.conftest import Org
from tests.store.kb_corpus import ARTICLES, RETIRED


@pytest.fixture
async def corpus(org: Org) -> dict[str, int]:
    store = org.store
    for area in ("Redes", "Mesa de ayuda", "Aplicaciones"):
        await store.catalog.add_area(None, area)
    ids = {}
    for key, title, tags, area, visibility, body in ARTICLES:
        article = await store.kb.create(org.sup_net, title=title, body=body, tags=tags, area=area, visibility=visibility)
        ids[key] = article.id
    for key in RETIRED:
        await store.kb.retire(org.sup_net, ids[key])
    return ids


def test_the_corpus_is_big_and_bilingual() -> None:
    assert len(ARTICLES) >= 50
    assert len({a[0] for a in ARTICLES}) == len(ARTICLES)


async def keys(store: Store, actor: Actor, text: str, ids: dict[str, int], **options) -> list[str]:
    names = {v: k for k, v in ids.items()}
    return [names[hit.id] for hit in await store.kb.search(actor, text, **options)]


async def test_accents_and_case_do_not_matter(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    expected = await keys(store, carla, "conexión", corpus)
    assert {"vpn_conexion", "conexiones_sucursal", "cable_red"} <= set(expected)
    for text in ("conexion", "CONEXIÓN", "Conexion", "CONEXION"):
        assert await keys(store, carla, text, corpus) == expected, text
    for text in ("configuracion vpn", "CONFIGURACIÓN VPN"):
        assert (await keys(store, carla, text, corpus))[0] == "vpn_conexion"
    assert "toner" in await keys(store, carla, "TONER", corpus)
    assert "contrasena_restablecer" in await keys(store, carla, "contrasena", corpus)
    assert "wifi_cortes" in await keys(store, carla, "inalambrica", corpus)


async def test_prefixes_match_while_typing(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    found = await keys(store, carla, "impres", corpus)
    assert {"impresora_atasco", "impresora_instalar"} <= set(found)
    assert "printer_drivers" in await keys(store, carla, "print", corpus)
    assert (await keys(store, carla, "configuración de la con", corpus))[0] == "vpn_conexion"
    # A finished word (followed by a space, or not typing) is not a prefix.
    assert "impresora_atasco" not in await keys(store, carla, "impres ", corpus)
    assert "impresora_atasco" not in await keys(store, carla, "impres", corpus, typing=False)


async def test_plural_and_singular_find_each_other(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    assert "impresora_atasco" in await keys(store, carla, "impresoras", corpus, typing=False)
    assert "printer_drivers" in await keys(store, carla, "printer", corpus, typing=False)  # "printers"
    assert "body_only_printer" in await keys(store, carla, "printers", corpus, typing=False)
    assert "vpn_conexion" in await keys(store, carla, "conexiones", corpus, typing=False)
    assert "conexiones_sucursal" in await keys(store, carla, "conexión", corpus, typing=False)
    assert "licencias_office" in await keys(store, carla, "licencia", corpus, typing=False)
    assert "cuenta_bloqueada" in await keys(store, carla, "cuentas bloqueadas", corpus, typing=False)
    assert "mobile_app" in await keys(store, carla, "mobile apps", corpus, typing=False)


async def test_a_title_match_ranks_above_a_body_match(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    # "contraseña" four times in the body of the policy; once in the title of the reset article.
    found = await keys(store, carla, "contraseña", corpus, typing=False)
    assert found.index("contrasena_restablecer") < found.index("contrasena_politica")
    # "printer" four times in the body of the office-moves article.
    found = await keys(store, carla, "printer", corpus, typing=False)
    assert found[0] == "printer_drivers"
    assert found.index("printer_drivers") < found.index("body_only_printer")
    # A tag match also beats a body-only match.
    found = await keys(store, carla, "seguridad", corpus, typing=False)
    assert found.index("correo_spam") < found.index("correo_movil")


async def test_customers_never_find_internal_articles(org: Org, corpus: dict[str, int]) -> None:
    store = org.store
    internal = {key for key, *_rest, visibility, _body in ARTICLES if visibility == "internal"}
    queries = ["firewall", "cortafuegos", "dns", "empleado", "cierre contable", "copias", "tokens",
               "database connections", "new hire", "streaming", "nodo secundario"]  # fmt: skip
    for customer in (org.acme1, org.globex, org.clerk, org.msp):
        for text in queries:
            assert not set(await keys(store, customer, text, corpus)) & internal, (customer.username, text)
        assert not set(h.id for h in await store.kb.suggest(customer, "reinicio del firewall")) & {
            corpus[k] for k in internal
        }
    # Staff find them.
    assert "firewall_interno" in await keys(store, org.agent_net, "cortafuegos", corpus)
    assert "firewall_interno" in await keys(store, org.admin, "firewall", corpus)


async def test_retired_articles_are_never_found(org: Org, corpus: dict[str, int]) -> None:
    store = org.store
    for actor in (org.acme1, org.agent_net, org.sup_net, org.admin):
        assert "proxy_antiguo" not in await keys(store, actor, "proxy", corpus)
        assert "sistema_viejo" not in await keys(store, actor, "nóminas", corpus)
        assert corpus["proxy_antiguo"] not in {h.id for h in await store.kb.suggest(actor, "proxy antiguo")}
        assert corpus["proxy_antiguo"] not in {h.id for h in await store.kb.recent(actor, limit=100)}


async def test_all_words_first_then_any(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    # Both words: only the article with both.
    assert await keys(store, carla, "vpn lenta", corpus, typing=False) == ["vpn_lenta"]
    # No article has all three: the ones with any of them, best first.
    found = await keys(store, carla, "vpn impresora zzzz", corpus, typing=False)
    assert found and set(found) & {"vpn_lenta", "vpn_conexion", "impresora_atasco"}
    assert await keys(store, carla, "qqqqxyz", corpus) == []
    assert await keys(store, carla, "  ", corpus) == []


async def test_suggestions_for_a_case_subject(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    names = {v: k for k, v in corpus.items()}
    hits = await store.kb.suggest(carla, "La impresora del segundo piso se atasca", limit=5)
    assert names[hits[0].id] == "impresora_atasco"
    assert len(hits) <= 5
    hits = await store.kb.suggest(carla, "No me acuerdo de mi contraseña")
    assert names[hits[0].id] == "contrasena_restablecer"
    hits = await store.kb.suggest(carla, "I forgot my password")
    assert names[hits[0].id] == "password_reset"
    assert await store.kb.suggest(carla, "") == ()


async def test_snippets_highlight_the_matched_words(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    hit = (await store.kb.search(carla, "papel", typing=False))[0]
    assert hit.id == corpus["impresora_atasco"]
    assert hit.snippet_spans
    assert all(hit.snippet[s:e].lower() == "papel" for s, e in hit.snippet_spans)
    hits = await store.kb.search(carla, "conexion", typing=False)
    hit = next(h for h in hits if h.id == corpus["vpn_conexion"])
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["conexión"]
    # Markdown marks are not in the snippet.
    hit = (await store.kb.search(carla, "forticlient", typing=False))[0]
    assert "**" not in hit.snippet and "##" not in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["FortiClient"]


async def test_hostile_queries_are_just_words(org: Org, corpus: dict[str, int]) -> None:
    store, carla = org.store, org.acme1
    for text in ['"', "vpn OR", "NEAR(a b)", "a:* & !b", "vpn\x00", "'; DROP TABLE kb_articles; --",
                 "(((", "*", "-vpn", "^vpn", "col:vpn", "ä" * 300]:  # fmt: skip
        await store.kb.search(carla, text)
        await store.kb.suggest(carla, text)
    assert "vpn_conexion" in await keys(store, carla, "vpn OR", corpus)


def test_query_words_reach_the_database_as_letters_and_digits_only() -> None:
    from helpdesk_tui.store import kb_text

    for text in ['"', "a OR b", 'NEAR(a b) "x"*', "a:* & !b | c", "\x00\x1b[2J", "'; --", "ñandú's café"]:
        for word in kb_text.parse(text):
            assert all(form.isalnum() for form in word.forms), text
            assert word.prefix is None or word.prefix.isalnum(), text


def test_what_a_query_means() -> None:
    from helpdesk_tui.store import kb_text

    words = kb_text.parse("La impresora de la ofic")
    assert [w.forms[0] for w in words] == ["impresora", "ofic"]  # stop words left out
    assert [w.prefix for w in words] == [None, "ofic"]  # the word being typed is a prefix
    assert "impresor" in words[0].forms  # its Spanish stem
    assert kb_text.parse("impresora ")[0].prefix is None  # a finished word
    assert kb_text.parse("i")[0].prefix is None  # one letter is too little for a prefix
    assert [w.forms[0] for w in kb_text.parse("de la")] == ["de", "la"]  # only stop words: kept
    assert kb_text.parse("¡¿ !") == []
