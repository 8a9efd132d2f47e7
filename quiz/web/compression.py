"""Compressed responses: brotli or gzip, whichever the client asks for; identity otherwise.

Pages, JSON, CSS, JavaScript and SVG are text that shrinks to a fifth or less. Two paths:

- Dynamic responses are compressed by Flask-Compress as they leave the app, at a level cheap
  enough to spend on every request. A compressed response's strong ETag gets the encoding
  appended (``"…:br"``), so a cache never mixes the two bodies, and Flask-Compress answers
  ``If-None-Match`` for it with a 304 itself. Streamed responses (the CSV exports) are left
  as they are, still streamed: compressing them would hold each chunk back until the
  compressor lets go of it.
- Static files are compressed once, when the app starts, at the highest levels, into files
  under the instance folder named by their content hash, and sent from there by the static
  view; no request compresses them again. Every worker and host writes the same bytes under
  the same names, and a new release writes new names beside the old ones.

Not compressed: responses under COMPRESS_MIN_SIZE, types outside COMPRESS_MIMETYPES (PNG and
the CSV exports among them), responses that already have a Content-Encoding, and anything
that may hold a signed-in admin's secrets (see :func:`may_hold_admin_secrets` and
docs/security.md, "Compression and BREACH").
"""

from __future__ import annotations

import gzip
import mimetypes
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from flask import Flask, current_app, g, request, send_file, session
from flask_compress import Compress
from werkzeug.wrappers import Response

from quiz.web.assets import static_fingerprints

# the encodings offered, the client's favourite first when it likes several equally
ENCODINGS = ("br", "gzip")
SUFFIXES = {"br": ".br", "gzip": ".gz"}

# text that shrinks; images other than SVG, fonts and archives are compressed already
COMPRESSIBLE_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/plain",
    "text/xml",
    "application/xml",
    "application/manifest+json",
]


@dataclass(frozen=True)
class StaticFile:
    """A static file as the static view sends it: its ETag, type and compressed copies."""

    etag: str
    mimetype: str
    encoded: dict[str, Path] = field(default_factory=dict)


def register(app: Flask) -> None:
    """Compress dynamic responses and send static files compressed once at start.

    Call it before registering anything else that changes a response's body, so its hook
    runs last (Flask runs ``after_request`` functions in reverse) and compresses the body
    as it leaves.
    """
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSIBLE_MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", list(ENCODINGS))
    # under about half a kilobyte, the headers cost more than compressing saves
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # every request pays for these: brotli 4 compresses about as well as gzip 6 and faster
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", True)
    # registered by hand below, so admin secrets can be left out
    app.config["COMPRESS_REGISTER"] = False
    app.config.setdefault(
        "STATIC_COMPRESSED_FOLDER", str(Path(app.instance_path, "compressed-static"))
    )
    # one per app: Flask-Compress keeps the types and encodings it read from the config
    app.extensions["compress"] = Compress(app)
    app.after_request(compress_response)
    app.extensions["compressed_static"] = compress_static_files(app)
    app.view_functions["static"] = send_static


def compress_response(response: Response) -> Response:
    """Compress a dynamic response as the client asks, unless it may hold admin secrets."""
    if may_hold_admin_secrets():
        return response
    # Flask-Compress would still pick an encoding the client refused with q=0 ("gzip;q=0")
    # when nothing else is offered; werkzeug reads q=0 as the refusal it is
    if request.accept_encodings.best_match(ENCODINGS) is None:
        response.vary.add("Accept-Encoding")
        return response
    compressed: Response = current_app.extensions["compress"].after_request(response)
    return compressed


def may_hold_admin_secrets() -> bool:
    """Tell whether this response may carry a signed-in admin's secrets next to input.

    BREACH guesses a secret in a compressed page from the page's size, when the page also
    echoes text the attacker chose. Flask-WTF's CSRF token is the same in every page of a
    session (it is signed, not masked per request), and the admin pages also show TOTP and
    webhook secrets; so no admin page is compressed, nor any page whose form holds the CSRF
    token of a session an admin is signed in to. Checking the session only once the token
    was made leaves "Vary: Cookie" off pages that never looked at the cookie.
    """
    if request.blueprint == "admin":
        return True
    token_made = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
    return token_made and "_user_id" in session


def compress_static_files(app: Flask) -> dict[str, StaticFile]:
    """Write each compressible static file's brotli and gzip copies, once, and list them.

    A copy already written (by another worker, host or start) under its content hash is
    kept as it is. A copy that cannot be written is logged and its file sent uncompressed:
    a read-only instance folder costs bandwidth, not the start.
    """
    static = Path(app.static_folder or "")
    folder = Path(app.config["STATIC_COMPRESSED_FOLDER"])
    mimetypes_compressed = set(app.config["COMPRESS_MIMETYPES"])
    minimum = int(app.config["COMPRESS_MIN_SIZE"])
    files: dict[str, StaticFile] = {}
    for name, fingerprint in static_fingerprints(app).items():
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        entry = StaticFile(etag=fingerprint, mimetype=mimetype)
        files[name] = entry
        if mimetype not in mimetypes_compressed:
            continue
        content = (static / name).read_bytes()
        if len(content) < minimum:
            continue
        for encoding in ENCODINGS:
            target = folder / f"{name}.{fingerprint}{SUFFIXES[encoding]}"
            try:
                if not target.is_file():
                    encoded = STATIC_COMPRESSORS[encoding](content)
                    if len(encoded) >= len(content):
                        continue
                    _write_atomically(target, encoded)
            except OSError as error:
                app.logger.warning("Static file %s is sent uncompressed: %s", name, error)
                continue
            entry.encoded[encoding] = target
    return files


def send_static(filename: str) -> Response:
    """Send a static file, as its compressed copy when the client accepts one.

    The ETag is the file's content hash, with the encoding after it for a compressed copy,
    so every host gives one file the same ETag and no cache mixes the encodings; the
    Cache-Control, Last-Modified and conditional answers are the plain file's as Flask
    sends them.
    """
    app = current_app
    entry = app.extensions["compressed_static"].get(filename)
    if entry is None:  # not there at start: Flask's own view, which also refuses ../
        return app.send_static_file(filename)
    plain = Path(app.static_folder or "", filename)
    encoding = request.accept_encodings.best_match(list(entry.encoded)) if entry.encoded else None
    max_age = app.get_send_file_max_age(filename)
    response: Response | None = None
    if encoding is not None:
        try:
            response = send_file(
                entry.encoded[encoding],
                mimetype=entry.mimetype,
                etag=f"{entry.etag}-{encoding}",
                last_modified=plain.stat().st_mtime,
                max_age=max_age,
                conditional=True,
            )
            response.headers["Content-Encoding"] = encoding
        except FileNotFoundError:  # the copies' folder was cleared while running
            response = None
    if response is None:
        response = send_file(
            plain, mimetype=entry.mimetype, etag=entry.etag, max_age=max_age, conditional=True
        )
    if entry.encoded:
        response.vary.add("Accept-Encoding")
    return response


def _write_atomically(target: Path, content: bytes) -> None:
    # written beside the target and renamed: workers starting together never see half a file
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".writing-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# once per file and release: the highest levels; mtime 0 makes gzip's bytes the same everywhere
STATIC_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda content: brotli.compress(content, quality=11),
    "gzip": lambda content: gzip.compress(content, compresslevel=9, mtime=0),
}
