"""E-mail: rendering messages from templates and delivering the outbox over SMTP."""
