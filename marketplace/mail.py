"""The SMTP mailer (aiosmtplib).

Configured by SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM and
SMTP_SECURITY (`starttls` requires STARTTLS, `tls` is implicit TLS, `none` is plain).
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib

from marketplace.ports.trust import MailError
from marketplace.settings import Settings

SEND_TIMEOUT_SECONDS = 15.0
log = logging.getLogger(__name__)


class SmtpMailer:
    """Sends each mail over its own SMTP connection (codes are rare; no pool needed)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host or not settings.smtp_from:
            msg = "SMTP_HOST and SMTP_FROM are needed to send email"
            raise ValueError(msg)
        self._settings = settings

    async def send(self, to: str, subject: str, body: str) -> None:
        """Send `body` as plain text to `to`; raises MailError with a short reason."""
        s = self._settings
        message = EmailMessage()
        message["From"] = s.smtp_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username or None,
                password=password,
                use_tls=s.smtp_security == "tls",
                start_tls=s.smtp_security == "starttls",
                timeout=SEND_TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            _failed(to, "recipient_refused", refused)
            raise MailError("recipient_refused") from refused
        except (aiosmtplib.SMTPException, OSError) as error:
            _failed(to, type(error).__name__, error)
            raise MailError(type(error).__name__) from error


def _failed(to: str, reason: str, error: Exception) -> None:
    """Log a failed send once: the reason and SMTP code, the domain only (no address)."""
    code = getattr(error, "code", None)
    domain = to.rpartition("@")[2]
    log.warning("SMTP send to @%s failed: %s (code %s)", domain, reason, code or "-")


def mailer_for(settings: Settings) -> SmtpMailer | None:
    """The SMTP mailer when SMTP_HOST and SMTP_FROM are set; None otherwise."""
    if not settings.smtp_host or not settings.smtp_from:
        return None
    return SmtpMailer(settings)
