"""Clear the cached landing page whenever any of its content changes."""

from django.db.models.signals import post_delete, post_save

from . import cache
from .models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    Lab,
    Position,
    Requirement,
    ResearchDirection,
)

CONTENT_MODELS = [
    Lab,
    Advisor,
    Achievement,
    AdvantageGroup,
    Advantage,
    ResearchDirection,
    Position,
    Requirement,
]


def content_changed(sender, **kwargs):
    cache.clear_pages()


for model in CONTENT_MODELS:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"content-save-{model.__name__}")
    post_delete.connect(
        content_changed, sender=model, dispatch_uid=f"content-delete-{model.__name__}"
    )
