"""The answers to "what describes your work now?" in words, for the taker's form and the
admin's filter alike."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields import SelectChoice

from quiz.core.bank import BankRole
from quiz.store.self_reports import OTHER_WORK
from quiz.web.i18n import lazy_gettext as _l

OTHER_WORK_LABELS = {
    "other-data-software": _l("Another data or software role"),
    "student-or-changer": _l("Student or changing careers"),
    "something-else": _l("Something else"),
}


def work_choices(roles: Iterable[BankRole]) -> list[SelectChoice]:
    """Return the answers a result of a version with ``roles`` offers: its roles, then the rest.

    A role whose key is one of the other answers is offered once, as the role.
    """
    choices = [SelectChoice(role.key, role.name) for role in roles]
    keys = {choice.value for choice in choices}
    return choices + [
        SelectChoice(key, OTHER_WORK_LABELS[key]) for key in OTHER_WORK if key not in keys
    ]
