"""Knowledge-base benchmark: 10k articles, then search and per-keystroke suggestion latency.

    .venv/bin/python bench/bench_kb.py [--articles 10000] [--backend sqlite|postgresql|both]
        [--repeat 30]

SQLite: a file in a temporary folder (removed at the end). PostgreSQL: its own schema
`hd_bench_kb_<pid>` on $HELPDESK_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/test),
dropped at the end. The articles are written in bulk with the store's own indexing function
(`kb_text.index_text`), so the search sees exactly what `KbStore.create` would have written.
Figures only: nothing here asserts on time (the aim is under 20 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from helpdesk_tui.store import Store, clock, open_store  # noqa: E402
from helpdesk_tui.store.kb import search_columns  # noqa: E402
from helpdesk_tui.store.models import KbArticle  # noqa: E402

PG_URL = os.environ.get("HELPDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
AIM_MS = 20.0

WORDS_ES = """
impresora red conexión contraseña correo cuenta usuario acceso servidor equipo portátil pantalla
teclado ratón archivo carpeta informe factura cliente pedido sistema aplicación error fallo
mensaje configuración instalación actualización licencia permiso grupo dominio certificado
navegador página portal formulario base datos copia seguridad respaldo restauración tienda
bodega inventario nómina empleado contrato proveedor pago cobro banco tarjeta teléfono móvil
llamada reunión sala oficina sede edificio piso cable puerto router punto inalámbrica wifi vpn
firewall proxy dns dirección nombre clave bloqueo desbloqueo reinicio apagado lentitud velocidad
memoria disco espacio cuota buzón adjunto enlace descarga carga sincronización calendario tarea
""".split()
WORDS_EN = """
printer network connection password email account user access server computer laptop screen
keyboard mouse file folder report invoice customer order system application error failure
message settings install update license permission group domain certificate browser page portal
form database backup restore store warehouse stock payroll employee contract supplier payment
bank card phone mobile call meeting room office building floor cable port router wireless
firewall proxy address name lock unlock restart shutdown slow speed memory disk space quota
mailbox attachment link download upload sync calendar task
""".split()
VERBS = """
configurar instalar reiniciar cambiar solicitar revisar abrir cerrar conectar imprimir enviar
recibir exportar importar configure install restart change request check open close connect
print send receive export import
""".split()
FILLER = "el la los las de del en con para por que un una y o the a an to of in for with and or".split()
RARE = "xilófono"  # in five articles only


def _zipf(rng: random.Random, words: list[str]) -> str:
    index = min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)
    return words[index]


def make_article(rng: random.Random, number: int) -> tuple[str, str, str, str]:
    words = WORDS_ES if number % 3 else WORDS_EN
    shuffled = words[:]
    rng.shuffle(shuffled)
    title = " ".join([rng.choice(VERBS), *(_zipf(rng, shuffled) for _ in range(rng.randint(3, 6)))])
    sentences = []
    for _ in range(rng.randint(5, 12)):
        sentence = [rng.choice(FILLER) if rng.random() < 0.35 else _zipf(rng, shuffled) for _ in range(rng.randint(8, 16))]
        sentences.append(" ".join(sentence).capitalize() + ".")
    body = "\n\n".join(sentences)
    if number % 2000 == 11:
        body += f" Un {RARE} en la sala."
    tags = ",".join(sorted({_zipf(rng, shuffled) for _ in range(rng.randint(1, 3))}))
    return title.capitalize(), body, tags, "internal" if number % 7 == 0 else "public"


async def seed(store: Store, count: int) -> None:
    rng = random.Random(5)
    author = await store.catalog.add_user(None, "bench_agent", role="agent")
    await store.catalog.add_user(None, "bench_customer", role="customer")
    now = clock.now()
    batch: list[dict] = []
    for number in range(count):
        title, body, tags, visibility = make_article(rng, number)
        batch.append(
            dict(
                title=title, body=body, tags=tags, area_id=None, visibility=visibility, retired=False,
                author_id=author.id, created_at=now, updated_at=now, version=1,
                **search_columns(title, body, tags, visibility, False),
            )
        )  # fmt: skip
        if len(batch) == 1000:
            async with store.db.write() as session:
                await session.execute(insert(KbArticle), batch)
            batch = []
    if batch:
        async with store.db.write() as session:
            await session.execute(insert(KbArticle), batch)
    if store.db.dialect == "postgresql":
        async with store.db.engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE kb_articles")


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    flag = "" if p95 < AIM_MS else "  (over the aim)"
    return f"min {ordered[0]:6.2f}  median {statistics.median(ordered):6.2f}  p95 {p95:6.2f}  max {ordered[-1]:6.2f} ms{flag}"


async def measure(store: Store, repeat: int) -> None:
    customer = await store.catalog.actor("bench_customer")
    agent = await store.catalog.actor("bench_agent")
    queries = [
        ("common word 'error'", "error", False),
        ("common word 'impresora' (plural/stem)", "impresoras", False),
        (f"rare word '{RARE}'", RARE, False),
        ("prefix 'conf' (typing)", "conf", True),
        ("prefix 'i' (one letter)", "i", True),
        ("two words 'impresora red'", "impresora red", False),
        ("no match 'qqqzzz'", "qqqzzz", False),
    ]
    for label, text, typing in queries:
        for who, actor in (("customer", customer), ("agent", agent)):
            await store.kb.search(actor, text, typing=typing)  # warm
            samples = []
            found = 0
            for _ in range(repeat):
                started = time.perf_counter()
                hits = await store.kb.search(actor, text, limit=10, typing=typing)
                samples.append((time.perf_counter() - started) * 1000)
                found = len(hits)
            print(f"  search {label:40} {who:8} {found:2} hits  {_ms(samples)}")
    subject = "No puedo imprimir en la impresora de la oficina"
    for who, actor in (("customer", customer), ("agent", agent)):
        samples = []
        for _ in range(max(1, repeat // 10)):
            for end in range(1, len(subject) + 1):
                started = time.perf_counter()
                await store.kb.suggest(actor, subject[:end], limit=5)
                samples.append((time.perf_counter() - started) * 1000)
        print(f"  suggestion per keystroke ({len(subject)} keys) {who:8}        {_ms(samples)}")


async def run(backend: str, count: int, repeat: int) -> None:
    folder = None
    schema = None
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="hd_bench_kb_")
        store = await open_store(str(Path(folder) / "kb.db"))
    else:
        schema = f"hd_bench_kb_{os.getpid()}"
        store = await open_store(PG_URL, schema=schema)
    try:
        started = time.perf_counter()
        await seed(store, count)
        print(f"{backend}: {count} articles seeded in {time.perf_counter() - started:.1f} s")
        await measure(store, repeat)
    finally:
        await store.close()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if schema:
            import asyncpg

            conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        asyncio.run(run(backend, args.articles, args.repeat))


if __name__ == "__main__":
    main()
