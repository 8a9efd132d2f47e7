"""Flask extensions shared across blueprints, created unbound and initialised in create_app."""

import hashlib
import hmac

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from limits.strategies import FixedWindowRateLimiter

from quiz.web.limits import FailoverStorage, storage_options


def hashed_remote_address() -> str:
    """Key rate limits by a keyed hash of the client's address, never the address itself."""
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(str(current_app.secret_key).encode(), address, hashlib.sha256).hexdigest()[:24]


class FailoverLimiter(Limiter):
    """Flask-Limiter on a store that never stalls a request nor stops counting.

    The store is described in quiz/web/limits.py.
    """

    _failover: FailoverStorage | None = None

    @property
    def failover(self) -> FailoverStorage:
        """The configured store behind its failover: what every limit counts in."""
        assert self._failover is not None, "limiter.init_app(app) comes first"
        return self._failover

    def init_app(self, app: Flask) -> None:
        app.config["RATELIMIT_STORAGE_OPTIONS"] = storage_options(app)
        super().init_app(app)
        if self._strategy != "fixed-window":
            raise RuntimeError(
                "RATELIMIT_STRATEGY must be fixed-window: the limit store's failover "
                "(quiz/web/limits.py) counts fixed windows only."
            )
        # Flask-Limiter builds its storage from the URI and takes no storage object, so its
        # strategy is rebuilt on the failover here (``_limiter``, an attribute of Flask-Limiter
        # 3.8-4.x, the range pinned in pyproject.toml). Its own in-memory fallback stays off:
        # it logs no failure's kind and waits up to a minute to ask the store again.
        self._failover = FailoverStorage(
            self.storage, float(app.config["RATELIMIT_STORAGE_RETRY_SECONDS"])
        )
        self._limiter = FixedWindowRateLimiter(self._failover)


csrf = CSRFProtect()
login_manager = LoginManager()
talisman = Talisman()
# Storage comes from RATELIMIT_STORAGE_URI: memory for one process, Redis for several.
limiter = FailoverLimiter(key_func=hashed_remote_address)
