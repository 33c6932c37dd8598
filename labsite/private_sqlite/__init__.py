"""Django's SQLite backend, with the database file readable and writable by its owner only."""
