"""Which addresses may receive webhooks: https to a public host; http to 127.0.0.1 only when
loopback is allowed; never credentials, fragments, this machine or a private network."""

from __future__ import annotations

import pytest

from quiz.core import webhook_urls
from quiz.core.webhook_urls import url_problem


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example.com/hooks/career-fit",
        "https://crm.example.com:8443/hooks?source=career-fit",
        "https://8.8.8.8/hook",
        "https://[2606:4700::1111]/hook",
    ],
)
def test_https_to_a_public_host_is_taken(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://crm.example.com/hook", webhook_urls.HTTP_NOT_ALLOWED),
        ("http://127.0.0.1:8080/hook", webhook_urls.HTTP_NOT_ALLOWED),
        ("http://localhost:8080/hook", webhook_urls.HTTP_NOT_ALLOWED),
        ("ftp://crm.example.com/hook", webhook_urls.NOT_HTTPS),
        ("javascript:alert(1)", webhook_urls.NOT_HTTPS),
        ("crm.example.com/hook", webhook_urls.NOT_HTTPS),
        ("https://", webhook_urls.NO_HOST),
        ("https://crm.example.com:99999/", webhook_urls.NO_HOST),
        ("https://crm.example.com/a b", webhook_urls.NO_HOST),
        ("https://crm.example.com/\nx", webhook_urls.NO_HOST),
        ("https://user:secret@crm.example.com/", webhook_urls.CREDENTIALS),
        ("https://crm.example.com/#part", webhook_urls.FRAGMENT),
        ("https://localhost/hook", webhook_urls.LOCAL_HOST),
        ("https://api.localhost/hook", webhook_urls.LOCAL_HOST),
        ("https://127.0.0.1/hook", webhook_urls.LOCAL_HOST),
        ("https://10.0.0.5/hook", webhook_urls.LOCAL_HOST),
        ("https://192.168.1.1/hook", webhook_urls.LOCAL_HOST),
        ("https://169.254.169.254/latest/meta-data", webhook_urls.LOCAL_HOST),
        ("https://[::1]/hook", webhook_urls.LOCAL_HOST),
        ("https://example.com/" + "x" * 500, webhook_urls.TOO_LONG),
    ],
)
def test_other_addresses_are_refused_with_a_reason(url: str, problem: str) -> None:
    assert url_problem(url) == problem
    if problem != webhook_urls.HTTP_NOT_ALLOWED or "127.0.0.1" not in url:
        assert url_problem(url, allow_loopback=True) == problem


def test_loopback_http_is_taken_only_to_127_0_0_1_when_allowed() -> None:
    assert url_problem("http://127.0.0.1:8080/hook", allow_loopback=True) is None
    assert url_problem("http://127.0.0.2:8080/hook", allow_loopback=True) is not None
    assert url_problem("http://localhost:8080/hook", allow_loopback=True) is not None
