"""The demo organisation: a believable small Colombian IT help desk to try every role at once.

`load_demo(store)` adds three client accounts, three areas with their categories, staff and
customers, and about two hundred tickets in every state. Each ticket's history is written by
really taking the store's actions (assign, start, wait, comment, resolve, accept, reject,
reopen, cancel, recategorise) as the proper people, with the clock frozen at believable moments
of the last sixty days, so the bitácora, versions and counts are exactly what real use leaves.

Every demo user shares one password, DEMO_PASSWORD ("helpdesk-demo"); the database records it
in the settings "demo" and "demo_password" so the login screen can say so.

Deterministic for a seed (relative to the moment it runs) and idempotent: a second call adds
nothing and returns False.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select, update

from helpdesk_tui.store import Store, clock
from helpdesk_tui.store.auth import hash_password
from helpdesk_tui.store.errors import ValidationFailed
from helpdesk_tui.store.kb_demo import load_demo_articles
from helpdesk_tui.store.models import Account, Area, User
from helpdesk_tui.store.outbox import add_demo_outbox, outbox_muted
from helpdesk_tui.store.permissions import Actor
from helpdesk_tui.store.views import NewTicket

DEMO_PASSWORD = "helpdesk-demo"
DEMO_TICKETS = 200
DEMO_DAYS = 60
BOGOTA = timezone(timedelta(hours=-5))


# ------------------------------------------------------------------------------ people


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    role: str
    email: str
    lang: str = "es"
    accounts: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Client:
    name: str
    environments: tuple[str, ...]
    services: tuple[str, ...]
    reporter_limit: int | None = None
    primary_agent: str | None = None
    weight: float = 1.0


REDES, MESA, APPS = "Redes", "Mesa de ayuda", "Aplicaciones"
AREAS: dict[str, tuple[str, ...]] = {
    REDES: ("Wifi", "VPN", "Firewall"),
    MESA: ("Impresoras", "Cuentas y accesos", "Correo"),
    APPS: ("ERP", "Web", "Base de datos"),
}

ANDINA, CLINICA, FERRETERIA = "Andina Logística", "Clínica del Norte", "Ferretería Sol"

STAFF = (
    Person("admin", "Laura Gómez", "admin", "laura.gomez@soporte-ti.example"),
    Person("sofia", "Sofía Restrepo", "supervisor", "sofia.restrepo@soporte-ti.example", areas=(REDES, APPS)),
    Person("andres", "Andrés Castaño", "supervisor", "andres.castano@soporte-ti.example", areas=(MESA,)),
    Person("camila", "Camila Ortiz", "agent", "camila.ortiz@soporte-ti.example", areas=(REDES,)),
    Person("julian", "Julián Pérez", "agent", "julian.perez@soporte-ti.example", areas=(MESA,)),
    Person("valentina", "Valentina Ríos", "agent", "valentina.rios@soporte-ti.example", areas=(APPS,)),
    Person("mateo", "Mateo Herrera", "agent", "mateo.herrera@soporte-ti.example", areas=(MESA, REDES, APPS)),
)  # fmt: skip

CLIENTS = (
    # Seed 003: at most two reporters per company.
    Client(ANDINA, ("Producción", "Pruebas"), ("WMS Bodega Funza", "Portal de clientes", "Rastreo de flota"),
           reporter_limit=2, weight=0.4),
    Client(CLINICA, ("Sede Norte", "Sede Chapinero"), ("Historia clínica", "Agendamiento web", "Facturación"),
           weight=0.4),
    # I4: a small client routed straight to its primary agent.
    Client(FERRETERIA, ("Tienda principal", "Bodega"), ("Punto de venta", "Tienda en línea"),
           primary_agent="mateo", weight=0.2),
)  # fmt: skip

CUSTOMERS = (
    Person("lmartinez", "Luisa Martínez", "customer", "lmartinez@andina-logistica.example", accounts=(ANDINA,)),
    Person("jcardenas", "Jorge Cárdenas", "customer", "jcardenas@andina-logistica.example", accounts=(ANDINA,)),
    Person("dlopez", "Diana López", "customer", "diana.lopez@clinicadelnorte.example", accounts=(CLINICA,)),
    Person("rvargas", "Ricardo Vargas", "customer", "ricardo.vargas@clinicadelnorte.example", accounts=(CLINICA,)),
    Person("pmoreno", "Pilar Moreno", "customer", "pilar@ferreteriasol.example", accounts=(FERRETERIA,)),
    # Seed 000: an MSP technician who reports for several clients.
    Person("ntorres", "Nicolás Torres", "customer", "ntorres@redes-msp.example", "en",
           accounts=(CLINICA, FERRETERIA)),
    Person("mgarcia", "María García", "user", "maria.garcia@clinicadelnorte.example", accounts=(CLINICA,)),
)  # fmt: skip

PEOPLE = STAFF + CUSTOMERS
GRANTS = (
    ("lmartinez", "ticket.view_account"),  # Andina's IT lead follows every case of her company
    ("mateo", "ticket.assign_self"),  # the generalist takes cases from the queues himself
)
LEADS = {REDES: "sofia", APPS: "sofia", MESA: "andres"}
WORKERS = {REDES: ("camila", "mateo"), MESA: ("julian", "mateo"), APPS: ("valentina", "mateo")}


# ------------------------------------------------------------------------------ cases


@dataclass(frozen=True)
class Case:
    area: str
    category: str
    type: str
    impact: str
    subject: str
    description: str
    english: bool = False


def _cases() -> tuple[Case, ...]:
    c = Case
    return (
        # Redes · Wifi
        c(REDES, "Wifi", "incident", "high", "No hay señal wifi en {lugar}",
          "Desde {cuando} los equipos de {lugar} no encuentran la red inalámbrica.\n"
          "Ya reiniciamos el access point y sigue igual. Afecta a {n} personas."),
        c(REDES, "Wifi", "problem", "medium", "Wifi muy lento en {lugar}",
          "La conexión inalámbrica en {lugar} está lentísima, las páginas tardan más de un minuto "
          "en cargar. Por cable funciona normal."),
        c(REDES, "Wifi", "question", "low", "Clave de la red de invitados",
          "¿Nos pueden indicar la clave nueva de la red de invitados? La de la semana pasada ya no "
          "funciona y tenemos visita de un proveedor."),
        c(REDES, "Wifi", "problem", "medium", "Guest wifi keeps dropping",
          "Visitors lose the guest network every few minutes; the laptops reconnect on their own "
          "but video calls are impossible.", english=True),
        # Redes · VPN
        c(REDES, "VPN", "problem", "medium", "La VPN se desconecta cada {n} minutos",
          "Trabajando desde casa la VPN se cae cada {n} minutos y toca volver a poner el código "
          "del token. Pasa con internet de Claro y de ETB."),
        c(REDES, "VPN", "request", "low", "Acceso VPN para {persona}",
          "Por favor crear acceso VPN para {persona}, quien empieza trabajo remoto el próximo lunes."),
        c(REDES, "VPN", "incident", "high", "VPN: error 809 al conectar",
          "Al conectar la VPN sale «Error 809: no se pudo establecer la conexión». Ningún usuario "
          "remoto puede entrar desde {cuando}."),
        c(REDES, "VPN", "incident", "medium", "Cannot reach the ERP over VPN",
          "The VPN connects fine but the ERP server does not answer; ping times out. "
          "Office users are not affected.", english=True),
        # Redes · Firewall
        c(REDES, "Firewall", "request", "medium", "Abrir puerto {puerto} para {proveedor}",
          "{proveedor} necesita conectarse a nuestro servidor por el puerto {puerto} para la "
          "integración. Adjuntan la IP pública de origen en el correo."),
        c(REDES, "Firewall", "incident", "medium", "El firewall bloquea la página del banco",
          "Desde la actualización del firewall no abre la sucursal virtual del banco en "
          "{lugar}. Tesorería no puede hacer los pagos de hoy."),
        c(REDES, "Firewall", "improvement", "low", "Revisión de reglas antes de la auditoría",
          "La auditoría de sistemas es el próximo mes. Queremos revisar las reglas del firewall "
          "y eliminar las que ya no se usan."),
        c(REDES, "Wifi", "incident", "medium", "Laptop will not join the office wifi",
          "My laptop sees the network but says 'can't connect to this network'. "
          "It worked until yesterday; the phone connects fine.", english=True),
        # Mesa de ayuda · Impresoras
        c(MESA, "Impresoras", "incident", "medium", "Impresora atascada en {lugar}",
          "La impresora de {lugar} muestra atasco de papel pero no tiene ninguna hoja adentro. "
          "Ya la apagamos y prendimos."),
        c(MESA, "Impresoras", "problem", "low", "La impresora de {lugar} imprime hojas en blanco",
          "Todo lo que mandamos a imprimir sale en blanco. El tóner se cambió la semana pasada."),
        c(MESA, "Impresoras", "request", "medium", "Instalar impresora de etiquetas Zebra en {lugar}",
          "Llegó la impresora de etiquetas Zebra para {lugar}. Necesitamos instalarla en los dos "
          "equipos de despachos y configurar el formato de rótulos."),
        c(MESA, "Impresoras", "problem", "low", "Printer shows offline on my laptop",
          "The shared printer appears as offline on my laptop, other people can print to it.",
          english=True),
        # Mesa de ayuda · Cuentas y accesos
        c(MESA, "Cuentas y accesos", "request", "medium", "Crear usuario para {persona} (nuevo ingreso)",
          "{persona} ingresa el lunes. Necesita correo, usuario de dominio y acceso a la carpeta "
          "compartida de su área."),
        c(MESA, "Cuentas y accesos", "incident", "high", "Cuenta bloqueada: {persona}",
          "A {persona} le aparece «cuenta bloqueada» al iniciar sesión y no puede trabajar."),
        c(MESA, "Cuentas y accesos", "request", "low", "Dar de baja el usuario de {persona}",
          "{persona} se retiró de la empresa el viernes. Por favor deshabilitar sus accesos y "
          "redirigir su correo a su jefe inmediato."),
        c(MESA, "Cuentas y accesos", "request", "medium", "Permisos a la carpeta compartida de {dependencia}",
          "Necesito permisos de lectura y escritura en la carpeta compartida de {dependencia}. "
          "Mi jefe ya lo aprobó."),
        c(MESA, "Cuentas y accesos", "request", "medium", "New user account for {persona}",
          "{persona} starts on Monday and needs e-mail, a domain account and the shared drive "
          "of the team.", english=True),
        # Mesa de ayuda · Correo
        c(MESA, "Correo", "incident", "high", "No llegan correos de {proveedor}",
          "Desde {cuando} no recibimos los correos de {proveedor}; ellos dicen que sí los envían. "
          "No están en correo no deseado."),
        c(MESA, "Correo", "problem", "medium", "Buzón lleno: no puedo enviar correos",
          "Me sale el aviso de buzón lleno y los correos se quedan en la bandeja de salida."),
        c(MESA, "Correo", "question", "low", "Configurar el correo en el celular",
          "¿Cómo configuro el correo corporativo en el celular? Tengo un Android."),
        c(MESA, "Correo", "problem", "medium", "Outlook asks for my password all the time",
          "Outlook keeps asking for the password every few minutes even after I type it correctly.",
          english=True),
        # Aplicaciones · ERP
        c(APPS, "ERP", "incident", "high", "Error al cerrar el mes en el ERP",
          "Al ejecutar el cierre de {mes} el ERP muestra «violación de llave primaria en "
          "movimientos contables» y se detiene."),
        c(APPS, "ERP", "problem", "medium", "El ERP está muy lento en las mañanas",
          "Entre las 8 y las 10 a. m. cada pantalla del ERP tarda 20 o 30 segundos en abrir."),
        c(APPS, "ERP", "improvement", "low", "Nuevo reporte de inventario por bodega",
          "Necesitamos un reporte de existencias por bodega con costo promedio, exportable a Excel."),
        c(APPS, "ERP", "incident", "high", "Factura electrónica rechazada por la DIAN",
          "Las facturas de hoy salen rechazadas por la DIAN con el código de rechazo FAD06. "
          "No podemos despachar sin factura."),
        # Aplicaciones · Web
        c(APPS, "Web", "incident", "high", "El portal de clientes no carga",
          "El portal muestra «502 Bad Gateway» desde {cuando}. Los clientes nos están llamando."),
        c(APPS, "Web", "request", "medium", "Renovar el certificado SSL del sitio",
          "El navegador avisa que el certificado del sitio vence en diez días."),
        c(APPS, "Web", "improvement", "low", "Cambiar el banner de la tienda en línea",
          "Queremos publicar el banner de la temporada; adjuntamos las imágenes aprobadas."),
        c(APPS, "Web", "incident", "high", "Checkout fails with card payments",
          "Customers get 'payment declined' at checkout with every card since this morning; "
          "cash on delivery still works.", english=True),
        # Aplicaciones · Base de datos
        c(APPS, "Base de datos", "incident", "high", "Falló el respaldo nocturno de la base de datos",
          "El correo de monitoreo reporta que el respaldo de anoche terminó con error."),
        c(APPS, "Base de datos", "problem", "medium", "La consulta de {modulo} tarda más de un minuto",
          "Buscar un paciente o un pedido en {modulo} tarda más de un minuto desde {cuando}."),
        c(APPS, "Base de datos", "request", "high", "Restaurar tabla borrada por error",
          "Por error se borraron los registros de la tabla de tarifas. Necesitamos recuperarlos "
          "del respaldo de anoche."),
        c(APPS, "Base de datos", "incident", "high", "Nightly database backup failed",
          "The monitoring e-mail says last night's backup ended with an error. "
          "Please check before the month-end close.", english=True),
        c(APPS, "Base de datos", "request", "low", "Usuario de solo lectura para los tableros de BI",
          "El equipo de analítica necesita un usuario de solo lectura para conectar Power BI."),
    )  # fmt: skip


CASES = _cases()

PLACES = {
    ANDINA: ("la bodega de Funza", "despachos", "recepción", "contabilidad", "el segundo piso"),
    CLINICA: ("urgencias", "admisiones", "facturación", "el laboratorio", "la sede Chapinero"),
    FERRETERIA: ("la tienda principal", "la bodega", "la caja 2", "el mostrador"),
}
WORDS = {
    "cuando": ("esta mañana", "ayer en la tarde", "el lunes", "hace dos días", "las 7 a. m."),
    "persona": ("Carolina Mejía", "Felipe Rojas", "Natalia Quintero", "Santiago Gil",
                "Paula Andrea Duque", "Óscar Ramírez", "Daniela Suárez", "Camilo Ospina"),
    "proveedor": ("Siesa", "la transportadora", "Bancolombia", "el laboratorio", "la EPS"),
    "dependencia": ("Cartera", "Talento Humano", "Compras", "Calidad"),
    "modulo": ("Historia clínica", "pedidos", "despachos", "cartera"),
    "mes": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"),
    "puerto": ("443", "8443", "1433", "5432", "22"),
    "n": ("5", "10", "15", "20", "30"),
}  # fmt: skip

# What people write, in the ticket's language ("es" or "en"). Staff notes are always Spanish.
TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "first_reply": {
        "es": ("Hola {nombre}, ya estamos revisando el caso. Le contamos en cuanto tengamos novedades.",
               "Recibido. En la próxima hora nos conectamos remotamente para revisar.",
               "Buen día {nombre}, tomamos el caso. Por favor no reinicien el equipo mientras revisamos."),
        "en": ("Hi {nombre}, we are looking into it and will update you shortly.",
               "Got it. We will connect remotely within the hour."),
    },
    "follow_up": {
        "es": ("¿Alguna novedad? Esto nos está frenando la operación.",
               "Buenas tardes, ¿hay fecha estimada de solución?",
               "Les comento que hoy volvió a pasar dos veces."),
        "en": ("Any update on this one?", "It happened twice again today."),
    },
    "rejection": {
        "es": ("El problema sigue: esta mañana volvió a pasar.",
               "Funciona en un equipo pero no en los demás.",
               "Todavía no tenemos acceso, revisen por favor."),
        "en": ("Still failing for some users.", "It worked for a day, now it is back."),
    },
    "reopening": {
        "es": ("Volvió a fallar después de la actualización de Windows.",
               "Se presentó de nuevo hoy en {lugar}."),
        "en": ("It started again after the Windows update.",),
    },
    "closing": {
        "es": ("Ya quedó funcionando, lo solucionamos internamente. Gracias.",
               "Pueden cerrar, el proveedor lo resolvió."),
        "en": ("Fixed on our side, you can close it. Thanks!",),
    },
    "customer_cancel": {
        "es": ("Lo abrí por error, está duplicado.", "Ya no se necesita.", ""),
        "en": ("Opened by mistake, sorry.", ""),
    },
    "again": {
        "es": ("Se verificó de nuevo con el usuario.",),
        "en": ("Checked again together with the user.",),
    },
}  # fmt: skip
# A question for the customer, their answer, and the file they send with it (if any).
QUESTIONS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "es": (
        ("¿Nos puede enviar una captura de pantalla del error?",
         "Adjunto la captura. Pasa en todos los equipos de {lugar}.", "captura-pantalla.txt"),
        ("¿A qué hora exacta ocurrió? Necesitamos revisar los registros.",
         "Ocurrió hacia las 9:15 a. m., justo al abrir la jornada.", None),
        ("¿El problema se presenta en todos los equipos o solo en uno?",
         "Solo en el equipo de {lugar}; en los demás funciona.", None),
        ("¿Nos autoriza a reiniciar el servidor hoy a las 6 p. m.?",
         "Sí, autorizado el reinicio a esa hora.", None),
        ("Por favor confirme el número de serie del equipo (etiqueta en la parte trasera).",
         "Listo, el serial es 5CD1234XYZ.", None),
        ("¿Nos puede enviar el registro de errores que genera el programa?",
         "Adjunto el archivo de registro de esta mañana.", "registro-error.txt"),
    ),
    "en": (
        ("Could you tell us which browser and version you are using?",
         "It happens on Chrome 131 and on Edge too. Screenshot attached.", "captura-pantalla.txt"),
        ("Does it happen to everyone or only to you?",
         "Only to me and one colleague in {lugar}.", None),
    ),
}  # fmt: skip
NOTES = (
    "Revisé los registros: el equipo reinicia por temperatura. Pedir cambio por garantía.",
    "Parece el mismo caso del mes pasado; ver historial del cliente.",
    "Escalado con el proveedor, radicado #{n}48{n}.",
    "Ojo: el contrato de este cliente no incluye visitas en sitio.",
    "Credenciales de administración en la bóveda, entrada del cliente.",
    "Pendiente de repuesto; llega el jueves.",
)
STAFF_CANCELS = (
    "Duplicado de otro caso del mismo cliente.",
    "El cliente confirma por teléfono que ya no aplica.",
)
REASSIGN_NOTE = "Reasignado: requiere acceso a la consola del cliente."
# How each kind of case was solved, by its subject.
RESOLUTIONS = {
    "No hay señal wifi en {lugar}": "El access point de {lugar} tenía la fuente quemada; se reemplazó y la red volvió. Probado con tres equipos.",
    "Wifi muy lento en {lugar}": "Se cambió el canal del access point (había interferencia con una red vecina) y se limitó el ancho de banda de la red de invitados.",
    "Clave de la red de invitados": "La clave de invitados cambia cada lunes; se envió la de esta semana al correo de recepción.",
    "Guest wifi keeps dropping": "The guest network had a 5-minute session timeout; raised it to 8 hours and tested with a visitor laptop.",
    "Laptop will not join the office wifi": "The laptop's wifi certificate had expired; renewed it and the laptop joins the network again.",
    "La VPN se desconecta cada {n} minutos": "Se ajustó el tiempo de inactividad del túnel a 8 horas y se actualizó el cliente VPN. Probado 30 minutos sin cortes.",
    "Acceso VPN para {persona}": "Se creó el acceso VPN para {persona} y se envió la guía de instalación con el token.",
    "VPN: error 809 al conectar": "El proveedor de internet bloqueaba el puerto UDP 500; se habilitó la VPN por SSL (443) y ya conectan todos.",
    "Cannot reach the ERP over VPN": "A route to the ERP network was missing in the VPN profile; added it. Users must reconnect once.",
    "Abrir puerto {puerto} para {proveedor}": "Se creó la regla solo para la IP de {proveedor} hacia el puerto {puerto}; quedó documentada en el inventario de reglas.",
    "El firewall bloquea la página del banco": "El filtro web clasificaba mal el dominio del banco; se agregó a la lista de sitios permitidos.",
    "Revisión de reglas antes de la auditoría": "Se depuraron 14 reglas sin uso y se entregó el informe de reglas vigentes para la auditoría.",
    "Impresora atascada en {lugar}": "Había un pedazo de etiqueta pegado en el fusor; se retiró y se limpió el rodillo. Página de prueba correcta.",
    "La impresora de {lugar} imprime hojas en blanco": "El tóner nuevo tenía puesta la cinta de sellado; se retiró y la impresora imprime normal.",
    "Instalar impresora de etiquetas Zebra en {lugar}": "Zebra instalada en los dos equipos de despachos con el formato de rótulos de 10 x 15 cm.",
    "Printer shows offline on my laptop": "The printer's address changed after a power cut; gave it a fixed DHCP reservation and re-added it.",
    "Crear usuario para {persona} (nuevo ingreso)": "Usuario, correo y acceso a la carpeta del área creados para {persona}; credenciales entregadas al jefe inmediato.",
    "Cuenta bloqueada: {persona}": "Se desbloqueó la cuenta; el bloqueo venía de una sesión vieja en el celular con la clave anterior.",
    "Dar de baja el usuario de {persona}": "Cuenta de {persona} deshabilitada y correo redirigido a su jefe inmediato por 30 días.",
    "Permisos a la carpeta compartida de {dependencia}": "Se dieron permisos de lectura y escritura en la carpeta de {dependencia}. Hay que cerrar sesión y volver a entrar.",
    "New user account for {persona}": "Account, mailbox and shared-drive access created for {persona}; credentials sent to the manager.",
    "No llegan correos de {proveedor}": "Se corrigió el registro SPF del dominio y se liberaron los mensajes retenidos en cuarentena. Ya llegan normalmente.",
    "Buzón lleno: no puedo enviar correos": "Se amplió el buzón a 50 GB y se configuró el archivado automático de los correos de más de un año.",
    "Configurar el correo en el celular": "Se configuró junto con el usuario en la aplicación de Outlook y se le envió la guía paso a paso.",
    "Outlook asks for my password all the time": "Removed stale saved credentials and re-created the Outlook profile; no more prompts.",
    "Error al cerrar el mes en el ERP": "Había un comprobante duplicado en {mes}; se anuló con autorización de contabilidad y el cierre terminó bien.",
    "El ERP está muy lento en las mañanas": "Se movió la copia de seguridad que corría a las 8 a. m. y se reconstruyeron los índices de inventario.",
    "Nuevo reporte de inventario por bodega": "Reporte publicado en Inventarios › Existencias por bodega, con exportación a Excel.",
    "Factura electrónica rechazada por la DIAN": "La resolución de numeración estaba vencida; se cargó la nueva y se reenviaron las facturas, todas aceptadas por la DIAN.",
    "El portal de clientes no carga": "Se reinició el servicio de aplicación y se amplió la memoria del contenedor. El portal responde en menos de 1 s.",
    "Renovar el certificado SSL del sitio": "Certificado renovado por un año y renovación automática programada.",
    "Cambiar el banner de la tienda en línea": "Banner de temporada publicado en la página de inicio y en la versión móvil.",
    "Checkout fails with card payments": "The payment gateway key had been rotated; updated it in the store settings and tested a real payment.",
    "Falló el respaldo nocturno de la base de datos": "El disco de respaldos estaba lleno; se depuraron copias antiguas y se relanzó el respaldo, que terminó bien.",
    "La consulta de {modulo} tarda más de un minuto": "Faltaba un índice después de la última actualización; se creó y la consulta tarda menos de un segundo.",
    "Restaurar tabla borrada por error": "Se restauró la tabla de tarifas desde el respaldo de las 2:00 a. m.; verificado con el cliente.",
    "Nightly database backup failed": "The backup disk was full; old copies were pruned and the backup re-run successfully.",
    "Usuario de solo lectura para los tableros de BI": "Usuario de solo lectura creado con acceso a las vistas de reportes; credenciales enviadas al equipo de analítica.",
}  # fmt: skip
FILES = {
    "registro-error.txt": "2025-03-04 09:15:02 ERROR conexión rechazada (código 0x80004005)\n",
    "captura-pantalla.txt": "[captura] Ventana con el mensaje de error y la hora del equipo.\n",
    "vpn.log": "IKE SA negotiation failed: timeout after 30 s\nretrying...\n",
    "rechazo-dian.xml": "<ApplicationResponse><Code>FAD06</Code></ApplicationResponse>\n",
}
# Files sent with the case itself, by category.
CASE_FILES = {"VPN": "vpn.log", "ERP": "rechazo-dian.xml"}

# Share of each final state in the demo (they add up to DEMO_TICKETS).
STATE_SHARES = {
    "closed": 80, "cancelled": 14, "resolved": 24, "waiting": 16, "in_progress": 30,
    "assigned": 20, "new": 16,
}  # fmt: skip
# Older tickets tend to be finished, recent ones open.
STATE_AGE_RANK = {
    "closed": 0.0, "cancelled": 0.5, "resolved": 2.0, "waiting": 2.5, "in_progress": 3.0,
    "assigned": 3.5, "new": 4.0,
}  # fmt: skip


# ------------------------------------------------------------------------------ plans


@dataclass
class Step:
    who: str
    op: str  # create | act | comment | note | recategorise
    delay: tuple[int, int] = (0, 0)  # minutes after the previous step
    action: str = ""
    text: str = ""
    to: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    new: NewTicket | None = None
    origin: str = "console"
    attachments: tuple[tuple[str, bytes], ...] = ()
    at: datetime | None = None


@dataclass
class Plan:
    created: datetime
    steps: list[Step]


class _Writer:
    """Fills the placeholders of one ticket's texts, consistently within the ticket."""

    def __init__(self, rng: random.Random, client: Client, customer: Person, lang: str) -> None:
        self.rng = rng
        self.lang = lang
        self.words = {key: rng.choice(values) for key, values in WORDS.items()}
        self.words["lugar"] = rng.choice(PLACES[client.name])
        self.words["nombre"] = customer.name.split()[0]

    def __call__(self, template: str) -> str:
        return template.format(**self.words)

    def pick(self, options: Sequence[str]) -> str:
        return self(self.rng.choice(options))

    def say(self, kind: str) -> str:
        """Something a person writes, in the ticket's language."""
        return self.pick(TEXTS[kind][self.lang])


def _plan_ticket(rng: random.Random, target: str, created: datetime) -> Plan:
    clients = [c for c in CLIENTS if target != "new" or c.primary_agent is None]
    client = rng.choices(clients, weights=[c.weight for c in clients])[0]
    reporters = [p for p in CUSTOMERS if client.name in p.accounts]
    customer = rng.choice(reporters)
    english = customer.lang == "en" and rng.random() < 0.4
    case = rng.choice([c for c in CASES if c.english == english] if english else CASES)
    write = _Writer(rng, client, customer, "en" if case.english else "es")
    lead = LEADS[case.area]
    on_behalf = rng.random() < 0.15
    requester = "andres" if on_behalf else customer.username
    with_area = on_behalf or rng.random() < 0.7
    attachments: tuple[tuple[str, bytes], ...] = ()
    if case.category in CASE_FILES and rng.random() < 0.3:
        name = CASE_FILES[case.category]
        attachments = ((name, FILES[name].encode()),)
    new = NewTicket(
        subject=write(case.subject), description=write(case.description), account=client.name,
        contact=customer.username if on_behalf else None,
        environment=rng.choice(client.environments) if rng.random() < 0.6 else None,
        service=rng.choice(client.services) if rng.random() < 0.6 else None,
        area=case.area if with_area else None, category=case.category if with_area else None,
        type=case.type, impact=case.impact,
        priority="urgent" if on_behalf and case.impact == "high" else None,
        attachments=attachments,
    )  # fmt: skip
    origin = "phone" if on_behalf else rng.choice(("console", "console", "web", "email", "cli"))
    steps = [Step(requester, "create", new=new, origin=origin)]
    them = customer.username  # who answers, accepts or rejects: the requester or the contact

    def step(who: str, op: str, delay: tuple[int, int], **kw: Any) -> None:
        steps.append(Step(who, op, delay, **kw))

    if target == "new":
        if rng.random() < 0.3:
            step(them, "comment", (60, 600), text=write.say("follow_up"))
        return Plan(created, steps)
    if target == "cancelled" and rng.random() < 0.25:
        step(requester, "act", (10, 600), action="cancel", text=write.say("customer_cancel"))
        return Plan(created, steps)
    if not with_area:
        # Filed without an area: the lead of the right area pulls it into their queue.
        step(lead, "recategorise", (10, 180), fields={"area": case.area, "category": case.category})
    elif case.impact != "high" and rng.random() < 0.08:
        step(lead, "recategorise", (10, 120), fields={"priority": "high"})
    assignee = client.primary_agent
    if assignee is None:
        if rng.random() < 0.12:
            assignee = lead
            step(lead, "act", (5, 240), action="take")
        else:
            assignee = rng.choice(WORKERS[case.area])
            step(lead, "act", (5, 240), action="assign", to=assignee)
    if target == "cancelled" and rng.random() < 0.6:
        step(requester, "act", (30, 2880), action="cancel", text=write.say("customer_cancel"))
        return Plan(created, steps)
    if assignee != lead and rng.random() < 0.1:
        others = [w for w in WORKERS[case.area] if w != assignee]
        assignee = rng.choice(others)
        step(lead, "act", (30, 600), action="assign", to=assignee, text=REASSIGN_NOTE)
    if target == "assigned":
        if rng.random() < 0.3:
            step(lead, "note", (30, 600), text=write.pick(NOTES))
        return Plan(created, steps)
    step(assignee, "act", (10, 600), action="start")
    if rng.random() < 0.5:
        step(assignee, "comment", (5, 120), text=write.say("first_reply"))
    if rng.random() < 0.3:
        step(assignee, "note", (10, 300), text=write.pick(NOTES))
    if rng.random() < 0.2:
        step(them, "comment", (30, 1440), text=write.say("follow_up"))
    if target == "in_progress":
        return Plan(created, steps)
    if target == "cancelled":
        step(lead, "act", (60, 2880), action="cancel", text=write.pick(STAFF_CANCELS))
        return Plan(created, steps)
    question, answer, attachment = rng.choice(QUESTIONS[write.lang])
    if target == "waiting":
        step(assignee, "act", (60, 1440), action="wait", text=write(question))
        return Plan(created, steps)
    if rng.random() < 0.35:
        step(assignee, "act", (60, 1440), action="wait", text=write(question))
        files = ((attachment, FILES[attachment].encode()),) if attachment else ()
        # The customer's answer resumes the ticket by itself.
        step(them, "comment", (60, 2880), text=write(answer), attachments=files)
    if target == "closed" and rng.random() < 0.12:
        step(them, "act", (60, 2880), action="close", text=write.say("closing"))
        return Plan(created, steps)
    resolution = write(RESOLUTIONS[case.subject])
    step(assignee, "act", (60, 4320), action="resolve", text=resolution)
    if rng.random() < 0.18:
        step(them, "act", (120, 2880), action="reject", text=write.say("rejection"))
        step(assignee, "note", (30, 600), text=write.pick(NOTES))
        step(assignee, "act", (120, 2880), action="resolve", text=f"{resolution} {write.say('again')}")
    if target == "resolved":
        return Plan(created, steps)
    step(them, "act", (60, 4320), action="accept")
    if rng.random() < 0.08:
        step(requester, "act", (1440, 7200), action="reopen", text=write.say("reopening"))
        step(assignee, "act", (120, 2880), action="resolve", text=resolution)
        step(them, "act", (60, 2880), action="accept")
    return Plan(created, steps)


def _business_hours(moment: datetime, rng: random.Random) -> datetime:
    """Move a moment into Bogotá office hours (Mon–Sat, 7:00–19:00)."""
    local = moment.astimezone(BOGOTA)
    if local.hour >= 19:
        local = (local + timedelta(days=1)).replace(hour=7 + rng.randrange(3), minute=rng.randrange(60))
    elif local.hour < 7:
        local = local.replace(hour=7 + rng.randrange(3), minute=rng.randrange(60))
    if local.weekday() == 6:
        local = (local + timedelta(days=1)).replace(hour=7 + rng.randrange(3), minute=rng.randrange(60))
    return local.astimezone(timezone.utc)


def _schedule(rng: random.Random, plan: Plan, end: datetime) -> None:
    """Give every step a moment after the previous one; squeeze the history before `end`."""
    latest = end - timedelta(minutes=5)
    moment = plan.created
    for step in plan.steps:
        if step.delay[1]:
            moment = _business_hours(moment + timedelta(minutes=rng.randint(*step.delay)), rng)
        step.at = moment
    last = plan.steps[-1].at
    assert last is not None
    if last > latest:
        span = (last - plan.created).total_seconds() or 1.0
        room = max((latest - plan.created).total_seconds(), 0.0)
        for step in plan.steps:
            assert step.at is not None
            step.at = plan.created + timedelta(seconds=(step.at - plan.created).total_seconds() * room / span)
    # Strictly increasing, so the bitácora reads in order even after squeezing.
    previous = None
    for step in plan.steps:
        assert step.at is not None
        if previous is not None and step.at <= previous:
            step.at = previous + timedelta(seconds=1)
        previous = step.at


def _targets(rng: random.Random, count: int) -> list[str]:
    """`count` final states in the demo's shares, every state at least once (when count >= 7),
    ordered roughly from finished (oldest) to open (newest)."""
    total = sum(STATE_SHARES.values())
    counts = {state: max(1, count * share // total) for state, share in STATE_SHARES.items()}
    while sum(counts.values()) > count:
        biggest = max(counts, key=lambda s: counts[s])
        counts[biggest] -= 1
    while sum(counts.values()) < count:
        counts["closed"] += 1
    states = [state for state, n in counts.items() for _ in range(n)]
    return sorted(states, key=lambda s: STATE_AGE_RANK[s] + rng.uniform(0, 3))


def plan_demo(rng: random.Random, count: int, end: datetime) -> list[Plan]:
    start = end - timedelta(days=DEMO_DAYS)
    newest = end - timedelta(minutes=30)
    moments = []
    for _ in range(count):
        moment = start + timedelta(seconds=rng.uniform(0, (newest - start).total_seconds()))
        snapped = _business_hours(moment, rng)
        moments.append(snapped if snapped <= newest else moment)
    moments.sort()
    plans = [
        _plan_ticket(rng, target, moment)
        for target, moment in zip(_targets(rng, count), moments, strict=True)
    ]
    for plan in plans:
        _schedule(rng, plan, end)
    return plans


# ------------------------------------------------------------------------------ loading


async def load_demo(store: Store, *, seed: int = 7, tickets: int = DEMO_TICKETS) -> bool:
    """Add the demo organisation; False (and nothing added) when it is already there."""
    if await store.catalog.setting("demo") == "1":
        return False
    await _refuse_clashes(store)
    rng = random.Random(seed)
    end = clock.now()
    with clock.frozen_at(end - timedelta(days=DEMO_DAYS + 3)):
        await _add_organisation(store)
    actors = {p.username: await store.catalog.actor(p.username) for p in PEOPLE}
    from helpdesk_tui.store.stages_demo import STAGE_DEMO_TICKETS, add_five_stage_demo

    for plan in plan_demo(rng, max(tickets - STAGE_DEMO_TICKETS, 0), end):
        await _play(store, actors, plan)
    await add_five_stage_demo(store, end)  # Andina on the five-stage lifecycle (seed 003)
    await store.surveys.play_demo(store)  # answered and pending satisfaction surveys (issue 5)
    await load_demo_articles(store)  # knowledge-base articles (issue 5)
    await add_demo_outbox(store)  # a few e-mails: sent, one failed, one dead (issue 6)
    await store.catalog.set_setting("demo_password", DEMO_PASSWORD)
    await store.catalog.set_setting("demo", "1")
    return True


async def _refuse_clashes(store: Store) -> None:
    """Never mix the demo into a help desk that already has people or clients of that name."""
    usernames = [p.username.lower() for p in PEOPLE]
    async with store.db.read() as session:
        users = (await session.scalars(select(User.username).where(func.lower(User.username).in_(usernames)))).all()
        accounts = (await session.scalars(select(Account.name).where(Account.name.in_([c.name for c in CLIENTS])))).all()
        areas = (await session.scalars(select(Area.name).where(Area.name.in_(list(AREAS))))).all()
    taken = [*users, *accounts, *areas]
    if taken:
        raise ValidationFailed(
            {"demo": ("this database already has {names}; load the demo into an empty one",
                      {"names": ", ".join(taken)})}
        )  # fmt: skip


async def _add_organisation(store: Store) -> None:
    cat = store.catalog
    for name, categories in AREAS.items():
        await cat.add_area(None, name, categories=categories)
    for person in STAFF:
        await _add_person(store, person)
    for client in CLIENTS:
        await cat.add_account(
            None, client.name, reporter_limit=client.reporter_limit,
            primary_agent=client.primary_agent, environments=client.environments,
            services=client.services,
        )  # fmt: skip
    for person in CUSTOMERS:
        await _add_person(store, person)
    for username, permission in GRANTS:
        await cat.grant(None, username, permission)
    # One argon2 hash for everybody: the password is public anyway, and hashing it fourteen
    # times would be most of the loading time.
    shared = hash_password(DEMO_PASSWORD)
    async with store.db.write() as session:
        await session.execute(
            update(User)
            .where(User.username.in_([p.username for p in PEOPLE]))
            .values(password_hash=shared)
        )


async def _add_person(store: Store, person: Person) -> None:
    await store.catalog.add_user(
        None, person.username, role=person.role, name=person.name, email=person.email,
        lang=person.lang, accounts=person.accounts, areas=person.areas,
    )  # fmt: skip


async def _play(store: Store, actors: dict[str, Actor], plan: Plan) -> None:
    tickets = store.tickets
    ticket_id = 0
    for step in plan.steps:
        actor = actors[step.who]
        assert step.at is not None
        # A made-up past: nobody is mailed about it (outbox_muted).
        with clock.frozen_at(step.at), outbox_muted():
            if step.op == "create":
                assert step.new is not None
                ticket_id = (await tickets.create(actor, step.new, origin=step.origin)).id
            elif step.op == "act":
                await tickets.act(actor, ticket_id, step.action, to=step.to, text=step.text)
            elif step.op in ("comment", "note"):
                await tickets.comment(
                    actor, ticket_id, step.text, internal=step.op == "note",
                    attachments=step.attachments,
                )  # fmt: skip
            elif step.op == "recategorise":
                await tickets.recategorise(actor, ticket_id, **step.fields)


__all__ = ["DEMO_PASSWORD", "DEMO_TICKETS", "load_demo"]
