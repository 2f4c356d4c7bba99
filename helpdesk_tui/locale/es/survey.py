"""Spanish catalogue: survey."""

MESSAGES: dict[str, str] = {
}
