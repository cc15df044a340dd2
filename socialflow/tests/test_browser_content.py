"""Real-browser content flows: upload a generated clip through the page (parallel parts, resumed after a
failed part and a reload) and watch it reach ready; the list and analytics pages render it."""

import re

import pytest
from playwright.sync_api import expect

from content.models import Video, VideoUploadPart
from socialflow.dashboard.views import content as content_views
from socialflow.tests.conftest import browser_sign_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_upload_a_clip_resume_after_reload_and_watch_it_reach_ready(
    browser_page, creator, video_clip, settings, monkeypatch
):
    if not settings.USING_POSTGRES:
        # SQLite's shared in-memory test database locks whole tables under concurrent writers (the live
        # server's threads); PostgreSQL (CI) runs the parts in parallel as in production.
        monkeypatch.setattr(content_views, "UPLOAD_PARALLEL_PARTS", 1)
    settings.VIDEO_UPLOAD_PART_BYTES = 8 * 1024  # several parts for a small clip (the local store has no floor)
    settings.AWS_STORAGE_BUCKET_NAME = ""
    size = video_clip.stat().st_size
    part_count = -(-size // settings.VIDEO_UPLOAD_PART_BYTES)
    assert part_count >= 4
    page = browser_page
    browser_sign_in(page, login="cora")

    # First page load: part 2 never reaches the server (the connection keeps dropping), so after its
    # retries the upload stops.
    sent: list[int] = []
    dropping = {"part 2": True}

    def flaky(route):
        number = int(re.search(r"/upload/parts/(\d+)", route.request.url).group(1))
        if number == 2 and dropping["part 2"]:
            route.abort()
            return
        sent.append(number)
        route.continue_()

    page.route("**/upload/parts/**", flaky)
    page.goto("/dashboard/videos/upload/")
    page.get_by_label("Video file").set_input_files(str(video_clip))
    page.get_by_label("Title").fill("Browser clip")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-status")).to_have_text(re.compile(r"^Upload stopped"))
    video = Video.objects.get(author=creator, title="Browser clip")
    assert video.status == "uploading"
    assert 2 not in sent
    screenshot(page, "upload-interrupted")

    # Reload: the page remembers the unfinished upload; the same file resumes with only the missing parts.
    sent.clear()
    dropping["part 2"] = False
    page.reload()
    assert "Unfinished upload: clip.mp4" in page.locator("#upload-resume").inner_text()
    page.get_by_label("Video file").set_input_files(str(video_clip))
    page.get_by_label("Title").fill("Browser clip")
    received = set(VideoUploadPart.objects.filter(video=video).values_list("part_number", flat=True))
    assert 2 not in received and received
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-status")).to_have_text(re.compile(r"^Ready"), timeout=60_000)
    # Only what the server was missing went up again, including the dropped part.
    assert set(sent) == set(range(1, part_count + 1)) - received
    assert 2 in sent
    assert page.locator("#upload-bar").evaluate("el => el.value") == 100
    assert page.locator("#processing-bar").evaluate("el => el.value") == 100
    screenshot(page, "upload-ready")

    video.refresh_from_db()
    assert (video.status, video.size_bytes, Video.objects.filter(author=creator).count()) == ("ready", size, 1)
    assert video.duration_seconds and round(video.duration_seconds) == 3

    page.goto("/dashboard/videos/")
    row = page.locator(f'tr[data-video-id="{video.pk}"]')
    assert row.locator("[data-role=status]").inner_text() == "Ready"
    screenshot(page, "videos")
    row.get_by_role("link", name="Analytics").click()
    page.wait_for_selector("#chart-retention svg")
    assert page.get_by_role("heading", level=1).inner_text() == "Analytics: Browser clip"
    screenshot(page, "video-analytics")
    assert page.console_errors == [] or all(
        "net::ERR_FAILED" in e or "Failed to fetch" in e for e in page.console_errors
    )
