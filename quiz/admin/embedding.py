"""The snippet that shows the quiz on another site, and which sites may use it.

Which sites may frame the quiz is a setting (EMBED_ALLOWED_ORIGINS), not something an
admin edits here: it is part of the site's security headers, so it lives with the other
deployment settings. The page shows it, and the snippet to copy (docs/embedding.md).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from quiz.admin import bp
from quiz.db import db
from quiz.store import groups
from quiz.web.urls import public_url

# the frame's height before the content says how tall it is, and where it stays for a
# host that does not listen (the frame then scrolls)
SNIPPET_HEIGHT = 640
# the most groups whose frames the page lists (the newest first)
GROUP_SNIPPETS = 50
# the embedded pages an admin may start a frame on
FRAME_STARTS = (
    ("embed.start", "start"),
    ("embed.take_quiz", "quiz"),
    ("embed.take_quick_quiz", "quick"),
)


def host_snippet(src: str, title: str) -> str:
    """Return the HTML a host page pastes: the frame of ``src`` and the height listener.

    The listener takes a height only from a message of this site's origin (PUBLIC_URL)
    whose source is one of the snippet's frames, and keeps it within sane bounds.
    """
    return render_template(
        "embed/_host_snippet.html",
        src=src,
        title=title,
        height=SNIPPET_HEIGHT,
        origin=current_app.config["PUBLIC_URL"],
    ).strip()


@bp.get("/embed")
def embedding() -> str:
    """Show the sites allowed to frame the quiz and the snippets to paste into their pages."""
    title = current_app.config["SITE_TITLE"]
    snippets = {name: host_snippet(public_url(endpoint), title) for endpoint, name in FRAME_STARTS}
    return render_template(
        "admin/embedding.html",
        origins=current_app.config["EMBED_ALLOWED_ORIGINS"],
        snippets=snippets,
        example_role_url=public_url("public.roles"),
        # each group's join page in a frame: the frame line alone, the script as above
        group_frames=[
            (group, host_snippet(public_url("embed.join_group", code=group.join_code), title))
            for group in db.session.scalars(
                groups.visible_groups(current_user).limit(GROUP_SNIPPETS)
            )
        ],
    )
