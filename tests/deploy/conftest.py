import pytest

from tests.servers import static_root


@pytest.fixture(scope="session")
def collected_static():
    """Static files collected once for every production server the tests start (DJANGO_STATIC_ROOT)."""
    with static_root() as directory:
        yield directory
