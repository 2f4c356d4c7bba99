"""`helpdesk kb ...` and `helpdesk ticket solution`: writing, reading, searching, history,
figures, and the refusals (exit statuses, one line on standard error)."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import (  # noqa: F401 - fixtures
    HOSTILE,
    Run,
    as_json,
    clean_environment,
    hd,
    new_ticket,
    ok,
    org_template,
    refused,
)

BODY = "## Pasos\n\n1. Abra el **cliente VPN**.\n2. Escriba el servidor.\n"


def add(hd: Run, *args: str, body: str = BODY, who: str = "ana") -> dict:
    return as_json(hd("--as", who, "kb", "add", *args, "--json", input=body))


def test_add_show_and_search(hd: Run, tmp_path: Path) -> None:
    article = add(hd, "--title", "Conexión VPN desde casa", "--tags", "vpn,Remoto", "--tag", "casa", "--area", "Redes")
    assert article["title"] == "Conexión VPN desde casa"
    assert article["tags"] == ["vpn", "remoto", "casa"]
    assert article["area"] == "Redes" and article["visibility"] == "public" and article["author"] == "ana"
    body_file = tmp_path / "body.md"
    body_file.write_text("Solo para el equipo.", encoding="utf-8")
    internal = as_json(hd("--as", "ana", "kb", "add", "--title", "Clave del concentrador VPN", "--internal",
                          "--body-file", str(body_file), "--json"))  # fmt: skip
    assert internal["visibility"] == "internal" and internal["body"] == "Solo para el equipo."

    shown = as_json(hd("--as", "carla", "kb", "show", str(article["id"]), "--json"))
    assert shown["body"] == BODY.strip("\n")
    text = ok(hd("--as", "carla", "kb", "show", str(article["id"]))).stdout
    assert "Conexión VPN desde casa" in text and "Redes" in text

    hits = as_json(hd("--as", "carla", "kb", "search", "conexion", "--json"))
    assert [h["id"] for h in hits] == [article["id"]]
    assert hits[0]["title_spans"] == [[0, 8]]
    # Customers never get the internal one; staff do.
    assert [h["id"] for h in as_json(hd("--as", "carla", "kb", "search", "vpn", "--json"))] == [article["id"]]
    assert {h["id"] for h in as_json(hd("--as", "sara", "kb", "search", "vpn", "--json"))} == {
        article["id"], internal["id"]
    }
    text = ok(hd("--as", "carla", "kb", "search", "VPN", "casa")).stdout
    assert f"#{article['id']}" in text and "Conexión VPN desde casa" in text
    assert ok(hd("--as", "carla", "kb", "search", "nada-parecido")).stdout.strip() == "no articles"
    listed = as_json(hd("--as", "carla", "kb", "list", "--json"))
    assert [h["id"] for h in listed] == [article["id"]]


def test_edit_retire_restore_and_history(hd: Run) -> None:
    article = add(hd, "--title", "Impresora atascada", "--area", "Mesa de ayuda")
    ref = str(article["id"])
    edited = as_json(hd("--as", "sara", "kb", "edit", ref, "--title", "Impresora atascada en el piso 2",
                        "--tags", "impresoras", "--area", "", "--if-version", "1", "--json"))  # fmt: skip
    assert edited["version"] == 2 and edited["area"] is None and edited["tags"] == ["impresoras"]
    refused(hd("--as", "ana", "kb", "edit", ref, "--title", "Otro", "--if-version", "1"), 4, "version 2")
    ok(hd("--as", "ana", "kb", "edit", ref, "--body-file", "-", input="Nuevo cuerpo"))
    assert as_json(hd("--as", "ana", "kb", "show", ref, "--json"))["body"] == "Nuevo cuerpo"
    assert "retired" in ok(hd("--as", "ana", "kb", "retire", ref)).stdout
    refused(hd("--as", "carla", "kb", "show", ref), 3, "not found")
    assert as_json(hd("--as", "carla", "kb", "search", "impresora", "--json")) == []
    ok(hd("--as", "ana", "kb", "restore", ref))
    history = as_json(hd("--as", "luis", "kb", "history", ref, "--json"))
    assert [(r["version"], r["action"], r["editor"]) for r in history] == [
        (1, "created", "ana"), (2, "edited", "sara"), (3, "edited", "ana"), (4, "retired", "ana"),
        (5, "restored", "ana"),
    ]  # fmt: skip
    text = ok(hd("--as", "luis", "kb", "history", ref)).stdout
    assert "v5" in text and "put back in use" in text
    refused(hd("--as", "carla", "kb", "history", ref), 1, "only staff")


def test_refusals(hd: Run) -> None:
    refused(hd("--as", "carla", "kb", "add", "--title", "x", input="y"), 1, "may not write")
    refused(hd("--as", "ana", "kb", "add", "--title", " ", input=" "), 1, "title")
    refused(hd("--as", "ana", "kb", "add", "--title", "x", "--area", "Nowhere", input="y"), 1, "no such area")
    refused(hd("--as", "ana", "kb", "add", "--title", "x", "--body-file", "/nonexistent/file"), 2, "cannot read")
    refused(hd("--as", "ana", "kb", "show", "424242"), 3, "not found")
    refused(hd("--as", "carla", "kb", "stats"), 1, "only staff")
    refused(hd("kb", "search", "vpn"), 2, "--as")


def test_hostile_text_prints_literally(hd: Run) -> None:
    article = add(hd, "--title", f"VPN {HOSTILE}", body=f"cuerpo {HOSTILE}\x1b[2J")
    out = ok(hd("--as", "carla", "kb", "show", str(article["id"]))).stdout
    assert "\x1b" not in out and "\x07" not in out and "[@click=app.quit]x" in out
    out = ok(hd("--as", "carla", "kb", "search", "cuerpo")).stdout
    assert "\x1b" not in out and "\x07" not in out


def test_ticket_solution_and_stats(hd: Run) -> None:
    article = add(hd, "--title", "La VPN se cae cada diez minutos", "--area", "Redes")
    internal = add(hd, "--title", "Nota interna sobre la VPN", "--internal")
    ticket = new_ticket(hd, "carla")
    number = ticket["number"]
    detail = as_json(hd("--as", "sara", "ticket", "solution", number, str(article["id"]), "--json"))
    assert detail["solution"] == {"id": article["id"], "title": article["title"], "visibility": "public"}
    assert detail["events"][-1]["kind"] == "solution_linked"
    seen = as_json(hd("--as", "carla", "ticket", "show", number, "--json"))
    assert seen["solution"]["id"] == article["id"]
    # The printed bitácora names the entry in words, not by its internal kind.
    printed = ok(hd("--as", "carla", "ticket", "show", number)).stdout
    assert "Solution article linked" in printed and "solution_linked" not in printed
    out = ok(hd("--as", "sara", "ticket", "solution", number, str(internal["id"]))).stdout
    assert number in out
    assert as_json(hd("--as", "carla", "ticket", "show", number, "--json"))["solution"] is None
    refused(hd("--as", "carla", "ticket", "solution", number, str(article["id"])), 1, "only staff")
    refused(hd("--as", "sara", "ticket", "solution", number, "9999"), 3, "not found")
    stats = as_json(hd("--as", "sara", "kb", "stats", "--json"))
    assert stats["articles"] == {"public": 1, "internal": 1, "retired": 0}
    assert stats["solutions_by_article"] == [{"id": internal["id"], "title": internal["title"], "count": 1}]
    text = ok(hd("--as", "sara", "kb", "stats")).stdout
    assert "Deflected cases: 0" in text


def test_spanish_output(hd: Run) -> None:
    add(hd, "--title", "Impresora atascada")
    out = ok(hd("--lang", "es", "--as", "carla", "kb", "search", "zzzz")).stdout
    assert out.strip() == "no hay artículos"
    out = ok(hd("--lang", "es", "--as", "sara", "kb", "stats")).stdout
    assert "Casos evitados: 0" in out
