"""A real HTTP server on 127.0.0.1 that receives webhooks, in a thread, for tests.

It answers each request with the next of ``answers`` (then 200), or holds it until
``release`` is set when the answer is ``"stall"``. It records every request it got.
Also: the signature checker docs/integrations.md documents, run from the document itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def documented_verifier() -> Callable[..., bool]:
    """Return ``verify_signature`` as docs/integrations.md defines it, run from the page."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    source = next(block for block in blocks if "def verify_signature" in block)
    namespace: dict[str, object] = {}
    exec(compile(source, str(DOC), "exec"), namespace)  # the document's own code
    return namespace["verify_signature"]  # type: ignore[return-value]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    answers: list[int | str]
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)


@contextmanager
def webhook_receiver(answers: list[int | str] | None = None) -> Iterator[Receiver]:
    """Serve on a free port of 127.0.0.1 until the block ends."""
    state = Receiver(url="", answers=list(answers or []))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (the name http.server calls)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.received.append(Received(self.path, dict(self.headers.items()), body))
                answer = state.answers.pop(0) if state.answers else 200
            state.arrived.set()
            if answer == "stall":
                state.release.wait(30)
                answer = 200
            self.send_response(int(answer))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/career-fit"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
