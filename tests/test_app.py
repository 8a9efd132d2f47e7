"""The app factory and the package: configuration, the embedded defaults, seeding, the
init-db command, and a built wheel that finds its own templates and static files."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select

from quiz import create_app
from quiz.db import db
from quiz.models import QuizVersion
from quiz.settings import ensure_local_secret_key
from quiz.store.seeding import ensure_seeded

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WHEEL_MUST_HOLD = (
    "quiz/templates/base.html",
    "quiz/static/css/site.css",
    "quiz/static/css/admin.css",
    "quiz/docs/bank-format.md",
    "quiz/data/default_bank.json",
    "quiz/data/openapi.json",
)


class ReachedTheDatabase(Exception):
    """Raised in place of connecting, to prove a check happened before any database work."""


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's instance folder at a fresh temporary path, with no settings in the env."""
    path = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return path


@pytest.fixture
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to set up the database raise ReachedTheDatabase."""

    def refuse(app: Flask) -> None:
        raise ReachedTheDatabase(app.config["SQLALCHEMY_DATABASE_URI"])

    monkeypatch.setattr(db, "init_app", refuse)


def version_numbers(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(QuizVersion.number).order_by(QuizVersion.number)))


def test_create_app_takes_a_config_dict_that_reaches_the_views(instance, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "from-the-dict",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dict.sqlite3'}",
            "QUESTIONS_PER_PAGE": 7,
        }
    )
    assert app.testing
    assert app.secret_key == "from-the-dict"
    assert "public" in app.blueprints
    assert (tmp_path / "dict.sqlite3").is_file()

    html = app.test_client().get("/quiz/1").get_data(as_text=True)
    assert "Page 1 of 5" in html
    assert len(set(re.findall(r'name="(q-[^"]+)"', html))) == 7


def test_config_dict_overrides_the_environment(instance, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "from-the-env")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dict.sqlite3'}"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'dict.sqlite3'}"
    assert app.secret_key == "from-the-env"
    assert not (tmp_path / "env.sqlite3").exists()


def test_environment_supplies_database_url_and_secret_key(instance, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "from-the-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    assert app.secret_key == "from-the-env"
    assert (tmp_path / "env.sqlite3").is_file()


def test_embedded_default_creates_instance_folder_and_database(instance, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-env")
    assert not instance.exists()
    app = create_app()

    assert not app.testing and not app.debug
    assert app.instance_path == str(instance)
    database = instance / "career_fit.sqlite3"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
    assert database.is_file()
    assert app.test_client().get("/").status_code == 200


def test_local_launcher_gives_the_install_a_kept_secret_key(instance):
    ensure_local_secret_key(instance)
    config_file = instance / "config.py"
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    key = re.search(r"SECRET_KEY = '([0-9a-f]{64})'", config_file.read_text()).group(1)
    app = create_app()
    assert app.secret_key == key

    # a restart keeps the same key, so sessions and CSRF tokens survive it
    ensure_local_secret_key(instance)
    assert create_app().secret_key == key
    assert config_file.read_text().count("SECRET_KEY") == 1


def test_local_launcher_keeps_a_key_the_admin_already_set(instance):
    instance.mkdir()
    (instance / "config.py").write_text('SECRET_KEY = "chosen"\n')
    ensure_local_secret_key(instance)
    assert (instance / "config.py").read_text() == 'SECRET_KEY = "chosen"\n'


def test_instance_config_file_is_read(instance):
    instance.mkdir()
    (instance / "config.py").write_text('SECRET_KEY = "from-the-file"\nQUESTIONS_PER_PAGE = 5\n')
    app = create_app()
    assert app.secret_key == "from-the-file"
    assert app.config["QUESTIONS_PER_PAGE"] == 5


@pytest.mark.parametrize(
    "url",
    [
        None,
        "sqlite:////tmp/career_fit_never_created.sqlite3",
        "postgresql+psycopg://career:secret@127.0.0.1:9/career_fit",
        "mysql://career@db.invalid/career_fit",
    ],
)
def test_refuses_to_start_without_secret_key(instance, no_database, monkeypatch, url):
    if url:
        monkeypatch.setenv("DATABASE_URL", url)
    # no_database proves the refusal comes first: reaching it would raise something else
    with pytest.raises(RuntimeError, match=r"SECRET_KEY is not set\. Set the SECRET_KEY"):
        create_app()


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"TESTING": True}, id="testing"),
        pytest.param({"DEBUG": True}, id="debug"),
        pytest.param({"SECRET_KEY": "set"}, id="key-given"),
    ],
)
def test_server_database_starts_when_testing_debugging_or_given_a_key(
    instance, no_database, monkeypatch, config
):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://career@db.invalid/career_fit")
    with pytest.raises(ReachedTheDatabase):
        create_app(config)


def test_seeding_happens_once(instance, tmp_path):
    config = {
        "TESTING": True,
        "SECRET_KEY": "seed-test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'seed.sqlite3'}",
    }
    first = create_app(config)
    assert version_numbers(first) == [1]
    second = create_app(config)
    assert version_numbers(second) == [1]
    with second.app_context():
        assert ensure_seeded() is False
    assert version_numbers(create_app(config)) == [1]


def test_init_db_command_creates_tables_and_publishes_the_default_bank_once(instance, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "cli-test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "SEED_ON_START": False,
        }
    )
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
    runner = app.test_cli_runner()

    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, f"{result.exception!r} {result.output}"
    assert (
        "Created the database and published the default question bank as version 1."
        in result.output
    )
    assert version_numbers(app) == [1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizVersion)) == 1

    again = runner.invoke(args=["init-db"])
    assert again.exit_code == 0, f"{again.exception!r} {again.output}"
    assert "latest published quiz is version 1" in again.output
    assert version_numbers(app) == [1]
    assert app.test_client().get("/").status_code == 200


def test_flask_command_line_runs_init_db(instance, tmp_path):
    database = tmp_path / "cli.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "FLASK_APP"}
    env.update(DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="cli-test")
    run = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quiz", "init-db"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "published" in run.stdout
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    assert version_numbers(app) == [1]


# ---------------------------------------------------------------- the built wheel

WHEEL_SMOKE = """
import json, sys
import quiz
from quiz import create_app

app = create_app({
    "TESTING": True,
    "SECRET_KEY": "wheel-test",
    "SQLALCHEMY_DATABASE_URI": sys.argv[1],
})
client = app.test_client()
with client.get("/") as home, client.get("/static/css/site.css") as css, \\
        client.get("/no-such-page") as missing, client.get("/api/openapi.json") as api:
    print(json.dumps({
        "package": quiz.__file__,
        "templates": app.template_folder,
        "static": app.static_folder,
        "home": [home.status_code, home.get_data(as_text=True)],
        "css": [css.status_code, css.mimetype, len(css.get_data())],
        "missing": [missing.status_code, missing.get_data(as_text=True)],
        "api": [api.status_code, sorted(api.get_json()["paths"])],
    }))
"""


def build_wheel(out: Path) -> Path:
    """Build the project's wheel into ``out`` with pip, and return its path."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    built = subprocess.run(
        [*command, "--no-build-isolation", str(PROJECT_ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if built.returncode != 0 and "hatchling" in built.stderr:
        # the build backend isn't importable here: let pip fetch it into an isolated env
        built = subprocess.run(
            [*command, str(PROJECT_ROOT)], capture_output=True, text=True, env=env, timeout=300
        )
    assert built.returncode == 0, built.stderr
    wheels = list(out.glob("career_fit-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_installed_wheel_finds_its_templates_and_static_files(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert set(WHEEL_MUST_HOLD) <= names, sorted(names)
        assert not any(name.startswith(("tests/", "templates/", "static/")) for name in names)
        site = tmp_path / "site"
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "FLASK_APP"}
    }
    env["PYTHONPATH"] = str(site)

    run = subprocess.run(
        [sys.executable, "-W", "error", "-c", WHEEL_SMOKE, f"sqlite:///{tmp_path / 'w.sqlite3'}"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    # the wheel's own copy answered, not the checkout it was built from
    assert Path(report["package"]).is_relative_to(site)
    assert Path(report["templates"]) == site / "quiz" / "templates"
    assert Path(report["static"]) == site / "quiz" / "static"
    status, home = report["home"]
    assert status == 200
    assert "Which AI and data role fits you?" in home  # public/index.html
    assert '<a class="brand" href="/">Career Fit</a>' in home  # base.html
    assert report["css"][0] == 200
    assert report["css"][1] == "text/css"
    assert report["css"][2] == (PROJECT_ROOT / "static" / "css" / "site.css").stat().st_size
    status, missing = report["missing"]
    assert status == 404
    assert "We can&#39;t find that page" in missing  # errors/error.html
    status, paths = report["api"]
    assert status == 200 and "/api/roles" in paths  # quiz/data/openapi.json
