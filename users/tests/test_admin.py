import pytest
from django.utils import timezone

from users.models import AccountEvent, UserSession
from users.services import session_start
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/users/user/"


@pytest.fixture
def staff_client(client):
    admin = UserFactory(username="root_admin", is_staff=True, is_superuser=True, role="admin")
    client.force_login(admin)
    client.admin = admin
    return client


def test_changelist_search_and_filters(staff_client, user, other_user):
    r = staff_client.get(CHANGELIST, {"q": "ana@example"})
    assert r.status_code == 200
    assert b"ana@example.com" in r.content and b"ben@example.com" not in r.content
    assert (
        staff_client.get(CHANGELIST, {"status__exact": "active", "two_factor_enabled__exact": "0"}).status_code == 200
    )


def test_suspend_action_asks_reason_and_days_then_records(staff_client, user):
    first = staff_client.post(CHANGELIST, {"action": "suspend", "_selected_action": [user.pk]})
    assert first.status_code == 200 and b"reason" in first.content
    session_start(user=user)
    r = staff_client.post(
        CHANGELIST, {"action": "suspend", "_selected_action": [user.pk], "apply": "1", "reason": "spam", "days": "3"}
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.status == "suspended"
    assert 2 < (user.suspended_until - timezone.now()).days + 1 <= 3
    event = AccountEvent.objects.get(user=user, kind="status")
    assert (event.to_value, event.actor, event.reason) == ("suspended", staff_client.admin, "spam")
    assert not UserSession.objects.live().filter(user=user).exists()


def test_ban_unban_grant_creator_verify_revoke(staff_client, user, unverified_user):
    post = lambda action, pk, **extra: staff_client.post(  # noqa: E731
        CHANGELIST, {"action": action, "_selected_action": [pk], **extra}
    )
    post("ban", user.pk, apply="1", reason="abuse")
    user.refresh_from_db()
    assert user.status == "banned"
    post("unban", user.pk, apply="1", reason="appeal accepted")
    user.refresh_from_db()
    assert user.status == "active"
    post("grant_creator", user.pk)
    user.refresh_from_db()
    assert user.role == "creator"
    post("verify_email", unverified_user.pk)
    unverified_user.refresh_from_db()
    assert unverified_user.is_email_verified and unverified_user.status == "active"
    session_start(user=user)
    post("revoke_sessions", user.pk)
    assert not UserSession.objects.live().filter(user=user).exists()
    kinds = list(AccountEvent.objects.filter(user=user).order_by("created_at").values_list("kind", "to_value"))
    assert kinds == [("status", "banned"), ("status", "active"), ("role", "creator"), ("sessions_revoked", "")]
    assert all(e.actor == staff_client.admin for e in AccountEvent.objects.filter(user=user))


def test_reset_two_factor_action(staff_client, user, enable_2fa):
    enable_2fa(user)
    staff_client.post(
        CHANGELIST, {"action": "reset_two_factor", "_selected_action": [user.pk], "apply": "1", "reason": "lost phone"}
    )
    user.refresh_from_db()
    assert not user.two_factor_enabled
    assert AccountEvent.objects.filter(user=user, kind="2fa_reset", actor=staff_client.admin).exists()


def test_account_events_are_read_only(staff_client, user):
    assert staff_client.get("/admin/users/accountevent/").status_code == 200
    assert staff_client.get("/admin/users/accountevent/add/").status_code == 403
