"""The three roles an admin can have, and which one is enough for what.

The roles are ranked: a viewer reads and runs their own groups, an editor reads and changes
the quiz and manages every group, an owner does everything, managing the other admins
included. A role allows what every role
below it allows, so a need is always stated as the *least* role that meets it
(``allows("editor", "viewer")`` is true, ``allows("viewer", "editor")`` false).
"""

from __future__ import annotations

from typing import Final

from quiz.core.messages import N_

VIEWER: Final = "viewer"
EDITOR: Final = "editor"
OWNER: Final = "owner"

# lowest first: the order is the rank
ROLES: Final = (VIEWER, EDITOR, OWNER)

# what each role is called and what it may do, in the words the team page shows
ROLE_NAMES: Final = {VIEWER: N_("Viewer"), EDITOR: N_("Editor"), OWNER: N_("Owner")}
ROLE_DESCRIPTIONS: Final = {
    VIEWER: N_(
        "Reads analytics, the quality report, the audit log and the questions, roles, "
        "skills and versions, and runs the groups they create or are given; changes "
        "nothing else."
    ),
    EDITOR: N_(
        "Everything a viewer does, and edits, previews, publishes, imports and exports the "
        "quiz, and manages every group and whose it is."
    ),
    OWNER: N_("Everything an editor does, and invites, changes and removes admins."),
}


def allows(role: str, needed: str) -> bool:
    """Tell whether an admin with ``role`` may do what needs at least ``needed``.

    An unknown role allows nothing, so a row written wrongly fails closed.
    """
    if role not in ROLES or needed not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)
