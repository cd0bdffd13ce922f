"""Run a command against a throwaway PostgreSQL started here and stopped afterwards.

    python tests/with_postgres.py .venv/bin/python -m pytest

initdb makes a cluster in a temporary directory, the server listens on a free
port on 127.0.0.1 only, the command runs with DATABASE_URL pointing at it, and
the cluster is deleted afterwards. As root, PostgreSQL runs as the `postgres`
user (initdb refuses root). Under CI=true a missing PostgreSQL is a failure;
elsewhere the run is skipped with a message.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def find_binaries() -> str | None:
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(candidates[-1]) if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(command: list[str]) -> int:
    bindir = find_binaries()
    if bindir is None:
        message = "PostgreSQL binaries (initdb, pg_ctl) not found"
        if os.environ.get("CI") == "true":
            print(f"with_postgres: {message}; CI requires the PostgreSQL run.", file=sys.stderr)
            return 1
        print(f"with_postgres: {message}; skipping the PostgreSQL run.", file=sys.stderr)
        return 0

    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    workdir = tempfile.mkdtemp(prefix="forum-pg-")
    datadir = os.path.join(workdir, "data")
    port = free_port()
    if as_postgres:
        shutil.chown(workdir, user="postgres")
    pg_ctl = [*as_postgres, os.path.join(bindir, "pg_ctl"), "-D", datadir]
    started = False
    try:
        subprocess.run(
            [*as_postgres, os.path.join(bindir, "initdb"), "-D", datadir, "-U", "forum",
             "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL,
        )
        # Durability is pointless for a cluster deleted in a minute; speed is not.
        server_options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        subprocess.run(
            [*pg_ctl, "-o", server_options, "-l", os.path.join(workdir, "server.log"), "-w", "start"],
            check=True, stdout=subprocess.DEVNULL,
        )
        started = True
        env = {**os.environ, "DATABASE_URL": f"postgres://forum@127.0.0.1:{port}/postgres"}
        print(f"with_postgres: PostgreSQL from {bindir} on 127.0.0.1:{port}", flush=True)
        return subprocess.run(command, env=env).returncode
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
