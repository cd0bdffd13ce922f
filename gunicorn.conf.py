"""gunicorn's settings for the forum: `gunicorn -c gunicorn.conf.py` (what `make serve` runs).

Environment variables (all optional): GUNICORN_BIND (default 127.0.0.1:8000;
several, comma-separated), WEB_CONCURRENCY (worker processes, default 2 per CPU
plus 1), GUNICORN_TIMEOUT (seconds, default 30).
"""

import multiprocessing
import os

wsgi_app = "forum.wsgi:application"
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or multiprocessing.cpu_count() * 2 + 1
# Sync workers: one request per process at a time, so a slow *view* holds only its own worker.
# A slow *client* is another matter: a socket that sends its headers a byte at a time holds a sync
# (or gthread) worker until `timeout`, and 50 such sockets once left an instance of 2 workers
# serving nobody for 30 s. Never expose gunicorn directly: put a buffering proxy in front
# (forum/ops/nginx.conf reads whole requests before passing them on; README "Reverse proxy"), which is
# what makes sync workers safe (tests/deploy/test_slow_clients.py).
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # SIGTERM lets requests in flight finish this long
keepalive = 5  # behind a proxy that keeps connections open
# Recycle workers now and then, staggered, so a slow leak never grows unbounded.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The client's address as the proxy saw it is logged by the proxy; here: status, size, time (µs).
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus'
# Behind a proxy on another machine, name it here (FORWARDED_ALLOW_IPS) for wsgi.url_scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Before any worker starts: refuse to serve a site that would answer 500 (no key, no hosts, no static files)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    import django

    django.setup()
    from django.conf import settings

    if not settings.DEBUG:
        from forum.ops.checks import refuse_to_start_unless_ready

        refuse_to_start_unless_ready("gunicorn")
