"""A TCP proxy on 127.0.0.1 that tests put between the app and PostgreSQL, to cut the link.

The app's DATABASE_URL points at the proxy; the proxy forwards every byte to the real server.
``cut()`` is the database going away: the proxy stops listening (a new connection is refused,
exactly as when no server runs) and resets every open connection. ``restore()`` is the
database coming back. The port stays reserved by the proxy the whole time, so nothing else can
take it while the link is cut.

``cut_when(...)`` cuts a single connection at a chosen point of a conversation, for example
as soon as the client sends a statement, or right after the server has answered one. The
patterns are plain bytes searched for in the stream, so the PostgreSQL URL must not use TLS
(``sslmode=disable``) for them to be seen.
"""

from __future__ import annotations

import selectors
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass

CHUNK_BYTES = 65536
POLL_SECONDS = 0.05
# SO_LINGER with a zero timeout: close() sends a reset, as a crashed peer or a cut link would
RESET_ON_CLOSE = struct.pack("ii", 1, 0)


@dataclass(frozen=True)
class CutPoint:
    """Where to cut one connection, described by what the client sends on it.

    ``after`` are patterns the client sends first, in this order, each passed on as usual.
    Then, once the client sends ``at``: with ``reply`` None, the connection is cut before
    those bytes reach the server. With ``reply`` given, they do reach the server; what it
    sends back is held back from the client, and the connection is cut as soon as that
    answer contains ``reply`` — the server did the work, and the client never hears so.
    """

    at: bytes
    after: tuple[bytes, ...] = ()
    reply: bytes | None = None


class _Link:
    """One client connection and its connection to the server, with two pumping threads."""

    def __init__(self, proxy: TcpProxy, client: socket.socket, server: socket.socket):
        self.proxy = proxy
        self.client = client
        self.server = server
        self.closed = threading.Event()
        self._lock = threading.Lock()
        self._cut_point: CutPoint | None = None
        self._seen: list[bytes] = []
        self._client_bytes = b""
        self._holding_reply = False
        self._reply_bytes = b""

    def start(self) -> None:
        for source, target, inspect in (
            (self.client, self.server, self._from_client),
            (self.server, self.client, self._from_server),
        ):
            threading.Thread(target=self._pump, args=(source, target, inspect), daemon=True).start()

    def _pump(
        self,
        source: socket.socket,
        target: socket.socket,
        inspect: Callable[[bytes], bytes | None],
    ) -> None:
        """Pass what ``source`` sends to ``target``, as ``inspect`` lets it (None: cut)."""
        try:
            while not self.closed.is_set():
                data = source.recv(CHUNK_BYTES)
                if not data:
                    break
                data = inspect(data)
                if data is None:
                    return  # the link was cut on purpose
                if data:
                    target.sendall(data)
        except OSError:
            pass  # the other side went away, or the link was cut under this thread
        self.close()

    def _from_client(self, data: bytes) -> bytes | None:
        point = self.proxy.cut_point_for(self)
        if point is None:
            return data
        # search what came before too: a pattern may straddle two reads
        self._client_bytes = (self._client_bytes + data)[-4096:]
        for pattern in point.after[len(self._seen) :]:
            if pattern not in self._client_bytes:
                return data
            if not self.proxy.take_cut_point(self):
                return data  # another connection got there first
            self._seen.append(pattern)
            # the next pattern counts only when it comes after this one
            end = self._client_bytes.index(pattern) + len(pattern)
            self._client_bytes = self._client_bytes[end:]
        if point.at not in self._client_bytes or not self.proxy.take_cut_point(self):
            return data
        self.proxy.disarm()
        if point.reply is None:
            self.proxy.note_cut(point)
            self.close()
            return None
        with self._lock:
            self._holding_reply = True
            self._cut_point = point
        return data

    def _from_server(self, data: bytes) -> bytes | None:
        with self._lock:
            if not self._holding_reply:
                return data
            point = self._cut_point
        assert point is not None and point.reply is not None
        self._reply_bytes += data
        if point.reply in self._reply_bytes:
            self.proxy.note_cut(point)
            self.close()
            return None
        return b""  # hold it back: the client must not hear the answer

    def close(self) -> None:
        """Reset both connections (idempotent)."""
        with self._lock:
            if self.closed.is_set():
                return
            self.closed.set()
        for sock in (self.client, self.server):
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET_ON_CLOSE)
                # wakes the other pumping thread, which may be waiting in recv()
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.proxy.forget(self)


class TcpProxy:
    """Forward connections to 127.0.0.1:``port`` (chosen free) to ``upstream``; cut on demand.

    Use it as a context manager: it starts listening on entry and closes everything on exit.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._cut_point: CutPoint | None = None
        self._cut_owner: _Link | None = None
        self.cuts_made: list[CutPoint] = []
        self.connections_accepted = 0
        # Bound but never listening: keeps the port ours while the link is cut, and a
        # connection to a port with no listener is refused, as by a stopped server.
        self._reservation = self._socket()
        self._reservation.bind(("127.0.0.1", 0))
        self.port: int = self._reservation.getsockname()[1]
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._stop_accepting = threading.Event()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cut()
        self._reservation.close()

    @staticmethod
    def _socket() -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        return sock

    def restore(self) -> None:
        """Accept and forward connections again (the database is back)."""
        if self._acceptor is not None:
            return
        listener = self._socket()
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        self._stop_accepting.clear()
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        """Refuse new connections and reset every open one (the database is gone)."""
        if self._acceptor is not None:
            self._stop_accepting.set()
            self._acceptor.join()
            self._acceptor = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for link in self.links():
            link.close()

    def cut_when(self, point: CutPoint) -> None:
        """Cut the first connection whose conversation reaches ``point``, once."""
        with self._lock:
            self._cut_point = point
            self._cut_owner = None

    def links(self) -> list[_Link]:
        with self._lock:
            return list(self._links)

    def forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)
            if self._cut_owner is link:
                self._cut_owner = None  # closed before the cut point: another may reach it

    def cut_point_for(self, link: _Link) -> CutPoint | None:
        """Return the armed cut point, unless another connection is already on its way to it."""
        with self._lock:
            if self._cut_owner in (None, link):
                return self._cut_point
            return None

    def take_cut_point(self, link: _Link) -> bool:
        """Make ``link`` the one connection that may reach the cut point; False if taken."""
        with self._lock:
            if self._cut_owner is None:
                self._cut_owner = link
            return self._cut_owner is link

    def disarm(self) -> None:
        with self._lock:
            self._cut_point = None
            self._cut_owner = None

    def note_cut(self, point: CutPoint) -> None:
        with self._lock:
            self.cuts_made.append(point)

    def _accept(self, listener: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            while not self._stop_accepting.is_set():
                if not selector.select(POLL_SECONDS):
                    continue
                try:
                    client, _ = listener.accept()
                except OSError:
                    continue
                try:
                    server = socket.create_connection(self.upstream, timeout=10)
                    server.settimeout(None)
                except OSError:
                    client.close()
                    continue
                for sock in (client, server):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                link = _Link(self, client, server)
                with self._lock:
                    self._links.add(link)
                    self.connections_accepted += 1
                link.start()
