"""Spanish catalogue: English message id -> Spanish text."""

MESSAGES: dict[str, str] = {
    # States (SPEC section 4)
    "New": "Registrado",
    "Assigned": "Asignado",
    "In progress": "En proceso",
    "Waiting on customer": "En espera del cliente",
    "Resolved": "Resuelto",
    "Closed": "Cerrado",
    "Cancelled": "Cancelado",
}
