"""Spanish catalogue: sla (service levels, automation, worker, work windows)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ store: service levels
    "only an administrator may change service levels": (
        "solo un administrador puede cambiar los niveles de servicio"
    ),
    "not a valid calendar: {reason}": "no es un calendario válido: {reason}",
    "not a valid SLA policy: {reason}": "no es una política de SLA válida: {reason}",
    "the number of days must be 0 or more": "el número de días debe ser 0 o más",
    "no such calendar: {name}": "no existe el calendario {name}",
    "no such SLA policy: {name}": "no existe la política de SLA {name}",
    "no such lifecycle: {name} (known: {known})": (
        "no existe el ciclo de vida {name} (conocidos: {known})"
    ),
    # ------------------------------------------------------------------ S3: work windows
    "the work window must end after it starts": (
        "la ventana de trabajo debe terminar después de empezar"
    ),
    "the work window cannot start in the past": (
        "la ventana de trabajo no puede empezar en el pasado"
    ),
    "work outside business hours must be requested {days} business days ahead; "
    "the first allowed start is {date}": (
        "el trabajo fuera del horario hábil debe pedirse con {days} días hábiles de antelación; "
        "el primer inicio permitido es {date}"
    ),
    "write the window as START..END, e.g. 2026-03-14T20:00..2026-03-14T23:00": (
        "escriba la ventana como INICIO..FIN, p. ej. 2026-03-14T20:00..2026-03-14T23:00"
    ),
    "Work window": "Ventana de trabajo",
    "Optional: START..END": "Opcional: INICIO..FIN",
    "e.g. 2026-03-14T20:00..2026-03-14T23:00; outside business hours, 3 business days ahead": (
        "p. ej. 2026-03-14T20:00..2026-03-14T23:00; fuera del horario hábil, con 3 días hábiles "
        "de antelación"
    ),
    # ------------------------------------------------------------------ the bitácora
    "silence": "silencio del solicitante",
    "SLA breached": "SLA incumplido",
    "First-response SLA breached: it was due {due}": (
        "SLA de primera respuesta incumplido: vencía el {due}"
    ),
    "Resolution SLA breached: it was due {due}": "SLA de resolución incumplido: vencía el {due}",
    "No answer from the requester for {days} business days.": (
        "Sin respuesta del solicitante durante {days} días hábiles."
    ),
    # ------------------------------------------------------------------ command line
    "cannot read the file {path}: {reason}": "no se puede leer el archivo {path}: {reason}",
    "{path} must hold one JSON object": "{path} debe contener un objeto JSON",
    "unknown weekday in {spec}": "día de la semana desconocido en {spec}",
    "write DAYS=HH:MM-HH:MM[,HH:MM-HH:MM], e.g. mon-fri=08:00-17:00": (
        "escriba DÍAS=HH:MM-HH:MM[,HH:MM-HH:MM], p. ej. mon-fri=08:00-17:00"
    ),
    "calendar {name} saved": "calendario {name} guardado",
    "TIME ZONE": "ZONA HORARIA",
    "HOLIDAYS": "FESTIVOS",
    "HOURS": "HORARIO",
    "write PRIORITY=RESPONSE/RESOLUTION in minutes, e.g. urgent=30/240": (
        "escriba PRIORIDAD=RESPUESTA/RESOLUCIÓN en minutos, p. ej. urgent=30/240"
    ),
    "SLA policy {name} saved": "política de SLA {name} guardada",
    "RESPONSE": "RESPUESTA",
    "RESOLUTION": "RESOLUCIÓN",
    "WARNING": "AVISO",
    "{minutes} min": "{minutes} min",
    "POLICY": "POLÍTICA",
    "AUTO-CLOSE": "CIERRE AUTOMÁTICO",
    "never": "nunca",
    "{days} business days": "{days} días hábiles",
    "CALENDAR": "CALENDARIO",
    "LIFECYCLE": "CICLO DE VIDA",
    "AREA": "ÁREA",
    "nothing to change; see helpdesk account set --help": (
        "nada que cambiar; vea helpdesk account set --help"
    ),
    "account {name} changed": "cuenta {name} cambiada",
    "nothing to change; see helpdesk area set --help": (
        "nada que cambiar; vea helpdesk area set --help"
    ),
    "area {name} changed": "área {name} cambiada",
    "SLA breaches notified": "incumplimientos de SLA avisados",
    "tickets acted on after silence": "tickets atendidos tras el silencio del solicitante",
    "pass {number}: {counters}": "pasada {number}: {counters}",
    "worker stopped after {count} passes": "trabajador detenido tras {count} pasadas",
    "worker started: a pass every {seconds} s": "trabajador en marcha: una pasada cada {seconds} s",
    "e-mails sent": "correos enviados",
    "e-mails failed (will retry)": "correos fallidos (se reintentarán)",
    "e-mails given up": "correos abandonados",
    "work window {start}–{end}": "ventana de trabajo {start}–{end}",
}
