"""
Clear the page cache whenever any content changes; make the sizes of a newly saved photo; remove an application's CV files from
storage when the application is deleted; keep an application's mean rating with its
reviews.
"""

from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.signals import post_delete, post_save, pre_delete

from . import images, pages
from .content import CONTENT_MODELS
from .models import (
    Advisor,
    Application,
    GroupPhoto,
    Member,
    PreviousCV,
    ResearchDirection,
    Review,
)


def content_changed(sender, **kwargs):
    # Now, and again once the change is committed: a page rendered meanwhile by another
    # request, from the rows as they were before the commit, must not stay cached.
    # Best-effort (clear() never raises): with the cache down the save still succeeds.
    pages.clear()
    transaction.on_commit(pages.clear)


for model in CONTENT_MODELS:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"content-save-{model.__name__}")
    post_delete.connect(
        content_changed, sender=model, dispatch_uid=f"content-delete-{model.__name__}"
    )


def cv_deleted(sender, instance, **kwargs):
    """
    Delete the CV file of a deleted application (or earlier CV) once the deletion is
    committed: a rolled-back delete keeps both the row and its file. A file the storage
    fails to delete is logged, never reported as a failed deletion (the row is gone), and
    purge_applications deletes it later as a file without an application.
    """
    file = instance.file if isinstance(instance, PreviousCV) else instance.cv
    name = file.name
    if name:
        storage = file.storage
        transaction.on_commit(lambda: storage.delete(name), robust=True)


post_delete.connect(cv_deleted, sender=Application, dispatch_uid="application-delete-cv")
post_delete.connect(cv_deleted, sender=PreviousCV, dispatch_uid="previous-cv-delete-file")


def review_changed(sender, instance, **kwargs):
    """Keep the application's stored mean rating (Application.update_rating_average)."""
    instance.application.update_rating_average()


post_save.connect(review_changed, sender=Review, dispatch_uid="review-save-average")
post_delete.connect(review_changed, sender=Review, dispatch_uid="review-delete-average")


# The photo fields of the page (models.Photographed), each with its stored width.
PHOTOS = {model: model.photo_field for model in (Advisor, GroupPhoto, Member)}


def photo_saved(sender, instance, **kwargs):
    """
    Make the sizes of the photo once the save is committed (a second or so for a large
    one; a rolled-back save makes none). Sizes already made are not made again. A failure
    is logged, never reported as a failed save (the row is committed).
    """
    name = PHOTOS[sender]
    field_file = getattr(instance, name)
    width = getattr(instance, f"{name}_width")
    if field_file and width:
        transaction.on_commit(lambda: images.make_sizes(field_file, width), robust=True)


for model in PHOTOS:
    post_save.connect(photo_saved, sender=model, dispatch_uid=f"photo-sizes-{model.__name__}")


def direction_deleted(sender, instance, **kwargs):
    """
    The last guard (the admin refuses first, content_admin.py): a research direction that
    applications chose is never deleted, which would silently take it off them.
    """
    if instance.applications.exists():
        raise ProtectedError(
            f"Applications chose the research direction {instance}: make it inactive instead.",
            {instance},
        )


pre_delete.connect(direction_deleted, sender=ResearchDirection, dispatch_uid="direction-in-use")
