"""Reading an audit entry: which role, question or dimension its target names, and its action
in words.

The audit log stores targets as written when the change was made, such as
``role live-predictions``; the log page shows the thing's name in their place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quiz.core.messages import N_

# the kinds of bank item whose targets are written "<kind> <key>"
NAMED_KINDS = ("role", "question", "dimension")


@dataclass(frozen=True)
class TargetName:
    """A target as shown: its kind, key, and name (None when nothing by that key is left)."""

    kind: str
    key: str
    name: str | None


def name_target(target: str, names: Mapping[str, Mapping[str, str]]) -> TargetName | None:
    """Name the bank item ``target`` points at, or return None when it points at no bank item.

    ``names`` maps each kind to a map from key to name, e.g. ``{"role": {"ml": "ML engineer"}}``.
    """
    kind, _, key = target.partition(" ")
    if kind not in NAMED_KINDS or not key or " " in key:
        return None
    return TargetName(kind, key, names.get(kind, {}).get(key))


# The team's and the webhooks' actions as the log page words them; the log keeps the short
# English names.
ACTION_NAMES = {
    "create admin": N_("Added an admin"),
    "invite admin": N_("Invited an admin"),
    "email invitation": N_("Emailed an invitation"),
    "email invitation failed": N_("Could not email an invitation"),
    "accept invitation": N_("Accepted an invitation and joined"),
    "withdraw invitation": N_("Withdrew an invitation"),
    "change admin role": N_("Changed an admin's role"),
    "delete admin": N_("Removed an admin"),
    "reset password": N_("Reset an admin's password"),
    "change password": N_("Changed their own password"),
    "turn on two-factor": N_("Turned on two-factor sign-in"),
    "turn off two-factor": N_("Turned off two-factor sign-in"),
    "new recovery codes": N_("Made new recovery codes"),
    "use recovery code": N_("Signed in with a recovery code"),
    "require two-factor": N_("Required two-factor sign-in of every admin"),
    "stop requiring two-factor": N_("Stopped requiring two-factor sign-in"),
    "reset two-factor": N_("Took two-factor sign-in off an admin's account"),
    "add webhook": N_("Added a webhook endpoint"),
    "remove webhook": N_("Removed a webhook endpoint"),
    "test webhook": N_("Sent a test event to a webhook endpoint"),
    "resend webhook": N_("Sent a webhook event again"),
    "create group": N_("Created a group"),
    "close group": N_("Closed a group"),
    "reopen group": N_("Reopened a group"),
    "delete group": N_("Deleted a group"),
    "give group": N_("Gave a group to an admin"),
}


def action_name(action: str) -> str:
    """Return how the log page words ``action``: a sentence for the team's, else as stored."""
    return ACTION_NAMES.get(action, action)
