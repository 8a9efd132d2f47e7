"""Per-app caches of what never changes once made: published banks and what is worked out from them.

Each cache belongs to one app (tests make many apps in one process) and is bounded, so a
long-running worker's memory stays flat however many versions, languages or results it
meets. They are per process: every worker fills its own, which is right for values that
never go stale (a published version never changes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache
from flask import Flask, current_app

Value = TypeVar("Value")


class AppCache(Generic[Value]):
    """A least-recently-used cache of at most ``size`` values, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self._values: LRUCache[Hashable, Value] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """Return the value kept for ``key``, making and keeping it first if there is none.

        ``make`` runs outside the lock: two threads may both make a missing value, and the
        values are the same, so the second simply replaces the first.
        """
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def app_cache(name: str, size: int) -> AppCache[Value]:
    """Return this app's cache called ``name``, holding at most ``size`` values."""
    caches: dict[str, AppCache[Value]] = current_app.extensions.setdefault("career_fit_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, AppCache(size))
    return cache


def forget_caches(app: Flask) -> None:
    """Empty every cache ``app`` keeps, as a new worker process starts (tests use it)."""
    for cache in app.extensions.get("career_fit_caches", {}).values():
        cache.clear()
