"""Invitations by mail: a plain-text message sent over SMTP, when a mail server is configured.

Mail is off unless MAIL_SERVER is set (quiz/settings.py checks the rest at start); the
owner then passes the invitation link on themselves, as they always can. With mail on:

* **The message** is plain text in the inviting owner's language: who invited the person,
  to which site, with which role, the link, and that it works once, for 72 hours. Every
  address and name goes into a header through :class:`email.message.EmailMessage`, which
  refuses line breaks; an address with a space or a control character in it is refused
  before a message is made, so nothing typed into a form can add a header.
* **The connection** is protected as MAIL_SECURITY says: STARTTLS (refused when the server
  does not offer it, never sent in plain instead), TLS from the first byte ("ssl"), or none.
  The server's certificate is checked against the system's trusted authorities and its name.
* **Failure never costs the invitation.** It is committed before the mail is tried; a mail
  server that refuses, fails or does not answer within MAIL_TIMEOUT_SECONDS (all steps
  together) raises :class:`MailFailed` with a plain reason for the owner, logged as a
  warning; the caller shows the link either way. The audit log records the outcome.

smtplib, ssl and the email package are imported only when a mail is sent: most requests
never send one (docs/performance.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from ipaddress import ip_address
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from quiz.core.admin_roles import ROLE_DESCRIPTIONS, ROLE_NAMES
from quiz.core.messages import N_
from quiz.db import db
from quiz.models import AdminInvitation
from quiz.store import admins
from quiz.web.filters import format_utc

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

# the plain reasons an owner is shown, after "We could not send the email:"
UNREACHABLE = N_("the mail server could not be reached")
TOO_SLOW = N_("the mail server did not answer in time")
NO_STARTTLS = N_("the mail server does not offer an encrypted connection (STARTTLS)")
UNTRUSTED = N_("the mail server's certificate could not be verified")
NOT_SECURED = N_("the encrypted connection to the mail server failed")
SIGN_IN_REFUSED = N_("the mail server refused the user name or password")
SENDER_REFUSED = N_("the mail server refused to send from the address MAIL_FROM")
RECIPIENT_REFUSED = N_("the mail server refused the address %(email)s")
HUNG_UP = N_("the mail server ended the connection")
REFUSED = N_("the mail server refused the message")
UNUSABLE_ADDRESS = N_("%(email)s cannot be written into an email")
UNEXPECTED = N_("something went wrong while writing or sending it")


class MailFailed(Exception):
    """A mail that was not sent: ``reason`` (marked ``N_``, filled with ``values``) for the
    person who asked, ``detail`` (the error as the mail server or the network gave it) for
    the log and the audit log."""

    def __init__(self, reason: str, detail: str, **values: str):
        super().__init__(f"{reason % values} ({detail})")
        self.reason = reason
        self.detail = detail
        self.values = values

    def plain(self) -> str:
        """Return the reason in the language of the request being served."""
        return str(_(self.reason, **self.values))


def mail_on() -> bool:
    """Tell whether this site sends mail: a mail server is configured."""
    return bool(current_app.config.get("MAIL_SERVER"))


@dataclass(frozen=True)
class InvitationMail:
    """What an invitation's mail says, read off the invitation before the server is asked."""

    email: str
    role: str
    expires_at: datetime
    link: str
    inviter: str | None  # the owner's email; None from the command line


def mail_invitation(
    invitation: AdminInvitation, link: str, language: str, inviter: str | None, actor: str
) -> MailFailed | None:
    """Send ``invitation``'s link to the invited address in ``language``; record the outcome.

    Returns None when the mail server took the message, else the :class:`MailFailed`,
    which is logged as a warning. Either way the invitation stands, and the audit log says
    (as ``actor``) whether it was emailed.
    """
    about = InvitationMail(invitation.email, invitation.role, invitation.expires_at, link, inviter)
    # end the read transaction the invitation was read in: nothing is held while the mail
    # server is asked, which may take MAIL_TIMEOUT_SECONDS
    db.session.rollback()
    try:
        send(invitation_message(about, language))
    except MailFailed as failed:
        current_app.logger.warning(
            "Could not email the invitation to %s through %s:%s: %s",
            about.email,
            current_app.config["MAIL_SERVER"],
            current_app.config["MAIL_PORT"],
            failed,
        )
        problem = failed
    except Exception as error:  # a fault of ours must not cost the owner the link, shown once
        current_app.logger.exception("Could not email the invitation to %s", about.email)
        problem = MailFailed(UNEXPECTED, f"{type(error).__name__}: {error}"[:300])
    else:
        admins.record_invitation_mail(invitation, actor)
        return None
    admins.record_invitation_mail(invitation, actor, failure=str(problem))
    return problem


def invitation_message(about: InvitationMail, language: str) -> EmailMessage:
    """Write the invitation's mail in ``language``: plain text, addressed to the invited."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    check_address(about.email)
    config = current_app.config
    site = " ".join(str(config["SITE_TITLE"]).split())  # one line, whatever the setting holds
    hours = int(admins.INVITATION_LIFETIME.total_seconds() // 3600)
    with force_locale(language):
        role = _(ROLE_NAMES[about.role])
        if about.inviter:
            subject = _(
                "%(inviter)s invited you to help run %(site)s", inviter=about.inviter, site=site
            )
            opening = _(
                "%(inviter)s invited you to join the admin area of %(site)s (%(address)s) as: "
                "%(role)s.",
                inviter=about.inviter,
                site=site,
                address=config["PUBLIC_URL"],
                role=role,
            )
        else:
            subject = _("You are invited to help run %(site)s", site=site)
            opening = _(
                "You are invited to join the admin area of %(site)s (%(address)s) as: %(role)s.",
                site=site,
                address=config["PUBLIC_URL"],
                role=role,
            )
        paragraphs = [
            _("Hello,"),
            opening + " " + _(ROLE_DESCRIPTIONS[about.role]),
            _("To accept, open this link and choose a password:"),
            about.link,
            ngettext(
                "The link works once and expires in %(num)d hour, at %(until)s (UTC).",
                "The link works once and expires in %(num)d hours, at %(until)s (UTC).",
                hours,
                until=format_utc(about.expires_at),
            ),
            _(
                "If you did not expect this invitation, ignore this email: nothing happens "
                "unless the link is opened. If it expires, ask for a new one."
            ),
            site,
        ]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = about.email
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=urlsplit(config["PUBLIC_URL"]).hostname)
    # a machine wrote it: vacation replies and other robots should not answer it
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n\n".join(paragraphs) + "\n")
    message["Content-Language"] = language  # after the content, which clears Content- headers
    return message


def check_address(email: str) -> None:
    """Refuse an address a mail cannot go to as it is: no @, or a space or control character.

    The forms and the command line refuse such addresses already; this holds for any caller,
    so a line break can never reach a header.
    """
    if not mailable(email):
        raise MailFailed(UNUSABLE_ADDRESS, "not an address a mail can go to", email=email)


def mailable(email: str) -> bool:
    """Tell whether ``email`` can be written into a mail's header as it is: something on
    both sides of an @, and no space or control character anywhere."""
    local, at, domain = email.rpartition("@")
    odd = any(character.isspace() or not character.isprintable() for character in email)
    return not odd and bool(local and at and domain)


def send(message: EmailMessage) -> None:
    """Send ``message`` through the configured mail server; raise :class:`MailFailed` if not.

    Every step (connecting, STARTTLS, signing in, sending) waits only for what is left of
    MAIL_TIMEOUT_SECONDS, so a server that answers slowly cannot hold the request longer.
    """
    import smtplib
    import ssl

    config = current_app.config
    host, port, security = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_SECURITY"]
    timeout = float(config["MAIL_TIMEOUT_SECONDS"])
    deadline = time.monotonic() + timeout
    context = ssl.create_default_context()
    name = helo_name(config["PUBLIC_URL"])
    client: smtplib.SMTP | None = None
    try:
        if security == "ssl":
            client = smtplib.SMTP_SSL(host, port, name, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, name, timeout=timeout)
        if security == "starttls":
            _wait_at_most(client, deadline)
            client.ehlo_or_helo_if_needed()
            if not client.has_extn("starttls"):  # never go on in plain instead
                raise MailFailed(NO_STARTTLS, "STARTTLS is not among the server's extensions")
            client.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            _wait_at_most(client, deadline)
            client.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        _wait_at_most(client, deadline)
        client.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise failure(error, str(message["To"])) from error
    finally:
        if client is not None:
            _close(client)


def failure(error: Exception, recipient: str) -> MailFailed:
    """Say in plain words why sending failed; the error itself is kept as the detail."""
    import smtplib
    import ssl

    detail = f"{type(error).__name__}: {error}"[:300]
    reason, values = REFUSED, {}
    # smtplib reports a reply that never came as the server hanging up, the timeout beneath
    underneath = error.__cause__ or error.__context__
    if isinstance(error, TimeoutError) or isinstance(underneath, TimeoutError):
        reason = TOO_SLOW
    elif isinstance(error, smtplib.SMTPAuthenticationError):
        reason = SIGN_IN_REFUSED
    elif isinstance(error, smtplib.SMTPSenderRefused):
        reason = SENDER_REFUSED
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        reason, values = RECIPIENT_REFUSED, {"email": recipient}
    elif isinstance(error, smtplib.SMTPServerDisconnected):
        reason = HUNG_UP
    elif isinstance(error, smtplib.SMTPException):
        pass  # refused at some other step: REFUSED
    elif isinstance(error, ssl.SSLCertVerificationError):
        reason = UNTRUSTED
    elif isinstance(error, ssl.SSLError):
        reason = NOT_SECURED
    elif isinstance(error, OSError):
        reason = UNREACHABLE
    return MailFailed(reason, detail, **values)


def helo_name(public_url: str) -> str:
    """Name this site to the mail server by PUBLIC_URL's host (an address in brackets).

    Given, not looked up: smtplib would otherwise ask DNS for this machine's name, a wait
    no timeout bounds.
    """
    host = urlsplit(public_url).hostname or "localhost"
    try:
        ip_address(host)
    except ValueError:
        return host
    return f"[{host}]"


def _wait_at_most(client: smtplib.SMTP, deadline: float) -> None:
    """Let the next step wait only for what is left of the timeout; none left: time out."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("MAIL_TIMEOUT_SECONDS ran out")
    if client.sock is not None:
        client.sock.settimeout(left)


def _close(client: smtplib.SMTP) -> None:
    """Say goodbye to the server if it still listens, and close the connection either way."""
    import smtplib

    try:
        if client.sock is not None:
            client.sock.settimeout(1.0)  # the message is sent or lost already: do not linger
            client.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        client.close()
