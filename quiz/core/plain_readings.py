"""What the quality report's statistics mean, in plain words, from the thresholds in
docs/quality.md: an admin reads "this role's questions agree with each other well" next to 0.89
instead of having to know what Cronbach's alpha is."""

from __future__ import annotations

from dataclasses import dataclass

from quiz.core.messages import N_
from quiz.core.quality import AGAINST_SCALE, LOW_ALPHA, WEAKLY_RELATED

# Cronbach's alpha from here up is conventionally "acceptable", "good", "excellent"; under
# LOW_ALPHA the report warns.
ACCEPTABLE_ALPHA = 0.7
GOOD_ALPHA = 0.8
# From here up a scale's questions agree so closely that some may ask the same thing twice.
VERY_HIGH_ALPHA = 0.95
# An item-rest correlation from here up is a question that clearly goes along with the rest.
CLEARLY_RELATED = 0.3

# how a reading looks: fine, worth a look, or a problem to fix
GOOD, NOTE, WARNING = "good", "note", "warning"


@dataclass(frozen=True)
class Reading:
    """A statistic in plain words: ``text`` (a catalog msgid) and how it should look."""

    text: str
    level: str


def alpha_reading(alpha: float | None) -> Reading | None:
    """Say what a role scale's Cronbach's alpha means; None when there is no alpha."""
    if alpha is None:
        return None
    if alpha < LOW_ALPHA:
        return Reading(
            N_(
                "This role's questions do not agree with each other: its fit depends on which "
                "questions happen to be asked."
            ),
            WARNING,
        )
    if alpha < ACCEPTABLE_ALPHA:
        return Reading(N_("This role's questions agree with each other only loosely."), NOTE)
    if alpha < GOOD_ALPHA:
        return Reading(N_("This role's questions agree with each other well enough."), GOOD)
    if alpha < VERY_HIGH_ALPHA:
        return Reading(N_("This role's questions agree with each other well."), GOOD)
    return Reading(
        N_("This role's questions agree almost perfectly: some may ask the same thing twice."),
        NOTE,
    )


def item_rest_reading(correlation: float | None) -> Reading | None:
    """Say in a few words how a question goes with the rest of its role's questions."""
    if correlation is None:
        return None
    if correlation < AGAINST_SCALE:
        return Reading(N_("runs against the rest"), WARNING)
    if correlation < WEAKLY_RELATED:
        return Reading(N_("barely goes along with the rest"), NOTE)
    if correlation < CLEARLY_RELATED:
        return Reading(N_("goes along with the rest"), GOOD)
    return Reading(N_("goes along clearly with the rest"), GOOD)
