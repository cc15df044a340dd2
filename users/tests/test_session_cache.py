"""The access-token session cache: a repeat request skips the session query, and every revocation,
sanction or account change takes effect on the next request all the same.

Revoking calls run inside `commit()`: the cache is ended after commit, as in production.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from users.models import User, UserSession
from users.services.status import user_deactivate, user_suspend
from users.tests.conftest import bearer

ME = "/api/v1/users/me"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def session_cache(settings):
    settings.AUTH_SESSION_CACHE_SECONDS = 30


def test_a_repeat_request_reads_the_session_from_the_cache(login, user, django_assert_num_queries):
    client, _ = login(user)
    assert client.get(ME).status_code == 200
    with django_assert_num_queries(0):  # /users/me answers from request.user alone
        response = client.get(ME)
    assert response.json()["username"] == "ana"


def test_entries_are_per_session_never_another_users(login, user, other_user):
    client, _ = login(user)
    theirs, _ = login(other_user)
    assert client.get(ME).json()["username"] == "ana"
    assert theirs.get(ME).json()["username"] == other_user.username
    assert client.get(ME).json()["username"] == "ana"


def test_logout_ends_the_cached_session(login, user, commit):
    client, body = login(user)
    assert client.get(ME).status_code == 200
    with commit():
        assert client.post("/api/v1/auth/logout", {"refresh": body["refresh"]}).status_code == 204
    assert client.get(ME).status_code == 401


def test_logout_all_ends_every_cached_session(login, user, commit):
    client, _ = login(user)
    tablet, _ = login(user, ua="tablet")
    assert tablet.get(ME).status_code == 200
    with commit():
        assert client.post("/api/v1/auth/logout-all").status_code == 204
    assert tablet.get(ME).status_code == 401


def test_deleting_a_session_ends_it(login, user, commit):
    client, _ = login(user, ua="phone")
    tablet, _ = login(user, ua="tablet")
    assert tablet.get(ME).status_code == 200
    with commit():
        pk = UserSession.objects.get(user=user, user_agent="tablet").pk
        assert client.delete(f"/api/v1/auth/sessions/{pk}").status_code == 204
    assert tablet.get(ME).status_code == 401
    assert client.get(ME).status_code == 200


def test_suspension_is_refused_on_the_next_request(login, user, moderator, commit):
    client, _ = login(user)
    assert client.get(ME).status_code == 200
    with commit():
        user_suspend(user=user, by=moderator, until=timezone.now() + timedelta(days=1), reason="spam")
    assert client.get(ME).status_code == 403


def test_deactivation_is_refused_on_the_next_request(login, user, commit):
    client, body = login(user)
    assert client.get(ME).status_code == 200
    with commit():
        user_deactivate(user=user, by=user, reason="leaving")
    assert client.get(ME).status_code in (401, 403)
    assert User.objects.get(pk=user.pk).status == User.Status.DEACTIVATED


def test_a_profile_change_shows_on_the_next_request(login, user, commit):
    client, _ = login(user)
    assert client.get(ME).json()["display_name"] != "Ana B."
    with commit():
        assert client.patch(ME, {"display_name": "Ana B."}).status_code == 200
    assert client.get(ME).json()["display_name"] == "Ana B."


def test_with_the_cache_off_the_session_is_read_every_time(login, user, settings, django_assert_num_queries):
    settings.AUTH_SESSION_CACHE_SECONDS = 0
    client, body = login(user)
    client.get(ME)
    with django_assert_num_queries(1):
        assert bearer(body["access"]).get(ME).status_code == 200
