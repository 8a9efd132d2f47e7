"""The public site: what a person taking the quiz visits."""

from quiz.public.views import bp

__all__ = ["bp"]
from quiz.public import (
    api,  # noqa: E402, F401  (registers its views on bp)
    compare,  # noqa: E402, F401  (registers its views on bp)
    roles,  # noqa: E402, F401  (registers its views on bp)
)
