"""The public site: what a person taking the quiz visits."""

from quiz.public.views import bp

__all__ = ["bp"]
