import pytest

from core.exceptions import ValidationFailed
from notifications.models import Notification, NotificationDelivery
from notifications.services import notification_send

pytestmark = pytest.mark.django_db


def test_send_creates_an_inbox_notification_with_a_target_snapshot(user, other_user):
    n = notification_send(recipient=user, type="like", actor=other_user, target=other_user, data={"x": 1})
    assert n is not None
    n.refresh_from_db()
    assert (n.type, n.box, n.actor_id, n.recipient_id) == ("like", "inbox", other_user.pk, user.pk)
    assert (n.target_app, n.target_kind, n.target_id) == ("users", "user", str(other_user.pk))
    assert n.target_snapshot == {"text": "@ben"}
    assert n.data == {"x": 1}
    assert n.group_key == f"like:users.user:{other_user.pk}"


def test_snapshot_comes_from_notification_snapshot_when_the_target_has_one(user, other_user):
    class Snap:
        pass

    other_user.notification_snapshot = lambda: {"text": "x" * 300, "thumb": "t.jpg"}
    n = notification_send(recipient=user, type="comment", actor=other_user, target=other_user)
    assert len(n.target_snapshot["text"]) == 140
    assert n.target_snapshot["thumb"] == "t.jpg"


def test_self_notifications_are_dropped(user):
    assert notification_send(recipient=user, type="like", actor=user, target=user) is None
    assert Notification.objects.count() == 0


def test_unknown_type_is_a_validation_error(user):
    with pytest.raises(ValidationFailed):
        notification_send(recipient=user, type="nope")


def test_same_actor_liking_the_same_thing_twice_makes_one_notification(user, other_user, creator):
    first = notification_send(recipient=user, type="like", actor=other_user, target=creator)
    again = notification_send(recipient=user, type="like", actor=other_user, target=creator)
    other_target = notification_send(recipient=user, type="like", actor=other_user, target=user)
    assert first is not None and again is None and other_target is not None
    assert Notification.objects.filter(recipient=user).count() == 2


def test_comments_are_not_deduplicated(user, other_user, creator):
    notification_send(recipient=user, type="comment", actor=other_user, target=creator)
    notification_send(recipient=user, type="comment", actor=other_user, target=creator)
    assert Notification.objects.filter(recipient=user, type="comment").count() == 2


def test_blocked_actor_makes_no_notification_either_direction(user, other_user, creator, block):
    block(user, other_user)
    block(creator, user)
    assert notification_send(recipient=user, type="comment", actor=other_user) is None
    assert notification_send(recipient=user, type="comment", actor=creator) is None
    assert Notification.objects.count() == 0


def test_muted_actor_makes_no_notification(user, other_user, mute):
    mute(user, other_user)
    assert notification_send(recipient=user, type="mention", actor=other_user) is None


def test_expired_mute_no_longer_suppresses(user, other_user, mute):
    from datetime import timedelta

    from django.utils import timezone

    mute(user, other_user, expires_at=timezone.now() - timedelta(minutes=1))
    assert notification_send(recipient=user, type="mention", actor=other_user) is not None


def test_system_notification_without_actor_schedules_default_channels(user):
    n = notification_send(recipient=user, type="video_ready", data={"title": "Climbing"})
    assert n.actor is None
    channels = set(NotificationDelivery.objects.filter(notification=n).values_list("channel", flat=True))
    assert channels == {"email", "push"}


def test_demo_seed_is_idempotent():
    from notifications import demo
    from users.tests.factories import UserFactory

    ctx = {"creators": UserFactory.create_batch(2), "fans": UserFactory.create_batch(3)}
    demo.seed(ctx, lambda label: None)
    first = Notification.objects.count()
    demo.seed(ctx, lambda label: None)
    assert first == Notification.objects.count() == 2 * (3 + 3 + 1 + 1)


def test_comment_on_a_post_reads_as_a_post_and_video_titles_show(user, other_user):
    from notifications.emails import notification_email, push_message
    from notifications.targets import TargetRef

    comment = TargetRef(app="social", kind="comment", id="c1", snapshot={"text": "Great!", "on": "video"})
    n = notification_send(recipient=user, type="comment", actor=other_user, target=comment, data={"kind": "video"})
    assert push_message(n)["body"] == "commented on your video: Great!"
    video = TargetRef(app="content", kind="video", id="v1", snapshot={"title": "Bouldering 101"})
    ready = notification_send(recipient=user, type="video_ready", target=video)
    assert "“Bouldering 101” has finished processing" in notification_email(ready).body
