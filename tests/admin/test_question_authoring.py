"""The one-screen question form: create and edit a whole question in one save, without script.

Forms are read off the real pages and sent back with their tokens, as a browser without
JavaScript would, on both databases.
"""

from __future__ import annotations

import re
from pathlib import Path
from html import unescape

from helpers import form_fields


def test_smoke(app, admin_client):
    response = admin_client.get("/admin/questions/new")
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    Path("/tmp/auth/new.html").write_text(html)
    response = admin_client.get("/admin/questions/1")
    Path("/tmp/auth/edit.html").write_text(response.get_data(as_text=True))
    assert response.status_code == 200
