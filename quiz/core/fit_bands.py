"""Put a fit percent into plain words: a strong, moderate or weak fit.

Plain data in, plain data out. A fit is 50 plus the pushes of all answers
(:mod:`quiz.core.scoring`): 50 is where a role stands when the answers, taken together,
lean neither toward it nor away from it. The bands follow from that:

* **weak** below ``MODERATE_FROM`` (50): on balance the answers lean *away* from the role,
  so calling it a fit of any kind would say more than the answers do;
* **moderate** from 50 up to ``STRONG_FROM`` (70): the answers lean toward the role, but
  not by much;
* **strong** from 70: the answers lean toward the role by at least 20 fit points, two fifths
  of the way from neutral to the most the questions allow.

The band is read from the stored, rounded percent, so a page and its JSON always agree with
the number they show, and results stored before the bands existed get them too.
"""

from __future__ import annotations

from quiz.core.messages import N_

STRONG = "strong"
MODERATE = "moderate"
WEAK = "weak"

# A fit from here up is strong: 20 points past neutral is a clear lean, more than four
# close calls' worth (CLOSE_CALL_POINTS is 5), so a change of an answer or two does not
# take it down to neutral.
STRONG_FROM = 70
# A fit from here up (and below STRONG_FROM) is moderate: 50 is neutral, where the answers
# lean neither way; below it they lean away from the role, and it is a weak fit.
MODERATE_FROM = 50

# each band in words, translated where shown
BAND_WORDS = {
    STRONG: N_("Strong fit"),
    MODERATE: N_("Moderate fit"),
    WEAK: N_("Weak fit"),
}


def fit_band(percent: int) -> str:
    """Return the band of a fit percent (0 to 100): STRONG, MODERATE or WEAK."""
    if percent >= STRONG_FROM:
        return STRONG
    if percent >= MODERATE_FROM:
        return MODERATE
    return WEAK
