"""Fingerprinted static files and a release id, so browsers and proxies may cache for long.

Every static URL carries a hash of the file's content (``?v=…``): a changed file gets a new
URL, so the old one can be cached for a year. The release id hashes every template,
translation catalog and static file, and the site's title and tagline; it is part of each
result page's ETag, so a new release that changes how a result looks is never hidden behind a
stale 304.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask


def register(app: Flask) -> None:
    fingerprints = static_fingerprints(app)
    templates = Path(app.root_path, app.template_folder or "")
    release = hashlib.sha256()
    for path in sorted(templates.rglob("*.html")):
        release.update(path.read_bytes())
    # the compiled catalogs: a corrected translation changes how a result reads
    for path in sorted(Path(app.root_path, "translations").rglob("*.mo")):
        release.update(path.read_bytes())
    release.update("".join(sorted(fingerprints.values())).encode())
    # the site's title and tagline are settings printed on pages and share cards: a changed
    # one must not hide behind a stale 304 either
    site_words = [str(app.config["SITE_TITLE"]), str(app.config.get("SITE_TAGLINE") or "")]
    release.update("\0".join(site_words).encode())
    app.config["RELEASE_ID"] = release.hexdigest()[:16]

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in fingerprints:
            values["v"] = fingerprints[values["filename"]]


def static_fingerprints(app: Flask) -> dict[str, str]:
    """Return each static file's content hash by its path under static/, read once per app.

    The same files give the same hashes on every host, so they also serve as the static
    files' ETags (quiz/web/compression.py): a copy revalidated at another host stays good.
    """
    known = app.extensions.get("static_fingerprints")
    if known is None:
        static = Path(app.static_folder or "")
        known = {
            path.relative_to(static).as_posix(): _digest(path.read_bytes())[:12]
            for path in sorted(static.rglob("*"))
            if path.is_file()
        }
        app.extensions["static_fingerprints"] = known
    return dict(known)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
