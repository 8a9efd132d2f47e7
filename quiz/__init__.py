"""Career Fit: a quiz that tells a person which AI and data role fits them, and why."""

from __future__ import annotations

from typing import Any

from flask import Flask

from quiz.settings import PACKAGE_DIR


def _asset_dir(name: str) -> str:
    """Find templates/ or static/: inside the package when installed, beside it in a checkout."""
    inside = PACKAGE_DIR / name
    return str(inside if inside.is_dir() else PACKAGE_DIR.parent / name)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the Career Fit app; ``config`` overrides everything else (tests use it)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_asset_dir("templates"),
        static_folder=_asset_dir("static"),
    )
    from quiz import settings

    settings.configure(app, config)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep documented key order
    app.logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    from quiz.db import init_db

    init_db(app)

    from flask_babel import gettext

    from quiz import admin, cli, public
    from quiz.core.messages import N_
    from quiz.web import assets, compression, errors, filters, i18n, page_cache, site, whole_pages
    from quiz.web.extensions import csrf, limiter, login_manager
    from quiz.web.security import HttpsAwareSessionInterface, protect
    from quiz.web.urls import register as use_public_address

    # first, so its hook runs last and compresses the body every other hook has finished
    compression.register(app)
    app.session_interface = HttpsAwareSessionInterface()
    protect(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.sign_in"
    login_manager.login_message = N_("Please sign in to open the admin area.")
    login_manager.localize_callback = gettext
    from quiz.web.security import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter
    app.register_blueprint(public.bp)
    app.register_blueprint(public.embed_bp)
    app.register_blueprint(admin.bp)
    i18n.register(app)
    site.register(app)
    errors.register(app)
    use_public_address(app)
    assets.register(app)
    page_cache.register(app)  # after assets and i18n: its keys name the release and catalogs
    whole_pages.register(app)  # kept whole responses, ahead of everything the app does
    filters.register(app)
    cli.register(app)
    if app.config["TRUST_PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUST_PROXY_HOPS"]
        # the host a proxy passes on is checked against TRUSTED_HOSTS, never printed; outermost,
        # so even a kept whole page is found under the scheme and host the visitor used
        x_host = hops if app.config["TRUST_FORWARDED_HOST"] else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=x_host)  # type: ignore[method-assign]

    if app.config["SEED_ON_START"]:
        from quiz.store.seeding import ensure_seeded

        with app.app_context():
            ensure_seeded()
    return app
