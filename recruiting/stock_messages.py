"""
Messages of Django's admin that its own Chinese catalogue (Django 5.2) leaves in English:
the index's table headings for screen readers, the title of a form with errors, the
note on adding a user. Marked here so that `make messages` collects them and our
catalogue, which LOCALE_PATHS puts first, translates them. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_MESSAGES = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
