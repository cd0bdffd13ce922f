"""Anonymous readers of a 1,000-comment thread under gunicorn, beside a hello-world view: `make loadtest`.

Builds the thread (as tests/bench_thread.py does) in a throwaway database
(SQLite in a temporary file, or PostgreSQL with DATABASE_URL), collects the
static files, starts gunicorn with 2 workers and DJANGO_DEBUG=false, and runs
wrk with 4 connections against, side by side in one run:

- hello world: /robots.txt, the smallest view the site has (the baseline);
- first visit: the thread page with no cookies (a reader arriving from a link);
- returning, gzip: with the browser's cookies and Accept-Encoding: gzip;
- revalidation: with the cookies and If-None-Match, answered 304.

It prints requests per second and each as a share of hello world's. Needs
wrk (Debian's package: installed with apt-get when missing and run as root).
Figures, not assertions: the goal (issue 13) is >= 20% for the thread page.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "10"))
COMMENTS = int(os.environ.get("LOADTEST_COMMENTS", "1000"))


def main() -> int:
    wrk = find_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="forum-loadtest-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "loadtest-" + os.urandom(16).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SSL_REDIRECT": "false",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'loadtest.sqlite3'}")
    server = None
    try:
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        slug = build_thread(env)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "forum.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/robots.txt")
        thread = f"{base}/posts/{slug}/"
        cookies, etag, size = first_visit(thread)
        print(f"database: {env['DATABASE_URL'].split(':')[0]}; gunicorn, 2 workers; wrk -t2 -c4 -d{SECONDS}s")
        print(f"thread: {COMMENTS} comments, {size / 1024:.0f} KiB uncompressed")
        runs = [
            ("hello world (/robots.txt)", f"{base}/robots.txt", []),
            ("thread, first visit", thread, []),
            ("thread, returning, gzip", thread, [f"Cookie: {cookies}", "Accept-Encoding: gzip"]),
            ("thread, revalidated (304)", thread, [f"Cookie: {cookies}", f"If-None-Match: {etag}"]),
        ]
        hello = None
        for label, url, headers in runs:
            rate, latency = measure(wrk, url, headers)
            hello = hello or rate
            print(f"{label:<28}{rate:>10.1f} req/s {rate / hello:>7.1%} of hello world   p50 {latency}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def find_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("loadtest: wrk is needed (Debian: apt-get install wrk).")
    return wrk


def run(command: list[str], env: dict) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def build_thread(env: dict) -> str:
    """The thread, written by the benchmark's own builder in a child with the load test's settings."""
    code = (
        "import os, sys; sys.path.insert(0, os.getcwd()); import django; "
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'forum.settings'); django.setup(); "
        "from tests.bench_thread import build_thread, seed_texts; "
        f"print(build_thread({COMMENTS}, seed_texts()).slug)"
    )
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"loadtest: the server did not answer {url}")


def first_visit(url: str) -> tuple[str, str, int]:
    """A browser's first visit: the cookies it is given, the page's ETag on the next visit, and its size."""
    with urllib.request.urlopen(url) as response:
        cookies = "; ".join(header.split(";", 1)[0] for header in response.headers.get_all("Set-Cookie") or [])
        size = len(response.read())
    request = urllib.request.Request(url, headers={"Cookie": cookies})
    with urllib.request.urlopen(request) as response:
        etag = response.headers["ETag"]
    return cookies, etag, size


def measure(wrk: str, url: str, headers: list[str]) -> tuple[float, str]:
    command = [wrk, "-t2", "-c4", f"-d{SECONDS}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    rate = float(next(line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec")))
    latency = next((line.split()[1] for line in output.splitlines() if line.strip().startswith("50%")), "?")
    non_2xx = next((line.strip() for line in output.splitlines() if "Non-2xx" in line), "")
    if non_2xx and "If-None-Match" not in " ".join(headers):
        print(f"  ({non_2xx})")
    return rate, latency


if __name__ == "__main__":
    sys.exit(main())
