import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import FanoutJob, Notification
from notifications.services import fanout_job_run, notification_fanout
from users.models import Follow
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _followers(creator, n):
    users = UserFactory.create_batch(n)
    Follow.objects.bulk_create([Follow(follower=u, following=creator) for u in users])
    return users


def _run(job, batch_size):
    with CaptureQueriesContext(connection) as ctx:
        fanout_job_run(job_id=job.id, batch_size=batch_size)
    return len(ctx.captured_queries)


def test_fanout_notifies_every_follower_once(creator, django_capture_on_commit_callbacks):
    fans = _followers(creator, 7)
    with django_capture_on_commit_callbacks(execute=True):
        job = notification_fanout(actor=creator, type="stream_live", target=creator, data={"title": "Live!"})
    job.refresh_from_db()
    assert job.status == FanoutJob.Status.DONE
    assert job.created_count == 7
    rows = Notification.objects.filter(type="stream_live")
    assert sorted(r.recipient_id for r in rows) == sorted(f.pk for f in fans)
    assert {r.data["title"] for r in rows} == {"Live!"}
    assert {r.actor_id for r in rows} == {creator.pk}


def test_fanout_is_idempotent_on_rerun_and_on_repeat_calls(creator):
    _followers(creator, 5)
    job = notification_fanout(actor=creator, type="new_video", target=creator)
    fanout_job_run(job_id=job.id, batch_size=2)
    # A crashed worker replaying the job from the start: nothing is inserted twice.
    FanoutJob.objects.filter(pk=job.pk).update(status="running", cursor=None)
    fanout_job_run(job_id=job.id, batch_size=2)
    again = notification_fanout(actor=creator, type="new_video", target=creator)
    assert again.pk == job.pk
    assert Notification.objects.filter(type="new_video").count() == 5


def test_fanout_resumes_from_the_cursor(creator):
    _followers(creator, 5)
    job = notification_fanout(actor=creator, type="new_post", target=creator)
    first_edges = list(Follow.objects.filter(following=creator).order_by("id")[:3])
    FanoutJob.objects.filter(pk=job.pk).update(cursor=first_edges[-1].id)
    fanout_job_run(job_id=job.id, batch_size=10)
    assert Notification.objects.filter(type="new_post").count() == 2


def test_fanout_skips_blocked_muted_and_opted_out_followers(creator, block, mute):
    blocked, blocking, muting, opted_out, fan = _followers(creator, 5)
    block(creator, blocked)
    block(blocking, creator)
    mute(muting, creator)
    from notifications.services.preferences import notification_settings_update

    notification_settings_update(user=opted_out, channels={"stream_live": {"in_app": False, "push": False}})
    job = notification_fanout(actor=creator, type="stream_live", target=creator)
    fanout_job_run(job_id=job.id)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [fan.pk]


def test_fanout_query_count_grows_with_batches_not_followers(creator, cora_twin):
    _followers(creator, 40)
    _followers(cora_twin, 20)
    # Same number of batches (4), twice the followers: the same number of queries.
    q_40_in_4 = _run(notification_fanout(actor=creator, type="new_post", target=creator), batch_size=10)
    q_20_in_4 = _run(notification_fanout(actor=cora_twin, type="new_post", target=cora_twin), batch_size=5)
    assert q_40_in_4 == q_20_in_4
    # Same followers, twice the batches: a fixed cost per extra batch.
    q_40_in_8 = _run(notification_fanout(actor=creator, type="new_video", target=creator), batch_size=5)
    per_batch, remainder = divmod(q_40_in_8 - q_40_in_4, 4)
    assert remainder == 0 and per_batch <= 13
    assert Notification.objects.count() == 40 + 20 + 40


@pytest.fixture
def cora_twin(db):
    return UserFactory(username="cora2", role="creator")


def test_fanout_query_count_is_flat_in_followers(creator, django_assert_max_num_queries):
    _followers(creator, 30)
    job = notification_fanout(actor=creator, type="new_post", target=creator)
    with django_assert_max_num_queries(13):
        fanout_job_run(job_id=job.id, batch_size=1000)
    assert Notification.objects.count() == 30


def test_fanout_schedules_push_only_for_followers_with_devices(creator, django_capture_on_commit_callbacks):
    from notifications.models import NotificationDelivery
    from notifications.services import push_device_register

    with_phone, without = _followers(creator, 2)
    push_device_register(user=with_phone, kind="fcm", token="phone-1")
    with django_capture_on_commit_callbacks(execute=True):
        notification_fanout(actor=creator, type="stream_live", target=creator)
    deliveries = NotificationDelivery.objects.select_related("notification")
    assert [(d.notification.recipient_id, d.channel, d.status) for d in deliveries] == [
        (with_phone.pk, "push", "skipped")  # FCM is not configured in tests
    ]
    assert Notification.objects.filter(recipient=without).count() == 1
