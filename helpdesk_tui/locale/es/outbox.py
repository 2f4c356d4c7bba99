"""Spanish catalogue: outbox."""

MESSAGES: dict[str, str] = {
    # states
    "Queued": "En cola",
    "Sending": "Enviándose",
    "Sent": "Enviado",
    "Failed": "Fallido",
    "Dead": "Muerto",
    # store
    "message {message} not found": "no existe el mensaje {message}",
    "retry: message {message} is {state}; only failed, dead or queued ones can be retried":
        "reintentar: el mensaje {message} está en estado {state}; solo se reintentan los fallidos, muertos o en cola",
    "unknown state: {value}": "estado desconocido: {value}",
    # delivery
    "not an SMTP URL (smtp://host:port or smtps://host:port): {url}":
        "no es una URL SMTP (smtp://servidor:puerto o smtps://servidor:puerto): {url}",
    "bad port in the SMTP URL {url}": "puerto no válido en la URL SMTP {url}",
    # command line
    "The outbox is empty.": "La bandeja de salida está vacía.",
    "ID": "ID",
    "TICKET": "TICKET",
    "TO": "PARA",
    "ATTEMPTS": "INTENTOS",
    "NEXT TRY": "PRÓXIMO INTENTO",
    "last error: {error}": "último error: {error}",
    "give a message number or --all, not both": "indique un número de mensaje o --all, no ambos",
    "{n} message queued again": "{n} mensaje vuelve a la cola",
    "{n} messages queued again": "{n} mensajes vuelven a la cola",
    "message {id} queued again": "el mensaje {id} vuelve a la cola",
    # console
    "Outbox": "Bandeja de salida",
    "E-mail messages waiting, failed or dead": "Correos en espera, fallidos o muertos",
    "Only admins and supervisors see the outbox.": "Solo los administradores y supervisores ven la bandeja de salida.",
    "Retry": "Reintentar",
    "Retry all failed": "Reintentar todos los fallidos",
    "Nothing waits in the outbox.": "No hay nada esperando en la bandeja de salida.",
    "No.": "N.º",
    "To": "Para",
    "Ticket": "Ticket",
    "Tries": "Intentos",
    "Next try": "Próximo intento",
    "Last error": "Último error",
    "No error": "Sin errores",
}
