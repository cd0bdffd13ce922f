"""/healthz answers load balancers: 200 when the database answers ("degraded" without the cache), else 503."""

import json

import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "writes": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_answers_a_probe_by_address_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["forum.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    # Any other page still checks the host.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_a_database_that_does_not_answer_is_a_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "unavailable",
        "writes": "unavailable",
        "cache": "ok",
    }


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_is_degraded_not_down_and_nothing_sensitive_is_said(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "forum.lib.forgiving_cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/healthz")
    # The site serves on without its cache: a load balancer keeps the instance.
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body == {"status": "degraded", "database": "ok", "writes": "ok", "cache": "unavailable"}
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_a_database_that_refuses_writes_keeps_readers_but_not_posters(client, monkeypatch):
    """A read-only or full database once answered 200 "ok": SELECT 1 still worked (issue 26, item 7)."""
    from forum.models import HealthProbe

    def read_only(*args, **kwargs):
        raise OperationalError("cannot execute UPDATE in a read-only transaction")

    monkeypatch.setattr(type(HealthProbe.objects), "update_or_create", read_only)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": "ok",
        "writes": "unavailable",
        "cache": "ok",
    }
    assert client.get("/healthz", {"for": "posting"}).status_code == 503
    monkeypatch.undo()
    assert client.get("/healthz", {"for": "posting"}).status_code == 200
