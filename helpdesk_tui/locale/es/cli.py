"""Spanish for the command line (cli.py) and the demo loader (store/demo.py), to merge into the
Spanish catalogue. The store's own messages are already in locale/es/store.py."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ outcomes and refusals
    "cannot open the database: {reason}": "no se puede abrir la base de datos: {reason}",
    "say who you are with --as USER": "diga quién es con --as USUARIO",
    "--demo goes without a command; use: helpdesk init --demo": (
        "--demo va sin comando; use: helpdesk init --demo"
    ),
    "the database is ready": "la base de datos está lista",
    "demo organisation loaded: {count} tickets": (
        "organización de demostración cargada: {count} tickets"
    ),
    "the demo organisation is already here": "la organización de demostración ya está cargada",
    "account {name} added": "cuenta {name} creada",
    "area {name} added": "área {name} creada",
    "user {username} added ({role})": "usuario {username} creado ({role})",
    "Password": "Contraseña",
    "{permission} granted to {username}": "permiso {permission} concedido a {username}",
    "{permission} revoked from {username}": "permiso {permission} retirado a {username}",
    "{number} created: {state}": "{number} creado: {state}",
    "assigned to {username}": "asignado a {username}",
    "no tickets": "no hay tickets",
    "internal note added to {number}": "nota interna añadida a {number}",
    "comment added to {number}": "comentario añadido a {number}",
    "{path} already exists; use --force to replace it": "{path} ya existe; use --force para reemplazarlo",
    "cannot write {path}: {reason}": "no se puede escribir {path}: {reason}",
    "saved {name} ({size} bytes) to {path}": "{name} ({size} bytes) guardado en {path}",
    # ------------------------------------------------------------------ column headers
    "NUMBER": "NÚMERO",
    "STATE": "ESTADO",
    "PRIORITY": "PRIORIDAD",
    "ASSIGNEE": "ASIGNADO",
    "ACCOUNT": "CUENTA",
    "SUBJECT": "ASUNTO",
    "USER": "USUARIO",
    "ROLE": "ROL",
    "NAME": "NOMBRE",
    "EMAIL": "CORREO",
    "ACCOUNTS": "CUENTAS",
    "AREAS": "ÁREAS",
    "inactive": "inactivo",
    # ------------------------------------------------------------------ ticket detail
    "Requester": "Solicitante",
    "Contact": "Contacto",
    "version": "versión",
    "Bitácora": "Bitácora",
    "internal": "interna",
    "{size} bytes": "{size} bytes",
    "Actions": "Acciones",
    "created": "creado",
    "comment": "comentario",
    "internal note": "nota interna",
    "recategorised": "recategorizado",
    "to {username}": "a {username}",
    # ------------------------------------------------------------------ demo loader
    "this database already has {names}; load the demo into an empty one": (
        "esta base de datos ya tiene {names}; cargue la demostración en una vacía"
    ),
}
