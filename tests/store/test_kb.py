"""The knowledge base's rules (K1, K3) per role, on SQLite and PostgreSQL: who writes, who reads
what, revisions, retiring, deflected cases and solutions linked to tickets."""

from __future__ import annotations

import pytest

from helpdesk_tui.store.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from tests.conftest import Org
from tests.store.helpers import new_ticket

STAFF = ("admin", "sup_net", "sup_desk", "agent_net", "agent_desk")
NON_STAFF = ("acme1", "acme2", "globex", "msp", "clerk")


async def two_articles(org: Org) -> tuple[int, int]:
    public = await org.store.kb.create(
        org.agent_net, title="Reiniciar el router", body="Apague y encienda.", tags="redes, Router ", area="Networks"
    )
    internal = await org.store.kb.create(
        org.agent_net, title="Clave del router", body="La clave está en el gestor.", visibility="internal"
    )
    return public.id, internal.id


@pytest.mark.parametrize("who", STAFF)
async def test_staff_with_kb_edit_write_articles(org: Org, who: str) -> None:
    actor = getattr(org, who)
    article = await org.store.kb.create(actor, title="Título", body="Cuerpo", tags=["a", "B", "a"])
    assert article.author == actor.username
    assert article.tags == ("a", "b")
    assert article.version == 1 and article.visibility == "public" and not article.retired


@pytest.mark.parametrize("who", NON_STAFF)
async def test_customers_and_users_may_not_write(org: Org, who: str) -> None:
    public, _internal = await two_articles(org)
    actor = getattr(org, who)
    with pytest.raises(NotPermitted):
        await org.store.kb.create(actor, title="x", body="y")
    with pytest.raises(NotPermitted):
        await org.store.kb.edit(actor, public, title="x")
    with pytest.raises(NotPermitted):
        await org.store.kb.retire(actor, public)


async def test_a_revoked_kb_edit_and_a_granted_one(org: Org) -> None:
    await org.store.catalog.grant(None, "ana", "kb.edit", False)
    ana = await org.refresh("agent_net")
    with pytest.raises(NotPermitted):
        await org.store.kb.create(ana, title="x", body="y")
    # A customer granted kb.edit still is not staff: articles are written by staff only.
    await org.store.catalog.grant(None, "carla", "kb.edit", True)
    carla = await org.refresh("acme1")
    with pytest.raises(NotPermitted):
        await org.store.kb.create(carla, title="x", body="y")


@pytest.mark.parametrize("who", NON_STAFF)
async def test_customers_read_public_articles_only(org: Org, who: str) -> None:
    public, internal = await two_articles(org)
    actor = getattr(org, who)
    assert (await org.store.kb.show(actor, public)).title == "Reiniciar el router"
    with pytest.raises(NotFound):
        await org.store.kb.show(actor, internal)
    assert [h.id for h in await org.store.kb.recent(actor)] == [public]
    assert [h.id for h in await org.store.kb.search(actor, "router")] == [public]
    with pytest.raises(NotPermitted):
        await org.store.kb.history(actor, public)


@pytest.mark.parametrize("who", STAFF)
async def test_staff_read_internal_articles(org: Org, who: str) -> None:
    public, internal = await two_articles(org)
    actor = getattr(org, who)
    assert (await org.store.kb.show(actor, internal)).visibility == "internal"
    assert {h.id for h in await org.store.kb.search(actor, "router")} == {public, internal}


async def test_bad_input_is_refused_per_field(org: Org) -> None:
    kb = org.store.kb
    with pytest.raises(ValidationFailed) as refused:
        await kb.create(org.agent_net, title="  ", body="\n", visibility="secret", tags=["x" * 41])
    assert set(refused.value.errors) == {"title", "body", "visibility", "tags"}
    with pytest.raises(ValidationFailed) as refused:
        await kb.create(org.agent_net, title="t" * 201, body="b", area="Nowhere")
    assert set(refused.value.errors) == {"title"}
    with pytest.raises(ValidationFailed) as refused:
        await kb.create(org.agent_net, title="t", body="b", area="Nowhere")
    assert set(refused.value.errors) == {"area"}


async def test_untrusted_text_is_cleaned_before_storing(org: Org) -> None:
    article = await org.store.kb.create(
        org.agent_net, title="Wifi\x1b[2J [/] \u202eroto\nlínea", body="a\x07b\n[@click=app.quit]x", tags="\x1b]52;c;x\x07tag"
    )
    assert article.title == "Wifi [/] roto línea"
    assert article.body == "ab\n[@click=app.quit]x"
    assert article.tags == ("tag",)


async def test_every_change_is_a_revision(org: Org) -> None:
    kb = org.store.kb
    public, _internal = await two_articles(org)
    await kb.edit(org.sup_net, public, version=1, body="Apague, espere 10 s y encienda.", tags="router")
    await kb.edit(org.agent_desk, public, title="Reiniciar el router de la oficina", area=None)
    await kb.retire(org.agent_net, public)
    await kb.restore(org.admin, public)
    history = await kb.history(org.agent_desk, public)
    assert [(r.version, r.action, r.editor) for r in history] == [
        (1, "created", "ana"), (2, "edited", "sara"), (3, "edited", "luis"), (4, "retired", "ana"),
        (5, "restored", "root"),
    ]  # fmt: skip
    assert history[0].body == "Apague y encienda." and history[1].body.startswith("Apague, espere")
    assert history[0].area == "Networks" and history[2].area is None
    assert history[0].tags == ("redes", "router") and history[1].tags == ("router",)
    assert history[3].retired and not history[4].retired
    article = await kb.show(org.acme1, public)
    assert article.version == 5 and article.title == "Reiniciar el router de la oficina"


async def test_a_stale_edit_is_a_conflict_and_nothing_to_change_is_refused(org: Org) -> None:
    kb = org.store.kb
    public, _internal = await two_articles(org)
    await kb.edit(org.sup_net, public, version=1, title="Nuevo título")
    with pytest.raises(Conflict):
        await kb.edit(org.agent_net, public, version=1, title="Otro título")
    with pytest.raises(ValidationFailed):
        await kb.edit(org.agent_net, public, title="Nuevo título")
    assert len(await kb.history(org.admin, public)) == 2


async def test_edits_reach_the_search(org: Org) -> None:
    kb = org.store.kb
    public, _internal = await two_articles(org)
    await kb.edit(org.agent_net, public, title="Impresora sin tinta", body="Cambie el cartucho.", tags="")
    assert await kb.search(org.acme1, "router") == ()
    assert [h.id for h in await kb.search(org.acme1, "impresoras")] == [public]
    await kb.edit(org.agent_net, public, visibility="internal")
    assert await kb.search(org.acme1, "impresora") == ()


async def test_retired_articles(org: Org) -> None:
    kb = org.store.kb
    public, _internal = await two_articles(org)
    await kb.retire(org.agent_net, public)
    with pytest.raises(ValidationFailed):
        await kb.retire(org.agent_net, public)
    for who in NON_STAFF:
        with pytest.raises(NotFound):
            await kb.show(getattr(org, who), public)
    for who in STAFF:
        assert public not in {h.id for h in await kb.search(getattr(org, who), "router reiniciar")}
    # Editors still open it (to read its history or restore it).
    assert (await kb.show(org.agent_net, public)).retired
    await kb.restore(org.agent_net, public)
    assert [h.id for h in await kb.search(org.acme1, "reiniciar")] == [public]


async def test_deflected_cases_are_counted_for_staff(org: Org) -> None:
    kb = org.store.kb
    public, internal = await two_articles(org)
    assert await kb.record_deflection(org.acme1, [public, public], "El router no va") == 1
    # A customer cannot record (nor learn about) an internal article.
    assert await kb.record_deflection(org.globex, [internal, public]) == 1
    assert await kb.record_deflection(org.acme1, []) == 0
    stats = await kb.stats(org.sup_net)
    assert stats.deflected_cases == 2
    assert [(c.id, c.count) for c in stats.deflections_by_article] == [(public, 2)]
    assert (stats.public, stats.internal, stats.retired) == (1, 1, 0)
    with pytest.raises(NotPermitted):
        await kb.stats(org.acme1)


async def test_linking_a_public_solution(org: Org) -> None:
    kb, tickets = org.store.kb, org.store.tickets
    public, _internal = await two_articles(org)
    ticket_id = await new_ticket(org)
    before = (await tickets.show(org.admin, ticket_id)).ticket.version
    await kb.link_solution(org.sup_net, f"HD-{ticket_id:06d}", public)
    detail = await tickets.show(org.acme1, ticket_id)
    assert detail.solution == {"id": public, "title": "Reiniciar el router", "visibility": "public"}
    assert detail.ticket.version == before + 1
    event = detail.events[-1]
    assert (event.kind, event.visibility, event.actor) == ("solution_linked", "public", "sara")
    assert event.data["article_id"] == public
    assert detail.to_json()["solution"]["id"] == public
    with pytest.raises(ValidationFailed):
        await kb.link_solution(org.sup_net, ticket_id, public)
    stats = await kb.stats(org.admin)
    assert [(c.id, c.count) for c in stats.solutions_by_article] == [(public, 1)]


async def test_an_internal_solution_stays_with_staff(org: Org) -> None:
    kb, tickets = org.store.kb, org.store.tickets
    public, internal = await two_articles(org)
    ticket_id = await new_ticket(org)
    await kb.link_solution(org.sup_net, ticket_id, internal)
    customer_view = await tickets.show(org.acme1, ticket_id)
    assert customer_view.solution is None
    assert all(e.kind != "solution_linked" for e in customer_view.events)
    staff_view = await tickets.show(org.sup_net, ticket_id)
    assert staff_view.solution is not None and staff_view.solution["id"] == internal
    assert staff_view.events[-1].visibility == "internal"
    # Replacing it by a public one shows it to the customer.
    await kb.link_solution(org.sup_net, ticket_id, public)
    assert (await tickets.show(org.acme1, ticket_id)).solution["id"] == public  # type: ignore[index]
    # A retired solution is no longer shown to the customer.
    await kb.retire(org.agent_net, public)
    assert (await tickets.show(org.acme1, ticket_id)).solution is None


async def test_who_may_link_a_solution(org: Org) -> None:
    kb = org.store.kb
    public, _internal = await two_articles(org)
    ticket_id = await new_ticket(org)
    for who in NON_STAFF:
        with pytest.raises(NotPermitted):
            await kb.link_solution(getattr(org, who), ticket_id, public)
    # Luis (agent of another area) does not see the ticket.
    with pytest.raises(NotFound):
        await kb.link_solution(org.agent_desk, ticket_id, public)
    with pytest.raises(NotFound):
        await kb.link_solution(org.sup_net, ticket_id, 999_999)
    with pytest.raises(NotFound):
        await kb.link_solution(org.sup_net, "nonsense", public)


async def test_demo_articles(store) -> None:
    from helpdesk_tui.store.demo import _add_organisation
    from helpdesk_tui.store.kb_demo import DEMO_ARTICLES, EDITED, load_demo_articles

    await _add_organisation(store)
    assert await load_demo_articles(store) == len(DEMO_ARTICLES) >= 12
    stats = await store.kb.stats(None)
    assert stats.internal >= 3 and stats.retired == 1 and stats.public >= 8
    customer = await store.catalog.actor("lmartinez")
    hits = await store.kb.search(customer, "vpn")
    assert hits and hits[0].title == EDITED and all(h.visibility == "public" for h in hits)
    assert [r.action for r in await store.kb.history(None, hits[0].id)] == ["created", "edited"]
    english = await store.kb.suggest(customer, "wifi password for guests")
    assert "Wireless network for visitors" in [h.title for h in english[:3]]
