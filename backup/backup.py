"""Backups of the database named by DATABASE_URL, and their restore.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists` (the client programs must be on PATH,
or in PG_BIN, in a version at least the server's). SQLite: SQLite's own online backup, a consistent copy even
while the application writes. Commands: `manage.py backup_database`, `manage.py restore_database`.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections

SUFFIX = {"postgresql": ".dump", "sqlite": ".sqlite3"}
# Without owners and grants, so that a backup restores under another role; in one transaction, so that a restore
# that fails half-way leaves the database as it was.
PG_DUMP_OPTIONS = ["--format=custom", "--no-owner", "--no-privileges"]
PG_RESTORE_OPTIONS = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]


def _connection(alias: str):
    connection = connections[alias]
    if connection.vendor not in SUFFIX:
        raise CommandError(f"Backups are made of PostgreSQL and SQLite databases, not {connection.vendor}.")
    return connection


def default_path(alias: str = "default", folder: Path = Path("backups")) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"povertyplan-{stamp}{SUFFIX[_connection(alias).vendor]}"


def _pg_program(name: str) -> str:
    folder = os.environ.get("PG_BIN")
    program = str(Path(folder) / name) if folder else shutil.which(name)
    if not program or not Path(program).exists():
        raise CommandError(f"{name} was not found: install the PostgreSQL client programs or set PG_BIN.")
    return program


def _pg_environment(settings: dict) -> dict:
    """The connection as libpq's environment: the password never appears on a command line."""
    environment = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            environment[variable] = str(settings[key])
    return environment


def _run(command: list[str], environment: dict) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()[:2000]}")


def backup(path: Path, alias: str = "default") -> Path:
    connection = _connection(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        _run(
            [
                _pg_program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(path),
                settings["NAME"],
            ],
            _pg_environment(settings),
        )
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return path


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup's (tables the backup holds are dropped and recreated)."""
    connection = _connection(alias)
    if not path.is_file():
        raise CommandError(f"There is no backup file {path}.")
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        connection.close()  # no session of ours keeps a lock on a table pg_restore drops
        _run(
            [
                _pg_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--dbname",
                settings["NAME"],
                str(path),
            ],
            _pg_environment(settings),
        )
    else:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise CommandError(f"{path} is not an intact SQLite database.")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise CommandError(f"{path} is not a SQLite backup: {error}") from error
        finally:
            source.close()
    end_sessions(alias)


def end_sessions(alias: str = "default") -> int:
    """Log everybody out: the backup holds the sessions open when it was made, including those logged out since
    (a stolen session cookie would come back to life with the restore). Everyone logs in again."""
    from django.contrib.sessions.models import Session

    deleted, _by_model = Session.objects.using(alias).all().delete()
    return deleted
