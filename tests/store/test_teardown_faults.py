"""Losing PostgreSQL at the very end of a request: the response the view made still goes out.

Removing the request's session at teardown rolls back whatever transaction a read left open.
When the connection dies right then, that rollback raises after the response was made; the
exception used to escape Flask, and gunicorn replaced the response with a bare, empty 500 —
after a finished quiz, the taker lost the link to a result that had been stored. The proxy
(tests/support/tcp_proxy.py) cuts the connection exactly when the app sends that ROLLBACK.
Each test runs in this process (Flask's test client) and under gunicorn (see test_faults.py,
whose site, database and proxy fixtures these tests share).
"""

# the tests take test_faults.py's fixtures by name, which ruff reads as redefinitions
# ruff: noqa: F811

from __future__ import annotations

from tcp_proxy import CutPoint
from test_faults import (  # noqa: F401  (database and proxy are fixtures that site uses)
    COMMIT,
    INSERT_RESULT,
    Site,
    answer_all_but_the_last_page,
    assert_result_opens,
    database,
    proxy,
    site,
    stored_results,
)

ROLLBACK = b"ROLLBACK\x00"
TEARDOWN_WARNING = "database unavailable at the end of a request"


def assert_teardown_failure_logged(site: Site) -> None:
    log = site.log()
    assert "Traceback" not in log, log[-4000:]
    assert TEARDOWN_WARNING in log, f"the failed rollback was not logged:\n{log[-4000:]}"


def test_a_rollback_failing_after_the_result_is_stored_still_gives_the_taker_their_link(
    site: Site,
) -> None:
    visitor = site.visitor
    finish = answer_all_but_the_last_page(visitor)
    # the result is committed; the transaction the redirect's read opened is rolled back
    # at teardown, and the connection dies just as that ROLLBACK goes out
    cut = CutPoint(after=(INSERT_RESULT, COMMIT), at=ROLLBACK)
    site.proxy.cut_when(cut)

    reply = visitor.post(finish.path, finish.form)

    assert site.proxy.cuts_made == [cut], "the connection was never cut at the rollback"
    assert reply.status == 302, (reply.status, reply.text[:1500])
    token = assert_result_opens(visitor, reply.location)
    assert [result.share_token for result in stored_results(site.database_url)] == [token]
    assert_teardown_failure_logged(site)


def test_a_rollback_failing_at_the_end_of_a_read_still_answers_the_page(site: Site) -> None:
    cut = CutPoint(at=ROLLBACK)
    site.proxy.cut_when(cut)

    health = site.visitor.get("/healthz")

    assert site.proxy.cuts_made == [cut], "the connection was never cut at the rollback"
    assert health.status == 200, (health.status, health.text[:1500])
    assert health.json() == {"status": "ok", "database": "ok", "limits": "memory"}
    assert_teardown_failure_logged(site)
    # the dead connection was thrown away: the next request gets a working one
    again = site.visitor.get("/healthz")
    assert again.status == 200, (again.status, again.text[:1500])
    assert again.json() == {"status": "ok", "database": "ok", "limits": "memory"}
