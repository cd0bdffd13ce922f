"""The site's settings rows are read where reads go, so a replica covers them while the primary is away."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import router

from forum.models import SiteSettings
from forum.ops.replicas import ReplicaRouter
from moderation.models import ModerationSettings


@pytest.mark.django_db
def test_the_settings_rows_are_read_where_reads_go(settings):
    """get_or_create read them from the primary: with it down, every page failed once the cache expired."""
    SiteSettings.current(), ModerationSettings.current()  # the rows exist
    cache.clear()
    with mock.patch.object(router, "routers", [ReplicaRouter()]):
        with mock.patch.object(ReplicaRouter, "db_for_write", side_effect=AssertionError("read from the primary")):
            assert SiteSettings.current().pk == ModerationSettings.current().pk == 1
    # The first read ever makes the row (on the primary).
    SiteSettings.objects.all().delete()
    cache.clear()
    assert SiteSettings.current().name == "Forum"
