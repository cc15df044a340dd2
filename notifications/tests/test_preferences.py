import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification, NotificationDelivery
from notifications.services import (
    deliveries_release,
    delivery_send,
    notification_send,
    notification_settings_update,
)
from notifications.tests.factories import post_ref
from users.models import Follow
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/api/v1/notifications/settings"


def _channels(n):
    return {d.channel: d.status for d in NotificationDelivery.objects.filter(notification=n)}


# --- channels per type ---------------------------------------------------------------------------
def test_defaults_likes_are_in_app_only_and_comments_also_push(user, other_user):
    like = notification_send(recipient=user, type="like", actor=other_user, target=post_ref(1))
    comment = notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    assert like.box == "inbox" and _channels(like) == {}
    assert _channels(comment) == {"push": "pending"}


def test_switching_email_on_for_likes_and_push_off_for_comments(user, other_user):
    notification_settings_update(user=user, channels={"like": {"email": True}, "comment": {"push": False}})
    like = notification_send(recipient=user, type="like", actor=other_user, target=post_ref(1))
    comment = notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    assert set(_channels(like)) == {"email"}
    assert _channels(comment) == {}


def test_in_app_off_keeps_the_row_out_of_the_inbox_but_still_delivers(user, other_user, client_for):
    notification_settings_update(user=user, channels={"comment": {"in_app": False}})
    n = notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    assert n.box == "silent" and set(_channels(n)) == {"push"}
    assert client_for(user).get("/api/v1/notifications").json()["results"] == []
    assert client_for(user).get("/api/v1/notifications/unread-count").json() == {"unread_count": 0}


def test_all_channels_off_makes_nothing(user, other_user):
    notification_settings_update(user=user, channels={"like": {"in_app": False}})
    assert notification_send(recipient=user, type="like", actor=other_user, target=post_ref(1)) is None
    assert Notification.objects.count() == 0


def test_security_alert_email_cannot_be_switched_off(user, client_for):
    res = client_for(user).put(SETTINGS_URL, {"channels": {"security_alert": {"email": False}}}, format="json")
    assert res.status_code == 400
    assert "channels.security_alert.email" in res.json()["errors"]
    n = notification_send(recipient=user, type="security_alert", data={"event": "new_login"})
    assert set(_channels(n)) == {"email", "push"}


def test_settings_api_defaults_and_update(user, client_for):
    client = client_for(user)
    body = client.get(SETTINGS_URL).json()
    assert body["channels"]["like"] == {"in_app": True, "email": False, "push": False}
    assert body["channels"]["security_alert"]["email"] is True
    assert body["locked"]["security_alert"] == ["email"]
    assert body["quiet_hours"] == {"start": None, "end": None}
    assert body["stranger_policy"] == "accept" and body["email_digest"] is False
    res = client.put(
        SETTINGS_URL,
        {
            "channels": {"like": {"push": True}},
            "quiet_hours": {"start": "22:00", "end": "07:30"},
            "stranger_policy": "filter",
            "stranger_min_account_age_days": 7,
            "email_digest": True,
        },
        format="json",
    )
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["channels"]["like"] == {"in_app": True, "email": False, "push": True}
    assert body["quiet_hours"] == {"start": "22:00", "end": "07:30"}
    assert (body["stranger_policy"], body["stranger_min_account_age_days"], body["email_digest"]) == ("filter", 7, True)
    assert client.get(SETTINGS_URL).json() == body
    res = client.put(SETTINGS_URL, {"quiet_hours": None, "channels": {"like": {"push": False}}}, format="json")
    assert res.json()["quiet_hours"] == {"start": None, "end": None}
    assert res.json()["channels"]["like"]["push"] is False
    assert client.put(SETTINGS_URL, {"channels": {"nope": {"push": True}}}, format="json").status_code == 400
    assert client.put(SETTINGS_URL, {"stranger_policy": "maybe"}, format="json").status_code == 400


# --- quiet hours ---------------------------------------------------------------------------------
def _quiet_hours_around_now(user, tz="Europe/Lisbon"):
    user.timezone = tz
    user.save(update_fields=["timezone"])
    local = timezone.now().astimezone(zoneinfo.ZoneInfo(tz))
    start = (local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    notification_settings_update(user=user, quiet_hours=(start, end))
    expected_end = (local + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    return expected_end.astimezone(dt.UTC)


def test_quiet_hours_hold_push_and_email_until_they_end(user, other_user, django_capture_on_commit_callbacks):
    end = _quiet_hours_around_now(user)
    notification_settings_update(user=user, channels={"comment": {"email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    deliveries = list(NotificationDelivery.objects.filter(notification=n).order_by("channel"))
    # The eager task already ran and found the deliveries not yet due.
    assert [(d.channel, d.status, d.scheduled_for) for d in deliveries] == [
        ("email", "held", end),
        ("push", "held", end),
    ]
    assert mail.outbox == []
    assert Notification.objects.get(pk=n.pk).box == "inbox"  # in-app is never held

    assert deliveries_release(now=end - dt.timedelta(seconds=1)) == 0
    assert delivery_send(delivery_id=deliveries[0].id, now=end - dt.timedelta(seconds=1)) is None
    assert deliveries_release(now=end + dt.timedelta(seconds=1)) == 2
    statuses = dict(NotificationDelivery.objects.filter(notification=n).values_list("channel", "status"))
    assert statuses == {"email": "sent", "push": "skipped"}  # no push devices registered
    assert len(mail.outbox) == 1


def test_quiet_hours_across_midnight_in_the_users_timezone():
    from notifications.models import NotificationSettings
    from notifications.preferences import quiet_hours_end

    prefs = NotificationSettings(quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(7))

    class U:
        timezone = "America/New_York"

    # 23:30 in New York (04:30 UTC next day) → ends 07:00 New York = 12:00 UTC.
    now = dt.datetime(2026, 11, 28, 4, 30, tzinfo=dt.UTC)
    assert quiet_hours_end(prefs, U, now) == dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    # 01:00 New York is inside too.
    assert quiet_hours_end(prefs, U, dt.datetime(2026, 11, 28, 6, 0, tzinfo=dt.UTC)) == dt.datetime(
        2026, 11, 28, 12, 0, tzinfo=dt.UTC
    )
    # 12:00 New York is outside.
    assert quiet_hours_end(prefs, U, dt.datetime(2026, 11, 28, 17, 0, tzinfo=dt.UTC)) is None


def test_security_alerts_ignore_quiet_hours(user, django_capture_on_commit_callbacks):
    _quiet_hours_around_now(user)
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(recipient=user, type="security_alert", data={"event": "password_changed"})
    assert _channels(n)["email"] == "sent"
    assert "Your password was changed." in mail.outbox[0].body


# --- strangers -----------------------------------------------------------------------------------
def test_stranger_policy_filter_puts_strangers_in_requests(user, other_user, creator, client_for):
    notification_settings_update(user=user, stranger_policy="filter")
    Follow.objects.create(follower=user, following=creator)
    from_stranger = notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1))
    from_followed = notification_send(recipient=user, type="comment", actor=creator, target=post_ref(1))
    system = notification_send(recipient=user, type="video_ready", target=post_ref(2))
    assert (from_stranger.box, from_followed.box, system.box) == ("request", "inbox", "inbox")
    assert _channels(from_stranger) == {}  # no push or email for a filtered request
    client = client_for(user)
    assert [i["id"] for i in client.get("/api/v1/notifications/requests").json()["results"]] == [str(from_stranger.id)]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread_count": 2}
    # Accepting moves it to the inbox and lets that person through from now on.
    assert client.post(f"/api/v1/notifications/{from_stranger.id}/accept").status_code == 200
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread_count": 3}
    later = notification_send(recipient=user, type="mention", actor=other_user, target=post_ref(3))
    assert later.box == "inbox"


def test_dismissing_a_request_deletes_it(user, other_user, client_for):
    notification_settings_update(user=user, stranger_policy="filter")
    n = notification_send(recipient=user, type="mention", actor=other_user, target=post_ref(1))
    client = client_for(user)
    assert client.post(f"/api/v1/notifications/{n.id}/read").status_code == 404  # not in the inbox
    assert client.post(f"/api/v1/notifications/{n.id}/dismiss").status_code == 204
    assert not Notification.objects.filter(pk=n.pk).exists()


def test_stranger_policy_drop_and_minimum_account_age(user, other_user):
    notification_settings_update(user=user, stranger_policy="drop", stranger_min_account_age_days=30)
    assert notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1)) is None
    young = UserFactory()
    old = UserFactory(created_at=timezone.now() - dt.timedelta(days=90))
    Follow.objects.create(follower=user, following=young)
    Follow.objects.create(follower=user, following=old)
    assert notification_send(recipient=user, type="comment", actor=young, target=post_ref(1)) is None
    assert notification_send(recipient=user, type="comment", actor=old, target=post_ref(1)) is not None
    # Money and system events are not subject to the stranger policy.
    assert notification_send(recipient=user, type="tip_received", actor=other_user, data={"amount": 500}) is not None
