"""Upload → processing → ready → playable, on the local store, with real ffmpeg."""

import hashlib
from urllib.parse import urlsplit

import pytest

from content.models import Video
from notifications.models import Notification
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _start(client, data: bytes, **extra):
    body = {"filename": "clip.mp4", "size": len(data), "content_type": "video/mp4", "title": "Test clip", **extra}
    response = client.post("/api/v1/videos", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _put_parts(client, session, data: bytes, only=None):
    etags = {}
    size = session["part_size"]
    for part in session["parts"]:
        n = part["part_number"]
        if only is not None and n not in only:
            continue
        chunk = data[(n - 1) * size : n * size]
        response = client.generic("PUT", _path(part["url"]), chunk, content_type="application/octet-stream")
        assert response.status_code == 200, response.content
        assert response["ETag"] == f'"{hashlib.md5(chunk).hexdigest()}"'
        etags[n] = response["ETag"].strip('"')
    return etags


def test_upload_process_and_play(creator, client_for, video_clip, small_parts, django_capture_on_commit_callbacks):
    client = client_for(creator)
    data = video_clip.read_bytes()
    created = _start(client, data, tags=["testing", "ffmpeg"])
    video_id, session = created["video"]["id"], created["upload"]
    assert created["video"]["status"] == "uploading"
    assert session["part_count"] == -(-len(data) // (16 * 1024)) and len(session["parts"]) == session["part_count"]

    etags = _put_parts(client, session, data)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/videos/{video_id}/upload/complete",
            {"parts": [{"part_number": n, "etag": e} for n, e in etags.items()]},
            format="json",
        )
    assert response.status_code == 200, response.json()

    video = Video.objects.get(pk=video_id)
    assert video.status == "ready", video.failure_reason
    assert video.progress == 100
    assert 2.9 <= video.duration_seconds <= 3.2
    assert (video.width, video.height, video.video_codec, video.audio_codec) == (640, 360, "h264", "aac")
    assert video.renditions == ["360p", "240p"]  # never upscaled past the 360p source
    assert video.published_at is not None
    assert Notification.objects.filter(recipient=creator, type="video_ready").count() == 1

    mine = client.get(f"/api/v1/videos/{video_id}").json()
    assert mine["status"] == "ready" and mine["progress"] == 100 and mine["thumbnail_url"]

    # An anonymous viewer plays it: master → variant → segment, every URL signed.
    anonymous = client_for(None)
    stream = anonymous.get(f"/api/v1/videos/{video_id}/stream").json()
    master = anonymous.get(_path(stream["url"]))
    assert master.status_code == 200 and master["Content-Type"] == "application/vnd.apple.mpegurl"
    text = master.content.decode()
    assert "#EXTM3U" in text and "RESOLUTION=640x360" in text
    variants = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(variants) == 2 and all("sig=" in v for v in variants)
    variant = anonymous.get(variants[0])
    assert variant.status_code == 200
    segments = [line for line in variant.content.decode().splitlines() if line and not line.startswith("#")]
    assert segments and all("sig=" in s and ".ts" in s for s in segments)
    segment = anonymous.get(segments[0])
    assert segment.status_code == 200
    assert b"".join(segment.streaming_content)[:1] == b"\x47"  # MPEG-TS sync byte

    # Tampered or unsigned URLs are refused.
    assert anonymous.get(segments[0].replace("sig=", "sig=0")).status_code == 403
    assert anonymous.get(segments[0].split("?")[0]).status_code == 403


def test_non_video_fails_with_reason(creator, client_for, small_parts, django_capture_on_commit_callbacks):
    client = client_for(creator)
    data = b"this is a text file pretending to be a video\n" * 200
    created = _start(client, data)
    etags = _put_parts(client, created["upload"], data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/v1/videos/{created['video']['id']}/upload/complete",
            {"parts": [{"part_number": n, "etag": e} for n, e in etags.items()]},
            format="json",
        )
    body = client.get(f"/api/v1/videos/{created['video']['id']}").json()
    assert body["status"] == "failed"
    assert (
        body["failure_reason"] == "The file is not a video we can read (it may be damaged or in an unsupported format)."
    )
    assert Notification.objects.filter(recipient=creator, type="video_failed").count() == 1
    # Others cannot see a failed video at all.
    assert client_for(UserFactory()).get(f"/api/v1/videos/{created['video']['id']}").status_code == 404


def test_still_image_is_not_a_video(creator, client_for, small_parts, django_capture_on_commit_callbacks, tmp_path):
    import subprocess

    png = tmp_path / "frame.png"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1", str(png)],
        check=True,
    )
    client = client_for(creator)
    data = png.read_bytes()
    created = _start(client, data)
    etags = _put_parts(client, created["upload"], data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/v1/videos/{created['video']['id']}/upload/complete",
            {"parts": [{"part_number": n, "etag": e} for n, e in etags.items()]},
            format="json",
        )
    video = Video.objects.get(pk=created["video"]["id"])
    assert (video.status, video.failure_reason) == ("failed", "The file is a still image, not a video.")


def test_interrupted_upload_resumes(creator, client_for, video_clip, small_parts, django_capture_on_commit_callbacks):
    client = client_for(creator)
    data = video_clip.read_bytes()
    created = _start(client, data)
    video_id, session = created["video"]["id"], created["upload"]
    assert session["part_count"] >= 3
    first = _put_parts(client, session, data, only={1, 2})

    # Completing early names the missing parts.
    response = client.post(
        f"/api/v1/videos/{video_id}/upload/complete",
        {"parts": [{"part_number": n, "etag": e} for n, e in first.items()]},
        format="json",
    )
    assert response.status_code == 400
    missing = list(range(3, session["part_count"] + 1))
    assert response.json()["detail"] == f"Missing parts: {', '.join(map(str, missing))}."

    # The connection dropped; the client asks what arrived and gets fresh URLs for the rest only.
    status = client.get(f"/api/v1/videos/{video_id}/upload").json()
    assert [p["part_number"] for p in status["received"]] == [1, 2]
    assert status["missing"] == missing
    assert [p["part_number"] for p in status["parts"]] == missing
    rest = _put_parts(client, status, data)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/videos/{video_id}/upload/complete",
            {"parts": [{"part_number": n, "etag": e} for n, e in {**first, **rest}.items()]},
            format="json",
        )
    assert response.status_code == 200
    assert Video.objects.get(pk=video_id).status == "ready"


def test_wrong_etag_and_wrong_part_size_are_refused(creator, client_for, video_clip, small_parts):
    client = client_for(creator)
    data = video_clip.read_bytes()
    created = _start(client, data)
    video_id, session = created["video"]["id"], created["upload"]
    short = client.generic(
        "PUT", _path(session["parts"][0]["url"]), data[:100], content_type="application/octet-stream"
    )
    assert short.status_code == 400
    etags = _put_parts(client, session, data)
    etags[1] = "0" * 32
    response = client.post(
        f"/api/v1/videos/{video_id}/upload/complete",
        {"parts": [{"part_number": n, "etag": e} for n, e in etags.items()]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["parts"] == ["Part 1 has a different ETag than the one received."]


def test_abort_discards_the_upload(creator, client_for, video_clip, small_parts, settings):
    client = client_for(creator)
    data = video_clip.read_bytes()
    created = _start(client, data)
    video_id = created["video"]["id"]
    _put_parts(client, created["upload"], data, only={1})
    assert client.delete(f"/api/v1/videos/{video_id}/upload").status_code == 204
    assert not (settings.MEDIA_ROOT / "uploads" / video_id).exists()
    assert client.get(f"/api/v1/videos/{video_id}").status_code == 404
    # The old part URLs stop working.
    again = client.generic(
        "PUT", _path(created["upload"]["parts"][1]["url"]), b"x", content_type="application/octet-stream"
    )
    assert again.status_code == 404


def test_part_urls_are_signed(creator, client_for, video_clip, small_parts):
    client = client_for(creator)
    created = _start(client, video_clip.read_bytes())
    url = _path(created["upload"]["parts"][0]["url"])
    forged = url.replace("/parts/1?", "/parts/2?")
    assert client.generic("PUT", forged, b"x", content_type="application/octet-stream").status_code == 403


def test_upload_checks_type_and_size(creator, client_for, settings):
    client = client_for(creator)
    bad_type = client.post(
        "/api/v1/videos", {"filename": "a.pdf", "size": 10, "content_type": "application/pdf", "title": "x"}
    )
    assert bad_type.status_code == 400 and "content_type" in bad_type.json()["errors"]
    settings.VIDEO_MAX_UPLOAD_BYTES = 1000
    too_big = client.post(
        "/api/v1/videos", {"filename": "a.mp4", "size": 1001, "content_type": "video/mp4", "title": "x"}
    )
    assert too_big.status_code == 413


def test_others_cannot_touch_an_upload(creator, other_user, client_for, video_clip, small_parts):
    created = _start(client_for(creator), video_clip.read_bytes())
    video_id = created["video"]["id"]
    other = client_for(other_user)
    assert other.get(f"/api/v1/videos/{video_id}/upload").status_code == 404
    assert other.delete(f"/api/v1/videos/{video_id}/upload").status_code == 404
    assert other.post(f"/api/v1/videos/{video_id}/upload/complete", {"parts": []}, format="json").status_code == 404
    assert other.post(f"/api/v1/videos/{video_id}/retry").status_code == 404
    assert other.patch(f"/api/v1/videos/{video_id}", {"title": "mine"}, format="json").status_code == 404


def test_retry_after_failure(creator, client_for, video_clip, small_parts, django_capture_on_commit_callbacks):
    """A failed video (say ffmpeg was missing) can be retried by its owner once the cause is fixed."""
    from content.services.processing import video_mark_failed
    from content.services.videos import video_create_from_recording

    with django_capture_on_commit_callbacks(execute=False):
        video = video_create_from_recording(owner=creator, title="Replay", source_path_or_key=str(video_clip))
    video_mark_failed(video_id=video.pk, reason="Worker lost.")
    client = client_for(creator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/videos/{video.pk}/retry")
    assert response.status_code == 200
    video.refresh_from_db()
    assert (video.status, video.processing_attempts, video.source) == ("ready", 2, "recording")
    assert client.post(f"/api/v1/videos/{video.pk}/retry").status_code == 409


def test_processing_twice_is_harmless(creator, video_clip, small_parts, django_capture_on_commit_callbacks):
    from content.services.processing import video_process
    from content.services.videos import video_create_from_recording

    with django_capture_on_commit_callbacks(execute=True):
        video = video_create_from_recording(owner=creator, title="Replay", source_path_or_key=str(video_clip))
    video.refresh_from_db()
    assert video.status == "ready"
    assert video_process(video_id=video.pk) is None  # already ready: the redelivered task does nothing
    assert Notification.objects.filter(recipient=creator, type="video_ready").count() == 1


def test_stale_uploads_expire(creator, client_for, video_clip, small_parts, settings):
    import datetime

    from django.utils import timezone

    from content.services.videos import video_uploads_expire

    client = client_for(creator)
    data = video_clip.read_bytes()
    created = _start(client, data)
    _put_parts(client, created["upload"], data, only={1})
    fresh = _start(client, data)
    Video.objects.filter(pk=created["video"]["id"]).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert video_uploads_expire() == 1
    assert not Video.objects.filter(pk=created["video"]["id"]).exists()
    assert not (settings.MEDIA_ROOT / "uploads" / created["video"]["id"]).exists()
    assert Video.objects.get(pk=fresh["video"]["id"]).status == "uploading"
