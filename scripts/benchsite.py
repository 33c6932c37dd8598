"""
The set-up the benchmark scripts share: Django with the test settings on a database of the
script's own, files in a temporary folder, the lab's content seeded.
"""

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def start(database_url, state):
    """Set Django up on `database_url` (migrated and seeded), with files under `state`."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "labsite.test_settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = f"{state}/media"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_content", verbosity=0)
    call_command("setup_roles", verbosity=0)
