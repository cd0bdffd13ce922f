"""Slow clients: 50 sockets that send their headers a byte at a time stall gunicorn's sync workers, and the
shipped front (forum/ops/nginx.conf) keeps them away, so other readers are still served (issue 26).

Runs nginx (Debian's package; .ci/run installs it) with the shipped server
block, its certificate lines and ports swapped for a plain local listener, in
front of one gunicorn instance of one sync worker.
"""

import contextlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_comment, make_post
from tests.servers import ROOT, Visitor, database_url, gunicorn, production_env, wait_for
from tests.with_services import free_port

pytestmark = pytest.mark.django_db(transaction=True)

SLOW_CLIENTS = 50
SHIPPED = ROOT / "forum/ops/nginx.conf"


def nginx_binary() -> str:
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return binary


@contextlib.contextmanager
def nginx(upstream: str, static_root: str):
    """The shipped server block, listening on a free local port without TLS, in front of `upstream`."""
    binary, port = nginx_binary(), free_port()
    with tempfile.TemporaryDirectory(prefix="forum-nginx-") as prefix:
        Path(prefix).chmod(0o755)  # nginx's workers (nobody, under root) write their buffers here
        server = SHIPPED.read_text()
        server = server.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
        server = "\n".join(line for line in server.splitlines() if "ssl_certificate" not in line)
        server = server.replace("http://127.0.0.1:8000", upstream).replace("/srv/forum/staticfiles/", f"{static_root}/")
        Path(prefix, "nginx.conf").write_text(
            f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nevents {{}}\n"
            f"http {{\n access_log off;\n client_body_temp_path {prefix}/body;\n proxy_temp_path {prefix}/proxy;\n"
            f" fastcgi_temp_path {prefix}/fastcgi;\n uwsgi_temp_path {prefix}/uwsgi;\n scgi_temp_path {prefix}/scgi;\n"
            f"{server}\n}}\n"
        )
        process = subprocess.Popen(
            [binary, "-p", prefix, "-c", f"{prefix}/nginx.conf", "-e", f"{prefix}/error.log", "-g", "daemon off;"]
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/robots.txt", process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextlib.contextmanager
def dribbling_clients(base: str, count: int = SLOW_CLIENTS):
    """Sockets that start a request and send one more header byte a second, never finishing."""
    port = int(base.rsplit(":", 1)[1])
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
    for sock in sockets:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    stopping = threading.Event()

    def dribble():
        while not stopping.wait(1):
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")

    thread = threading.Thread(target=dribble)
    thread.start()
    try:
        time.sleep(0.5)  # every socket is with the server before the reader comes
        yield
    finally:
        stopping.set()
        thread.join()
        for sock in sockets:
            sock.close()


@pytest.fixture
def thread_page(collected_static):
    post = make_post(title="Read through the slow clients")
    make_comment(post=post, text="Still served")
    env = production_env(DATABASE_URL=database_url(connection.settings_dict), DJANGO_STATIC_ROOT=collected_static)
    with gunicorn(env, workers=1) as upstream:
        yield upstream, f"/posts/{post.slug}/"


def test_behind_the_shipped_nginx_readers_are_served_while_50_clients_dribble(thread_page, collected_static):
    upstream, path = thread_page
    with nginx(upstream, collected_static) as front, dribbling_clients(front):
        answers = [Visitor(timeout=10).get(front + path) for _ in range(5)]
    assert [answer.status for answer in answers] == [200] * 5
    assert "Still served" in answers[0].body


def test_without_the_front_one_dribbling_client_stalls_a_sync_worker(thread_page):
    """Why the front is not optional: gunicorn's sync worker waits on the slow socket until its timeout."""
    upstream, path = thread_page
    with dribbling_clients(upstream, count=1), pytest.raises(TimeoutError):
        Visitor(timeout=3).get(upstream + path)
