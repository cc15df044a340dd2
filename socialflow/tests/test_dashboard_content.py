"""Content pages: the creator's videos (status, failure, retry, edit, analytics) and posts — and nobody else's."""

import re

import pytest

from content.models import Video
from content.services.posts import post_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_A_VIDEO = b"this is plain text, not a video " * 64


def test_videos_list_shows_status_progress_failure_and_retry(dashboard_client, creator, make_video):
    ready = make_video(creator, "Climbing 101")
    failed = make_video(creator, "Broken upload", data=NOT_A_VIDEO)
    assert (ready.status, failed.status) == ("ready", "failed")
    html = dashboard_client(creator).get("/dashboard/videos/").content.decode()
    assert "Climbing 101" in html and "Broken upload" in html
    assert '<span class="status status-ready" data-role="status">Ready</span>' in html
    assert '<span class="status status-failed" data-role="status">Failed</span>' in html
    assert failed.failure_reason and failed.failure_reason in html
    assert f'action="/dashboard/videos/{failed.pk}/retry/"' in html
    assert f'action="/dashboard/videos/{ready.pk}/retry/"' not in html
    assert f'href="/dashboard/videos/{ready.pk}/analytics/"' in html
    filtered = dashboard_client(creator).get("/dashboard/videos/?status=failed").content.decode()
    assert "Broken upload" in filtered and "Climbing 101" not in filtered


def test_retry_runs_processing_again_through_the_content_service(
    dashboard_client, creator, make_video, django_capture_on_commit_callbacks
):
    failed = make_video(creator, "Broken upload", data=NOT_A_VIDEO)
    attempts = failed.processing_attempts
    client = dashboard_client(creator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/dashboard/videos/{failed.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/videos/"
    failed.refresh_from_db()
    assert (
        failed.processing_attempts == attempts + 1
    )  # went back through processing (and failed again: still not a video)
    assert failed.status == "failed"
    # A ready video cannot be retried by its owner: the service's Conflict is shown, nothing changes.
    ready = make_video(creator, "Fine")
    follow = client.post(f"/dashboard/videos/{ready.pk}/retry/", follow=True)
    assert "A ready video cannot be retried." in follow.content.decode()


def test_edit_metadata_and_visibility_through_the_service(dashboard_client, creator, make_video):
    video = make_video(creator, "Old title")
    client = dashboard_client(creator)
    page = client.get(f"/dashboard/videos/{video.pk}/").content.decode()
    assert 'value="Old title"' in page and '<label for="id_title">Title' in page
    response = client.post(
        f"/dashboard/videos/{video.pk}/",
        {
            "title": "New title",
            "description": "About climbing",
            "tags": "climbing, outdoors",
            "visibility": "unlisted",
            "comments_enabled": "on",
            "comment_policy": "followers",
        },
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert (video.title, video.visibility, video.tags, video.comment_policy) == (
        "New title",
        "unlisted",
        ["climbing", "outdoors"],
        "followers",
    )
    assert video.age_restricted is False and video.comments_enabled is True
    missing = client.post(f"/dashboard/videos/{video.pk}/", {"title": "", "visibility": "public"})
    assert missing.status_code == 400
    assert 'id="id_title_errors"' in missing.content.decode()


def test_analytics_page_charts_views_and_retention(dashboard_client, creator, make_video, watch):
    video = make_video(creator, "Climbing 101")
    for i in range(2):
        watch(video, UserFactory(username=f"viewer{i}"))
    html = dashboard_client(creator).get(f"/dashboard/videos/{video.pk}/analytics/?days=7").content.decode()
    assert '<div class="kpi" id="kpi-video-views"><dt>Views (all time)</dt><dd><span class="kpi-value">2</span>' in html
    views = re.findall(r'<rect class="mark"[^>]*data-value="(\d+)"', html)
    assert views == ["0", "0", "0", "0", "0", "0", "2"]
    retention = re.findall(r'<circle class="mark"[^>]*data-label="(\d+)s" data-value="([\d.]+)"', html)
    # Both sessions played seconds 0..3 of the 3-second clip: 100% retention at every second.
    assert retention and all(value == "100.0" for _, value in retention)
    assert '-title">Audience retention: Climbing 101</title>' in html


def test_another_creators_videos_are_404_everywhere(
    dashboard_client, creator, second_creator, make_video, django_capture_on_commit_callbacks
):
    failed = make_video(creator, "Cora private draft", data=NOT_A_VIDEO)
    attempts = failed.processing_attempts
    intruder = dashboard_client(second_creator)
    assert "Cora private draft" not in intruder.get("/dashboard/videos/").content.decode()
    assert intruder.get(f"/dashboard/videos/{failed.pk}/").status_code == 404
    assert (
        intruder.post(f"/dashboard/videos/{failed.pk}/", {"title": "pwned", "visibility": "public"}).status_code == 404
    )
    assert intruder.get(f"/dashboard/videos/{failed.pk}/analytics/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert intruder.post(f"/dashboard/videos/{failed.pk}/retry/").status_code == 404
    failed.refresh_from_db()
    assert (failed.title, failed.processing_attempts) == ("Cora private draft", attempts)


def test_posts_list_shows_only_own_posts(dashboard_client, creator, second_creator):
    post_create(author=creator, text="Cora's first post")
    post_create(author=creator, text="Cora for followers", visibility="followers")
    post_create(author=second_creator, text="Dora's post")
    html = dashboard_client(creator).get("/dashboard/posts/").content.decode()
    assert "Cora&#x27;s first post" in html and "Cora for followers" in html
    assert "Dora" not in html


def test_upload_page_has_the_upload_script_and_csrf(dashboard_client, creator):
    response = dashboard_client(creator).get("/dashboard/videos/upload/")
    html = response.content.decode()
    assert '<script src="/static/dashboard/upload.js" defer></script>' in html
    assert re.search(r'data-csrf="[A-Za-z0-9]{32,}"', html)
    assert '<label for="upload-file">Video file' in html


@pytest.mark.parametrize("count", [1, 12])
def test_videos_list_query_count_is_flat(dashboard_client, creator, count, django_assert_num_queries):
    # Rows are created through the content service (upload sessions); processing is not needed here.
    from content.services.videos import video_create

    for i in range(count):
        video_create(author=creator, filename="a.mp4", size=1000, content_type="video/mp4", title=f"V{i}")
    client = dashboard_client(creator)
    client.get("/dashboard/videos/")
    with django_assert_num_queries(4):  # session, user, count, page of videos
        assert client.get("/dashboard/videos/").status_code == 200
    assert Video.objects.filter(author=creator).count() == count


@pytest.mark.parametrize("count", [1, 12])
def test_posts_list_query_count_is_flat(dashboard_client, creator, count, django_assert_num_queries):
    for i in range(count):
        post_create(author=creator, text=f"Post {i}")
    client = dashboard_client(creator)
    client.get("/dashboard/posts/")
    # session, user, count, page of posts, then media prefetches (own, reposted, quoted): flat in the count
    with django_assert_num_queries(7):
        assert client.get("/dashboard/posts/").status_code == 200
