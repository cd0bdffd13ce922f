"""Real server processes for the production-path tests and the load test, and a visitor that talks to them.

`gunicorn(...)` starts the site the way production does (gunicorn.conf.py,
DJANGO_DEBUG=false, collected static files) on a free port against a given
database; `Visitor` is a browser without JavaScript: a cookie jar, GET, and
posting a comment with the CSRF cookie, no redirects followed.
"""

import contextlib
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.with_services import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database a Django connection uses (the test database, in tests)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    password = f":{urllib.parse.quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    return (
        f"postgres://{urllib.parse.quote(settings_dict['USER'])}{password}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT']}/{settings_dict['NAME']}"
    )


def production_env(**overrides) -> dict:
    """The environment of a production process on this machine (no TLS: cookies over plain HTTP)."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("FORUM_TEST_SECRET_KEY", "production-path-test-" + "k" * 40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
        "FORUM_MIN_FORM_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_REPLICA_URLS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def collect_static(env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def static_root():
    """A collected static directory for DJANGO_STATIC_ROOT (production pages need the manifest)."""
    with tempfile.TemporaryDirectory(prefix="forum-static-") as directory:
        collect_static(production_env(DJANGO_STATIC_ROOT=directory))
        yield directory


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 1, log=None):
    """gunicorn with gunicorn.conf.py on a free port; yields its base URL."""
    with gunicorn_process(env, workers=workers, log=log) as (base, _process):
        yield base


@contextlib.contextmanager
def gunicorn_process(env: dict, *, workers: int = 1, log=None):
    """gunicorn() yielding its arbiter process too: (base URL, Popen), for a test that kills its workers."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    # Its log (an outage's tracebacks, logged as errors) goes to `log`, or nowhere.
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/robots.txt", process)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(url: str, process=None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} in {seconds} s")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    body: str
    location: str = ""

    @property
    def comment_id(self) -> int | None:
        """The comment a post redirected to (its #cN), when it was accepted."""
        match = re.search(r"#c(\d+)$", self.location)
        return int(match.group(1)) if match else None


class Visitor:
    """One browser: its own cookies, shared by every server on 127.0.0.1 (cookies ignore ports)."""

    def __init__(self, timeout: float = 30):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects)
        self.timeout = timeout

    def get(self, url: str) -> Answer:
        return self._open(urllib.request.Request(url))

    def post_comment(self, base: str, slug: str, text: str, *, parent: int | None = None) -> Answer:
        """Post anonymously as the form does (fetching the page first when no CSRF cookie is held yet)."""
        if self.csrf_token is None:
            self.get(f"{base}/posts/{slug}/")
        data = urllib.parse.urlencode({"text": text, "identity": "anonymous", "author_name": "", "website": ""})
        address = f"{base}/posts/{slug}/comments/" + (f"{parent}/reply/" if parent else "")
        request = urllib.request.Request(
            address,
            data=data.encode(),
            headers={"X-CSRFToken": self.csrf_token or "", "Content-Type": "application/x-www-form-urlencoded"},
        )
        return self._open(request)

    def head_etag(self, url: str) -> str:
        """The ETag this browser's next visit would be answered with (for a revalidation)."""
        with self.opener.open(urllib.request.Request(url), timeout=self.timeout) as response:
            response.read()
            return response.headers.get("ETag", "")

    def forget(self, name: str) -> None:
        """Drop one cookie, as a browser whose owner cleared it."""
        for cookie in [cookie for cookie in self.cookies if cookie.name == name]:
            self.cookies.clear(cookie.domain, cookie.path, cookie.name)

    @property
    def csrf_token(self) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), None)

    def _open(self, request) -> Answer:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read().decode(), response.headers.get("Location", ""))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(errors="replace"), error.headers.get("Location", ""))
