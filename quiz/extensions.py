"""Flask extensions shared across blueprints, created unbound and initialised in create_app."""

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
