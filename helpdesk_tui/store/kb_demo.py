"""The demo organisation's knowledge base: a dozen Spanish and English articles for its areas
(Redes, Mesa de ayuda, Aplicaciones), public and internal, written by its staff over the last
weeks, one of them edited once and one retired (so history and retiring can be tried)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from helpdesk_tui.store import clock

if TYPE_CHECKING:
    from helpdesk_tui.store import Store

# (author, days ago, title, tags, area, visibility, body)
DEMO_ARTICLES: tuple[tuple[str, int, str, str, str, str, str], ...] = (
    ("camila", 40, "Configurar la VPN en el portátil", "vpn,acceso remoto", "Redes", "public",
     "## Antes de empezar\n\nNecesita el cliente **FortiClient** y su usuario de dominio.\n\n"
     "1. Abra FortiClient y elija *Acceso remoto*.\n2. Servidor: `vpn.soporte-ti.example`.\n"
     "3. Escriba su usuario y contraseña y acepte el certificado.\n\n"
     "Si la conexión se cae cada pocos minutos, pruebe con la red cableada antes de abrir un caso."),
    ("camila", 33, "La wifi se desconecta cada pocos minutos", "wifi,cortes", "Redes", "public",
     "Los cortes breves suelen venir del **ahorro de energía** de la tarjeta de red.\n\n"
     "- Windows: Administrador de dispositivos → tarjeta inalámbrica → *Administración de energía*.\n"
     "- Acérquese al punto de acceso de su sala y vuelva a probar.\n\n"
     "Si varias personas de la misma sala tienen el mismo problema, abra un caso indicando la sala."),
    ("mateo", 21, "Wireless network for visitors", "wifi,guests", "Redes", "public",
     "Visitors join the **Invitados** network. Reception hands out the weekly password; it changes "
     "every Monday. The guest network reaches the internet only, never the company's systems."),
    ("sofia", 15, "Procedimiento interno: cambios en el firewall", "firewall,cambios", "Redes", "internal",
     "Solo personal de Redes.\n\n1. Registre el cambio con origen, destino y puerto.\n"
     "2. Pida la aprobación de la supervisora del área.\n3. Aplique fuera del horario laboral y "
     "deje constancia en la bitácora del caso."),
    ("julian", 38, "Restablecer la contraseña", "contraseña,cuenta", "Mesa de ayuda", "public",
     "Use el **portal de autoservicio** y responda sus preguntas de seguridad. La nueva contraseña "
     "debe tener doce caracteres y no repetir las tres anteriores.\n\n"
     "¿Cuenta bloqueada? Espere quince minutos o llame a la mesa de ayuda."),
    ("julian", 30, "La impresora se atasca o no imprime", "impresora,papel", "Mesa de ayuda", "public",
     "1. Abra la bandeja trasera y retire la hoja con cuidado.\n2. Apague la impresora treinta "
     "segundos.\n3. Si la cola sigue detenida, quite los trabajos pendientes y vuelva a imprimir.\n\n"
     "Para pedir tóner, indique el modelo que aparece en la etiqueta frontal."),
    ("mateo", 26, "Set up company e-mail on your phone", "email,mobile", "Mesa de ayuda", "public",
     "Install **Outlook**, add your work account and accept the security policies. Your phone must "
     "have a screen lock; the company can erase company data if the phone is lost."),
    ("andres", 12, "Alta de personas nuevas: lista de tareas", "altas,cuentas", "Mesa de ayuda", "internal",
     "- Crear la cuenta en el directorio y asignar licencias.\n- Preparar el portátil con la imagen "
     "estándar.\n- Agregar a los grupos del área.\n- Entregar el equipo el primer día con la guía de bienvenida."),
    ("valentina", 35, "Error al emitir una factura en el ERP", "erp,facturación", "Aplicaciones", "public",
     "Compruebe que el cliente tenga **NIT** y dirección de facturación, y que el periodo contable "
     "esté abierto. Si el error persiste, adjunte una captura del mensaje al abrir el caso."),
    ("valentina", 18, "Slow screens in the customer portal", "web,portal,performance", "Aplicaciones", "public",
     "Clear the browser cache or try a private window. If a page still takes more than ten seconds, "
     "open a case with the page address and the exact time."),
    ("sofia", 9, "Copias de seguridad de la base de datos", "base de datos,copias", "Aplicaciones", "internal",
     "Copias completas cada noche a las 02:00 y diferenciales cada cuatro horas. Se guardan treinta "
     "días. Las restauraciones las aprueba la supervisora de Aplicaciones."),
    ("valentina", 60, "Exportar informes del sistema anterior", "informes,excel", "Aplicaciones", "public",
     "El sistema anterior de informes fue reemplazado por el portal de clientes."),
)
EDITED = "Configurar la VPN en el portátil"
RETIRED = "Exportar informes del sistema anterior"


async def load_demo_articles(store: Store) -> int:
    """Write the demo articles (the demo loader calls this once); returns how many."""
    end = clock.now()
    ids: dict[str, int] = {}
    for author, days, title, tags, area, visibility, body in DEMO_ARTICLES:
        actor = await store.catalog.actor(author)
        with clock.frozen_at(end - timedelta(days=days)):
            article = await store.kb.create(actor, title=title, body=body, tags=tags, area=area, visibility=visibility)
        ids[title] = article.id
    with clock.frozen_at(end - timedelta(days=5)):
        editor = await store.catalog.actor("mateo")
        first = await store.kb.show(editor, ids[EDITED])
        await store.kb.edit(editor, ids[EDITED], body=first.body + "\n\nEn macOS el cliente se instala desde el *Centro de software*.")
        await store.kb.retire(await store.catalog.actor("sofia"), ids[RETIRED])
    return len(ids)
