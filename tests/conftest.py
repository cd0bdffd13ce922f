import os

import pytest


def pytest_report_header(config):
    from django.conf import settings

    return (
        f"database: {settings.DATABASES['default']['ENGINE']}; replicas: {settings.FORUM_REPLICA_ALIASES or 'none'}; "
        f"cache: {settings.CACHES['default']['BACKEND']}; test Redis: {os.environ.get('FORUM_TEST_REDIS_URL') or 'none'}"
    )


def pytest_collection_modifyitems(config, items):
    """Tests of a PostgreSQL server (restarting it, its replicas) belong to the PostgreSQL run: the SQLite
    run leaves them out, rather than skipping them (a skip fails CI)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker("postgres_server") else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True)
def primary_database_present():
    """Each test starts with the primary database taken as present (forum.lib.primary is per process)."""
    from forum.lib import primary

    primary.note_back()
    yield
    primary.note_back()


@pytest.fixture(autouse=True)
def replicas_only_where_asked(request, settings):
    """Other tests read and write one database: a replica configured for the run is a mirror of it,
    which cannot see a test's uncommitted rows. Tests marked `postgres_server` read from the real standby."""
    if not request.node.get_closest_marker("postgres_server"):
        settings.FORUM_REPLICA_ALIASES = []


@pytest.fixture
def redis_url():
    """The Redis that tests/with_services.py started (`make test` starts one for each run)."""
    url = os.environ.get("FORUM_TEST_REDIS_URL")
    if not url:
        pytest.skip("no Redis: run through tests/with_services.py --redis (needs redis-server)")
    return url


@pytest.fixture
def redis_cache(redis_url, settings):
    """The site's cache is that Redis for this test, through the production backend, emptied before and after."""
    settings.CACHES = {
        "default": {
            "BACKEND": "forum.lib.forgiving_cache.ForgivingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "forum",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test is a failure: every database and browser test must run."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} skipped test(s) count as failures.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttles count in the cache, and pages are kept there: every test starts with none of them."""
    from django.core.cache import cache

    from forum.models import SiteSettings
    from forum.threads import pagecache

    cache.clear()
    pagecache.forget_kept_here()  # test databases reuse ids: a page kept from another test must not match
    # Every page reads the site's name, which the cache holds for a minute: as on nearly every request in
    # production, it is there already (the row as migration 0014 makes it), so query counts are steady.
    cache.set(SiteSettings.CACHE_KEY, SiteSettings(pk=1), None)
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing is slow on purpose; tests only need passwords to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def hosts_named(settings):
    # pytest-django runs with DEBUG off, as production does: the start-up checks then want named hosts.
    settings.ALLOWED_HOSTS_SET = True


@pytest.fixture(autouse=True)
def no_form_fill_minimum(settings):
    # Tests post forms at machine speed; tests/moderation/test_defence.py turns the check back on.
    settings.FORUM_MIN_FORM_SECONDS = 0


@pytest.fixture(autouse=True)
def no_cooling_of_heated_threads(settings):
    # Tests reply at machine speed; tests/moderation/test_people.py turns heated-thread cooling back on.
    settings.FORUM_HEATED_WAIT_SECONDS = 0
