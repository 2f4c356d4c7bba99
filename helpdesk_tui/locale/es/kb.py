"""Spanish catalogue: kb."""

MESSAGES: dict[str, str] = {
}
