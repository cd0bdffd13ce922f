import pytest

from tests.servers import static_root


@pytest.fixture(scope="session")
def collected_static():
    """Static files collected once for every production server the tests start (DJANGO_STATIC_ROOT)."""
    with static_root() as directory:
        yield directory


@pytest.fixture(autouse=True)
def browser_tests_allowance_ignored(settings):
    # The browser tests leave Playwright's event loop in this process and allow the ORM beside it
    # (DJANGO_ALLOW_ASYNC_UNSAFE); the deployment checks refuse that (async.E001). Processes started
    # here do not inherit it (tests.servers.production_env); checks run in this process ignore it.
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, "async.E001"]
