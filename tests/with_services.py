"""Run a command beside throwaway servers started here and stopped afterwards.

    python tests/with_services.py [--postgres [--replica]] [--redis [--redis-cache]] -- command...

--postgres  a PostgreSQL cluster (initdb in a temporary directory, 127.0.0.1 only,
            a free port): DATABASE_URL points at it. FORUM_TEST_PG_STOP and
            FORUM_TEST_PG_START hold the commands that stop and start it again
            (JSON), for the database-restart test.
--replica   a streaming replica of it (pg_basebackup -R): DATABASE_REPLICA_URLS.
--redis     a redis-server on a free port: FORUM_TEST_REDIS_URL, for the tests
            that need Redis whatever the cache is.
--redis-cache  also REDIS_URL: the site's cache is that Redis for the whole run.

As root, PostgreSQL runs as the `postgres` user (initdb refuses root). Under
CI=true a missing server is a failure; elsewhere the run goes on without it
(and the tests that need it are skipped) with a message.
"""

import argparse
import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

CI = os.environ.get("CI") == "true"


class Missing(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_binaries() -> str:
    initdb = shutil.which("initdb")
    if initdb:
        # The real directory: a symlinked initdb (/usr/local/bin) has no pg_basebackup beside it.
        return os.path.dirname(os.path.realpath(initdb))
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise Missing("PostgreSQL binaries (initdb, pg_ctl, pg_basebackup) not found")
    return os.path.dirname(candidates[-1])


@contextlib.contextmanager
def postgres(*, replica: bool):
    """Yields the environment for a primary (and a replica), on free ports."""
    bindir = postgres_binaries()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    workdir = tempfile.mkdtemp(prefix="forum-pg-")
    if as_postgres:
        shutil.chown(workdir, user="postgres")
    # Durability is pointless for clusters deleted in a minute; speed is not.
    common = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"

    def pg_ctl(datadir: str, *arguments: str) -> list[str]:
        return [*as_postgres, f"{bindir}/pg_ctl", "-D", datadir, *arguments]

    def start(datadir: str, listen_port: int, log: str) -> list[str]:
        return pg_ctl(datadir, "-o", f"-p {listen_port} -k {workdir} {common}", "-l", f"{workdir}/{log}", "-w", "start")

    started = []
    try:
        primary, port = os.path.join(workdir, "primary"), free_port()
        subprocess.run(
            [*as_postgres, f"{bindir}/initdb", "-D", primary, "-U", "forum", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        start_primary = start(primary, port, "primary.log")
        subprocess.run(start_primary, check=True, stdout=subprocess.DEVNULL)
        started.append(primary)
        env = {
            "DATABASE_URL": f"postgres://forum@127.0.0.1:{port}/postgres",
            "FORUM_TEST_PG_STOP": json.dumps(pg_ctl(primary, "-m", "fast", "-w", "stop")),
            "FORUM_TEST_PG_START": json.dumps(start_primary),
        }
        print(f"with_services: PostgreSQL from {bindir} on 127.0.0.1:{port}", flush=True)
        if replica:
            standby, standby_port = os.path.join(workdir, "replica"), free_port()
            subprocess.run(
                [*as_postgres, f"{bindir}/pg_basebackup", "-D", standby, "-h", "127.0.0.1", "-p", str(port),
                 "-U", "forum", "-R", "-X", "stream", "-c", "fast", "--no-sync"],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            subprocess.run(start(standby, standby_port, "replica.log"), check=True, stdout=subprocess.DEVNULL)
            started.append(standby)
            env["DATABASE_REPLICA_URLS"] = f"postgres://forum@127.0.0.1:{standby_port}/postgres"
            print(f"with_services: streaming replica on 127.0.0.1:{standby_port}", flush=True)
        yield env
    finally:
        for datadir in reversed(started):
            subprocess.run(pg_ctl(datadir, "-m", "immediate", "-w", "stop"), stdout=subprocess.DEVNULL)
        shutil.rmtree(workdir, ignore_errors=True)


class RedisServer:
    """A redis-server on a free port that can be stopped and started again on the same port (the fault test)."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise Missing("redis-server not found (Debian: apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise Missing("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def redis(*, as_cache: bool, server: RedisServer | None = None):
    server = server or RedisServer()
    try:
        server.start()
        print(f"with_services: Redis on 127.0.0.1:{server.port}{' (the cache)' if as_cache else ''}", flush=True)
        yield {"FORUM_TEST_REDIS_URL": server.url, **({"REDIS_URL": server.url} if as_cache else {})}
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--replica", action="store_true")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("--redis-cache", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command to run")
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        services = []
        if options.postgres or options.replica:
            services.append(("postgres", lambda: postgres(replica=options.replica)))
        if options.redis or options.redis_cache:
            services.append(("redis", lambda: redis(as_cache=options.redis_cache)))
        for name, service in services:
            try:
                env.update(stack.enter_context(service()))
            except Missing as missing:
                if CI:
                    print(f"with_services: {missing}; CI requires it.", file=sys.stderr)
                    return 1
                if name == "postgres":
                    print(f"with_services: {missing}; skipping this run.", file=sys.stderr)
                    return 0
                print(f"with_services: {missing}; the tests that need it will be skipped.", file=sys.stderr)
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
