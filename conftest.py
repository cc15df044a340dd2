"""Suite-wide fixtures: the API client, a few personas, and the real servers tests talk to.

App-specific fixtures live in <app>/tests/conftest.py. Personas are built with factories here because
they are the starting state; anything that depends on side effects is built by calling services.
"""

import os

os.environ.setdefault("TESTING", "1")

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.servers import start_localstripe, start_moto
from users.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Throttle counters and cached reads must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory(username="ana")


@pytest.fixture
def other_user(db):
    return UserFactory(username="ben")


@pytest.fixture
def creator(db):
    return UserFactory(username="cora", role="creator")


@pytest.fixture
def unverified_user(db):
    return UserFactory(username="dan", email_verified_at=None, status="pending_verification")


@pytest.fixture
def moderator(db):
    return UserFactory(username="mo", role="moderator", is_staff=True)


@pytest.fixture
def client_for():
    """`client_for(user)` → an APIClient authenticated as that user (None: anonymous)."""

    def make(u=None):
        c = APIClient()
        if u is not None:
            c.force_authenticate(u)
        return c

    return make


@pytest.fixture
def auth_client(user, client_for):
    return client_for(user)


@pytest.fixture(scope="session")
def moto_server_url():
    """A real moto server (S3, IVS) on a free loopback port for the whole session."""
    with start_moto() as url:
        yield url


@pytest.fixture(scope="session")
def localstripe_url():
    """A real localstripe server on a free loopback port for the whole session."""
    with start_localstripe() as url:
        yield url


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.postgres` / `@pytest.mark.redis` tests run only where those services are configured
    (always in CI); on a laptop's embedded defaults they are reported as skipped, not silently passed."""
    from django.conf import settings

    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and not settings.USING_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)
