"""Delivering the outbox over SMTP (aiosmtplib).

`deliver_due` claims a bounded batch of due messages with a lease, opens one SMTP connection for
the batch, and for each message renews the lease (still ours?), sends it and records the outcome.
It repeats for a few batches while full ones keep coming. Safe to run in any number of processes.

The server is `settings.smtp_url`:

    smtp://[user:password@]host[:port][?starttls=1]    plain, or upgraded with STARTTLS (25/587)
    smtps://[user:password@]host[:port]                TLS from the first byte (465)

User and password are percent-decoded. With no URL configured nothing is claimed: the messages
wait, queued, until one is.

A server's permanent refusal of a message (a 5xx reply to it) makes it dead at once; anything
else (no connection, a timeout, a 4xx) makes it failed and tried again later with back-off.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from helpdesk_tui.config import Settings
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.outbox import Outgoing, RetryPolicy

# A pass delivers at most this many batches, so one `automation run` always ends.
MAX_BATCHES = 20
_TRUE = {"1", "true", "yes", "on"}


def _masked(url: str) -> str:
    """The URL without its password, fit to show in an error."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url.strip())


def _bad_url(msgid: str, url: str) -> Exception:
    from helpdesk_tui.store.errors import ValidationFailed

    return ValidationFailed({"smtp": (msgid, {"url": _masked(url)})})


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    use_tls: bool
    start_tls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise _bad_url("not an SMTP URL (smtp://host:port or smtps://host:port): {url}", url)
        query = {k.lower(): v[-1].strip().lower() for k, v in parse_qs(parts.query).items()}
        use_tls = parts.scheme == "smtps"
        start_tls = not use_tls and query.get("starttls", "") in _TRUE
        try:
            port = parts.port or (465 if use_tls else 587 if start_tls else 25)
        except ValueError:
            raise _bad_url("bad port in the SMTP URL {url}", url) from None
        return cls(
            parts.hostname, port, use_tls, start_tls,
            unquote(parts.username) if parts.username else None,
            unquote(parts.password) if parts.password else None,
        )  # fmt: skip


def worker_name() -> str:
    """Who holds a lease: this host and process, and a random part per delivery pass."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def build_message(message: Outgoing, mail_from: str, when: Any) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = mail_from
    local, _at, domain = message.to_address.strip().rpartition("@")
    if not local or not domain:
        raise ValueError(f"not an e-mail address: {message.to_address}")
    mail["To"] = Address(display_name=message.to_name, username=local, domain=domain)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = message.message_id
    # Every message about one ticket answers the same (virtual) first message: one thread.
    thread = f"<hd-ticket{message.ticket_id}@{message.message_id.rpartition('@')[2].rstrip('>')}>"
    mail["In-Reply-To"] = thread
    mail["References"] = thread
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Auto-Response-Suppress"] = "All"
    mail.set_content(message.body)
    return mail


async def deliver_due(store: Store, settings: Settings) -> dict[str, int]:
    """Claim and send the messages that are due; returns counters by name."""
    from helpdesk_tui.store.outbox import RetryPolicy

    report = {"sent": 0, "failed": 0, "dead": 0}
    if not settings.smtp_url:
        return report
    store.outbox.configure(lang=settings.lang, mail_from=settings.mail_from)
    server = SmtpServer.parse(settings.smtp_url)
    policy = RetryPolicy.from_settings(settings)
    batch = max(1, int(settings.mail_batch))
    owner = worker_name()
    for _ in range(MAX_BATCHES):
        claimed = await store.outbox.claim(owner, limit=batch, policy=policy)
        if not claimed:
            break
        broken = await _send_batch(store, settings, server, policy, owner, claimed, report)
        if broken or len(claimed) < batch:
            break
    return report


async def _send_batch(
    store: Store,
    settings: Settings,
    server: SmtpServer,
    policy: RetryPolicy,
    owner: str,
    claimed: list[Outgoing],
    report: dict[str, int],
) -> bool:
    """Send one claimed batch over one connection. True when the connection broke."""
    import aiosmtplib

    from helpdesk_tui.store import clock

    outbox = store.outbox
    smtp = aiosmtplib.SMTP(
        hostname=server.host, port=server.port, use_tls=server.use_tls, start_tls=server.start_tls,
        username=server.username, password=server.password, timeout=float(settings.smtp_timeout),
    )  # fmt: skip
    try:
        await smtp.connect()
    except (aiosmtplib.SMTPException, OSError) as err:
        # Nothing was handed over: each message counts the attempt and waits its back-off.
        code, text = _describe(err)
        for message in claimed:
            if await outbox.begin_attempt(message.id, owner, policy):
                _count(report, await outbox.mark_failed(message.id, owner, code=code, error=text, permanent=False, policy=policy))
        return True
    try:
        for index, message in enumerate(claimed):
            if not await outbox.begin_attempt(message.id, owner, policy):
                continue  # our lease ran out and another worker has it now
            try:
                mail = build_message(message, settings.mail_from, clock.now())
            except (ValueError, TypeError, IndexError) as err:
                _count(report, await outbox.mark_failed(
                    message.id, owner, code=None, error=f"cannot build the message: {err}",
                    permanent=True, policy=policy,
                ))  # fmt: skip
                continue
            try:
                await smtp.send_message(mail)
            except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as err:
                code, text = _describe(err)
                _count(report, await outbox.mark_failed(message.id, owner, code=code, error=text, permanent=False, policy=policy))
                await outbox.release([m.id for m in claimed[index + 1 :]], owner)
                return True
            except aiosmtplib.SMTPException as err:
                code, text = _describe(err)
                permanent = code is not None and 500 <= code < 600
                _count(report, await outbox.mark_failed(message.id, owner, code=code, error=text, permanent=permanent, policy=policy))
                continue
            await outbox.mark_sent(message.id)
            report["sent"] += 1
    finally:
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            smtp.close()
    return False


def _count(report: dict[str, int], state: str | None) -> None:
    if state in report:
        report[state] += 1


def _describe(err: BaseException) -> tuple[int | None, str]:
    """The SMTP reply code (if any) and the server's or the system's own words."""
    import aiosmtplib

    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        first = err.recipients[0]
        return first.code, first.message
    if isinstance(err, aiosmtplib.SMTPResponseException):
        return err.code, err.message
    text = str(err).strip() or type(err).__name__
    return None, text
