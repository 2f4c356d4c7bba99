"""Spanish catalogue: outbox."""

MESSAGES: dict[str, str] = {
}
