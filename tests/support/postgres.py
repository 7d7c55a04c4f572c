"""A real PostgreSQL server on 127.0.0.1 for the tests: Debian's postgresql, in a temporary cluster.

`make setup` installs the Debian package when it is missing (as root). PostgreSQL refuses to run
as root, so when the tests run as root the cluster belongs to the `postgres` user the package
creates, and every server program runs as that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "ingest"
PASSWORD = "ingest-test-password"  # a throwaway cluster on loopback, deleted after the tests


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    password: str
    database: str

    def dsn(self, database: str | None = None) -> str:
        """libpq key/value form, as DuckDB's postgres extension and psql take it."""
        return (
            f"host={self.host} port={self.port} user={self.user} "
            f"password={self.password} dbname={database or self.database}"
        )

    def url(self, driver: str = "postgresql", database: str | None = None) -> str:
        """SQLAlchemy URL form (driver e.g. `postgresql+asyncpg`), as Prefect's server takes it."""
        return (
            f"{driver}://{self.user}:{self.password}@{self.host}:{self.port}/"
            f"{database or self.database}"
        )

    def create_database(self, name: str) -> None:
        _run(
            [
                _program("psql"),
                "-v",
                "ON_ERROR_STOP=1",
                self.dsn("postgres"),
                "-c",
                f'CREATE DATABASE "{name}"',
            ],
            env={"PGPASSWORD": self.password},
        )


def _bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if found:
        return found[-1].parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


def available() -> bool:
    """Whether a PostgreSQL server can be started here (the tests skip loudly when not)."""
    return _bin_dir() is not None and (os.geteuid() != 0 or _server_user() is not None)


def _program(name: str) -> str:
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (make setup installs Debian's postgresql)")
    return str(bin_dir / name)


def _server_user() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(
        command,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres_server(database: str = "ingest") -> Iterator[Postgres]:
    """Start a throwaway PostgreSQL cluster on 127.0.0.1 with one database; stop and delete it."""
    workdir = Path(tempfile.mkdtemp(prefix="ingest-pg-"))
    data = workdir / "data"
    password_file = workdir / "password"
    password_file.write_text(PASSWORD + "\n")
    server_user = _server_user()
    if os.geteuid() == 0 and server_user is not None:
        os.chown(workdir, server_user.pw_uid, server_user.pw_gid)
        os.chown(password_file, server_user.pw_uid, server_user.pw_gid)
    port = _free_port()
    process: subprocess.Popen[bytes] | None = None
    try:
        _run(
            _as_server_user(
                [
                    _program("initdb"),
                    "-D",
                    str(data),
                    "-U",
                    USER,
                    "--auth=scram-sha-256",
                    f"--pwfile={password_file}",
                    "--encoding=UTF8",
                    "--no-sync",
                ]
            )
        )
        process = subprocess.Popen(
            _as_server_user(
                [
                    _program("postgres"),
                    "-D",
                    str(data),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-k",
                    str(workdir),
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=200",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = Postgres("127.0.0.1", port, USER, PASSWORD, database)
        _wait_until_ready(server, process)
        server.create_database(database)
        yield server
    finally:
        if process is not None:
            _stop(data, process)
        shutil.rmtree(workdir, ignore_errors=True)


def _stop(data: Path, process: subprocess.Popen[bytes]) -> None:
    # "fast" shutdown through pg_ctl: it ends open sessions (runuser would not pass a signal on)
    subprocess.run(
        _as_server_user([_program("pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"]),
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_until_ready(server: Postgres, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        ready = subprocess.run(
            [_program("pg_isready"), "-h", server.host, "-p", str(server.port), "-q"],
            check=False,
        )
        if ready.returncode == 0:
            return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL did not start on port {server.port}")
        time.sleep(0.1)
