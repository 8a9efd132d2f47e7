"""The public site: what a person taking the quiz visits."""

from quiz.public.views import bp

__all__ = ["bp", "embed_bp"]
from quiz.public import (
    api,  # noqa: E402, F401  (registers its views on bp)
    compare,  # noqa: E402, F401  (registers its views on bp)
    groups,  # noqa: E402, F401  (registers its views on bp)
    oembed,  # noqa: E402, F401  (registers its views on bp)
    roles,  # noqa: E402, F401  (registers its views on bp)
)
from quiz.public.embed import bp as embed_bp  # noqa: E402  (the framed pages, /embed/...)
