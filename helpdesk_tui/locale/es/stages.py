"""Spanish catalogue: stages."""

MESSAGES: dict[str, str] = {
}
