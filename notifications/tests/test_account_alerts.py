"""Security changes recorded by users reach the account owner as security_alert notifications."""

import pytest

from notifications.models import Notification
from users.services.passwords import password_change

pytestmark = pytest.mark.django_db(transaction=True)


def test_password_change_alerts_the_owner(user, mailoutbox):
    password_change(user=user, current_password="correct-horse-battery", new_password="another-long-secret-9")
    alert = Notification.objects.get(recipient=user, type="security_alert")
    assert alert.actor is None
    assert alert.data["event"] == "password_changed"
    assert alert.data["message"] == "Your password was changed."


def test_non_security_events_make_no_alert(user):
    from users.services.audit import account_event_record

    account_event_record(user=user, kind="email_verified")
    assert Notification.objects.filter(recipient=user).count() == 0


def test_a_failing_hook_does_not_undo_the_change(user, settings):
    settings.USERS_ACCOUNT_EVENT_HOOKS = ["notifications.tests.test_account_alerts.explode"]
    password_change(user=user, current_password="correct-horse-battery", new_password="another-long-secret-9")
    user.refresh_from_db()
    assert user.check_password("another-long-secret-9")


def explode(event):
    raise RuntimeError("hook down")
