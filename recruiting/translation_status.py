"""
Which texts of the page lack one of their two languages, shown to editors: a column and a
filter in each content list, the empty fields marked on the change form, a warning on
saving, and one "translation status" page listing every missing text.
"""


class TranslationStatusMixin:
    """For the ModelAdmin of a model registered in translation.py (content_admin.py)."""


def translation_status_view(request, admin_site):
    """Every text of the page that lacks a language, each with a link to fix it."""
    raise NotImplementedError
