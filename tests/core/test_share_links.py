"""The plain links that share a result on other sites (quiz.core.result_page.share_links)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from quiz.core.result_page import share_links

URL = "https://careerfit.example/r/Ab-_9"
TEXT = "Their best fit is Data & AI (72%). Which role fits you? #1 + more"
SUBJECT = "Their best fit: Data & AI (72%) — Career Fit"


def test_every_value_is_percent_encoded_in_full() -> None:
    links = share_links(URL, TEXT, SUBJECT)

    assert links.linkedin == (
        "https://www.linkedin.com/sharing/share-offsite/"
        "?url=https%3A%2F%2Fcareerfit.example%2Fr%2FAb-_9"
    )
    assert links.x == (
        "https://twitter.com/intent/tweet?url=https%3A%2F%2Fcareerfit.example%2Fr%2FAb-_9"
        "&text=Their%20best%20fit%20is%20Data%20%26%20AI%20%2872%25%29.%20Which%20role%20fits"
        "%20you%3F%20%231%20%2B%20more"
    )
    assert links.whatsapp.startswith("https://wa.me/?text=Their%20best%20fit")
    assert links.whatsapp.endswith("%2B%20more%20https%3A%2F%2Fcareerfit.example%2Fr%2FAb-_9")
    # a mail program reads "+" as a plus sign: spaces are %20, lines %0A
    assert links.email.startswith("mailto:?subject=Their%20best%20fit%3A%20Data%20%26%20AI")
    assert "%E2%80%94" in links.email  # the dash, as UTF-8
    assert "+" not in links.email


def test_each_link_reads_back_as_the_address_and_text_given() -> None:
    links = share_links(URL, TEXT, SUBJECT)

    def read(link: str) -> dict[str, list[str]]:
        return parse_qs(urlsplit(link).query, strict_parsing=True)

    assert read(links.linkedin) == {"url": [URL]}
    assert read(links.whatsapp) == {"text": [f"{TEXT} {URL}"]}
    assert read(links.x) == {"url": [URL], "text": [TEXT]}
    assert read(links.email) == {"subject": [SUBJECT], "body": [f"{TEXT}\n\n{URL}"]}
