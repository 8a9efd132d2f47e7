"""Rate-limit storage that never stalls a request and never silently stops counting.

The configured store (Redis in production, RATELIMIT_STORAGE_URI) sits behind
``FailoverStorage``. Every operation goes to it with short socket timeouts
(RATELIMIT_STORAGE_TIMEOUT_SECONDS), so a frozen Redis costs a request a fraction of a second,
never a worker thread. When it fails, the failure is logged once with its kind, and the limits
go on counting in this process's memory: each process then counts alone, but nothing runs
unlimited. While it is failing, at most one operation every RATELIMIT_STORAGE_RETRY_SECONDS
tries it again; the first that succeeds ends the incident, and that is logged once too.

Sign-in asks for a strict view (``FailoverStorage.strict``): the attempt that finds the store
no longer answering is refused, never checked uncounted; the attempts after it, until the store
answers again, count in memory like everything else: limited, per process.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Literal
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from limits.storage import MemoryStorage, Storage

# the schemes of the Redis client, which takes socket timeouts (limits.storage.RedisStorage)
REDIS_SCHEMES = {"redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix"}
PROBE_KEY = "career-fit-limit-store-probe"

StoreState = Literal["ok", "unavailable", "memory"]


class LimitStoreUnavailable(Exception):
    """The limit store failed during an operation that must not fall back to memory."""


def storage_options(app: Flask) -> dict[str, Any]:
    """Return the storage options for RATELIMIT_STORAGE_URI, with its socket timeouts.

    Options a deployment sets itself in RATELIMIT_STORAGE_OPTIONS win.
    """
    options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    if urlsplit(str(app.config["RATELIMIT_STORAGE_URI"])).scheme in REDIS_SCHEMES:
        timeout = float(app.config["RATELIMIT_STORAGE_TIMEOUT_SECONDS"])
        options.setdefault("socket_timeout", timeout)
        options.setdefault("socket_connect_timeout", timeout)
    return options


class _Health:
    """Whether the configured store is failing, shared by a storage and its strict view.

    Only the change from answering to failing and back is logged, so an incident is one
    warning when it starts and one when it ends, however many requests meet it.
    """

    def __init__(self, retry_seconds: float) -> None:
        self.retry_seconds = retry_seconds
        self.failing = False
        self.next_try = 0.0
        self.lock = threading.Lock()

    def should_try(self) -> bool:
        """Whether to ask the store now: always while it answers, else one try per interval."""
        if not self.failing:
            return True
        with self.lock:
            now = time.monotonic()
            if now < self.next_try:
                return False
            self.next_try = now + self.retry_seconds
            return True

    def failed(self, error: BaseException) -> bool:
        """Note a failure; return whether it starts an incident (the store answered before)."""
        with self.lock:
            self.next_try = time.monotonic() + self.retry_seconds
            if self.failing:
                return False
            self.failing = True
        _logger().warning(
            "rate limit store failed (%s: %s): limits count in this process's memory "
            "until it answers again",
            type(error).__name__,
            error,
        )
        return True

    def answered(self) -> None:
        if not self.failing:
            return
        with self.lock:
            if not self.failing:
                return
            self.failing = False
        # a warning like the failure, so the end of an incident is logged wherever its start is
        _logger().warning("rate limit store answers again: limits are shared again")


class FailoverStorage(Storage):
    """The configured limit store, with this process's memory standing in while it fails.

    Supports the fixed-window strategy (Flask-Limiter's default, and what sign-in uses).
    """

    def __init__(
        self,
        primary: Storage,
        retry_seconds: float,
        *,
        memory: MemoryStorage | None = None,
        health: _Health | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__()
        self.primary = primary
        self.memory = memory or MemoryStorage()
        self.health = health or _Health(retry_seconds)
        self.is_strict = strict

    def strict(self) -> FailoverStorage:
        """The same store, except that a failure during an operation raises
        ``LimitStoreUnavailable`` instead of counting that operation in memory."""
        return FailoverStorage(
            self.primary,
            self.health.retry_seconds,
            memory=self.memory,
            health=self.health,
            strict=True,
        )

    @property
    def state(self) -> StoreState:
        """``memory`` when memory is the configured store, else whether it is answering."""
        if isinstance(self.primary, MemoryStorage):
            return "memory"
        return "unavailable" if self.health.failing else "ok"

    def probe(self) -> StoreState:
        """Ask the configured store now (for the health check); return the state after."""
        try:
            self.primary.get(PROBE_KEY)
        except Exception as error:  # whatever the client raises, the store did not answer
            self.health.failed(error)
        else:
            self.health.answered()
        return self.state

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return LimitStoreUnavailable

    def _run(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        if self.health.should_try():
            try:
                result = getattr(self.primary, operation)(*args, **kwargs)
            except Exception as error:  # a client raises its own kinds; each one means failing
                # strict refuses the attempt that finds the store failing; once it is known
                # to be failing, memory counts, strict or not
                if self.health.failed(error) and self.is_strict:
                    raise LimitStoreUnavailable(type(error).__name__) from error
            else:
                self.health.answered()
                return result
        return getattr(self.memory, operation)(*args, **kwargs)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return int(self._run("incr", key, expiry, amount=amount))

    def get(self, key: str) -> int:
        return int(self._run("get", key))

    def get_expiry(self, key: str) -> float:
        return float(self._run("get_expiry", key))

    def check(self) -> bool:
        return self.probe() != "unavailable"

    def reset(self) -> int | None:
        self.memory.reset()
        result = self.primary.reset()
        return int(result) if result is not None else None

    def clear(self, key: str) -> None:
        self._run("clear", key)


def _logger() -> logging.Logger:
    # the app's logger stamps each line with the request id (quiz/web/errors.py)
    return current_app.logger if has_app_context() else logging.getLogger(__name__)
