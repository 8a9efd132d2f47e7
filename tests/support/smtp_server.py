"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), and a certificate it can show.

``smtp_server(...)`` runs aiosmtpd in a thread on a free port until the block ends and
records every message it accepts, parsed. It speaks plain SMTP, offers STARTTLS
(``starttls=...``), or speaks TLS from the first byte (``implicit_tls=...``), and with
``login=(user, password)`` takes only that sign-in, which it offers only once the
connection is encrypted, as aiosmtpd does by default.

``local_certificate(folder)`` makes a self-signed certificate for 127.0.0.1 and localhost.
A test lets the app trust it by pointing ``SSL_CERT_FILE`` at it: OpenSSL reads that
variable each time a default context loads the trusted authorities.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from ipaddress import IPv4Address
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Certificate:
    """A certificate and its key, as files."""

    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def local_certificate(folder: Path, name: str = "mail.test") -> Certificate:
    """Write a self-signed certificate for 127.0.0.1 and localhost into ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


@dataclass(frozen=True)
class Received:
    """One message the server accepted: the envelope and the message itself."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    encrypted: bool
    signed_in_as: str | None

    def body(self) -> str:
        return str(self.message.get_content())


@dataclass
class SmtpServer:
    port: int
    received: list[Received] = field(default_factory=list)
    sign_ins: list[str] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


class Recorder:
    """aiosmtpd's handler: keep every message, parsed."""

    def __init__(self, state: SmtpServer):
        self.state = state

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802  (aiosmtpd's name)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        login = session.auth_data.login.decode() if session.authenticated else None
        self.state.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message,  # type: ignore[arg-type]
                # TLS from the first byte or after STARTTLS: the connection carries it
                encrypted=server.transport.get_extra_info("ssl_object") is not None,
                signed_in_as=login,
            )
        )
        self.state.arrived.set()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(
    *,
    starttls: Certificate | None = None,
    implicit_tls: Certificate | None = None,
    login: tuple[str, str] | None = None,
) -> Iterator[SmtpServer]:
    """Serve SMTP on a free port of 127.0.0.1 until the block ends."""
    state = SmtpServer(port=free_port())
    options: dict[str, object] = {}
    if starttls is not None:
        options["tls_context"] = starttls.server_context()
        options["require_starttls"] = True
    if login is not None:

        def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
            state.sign_ins.append(mechanism)
            wanted = LoginPassword(login[0].encode(), login[1].encode())
            success = isinstance(auth_data, LoginPassword) and auth_data == wanted
            # handled=False: aiosmtpd answers a refusal itself (535)
            return AuthResult(
                success=success, handled=False, auth_data=auth_data if success else None
            )

        options["authenticator"] = authenticate
        options["auth_required"] = True
    controller = Controller(
        Recorder(state),
        hostname=HOST,
        port=state.port,
        ssl_context=implicit_tls.server_context() if implicit_tls else None,
        server_hostname="mail.test",
        **options,
    )
    controller.start()
    try:
        yield state
    finally:
        controller.stop()


@contextmanager
def silent_server() -> Iterator[int]:
    """Accept connections on a free port and never say a word: a mail server that hangs."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        sock.listen(8)  # connections complete in the backlog; nobody ever reads or writes
        yield int(sock.getsockname()[1])


def closed_port() -> int:
    """Return a port of 127.0.0.1 nothing listens on: connecting is refused."""
    return free_port()
