"""Spanish catalogue: sla."""

MESSAGES: dict[str, str] = {
}
