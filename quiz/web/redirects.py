"""Where a ``next`` parameter may send a visitor: a path on this site, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit


def same_site_path(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None: never an open redirect.

    Refused: anything with a scheme or a host, a path not starting with "/", "//" (a
    host to a browser), any backslash (browsers read it as a slash, so "/\\\\host" leaves
    the site), and any character that is not printable (CR and LF would split the
    Location header; tabs, other controls and Unicode line separators are dropped or
    read differently by browsers, which turns a harmless-looking path into another one).
    """
    if not target:
        return None
    if any(not character.isprintable() for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    return target
