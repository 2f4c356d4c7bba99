"""Spanish for the command line and for the store's error messages (to merge into es.py)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ command line
    "cannot open the database: {reason}": "no se puede abrir la base de datos: {reason}",
    "say who you are with --as USER": "diga quién es con --as USUARIO",
    "--demo goes without a command; use: helpdesk init --demo": (
        "--demo va sin comando; use: helpdesk init --demo"
    ),
    "the database is ready": "la base de datos está lista",
    "demo organisation loaded: {count} tickets": "organización de demostración cargada: {count} casos",
    "the demo organisation is already here": "la organización de demostración ya está cargada",
    "account {name} added": "cuenta {name} creada",
    "area {name} added": "área {name} creada",
    "user {username} added ({role})": "usuario {username} creado ({role})",
    "Password": "Contraseña",
    "{permission} granted to {username}": "{permission} concedido a {username}",
    "{permission} revoked from {username}": "{permission} retirado a {username}",
    "{number} created: {state}": "{number} creado: {state}",
    "assigned to {username}": "asignado a {username}",
    "no tickets": "no hay casos",
    "{number} is now {state}": "{number} ahora está {state}",
    "internal note added to {number}": "nota interna añadida a {number}",
    "comment added to {number}": "comentario añadido a {number}",
    "{path} already exists; use --force to replace it": "{path} ya existe; use --force para reemplazarlo",
    "cannot write {path}: {reason}": "no se puede escribir {path}: {reason}",
    "saved {name} ({size} bytes) to {path}": "{name} ({size} bytes) guardado en {path}",
    # Column headers
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
    # Ticket detail
    "State": "Estado",
    "Priority": "Prioridad",
    "impact": "impacto",
    "type": "tipo",
    "Account": "Cuenta",
    "Environment": "Entorno",
    "Service": "Servicio",
    "Area": "Área",
    "Requester": "Solicitante",
    "Contact": "Contacto",
    "Assignee": "Asignado a",
    "Origin": "Origen",
    "Created": "Creado",
    "Updated": "Actualizado",
    "version": "versión",
    "Description": "Descripción",
    "Resolution": "Solución",
    "Bitácora": "Bitácora",
    "internal": "interna",
    "Attachments": "Adjuntos",
    "{size} bytes": "{size} bytes",
    "Actions": "Acciones",
    "created": "creado",
    "comment": "comentario",
    "internal note": "nota interna",
    "recategorised": "recategorizado",
    "to {username}": "a {username}",
    # Actions (lifecycle.ACTION_LABELS)
    "Assign": "Asignar",
    "Take": "Tomar",
    "Start": "Iniciar",
    "Wait on customer": "Esperar al cliente",
    "Resume": "Reanudar",
    "Resolve": "Resolver",
    "Accept resolution": "Aceptar la solución",
    "Reject resolution": "Rechazar la solución",
    "Close": "Cerrar",
    "Cancel ticket": "Cancelar el caso",
    "Reopen": "Reabrir",
    # Demo loader
    "this database already has {names}; load the demo into an empty one": (
        "esta base de datos ya tiene {names}; cargue la demostración en una vacía"
    ),
    # ------------------------------------------------------------------ store errors
    # errors.py / generic
    "{field}: ": "{field}: ",
    "ticket {ticket} not found": "no se encontró el caso {ticket}",
    "attachment {attachment} not found": "no se encontró el adjunto {attachment}",
    "no such user: {username}": "no existe el usuario {username}",
    "no such account: {name}": "no existe la cuenta {name}",
    "no such area: {name}": "no existe el área {name}",
    "{ticket} was changed by {who} at {at}; reload it": (
        "{who} cambió {ticket} a las {at}; vuelva a cargarlo"
    ),
    # lifecycle.py
    "{action}: no such action": "{action}: no existe esa acción",
    "{action}: not possible while the ticket is {state}": (
        "{action}: no es posible mientras el caso está {state}"
    ),
    "{action}: your permissions do not include {permission}": (
        "{action}: sus permisos no incluyen {permission}"
    ),
    "assign: only a supervisor of the ticket's area or an admin may assign": (
        "assign: solo un supervisor del área del caso o un administrador puede asignar"
    ),
    "take: only a supervisor of the ticket's area, an admin or an agent allowed to "
    "assign themselves may take it": (
        "take: solo un supervisor del área del caso, un administrador o un agente autorizado "
        "a asignarse casos puede tomarlo"
    ),
    "start: only the assignee may start work": "start: solo la persona asignada puede iniciar el trabajo",
    "wait: only the assignee or a supervisor of the area may wait on the customer": (
        "wait: solo la persona asignada o un supervisor del área puede dejar el caso en espera "
        "del cliente"
    ),
    "resume: only the assignee or a supervisor of the area may resume": (
        "resume: solo la persona asignada o un supervisor del área puede reanudarlo"
    ),
    "resolve: only the assignee, a supervisor of the area or an admin may resolve": (
        "resolve: solo la persona asignada, un supervisor del área o un administrador puede "
        "resolverlo"
    ),
    "accept: only the requester or the contact may accept": (
        "accept: solo el solicitante o el contacto puede aceptar"
    ),
    "reject: only the requester or the contact may reject": (
        "reject: solo el solicitante o el contacto puede rechazar"
    ),
    "close: only the requester or the contact may close": (
        "close: solo el solicitante o el contacto puede cerrar"
    ),
    "cancel: only the requester, a supervisor of the area or an admin may cancel": (
        "cancel: solo el solicitante, un supervisor del área o un administrador puede cancelar"
    ),
    "reopen: only the requester, a supervisor of the area or an admin may reopen": (
        "reopen: solo el solicitante, un supervisor del área o un administrador puede reabrir"
    ),
    "reopen: only the assignee, a supervisor of the area or an admin may reopen": (
        "reopen: solo la persona asignada, un supervisor del área o un administrador puede "
        "reabrir"
    ),
    # tickets.py
    "you may not open tickets": "no tiene permiso para abrir casos",
    "you may not open cases on behalf of someone else": (
        "no tiene permiso para abrir casos en nombre de otra persona"
    ),
    "you may not comment on tickets": "no tiene permiso para comentar casos",
    "you may not attach files": "no tiene permiso para adjuntar archivos",
    "only staff may write internal notes": "solo el personal de soporte puede escribir notas internas",
    "write a comment or attach a file": "escriba un comentario o adjunte un archivo",
    "comment: the ticket is closed; reopen it to comment": (
        "comment: el caso está cerrado; reábralo para comentar"
    ),
    "recategorise: only staff may recategorise a ticket": (
        "recategorise: solo el personal de soporte puede recategorizar un caso"
    ),
    "recategorise: the ticket is no longer open": "recategorise: el caso ya no está abierto",
    "this field cannot be changed here": "este campo no se puede cambiar aquí",
    "nothing to change": "no hay nada que cambiar",
    "unknown {field}: {value}": "{field} desconocido: {value}",
    "write the question for the customer": "escriba la pregunta para el cliente",
    "write the resolution": "escriba la solución",
    "write why the resolution does not solve it": "escriba por qué la solución no lo resuelve",
    "write why the ticket is cancelled": "escriba por qué se cancela el caso",
    "write why the ticket is reopened": "escriba por qué se reabre el caso",
    "a text is required": "se necesita un texto",
    "choose the agent to assign": "elija el agente al que se asigna",
    "{username} is not an agent or supervisor": "{username} no es agente ni supervisor",
    "{username} does not work in this area": "{username} no trabaja en esta área",
    "the subject is required": "el asunto es obligatorio",
    "at most {max} characters": "como máximo {max} caracteres",
    "the description is required": "la descripción es obligatoria",
    "unknown type: {value}": "tipo desconocido: {value}",
    "unknown impact: {value}": "impacto desconocido: {value}",
    "unknown priority: {value}": "prioridad desconocida: {value}",
    "only staff may set the priority; it follows the impact": (
        "solo el personal de soporte puede fijar la prioridad; sigue al impacto"
    ),
    "you do not report for {name}": "usted no reporta casos para {name}",
    "choose the account": "elija la cuenta",
    "the contact does not belong to that account": "el contacto no pertenece a esa cuenta",
    "you are not a reporter of this account": "usted no es reportante de esta cuenta",
    "{name} is not one of this account's": "{name} no es de esta cuenta",
    "{name} is not a category of this area": "{name} no es una categoría de esta área",
    "choose the area of this category": "elija el área de esta categoría",
    "primary agent of the account": "agente principal de la cuenta",
    "the requester answered": "el solicitante respondió",
    # attachments.py
    "{name} is larger than the limit of {limit} bytes": "{name} supera el límite de {limit} bytes",
    # catalog.py
    "you need the permission {permission}": "necesita el permiso {permission}",
    "a name is required": "el nombre es obligatorio",
    "the limit must be at least 1": "el límite debe ser al menos 1",
    "{name} already exists": "{name} ya existe",
    "a user name of 1 to 64 characters without spaces": (
        "un nombre de usuario de 1 a 64 caracteres sin espacios"
    ),
    "unknown role: {value}": "rol desconocido: {value}",
    "unknown permission: {value}": "permiso desconocido: {value}",
    "{account} already has its {limit} reporters; raise the limit or remove one first": (
        "{account} ya tiene sus {limit} reportantes; suba el límite o retire uno primero"
    ),
    # auth.py
    "at least {min} characters": "al menos {min} caracteres",
    "wrong user name or password": "usuario o contraseña incorrectos",
    "too many failed attempts; try again after {time}": (
        "demasiados intentos fallidos; inténtelo de nuevo después de las {time}"
    ),
    "choose a password different from the old one": "elija una contraseña distinta de la anterior",
    # query.py
    "unclosed quote": "comillas sin cerrar",
    "unknown filter key: {key}": "clave de filtro desconocida: {key}",
    "unknown sort field: {field}": "campo de orden desconocido: {field}",
    "{key}: empty value": "{key}: valor vacío",
    "{key}: takes a single value": "{key}: admite un solo valor",
    "{key}: unknown value {value}": "{key}: valor desconocido {value}",
    "{key}: bad date {value}": "{key}: fecha no válida {value}",
    "{key}: cannot be negated": "{key}: no se puede negar",
}
