"""Settings for the test suite: production settings with the few overrides tests need."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789"
)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("APPLY_RATE_LIMIT", "0")

# A safety net under the per-test folders of tests/conftest.py: whatever a test (or a
# process it starts with this environment) writes to media, static, the file cache, the
# default SQLite file or Hypothesis' examples lands in a folder of this session's own,
# removed at exit, never under the checkout's var/. Set, not defaulted: a developer's
# own MEDIA_ROOT must not receive test files either (DATABASE_URL only by default: the
# PostgreSQL pass names its server).
TEST_TMP_DIR = Path(tempfile.mkdtemp(prefix="labsite-tests-"))
atexit.register(shutil.rmtree, TEST_TMP_DIR, ignore_errors=True)
os.environ["MEDIA_ROOT"] = str(TEST_TMP_DIR / "media")
os.environ["PUBLIC_MEDIA_ROOT"] = str(TEST_TMP_DIR / "public")
os.environ.setdefault("SERVE_PUBLIC_MEDIA", "1")
os.environ["STATIC_ROOT"] = str(TEST_TMP_DIR / "static")
os.environ["CACHE_DIR"] = str(TEST_TMP_DIR / "cache")
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(TEST_TMP_DIR / "hypothesis")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TEST_TMP_DIR / 'db.sqlite3'}")

from labsite.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
# As in production, links come from SITE_URL (the test client's own host, so that tests
# read the URLs they expect), never from the request; no path prefix.
SITE_URL = "http://testserver"
FORCE_SCRIPT_NAME = ""

# Lets several people run the suite on one PostgreSQL server without sharing test_labsite.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}  # noqa: F405
# Static files straight from the source folders: the tests run without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
