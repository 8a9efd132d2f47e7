"""The mail settings: off unless MAIL_SERVER is set; set, checked at start with a clear message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import TEST_CONFIG

from quiz import create_app

SENDER = "Career Fit <noreply@careerfit.example>"


def start(tmp_path: Path, **settings: Any):
    return create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "SEED_ON_START": False,
            **settings,
        }
    )


@pytest.fixture(autouse=True)
def no_mail_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SERVER", "PORT", "SECURITY", "USERNAME", "PASSWORD", "FROM", "TIMEOUT_SECONDS"):
        monkeypatch.delenv(f"MAIL_{name}", raising=False)


def test_mail_is_off_by_default(tmp_path: Path) -> None:
    config = start(tmp_path).config
    assert config["MAIL_SERVER"] is None
    assert (config["MAIL_SECURITY"], config["MAIL_PORT"]) == ("starttls", 587)
    assert config["MAIL_TIMEOUT_SECONDS"] == 10


def test_a_mail_server_without_a_sender_stops_the_app_from_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.com")
    with pytest.raises(RuntimeError, match=r"MAIL_SERVER is set but MAIL_FROM is not\. Set"):
        start(tmp_path)
    monkeypatch.setenv("MAIL_FROM", SENDER)
    assert start(tmp_path).config["MAIL_FROM"] == SENDER


def test_every_mail_setting_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {
        "MAIL_SERVER": "smtp.example.com",
        "MAIL_PORT": "2525",
        "MAIL_SECURITY": "SSL",
        "MAIL_USERNAME": "careerfit",
        "MAIL_PASSWORD": "from the environment",
        "MAIL_FROM": "noreply@careerfit.example",
        "MAIL_TIMEOUT_SECONDS": "4.5",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    config = start(tmp_path).config
    assert config["MAIL_SERVER"] == "smtp.example.com"
    assert config["MAIL_PORT"] == 2525
    assert config["MAIL_SECURITY"] == "ssl"
    assert (config["MAIL_USERNAME"], config["MAIL_PASSWORD"]) == (
        "careerfit",
        "from the environment",
    )
    assert config["MAIL_FROM"] == "noreply@careerfit.example"
    assert config["MAIL_TIMEOUT_SECONDS"] == 4.5


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 587)])
def test_the_port_follows_the_security_unless_set(tmp_path: Path, security: str, port: int) -> None:
    app = start(tmp_path, MAIL_SERVER="smtp.example.com", MAIL_FROM=SENDER, MAIL_SECURITY=security)
    assert app.config["MAIL_PORT"] == port


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"MAIL_SECURITY": "tls"}, r"MAIL_SECURITY must be one of starttls, ssl, none, not 'tls'"),
        ({"MAIL_PORT": "many"}, r"MAIL_PORT must be a port number, such as 587, not 'many'"),
        ({"MAIL_PORT": 70000}, r"MAIL_PORT must be a port number"),
        ({"MAIL_TIMEOUT_SECONDS": 0}, r"MAIL_TIMEOUT_SECONDS must be a number of seconds above 0"),
        ({"MAIL_SERVER": "smtp example"}, r"MAIL_SERVER must be a host name or address"),
        ({"MAIL_FROM": "nobody"}, r"MAIL_FROM is 'nobody', which is not one address"),
        (
            {"MAIL_FROM": "a@example.com\r\nBcc: b@example.com"},
            r"MAIL_FROM is .*, which is not one address",
        ),
        ({"MAIL_USERNAME": "careerfit"}, r"MAIL_USERNAME and MAIL_PASSWORD go together"),
        ({"MAIL_PASSWORD": "secret words"}, r"MAIL_USERNAME and MAIL_PASSWORD go together"),
        (
            {"MAIL_SECURITY": "none", "MAIL_USERNAME": "careerfit", "MAIL_PASSWORD": "words"},
            r"MAIL_SECURITY is none, so MAIL_PASSWORD would cross the network unencrypted",
        ),
    ],
)
def test_mail_settings_that_could_not_send_stop_the_app_from_starting(
    tmp_path: Path, settings: dict[str, Any], message: str
) -> None:
    mail = {"MAIL_SERVER": "smtp.example.com", "MAIL_FROM": SENDER, **settings}
    with pytest.raises(RuntimeError, match=message):
        start(tmp_path, **mail)


@pytest.mark.parametrize("security", ["none", "starttls"])
def test_a_password_never_appears_in_the_refusal(tmp_path: Path, security: str) -> None:
    with pytest.raises(RuntimeError) as refused:
        start(
            tmp_path,
            MAIL_SERVER="smtp.example.com",
            MAIL_FROM=SENDER,
            MAIL_SECURITY=security,
            MAIL_USERNAME="careerfit" if security == "none" else None,
            MAIL_PASSWORD="secret words",
        )
    assert "MAIL_PASSWORD" in str(refused.value)
    assert "secret words" not in str(refused.value)
