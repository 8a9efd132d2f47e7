"""Heavy packages are imported where they are used, not by every gunicorn worker at start.

Each check runs in a fresh interpreter: in the test process, other tests have imported
whatever they needed, and ``sys.modules`` would prove nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fresh_process import run_python

# what only a few pages need: the share card, the two-factor QR code and codes, webhooks,
# secrets at rest, the bank format page, invitation mail (docs/performance.md)
LAZY = ("PIL", "segno", "pyotp", "requests", "cryptography", "markdown_it", "smtplib")
# what only migrating needs: a start on an up-to-date schema reads its revision with one query
MIGRATING = ("alembic", "flask_migrate", "mako")

VISIT = """
import json, sys
from quiz import create_app

app = create_app()
client = app.test_client()
for path in sys.argv[1:]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def packages_after_visiting(database_url: str, tmp_path: Path, *paths: str) -> set[str]:
    """Create the app in a new interpreter, visit ``paths``; return its top-level packages."""
    finished = run_python(database_url, tmp_path, "-c", VISIT, *paths)
    assert finished.returncode == 0, finished.stderr
    return set(json.loads(finished.stdout.splitlines()[-1]))


def test_creating_the_app_and_serving_the_landing_and_quiz_pages_imports_no_heavy_package(
    database_url: str, tmp_path: Path
) -> None:
    loaded = packages_after_visiting(database_url, tmp_path, "/", "/quiz/1")

    assert "quiz" in loaded and "flask" in loaded
    assert loaded.isdisjoint(LAZY), sorted(loaded.intersection(LAZY))
    # the database is migrated already: nothing of the migrations is needed to start on it
    assert loaded.isdisjoint(MIGRATING), sorted(loaded.intersection(MIGRATING))


def test_the_first_start_on_an_empty_database_still_migrates_with_alembic(tmp_path: Path) -> None:
    # the other half of the proof: the check above would see Alembic had the start loaded it
    loaded = packages_after_visiting(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path, "/")

    assert {"alembic", "flask_migrate"} <= loaded


@pytest.mark.parametrize(("path", "package"), [("/example.png", "PIL")])
def test_a_page_that_needs_a_heavy_package_still_imports_it(
    database_url: str, tmp_path: Path, path: str, package: str
) -> None:
    # the other half of the proof: the check above sees a package as soon as a page loads it
    assert package in packages_after_visiting(database_url, tmp_path, "/", path)
