"""
The SQLite database holds applicants' data: its file, and the -wal and -shm files next to
it, are readable and writable by the site's user only (0600), whatever the umask.
"""

import stat
import subprocess

from django.db.utils import ConnectionHandler

from tests.servers import BASE_DIR, PYTHON, production_env


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_migrate_creates_the_sqlite_database_file_with_mode_0600(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{database}")

    # umask 022 is the usual one, under which SQLite alone would create a 0644 file.
    subprocess.run(
        ["sh", "-c", 'umask 022 && exec "$0" manage.py migrate --noinput', PYTHON],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )

    assert mode(database) == 0o600


def test_the_wal_and_shared_memory_files_are_0600_too(tmp_path, django_db_blocker):
    database = tmp_path / "db.sqlite3"
    connections = ConnectionHandler(
        {
            "default": {
                "ENGINE": "labsite.private_sqlite",
                "NAME": str(database),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            }
        }
    )
    with django_db_blocker.unblock():
        connection = connections["default"]
        try:
            with connection.cursor() as cursor:
                cursor.execute("CREATE TABLE applicant (name TEXT)")
                cursor.execute("INSERT INTO applicant VALUES ('张三')")
            modes = {
                suffix: mode(tmp_path / f"db.sqlite3{suffix}") for suffix in ("", "-wal", "-shm")
            }
        finally:
            connection.close()

    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


def test_an_in_memory_database_creates_no_file(tmp_path, monkeypatch, django_db_blocker):
    monkeypatch.chdir(tmp_path)
    connections = ConnectionHandler(
        {"default": {"ENGINE": "labsite.private_sqlite", "NAME": ":memory:"}}
    )
    with django_db_blocker.unblock():
        connection = connections["default"]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        finally:
            connection.close()

    assert list(tmp_path.iterdir()) == []
