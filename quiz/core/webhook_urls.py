"""Which addresses a webhook may be sent to.

The rule: HTTPS to a named host or a public IP address, never with a user name or password
in it. Plain HTTP only to 127.0.0.1, and only where the site allows loopback
(``WEBHOOKS_ALLOW_LOOPBACK``, for tests and local trials): a result must not travel the
network unencrypted. An IP address literal of this machine or a private network
(``https://10.0.0.5``, ``https://[::1]``, ``https://localhost``) is refused too, so the
admin form cannot be used to make the server call its own neighbours; a name that only
resolves to such an address is not looked up here.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from quiz.core.messages import N_

MAX_URL_LENGTH = 500
LOOPBACK_HOST = "127.0.0.1"

TOO_LONG = N_("The address is too long: at most 500 characters.")
NOT_HTTPS = N_("Use an https:// address: results are never sent unencrypted.")
HTTP_NOT_ALLOWED = N_(
    "Plain http:// is allowed only to 127.0.0.1, and only where the site allows it for tests."
)
NO_HOST = N_("Type a whole address, such as https://example.com/hooks/career-fit.")
CREDENTIALS = N_("Leave the user name and password out of the address.")
LOCAL_HOST = N_(
    "This address points at this server or a private network; use the receiver's public "
    "https:// address."
)
FRAGMENT = N_("Leave the #part out of the address: it is never sent.")


def url_problem(url: str, allow_loopback: bool = False) -> str | None:
    """Return why ``url`` may not receive webhooks (an ``N_`` text), or None when it may."""
    if len(url) > MAX_URL_LENGTH:
        return TOO_LONG
    if any(c.isspace() or ord(c) < 32 for c in url):
        return NO_HOST
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        return NO_HOST
    if parts.scheme not in ("https", "http"):
        return NOT_HTTPS
    if not host:
        return NO_HOST
    if "@" in parts.netloc:
        return CREDENTIALS
    if parts.fragment:
        return FRAGMENT
    if parts.scheme == "http":
        return None if allow_loopback and host == LOOPBACK_HOST else HTTP_NOT_ALLOWED
    if host == "localhost" or host.endswith(".localhost"):
        return LOCAL_HOST
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: looked up only when sent
    if not address.is_global:
        return LOCAL_HOST
    return None
