"""Flask extensions shared across blueprints, created unbound and initialised in create_app."""

import hashlib
import hmac

from flask import current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect


def hashed_remote_address() -> str:
    """Key rate limits by a keyed hash of the client's address, never the address itself."""
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(str(current_app.secret_key).encode(), address, hashlib.sha256).hexdigest()[:24]


csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
talisman = Talisman()
# Storage comes from RATELIMIT_STORAGE_URI: memory for one process, Redis for several.
limiter = Limiter(key_func=hashed_remote_address)
