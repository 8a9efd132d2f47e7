"""The pure core: plain data in, plain data out.

Nothing here imports Flask, SQLAlchemy, Flask-Babel or any quiz module outside core, and
mypy checks all of it strictly. Texts a reader sees are marked with ``N_`` or returned as
:class:`~quiz.core.messages.Message` values; the web floor and the templates word them.
"""
