import pytest

from tests.servers import static_root


@pytest.fixture(scope="session")
def collected_static():
    """Static files collected once for every production server the tests start (DJANGO_STATIC_ROOT)."""
    with static_root() as directory:
        yield directory


@pytest.fixture(autouse=True)
def production_safety_checks(monkeypatch):
    # The browser tests allow Django's ORM in Playwright's event loop for the whole session;
    # a production process must not inherit that (the deployment checks refuse it: async.E001).
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
