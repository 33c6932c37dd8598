"""
Django's SQLite backend, except that a database file it creates has mode 0600.

SQLite creates the file with the process's umask (usually 0644: readable by every user
of the machine) and gives its -wal and -shm files the mode of the database file. So the
file is created here, 0600, before SQLite opens it; an existing file is left as it is.
"""

import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        create_private_file(conn_params["database"])
        return super().get_new_connection(conn_params)


def create_private_file(name):
    """Create an empty (valid) database file with mode 0600 unless it exists."""
    name = str(name)
    # In-memory databases (the test runner's "file:memorydb_…?mode=memory") have no file.
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    try:
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        os.fchmod(descriptor, 0o600)  # whatever the umask
    finally:
        os.close(descriptor)
