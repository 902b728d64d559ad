"""The embedded PostgreSQL for a newcomer's machine.

With no `DATABASE_URL`, development and tests use a PostgreSQL server from the `pgserver`
package, kept under `.data/pg`. pgserver starts it on first use and reuses it afterwards; it
listens on a Unix socket only, so it never touches the machine's port 5432.
"""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_NAME = "countymarket"


def embedded_database_url(data_dir: Path) -> str:
    runtime_dir = data_dir.parent / "run"
    runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
