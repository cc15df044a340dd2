import pytest
from django.urls import reverse

from content.models import Post, Video
from content.tests.factories import PostFactory, VideoFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True, role="admin")
    client.force_login(admin)
    return client


def test_admin_lists_and_moderates_posts(staff_client):
    post = PostFactory(text="spam spam")
    original = PostFactory()
    quote = PostFactory(quote_of=original)
    Post.objects.filter(pk=original.pk).update(quotes_count=1)
    assert staff_client.get(reverse("admin:content_post_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:content_post_change", args=[post.pk])).status_code == 200
    url = reverse("admin:content_post_changelist")
    staff_client.post(url, {"action": "remove_posts", "_selected_action": [post.pk, quote.pk]})
    assert Post.all_objects.get(pk=post.pk).deleted_at is not None
    original.refresh_from_db()
    assert original.quotes_count == 0
    staff_client.post(url, {"action": "restore_posts", "_selected_action": [quote.pk]})
    original.refresh_from_db()
    assert original.quotes_count == 1 and Post.objects.filter(pk=quote.pk).exists()


def test_admin_bulk_retry_videos(staff_client, django_capture_on_commit_callbacks):
    failed = VideoFactory(status="failed", uploaded_at="2026-01-01T00:00:00Z")
    never_uploaded = VideoFactory(status="failed")
    url = reverse("admin:content_video_changelist")
    assert staff_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(url, {"action": "retry_processing", "_selected_action": [failed.pk, never_uploaded.pk]})
    assert Video.objects.get(pk=failed.pk).status == "processing"
    assert Video.objects.get(pk=never_uploaded.pk).status == "failed"
    assert len(callbacks) == 1  # one processing task queued


def test_demo_seed_is_idempotent(settings, django_capture_on_commit_callbacks):
    from content import demo
    from users import demo as users_demo

    ctx: dict = {}
    users_demo.seed(ctx, lambda label: None)
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(ctx, lambda label: None)
    counts = (Post.objects.count(), Video.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(ctx, lambda label: None)
    assert (Post.objects.count(), Video.objects.count()) == counts
    assert counts[0] >= 15
    assert set(Video.objects.values_list("status", flat=True)) <= {"ready"}
