"""Run Career Fit on this machine: ``python -m quiz`` serves http://127.0.0.1:5000/.

On first start it gives the install its own secret key in instance/config.py and
creates and seeds the embedded SQLite database there. For a deployment, see
docs/deploy.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from quiz import create_app
from quiz.settings import ensure_local_secret_key


def main() -> None:
    if not os.environ.get("SECRET_KEY"):
        # the instance folder as create_app will find it, without creating the app twice
        instance = Path(Flask("quiz", instance_relative_config=True).instance_path)
        ensure_local_secret_key(instance)
    app = create_app()
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))


if __name__ == "__main__":
    main()
