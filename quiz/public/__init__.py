"""The public site: what a person taking the quiz visits."""

from quiz.public.views import bp

__all__ = ["bp"]
from quiz.public import (
    compare,  # noqa: E402, F401  (registers its views on bp)
    groups,  # noqa: E402, F401  (registers its views on bp)
    roles,  # noqa: E402, F401  (registers its views on bp)
)
